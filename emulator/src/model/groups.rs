//! Groups of organization memberships.

use serde::{Deserialize, Serialize};

use super::*;

records!(
    Group => "Group",
);

/// `Group`: an organization's group of memberships.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Group {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    /// Ids of the member organization memberships.
    #[serde(default, skip_serializing_if = "crate::model::persist::answering")]
    pub(crate) members: Vec<String>,
}
