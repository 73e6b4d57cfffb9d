//! Environment roles and organization (custom) roles, with their permissions.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use serde::de::DeserializeOwned;

use crate::model::error::{ApiResult, parse_body};
use crate::model::{Role, Store};
use crate::routes::{Db, created, empty, ok};
use crate::server::shared::Shared;

/// Applies `change` to the role the path names (organization `org`'s own, or an environment
/// role): an unknown role's 404 comes before the body's 422.
fn change_role<T: DeserializeOwned>(
    db: &Shared,
    org: Option<&str>,
    slug: &str,
    body: &[u8],
    change: impl FnOnce(&mut Store, Option<&str>, &str, T) -> ApiResult<Role>,
) -> ApiResult<Response> {
    let mut store = db.store();
    store.role_index(org, slug)?;
    change(&mut store, org, slug, parse_body(body)?).map(ok)
}

pub(crate) async fn list_environment(State(db): Db) -> Response {
    ok(db.store().environment_roles())
}

pub(crate) async fn create_environment(State(db): Db, body: Bytes) -> ApiResult<Response> {
    db.store().create_environment_role(parse_body(&body)?).map(created)
}

pub(crate) async fn get_environment(State(db): Db, Path(slug): Path<String>) -> ApiResult<Response> {
    db.store().environment_role(&slug).map(ok)
}

pub(crate) async fn update_environment(
    State(db): Db,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    change_role(&db, None, &slug, &body, Store::update_role)
}

pub(crate) async fn add_environment_permission(
    State(db): Db,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    change_role(&db, None, &slug, &body, Store::add_role_permission)
}

pub(crate) async fn set_environment_permissions(
    State(db): Db,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    change_role(&db, None, &slug, &body, Store::set_role_permissions)
}

pub(crate) async fn list_organization(State(db): Db, Path(org): Path<String>) -> ApiResult<Response> {
    db.store().organization_role_list(&org).map(ok)
}

pub(crate) async fn create_organization(
    State(db): Db,
    Path(org): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    store.organization(&org)?; // An unknown organization's 404 comes before the body's 422.
    store.create_organization_role(&org, parse_body(&body)?).map(created)
}

pub(crate) async fn get_organization(
    State(db): Db,
    Path((org, slug)): Path<(String, String)>,
) -> ApiResult<Response> {
    db.store().organization_role(&org, &slug).map(ok)
}

pub(crate) async fn update_organization(
    State(db): Db,
    Path((org, slug)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    change_role(&db, Some(&org), &slug, &body, Store::update_role)
}

pub(crate) async fn delete_organization(
    State(db): Db,
    Path((org, slug)): Path<(String, String)>,
) -> ApiResult<Response> {
    db.store().delete_organization_role(&org, &slug)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn add_organization_permission(
    State(db): Db,
    Path((org, slug)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    change_role(&db, Some(&org), &slug, &body, Store::add_role_permission)
}

pub(crate) async fn set_organization_permissions(
    State(db): Db,
    Path((org, slug)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    change_role(&db, Some(&org), &slug, &body, Store::set_role_permissions)
}

pub(crate) async fn remove_organization_permission(
    State(db): Db,
    Path((org, slug, permission)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    db.store().remove_role_permission(&org, &slug, &permission).map(ok)
}
