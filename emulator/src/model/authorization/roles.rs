//! Environment roles and organization (custom) roles, with their permissions. An operation on
//! a role names its organization (`Some`: an organization's own role) or none (an environment
//! role).

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::permissions::check_update;
use crate::model::error::{ApiError, ApiResult, double_option, max_len, non_empty};
use crate::model::ids::{now, suffix};
use crate::model::{ORGANIZATION_TYPE, Role, Store};

/// `POST /authorization/roles` (the slug is required) and
/// `POST /authorization/organizations/{id}/roles` (a slug is made from the name when absent).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CreateRole {
    pub(crate) slug: Option<String>,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    /// The organization's type when absent.
    pub(crate) resource_type_slug: Option<String>,
}

/// `PATCH` of a role: a `null` description clears it.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct UpdateRole {
    pub(crate) name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub(crate) description: Option<Option<String>>,
}

/// `POST .../roles/{slug}/permissions`: one more permission.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct AddPermission {
    pub(crate) slug: String,
}

/// `PUT .../roles/{slug}/permissions`: the role's permissions, replaced.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct SetPermissions {
    pub(crate) permissions: Vec<String>,
}

/// The roles lists answer: every role, no pages.
#[derive(Debug, Serialize)]
pub(crate) struct RoleList<'a> {
    object: &'static str,
    pub(crate) data: Vec<&'a Role>,
}

impl<'a> RoleList<'a> {
    fn of(roles: impl Iterator<Item = &'a Role>) -> Self {
        Self { object: "list", data: roles.collect() }
    }
}

/// Lowercase letters, digits, `-` and `_`, at least one.
fn slug_chars(slug: &str) -> bool {
    !slug.is_empty()
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// An environment role's slug: the characters of an organization role's, without its `org-`.
fn valid_environment_slug(slug: &str) -> bool {
    slug_chars(slug) && !slug.starts_with("org-")
}

/// An organization role's slug: `org-` then lowercase letters, digits, `-` and `_`.
fn valid_custom_slug(slug: &str) -> bool {
    slug.strip_prefix("org-").is_some_and(slug_chars)
}

/// An organization role's slug made from its name: `org-`, the name's letters and digits
/// (other characters as one `-`), a random suffix.
fn slug_from_name(name: &str) -> String {
    let mut slug = String::from("org-");
    for c in name.chars() {
        match c {
            'a'..='z' | '0'..='9' => slug.push(c),
            'A'..='Z' => slug.push(c.to_ascii_lowercase()),
            _ if !slug.ends_with('-') => slug.push('-'),
            _ => {}
        }
    }
    slug.truncate(40);
    if !slug.ends_with('-') {
        slug.push('-');
    }
    slug + &suffix()
}

/// The lengths the document allows a new role's fields (a name is required).
fn validate(slug: Option<&str>, new: &CreateRole) -> ApiResult<()> {
    non_empty("name", &new.name)?;
    max_len("slug", slug, 48)?;
    max_len("name", Some(&new.name), 48)?;
    max_len("description", new.description.as_deref(), 150)?;
    max_len("resource_type_slug", new.resource_type_slug.as_deref(), 48)
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

    /// A role visible to an organization, the organization's 404 first.
    pub(crate) fn organization_role(&self, org: &str, slug: &str) -> ApiResult<&Role> {
        self.organization(org)?;
        self.role_for(org, slug)
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

    /// Index of organization `org`'s own role, or of an environment role (`org` `None`): the
    /// roles a change can name.
    pub(crate) fn role_index(&self, org: Option<&str>, slug: &str) -> ApiResult<usize> {
        match org {
            Some(org) => self.custom_role_index(org, slug),
            None => self.environment_role_index(slug),
        }
    }

    /// Every environment role.
    pub(crate) fn environment_roles(&self) -> RoleList<'_> {
        RoleList::of(self.roles.iter().filter(|r| r.organization_id.is_none()))
    }

    /// The roles available to an organization: environment roles, then its own.
    pub(crate) fn organization_role_list(&self, org: &str) -> ApiResult<RoleList<'_>> {
        self.organization(org)?;
        Ok(RoleList::of(self.organization_roles(org)))
    }

    /// Creates an environment role (`role.created`): 422 without a slug or with one outside
    /// the documented format, 409 `role_slug_conflict` for a slug in use.
    pub(crate) fn create_environment_role(&mut self, new: CreateRole) -> ApiResult<Role> {
        let Some(slug) = new.slug.clone() else {
            return Err(ApiError::invalid_field("slug", "required", "slug is required."));
        };
        non_empty("slug", &slug)?;
        validate(Some(&slug), &new)?;
        if !valid_environment_slug(&slug) {
            return Err(ApiError::invalid_field(
                "slug",
                "invalid",
                format!(
                    "slug '{slug}' must contain only lowercase letters, numbers, hyphens and underscores, and not begin with 'org-' (organization roles' prefix)."
                ),
            ));
        }
        if self.environment_role(&slug).is_ok() {
            return Err(ApiError::conflict(
                "role_slug_conflict",
                format!("A role with slug '{slug}' already exists."),
            ));
        }
        let role = self.new_role(slug, new, None);
        self.emit_record("role.created", &role);
        Ok(role)
    }

    /// Creates an organization's own role (`organization_role.created`), its slug made from
    /// its name when absent: 422 for a slug without `org-`, 409
    /// `organization_role_slug_conflict` for one the organization sees already.
    pub(crate) fn create_organization_role(&mut self, org: &str, new: CreateRole) -> ApiResult<Role> {
        self.organization(org)?;
        validate(new.slug.as_deref(), &new)?;
        let slug = match &new.slug {
            Some(slug) if !valid_custom_slug(slug) => {
                return Err(ApiError::invalid_field(
                    "slug",
                    "invalid",
                    format!(
                        "slug '{slug}' must begin with 'org-' and contain only lowercase letters, numbers, hyphens and underscores."
                    ),
                ));
            }
            Some(slug) => slug.clone(),
            None => slug_from_name(&new.name),
        };
        if self.role_for(org, &slug).is_ok() {
            return Err(ApiError::conflict(
                "organization_role_slug_conflict",
                format!("A role with slug '{slug}' already exists in organization '{org}'."),
            ));
        }
        let role = self.new_role(slug, new, Some(org.to_owned()));
        self.organization_role_event("organization_role.created", &role);
        Ok(role)
    }

    /// Records a new role (no permissions yet).
    fn new_role(&mut self, slug: String, new: CreateRole, organization_id: Option<String>) -> Role {
        let at = now();
        let role = Role {
            object: "role",
            id: self.ids.next("role"),
            slug,
            name: new.name,
            description: new.description,
            kind: if organization_id.is_some() { "OrganizationRole" } else { "EnvironmentRole" },
            resource_type_slug: new.resource_type_slug.unwrap_or_else(|| ORGANIZATION_TYPE.to_owned()),
            permissions: Vec::new(),
            created_at: at.clone(),
            updated_at: at,
            organization_id,
        };
        self.roles.push(role.clone());
        role
    }

    /// Changes a role's name or description (`role.updated`, or `organization_role.updated`).
    pub(crate) fn update_role(
        &mut self,
        org: Option<&str>,
        slug: &str,
        update: UpdateRole,
    ) -> ApiResult<Role> {
        let index = self.role_index(org, slug)?;
        check_update(update.name.as_deref(), update.description.as_ref().and_then(Option::as_deref))?;
        let role = &mut self.roles[index];
        if let Some(name) = update.name {
            role.name = name;
        }
        if let Some(description) = update.description {
            role.description = description;
        }
        role.updated_at = now();
        let role = role.clone();
        match org {
            Some(_) => self.organization_role_event("organization_role.updated", &role),
            None => self.emit_record("role.updated", &role),
        }
        Ok(role)
    }

    /// Gives a role one more permission (one it has already changes nothing).
    pub(crate) fn add_role_permission(
        &mut self,
        org: Option<&str>,
        slug: &str,
        add: AddPermission,
    ) -> ApiResult<Role> {
        let index = self.role_index(org, slug)?;
        self.permission(&add.slug)?;
        let role = &mut self.roles[index];
        if !role.permissions.contains(&add.slug) {
            role.permissions.push(add.slug);
            role.updated_at = now();
        }
        Ok(role.clone())
    }

    /// Replaces a role's permissions (each once, in the order given).
    pub(crate) fn set_role_permissions(
        &mut self,
        org: Option<&str>,
        slug: &str,
        set: SetPermissions,
    ) -> ApiResult<Role> {
        let index = self.role_index(org, slug)?;
        self.check_permissions(&set.permissions)?;
        let role = &mut self.roles[index];
        role.permissions = Vec::new();
        for slug in set.permissions {
            if !role.permissions.contains(&slug) {
                role.permissions.push(slug);
            }
        }
        role.updated_at = now();
        Ok(role.clone())
    }

    /// Takes a permission from an organization's own role (404 when the role lacks it).
    pub(crate) fn remove_role_permission(
        &mut self,
        org: &str,
        slug: &str,
        permission: &str,
    ) -> ApiResult<Role> {
        let index = self.custom_role_index(org, slug)?;
        let role = &mut self.roles[index];
        let Some(at) = role.permissions.iter().position(|p| p == permission) else {
            return Err(ApiError::not_found("Permission on role", permission));
        };
        role.permissions.remove(at);
        role.updated_at = now();
        Ok(role.clone())
    }

    /// Deletes an organization's own role (`organization_role.deleted`); 409
    /// `role_has_assignments` while a membership of the organization holds it.
    pub(crate) fn delete_organization_role(&mut self, org: &str, slug: &str) -> ApiResult<Role> {
        let index = self.custom_role_index(org, slug)?;
        let assigned = self
            .membership_ids(false, org)
            .iter()
            .any(|m| self.assignments_of(m).any(|a| a.role.slug == slug));
        if assigned {
            return Err(ApiError::conflict(
                "role_has_assignments",
                format!(
                    "Role '{slug}' is assigned to organization memberships; remove the assignments first."
                ),
            ));
        }
        let role = self.roles.remove(index);
        self.organization_role_event("organization_role.deleted", &role);
        Ok(role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::authorization::fixtures::{Org, environment_role, event_names, permission};

    #[test]
    fn custom_slugs_follow_the_documented_format() {
        assert!(valid_custom_slug("org-billing_admin-2"));
        assert!(valid_environment_slug("billing_admin-2") && valid_environment_slug("member"));
        for bad in ["Billing", "billing admin", "org-billing", "billing\0", "", "émile"] {
            assert!(!valid_environment_slug(bad), "{bad:?}");
        }
        for bad in ["billing", "org-", "org-Billing", "org-a b"] {
            assert!(!valid_custom_slug(bad), "{bad}");
        }
        let generated = slug_from_name("Billing Admin!");
        assert!(generated.starts_with("org-billing-admin-") && valid_custom_slug(&generated), "{generated}");
    }

    #[test]
    fn an_environment_role_needs_a_free_slug_of_its_format() {
        let mut store = Store::default();
        let role = environment_role(&mut store, "editor");
        assert_eq!((role.kind, role.resource_type_slug.as_str()), ("EnvironmentRole", "organization"));
        let missing = CreateRole { name: "X".into(), ..CreateRole::default() };
        let e = store.create_environment_role(missing).expect_err("no slug");
        assert_eq!((e.errors[0].field.as_str(), e.errors[0].code), ("slug", "required"));
        let prefixed = CreateRole { slug: Some("org-x".into()), name: "X".into(), ..CreateRole::default() };
        assert_eq!(
            store.create_environment_role(prefixed).expect_err("org- prefix").errors[0].code,
            "invalid"
        );
        let again = CreateRole { slug: Some("editor".into()), name: "X".into(), ..CreateRole::default() };
        let e = store.create_environment_role(again).expect_err("taken");
        assert_eq!((e.status.as_u16(), e.code), (409, Some("role_slug_conflict")));
        assert_eq!(store.environment_roles().data.len(), 1);
        assert_eq!(event_names(&store), ["role.created"]);
    }

    #[test]
    fn an_organization_role_is_named_after_its_name_and_seen_by_its_organization_only() {
        let mut store = Store::default();
        let (org, other) = (Org::new(&mut store), Org::new(&mut store));
        environment_role(&mut store, "member");
        let named = CreateRole { name: "Billing Admin".into(), ..CreateRole::default() };
        let role = store.create_organization_role(&org.id, named).expect("created");
        assert!(
            role.slug.starts_with("org-billing-admin-") && role.kind == "OrganizationRole",
            "{}",
            role.slug
        );
        let slugs = |store: &Store, org: &str| {
            store
                .organization_role_list(org)
                .expect("org")
                .data
                .iter()
                .map(|r| r.slug.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(slugs(&store, &org.id), ["member".to_owned(), role.slug.clone()]);
        assert_eq!(slugs(&store, &other.id), ["member"]);
        let clash =
            CreateRole { slug: Some(role.slug.clone()), name: "Again".into(), ..CreateRole::default() };
        let e = store.create_organization_role(&org.id, clash).expect_err("taken");
        assert_eq!(e.code, Some("organization_role_slug_conflict"));
        let e = store.create_organization_role("org_missing", CreateRole::default()).expect_err("no org");
        assert_eq!(e.message, "Organization not found: 'org_missing'.");
        assert_eq!(event_names(&store), ["role.created", "organization_role.created"]);
    }

    #[test]
    fn a_role_held_by_a_member_cannot_be_deleted() {
        let mut store = Store::default();
        let org = Org::new(&mut store);
        let new = CreateRole { slug: Some("org-ops".into()), name: "Ops".into(), ..CreateRole::default() };
        store.create_organization_role(&org.id, new).expect("created");
        let member = org.member(&mut store, "a@x.test");
        let root = store.organization_resource(&org.id).expect("root").as_ref();
        let held = store.assign(&member, "org-ops", root);
        let e = store.delete_organization_role(&org.id, "org-ops").expect_err("held");
        assert_eq!((e.status.as_u16(), e.code), (409, Some("role_has_assignments")));
        store.remove_assignments(|a| a.id == held.id);
        assert_eq!(store.delete_organization_role(&org.id, "org-ops").expect("deleted").slug, "org-ops");
        let e = store.delete_organization_role(&org.id, "org-ops").expect_err("gone");
        assert_eq!(e.message, "Organization role not found: 'org-ops'.");
        assert_eq!(event_names(&store), ["organization_role.created", "organization_role.deleted"]);
    }

    #[test]
    fn a_roles_permissions_are_added_replaced_and_removed() {
        let mut store = Store::default();
        let org = Org::new(&mut store);
        for slug in ["a:read", "a:write"] {
            store.create_permission(permission(slug)).expect("permission");
        }
        let new = CreateRole { slug: Some("org-ops".into()), name: "Ops".into(), ..CreateRole::default() };
        store.create_organization_role(&org.id, new).expect("created");
        let at = Some(org.id.as_str());
        let add = |s: &str| AddPermission { slug: s.into() };
        store.add_role_permission(at, "org-ops", add("a:read")).expect("added");
        let role = store.add_role_permission(at, "org-ops", add("a:read")).expect("again");
        assert_eq!(role.permissions, ["a:read"]);
        let e = store.add_role_permission(at, "org-ops", add("a:none")).expect_err("unknown permission");
        assert_eq!(e.message, "Permission not found: 'a:none'.");
        let set = SetPermissions { permissions: vec!["a:write".into(), "a:read".into(), "a:write".into()] };
        assert_eq!(
            store.set_role_permissions(at, "org-ops", set).expect("set").permissions,
            ["a:write", "a:read"]
        );
        let role = store.remove_role_permission(&org.id, "org-ops", "a:write").expect("removed");
        assert_eq!(role.permissions, ["a:read"]);
        let e = store.remove_role_permission(&org.id, "org-ops", "a:write").expect_err("not on it");
        assert_eq!(e.message, "Permission on role not found: 'a:write'.");
        let e =
            store.add_role_permission(None, "org-ops", add("a:read")).expect_err("not an environment role");
        assert_eq!(e.message, "Role not found: 'org-ops'.");
    }

    #[test]
    fn an_update_emits_the_event_of_the_roles_kind() {
        let mut store = Store::default();
        let org = Org::new(&mut store);
        environment_role(&mut store, "editor");
        let new = CreateRole { slug: Some("org-ops".into()), name: "Ops".into(), ..CreateRole::default() };
        store.create_organization_role(&org.id, new).expect("created");
        let rename = |name: &str| UpdateRole { name: Some(name.into()), description: None };
        assert_eq!(store.update_role(None, "editor", rename("Editors")).expect("updated").name, "Editors");
        store.update_role(Some(&org.id), "org-ops", rename("Operators")).expect("updated");
        let e = store.update_role(Some(&org.id), "editor", rename("No")).expect_err("not the org's own");
        assert_eq!(e.status.as_u16(), 404);
        let names = event_names(&store);
        assert_eq!(names[2..], ["role.updated", "organization_role.updated"]);
        assert_eq!(store.events.log.back().expect("event")["data"]["object"], "organization_role");
    }
}
