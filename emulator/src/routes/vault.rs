//! Vault: encrypted key-value objects (create, read by id or name, list, update with a version
//! check, delete, metadata, versions) and data keys for local envelope encryption (create,
//! decrypt, rekey).
//!
//! The emulator keeps values in memory as given; "encrypted" describes WorkOS, not this store.
//! A data key is 32 random bytes; its `encrypted_keys` is an opaque token the emulator resolves
//! back to the key, so `workos_api::vault::Vault::encrypt` and `decrypt` (and the SDKs') work
//! against it end to end.

use std::collections::BTreeMap;

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Db, created, ok};
use crate::model::Store;
use crate::model::error::{ApiError, ApiResult, non_empty, parse_body};
use crate::model::ids::now;
use crate::model::list::Query;

/// The environment every emulated object belongs to.
const ENVIRONMENT: &str = "environment_emulator";
/// What `encrypted_keys` tokens start with (then the data key's id).
const WRAPPED: &str = "workos-emulator-data-key:";

/// An error in Vault's shape, `{"error": "<what went wrong>"}` (the document's `Error`), with the
/// WorkOS code beside it.
pub(super) struct VaultError(ApiError);

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

/// Vault's objects and data keys.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct VaultData {
    /// Objects in creation (id) order.
    objects: Vec<VaultObject>,
    /// Data keys in creation (id) order.
    keys: Vec<DataKey>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct VaultObject {
    id: String,
    name: String,
    context: BTreeMap<String, String>,
    key_id: String,
    /// Oldest first; the last is current.
    versions: Vec<Version>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Version {
    id: String,
    value: String,
    created_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct DataKey {
    id: String,
    /// Base64 of the 32 key bytes.
    key: String,
    context: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct CreateObject {
    name: String,
    value: String,
    key_context: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct UpdateObject {
    value: String,
    version_check: Option<String>,
}

#[derive(Deserialize)]
struct KeyContext {
    context: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Decrypt {
    keys: String,
}

#[derive(Deserialize)]
struct Rekey {
    encrypted_keys: String,
    context: BTreeMap<String, String>,
}

fn check_context(context: &BTreeMap<String, String>) -> ApiResult<()> {
    if context.is_empty() {
        return Err(ApiError::unprocessable(
            "invalid_context",
            "The key context must have at least one entry.",
        ));
    }
    Ok(())
}

impl VaultObject {
    fn current(&self) -> &Version {
        self.versions.last().expect("an object has a version")
    }

    fn metadata(&self) -> Value {
        let current = self.current();
        json!({
            "id": self.id,
            "environment_id": ENVIRONMENT,
            "key_id": self.key_id,
            "updated_by": {"id": "key_emulator", "name": "Emulator API key"},
            "updated_at": current.created_at,
            "context": self.context,
            "version_id": current.id,
        })
    }

    fn without_value(&self) -> Value {
        json!({"id": self.id, "name": self.name, "metadata": self.metadata()})
    }

    fn with_value(&self) -> Value {
        json!({"id": self.id, "name": self.name, "value": self.current().value, "metadata": self.metadata()})
    }
}

fn new_key(store: &mut Store, context: BTreeMap<String, String>, key: Option<String>) -> ApiResult<Value> {
    check_context(&context)?;
    let key = match key {
        Some(k) => k,
        None => {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(format!("no randomness: {e}")))?;
            STANDARD.encode(bytes)
        }
    };
    let id = store.ids.next("data_key");
    let answer = json!({
        "id": id,
        "data_key": key,
        "encrypted_keys": STANDARD.encode(format!("{WRAPPED}{id}")),
        "context": context,
    });
    store.vault.keys.push(DataKey { id, key, context });
    Ok(answer)
}

/// The data key an `encrypted_keys` token stands for.
fn unwrap_key<'a>(store: &'a Store, token: &str) -> ApiResult<&'a DataKey> {
    let bad = || {
        ApiError::bad_request("invalid_keys", "The encrypted keys are not a data key of this environment.")
    };
    let text = STANDARD.decode(token.trim()).map_err(|_| bad())?;
    let id = std::str::from_utf8(&text).ok().and_then(|t| t.strip_prefix(WRAPPED)).ok_or_else(bad)?;
    let keys = &store.vault.keys;
    keys.binary_search_by(|k| k.id.as_str().cmp(id)).map(|i| &keys[i]).map_err(|_| bad())
}

fn find(store: &Store, id: &str) -> ApiResult<usize> {
    let objects = &store.vault.objects;
    objects.binary_search_by(|o| o.id.as_str().cmp(id)).map_err(|_| ApiError::not_found("Object", id))
}

pub(super) async fn create_data_key(State(db): Db, body: Bytes) -> VaultResult {
    let dto: KeyContext = parse_body(&body)?;
    let mut store = db.store();
    Ok(ok(new_key(&mut store, dto.context, None)?))
}

pub(super) async fn decrypt(State(db): Db, body: Bytes) -> VaultResult {
    let dto: Decrypt = parse_body(&body)?;
    let store = db.store();
    let key = unwrap_key(&store, &dto.keys)?;
    Ok(ok(json!({"id": key.id, "data_key": key.key})))
}

pub(super) async fn rekey(State(db): Db, body: Bytes) -> VaultResult {
    let dto: Rekey = parse_body(&body)?;
    let mut store = db.store();
    let key = unwrap_key(&store, &dto.encrypted_keys)?.key.clone();
    Ok(ok(new_key(&mut store, dto.context, Some(key))?))
}

pub(super) async fn create_object(State(db): Db, body: Bytes) -> VaultResult {
    let dto: CreateObject = parse_body(&body)?;
    non_empty("name", &dto.name)?;
    check_context(&dto.key_context)?;
    let mut store = db.store();
    if store.vault.objects.iter().any(|o| o.name == dto.name) {
        return Err(ApiError::conflict(
            "object_exists",
            format!("An object named '{}' already exists.", dto.name),
        )
        .into());
    }
    let key_id = store.ids.next("key");
    let version = Version { id: store.ids.next("version"), value: dto.value, created_at: now() };
    let object = VaultObject {
        id: store.ids.next("object"),
        name: dto.name,
        context: dto.key_context,
        key_id,
        versions: vec![version],
    };
    let answer = object.metadata();
    store.vault.objects.push(object);
    Ok(created(answer))
}

pub(super) async fn list_objects(State(db): Db, RawQuery(raw): RawQuery) -> VaultResult {
    let query = Query::parse(raw.as_deref())?;
    let search = query.get("search");
    let store = db.store();
    let items: Vec<&VaultObject> =
        store.vault.objects.iter().filter(|o| search.is_none_or(|s| o.name.contains(s))).collect();
    let mut page = query.page_with(
        items,
        |o| &o.id,
        |o| json!({"id": o.id, "name": o.name, "updated_at": o.current().created_at}),
    );
    if let Some(map) = page.as_object_mut() {
        map.remove("object");
    }
    Ok(ok(page))
}

pub(super) async fn get_object(State(db): Db, Path(id): Path<String>) -> VaultResult {
    let store = db.store();
    let i = find(&store, &id)?;
    Ok(ok(store.vault.objects[i].with_value()))
}

pub(super) async fn get_object_by_name(State(db): Db, Path(name): Path<String>) -> VaultResult {
    let store = db.store();
    let object = store
        .vault
        .objects
        .iter()
        .find(|o| o.name == name)
        .ok_or_else(|| ApiError::not_found("Object", &name))?;
    Ok(ok(object.with_value()))
}

pub(super) async fn get_metadata(State(db): Db, Path(id): Path<String>) -> VaultResult {
    let store = db.store();
    let i = find(&store, &id)?;
    Ok(ok(store.vault.objects[i].without_value()))
}

pub(super) async fn list_versions(State(db): Db, Path(id): Path<String>) -> VaultResult {
    let store = db.store();
    let object = &store.vault.objects[find(&store, &id)?];
    let last = object.versions.len() - 1;
    let data: Vec<Value> = object
        .versions
        .iter()
        .enumerate()
        .rev()
        .map(|(i, v)| {
            json!({
                "id": v.id,
                "created_at": v.created_at,
                "current_version": i == last,
                "size": v.value.len(),
                "etag": hex::encode(Sha256::digest(v.value.as_bytes())),
            })
        })
        .collect();
    Ok(ok(json!({"data": data, "list_metadata": {"before": null, "after": null}})))
}

/// The version check of an update or delete: the current version's id, when given.
fn check_version(object: &VaultObject, expected: Option<&str>) -> ApiResult<()> {
    match expected {
        Some(v) if v != object.current().id => Err(ApiError::conflict(
            "version_conflict",
            format!("The object's current version is '{}', not '{v}'.", object.current().id),
        )),
        _ => Ok(()),
    }
}

pub(super) async fn update_object(State(db): Db, Path(id): Path<String>, body: Bytes) -> VaultResult {
    let dto: UpdateObject = parse_body(&body)?;
    let mut store = db.store();
    // The document lists no 404 here: an unknown object is a bad request.
    let i = find(&store, &id)
        .map_err(|_| ApiError::bad_request("object_not_found", format!("Object not found: '{id}'.")))?;
    check_version(&store.vault.objects[i], dto.version_check.as_deref())?;
    let version = Version { id: store.ids.next("version"), value: dto.value, created_at: now() };
    let object = &mut store.vault.objects[i];
    object.versions.push(version);
    Ok(created(object.without_value()))
}

pub(super) async fn delete_object(
    State(db): Db,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> VaultResult {
    let expected = form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "version_check")
        .map(|(_, v)| v.into_owned());
    let mut store = db.store();
    let i = find(&store, &id)?;
    check_version(&store.vault.objects[i], expected.as_deref())?;
    let object = store.vault.objects.remove(i);
    Ok(ok(json!({"success": true, "name": object.name})))
}
