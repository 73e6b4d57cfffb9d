//! API keys of organizations and users: made (the value is shown once), listed, deleted, and
//! validated by value.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;

use super::{Db, created, empty, ok};
use crate::model::error::{ApiResult, parse_body};
use crate::routes::Listing;

pub(crate) async fn create_for_organization(
    State(db): Db,
    Path(org): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let new = parse_body(&body)?;
    db.store().create_organization_api_key(&org, new).map(created)
}

pub(crate) async fn list_for_organization(
    State(db): Db,
    Path(org): Path<String>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    db.store().organization_api_keys(&org, &query).map(ok)
}

/// A user's key works in one organization the user is an active member of (400 otherwise).
pub(crate) async fn create_for_user(
    State(db): Db,
    Path(user): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let new = parse_body(&body)?;
    db.store().create_user_api_key(&user, new).map(created)
}

pub(crate) async fn list_for_user(
    State(db): Db,
    Path(user): Path<String>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    db.store().user_api_keys(&user, &query).map(ok)
}

pub(crate) async fn delete(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().delete_api_key(&id)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `POST /api_keys/{id}/expire`: the key stops working at `expires_at` (now when absent or
/// null).
pub(crate) async fn expire(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let expire = parse_body(&body)?;
    db.store().expire_api_key(&id, expire).map(ok)
}

/// The key with this value (its `last_used_at` now), or `{"api_key": null}` for an unknown one.
pub(crate) async fn validate(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let validate = parse_body(&body)?;
    db.store().validate_api_key(validate).map(ok)
}
