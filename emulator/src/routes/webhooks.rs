//! Webhook endpoints: made, listed, changed and deleted through the API; every enabled one
//! receives the events it subscribes to, signed with its secret (`WorkOS-Signature`).

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;

use super::{Db, created, empty, ok};
use crate::model::error::{ApiResult, parse_body};
use crate::routes::Listing;

pub(crate) async fn list(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().list_webhook_endpoints(&query)))
}

pub(crate) async fn create(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let new = parse_body(&body)?;
    db.store().create_webhook_endpoint(new).map(created)
}

pub(crate) async fn update(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let mut store = db.store();
    store.webhook_endpoints.get(&id)?; // An unknown endpoint's 404 comes before the body's 422.
    store.update_webhook_endpoint(&id, parse_body(&body)?).map(ok)
}

pub(crate) async fn delete(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().delete_webhook_endpoint(&id)?;
    Ok(empty(StatusCode::NO_CONTENT))
}
