//! Group role assignments, and the role assignments on a resource (direct and through groups).

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;

use crate::model::error::{ApiResult, parse_body};
use crate::model::list::Query;
use crate::routes::Listing;
use crate::routes::{Db, created, empty, ok};

pub(crate) async fn create(State(db): Db, Path(group): Path<String>, body: Bytes) -> ApiResult<Response> {
    let mut store = db.store();
    store.groups.get(&group)?; // An unknown group's 404 comes before the body's 422.
    store.create_group_role(&group, parse_body(&body)?).map(created)
}

pub(crate) async fn list(
    State(db): Db,
    Path(group): Path<String>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    db.store().list_group_roles(&group, &query).map(ok)
}

pub(crate) async fn get(State(db): Db, Path((group, id)): Path<(String, String)>) -> ApiResult<Response> {
    db.store().group_role(&group, &id).map(ok)
}

/// Replaces the group's role assignments with the given ones (at most 100); answers the list.
pub(crate) async fn replace(State(db): Db, Path(group): Path<String>, body: Bytes) -> ApiResult<Response> {
    let mut store = db.store();
    store.groups.get(&group)?;
    store.replace_group_roles(&group, parse_body(&body)?).map(ok)
}

/// Adds and removes the group's role assignments in one call: 204.
pub(crate) async fn patch(State(db): Db, Path(group): Path<String>, body: Bytes) -> ApiResult<Response> {
    let mut store = db.store();
    store.groups.get(&group)?;
    store.patch_group_roles(&group, parse_body(&body)?)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn delete_by_criteria(
    State(db): Db,
    Path(group): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    store.groups.get(&group)?;
    store.remove_group_role(&group, parse_body(&body)?)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn delete(State(db): Db, Path((group, id)): Path<(String, String)>) -> ApiResult<Response> {
    db.store().remove_group_role_by_id(&group, &id)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// The role assignments on a resource, direct and through groups.
pub(crate) async fn list_for_resource(
    State(db): Db,
    Path(resource): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let store = db.store();
    store.resource(&resource)?; // An unknown resource's 404 comes before the query's 422.
    store.resource_role_assignments(&resource, &Query::parse(raw.as_deref())?).map(ok)
}

/// [`list_for_resource`], the resource named by its organization, type and external id.
pub(crate) async fn list_for_resource_by_external(
    State(db): Db,
    Path((org, kind, external)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let store = db.store();
    let id = store.resource_by_external(&org, &kind, &external)?.id.clone();
    store.resource_role_assignments(&id, &Query::parse(raw.as_deref())?).map(ok)
}
