//! `/user_management/organization_memberships`: parse, call the model
//! ([`crate::model::user_management::memberships`]), render.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;

use crate::model::error::{ApiResult, parse_body};
use crate::routes::Listing;
use crate::routes::{Db, created, empty, ok};

pub(crate) async fn list(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    db.store().list_memberships(&query).map(ok)
}

pub(crate) async fn create(State(db): Db, body: Bytes) -> ApiResult<Response> {
    db.store().create_membership(parse_body(&body)?).map(created)
}

pub(crate) async fn get(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().get_membership(&id).map(ok)
}

pub(crate) async fn update(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let mut store = db.store();
    // An unknown id is a 404 before the body is read.
    store.membership(&id)?;
    store.update_membership(&id, parse_body(&body)?).map(ok)
}

pub(crate) async fn deactivate(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().set_membership_status(&id, "inactive").map(ok)
}

pub(crate) async fn reactivate(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().set_membership_status(&id, "active").map(ok)
}

/// The document answers 200 with no body.
pub(crate) async fn delete(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().delete_membership(&id)?;
    Ok(empty(StatusCode::OK))
}
