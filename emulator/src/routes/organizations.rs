//! `/organizations`: parse, call the model ([`crate::model::organizations`]), render.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;

use super::{Db, created, empty, ok};
use crate::model::error::{ApiResult, parse_body};
use crate::routes::Listing;

pub(crate) async fn list(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().list_organizations(&query)))
}

pub(crate) async fn create(State(db): Db, body: Bytes) -> ApiResult<Response> {
    db.store().create_organization(parse_body(&body)?).map(created)
}

pub(crate) async fn get(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().organization(&id).map(ok)
}

pub(crate) async fn get_by_external_id(
    State(db): Db,
    Path(external_id): Path<String>,
) -> ApiResult<Response> {
    db.store().get_organization_by_external(&external_id).map(ok)
}

pub(crate) async fn update(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let mut store = db.store();
    // An unknown id is a 404 before the body is read.
    store.organization(&id)?;
    store.update_organization(&id, parse_body(&body)?).map(ok)
}

/// The document answers 202 (accepted) with no body.
pub(crate) async fn delete(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().delete_organization(&id)?;
    Ok(empty(StatusCode::ACCEPTED))
}
