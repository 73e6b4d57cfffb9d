//! Permissions, roles (environment and organization), resources and role assignments: what `authorize` checks.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::error::{ApiError, ApiResult};
use super::ids::now;
use super::*;

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

/// `RoleAssignment.source`: direct, or through a group role assignment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct AssignmentSource {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    #[serde(rename = "type")]
    pub(crate) kind: Name,
    pub(crate) group_role_assignment_id: Option<String>,
}

impl AssignmentSource {
    pub(crate) const DIRECT: Self = Self { kind: "direct", group_role_assignment_id: None };

    /// Through the group role assignment `id`.
    pub(crate) fn group(id: &str) -> Self {
        Self { kind: "group", group_role_assignment_id: Some(id.to_owned()) }
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

impl Store {
    /// The data of an `organization_role.*` event: the role and its organization.
    pub(crate) fn organization_role_event(&mut self, name: &str, role: &Role) {
        let data = json!({
            "object": "organization_role",
            "organization_id": role.organization_id,
            "slug": role.slug,
            "name": role.name,
            "description": role.description,
            "resource_type_slug": role.resource_type_slug,
            "permissions": role.permissions,
            "created_at": role.created_at,
            "updated_at": role.updated_at,
        });
        self.emit(name, data);
    }

    pub(crate) fn permission(&self, slug: &str) -> ApiResult<&Permission> {
        self.permission_ids
            .get(slug)
            .and_then(|id| self.permissions.find(id))
            .ok_or_else(|| ApiError::not_found("Permission", slug))
    }

    /// Records a new permission (its id the newest), indexed by slug.
    pub(crate) fn insert_permission(&mut self, permission: Permission) {
        self.permission_ids.insert(permission.slug.clone(), permission.id.clone());
        self.permissions.push(permission);
    }

    /// Removes the permission `slug`.
    pub(crate) fn remove_permission(&mut self, slug: &str) {
        if let Some(id) = self.permission_ids.remove(slug)
            && let Ok(i) = self.permissions.binary_search_by(|p| p.id.as_str().cmp(&id))
        {
            self.permissions.remove(i);
        }
    }

    pub(crate) fn resource(&self, id: &str) -> ApiResult<&Resource> {
        self.resources.get(id)
    }

    /// A resource of `organization_id` by its type and external id.
    pub(crate) fn resource_by_external(
        &self,
        org: &str,
        kind: &str,
        external_id: &str,
    ) -> ApiResult<&Resource> {
        let key = (org.to_owned(), kind.to_owned(), external_id.to_owned());
        self.indexes
            .resource_by_external
            .get(&key)
            .and_then(|id| self.resources.find(id))
            .ok_or_else(|| ApiError::not_found("Resource", &format!("{kind}/{external_id}")))
    }

    /// The resource that stands for the organization itself: assignments on it apply to every
    /// resource of the organization.
    pub(crate) fn organization_resource(&self, org: &str) -> ApiResult<&Resource> {
        self.resource_by_external(org, ORGANIZATION_TYPE, org)
    }

    /// An environment role by slug.
    pub(crate) fn environment_role(&self, slug: &str) -> ApiResult<&Role> {
        self.roles
            .iter()
            .find(|r| r.organization_id.is_none() && r.slug == slug)
            .ok_or_else(|| ApiError::not_found("Role", slug))
    }

    /// The roles available to an organization in priority order: environment roles, then the
    /// organization's own, each in creation order.
    pub(crate) fn organization_roles(&self, org: &str) -> impl Iterator<Item = &Role> {
        let env = self.roles.iter().filter(|r| r.organization_id.is_none());
        env.chain(self.roles.iter().filter(move |r| r.organization_id.as_deref() == Some(org)))
    }

    /// A role visible to an organization (its own, or an environment role).
    pub(crate) fn role_for(&self, org: &str, slug: &str) -> ApiResult<&Role> {
        self.organization_roles(org).find(|r| r.slug == slug).ok_or_else(|| ApiError::not_found("Role", slug))
    }

    /// Index of an organization's own (custom) role.
    pub(crate) fn custom_role_index(&self, org: &str, slug: &str) -> ApiResult<usize> {
        self.organization(org)?;
        self.roles
            .iter()
            .position(|r| r.organization_id.as_deref() == Some(org) && r.slug == slug)
            .ok_or_else(|| ApiError::not_found("Organization role", slug))
    }

    /// Index of an environment role.
    pub(crate) fn environment_role_index(&self, slug: &str) -> ApiResult<usize> {
        self.roles
            .iter()
            .position(|r| r.organization_id.is_none() && r.slug == slug)
            .ok_or_else(|| ApiError::not_found("Role", slug))
    }

    /// 404 unless every slug names a permission.
    pub(crate) fn check_permissions<'a>(&self, slugs: impl IntoIterator<Item = &'a String>) -> ApiResult<()> {
        slugs.into_iter().try_for_each(|s| self.permission(s).map(drop))
    }

    /// Whether the membership holds `permission` on `resource`: through a role assigned on the
    /// resource, on one of its ancestors, or on the organization itself.
    pub(crate) fn authorized(&self, m: &Membership, permission: &str, resource: &Resource) -> bool {
        self.permissions_on(m, resource, None).contains(permission)
    }

    /// The permission slugs the membership holds on `resource`. `direct`: `Some(true)` counts
    /// only roles assigned on the resource itself, `Some(false)` only those inherited from its
    /// ancestors and the organization, `None` both.
    pub(crate) fn permissions_on(
        &self,
        m: &Membership,
        resource: &Resource,
        direct: Option<bool>,
    ) -> std::collections::BTreeSet<String> {
        let mut chain = vec![resource.id.clone()];
        let mut parent = resource.parent_resource_id.clone();
        while let Some(id) = parent.take() {
            if chain.contains(&id) {
                break;
            }
            parent = self.resources.find(&id).and_then(|r| r.parent_resource_id.clone());
            chain.push(id);
        }
        if let Ok(root) = self.organization_resource(&m.organization_id)
            && !chain.contains(&root.id)
        {
            chain.push(root.id.clone());
        }
        let counted = |id: &String| match direct {
            None => chain.contains(id),
            Some(true) => *id == resource.id,
            Some(false) => *id != resource.id && chain.contains(id),
        };
        self.assignments_of(&m.id)
            .filter(|a| counted(&a.resource.id))
            .filter_map(|a| self.role_for(&m.organization_id, &a.role.slug).ok())
            .flat_map(|role| role.permissions.iter().cloned())
            .collect()
    }

    /// Adds a resource (its id is the newest) and indexes its external id.
    pub(crate) fn insert_resource(&mut self, r: Resource) {
        let key = (r.organization_id.clone(), r.resource_type_slug.clone(), r.external_id.clone());
        self.indexes.resource_by_external.insert(key, r.id.clone());
        self.resources.push(r);
    }

    /// Removes the resources `doomed` picks (not their role assignments).
    pub(crate) fn remove_resources(&mut self, doomed: impl Fn(&Resource) -> bool) {
        let index = &mut self.indexes.resource_by_external;
        self.resources.retain(|r| {
            let gone = doomed(r);
            if gone {
                index.remove(&(
                    r.organization_id.clone(),
                    r.resource_type_slug.clone(),
                    r.external_id.clone(),
                ));
            }
            !gone
        });
    }

    /// Assigns `role` to a membership on `resource`, directly, unless it already is (then
    /// returns that).
    pub(crate) fn assign(&mut self, membership_id: &str, role: &str, resource: ResourceRef) -> Assignment {
        self.assign_from(membership_id, role, resource, AssignmentSource::DIRECT)
    }

    /// [`Store::assign`] with its source: direct, or through a group's role assignment (a
    /// member's own assignment, kept beside any direct one of the same role).
    pub(crate) fn assign_from(
        &mut self,
        membership_id: &str,
        role: &str,
        resource: ResourceRef,
        source: AssignmentSource,
    ) -> Assignment {
        if let Some(a) = self
            .assignments_of(membership_id)
            .find(|a| a.role.slug == role && a.resource == resource && a.source == source)
        {
            return a.clone();
        }
        let at = now();
        let a = Assignment {
            object: "role_assignment",
            id: self.ids.next("role_assignment"),
            role: SlimRole { slug: role.to_owned() },
            resource,
            source,
            created_at: at.clone(),
            updated_at: at,
            membership_id: membership_id.to_owned(),
        };
        self.indexes.assignments_by_membership.entry(a.membership_id.clone()).or_default().push(a.id.clone());
        self.assignments.push(a.clone());
        a
    }

    /// A membership's role assignments, in creation order, through the index.
    pub(crate) fn assignments_of<'s>(
        &'s self,
        membership_id: &str,
    ) -> impl Iterator<Item = &'s Assignment> + 's {
        let ids = self.indexes.assignments_by_membership.get(membership_id).map_or(&[][..], Vec::as_slice);
        ids.iter().filter_map(|id| self.assignments.find(id))
    }

    /// Removes the role assignments `doomed` picks (and their index entries); how many.
    pub(crate) fn remove_assignments(&mut self, doomed: impl Fn(&Assignment) -> bool) -> usize {
        let gone: Vec<(String, String)> = self
            .assignments
            .iter()
            .filter(|a| doomed(a))
            .map(|a| (a.membership_id.clone(), a.id.clone()))
            .collect();
        if gone.is_empty() {
            return 0;
        }
        let ids: std::collections::HashSet<&String> = gone.iter().map(|(_, id)| id).collect();
        self.assignments.retain(|a| !ids.contains(&a.id));
        for (membership, id) in &gone {
            if let Some(list) = self.indexes.assignments_by_membership.get_mut(membership) {
                list.retain(|x| x != id);
                if list.is_empty() {
                    self.indexes.assignments_by_membership.remove(membership);
                }
            }
        }
        gone.len()
    }
}
