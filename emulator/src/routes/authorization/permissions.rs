//! Permissions.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;

use crate::model::error::{ApiResult, parse_body};
use crate::routes::Listing;
use crate::routes::{Db, created, empty, ok};

pub(crate) async fn list(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().list_permissions(&query)))
}

pub(crate) async fn create(State(db): Db, body: Bytes) -> ApiResult<Response> {
    db.store().create_permission(parse_body(&body)?).map(created)
}

pub(crate) async fn get(State(db): Db, Path(slug): Path<String>) -> ApiResult<Response> {
    db.store().permission(&slug).map(ok)
}

pub(crate) async fn update(State(db): Db, Path(slug): Path<String>, body: Bytes) -> ApiResult<Response> {
    let mut store = db.store();
    store.permission(&slug)?; // An unknown permission's 404 comes before the body's 422.
    store.update_permission(&slug, parse_body(&body)?).map(ok)
}

/// Deletes a permission and takes it out of every role.
pub(crate) async fn delete(State(db): Db, Path(slug): Path<String>) -> ApiResult<Response> {
    db.store().delete_permission(&slug)?;
    Ok(empty(StatusCode::NO_CONTENT))
}
