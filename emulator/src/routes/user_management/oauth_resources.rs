//! `/user_management/authkit_oauth_resources`: parse, call the model
//! ([`crate::model::user_management::oauth_resources`]), render.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;

use crate::model::error::{ApiResult, parse_body};
use crate::model::user_management::oauth_resources::CreateOAuthResource;
use crate::routes::{Db, Listing, created, empty, ok};

pub(crate) async fn list(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().list_oauth_resources(&query)))
}

pub(crate) async fn create(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let new: CreateOAuthResource = parse_body(&body)?;
    db.store().create_oauth_resource(new).map(created)
}

pub(crate) async fn delete(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().delete_oauth_resource(&id)?;
    Ok(empty(StatusCode::NO_CONTENT))
}
