//! AuthKit's sign-in over HTTP: the JWKS, the authorization redirect, `authenticate`, and the
//! sessions. The rules are the model's ([`crate::model::user_management::signin`]).

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, StatusCode, header};

use crate::model::error::{ApiError, ApiResult, parse_body};
use crate::model::list::Query;
use crate::model::user_management::signin::{self as signin, Issuer, SignIn, sessions, tokens};
use crate::routes::Listing;
use crate::routes::{Db, empty, ok};

// Other areas' routes call these here; they live in the model now.

/// `GET /sso/jwks/{clientId}`: the public key of the tokens below, for any client id.
pub(crate) async fn jwks(Path(_client_id): Path<String>) -> ApiResult<Response> {
    Ok(ok(tokens::jwks()?))
}

/// `GET /user_management/authorize`: there is no login page; the emulator signs in the user
/// whose email is `login_hint` and redirects to `redirect_uri` with a code (and `state`).
pub(crate) async fn authorize(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let request = signin::Authorize::from_query(&Query::parse(raw.as_deref())?)?;
    let location = signin::authorize(&mut db.store(), request)?;
    Ok(found(location))
}

/// `POST /user_management/authenticate`: the tokens, or WorkOS's 400 `sso_required`, or a 403
/// naming the step the sign-in waits for.
pub(crate) async fn authenticate(State(db): Db, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let dto = parse_body(&body)?;
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let issuer = Issuer { api_key: db.api_key(), host, token_ttl_secs: db.token_ttl().as_secs() };
    Ok(match signin::authenticate(&mut db.store(), dto, issuer)? {
        SignIn::Authenticated(tokens) => ok(tokens),
        SignIn::SsoRequired(answer) => (StatusCode::BAD_REQUEST, Json(answer)).into_response(),
        SignIn::StepRequired(answer) => (StatusCode::FORBIDDEN, Json(answer)).into_response(),
    })
}

/// A user's sign-in identities from OAuth providers (none).
pub(crate) async fn list_identities(State(db): Db, Path(user): Path<String>) -> ApiResult<Response> {
    Ok(ok(sessions::identities(&db.store(), &user)?))
}

/// A user's sessions, newest first by default.
pub(crate) async fn list_sessions(
    State(db): Db,
    Path(user): Path<String>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    let store = db.store();
    let items = sessions::user_sessions(&store, &user)?;
    Ok(ok(query.page_with(items, |s| &s.id, |s| s.json())))
}

/// Revokes a session: its refresh token stops working.
pub(crate) async fn revoke_session(State(db): Db, body: Bytes) -> ApiResult<Response> {
    sessions::revoke(&mut db.store(), parse_body(&body)?)?;
    Ok(empty(StatusCode::OK))
}

/// `GET /user_management/sessions/logout`, where a service sends the browser to sign out
/// (`workos_api::redirects::session_logout_url`): the browser goes on to `return_to`, or gets
/// a 200 without one.
pub(crate) async fn logout(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    let session_id = query
        .get("session_id")
        .ok_or_else(|| ApiError::invalid_field("session_id", "required", "session_id is required."))?;
    let return_to = query.get("return_to");
    sessions::log_out(&mut db.store(), session_id, return_to)?;
    Ok(match return_to {
        Some(to) => found(to.to_owned()),
        None => empty(StatusCode::OK),
    })
}

/// A 302 to `location`.
fn found(location: String) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}
