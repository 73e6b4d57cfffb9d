//! `/user_management/waitlists` and `/user_management/waitlist_entries`: parse, call the model
//! ([`crate::model::user_management::waitlists`]), render.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;

use crate::model::error::{ApiResult, parse_body};
use crate::model::user_management::waitlists::CreateWaitlistEntry;
use crate::routes::{Db, Listing, created, empty, ok};

/// Every waitlist, in one answer (not paginated).
pub(crate) async fn list(State(db): Db) -> ApiResult<Response> {
    Ok(ok(db.store().list_waitlists()))
}

pub(crate) async fn get(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().waitlist(&id).map(ok)
}

pub(crate) async fn list_entries(
    State(db): Db,
    Path(id): Path<String>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    db.store().list_waitlist_entries(&id, &query).map(ok)
}

pub(crate) async fn create_entry(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let new: CreateWaitlistEntry = parse_body(&body)?;
    db.store().create_waitlist_entry(&id, new).map(created)
}

pub(crate) async fn approve(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().approve_waitlist_entry(&id).map(ok)
}

pub(crate) async fn deny(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().deny_waitlist_entry(&id).map(ok)
}

pub(crate) async fn delete_entry(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().delete_waitlist_entry(&id)?;
    Ok(empty(StatusCode::NO_CONTENT))
}
