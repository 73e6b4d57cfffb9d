//! The codes and tokens of the user management flows: magic auth, email verification, email
//! change and password reset. The emulator sends no email: the codes are in the answers (as
//! the API returns them) and in the outbox ([`Store::send_email`]).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{CreateUser, User, check_email, pending_by_token};
use crate::model::error::{ApiError, ApiResult, FieldError};
use crate::model::ids::{code, in_minutes, is_past, now, token};
use crate::model::{MAX_CODES, Name, Store, push_bounded};

records!(
    OneTimeCode => "One-time code",
    PasswordReset => "Password reset",
);

/// A one-time code sent to a user: `MagicAuth` and `EmailVerification` (their `object`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct OneTimeCode {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) email: String,
    pub(crate) expires_at: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) code: String,
    /// Whether it was used (a code is single use).
    #[serde(default, skip_serializing_if = "crate::model::persist::answering")]
    pub(crate) used: bool,
}

/// `PasswordReset`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PasswordReset {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) email: String,
    pub(crate) expires_at: String,
    pub(crate) created_at: String,
    pub(crate) password_reset_token: String,
    pub(crate) password_reset_url: String,
    #[serde(default, skip_serializing_if = "crate::model::persist::answering")]
    pub(crate) used: bool,
}

/// A pending email change: the new address and its code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct EmailChange {
    pub(crate) user_id: String,
    pub(crate) new_email: String,
    pub(crate) code: String,
    pub(crate) expires_at: String,
    pub(crate) created_at: String,
}

/// How long codes and tokens are valid, in minutes.
const CODE_MINUTES: i64 = 10;
const RESET_MINUTES: i64 = 60;

/// The shortest password the emulator accepts.
pub(crate) const MIN_PASSWORD: usize = 8;

/// The body of `POST /user_management/magic_auth`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CreateMagicAuth {
    pub(crate) email: String,
    /// A pending invitation the sign-up joins (to the same email).
    pub(crate) invitation_token: Option<String>,
}

/// The body of `POST /user_management/password_reset`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CreatePasswordReset {
    pub(crate) email: String,
}

/// The body of `POST /user_management/password_reset/confirm`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct ConfirmPasswordReset {
    pub(crate) token: String,
    pub(crate) new_password: String,
}

/// The body of the confirmations of an email verification and of an email change.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct ConfirmCode {
    pub(crate) code: String,
}

/// The body of `POST /user_management/users/{id}/email_change/send`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CreateEmailChange {
    pub(crate) new_email: String,
}

/// The answer of a verification sent or confirmed, and of a password reset confirmed.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UserAnswer {
    pub(crate) user: User,
}

/// `EmailChange`: a code went to the new address.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EmailChangeAnswer {
    pub(crate) object: Name,
    pub(crate) user: User,
    pub(crate) new_email: String,
    pub(crate) expires_at: String,
    pub(crate) created_at: String,
}

/// `EmailChangeConfirmation`: the user with the new address.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EmailChangeConfirmation {
    pub(crate) object: Name,
    pub(crate) user: User,
}

/// A password reset event's data: the record without its secret token and URL.
fn reset_event(r: &PasswordReset) -> Value {
    json!({
        "object": r.object, "id": r.id, "user_id": r.user_id, "email": r.email,
        "expires_at": r.expires_at, "created_at": r.created_at,
    })
}

/// A code's event data: the record without its code.
fn code_event(r: &OneTimeCode) -> Value {
    json!({
        "object": r.object, "id": r.id, "user_id": r.user_id, "email": r.email,
        "expires_at": r.expires_at, "created_at": r.created_at, "updated_at": r.updated_at,
    })
}

/// 409 `email_not_available`.
fn email_taken(email: &str) -> ApiError {
    ApiError::conflict("email_not_available", format!("Email '{email}' is not available."))
}

fn new_code(store: &mut Store, object: &'static str, user: &User) -> OneTimeCode {
    let at = now();
    OneTimeCode {
        object,
        id: store.ids.next(object),
        user_id: user.id.clone(),
        email: user.email.clone(),
        expires_at: in_minutes(CODE_MINUTES),
        created_at: at.clone(),
        updated_at: at,
        code: code(),
        used: false,
    }
}

/// Uses a magic auth code for `email` (the authenticate grant): the user's id. The code came
/// to the address, so the address is verified.
pub(crate) fn use_magic_auth(store: &mut Store, email: &str, given: &str) -> ApiResult<Option<String>> {
    let email = email.trim().to_lowercase();
    let Some(record) = store
        .magic_auths
        .iter_mut()
        .rev()
        .find(|m| m.email == email && !m.used && !is_past(&m.expires_at) && m.code == given)
    else {
        return Ok(None);
    };
    record.used = true;
    let user_id = record.user_id.clone();
    mark_verified(store, &user_id)?;
    Ok(Some(user_id))
}

/// Emails a new verification code to the user (and records the event); the code's record.
pub(crate) fn send_verification_code(store: &mut Store, user: &User) -> OneTimeCode {
    let record = new_code(store, "email_verification", user);
    push_bounded(&mut store.email_verifications, record.clone(), MAX_CODES);
    store.send_email(&record.email, "email_verification", Some(&record.code), None);
    store.emit("email_verification.created", code_event(&record));
    record
}

/// Uses the newest unused, unexpired verification code sent to the user's current address:
/// when it is `given`, the address is verified (`true`).
pub(crate) fn use_verification_code(store: &mut Store, user_id: &str, given: &str) -> ApiResult<bool> {
    let email = store.user(user_id)?.email.clone();
    let Some(record) = store
        .email_verifications
        .iter_mut()
        .rev()
        .find(|v| v.user_id == user_id && v.email == email && !v.used && !is_past(&v.expires_at))
        .filter(|v| v.code == given)
    else {
        return Ok(false);
    };
    record.used = true;
    mark_verified(store, user_id)?;
    Ok(true)
}

/// Marks the user's address verified (a `user.updated` event when it was not).
fn mark_verified(store: &mut Store, user_id: &str) -> ApiResult<()> {
    let user = store.users.get_mut(user_id)?;
    if !user.email_verified {
        user.email_verified = true;
        user.updated_at = now();
        let user = user.clone();
        store.emit_record("user.updated", &user);
    }
    Ok(())
}

impl Store {
    /// `POST /user_management/magic_auth`: emails a code. A user with the email is created
    /// when there is none (as a sign-up by magic auth does); with `invitation_token`, the
    /// invitation must be pending and for the same email.
    pub(crate) fn create_magic_auth(&mut self, new: CreateMagicAuth) -> ApiResult<OneTimeCode> {
        let email = check_email(&new.email)?;
        if let Some(token) = &new.invitation_token
            && pending_by_token(self, token)?.email != email
        {
            return Err(ApiError::bad_request(
                "invitation_email_mismatch",
                "The invitation was sent to another email address.",
            ));
        }
        let user = match self.user_by_email(&email) {
            Some(u) => u.clone(),
            None => self.create_user(CreateUser::with_email(email))?,
        };
        let record = new_code(self, "magic_auth", &user);
        push_bounded(&mut self.magic_auths, record.clone(), MAX_CODES);
        self.send_email(&record.email, "magic_auth", Some(&record.code), None);
        self.emit("magic_auth.created", code_event(&record));
        Ok(record)
    }

    /// `GET /user_management/magic_auth/{id}`.
    pub(crate) fn get_magic_auth(&self, id: &str) -> ApiResult<&OneTimeCode> {
        self.magic_auths.find(id).ok_or_else(|| ApiError::not_found("Magic auth", id))
    }

    /// `POST /user_management/users/{id}/email_verification/send`: a code to the user's
    /// address; a verified address is a 400.
    pub(crate) fn send_verification(&mut self, user_id: &str) -> ApiResult<UserAnswer> {
        let user = self.user(user_id)?.clone();
        if user.email_verified {
            return Err(ApiError::bad_request(
                "email_already_verified",
                "The email address is already verified.",
            ));
        }
        send_verification_code(self, &user);
        Ok(UserAnswer { user })
    }

    /// `POST /user_management/users/{id}/email_verification/confirm`: verifies the address
    /// with the newest unused, unexpired code sent to it (else a 400).
    pub(crate) fn confirm_verification(
        &mut self,
        user_id: &str,
        given: ConfirmCode,
    ) -> ApiResult<UserAnswer> {
        if !use_verification_code(self, user_id, &given.code)? {
            return Err(ApiError::bad_request(
                "email_verification_code_incorrect",
                "The code is incorrect or expired.",
            ));
        }
        Ok(UserAnswer { user: self.user(user_id)?.clone() })
    }

    /// `GET /user_management/email_verification/{id}`.
    pub(crate) fn get_email_verification(&self, id: &str) -> ApiResult<&OneTimeCode> {
        self.email_verifications.find(id).ok_or_else(|| ApiError::not_found("Email verification", id))
    }

    /// `POST /user_management/users/{id}/email_change/send`: a code goes to the new address
    /// (replacing the user's pending change). An address another user has is a 409.
    pub(crate) fn send_email_change(
        &mut self,
        user_id: &str,
        change: CreateEmailChange,
    ) -> ApiResult<EmailChangeAnswer> {
        let new_email = check_email(&change.new_email)?;
        let user = self.user(user_id)?.clone();
        if self.user_by_email(&new_email).is_some_and(|u| u.id != user_id) {
            return Err(email_taken(&new_email));
        }
        let change = EmailChange {
            user_id: user_id.to_owned(),
            new_email: new_email.clone(),
            code: code(),
            expires_at: in_minutes(CODE_MINUTES),
            created_at: now(),
        };
        self.email_changes.retain(|c| c.user_id != user_id);
        push_bounded(&mut self.email_changes, change.clone(), MAX_CODES);
        self.send_email(&change.new_email, "email_change", Some(&change.code), None);
        Ok(EmailChangeAnswer {
            object: "email_change",
            user,
            new_email,
            expires_at: change.expires_at,
            created_at: change.created_at,
        })
    }

    /// `POST /user_management/users/{id}/email_change/confirm`: with the pending change's code,
    /// the user's address becomes the new one, verified; emits `user.updated`.
    pub(crate) fn confirm_email_change(
        &mut self,
        user_id: &str,
        given: ConfirmCode,
    ) -> ApiResult<EmailChangeConfirmation> {
        let index = self.users.index_of(user_id)?;
        let at = self
            .email_changes
            .iter()
            .position(|c| c.user_id == user_id && c.code == given.code && !is_past(&c.expires_at))
            .ok_or_else(|| {
                ApiError::bad_request("email_change_code_incorrect", "The code is incorrect or expired.")
            })?;
        let change = self.email_changes.remove(at);
        if self.user_by_email(&change.new_email).is_some_and(|other| other.id != user_id) {
            return Err(email_taken(&change.new_email));
        }
        self.set_email(index, change.new_email);
        let user = &mut self.users[index];
        user.email_verified = true;
        user.updated_at = now();
        let user = user.clone();
        self.emit_record("user.updated", &user);
        Ok(EmailChangeConfirmation { object: "email_change_confirmation", user })
    }

    /// `POST /user_management/password_reset`: a token for the user with the email (404 when
    /// there is none), emailed as a link on `origin` (the emulator's base URL).
    pub(crate) fn create_password_reset(
        &mut self,
        new: CreatePasswordReset,
        origin: &str,
    ) -> ApiResult<PasswordReset> {
        let email = check_email(&new.email)?;
        let user = self
            .user_by_email(&email)
            .cloned()
            .ok_or_else(|| ApiError::not_found("User with email", &email))?;
        let token = token(32);
        let record = PasswordReset {
            object: "password_reset",
            id: self.ids.next("password_reset"),
            user_id: user.id,
            email: user.email,
            expires_at: in_minutes(RESET_MINUTES),
            created_at: now(),
            password_reset_url: format!("{origin}/reset-password?token={token}"),
            password_reset_token: token,
            used: false,
        };
        push_bounded(&mut self.password_resets, record.clone(), MAX_CODES);
        self.send_email(&record.email, "password_reset", None, Some(&record.password_reset_url));
        self.emit("password_reset.created", reset_event(&record));
        Ok(record)
    }

    /// `GET /user_management/password_reset/{id}`.
    pub(crate) fn get_password_reset(&self, id: &str) -> ApiResult<&PasswordReset> {
        self.password_resets.get(id)
    }

    /// `POST /user_management/password_reset/confirm`: a new password with a reset token
    /// (single use, an hour); emits `password_reset.succeeded`.
    pub(crate) fn confirm_password_reset(&mut self, confirm: ConfirmPasswordReset) -> ApiResult<UserAnswer> {
        if confirm.new_password.chars().count() < MIN_PASSWORD {
            return Err(ApiError::invalid_field(
                "new_password",
                "password_too_short",
                format!("new_password must have at least {MIN_PASSWORD} characters."),
            ));
        }
        let record = self
            .password_resets
            .iter_mut()
            .find(|r| r.password_reset_token == confirm.token)
            .ok_or_else(|| ApiError::not_found("Password reset token", "(the given token)"))?;
        if record.used || is_past(&record.expires_at) {
            let message = "The password reset token has expired or was used.";
            let mut e = ApiError::bad_request("password_reset_error", message);
            e.errors.push(FieldError {
                field: "token".to_owned(),
                code: "password_reset_token_expired",
                message: message.to_owned(),
                instance_path: None,
            });
            return Err(e);
        }
        record.used = true;
        let record = record.clone();
        self.passwords.insert(record.user_id.clone(), confirm.new_password);
        let user = self.user(&record.user_id)?.clone();
        self.emit("password_reset.succeeded", reset_event(&record));
        Ok(UserAnswer { user })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{event_names, user};

    fn magic(email: &str) -> CreateMagicAuth {
        CreateMagicAuth { email: email.into(), invitation_token: None }
    }

    fn code_of(given: &str) -> ConfirmCode {
        ConfirmCode { code: given.into() }
    }

    #[test]
    fn unknown_ids_are_404s_naming_the_flow() {
        let mut store = Store::default();
        assert_eq!(store.get_magic_auth("x").unwrap_err().message, "Magic auth not found: 'x'.");
        assert_eq!(
            store.get_email_verification("x").unwrap_err().message,
            "Email verification not found: 'x'."
        );
        assert_eq!(store.get_password_reset("x").unwrap_err().message, "Password reset not found: 'x'.");
        for e in [
            store.send_verification("user_x").map(drop).unwrap_err(),
            store.confirm_email_change("user_x", code_of("1")).map(drop).unwrap_err(),
        ] {
            assert_eq!((e.status.as_u16(), e.message.as_str()), (404, "User not found: 'user_x'."));
        }
        let e =
            store.create_password_reset(CreatePasswordReset { email: "a@a.test".into() }, "").unwrap_err();
        assert_eq!(e.message, "User with email not found: 'a@a.test'.");
    }

    #[test]
    fn a_magic_auth_code_signs_up_once_and_verifies_the_address() {
        let mut store = Store::default();
        let record = store.create_magic_auth(magic("Ada@A.test")).expect("sent");
        let ada = store.user_by_email("ada@a.test").expect("signed up").clone();
        assert_eq!((record.user_id.as_str(), record.code.len()), (ada.id.as_str(), 6));
        assert_eq!(store.outbox.back().and_then(|e| e.code.clone()), Some(record.code.clone()));
        let event = store.events.log.back().expect("event");
        assert_eq!(event["event"], "magic_auth.created");
        assert!(event["data"].get("code").is_none());
        assert_eq!(use_magic_auth(&mut store, "ada@a.test", "wrong").expect("checked"), None);
        assert_eq!(
            use_magic_auth(&mut store, " ADA@a.test", &record.code).expect("used"),
            Some(ada.id.clone())
        );
        assert!(store.user(&ada.id).expect("there").email_verified);
        assert_eq!(
            use_magic_auth(&mut store, "ada@a.test", &record.code).expect("checked"),
            None,
            "single use"
        );
        assert_eq!(event_names(&store), ["user.created", "magic_auth.created", "user.updated"]);
    }

    #[test]
    fn a_magic_auth_invitation_must_be_pending_and_for_the_same_address() {
        let mut store = Store::default();
        let invitation = super::super::CreateInvitation { email: "ada@a.test".into(), ..Default::default() };
        let i = store.create_invitation(invitation, "http://e.test").expect("invited");
        let mismatch = CreateMagicAuth { invitation_token: Some(i.token.clone()), ..magic("bob@a.test") };
        assert_eq!(store.create_magic_auth(mismatch).unwrap_err().code, Some("invitation_email_mismatch"));
        let unknown = CreateMagicAuth { invitation_token: Some("nope".into()), ..magic("ada@a.test") };
        assert_eq!(store.create_magic_auth(unknown).unwrap_err().status.as_u16(), 404);
        let matching = CreateMagicAuth { invitation_token: Some(i.token), ..magic("ada@a.test") };
        store.create_magic_auth(matching).expect("sent");
    }

    #[test]
    fn a_verification_code_verifies_the_current_address_once() {
        let mut store = Store::default();
        let ada = user(&mut store, "ada@a.test");
        assert!(!store.send_verification(&ada.id).expect("sent").user.email_verified);
        let sent = store.email_verifications.last().expect("a code").clone();
        let e = store.confirm_verification(&ada.id, code_of("wrong")).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (400, Some("email_verification_code_incorrect")));
        assert!(
            store.confirm_verification(&ada.id, code_of(&sent.code)).expect("verified").user.email_verified
        );
        let e = store.send_verification(&ada.id).unwrap_err();
        assert_eq!(e.code, Some("email_already_verified"));
        assert!(!use_verification_code(&mut store, &ada.id, &sent.code).expect("checked"), "single use");
    }

    #[test]
    fn an_email_change_needs_a_free_address_and_its_code() {
        let mut store = Store::default();
        let (ada, _) = (user(&mut store, "ada@a.test"), user(&mut store, "bob@a.test"));
        let to = |e: &str| CreateEmailChange { new_email: e.into() };
        let e = store.send_email_change(&ada.id, to("BOB@a.test")).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (409, Some("email_not_available")));
        let answer = store.send_email_change(&ada.id, to("ada2@a.test")).expect("sent");
        assert_eq!((answer.object, answer.new_email.as_str()), ("email_change", "ada2@a.test"));
        let code = store.email_changes.last().expect("pending").code.clone();
        let e = store.confirm_email_change(&ada.id, code_of("wrong")).unwrap_err();
        assert_eq!(e.code, Some("email_change_code_incorrect"));
        let done = store.confirm_email_change(&ada.id, code_of(&code)).expect("changed");
        assert_eq!((done.user.email.as_str(), done.user.email_verified), ("ada2@a.test", true));
        assert_eq!(store.user_by_email("ada2@a.test").map(|u| u.id.clone()), Some(ada.id.clone()));
        assert!(store.email_changes.is_empty() && store.user_by_email("ada@a.test").is_none());
    }

    #[test]
    fn a_password_reset_token_sets_a_long_enough_password_once() {
        let mut store = Store::default();
        let ada = user(&mut store, "ada@a.test");
        let reset = store
            .create_password_reset(CreatePasswordReset { email: "ADA@a.test".into() }, "http://e.test")
            .expect("sent");
        assert_eq!(
            reset.password_reset_url,
            format!("http://e.test/reset-password?token={}", reset.password_reset_token)
        );
        let confirm = |password: &str| ConfirmPasswordReset {
            token: reset.password_reset_token.clone(),
            new_password: password.into(),
        };
        let e = store.confirm_password_reset(confirm("short")).unwrap_err();
        assert_eq!((e.status.as_u16(), e.errors[0].code), (422, "password_too_short"));
        let e = store
            .confirm_password_reset(ConfirmPasswordReset {
                token: "nope".into(),
                new_password: "long-enough".into(),
            })
            .unwrap_err();
        assert_eq!(e.status.as_u16(), 404);
        assert_eq!(store.confirm_password_reset(confirm("long-enough")).expect("reset").user.id, ada.id);
        assert_eq!(store.passwords.get(&ada.id).map(String::as_str), Some("long-enough"));
        let e = store.confirm_password_reset(confirm("another-one")).unwrap_err();
        assert_eq!(
            (e.code, e.errors[0].code),
            (Some("password_reset_error"), "password_reset_token_expired")
        );
        assert_eq!(event_names(&store)[1..], ["password_reset.created", "password_reset.succeeded"]);
    }
}
