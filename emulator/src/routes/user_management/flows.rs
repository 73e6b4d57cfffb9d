//! The codes and tokens of the user management flows: magic auth, email verification, email
//! change and password reset. The emulator sends no email: the codes are in the answers (as
//! the API returns them) and in the events.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::HeaderMap;
use serde::Deserialize;
use serde_json::json;

use crate::model::error::{ApiError, ApiResult, FieldError, parse_body};
use crate::model::ids::{code, in_minutes, is_past, now, token};
use crate::model::{EmailChange, MAX_CODES, OneTimeCode, PasswordReset, Store, User, push_bounded};
use crate::routes::{Db, created, ok};

/// How long codes and tokens are valid, in minutes.
const CODE_MINUTES: i64 = 10;
const RESET_MINUTES: i64 = 60;

/// The shortest password the emulator accepts.
pub(crate) const MIN_PASSWORD: usize = 8;

#[derive(Deserialize)]
struct MagicAuthDto {
    email: String,
    invitation_token: Option<String>,
}

#[derive(Deserialize)]
struct EmailDto {
    email: String,
}

#[derive(Deserialize)]
struct ConfirmReset {
    token: String,
    new_password: String,
}

#[derive(Deserialize)]
struct CodeDto {
    code: String,
}

#[derive(Deserialize)]
struct NewEmail {
    new_email: String,
}

fn user_json(store: &Store, id: &str) -> ApiResult<serde_json::Value> {
    serde_json::to_value(store.user(id)?).map_err(|e| ApiError::internal(e.to_string()))
}

fn user_by_email<'s>(store: &'s Store, email: &str) -> Option<&'s User> {
    store.user_by_email(email)
}

fn user_index(store: &Store, id: &str) -> ApiResult<usize> {
    store.users.binary_search_by(|u| u.id.as_str().cmp(id)).map_err(|_| ApiError::not_found("User", id))
}

fn new_code(store: &mut Store, object: &'static str, prefix: &str, user: &User) -> OneTimeCode {
    let at = now();
    OneTimeCode {
        object,
        id: store.ids.next(prefix),
        user_id: user.id.clone(),
        email: user.email.clone(),
        expires_at: in_minutes(CODE_MINUTES),
        created_at: at.clone(),
        updated_at: at,
        code: code(),
        used: false,
    }
}

/// Sends a magic auth code. A user with the email is created when there is none (as a
/// sign-up by magic auth does); with `invitation_token`, the invitation must be pending and
/// for the same email.
pub(crate) async fn create_magic_auth(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: MagicAuthDto = parse_body(&body)?;
    let email = crate::routes::directory::check_email(&dto.email)?;
    let mut store = db.store();
    if let Some(token) = &dto.invitation_token {
        let invitation = crate::routes::user_management::invitations::pending_by_token(&store, token)?;
        if invitation.email != email {
            return Err(ApiError::bad_request(
                "invitation_email_mismatch",
                "The invitation was sent to another email address.",
            ));
        }
    }
    let user = match user_by_email(&store, &email) {
        Some(u) => u.clone(),
        None => crate::routes::create_user_in(&mut store, json!({ "email": email }).to_string().as_bytes())?,
    };
    let record = new_code(&mut store, "magic_auth", "magic_auth", &user);
    push_bounded(&mut store.magic_auths, record.clone(), MAX_CODES);
    store.send_email(&record.email, "magic_auth", Some(&record.code), None);
    store.emit("magic_auth.created", code_event(&record));
    Ok(created(record))
}

pub(crate) async fn get_magic_auth(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    let found = store.magic_auths.find(&id);
    Ok(ok(found.ok_or_else(|| ApiError::not_found("Magic auth", &id))?))
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

/// Sends a verification code to the user's address; a verified address is a 400.
pub(crate) async fn send_verification(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    let user = store.user(&id)?.clone();
    if user.email_verified {
        return Err(ApiError::bad_request(
            "email_already_verified",
            "The email address is already verified.",
        ));
    }
    send_verification_code(&mut store, &user);
    Ok(ok(json!({ "user": user })))
}

/// Emails a new verification code to the user (and records the event); the code's record.
pub(crate) fn send_verification_code(store: &mut Store, user: &User) -> OneTimeCode {
    let record = new_code(store, "email_verification", "email_verification", user);
    push_bounded(&mut store.email_verifications, record.clone(), MAX_CODES);
    store.send_email(&record.email, "email_verification", Some(&record.code), None);
    store.emit("email_verification.created", code_event(&record));
    record
}

/// Verifies the address with the newest unused, unexpired code sent to it.
pub(crate) async fn confirm_verification(
    State(db): Db,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto: CodeDto = parse_body(&body)?;
    let mut store = db.store();
    if !use_verification_code(&mut store, &id, &dto.code)? {
        return Err(ApiError::bad_request(
            "email_verification_code_incorrect",
            "The code is incorrect or expired.",
        ));
    }
    Ok(ok(json!({ "user": store.user(&id)? })))
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
    let u = user_index(store, user_id)?;
    let user = &mut store.users[u];
    if !user.email_verified {
        user.email_verified = true;
        user.updated_at = now();
        let user = user.clone();
        store.emit_record("user.updated", &user);
    }
    Ok(())
}

pub(crate) async fn get_verification(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    let found = store.email_verifications.find(&id);
    Ok(ok(found.ok_or_else(|| ApiError::not_found("Email verification", &id))?))
}

/// Starts changing a user's address: a code goes to the new one. An address another user has
/// is a 409.
pub(crate) async fn send_email_change(
    State(db): Db,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto: NewEmail = parse_body(&body)?;
    let new_email = crate::routes::directory::check_email(&dto.new_email)?;
    let mut store = db.store();
    let user = store.user(&id)?.clone();
    if user_by_email(&store, &new_email).is_some_and(|u| u.id != id) {
        return Err(ApiError::conflict(
            "email_not_available",
            format!("Email '{new_email}' is not available."),
        ));
    }
    let change = EmailChange {
        user_id: id.clone(),
        new_email: new_email.clone(),
        code: code(),
        expires_at: in_minutes(CODE_MINUTES),
        created_at: now(),
    };
    store.email_changes.retain(|c| c.user_id != id);
    push_bounded(&mut store.email_changes, change.clone(), MAX_CODES);
    store.send_email(&change.new_email, "email_change", Some(&change.code), None);
    Ok(ok(json!({
        "object": "email_change",
        "user": user,
        "new_email": new_email,
        "expires_at": change.expires_at,
        "created_at": change.created_at,
    })))
}

/// Confirms the pending change with its code: the user's address becomes the new one, verified.
pub(crate) async fn confirm_email_change(
    State(db): Db,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto: CodeDto = parse_body(&body)?;
    let mut store = db.store();
    let u = user_index(&store, &id)?;
    let at = store
        .email_changes
        .iter()
        .position(|c| c.user_id == id && c.code == dto.code && !is_past(&c.expires_at))
        .ok_or_else(|| {
            ApiError::bad_request("email_change_code_incorrect", "The code is incorrect or expired.")
        })?;
    let change = store.email_changes.remove(at);
    if user_by_email(&store, &change.new_email).is_some_and(|other| other.id != id) {
        return Err(ApiError::conflict(
            "email_not_available",
            format!("Email '{}' is not available.", change.new_email),
        ));
    }
    store.set_email(u, change.new_email);
    let user = &mut store.users[u];
    user.email_verified = true;
    user.updated_at = now();
    let user = user.clone();
    store.emit_record("user.updated", &user);
    Ok(ok(json!({ "object": "email_change_confirmation", "user": user })))
}

/// Creates a password reset token for the user with the email (404 when there is none).
pub(crate) async fn create_password_reset(
    State(db): Db,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let dto: EmailDto = parse_body(&body)?;
    let email = crate::routes::directory::check_email(&dto.email)?;
    let mut store = db.store();
    let user = user_by_email(&store, &email)
        .cloned()
        .ok_or_else(|| ApiError::not_found("User with email", &email))?;
    let token = token(32);
    let record = PasswordReset {
        object: "password_reset",
        id: store.ids.next("password_reset"),
        user_id: user.id,
        email: user.email,
        expires_at: in_minutes(RESET_MINUTES),
        created_at: now(),
        password_reset_url: format!("{}/reset-password?token={token}", crate::routes::origin(&headers)),
        password_reset_token: token,
        used: false,
    };
    push_bounded(&mut store.password_resets, record.clone(), MAX_CODES);
    store.send_email(&record.email, "password_reset", None, Some(&record.password_reset_url));
    store.emit("password_reset.created", reset_event(&record));
    Ok(created(record))
}

/// A password reset event's data: the record without its secret token and URL.
fn reset_event(r: &PasswordReset) -> serde_json::Value {
    json!({
        "object": r.object, "id": r.id, "user_id": r.user_id, "email": r.email,
        "expires_at": r.expires_at, "created_at": r.created_at,
    })
}

/// A code's event data: the record without its code.
fn code_event(r: &OneTimeCode) -> serde_json::Value {
    json!({
        "object": r.object, "id": r.id, "user_id": r.user_id, "email": r.email,
        "expires_at": r.expires_at, "created_at": r.created_at, "updated_at": r.updated_at,
    })
}

pub(crate) async fn get_password_reset(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    let found = store.password_resets.find(&id);
    Ok(ok(found.ok_or_else(|| ApiError::not_found("Password reset", &id))?))
}

/// Sets a new password with a reset token (single use, an hour).
pub(crate) async fn confirm_password_reset(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: ConfirmReset = parse_body(&body)?;
    if dto.new_password.chars().count() < MIN_PASSWORD {
        return Err(ApiError::invalid_field(
            "new_password",
            "password_too_short",
            format!("new_password must have at least {MIN_PASSWORD} characters."),
        ));
    }
    let mut store = db.store();
    let record = store
        .password_resets
        .iter_mut()
        .find(|r| r.password_reset_token == dto.token)
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
    store.passwords.insert(record.user_id.clone(), dto.new_password);
    let user = user_json(&store, &record.user_id)?;
    store.emit("password_reset.succeeded", reset_event(&record));
    Ok(ok(json!({ "user": user })))
}
