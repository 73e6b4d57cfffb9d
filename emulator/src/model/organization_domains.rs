//! Organization domains.

use serde::{Deserialize, Serialize};

use super::*;

records!(
    Domain => "Organization domain",
);

/// An item of `Organization.domains`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Domain {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) domain: String,
    pub(crate) state: String,
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) verification_strategy: Name,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) verification_prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) verification_token: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}
