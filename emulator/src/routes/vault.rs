//! Vault over HTTP: key-value objects and data keys (the model is
//! [`crate::model::vault`]), with errors in Vault's shape.

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::json;

use super::{Db, created, ok};
use crate::model::error::{ApiError, parse_body};
use crate::model::vault::{CreateDataKey, CreateObject, DecryptDataKey, RekeyDataKey, UpdateObject};
use crate::routes::Listing;

/// An error in Vault's shape, `{"error": "<what went wrong>"}` (the document's `Error`), with the
/// WorkOS code beside it.
pub(crate) struct VaultError(ApiError);

impl From<ApiError> for VaultError {
    fn from(e: ApiError) -> Self {
        VaultError(e)
    }
}

impl IntoResponse for VaultError {
    fn into_response(self) -> Response {
        let e = self.0;
        let field = e.errors.first().map(|f| format!(" ({}: {})", f.field, f.message)).unwrap_or_default();
        let body = json!({"error": format!("{}{field}", e.message), "code": e.code});
        (e.status, axum::Json(body)).into_response()
    }
}

/// What a Vault handler answers.
type VaultResult = Result<Response, VaultError>;

pub(crate) async fn create_data_key(State(db): Db, body: Bytes) -> VaultResult {
    let request: CreateDataKey = parse_body(&body)?;
    Ok(ok(db.store().create_data_key(request)?))
}

pub(crate) async fn decrypt(State(db): Db, body: Bytes) -> VaultResult {
    let request: DecryptDataKey = parse_body(&body)?;
    Ok(ok(db.store().decrypt_data_key(&request)?))
}

pub(crate) async fn rekey(State(db): Db, body: Bytes) -> VaultResult {
    let request: RekeyDataKey = parse_body(&body)?;
    Ok(ok(db.store().rekey_data_key(request)?))
}

pub(crate) async fn create_object(State(db): Db, body: Bytes) -> VaultResult {
    let request: CreateObject = parse_body(&body)?;
    Ok(created(db.store().create_vault_object(request)?))
}

pub(crate) async fn list_objects(State(db): Db, Listing(query): Listing) -> VaultResult {
    Ok(ok(db.store().vault_objects_page(&query)))
}

pub(crate) async fn get_object(State(db): Db, Path(id): Path<String>) -> VaultResult {
    Ok(ok(db.store().vault_object(&id)?))
}

pub(crate) async fn get_object_by_name(State(db): Db, Path(name): Path<String>) -> VaultResult {
    Ok(ok(db.store().vault_object_by_name(&name)?))
}

pub(crate) async fn get_metadata(State(db): Db, Path(id): Path<String>) -> VaultResult {
    Ok(ok(db.store().vault_object_metadata(&id)?))
}

pub(crate) async fn list_versions(State(db): Db, Path(id): Path<String>) -> VaultResult {
    Ok(ok(db.store().vault_object_versions(&id)?))
}

pub(crate) async fn update_object(State(db): Db, Path(id): Path<String>, body: Bytes) -> VaultResult {
    let request: UpdateObject = parse_body(&body)?;
    Ok(created(db.store().update_vault_object(&id, request)?))
}

/// `DELETE /vault/v1/kv/{id}?version_check=`.
pub(crate) async fn delete_object(
    State(db): Db,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> VaultResult {
    let version_check = form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "version_check")
        .map(|(_, v)| v.into_owned());
    Ok(ok(db.store().delete_vault_object(&id, version_check.as_deref())?))
}
