//! WorkOS Connect's HTTP handlers (see [`crate::model::connect`]): applications, client
//! secrets, authorized applications, and standalone Connect's external authentication, whose
//! session the emulator makes at `POST /_emulator/connect/external_auth`
//! (`{client_id, redirect_uri, scopes, state}`) for the service's login page.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use serde_json::{Map, Value};

use super::{Db, created, empty, ok};
use crate::model::error::{ApiResult, parse_body};
use crate::routes::Listing;

/// `POST /connect/applications`.
pub(crate) async fn create(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let input = parse_body(&body)?;
    Ok(created(db.store().create_connect_application(input)?))
}

/// `GET /connect/applications`, newest first by default.
pub(crate) async fn list(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().connect_applications(&query)?))
}

pub(crate) async fn get(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(ok(db.store().connect_application(&id)?))
}

/// `PUT /connect/applications/{id}`.
pub(crate) async fn update(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let input = parse_body(&body)?;
    Ok(ok(db.store().update_connect_application(&id, input)?))
}

pub(crate) async fn delete(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().delete_connect_application(&id)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `GET /connect/applications/{id}/client_secrets`.
pub(crate) async fn list_secrets(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(ok(db.store().connect_secrets(&id)?))
}

/// `POST /connect/applications/{id}/client_secrets` (the body, an object, gives nothing).
pub(crate) async fn create_secret(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let _: Map<String, Value> = parse_body(&body)?;
    Ok(created(db.store().create_connect_secret(&id)?))
}

pub(crate) async fn delete_secret(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().delete_connect_secret(&id)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `GET /user_management/users/{user_id}/authorized_applications`.
pub(crate) async fn list_for_user(
    State(db): Db,
    Path(user): Path<String>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    Ok(ok(db.store().user_authorized_applications(&user, &query)?))
}

/// `GET /organizations/{organization_id}/authorized_applications`.
pub(crate) async fn list_for_organization(
    State(db): Db,
    Path(org): Path<String>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    Ok(ok(db.store().organization_authorized_applications(&org, &query)?))
}

/// `DELETE /user_management/users/{user_id}/authorized_applications/{application_id}`.
pub(crate) async fn revoke(State(db): Db, Path((user, app)): Path<(String, String)>) -> ApiResult<Response> {
    db.store().revoke_authorized_application(&user, &app)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `POST /_emulator/connect/external_auth`.
pub(crate) async fn start_external_auth(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let input = parse_body(&body)?;
    Ok(created(db.store().start_external_auth(input)?))
}

/// `POST /authkit/oauth2/complete`.
pub(crate) async fn complete(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let input = parse_body(&body)?;
    Ok(ok(db.store().complete_external_auth(input)?))
}
