//! Passwordless (Magic Link) sessions: made for an email, then sent, which puts the email with
//! the session's link in the outbox. The document tags them `sso`.
//!
//! No event schema of the document names a passwordless session, so these writes emit none.

use serde::{Deserialize, Serialize};

use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::{in_minutes, now, token};
use crate::model::user_management::check_email;
use crate::model::{Name, Store};

records!(PasswordlessSession => "Passwordless session");

/// A session, as stored: its answer ([`PasswordlessSessionAnswer`]) and what the link carries.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PasswordlessSession {
    pub(crate) id: String,
    pub(crate) email: String,
    pub(crate) expires_at: String,
    pub(crate) link: String,
    pub(crate) redirect_uri: Option<String>,
    pub(crate) state: Option<String>,
    pub(crate) connection: Option<String>,
    pub(crate) created_at: String,
}

/// A session as WorkOS answers it (`PasswordlessSession`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PasswordlessSessionAnswer {
    object: Name,
    id: String,
    email: String,
    expires_at: String,
    link: String,
}

impl From<&PasswordlessSession> for PasswordlessSessionAnswer {
    fn from(s: &PasswordlessSession) -> Self {
        Self {
            object: "passwordless_session",
            id: s.id.clone(),
            email: s.email.clone(),
            expires_at: s.expires_at.clone(),
            link: s.link.clone(),
        }
    }
}

/// `POST /passwordless/sessions`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CreatePasswordlessSession {
    pub(crate) email: String,
    #[serde(rename = "type")]
    pub(crate) type_: String,
    #[serde(default)]
    pub(crate) redirect_uri: Option<String>,
    #[serde(default)]
    pub(crate) state: Option<String>,
    #[serde(default)]
    pub(crate) connection: Option<String>,
    #[serde(default)]
    pub(crate) expires_in: Option<i64>,
}

/// `POST /passwordless/sessions/{session_id}/send`'s answer (`PasswordlessSessionSendResponse`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SessionSent {
    success: bool,
    message: String,
}

/// `expires_in`'s bounds in seconds (`CreatePasswordlessSessionDto`), and the default: the
/// lower bound (the SDKs send none unless asked; WorkOS's default is not stated).
const MIN_EXPIRES_IN: i64 = 900;
const MAX_EXPIRES_IN: i64 = 86_400;

/// How many sessions the emulator keeps (the oldest go first, long expired by then).
const MAX_SESSIONS: usize = crate::model::MAX_CODES;

impl Store {
    /// Makes a session for `email` whose Magic Link, on the emulator at `origin`, carries a
    /// random token. A type other than `MagicLink` (the schema's one value), a bad email or an
    /// `expires_in` outside 900 to 86400 is a 422 naming the field (the operation declares no
    /// failure; the emulator's code for a bad field, as everywhere else).
    pub(crate) fn create_passwordless_session(
        &mut self,
        new: CreatePasswordlessSession,
        origin: &str,
    ) -> ApiResult<PasswordlessSessionAnswer> {
        if new.type_ != "MagicLink" {
            return Err(ApiError::invalid_field(
                "type",
                "invalid",
                format!("type must be MagicLink; got '{}'.", new.type_),
            ));
        }
        let email = check_email(&new.email)?;
        let seconds = new.expires_in.unwrap_or(MIN_EXPIRES_IN);
        if !(MIN_EXPIRES_IN..=MAX_EXPIRES_IN).contains(&seconds) {
            return Err(ApiError::invalid_field(
                "expires_in",
                "invalid",
                format!("expires_in must be {MIN_EXPIRES_IN} to {MAX_EXPIRES_IN} seconds."),
            ));
        }
        let session = PasswordlessSession {
            id: self.ids.next("passwordless_session"),
            email,
            expires_at: in_minutes(seconds / 60),
            link: format!("{origin}/passwordless/{}/confirm", token(32)),
            redirect_uri: new.redirect_uri,
            state: new.state,
            connection: new.connection,
            created_at: now(),
        };
        let answer = PasswordlessSessionAnswer::from(&session);
        crate::model::push_bounded(&mut self.sso.passwordless, session, MAX_SESSIONS);
        Ok(answer)
    }

    /// Emails the session's Magic Link to its user (the outbox's `passwordless_session`); a
    /// session may be sent again.
    pub(crate) fn send_passwordless_session(&mut self, id: &str) -> ApiResult<SessionSent> {
        let session = self.sso.passwordless.get(id)?;
        let (to, link) = (session.email.clone(), session.link.clone());
        self.send_email(&to, "passwordless_session", None, Some(&link));
        Ok(SessionSent { success: true, message: format!("Magic Link sent to {to}.") })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(email: &str, expires_in: Option<i64>) -> CreatePasswordlessSession {
        CreatePasswordlessSession {
            email: email.to_owned(),
            type_: "MagicLink".to_owned(),
            expires_in,
            ..CreatePasswordlessSession::default()
        }
    }

    #[test]
    fn a_session_is_made_for_a_magic_link_and_sent_by_email() {
        let mut store = Store::default();
        let made =
            store.create_passwordless_session(new("Ada@X.test", None), "http://emu.test").expect("made");
        assert!(
            made.id.starts_with("passwordless_session_")
                && made.link.starts_with("http://emu.test/passwordless/")
        );
        assert_eq!((made.object, made.email.as_str()), ("passwordless_session", "ada@x.test"));
        assert!(store.outbox.is_empty(), "not sent until asked");
        let sent = store.send_passwordless_session(&made.id).expect("sent");
        assert!(sent.success);
        let email = store.outbox.back().expect("an email");
        assert_eq!(
            (email.to.as_str(), email.kind, email.link.as_deref()),
            ("ada@x.test", "passwordless_session", Some(made.link.as_str()))
        );
        let e = store.send_passwordless_session("passwordless_session_9").expect_err("none");
        assert_eq!(e.message, "Passwordless session not found: 'passwordless_session_9'.");
    }

    #[test]
    fn the_type_email_and_expiry_are_checked() {
        let mut store = Store::default();
        let other = CreatePasswordlessSession { type_: "Code".into(), ..new("a@x.test", None) };
        for (bad, field) in [
            (other, "type"),
            (new("nobody", None), "email"),
            (new("a@x.test", Some(899)), "expires_in"),
            (new("a@x.test", Some(86_401)), "expires_in"),
        ] {
            let e = store.create_passwordless_session(bad, "o").expect_err(field);
            assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, field));
        }
        store.create_passwordless_session(new("a@x.test", Some(86_400)), "o").expect("a day");
    }
}
