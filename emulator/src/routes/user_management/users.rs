//! `/user_management/users`: parse, call the model ([`crate::model::user_management::users`]),
//! render.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;

use crate::model::error::{ApiResult, parse_body};
use crate::routes::Listing;
use crate::routes::{Db, created, empty, ok};

pub(crate) async fn list(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().list_users(&query)))
}

pub(crate) async fn create(State(db): Db, body: Bytes) -> ApiResult<Response> {
    db.store().create_user(parse_body(&body)?).map(created)
}

pub(crate) async fn get(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().user(&id).map(ok)
}

pub(crate) async fn get_by_external_id(
    State(db): Db,
    Path(external_id): Path<String>,
) -> ApiResult<Response> {
    db.store().get_user_by_external(&external_id).map(ok)
}

pub(crate) async fn update(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let mut store = db.store();
    // An unknown id is a 404 before the body is read.
    store.user(&id)?;
    store.update_user(&id, parse_body(&body)?).map(ok)
}

/// The document answers 200 with no body.
pub(crate) async fn delete(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().delete_user(&id)?;
    Ok(empty(StatusCode::OK))
}
