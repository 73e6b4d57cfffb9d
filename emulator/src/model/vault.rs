//! Vault: encrypted key-value objects (create, read by id or name, list, update with a version
//! check, delete, metadata, versions) and data keys for local envelope encryption (create,
//! decrypt, rekey).
//!
//! The emulator keeps values in memory as given; "encrypted" describes WorkOS, not this store.
//! A data key is 32 random bytes; its `encrypted_keys` is an opaque token the emulator resolves
//! back to the key, so `workos_api::vault::Vault::encrypt` and `decrypt` (and the SDKs') work
//! against it end to end.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::Store;
use super::error::{ApiError, ApiResult, non_empty};
use super::ids::now;
use super::list::Query;
use super::table::Table;

records!(
    VaultObject => "Object",
    DataKey => "Data key",
);

/// The environment every emulated object belongs to.
const ENVIRONMENT: &str = "environment_emulator";
/// What `encrypted_keys` tokens start with (then the data key's id).
const WRAPPED: &str = "workos-emulator-data-key:";

/// Vault's objects and data keys.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct VaultData {
    /// Objects in creation (id) order.
    objects: Table<VaultObject>,
    /// Data keys in creation (id) order.
    keys: Table<DataKey>,
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

/// The body of `POST /vault/v1/kv`.
#[derive(Debug, Deserialize)]
pub(crate) struct CreateObject {
    name: String,
    value: String,
    key_context: BTreeMap<String, String>,
}

/// The body of `PUT /vault/v1/kv/{id}`: the new value, and the version it replaces.
#[derive(Debug, Deserialize)]
pub(crate) struct UpdateObject {
    value: String,
    version_check: Option<String>,
}

/// The body of `POST /vault/v1/keys/data-key`.
#[derive(Debug, Deserialize)]
pub(crate) struct CreateDataKey {
    context: BTreeMap<String, String>,
}

/// The body of `POST /vault/v1/keys/decrypt`.
#[derive(Debug, Deserialize)]
pub(crate) struct DecryptDataKey {
    keys: String,
}

/// The body of `POST /vault/v1/keys/rekey`: a data key for a new context.
#[derive(Debug, Deserialize)]
pub(crate) struct RekeyDataKey {
    encrypted_keys: String,
    context: BTreeMap<String, String>,
}

/// A data key as made: the key, and the token that stands for it.
#[derive(Debug, Serialize)]
pub(crate) struct DataKeyAnswer {
    id: String,
    data_key: String,
    encrypted_keys: String,
    context: BTreeMap<String, String>,
}

/// A data key as decrypted.
#[derive(Debug, Serialize)]
pub(crate) struct DecryptedKey<'a> {
    id: &'a str,
    data_key: &'a str,
}

/// An object's metadata: its current version, context and key.
#[derive(Debug, Serialize)]
pub(crate) struct ObjectMetadata<'a> {
    id: &'a str,
    environment_id: &'static str,
    key_id: &'a str,
    updated_by: UpdatedBy,
    updated_at: &'a str,
    context: &'a BTreeMap<String, String>,
    version_id: &'a str,
}

/// Who changed an object: the emulator's API key.
#[derive(Debug, Serialize)]
struct UpdatedBy {
    id: &'static str,
    name: &'static str,
}

/// An object with its metadata, and its current value where the operation reads it.
#[derive(Debug, Serialize)]
pub(crate) struct ObjectAnswer<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    metadata: ObjectMetadata<'a>,
}

/// An object on a list page.
#[derive(Debug, Serialize)]
struct ObjectSummary<'a> {
    id: &'a str,
    name: &'a str,
    updated_at: &'a str,
}

impl<'a> ObjectSummary<'a> {
    fn of(o: &'a VaultObject) -> Self {
        ObjectSummary { id: &o.id, name: &o.name, updated_at: &o.current().created_at }
    }
}

/// An object's versions, newest first, as one page.
#[derive(Debug, Serialize)]
pub(crate) struct VersionList {
    data: Vec<VersionAnswer>,
    list_metadata: Cursors,
}

/// No cursors: the versions are one page.
#[derive(Debug, Serialize)]
struct Cursors {
    before: Option<String>,
    after: Option<String>,
}

/// A version of an object: its size and the SHA-256 of its value.
#[derive(Debug, Serialize)]
struct VersionAnswer {
    id: String,
    created_at: String,
    current_version: bool,
    size: usize,
    etag: String,
}

/// What deleting an object answers.
#[derive(Debug, Serialize)]
pub(crate) struct DeletedObject {
    success: bool,
    name: String,
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

    fn metadata(&self) -> ObjectMetadata<'_> {
        let current = self.current();
        ObjectMetadata {
            id: &self.id,
            environment_id: ENVIRONMENT,
            key_id: &self.key_id,
            updated_by: UpdatedBy { id: "key_emulator", name: "Emulator API key" },
            updated_at: &current.created_at,
            context: &self.context,
            version_id: &current.id,
        }
    }

    /// The object with its metadata, with its current value (`with_value`) or without.
    fn answer(&self, with_value: bool) -> ObjectAnswer<'_> {
        let value = with_value.then(|| self.current().value.as_str());
        ObjectAnswer { id: &self.id, name: &self.name, value, metadata: self.metadata() }
    }

    /// The version check of an update or delete: the current version's id, when given.
    fn check_version(&self, expected: Option<&str>) -> ApiResult<()> {
        match expected {
            Some(v) if v != self.current().id => Err(ApiError::conflict(
                "version_conflict",
                format!("The object's current version is '{}', not '{v}'.", self.current().id),
            )),
            _ => Ok(()),
        }
    }
}

impl Store {
    /// Makes a data key for `context` (which must not be empty): `key`, or 32 random bytes.
    fn new_data_key(
        &mut self,
        context: BTreeMap<String, String>,
        key: Option<String>,
    ) -> ApiResult<DataKeyAnswer> {
        check_context(&context)?;
        let key = match key {
            Some(k) => k,
            None => {
                let mut bytes = [0u8; 32];
                getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(format!("no randomness: {e}")))?;
                STANDARD.encode(bytes)
            }
        };
        let id = self.ids.next("data_key");
        let answer = DataKeyAnswer {
            id: id.clone(),
            data_key: key.clone(),
            encrypted_keys: STANDARD.encode(format!("{WRAPPED}{id}")),
            context: context.clone(),
        };
        self.vault.keys.push(DataKey { id, key, context });
        Ok(answer)
    }

    /// The data key an `encrypted_keys` token stands for, or a 400 `invalid_keys`.
    fn unwrap_data_key(&self, token: &str) -> ApiResult<&DataKey> {
        let bad = || {
            ApiError::bad_request(
                "invalid_keys",
                "The encrypted keys are not a data key of this environment.",
            )
        };
        let text = STANDARD.decode(token.trim()).map_err(|_| bad())?;
        let id = std::str::from_utf8(&text).ok().and_then(|t| t.strip_prefix(WRAPPED)).ok_or_else(bad)?;
        self.vault.keys.find(id).ok_or_else(bad)
    }

    /// A new data key for the request's context.
    pub(crate) fn create_data_key(&mut self, request: CreateDataKey) -> ApiResult<DataKeyAnswer> {
        self.new_data_key(request.context, None)
    }

    /// The data key the request's token stands for.
    pub(crate) fn decrypt_data_key(&self, request: &DecryptDataKey) -> ApiResult<DecryptedKey<'_>> {
        let key = self.unwrap_data_key(&request.keys)?;
        Ok(DecryptedKey { id: &key.id, data_key: &key.key })
    }

    /// The same key as the request's token, for a new context (a new token).
    pub(crate) fn rekey_data_key(&mut self, request: RekeyDataKey) -> ApiResult<DataKeyAnswer> {
        let key = self.unwrap_data_key(&request.encrypted_keys)?.key.clone();
        self.new_data_key(request.context, Some(key))
    }

    /// Creates an object; its name must be new (409 `object_exists`) and its context not empty.
    pub(crate) fn create_vault_object(&mut self, request: CreateObject) -> ApiResult<ObjectMetadata<'_>> {
        non_empty("name", &request.name)?;
        check_context(&request.key_context)?;
        if self.vault.objects.iter().any(|o| o.name == request.name) {
            return Err(ApiError::conflict(
                "object_exists",
                format!("An object named '{}' already exists.", request.name),
            ));
        }
        let key_id = self.ids.next("key");
        let version = Version { id: self.ids.next("version"), value: request.value, created_at: now() };
        let object = VaultObject {
            id: self.ids.next("object"),
            name: request.name,
            context: request.key_context,
            key_id,
            versions: vec![version],
        };
        self.vault.objects.push(object);
        Ok(self.vault.objects.last().expect("just pushed").metadata())
    }

    /// The page of objects `query` asks for, those whose name holds `search` if given (the
    /// document's list has no `object`).
    pub(crate) fn vault_objects_page(&self, query: &Query) -> Value {
        let search = query.get("search");
        let items: Vec<&VaultObject> =
            self.vault.objects.iter().filter(|o| search.is_none_or(|s| o.name.contains(s))).collect();
        let mut page = query.page_with(items, |o| &o.id, ObjectSummary::of);
        if let Some(map) = page.as_object_mut() {
            map.remove("object");
        }
        page
    }

    /// The object with `id`, with its value.
    pub(crate) fn vault_object(&self, id: &str) -> ApiResult<ObjectAnswer<'_>> {
        Ok(self.vault.objects.get(id)?.answer(true))
    }

    /// The object named `name`, with its value.
    pub(crate) fn vault_object_by_name(&self, name: &str) -> ApiResult<ObjectAnswer<'_>> {
        let object = self.vault.objects.iter().find(|o| o.name == name);
        Ok(object.ok_or_else(|| ApiError::not_found("Object", name))?.answer(true))
    }

    /// The object with `id`, without its value.
    pub(crate) fn vault_object_metadata(&self, id: &str) -> ApiResult<ObjectAnswer<'_>> {
        Ok(self.vault.objects.get(id)?.answer(false))
    }

    /// The versions of the object with `id`, newest first.
    pub(crate) fn vault_object_versions(&self, id: &str) -> ApiResult<VersionList> {
        let object = self.vault.objects.get(id)?;
        let last = object.versions.len() - 1;
        let data = object
            .versions
            .iter()
            .enumerate()
            .rev()
            .map(|(i, v)| VersionAnswer {
                id: v.id.clone(),
                created_at: v.created_at.clone(),
                current_version: i == last,
                size: v.value.len(),
                etag: hex::encode(Sha256::digest(v.value.as_bytes())),
            })
            .collect();
        Ok(VersionList { data, list_metadata: Cursors { before: None, after: None } })
    }

    /// Gives the object with `id` a new version, if its current one is the request's
    /// `version_check` (409 `version_conflict` otherwise). The document lists no 404 here: an
    /// unknown object is a 400 `object_not_found`.
    pub(crate) fn update_vault_object(
        &mut self,
        id: &str,
        request: UpdateObject,
    ) -> ApiResult<ObjectAnswer<'_>> {
        let i =
            self.vault.objects.index_of(id).map_err(|_| {
                ApiError::bad_request("object_not_found", format!("Object not found: '{id}'."))
            })?;
        self.vault.objects[i].check_version(request.version_check.as_deref())?;
        let version = Version { id: self.ids.next("version"), value: request.value, created_at: now() };
        let object = &mut self.vault.objects[i];
        object.versions.push(version);
        Ok(object.answer(false))
    }

    /// Deletes the object with `id`, if its current version is `version_check` when given.
    pub(crate) fn delete_vault_object(
        &mut self,
        id: &str,
        version_check: Option<&str>,
    ) -> ApiResult<DeletedObject> {
        self.vault.objects.get(id)?.check_version(version_check)?;
        let object = self.vault.objects.take(id)?;
        Ok(DeletedObject { success: true, name: object.name })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn context() -> BTreeMap<String, String> {
        [("tenant".to_owned(), "acme".to_owned())].into()
    }

    fn create(store: &mut Store, name: &str, value: &str) -> ApiResult<String> {
        let request = CreateObject { name: name.into(), value: value.into(), key_context: context() };
        store.create_vault_object(request).map(|m| m.id.to_owned())
    }

    fn update(store: &mut Store, id: &str, value: &str, check: Option<&str>) -> ApiResult<String> {
        let request = UpdateObject { value: value.into(), version_check: check.map(str::to_owned) };
        store.update_vault_object(id, request).map(|a| a.metadata.version_id.to_owned())
    }

    #[test]
    fn objects_have_unique_names_and_a_context() {
        let mut store = Store::default();
        let id = create(&mut store, "db-password", "s3cret").expect("created");
        let e = create(&mut store, "db-password", "other").expect_err("taken");
        assert_eq!((e.status.as_u16(), e.code), (409, Some("object_exists")));
        let request = CreateObject { name: "x".into(), value: "v".into(), key_context: BTreeMap::new() };
        assert_eq!(store.create_vault_object(request).expect_err("no context").code, Some("invalid_context"));
        assert_eq!(store.vault_object(&id).expect("there").value, Some("s3cret"));
        assert_eq!(store.vault_object_by_name("db-password").expect("there").id, id);
        assert!(store.vault_object_metadata(&id).expect("there").value.is_none());
        assert_eq!(
            store.vault_object("object_9").expect_err("unknown").message,
            "Object not found: 'object_9'."
        );
        assert_eq!(store.vault_object_by_name("nope").expect_err("unknown").status.as_u16(), 404);
    }

    #[test]
    fn updates_and_deletes_check_the_current_version() {
        let mut store = Store::default();
        let id = create(&mut store, "token", "v1").expect("created");
        let first = store.vault_object(&id).expect("there").metadata.version_id.to_owned();
        let second = update(&mut store, &id, "v2", Some(&first)).expect("updated");
        let e = update(&mut store, &id, "v3", Some(&first)).expect_err("stale");
        assert_eq!((e.status.as_u16(), e.code), (409, Some("version_conflict")));
        let e = update(&mut store, "object_9", "v", None).expect_err("unknown");
        assert_eq!((e.status.as_u16(), e.code), (400, Some("object_not_found")));
        let versions =
            serde_json::to_value(store.vault_object_versions(&id).expect("there")).expect("serializes");
        assert_eq!(versions["data"][0]["id"].as_str(), Some(second.as_str()));
        assert_eq!(
            (versions["data"][0]["current_version"].as_bool(), versions["data"][1]["size"].as_u64()),
            (Some(true), Some(2))
        );
        assert!(store.delete_vault_object(&id, Some(&first)).is_err());
        assert_eq!(store.delete_vault_object(&id, Some(&second)).expect("deleted").name, "token");
        assert_eq!(store.delete_vault_object(&id, None).expect_err("gone").status.as_u16(), 404);
    }

    #[test]
    fn the_list_searches_names_and_has_no_object_field() {
        let mut store = Store::default();
        create(&mut store, "alpha", "1").expect("created");
        create(&mut store, "beta", "2").expect("created");
        let page = store.vault_objects_page(&Query::parse(Some("search=alp")).expect("query"));
        assert!(page.get("object").is_none());
        assert_eq!(
            page["data"].as_array().map(|d| d.iter().map(|o| o["name"].clone()).collect::<Vec<_>>()),
            Some(vec![json!("alpha")])
        );
    }

    #[test]
    fn a_data_key_token_decrypts_to_its_key_and_rekeys_to_the_same_key() {
        let mut store = Store::default();
        let made = store.create_data_key(CreateDataKey { context: context() }).expect("made");
        let decrypted =
            store.decrypt_data_key(&DecryptDataKey { keys: made.encrypted_keys.clone() }).expect("known");
        assert_eq!((decrypted.id, decrypted.data_key), (made.id.as_str(), made.data_key.as_str()));
        let other: BTreeMap<String, String> = [("tenant".to_owned(), "globex".to_owned())].into();
        let again = store
            .rekey_data_key(RekeyDataKey { encrypted_keys: made.encrypted_keys.clone(), context: other })
            .expect("rekeyed");
        assert_eq!(again.data_key, made.data_key);
        assert_ne!(again.encrypted_keys, made.encrypted_keys);
        let e =
            store.decrypt_data_key(&DecryptDataKey { keys: "bm90IGEga2V5".into() }).expect_err("not a token");
        assert_eq!((e.status.as_u16(), e.code), (400, Some("invalid_keys")));
        assert!(store.create_data_key(CreateDataKey { context: BTreeMap::new() }).is_err());
    }
}
