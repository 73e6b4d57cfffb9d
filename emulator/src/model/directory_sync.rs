//! Directory Sync: directories, their groups and users.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::*;

records!(
    Directory => "Directory",
    DirectoryGroup => "Directory group",
    DirectoryUser => "Directory user",
);

/// `Directory` (directory sync): read only, seeded.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Directory {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) external_key: String,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) state: Name,
    pub(crate) name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) domain: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `DirectoryGroup`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DirectoryGroup {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) idp_id: String,
    pub(crate) directory_id: String,
    pub(crate) organization_id: String,
    pub(crate) name: String,
    pub(crate) raw_attributes: BTreeMap<String, Value>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `DirectoryUser` (its answer adds `groups`, see [`Store::directory_user_json`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DirectoryUser {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) directory_id: String,
    pub(crate) organization_id: String,
    pub(crate) idp_id: String,
    pub(crate) email: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) state: String,
    pub(crate) raw_attributes: BTreeMap<String, Value>,
    pub(crate) custom_attributes: BTreeMap<String, Value>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    /// Ids of the groups the user is in.
    #[serde(default, skip_serializing_if = "crate::model::persist::answering")]
    pub(crate) group_ids: Vec<String>,
}

impl Store {
    /// A directory user's answer: the record with its groups.
    pub(crate) fn directory_user_json(&self, u: &DirectoryUser) -> Value {
        let mut v = serde_json::to_value(u).unwrap_or(Value::Null);
        let groups: Vec<&DirectoryGroup> =
            u.group_ids.iter().filter_map(|id| self.directory_groups.find(id)).collect();
        v["groups"] = serde_json::to_value(groups).unwrap_or(Value::Null);
        v
    }

    /// A directory's answer, with its user and group counts.
    pub(crate) fn directory_json(&self, d: &Directory) -> Value {
        let mut v = serde_json::to_value(d).unwrap_or(Value::Null);
        let users = self.directory_users.iter().filter(|u| u.directory_id == d.id);
        let (active, inactive) =
            users.fold((0, 0), |(a, i), u| if u.state == "active" { (a + 1, i) } else { (a, i + 1) });
        let groups = self.directory_groups.iter().filter(|g| g.directory_id == d.id).count();
        v["metadata"] = json!({ "users": { "active": active, "inactive": inactive }, "groups": groups });
        v
    }
}
