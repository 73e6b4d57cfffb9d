//! Organization and user API keys.

use serde::{Deserialize, Serialize};
use serde_json::Value;

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
