//! The emulator's data: records shaped exactly as the document's response schemas.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::ids::{IdGen, now};

/// The role a membership gets when none is given, and reports when it has none left.
pub(crate) const DEFAULT_ROLE: &str = "member";

/// The resource type of an organization's own resource (the root of its resource tree).
pub(crate) const ORGANIZATION_TYPE: &str = "organization";

/// `AuthorizationPermission`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Permission {
    pub(crate) object: &'static str,
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
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Role {
    pub(crate) object: &'static str,
    pub(crate) id: String,
    pub(crate) slug: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    pub(crate) resource_type_slug: String,
    pub(crate) permissions: Vec<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    #[serde(skip)]
    pub(crate) organization_id: Option<String>,
}

/// An item of `Organization.domains`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Domain {
    pub(crate) object: &'static str,
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) domain: String,
    pub(crate) state: String,
    pub(crate) verification_strategy: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) verification_prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) verification_token: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `Organization`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Organization {
    pub(crate) object: &'static str,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) domains: Vec<Domain>,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) external_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) stripe_customer_id: Option<String>,
    pub(crate) allow_profiles_outside_organization: bool,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `UserlandUser`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct User {
    pub(crate) object: &'static str,
    pub(crate) id: String,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) profile_picture_url: Option<String>,
    pub(crate) email: String,
    pub(crate) email_verified: bool,
    pub(crate) external_id: Option<String>,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) last_sign_in_at: Option<String>,
    pub(crate) locale: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// An organization membership; its answer (`UserlandUserOrganizationMembership`) embeds the user,
/// the organization's name and the primary role, see [`Store::membership_json`].
#[derive(Debug, Clone)]
pub(crate) struct Membership {
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) organization_id: String,
    pub(crate) status: &'static str,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `RoleAssignment.resource`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct ResourceRef {
    pub(crate) id: String,
    pub(crate) external_id: String,
    pub(crate) resource_type_slug: String,
}

/// `RoleAssignment.role` (`SlimRole`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct SlimRole {
    pub(crate) slug: String,
}

/// `RoleAssignment`. The API also sends `organization_membership_id` and `source` (newer
/// documents require them, and current SDKs read them), so the emulator does too.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Assignment {
    pub(crate) object: &'static str,
    pub(crate) id: String,
    #[serde(rename = "organization_membership_id")]
    pub(crate) membership_id: String,
    pub(crate) role: SlimRole,
    pub(crate) resource: ResourceRef,
    pub(crate) source: AssignmentSource,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `RoleAssignment.source`: every assignment the emulator makes is direct (it has no groups).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AssignmentSource {
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    pub(crate) group_role_assignment_id: Option<String>,
}

impl AssignmentSource {
    pub(crate) const DIRECT: Self = Self { kind: "direct", group_role_assignment_id: None };
}

/// `AuthorizationResource`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Resource {
    pub(crate) object: &'static str,
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

/// `Directory` (directory sync): read only, seeded.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Directory {
    pub(crate) object: &'static str,
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) external_key: String,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) state: &'static str,
    pub(crate) name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) domain: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `DirectoryGroup`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DirectoryGroup {
    pub(crate) object: &'static str,
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
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DirectoryUser {
    pub(crate) object: &'static str,
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
    #[serde(skip)]
    pub(crate) group_ids: Vec<String>,
}

/// The record with `id` in `records`, by binary search: every collection is kept in creation
/// order, which is id order (ids increase strictly, see `ids`), so lookups by id cost O(log n).
pub(crate) fn by_id<'a, T>(records: &'a [T], id: &str, key: impl Fn(&T) -> &String) -> Option<&'a T> {
    records.binary_search_by(|r| key(r).as_str().cmp(id)).ok().map(|i| &records[i])
}

/// Everything the emulator holds. Collections are kept in creation order, which is id order.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub(crate) ids: IdGen,
    pub(crate) permissions: Vec<Permission>,
    /// Permission ids by slug.
    pub(crate) permission_ids: std::collections::HashMap<String, String>,
    pub(crate) roles: Vec<Role>,
    pub(crate) organizations: Vec<Organization>,
    pub(crate) users: Vec<User>,
    pub(crate) memberships: Vec<Membership>,
    pub(crate) assignments: Vec<Assignment>,
    pub(crate) resources: Vec<Resource>,
    /// Passwords of users created with one, by user id.
    pub(crate) passwords: BTreeMap<String, String>,
    /// Authorization codes not yet exchanged (single use, ten minutes).
    pub(crate) auth_codes: Vec<AuthCode>,
    /// Sessions by refresh token (rotated at each refresh).
    pub(crate) auth_sessions: Vec<AuthSession>,
    /// Directory sync, seeded: directories, their groups and users.
    pub(crate) directories: Vec<Directory>,
    pub(crate) directory_groups: Vec<DirectoryGroup>,
    pub(crate) directory_users: Vec<DirectoryUser>,
    /// The events the writes above produced.
    pub(crate) events: crate::events::Events,
}

/// An authorization code from `GET /user_management/authorize`.
#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub(crate) code: String,
    pub(crate) client_id: String,
    pub(crate) user_id: String,
    pub(crate) organization_id: Option<String>,
    /// The PKCE S256 challenge, when the URL had one.
    pub(crate) challenge: Option<String>,
    /// Seconds since the epoch.
    pub(crate) expires_at: u64,
}

/// A signed-in session: what its refresh token stands for.
#[derive(Debug, Clone)]
pub(crate) struct AuthSession {
    pub(crate) id: String,
    pub(crate) client_id: String,
    pub(crate) user_id: String,
    pub(crate) organization_id: Option<String>,
    pub(crate) refresh_token: String,
}

impl Store {
    /// A copy of the data, for [`crate::Snapshot`]: everything but the webhook endpoints.
    pub(crate) fn copy(&self) -> Self {
        Self {
            ids: self.ids.clone(),
            permissions: self.permissions.clone(),
            permission_ids: self.permission_ids.clone(),
            roles: self.roles.clone(),
            organizations: self.organizations.clone(),
            users: self.users.clone(),
            memberships: self.memberships.clone(),
            assignments: self.assignments.clone(),
            resources: self.resources.clone(),
            passwords: self.passwords.clone(),
            auth_codes: self.auth_codes.clone(),
            auth_sessions: self.auth_sessions.clone(),
            directories: self.directories.clone(),
            directory_groups: self.directory_groups.clone(),
            directory_users: self.directory_users.clone(),
            events: self.events.copy_log(),
        }
    }

    /// Puts back the data of `copy`. Ids keep increasing (no id is issued twice) and the
    /// webhook endpoints stay.
    pub(crate) fn restore(&mut self, copy: &Self) {
        let Self {
            permissions,
            permission_ids,
            roles,
            organizations,
            users,
            memberships,
            assignments,
            resources,
            passwords,
            auth_codes,
            auth_sessions,
            directories,
            directory_groups,
            directory_users,
            events,
            ids: _,
        } = copy;
        self.directories = directories.clone();
        self.directory_groups = directory_groups.clone();
        self.directory_users = directory_users.clone();
        self.permissions = permissions.clone();
        self.permission_ids = permission_ids.clone();
        self.roles = roles.clone();
        self.organizations = organizations.clone();
        self.users = users.clone();
        self.memberships = memberships.clone();
        self.assignments = assignments.clone();
        self.resources = resources.clone();
        self.passwords = passwords.clone();
        self.auth_codes = auth_codes.clone();
        self.auth_sessions = auth_sessions.clone();
        self.events.restore_log(events);
    }

    /// A directory user's answer: the record with its groups.
    pub(crate) fn directory_user_json(&self, u: &DirectoryUser) -> Value {
        let mut v = serde_json::to_value(u).unwrap_or(Value::Null);
        let groups: Vec<&DirectoryGroup> =
            self.directory_groups.iter().filter(|g| u.group_ids.contains(&g.id)).collect();
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

    /// Records event `name` with `data` (and queues it for the webhook endpoints).
    pub(crate) fn emit(&mut self, name: &str, data: Value) {
        self.events.emit(&mut self.ids, name, data);
    }

    /// [`Store::emit`] with the JSON of a record.
    pub(crate) fn emit_record(&mut self, name: &str, record: &impl Serialize) {
        let data = serde_json::to_value(record).unwrap_or(Value::Null);
        self.emit(name, data);
    }

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

    /// Drops the authorization codes that expired before `now` (seconds since the epoch).
    pub(crate) fn expire_codes(&mut self, now: u64) {
        self.auth_codes.retain(|c| c.expires_at > now);
    }

    pub(crate) fn permission(&self, slug: &str) -> ApiResult<&Permission> {
        self.permission_ids
            .get(slug)
            .and_then(|id| by_id(&self.permissions, id, |p| &p.id))
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

    pub(crate) fn organization(&self, id: &str) -> ApiResult<&Organization> {
        by_id(&self.organizations, id, |o| &o.id).ok_or_else(|| ApiError::not_found("Organization", id))
    }

    pub(crate) fn user(&self, id: &str) -> ApiResult<&User> {
        by_id(&self.users, id, |u| &u.id).ok_or_else(|| ApiError::not_found("User", id))
    }

    pub(crate) fn membership(&self, id: &str) -> ApiResult<&Membership> {
        by_id(&self.memberships, id, |m| &m.id)
            .ok_or_else(|| ApiError::not_found("Organization membership", id))
    }

    pub(crate) fn resource(&self, id: &str) -> ApiResult<&Resource> {
        by_id(&self.resources, id, |r| &r.id).ok_or_else(|| ApiError::not_found("Resource", id))
    }

    /// A resource of `organization_id` by its type and external id.
    pub(crate) fn resource_by_external(
        &self,
        org: &str,
        kind: &str,
        external_id: &str,
    ) -> ApiResult<&Resource> {
        self.resources
            .iter()
            .find(|r| {
                r.organization_id == org && r.resource_type_slug == kind && r.external_id == external_id
            })
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

    /// `UserlandUserOrganizationMembership`: the membership with its user, organization name
    /// and primary role (the first role assigned on the organization itself).
    pub(crate) fn membership_json(&self, m: &Membership) -> Value {
        let user = by_id(&self.users, &m.user_id, |u| &u.id);
        let org_name = by_id(&self.organizations, &m.organization_id, |o| &o.id).map(|o| o.name.clone());
        let root = self.organization_resource(&m.organization_id).ok().map(|r| r.id.clone());
        let primary = self
            .assignments
            .iter()
            .find(|a| a.membership_id == m.id && Some(&a.resource.id) == root.as_ref())
            .or_else(|| self.assignments.iter().find(|a| a.membership_id == m.id))
            .map(|a| a.role.slug.clone())
            // Every membership has a role: with its assignments gone, the default one.
            .unwrap_or_else(|| DEFAULT_ROLE.to_owned());
        json!({
            "object": "organization_membership",
            "id": m.id,
            "user_id": m.user_id,
            "organization_id": m.organization_id,
            "status": m.status,
            "directory_managed": false,
            "organization_name": org_name,
            "custom_attributes": {},
            "created_at": m.created_at,
            "updated_at": m.updated_at,
            "role": { "slug": primary },
            "user": user,
        })
    }

    /// Whether the membership holds `permission` on `resource`: through a role assigned on the
    /// resource, on one of its ancestors, or on the organization itself.
    pub(crate) fn authorized(&self, m: &Membership, permission: &str, resource: &Resource) -> bool {
        let mut chain = vec![resource.id.clone()];
        let mut parent = resource.parent_resource_id.clone();
        while let Some(id) = parent.take() {
            if chain.contains(&id) {
                break;
            }
            parent = self.resources.iter().find(|r| r.id == id).and_then(|r| r.parent_resource_id.clone());
            chain.push(id);
        }
        if let Ok(root) = self.organization_resource(&m.organization_id) {
            chain.push(root.id.clone());
        }
        self.assignments
            .iter()
            .filter(|a| a.membership_id == m.id && chain.contains(&a.resource.id))
            .filter_map(|a| self.role_for(&m.organization_id, &a.role.slug).ok())
            .any(|role| role.permissions.iter().any(|p| p == permission))
    }

    /// Creates an organization and the resource that stands for it.
    pub(crate) fn insert_organization(&mut self, org: Organization) -> &Organization {
        let at = now();
        let resource = Resource {
            object: "authorization_resource",
            name: org.name.clone(),
            description: None,
            organization_id: org.id.clone(),
            parent_resource_id: None,
            id: self.ids.next("authz_resource"),
            external_id: org.id.clone(),
            resource_type_slug: ORGANIZATION_TYPE.to_owned(),
            created_at: at.clone(),
            updated_at: at,
        };
        self.resources.push(resource);
        self.organizations.push(org);
        self.organizations.last().expect("just pushed")
    }

    /// Assigns `role` to a membership on `resource`, unless it already is (then returns that).
    pub(crate) fn assign(&mut self, membership_id: &str, role: &str, resource: ResourceRef) -> Assignment {
        if let Some(a) = self
            .assignments
            .iter()
            .find(|a| a.membership_id == membership_id && a.role.slug == role && a.resource == resource)
        {
            return a.clone();
        }
        let at = now();
        let a = Assignment {
            object: "role_assignment",
            id: self.ids.next("role_assignment"),
            role: SlimRole { slug: role.to_owned() },
            resource,
            source: AssignmentSource::DIRECT,
            created_at: at.clone(),
            updated_at: at,
            membership_id: membership_id.to_owned(),
        };
        self.assignments.push(a.clone());
        a
    }

    /// Removes an organization and everything that belongs to it.
    pub(crate) fn remove_organization(&mut self, id: &str) {
        let members: Vec<String> =
            self.memberships.iter().filter(|m| m.organization_id == id).map(|m| m.id.clone()).collect();
        self.assignments.retain(|a| !members.contains(&a.membership_id));
        self.memberships.retain(|m| m.organization_id != id);
        self.roles.retain(|r| r.organization_id.as_deref() != Some(id));
        self.resources.retain(|r| r.organization_id != id);
        self.organizations.retain(|o| o.id != id);
    }

    /// Removes a user and their memberships.
    pub(crate) fn remove_user(&mut self, id: &str) {
        let members: Vec<String> =
            self.memberships.iter().filter(|m| m.user_id == id).map(|m| m.id.clone()).collect();
        self.assignments.retain(|a| !members.contains(&a.membership_id));
        self.memberships.retain(|m| m.user_id != id);
        self.users.retain(|u| u.id != id);
    }
}

/// Data to load into a new emulator (see [`crate::Builder::seed`]); also read from JSON by the
/// binary's `--seed FILE`. Seeding goes through the same rules as the API (unique slugs,
/// existing permissions).
///
/// Build one with `..Seed::default()` after the fields you set, so a field added later
/// (like `directories`) does not break your code; or load it from JSON or YAML.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// Permissions to create.
    #[serde(default)]
    pub permissions: Vec<SeedPermission>,
    /// Environment roles to create, with their permission slugs.
    #[serde(default)]
    pub environment_roles: Vec<SeedRole>,
    /// Organizations to create, by name.
    #[serde(default)]
    pub organizations: Vec<String>,
    /// Users to create (with a password, they can sign in with the password grant), and their
    /// memberships in the organizations above.
    #[serde(default)]
    pub users: Vec<SeedUser>,
    /// Directories (directory sync) of the organizations above, with their groups and users.
    #[serde(default)]
    pub directories: Vec<SeedDirectory>,
}

/// A directory of a [`Seed`]: served read-only by the directory-sync endpoints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct SeedDirectory {
    /// Its name.
    pub name: String,
    /// The organization of the seed (by name) it belongs to.
    pub organization: String,
    /// The provider type, one of the document's (default `generic scim v2.0`).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Its domain.
    #[serde(default)]
    pub domain: Option<String>,
    /// Group names.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Users, each in some of the groups above.
    #[serde(default)]
    pub users: Vec<SeedDirectoryUser>,
}

/// A user of a [`SeedDirectory`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct SeedDirectoryUser {
    /// Their email.
    pub email: String,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// `active` (default), `suspended` or `inactive`.
    #[serde(default)]
    pub state: Option<String>,
    /// Names of the directory's groups they are in.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Custom attributes, as the provider maps them.
    #[serde(default)]
    pub custom_attributes: BTreeMap<String, Value>,
}

impl Eq for SeedDirectoryUser {}

/// A user of a [`Seed`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct SeedUser {
    /// Their email.
    pub email: String,
    /// A password for `authenticate`'s password grant.
    #[serde(default)]
    pub password: Option<String>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Memberships: an organization of the seed (by name) and the role slug there.
    #[serde(default)]
    pub memberships: Vec<SeedMembership>,
}

impl SeedUser {
    /// A user with `email` and nothing else.
    pub fn new(email: impl Into<String>) -> Self {
        SeedUser { email: email.into(), ..Self::default() }
    }
    /// With a password.
    #[must_use]
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }
    /// A member of organization `organization` (by name) with `role`.
    #[must_use]
    pub fn member_of(mut self, organization: impl Into<String>, role: impl Into<String>) -> Self {
        self.memberships.push(SeedMembership { organization: organization.into(), role: role.into() });
        self
    }
}

/// A membership of a [`SeedUser`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SeedMembership {
    /// The organization's name (one of the seed's).
    pub organization: String,
    /// The role slug (default `member`).
    #[serde(default = "member")]
    pub role: String,
}

fn member() -> String {
    "member".to_owned()
}

/// A permission in a [`Seed`].
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SeedPermission {
    /// Unique slug, e.g. `posts:read`.
    pub slug: String,
    /// Display name.
    pub name: String,
}

/// An environment role in a [`Seed`].
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SeedRole {
    /// Unique slug, e.g. `admin`.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Slugs of permissions in the same seed (or created earlier).
    #[serde(default)]
    pub permissions: Vec<String>,
}

impl Seed {
    /// What every WorkOS environment starts with: the `member` environment role, which new
    /// organization memberships get by default.
    pub fn workos_default() -> Self {
        Self {
            environment_roles: vec![SeedRole {
                slug: "member".to_owned(),
                name: "Member".to_owned(),
                permissions: Vec::new(),
            }],
            ..Self::default()
        }
    }
}
