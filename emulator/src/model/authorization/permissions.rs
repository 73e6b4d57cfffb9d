//! Permissions: made, changed and deleted (and then taken out of every role), found by slug.

use serde::Deserialize;
use serde_json::Value;

use crate::model::error::{ApiError, ApiResult, double_option, max_len, non_empty};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::{ORGANIZATION_TYPE, Permission, Store};

/// `POST /authorization/permissions`, and a seeded permission.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CreatePermission {
    pub(crate) slug: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    /// The organization's type when absent.
    pub(crate) resource_type_slug: Option<String>,
}

/// `PATCH /authorization/permissions/{slug}`: a `null` description clears it.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct UpdatePermission {
    pub(crate) name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub(crate) description: Option<Option<String>>,
}

/// The document: lowercase letters, numbers, hyphens, underscores, colons, periods, asterisks.
fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_:.*".contains(c))
}

/// An update's new name (not blank) and description: at most the document's lengths.
pub(super) fn check_update(name: Option<&str>, description: Option<&str>) -> ApiResult<()> {
    if let Some(name) = name {
        non_empty("name", name)?;
    }
    max_len("name", name, 48)?;
    max_len("description", description, 150)
}

impl Store {
    /// The permission with `slug`, or WorkOS's 404.
    pub(crate) fn permission(&self, slug: &str) -> ApiResult<&Permission> {
        self.permission_ids
            .get(slug)
            .and_then(|id| self.permissions.find(id))
            .ok_or_else(|| ApiError::not_found("Permission", slug))
    }

    /// 404 unless every slug names a permission.
    pub(crate) fn check_permissions<'a>(&self, slugs: impl IntoIterator<Item = &'a String>) -> ApiResult<()> {
        slugs.into_iter().try_for_each(|s| self.permission(s).map(drop))
    }

    /// Records a new permission (its id the newest), indexed by slug.
    pub(crate) fn insert_permission(&mut self, permission: Permission) {
        self.permission_ids.insert(permission.slug.clone(), permission.id.clone());
        self.permissions.push(permission);
    }

    /// Removes the permission `slug`.
    pub(crate) fn remove_permission(&mut self, slug: &str) {
        if let Some(id) = self.permission_ids.remove(slug) {
            let _ = self.permissions.take(&id);
        }
    }

    /// The page of permissions `query` asks for.
    pub(crate) fn list_permissions(&self, query: &Query) -> Value {
        query.page_sorted(&self.permissions, |p| &p.id)
    }

    /// Creates a permission (`permission.created`): 422 for a slug outside the documented
    /// alphabet or a field too long, 409 `permission_slug_conflict` for a slug in use.
    pub(crate) fn create_permission(&mut self, new: CreatePermission) -> ApiResult<Permission> {
        non_empty("name", &new.name)?;
        max_len("slug", Some(&new.slug), 48)?;
        max_len("name", Some(&new.name), 48)?;
        max_len("description", new.description.as_deref(), 150)?;
        max_len("resource_type_slug", new.resource_type_slug.as_deref(), 48)?;
        if !valid_slug(&new.slug) {
            return Err(ApiError::invalid_field(
                "slug",
                "invalid",
                format!(
                    "slug '{}' must be lowercase letters, numbers, hyphens, underscores, colons, periods or asterisks.",
                    new.slug
                ),
            ));
        }
        if self.permission(&new.slug).is_ok() {
            return Err(ApiError::conflict(
                "permission_slug_conflict",
                format!("A permission with slug '{}' already exists.", new.slug),
            ));
        }
        let at = now();
        let permission = Permission {
            object: "permission",
            id: self.ids.next("perm"),
            slug: new.slug,
            name: new.name,
            description: new.description,
            system: false,
            resource_type_slug: new.resource_type_slug.unwrap_or_else(|| ORGANIZATION_TYPE.to_owned()),
            created_at: at.clone(),
            updated_at: at,
        };
        self.insert_permission(permission.clone());
        self.emit_record("permission.created", &permission);
        Ok(permission)
    }

    /// Changes a permission's name or description (`permission.updated`).
    pub(crate) fn update_permission(
        &mut self,
        slug: &str,
        update: UpdatePermission,
    ) -> ApiResult<Permission> {
        let id = self.permission(slug)?.id.clone();
        check_update(update.name.as_deref(), update.description.as_ref().and_then(Option::as_deref))?;
        let permission = self.permissions.get_mut(&id)?;
        if let Some(name) = update.name {
            permission.name = name;
        }
        if let Some(description) = update.description {
            permission.description = description;
        }
        permission.updated_at = now();
        let permission = permission.clone();
        self.emit_record("permission.updated", &permission);
        Ok(permission)
    }

    /// Deletes a permission (`permission.deleted`) and takes it out of every role.
    pub(crate) fn delete_permission(&mut self, slug: &str) -> ApiResult<Permission> {
        let permission = self.permission(slug)?.clone();
        self.remove_permission(slug);
        self.emit_record("permission.deleted", &permission);
        for role in self.roles.iter_mut().filter(|r| r.permissions.iter().any(|p| p == slug)) {
            role.permissions.retain(|p| p != slug);
            role.updated_at = now();
        }
        Ok(permission)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::authorization::fixtures::{event_names, permission};

    #[test]
    fn slugs_follow_the_documented_alphabet() {
        assert!(valid_slug("documents:read.*_x-1"));
        for bad in ["", "Documents:read", "a b", "a/b"] {
            assert!(!valid_slug(bad), "{bad}");
        }
    }

    #[test]
    fn a_permission_is_created_once_per_slug() {
        let mut store = Store::default();
        let made = store.create_permission(permission("docs:read")).expect("created");
        assert_eq!(
            (made.object, made.resource_type_slug.as_str(), made.system),
            ("permission", "organization", false)
        );
        assert_eq!(store.permission("docs:read").map(|p| p.id.clone()).ok(), Some(made.id));
        let again = store.create_permission(permission("docs:read")).expect_err("taken");
        assert_eq!((again.status.as_u16(), again.code), (409, Some("permission_slug_conflict")));
        let bad = store.create_permission(permission("Docs")).expect_err("upper case");
        assert_eq!((bad.status.as_u16(), bad.errors[0].field.as_str()), (422, "slug"));
        let long = CreatePermission { name: "n".repeat(49), ..permission("docs:write") };
        assert_eq!(store.create_permission(long).expect_err("too long").errors[0].code, "too_long");
        assert_eq!(event_names(&store), ["permission.created"]);
    }

    #[test]
    fn an_update_changes_only_what_it_names() {
        let mut store = Store::default();
        let described = CreatePermission { description: Some("d".into()), ..permission("docs:read") };
        store.create_permission(described).expect("created");
        let renamed = UpdatePermission { name: Some("Read".into()), description: None };
        let p = store.update_permission("docs:read", renamed).expect("updated");
        assert_eq!((p.name.as_str(), p.description.as_deref()), ("Read", Some("d")));
        let cleared = UpdatePermission { name: None, description: Some(None) };
        assert_eq!(store.update_permission("docs:read", cleared).expect("updated").description, None);
        let missing = store.update_permission("nope", UpdatePermission::default()).expect_err("unknown");
        assert_eq!(missing.message, "Permission not found: 'nope'.");
        let empty = UpdatePermission { name: Some(" ".into()), description: None };
        assert_eq!(store.update_permission("docs:read", empty).expect_err("blank").errors[0].field, "name");
        assert_eq!(event_names(&store), ["permission.created", "permission.updated", "permission.updated"]);
    }

    #[test]
    fn a_deleted_permission_leaves_every_role() {
        let mut store = Store::default();
        for slug in ["docs:read", "docs:write"] {
            store.create_permission(permission(slug)).expect("created");
        }
        let role = crate::model::authorization::fixtures::environment_role(&mut store, "editor");
        let all = crate::model::authorization::roles::SetPermissions {
            permissions: vec!["docs:read".into(), "docs:write".into()],
        };
        store.set_role_permissions(None, &role.slug, all).expect("set");
        store.delete_permission("docs:read").expect("deleted");
        assert!(store.permission("docs:read").is_err() && store.permissions.len() == 1);
        assert_eq!(store.environment_role("editor").expect("there").permissions, ["docs:write"]);
        assert_eq!(store.delete_permission("docs:read").expect_err("gone").status.as_u16(), 404);
        assert_eq!(event_names(&store).last().map(String::as_str), Some("permission.deleted"));
    }
}
