//! Single Sign-On over HTTP: connections, and the SSO flow a service runs: `GET /sso/authorize`
//! sends the browser back to `redirect_uri` with a code (the identity provider signs in
//! `login_hint` at once); `POST /sso/token` exchanges the code; `GET /sso/profile` answers for
//! its access token; `POST /sso/logout/authorize` and `GET /sso/logout` end the sign-in. The
//! rules are the model's ([`crate::model::sso`]).

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, StatusCode, header};
use serde_json::{Value, json};

use super::{Db, created, empty, ok};
use crate::model::error::{ApiError, ApiResult, parse_body};
use crate::model::sso::ConnectionBody;
use crate::model::sso::certificates::{IDP_SIGNING, SP_ENCRYPTION, SP_SIGNING};
use crate::model::sso::flow::{LogoutAuthorize, SsoAuthorize, SsoTokenRequest};
use crate::model::urls::url_with;
use crate::model::user_management::signin::{access_of, login_hint_and_challenge};
use crate::routes::Listing;

/// `GET /connections`, newest first by default, with the document's filters.
pub(crate) async fn list(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().connections_page(&query)))
}

pub(crate) async fn get(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(ok(db.store().connection(&id)?))
}

pub(crate) async fn create(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let request: ConnectionBody = parse_body(&body)?;
    Ok(created(db.store().create_connection(request)?))
}

pub(crate) async fn update(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let request: ConnectionBody = parse_body(&body)?;
    Ok(ok(db.store().update_connection(&id, request)?))
}

pub(crate) async fn delete(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().delete_connection(&id)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `GET .../saml_idp_signing_certs`: the identity provider's signing certificates, oldest first.
pub(crate) async fn list_idp_signing_certs(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().list_certificates(&id, IDP_SIGNING).map(ok)
}

pub(crate) async fn add_idp_signing_cert(
    State(db): Db,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    store.connection(&id)?; // An unknown connection's 404 comes before the body's 422.
    store.add_idp_signing_certificate(&id, parse_body(&body)?).map(created)
}

pub(crate) async fn delete_idp_signing_cert(
    State(db): Db,
    Path((id, cert)): Path<(String, String)>,
) -> ApiResult<Response> {
    db.store().delete_certificate(&id, IDP_SIGNING, &cert)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn list_sp_encryption_certs(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().list_certificates(&id, SP_ENCRYPTION).map(ok)
}

/// Generates an encryption certificate (the request has no body).
pub(crate) async fn create_sp_encryption_cert(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().generate_certificate(&id, SP_ENCRYPTION).map(created)
}

pub(crate) async fn delete_sp_encryption_cert(
    State(db): Db,
    Path((id, cert)): Path<(String, String)>,
) -> ApiResult<Response> {
    db.store().delete_certificate(&id, SP_ENCRYPTION, &cert)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn get_sp_signing_cert(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().sp_signing_certificate(&id).map(ok)
}

/// Generates the request signing certificate (the request has no body).
pub(crate) async fn create_sp_signing_cert(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().generate_certificate(&id, SP_SIGNING).map(created)
}

pub(crate) async fn delete_sp_signing_cert(
    State(db): Db,
    Path((id, cert)): Path<(String, String)>,
) -> ApiResult<Response> {
    db.store().delete_certificate(&id, SP_SIGNING, &cert)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `GET /sso/authorize`: a 302 to `redirect_uri` with the code and `state`.
pub(crate) async fn authorize(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    let request = SsoAuthorize::parse(&query)?;
    let (email, challenge) = login_hint_and_challenge(&query, "identity provider page")?;
    let roles_of = |store: &_, user: &str, org: Option<&str>| access_of(store, user, org).1;
    let code = db.store().authorize_sso(&request, &email, challenge, &roles_of)?;
    let params = [("code", Some(code.as_str())), ("state", request.state.as_deref())];
    let location = url_with(&request.redirect_uri, &params);
    Ok((StatusCode::FOUND, [(header::LOCATION, location)]).into_response())
}

/// The fields of a token request: the query string, then a JSON or form body over it.
fn token_fields(
    raw: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiResult<serde_json::Map<String, Value>> {
    let mut fields: serde_json::Map<String, Value> =
        form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if form {
        fields.extend(
            form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), Value::String(v.into_owned()))),
        );
    } else if !body.iter().all(u8::is_ascii_whitespace) {
        let Value::Object(json) = serde_json::from_slice(body).map_err(|e| {
            ApiError::unprocessable("invalid_request_parameters", format!("The body is not JSON: {e}."))
        })?
        else {
            return Err(ApiError::unprocessable(
                "invalid_request_parameters",
                "The body must be a JSON object.",
            ));
        };
        fields.extend(json);
    }
    Ok(fields)
}

/// `POST /sso/token`: the code for the profile and an access token.
pub(crate) async fn token(
    State(db): Db,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let request = SsoTokenRequest::from_fields(&token_fields(raw.as_deref(), &headers, &body)?);
    Ok(ok(db.store().exchange_sso_code(&request, db.api_key())?))
}

/// `GET /sso/profile`, with the access token of `POST /sso/token` as the bearer; a 401
/// `{"error": "Unauthorized"}` without a valid one.
pub(crate) async fn profile(State(db): Db, headers: HeaderMap) -> ApiResult<Response> {
    let bearer = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let store = db.store();
    match store.sso_profile(bearer.and_then(|v| v.strip_prefix("Bearer "))) {
        Some(profile) => Ok(ok(profile)),
        None => {
            Ok((StatusCode::UNAUTHORIZED, axum::Json(json!({ "error": "Unauthorized" }))).into_response())
        }
    }
}

/// `POST /sso/logout/authorize`: a logout URL for the profile's sign-in.
pub(crate) async fn logout_authorize(State(db): Db, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let request: LogoutAuthorize = parse_body(&body)?;
    Ok(ok(db.store().authorize_sso_logout(&request, &super::origin(&headers))?))
}

/// `GET /sso/logout?token=`: the sign-in the token stands for ends.
pub(crate) async fn logout(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    let token = query.require("token")?;
    db.store().sso_logout(&token)?;
    Ok(empty(StatusCode::OK))
}

/// `POST /passwordless/sessions`: a Magic Link session, its link on this emulator.
pub(crate) async fn create_passwordless_session(
    State(db): Db,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let new: crate::model::sso::passwordless::CreatePasswordlessSession = parse_body(&body)?;
    Ok(created(db.store().create_passwordless_session(new, &super::origin(&headers))?))
}

/// `POST /passwordless/sessions/{session_id}/send`: the Magic Link email, in the outbox.
pub(crate) async fn send_passwordless_session(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(ok(db.store().send_passwordless_session(&id)?))
}
