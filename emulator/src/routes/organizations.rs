//! `/organizations`: parse, call the model ([`crate::model::organizations`]), render.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};

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

pub(crate) async fn list_it_contacts(State(db): Db, Path(org): Path<String>) -> ApiResult<Response> {
    db.store().list_it_contacts(&org).map(ok)
}

pub(crate) async fn create_it_contact(
    State(db): Db,
    Path(org): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    store.organization(&org)?; // An unknown organization's 404 comes before the body's 422.
    store.create_it_contact(&org, parse_body(&body)?).map(created)
}

pub(crate) async fn delete_it_contact(
    State(db): Db,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    db.store().delete_it_contact(&org, &id)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// Emails the contact an Admin Portal setup link on this emulator: 204.
pub(crate) async fn invite_it_contact(
    State(db): Db,
    Path((org, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    store.it_contact(&org, &id)?; // The contact's 404 comes before the body's 422.
    store.invite_it_contact(&org, &id, parse_body(&body)?, &super::origin(&headers))?;
    Ok(empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn revoke_it_contact(
    State(db): Db,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    db.store().revoke_it_contact(&org, &id)?;
    Ok(empty(StatusCode::NO_CONTENT))
}
