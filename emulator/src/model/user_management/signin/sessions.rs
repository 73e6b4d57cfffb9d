//! Sign-in sessions: a user's sessions, their revocation, and signing out from the browser.
//! A revoked session's refresh token stops working.

use serde::Deserialize;
use serde_json::Value;

use crate::model::error::{ApiError, ApiResult};
use crate::model::{AuthSession, Store};

/// A user's sign-in identities from OAuth providers: the emulator signs in with passwords and
/// codes only, so there are none (an unknown user is a 404).
pub(crate) fn identities(store: &Store, user: &str) -> ApiResult<Vec<Value>> {
    store.user(user)?;
    Ok(Vec::new())
}

/// A user's sessions (an unknown user is a 404).
pub(crate) fn user_sessions<'s>(store: &'s Store, user: &str) -> ApiResult<Vec<&'s AuthSession>> {
    store.user(user)?;
    Ok(store.auth_sessions.iter().filter(|s| s.user_id == user).collect())
}

/// `POST /user_management/sessions/revoke`'s body.
#[derive(Deserialize)]
pub(crate) struct RevokeSession {
    session_id: String,
}

/// Revokes a session; an unknown or revoked session is a 400.
pub(crate) fn revoke(store: &mut Store, dto: RevokeSession) -> ApiResult<()> {
    let session =
        store.auth_sessions.iter_mut().find(|s| s.id == dto.session_id && s.status == "active").ok_or_else(
            || ApiError::bad_request("invalid_session", format!("No active session '{}'.", dto.session_id)),
        )?;
    end(session);
    Ok(())
}

/// Signs a session out from the browser: it is revoked (signing out twice is fine). An unknown
/// session, or a `return_to` that is not an absolute URL, is a 422.
pub(crate) fn log_out(store: &mut Store, session_id: &str, return_to: Option<&str>) -> ApiResult<()> {
    if let Some(to) = return_to
        && !crate::model::urls::is_absolute_url(to)
    {
        return Err(ApiError::invalid_field(
            "return_to",
            "invalid_url",
            format!("return_to must be an absolute http(s) URL, not '{to}'."),
        ));
    }
    let session = store.auth_sessions.iter_mut().find(|s| s.id == session_id).ok_or_else(|| {
        ApiError::unprocessable("session_not_found", format!("Session not found: '{session_id}'."))
    })?;
    if session.status == "active" {
        end(session);
    }
    Ok(())
}

fn end(session: &mut AuthSession) {
    let at = crate::model::ids::now();
    session.status = "revoked";
    session.ended_at = Some(at.clone());
    session.updated_at = at;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::user_management::signin::fixtures::{add_user, status_and_code};

    fn session(store: &mut Store, user: &str) -> String {
        let id = store.ids.next("session");
        let at = crate::model::ids::now();
        store.auth_sessions.push(AuthSession {
            id: id.clone(),
            client_id: "client_1".into(),
            user_id: user.to_owned(),
            organization_id: None,
            refresh_token: "refresh_x".into(),
            method: "Password",
            status: "active",
            created_at: at.clone(),
            updated_at: at,
            ended_at: None,
            ip_address: None,
            user_agent: None,
        });
        id
    }

    #[test]
    fn sessions_of_an_unknown_user_are_a_404() {
        let store = Store::default();
        assert_eq!(
            user_sessions(&store, "user_x").expect_err("unknown").message,
            "User not found: 'user_x'."
        );
        assert_eq!(identities(&store, "user_x").expect_err("unknown").status.as_u16(), 404);
    }

    #[test]
    fn a_session_is_revoked_once() {
        let mut store = Store::default();
        let (ada, bob) = (add_user(&mut store, "ada@x.test"), add_user(&mut store, "bob@x.test"));
        let id = session(&mut store, &ada);
        session(&mut store, &bob);
        assert_eq!(user_sessions(&store, &ada).expect("listed").len(), 1);
        revoke(&mut store, RevokeSession { session_id: id.clone() }).expect("revoked");
        let s = &store.auth_sessions[0];
        assert_eq!((s.status, s.ended_at.is_some()), ("revoked", true));
        let e = revoke(&mut store, RevokeSession { session_id: id }).expect_err("already revoked");
        assert_eq!(status_and_code(&e), (400, Some("invalid_session")));
    }

    #[test]
    fn logging_out_twice_is_fine_but_not_an_unknown_session_or_a_relative_return() {
        let mut store = Store::default();
        let ada = add_user(&mut store, "ada@x.test");
        let id = session(&mut store, &ada);
        let e = log_out(&mut store, &id, Some("/home")).expect_err("relative");
        assert_eq!((e.status.as_u16(), e.errors[0].code), (422, "invalid_url"));
        assert_eq!(store.auth_sessions[0].status, "active", "a refused logout leaves the session");
        log_out(&mut store, &id, Some("https://app.test/bye")).expect("signed out");
        let ended = store.auth_sessions[0].ended_at.clone();
        log_out(&mut store, &id, None).expect("again");
        assert_eq!(store.auth_sessions[0].ended_at, ended, "the first sign-out's time stays");
        let e = log_out(&mut store, "session_x", None).expect_err("unknown");
        assert_eq!(status_and_code(&e), (422, Some("session_not_found")));
    }
}
