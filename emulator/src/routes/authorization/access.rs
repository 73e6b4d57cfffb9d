//! Resources, role assignments and the access check.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;

use crate::model::authorization::{ResourceName, cascade_delete};
use crate::model::error::{ApiResult, parse_body};
use crate::model::list::Query;
use crate::routes::Listing;
use crate::routes::{Db, created, empty, ok};

pub(crate) async fn list_assignments(
    State(db): Db,
    Path(membership): Path<String>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    db.store().list_assignments(&membership, &query).map(ok)
}

pub(crate) async fn assign_role(
    State(db): Db,
    Path(membership): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    store.membership(&membership)?; // An unknown membership's 404 comes before the body's 422.
    store.assign_role(&membership, parse_body(&body)?).map(created)
}

pub(crate) async fn remove_role_by_criteria(
    State(db): Db,
    Path(membership): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    store.membership(&membership)?;
    store.unassign_role(&membership, parse_body(&body)?)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn remove_role_by_id(
    State(db): Db,
    Path((membership, assignment)): Path<(String, String)>,
) -> ApiResult<Response> {
    db.store().unassign_role_by_id(&membership, &assignment)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn check(State(db): Db, Path(membership): Path<String>, body: Bytes) -> ApiResult<Response> {
    let store = db.store();
    store.membership(&membership)?;
    store.check_access(&membership, parse_body(&body)?).map(ok)
}

pub(crate) async fn list_resources(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().list_resources(&query)))
}

pub(crate) async fn create_resource(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let new = parse_body(&body)?;
    db.store().create_resource(new).map(created)
}

pub(crate) async fn get_resource(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().resource(&id).map(ok)
}

pub(crate) async fn update_resource(
    State(db): Db,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    store.resource(&id)?;
    store.update_resource(&id, parse_body(&body)?).map(ok)
}

/// `GET`, `PATCH` and `DELETE` of a resource named by organization, type and external id.
pub(crate) async fn get_resource_by_external(
    State(db): Db,
    Path((org, kind, external)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    db.store().external_resource(&org, &kind, &external).map(ok)
}

pub(crate) async fn update_resource_by_external(
    State(db): Db,
    Path((org, kind, external)): Path<(String, String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    let id = store.external_resource(&org, &kind, &external)?.id.clone();
    store.update_resource(&id, parse_body(&body)?).map(ok)
}

pub(crate) async fn delete_resource_by_external(
    State(db): Db,
    Path((org, kind, external)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let mut store = db.store();
    let id = store.external_resource(&org, &kind, &external)?.id.clone();
    let cascade = cascade_delete(&Query::parse(raw.as_deref())?)?;
    store.delete_resource(&id, cascade)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// Deletes a resource and the role assignments on it; its children too with
/// `cascade_delete=true`.
pub(crate) async fn delete_resource(
    State(db): Db,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let cascade = cascade_delete(&Query::parse(raw.as_deref())?)?;
    db.store().delete_resource(&id, cascade)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn list_resource_memberships(
    State(db): Db,
    Path(id): Path<String>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    db.store().resource_memberships(&id, &query).map(ok)
}

pub(crate) async fn list_resource_memberships_by_external(
    State(db): Db,
    Path((org, kind, external)): Path<(String, String, String)>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    let store = db.store();
    let id = store.external_resource(&org, &kind, &external)?.id.clone();
    store.resource_memberships(&id, &query).map(ok)
}

/// The resources of its organization on which a membership holds `permission_slug`,
/// optionally only the children of one parent.
pub(crate) async fn list_membership_resources(
    State(db): Db,
    Path(membership): Path<String>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    db.store().membership_resources(&membership, &query).map(ok)
}

pub(crate) async fn list_membership_resource_permissions(
    State(db): Db,
    Path((membership, resource)): Path<(String, String)>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    db.store().membership_permissions(&membership, ResourceName::Id(&resource), &query).map(ok)
}

pub(crate) async fn list_membership_external_resource_permissions(
    State(db): Db,
    Path((membership, kind, external)): Path<(String, String, String)>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    let named = ResourceName::External { kind: &kind, external_id: &external };
    db.store().membership_permissions(&membership, named, &query).map(ok)
}
