//! API keys of organizations and users: made (the value is shown once), listed, deleted, and
//! validated by value.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Db, created, empty, ok};
use crate::model::error::{ApiError, ApiResult, FieldError, max_len, non_empty, parse_body};
use crate::model::ids::{now, token};
use crate::model::list::Query;
use crate::model::{ApiKey, Store};

#[derive(Deserialize)]
struct CreateOrganizationKey {
    name: String,
    #[serde(default)]
    permissions: Vec<String>,
}

#[derive(Deserialize)]
struct CreateUserKey {
    name: String,
    organization_id: String,
    #[serde(default)]
    permissions: Vec<String>,
}

#[derive(Deserialize)]
struct Validate {
    value: String,
}

fn hash(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// Makes a key for `owner`; the answer carries the value, which is never shown again.
fn issue(store: &mut Store, owner: Value, name: &str, permissions: Vec<String>) -> ApiResult<Value> {
    non_empty("name", name)?;
    max_len("name", Some(name), 100)?;
    for (i, slug) in permissions.iter().enumerate() {
        store.permission(slug).map_err(|_| {
            ApiError::invalid_field(
                &format!("permissions[{i}]"),
                "invalid",
                format!("No permission '{slug}'."),
            )
        })?;
    }
    let value = format!("sk_{}", token(40));
    let at = now();
    let key = ApiKey {
        object: "api_key",
        id: store.ids.next("api_key"),
        owner,
        name: name.to_owned(),
        obfuscated_value: format!("sk_...{}", &value[value.len() - 4..]),
        last_used_at: None,
        expires_at: None,
        permissions,
        created_at: at.clone(),
        updated_at: at,
        value_hash: hash(&value),
    };
    store.api_keys.push(key.clone());
    store.emit_record("api_key.created", &key);
    let mut answer = serde_json::to_value(&key).map_err(|e| ApiError::internal(e.to_string()))?;
    answer["value"] = json!(value);
    Ok(answer)
}

pub(super) async fn create_for_organization(
    State(db): Db,
    Path(org): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto: CreateOrganizationKey = parse_body(&body)?;
    let mut store = db.store();
    store.organization(&org)?;
    let owner = json!({ "type": "organization", "id": org });
    Ok(created(issue(&mut store, owner, &dto.name, dto.permissions)?))
}

pub(super) async fn list_for_organization(
    State(db): Db,
    Path(org): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    store.organization(&org)?;
    let items = store
        .api_keys
        .iter()
        .filter(|k| k.owner["type"] == "organization" && k.owner["id"] == org.as_str())
        .collect();
    Ok(ok(query.page(items, |k| &k.id)))
}

/// A user's key works in one organization the user is an active member of (400 otherwise).
pub(super) async fn create_for_user(
    State(db): Db,
    Path(user): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto: CreateUserKey = parse_body(&body)?;
    let mut store = db.store();
    store.user(&user)?;
    store.organization(&dto.organization_id)?;
    let member = store
        .memberships
        .iter()
        .any(|m| m.user_id == user && m.organization_id == dto.organization_id && m.status == "active");
    if !member {
        let message =
            format!("User '{user}' has no active membership in organization '{}'.", dto.organization_id);
        let mut e = ApiError::bad_request("user_not_organization_member", message.clone());
        e.code = None;
        e.errors.push(FieldError {
            field: "organization_id".to_owned(),
            code: "user_not_organization_member",
            message,
            instance_path: None,
        });
        return Err(e);
    }
    let owner = json!({ "type": "user", "id": user, "organization_id": dto.organization_id });
    Ok(created(issue(&mut store, owner, &dto.name, dto.permissions)?))
}

pub(super) async fn list_for_user(
    State(db): Db,
    Path(user): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    store.user(&user)?;
    let org = query.get("organization_id");
    let items = store
        .api_keys
        .iter()
        .filter(|k| k.owner["type"] == "user" && k.owner["id"] == user.as_str())
        .filter(|k| org.is_none_or(|o| k.owner["organization_id"] == o))
        .collect();
    Ok(ok(query.page(items, |k| &k.id)))
}

pub(super) async fn delete(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    let key = store.api_keys.take(&id)?;
    store.emit_record("api_key.revoked", &key);
    Ok(empty(StatusCode::NO_CONTENT))
}

#[derive(Deserialize)]
struct ExpireDto {
    #[serde(default, deserialize_with = "crate::model::error::double_option")]
    expires_at: Option<Option<String>>,
}

/// `POST /api_keys/{id}/expire`: the key stops working at `expires_at` (now when absent or
/// null); a key already expired is a 409 `api_key_already_expired`.
pub(super) async fn expire(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let dto: ExpireDto = parse_body(&body)?;
    let at = match dto.expires_at.flatten() {
        Some(at) => {
            let parsed = chrono::DateTime::parse_from_rfc3339(&at).map_err(|_| {
                ApiError::invalid_field(
                    "expires_at",
                    "invalid",
                    format!("'{at}' is not an ISO 8601 timestamp."),
                )
            })?;
            parsed.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        }
        None => now(),
    };
    let mut store = db.store();
    let key = store.api_keys.get_mut(&id)?;
    if key.expires_at.as_deref().is_some_and(crate::model::ids::is_past) {
        return Err(ApiError::conflict("api_key_already_expired", "The API key has already expired."));
    }
    key.expires_at = Some(at);
    key.updated_at = now();
    Ok(ok(key.clone()))
}

/// The key with this value (its `last_used_at` now), or `{"api_key": null}` for an unknown one.
pub(super) async fn validate(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: Validate = parse_body(&body)?;
    non_empty("value", &dto.value)?;
    let wanted = hash(&dto.value);
    let mut store = db.store();
    let live = |k: &&mut ApiKey| k.expires_at.as_deref().is_none_or(|at| !crate::model::ids::is_past(at));
    let key = store.api_keys.iter_mut().filter(|k| k.value_hash == wanted).find(live).map(|k| {
        k.last_used_at = Some(now());
        k.clone()
    });
    Ok(ok(json!({ "api_key": key })))
}
