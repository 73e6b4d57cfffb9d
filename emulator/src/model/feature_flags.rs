//! Feature flags.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::*;

records!(
    Flag => "Feature flag",
);

/// `Flag`: a feature flag, with the organizations and users it targets.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Flag {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) slug: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) owner: Option<Value>,
    pub(crate) tags: Vec<String>,
    pub(crate) enabled: bool,
    pub(crate) default_value: bool,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    /// Organization and user ids the flag is on for.
    #[serde(default, skip_serializing_if = "crate::model::persist::answering")]
    pub(crate) targets: Vec<String>,
}
