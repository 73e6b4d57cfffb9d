//! Organization and user API keys: made (the value is shown once), listed, expired,
//! deleted, and validated by value.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::error::{ApiError, ApiResult, FieldError, max_len, non_empty};
use super::ids::{is_past, now, token};
use super::list::Query;
use super::*;

records!(
    ApiKey => "API key",
);

/// An API key (`OrganizationApiKey`, `UserApiKey`); its value is shown once, at creation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ApiKey {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) owner: Value,
    pub(crate) name: String,
    pub(crate) obfuscated_value: String,
    pub(crate) last_used_at: Option<String>,
    /// When it stops working (`POST /api_keys/{id}/expire`); `None`: never.
    #[serde(default)]
    pub(crate) expires_at: Option<String>,
    pub(crate) permissions: Vec<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    /// SHA-256 of the value, hex.
    #[serde(default, skip_serializing_if = "crate::model::persist::answering")]
    pub(crate) value_hash: String,
}

/// `POST /organizations/{id}/api_keys`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CreateOrganizationKey {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) permissions: Vec<String>,
}

/// `POST /user_management/users/{id}/api_keys`: a user's key works in one organization.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CreateUserKey {
    pub(crate) name: String,
    pub(crate) organization_id: String,
    #[serde(default)]
    pub(crate) permissions: Vec<String>,
}

/// `POST /api_keys/validations`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ValidateKey {
    pub(crate) value: String,
}

/// `POST /api_keys/{id}/expire`: when it stops working (now when absent or null).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct ExpireKey {
    #[serde(default, deserialize_with = "crate::model::error::double_option")]
    pub(crate) expires_at: Option<Option<String>>,
}

/// A new key with its value, shown this once.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct NewApiKey {
    #[serde(flatten)]
    pub(crate) key: ApiKey,
    pub(crate) value: String,
}

/// The validation's answer: the key with the value, or `null` for an unknown or expired one.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ValidatedKey {
    pub(crate) api_key: Option<ApiKey>,
}

fn hash(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// Whether a key's `expires_at` has come.
fn expired(key: &ApiKey) -> bool {
    key.expires_at.as_deref().is_some_and(is_past)
}

/// An ISO 8601 timestamp, in WorkOS's form (UTC, milliseconds), or a 422 naming `expires_at`.
fn expiry(at: &str) -> ApiResult<String> {
    let parsed = chrono::DateTime::parse_from_rfc3339(at).map_err(|_| {
        ApiError::invalid_field("expires_at", "invalid", format!("'{at}' is not an ISO 8601 timestamp."))
    })?;
    Ok(parsed.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

impl Store {
    /// Makes a key for `owner` (`api_key.created`): a name, and permissions that exist.
    fn issue(&mut self, owner: Value, name: &str, permissions: Vec<String>) -> ApiResult<NewApiKey> {
        non_empty("name", name)?;
        max_len("name", Some(name), 100)?;
        for (i, slug) in permissions.iter().enumerate() {
            self.permission(slug).map_err(|_| {
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
            id: self.ids.next("api_key"),
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
        self.api_keys.push(key.clone());
        self.emit_record("api_key.created", &key);
        Ok(NewApiKey { key, value })
    }

    /// Makes an organization's key.
    pub(crate) fn create_organization_api_key(
        &mut self,
        org: &str,
        new: CreateOrganizationKey,
    ) -> ApiResult<NewApiKey> {
        self.organization(org)?;
        self.issue(json!({ "type": "organization", "id": org }), &new.name, new.permissions)
    }

    /// Makes a user's key for one organization the user is an active member of (400
    /// `user_not_organization_member` otherwise).
    pub(crate) fn create_user_api_key(&mut self, user: &str, new: CreateUserKey) -> ApiResult<NewApiKey> {
        self.user(user)?;
        let org = new.organization_id;
        self.organization(&org)?;
        if !self.memberships_by(true, user).any(|m| m.organization_id == org && m.status == "active") {
            let message = format!("User '{user}' has no active membership in organization '{org}'.");
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
        let owner = json!({ "type": "user", "id": user, "organization_id": org });
        self.issue(owner, &new.name, new.permissions)
    }

    /// The page of an organization's keys.
    pub(crate) fn organization_api_keys(&self, org: &str, query: &Query) -> ApiResult<Value> {
        self.organization(org)?;
        let items = self
            .api_keys
            .iter()
            .filter(|k| k.owner["type"] == "organization" && k.owner["id"] == org)
            .collect();
        Ok(query.page(items, |k| &k.id))
    }

    /// The page of a user's keys, of one organization when the query names it.
    pub(crate) fn user_api_keys(&self, user: &str, query: &Query) -> ApiResult<Value> {
        self.user(user)?;
        let org = query.get("organization_id");
        let items = self
            .api_keys
            .iter()
            .filter(|k| k.owner["type"] == "user" && k.owner["id"] == user)
            .filter(|k| org.is_none_or(|o| k.owner["organization_id"] == o))
            .collect();
        Ok(query.page(items, |k| &k.id))
    }

    /// Deletes a key (`api_key.revoked`).
    pub(crate) fn delete_api_key(&mut self, id: &str) -> ApiResult<ApiKey> {
        let key = self.api_keys.take(id)?;
        self.emit_record("api_key.revoked", &key);
        Ok(key)
    }

    /// Sets when a key stops working (now when not given); a key already expired is a 409
    /// `api_key_already_expired`.
    pub(crate) fn expire_api_key(&mut self, id: &str, expire: ExpireKey) -> ApiResult<ApiKey> {
        let at = match expire.expires_at.flatten() {
            Some(at) => expiry(&at)?,
            None => now(),
        };
        let key = self.api_keys.get_mut(id)?;
        if expired(key) {
            return Err(ApiError::conflict("api_key_already_expired", "The API key has already expired."));
        }
        key.expires_at = Some(at);
        key.updated_at = now();
        Ok(key.clone())
    }

    /// The live key with this value (its `last_used_at` now), if any.
    pub(crate) fn validate_api_key(&mut self, validate: ValidateKey) -> ApiResult<ValidatedKey> {
        non_empty("value", &validate.value)?;
        let wanted = hash(&validate.value);
        let key =
            self.api_keys.iter_mut().filter(|k| k.value_hash == wanted).find(|k| !expired(k)).map(|k| {
                k.last_used_at = Some(now());
                k.clone()
            });
        Ok(ValidatedKey { api_key: key })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::authorization::fixtures::{Org, event_names, permission};

    fn named(name: &str, permissions: &[&str]) -> CreateOrganizationKey {
        CreateOrganizationKey {
            name: name.to_owned(),
            permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    #[test]
    fn a_key_is_shown_once_and_found_by_its_value_until_it_expires() {
        let mut store = Store::default();
        let org = Org::new(&mut store);
        store.create_permission(permission("docs:read")).expect("permission");
        let new = store.create_organization_api_key(&org.id, named("CI", &["docs:read"])).expect("made");
        assert!(
            new.value.starts_with("sk_")
                && new.key.obfuscated_value.ends_with(&new.value[new.value.len() - 4..])
        );
        let answer = serde_json::to_value(&new).expect("json");
        assert_eq!(
            (answer["value"].as_str(), answer["name"].as_str()),
            (Some(new.value.as_str()), Some("CI"))
        );
        assert!(answer.get("value_hash").is_none());
        let found = store.validate_api_key(ValidateKey { value: new.value.clone() }).expect("validated");
        assert!(found.api_key.expect("live").last_used_at.is_some());
        let unknown = store.validate_api_key(ValidateKey { value: "sk_nope".into() }).expect("validated");
        assert!(unknown.api_key.is_none());
        store.expire_api_key(&new.key.id, ExpireKey::default()).expect("expired");
        assert!(
            store.validate_api_key(ValidateKey { value: new.value }).expect("validated").api_key.is_none()
        );
        let e = store.expire_api_key(&new.key.id, ExpireKey::default()).expect_err("twice");
        assert_eq!((e.status.as_u16(), e.code), (409, Some("api_key_already_expired")));
        store.delete_api_key(&new.key.id).expect("deleted");
        assert_eq!(
            store.delete_api_key(&new.key.id).expect_err("gone").message,
            format!("API key not found: '{}'.", new.key.id)
        );
        assert_eq!(event_names(&store), ["permission.created", "api_key.created", "api_key.revoked"]);
    }

    #[test]
    fn a_key_names_permissions_that_exist_and_a_valid_expiry() {
        let mut store = Store::default();
        let org = Org::new(&mut store);
        let e = store
            .create_organization_api_key(&org.id, named("CI", &["docs:read"]))
            .expect_err("no permission");
        assert_eq!((e.errors[0].field.as_str(), e.errors[0].code), ("permissions[0]", "invalid"));
        assert_eq!(
            store.create_organization_api_key(&org.id, named(" ", &[])).expect_err("blank").errors[0].field,
            "name"
        );
        let key = store.create_organization_api_key(&org.id, named("CI", &[])).expect("made").key;
        let later = ExpireKey { expires_at: Some(Some("2999-01-02T03:04:05+01:00".into())) };
        assert_eq!(
            store.expire_api_key(&key.id, later).expect("set").expires_at.as_deref(),
            Some("2999-01-02T02:04:05.000Z")
        );
        let bad = ExpireKey { expires_at: Some(Some("soon".into())) };
        assert_eq!(store.expire_api_key(&key.id, bad).expect_err("not a time").errors[0].field, "expires_at");
        let query = Query::parse(None).expect("query");
        assert_eq!(
            store.organization_api_keys(&org.id, &query).expect("page")["data"][0]["id"],
            key.id.as_str()
        );
    }

    #[test]
    fn a_users_key_needs_an_active_membership() {
        let mut store = Store::default();
        let (org, other) = (Org::new(&mut store), Org::new(&mut store));
        let member = org.member(&mut store, "a@x.test");
        let user = store.membership(&member).expect("member").user_id.clone();
        let new = |org: &Org| CreateUserKey {
            name: "Mine".into(),
            organization_id: org.id.clone(),
            permissions: Vec::new(),
        };
        let e = store.create_user_api_key(&user, new(&other)).expect_err("not a member");
        assert_eq!(
            (e.status.as_u16(), e.code, e.errors[0].code),
            (400, None, "user_not_organization_member")
        );
        let key = store.create_user_api_key(&user, new(&org)).expect("made").key;
        assert_eq!(key.owner, json!({ "type": "user", "id": user, "organization_id": org.id }));
        let page =
            |raw: &str| store.user_api_keys(&user, &Query::parse(Some(raw)).expect("query")).expect("page");
        assert_eq!(page("")["data"].as_array().map(Vec::len), Some(1));
        assert_eq!(page(&format!("organization_id={}", other.id))["data"].as_array().map(Vec::len), Some(0));
        assert_eq!(
            store
                .user_api_keys("user_9", &Query::parse(None).expect("query"))
                .expect_err("no user")
                .status
                .as_u16(),
            404
        );
    }
}
