//! Audit logs over HTTP: actions and their schemas, events (with `Idempotency-Key` dedup),
//! exports and their CSV, and each organization's configuration and retention. The rules are
//! the model's ([`crate::model::audit_logs`]).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::HeaderMap;

use super::{Db, created, ok};
use crate::model::audit_logs::{CreateEvent, CreateExport, CreateSchema};
use crate::model::error::{ApiResult, parse_body};
use crate::routes::Listing;

/// The path the emulator serves an export's CSV from (no API key needed, like a presigned
/// URL).
pub(crate) const DOWNLOAD_PREFIX: &str = "/_emulator/audit_log_exports/";

pub(crate) async fn list_actions(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().audit_actions_page(&query)))
}

pub(crate) async fn list_schemas(
    State(db): Db,
    Path(action): Path<String>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    Ok(ok(db.store().audit_schemas_page(&action, &query)?))
}

/// Adds a schema version to an action, creating the action on its first schema.
pub(crate) async fn create_schema(
    State(db): Db,
    Path(action): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let request: CreateSchema = parse_body(&body)?;
    Ok(created(db.store().create_audit_schema(&action, request)?))
}

/// Records an audit log event, once per `Idempotency-Key`.
pub(crate) async fn create_event(State(db): Db, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let request: CreateEvent = parse_body(&body)?;
    let key = headers.get("idempotency-key").map(|v| v.to_str().unwrap_or_default().to_owned());
    Ok(ok(db.store().record_audit_event(request, &body, key)?))
}

/// Creates an export; its `url` serves the CSV from this emulator.
pub(crate) async fn create_export(State(db): Db, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let request: CreateExport = parse_body(&body)?;
    let url_prefix = format!("{}{DOWNLOAD_PREFIX}", super::origin(&headers));
    Ok(created(db.store().create_audit_export(request, &url_prefix)?))
}

pub(crate) async fn get_export(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(ok(db.store().audit_export(&id)?))
}

/// The CSV of an export, at its `url`.
pub(crate) async fn download_export(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let csv = db.store().audit_export(&id)?.csv.clone();
    Ok(([(http::header::CONTENT_TYPE, "text/csv")], csv).into_response())
}

pub(crate) async fn get_configuration(State(db): Db, Path(org): Path<String>) -> ApiResult<Response> {
    Ok(ok(db.store().audit_configuration(&org)?))
}

pub(crate) async fn get_retention(State(db): Db, Path(org): Path<String>) -> ApiResult<Response> {
    Ok(ok(db.store().audit_retention(&org)?))
}

pub(crate) async fn set_retention(
    State(db): Db,
    Path(org): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    Ok(ok(db.store().set_audit_retention(&org, &body)?))
}
