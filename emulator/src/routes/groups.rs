//! Groups: an organization's named sets of organization memberships.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;

use super::{Db, created, empty, ok};
use crate::model::error::{ApiResult, parse_body};
use crate::routes::Listing;

pub(crate) async fn create(State(db): Db, Path(org): Path<String>, body: Bytes) -> ApiResult<Response> {
    let new = parse_body(&body)?;
    db.store().create_group(&org, new).map(created)
}

pub(crate) async fn list(
    State(db): Db,
    Path(org): Path<String>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    db.store().list_groups(&org, &query).map(ok)
}

pub(crate) async fn get(State(db): Db, Path((org, id)): Path<(String, String)>) -> ApiResult<Response> {
    db.store().organization_group(&org, &id).map(ok)
}

pub(crate) async fn update(
    State(db): Db,
    Path((org, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    store.organization_group(&org, &id)?; // An unknown group's 404 comes before the body's 422.
    store.update_group(&org, &id, parse_body(&body)?).map(ok)
}

pub(crate) async fn delete(State(db): Db, Path((org, id)): Path<(String, String)>) -> ApiResult<Response> {
    db.store().delete_group(&org, &id)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// Adds a membership of the same organization; adding a member again changes nothing.
pub(crate) async fn add_member(
    State(db): Db,
    Path((org, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    store.organization_group(&org, &id)?;
    store.add_group_member(&org, &id, parse_body(&body)?).map(ok)
}

/// Adds and removes members in one call: 204.
pub(crate) async fn patch_members(
    State(db): Db,
    Path((org, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    store.organization_group(&org, &id)?;
    store.patch_group_members(&org, &id, parse_body(&body)?)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn list_members(
    State(db): Db,
    Path((org, id)): Path<(String, String)>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    db.store().list_group_members(&org, &id, &query).map(ok)
}

pub(crate) async fn remove_member(
    State(db): Db,
    Path((org, id, member)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    db.store().remove_group_member(&org, &id, &member)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// The groups a membership is in.
pub(crate) async fn list_for_membership(
    State(db): Db,
    Path(member): Path<String>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    db.store().membership_groups(&member, &query).map(ok)
}
