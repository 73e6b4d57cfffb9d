//! Feature flags over HTTP: list, read, toggle and target them, the flags on for an
//! organization or a user, and `GET /sdk/feature-flags`, the runtime payload WorkOS's SDKs
//! evaluate locally. The rules are the model's ([`crate::model::feature_flags`]).

use axum::extract::{Path, State};
use axum::response::Response;
use http::StatusCode;

use super::{Db, empty, ok};
use crate::model::error::ApiResult;
use crate::routes::Listing;

pub(crate) async fn list(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().flags_page(&query)))
}

pub(crate) async fn get(State(db): Db, Path(slug): Path<String>) -> ApiResult<Response> {
    Ok(ok(db.store().flag(&slug)?))
}

pub(crate) async fn enable(State(db): Db, Path(slug): Path<String>) -> ApiResult<Response> {
    Ok(ok(db.store().set_flag_enabled(&slug, true)?))
}

pub(crate) async fn disable(State(db): Db, Path(slug): Path<String>) -> ApiResult<Response> {
    Ok(ok(db.store().set_flag_enabled(&slug, false)?))
}

pub(crate) async fn add_target(
    State(db): Db,
    Path((slug, resource)): Path<(String, String)>,
) -> ApiResult<Response> {
    db.store().set_flag_target(&slug, &resource, true)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn remove_target(
    State(db): Db,
    Path((slug, resource)): Path<(String, String)>,
) -> ApiResult<Response> {
    db.store().set_flag_target(&slug, &resource, false)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn list_for_organization(
    State(db): Db,
    Path(org): Path<String>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    Ok(ok(db.store().flags_for_organization(&org, &query)?))
}

pub(crate) async fn list_for_user(
    State(db): Db,
    Path(user): Path<String>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    Ok(ok(db.store().flags_for_user(&user, &query)?))
}

/// `GET /sdk/feature-flags?payload_version=2`.
pub(crate) async fn runtime_configuration(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    let version = query.require("payload_version")?;
    Ok(ok(db.store().flags_runtime_payload(&version)?))
}
