//! Permissions, roles (environment and organization), resources and role assignments: what
//! `authorize` checks. The records are here; each kind's rules and operations in the file named
//! after it.

pub(crate) mod access;
#[cfg(test)]
pub(crate) mod fixtures;
pub(crate) mod group_roles;
pub(crate) mod permissions;
pub(crate) mod resources;
pub(crate) mod roles;

use serde::{Deserialize, Serialize};

use super::*;

pub(crate) use resources::{ResourceName, cascade_delete};

records!(
    Permission => "Permission",
    Role => "Role",
    Assignment => "Role assignment",
    GroupAssignment => "Group role assignment",
    Resource => "Resource",
);

/// The role a membership gets when none is given, and reports when it has none left.
pub(crate) const DEFAULT_ROLE: &str = "member";

/// The resource type of an organization's own resource (the root of its resource tree).
pub(crate) const ORGANIZATION_TYPE: &str = "organization";

/// `AuthorizationPermission`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Permission {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) slug: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) system: bool,
    pub(crate) resource_type_slug: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `Role`: an environment role, or an organization (custom) role when `organization_id` is set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Role {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) slug: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    #[serde(deserialize_with = "crate::model::persist::interned")]
    #[serde(rename = "type")]
    pub(crate) kind: Name,
    pub(crate) resource_type_slug: String,
    pub(crate) permissions: Vec<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    #[serde(default, skip_serializing_if = "crate::model::persist::answering")]
    pub(crate) organization_id: Option<String>,
}

/// `RoleAssignment.resource`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct ResourceRef {
    pub(crate) id: String,
    pub(crate) external_id: String,
    pub(crate) resource_type_slug: String,
}

/// `RoleAssignment.role` (`SlimRole`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct SlimRole {
    pub(crate) slug: String,
}

/// `RoleAssignment`. The API also sends `organization_membership_id` and `source` (newer
/// documents require them, and current SDKs read them), so the emulator does too.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Assignment {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    #[serde(rename = "organization_membership_id")]
    pub(crate) membership_id: String,
    pub(crate) role: SlimRole,
    pub(crate) resource: ResourceRef,
    pub(crate) source: AssignmentSource,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `RoleAssignment.source`: direct, or through a group role assignment, with the group it came
/// from (`group`, null when direct: the overlay's `UserRoleAssignmentSource.group`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct AssignmentSource {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    #[serde(rename = "type")]
    pub(crate) kind: Name,
    pub(crate) group_role_assignment_id: Option<String>,
    /// Read as null from a data file written before it was sent.
    #[serde(default)]
    pub(crate) group: Option<SourceGroup>,
}

/// The group a role assignment came from: its id and its name as it is now.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct SourceGroup {
    pub(crate) id: String,
    pub(crate) name: String,
}

impl AssignmentSource {
    pub(crate) const DIRECT: Self = Self { kind: "direct", group_role_assignment_id: None, group: None };

    /// Through the group role assignment `id` of `group`.
    pub(crate) fn group(id: &str, group: SourceGroup) -> Self {
        Self { kind: "group", group_role_assignment_id: Some(id.to_owned()), group: Some(group) }
    }
}

/// `GroupRoleAssignment`: a role a group's members hold on a resource, each through an
/// assignment of its own (`source.type = "group"`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct GroupAssignment {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) group_id: String,
    pub(crate) role: SlimRole,
    pub(crate) resource: ResourceRef,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `AuthorizationResource`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Resource {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) organization_id: String,
    pub(crate) parent_resource_id: Option<String>,
    pub(crate) id: String,
    pub(crate) external_id: String,
    pub(crate) resource_type_slug: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

impl Resource {
    pub(crate) fn as_ref(&self) -> ResourceRef {
        ResourceRef {
            id: self.id.clone(),
            external_id: self.external_id.clone(),
            resource_type_slug: self.resource_type_slug.clone(),
        }
    }
}
