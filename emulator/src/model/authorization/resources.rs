//! Resources: an organization's tree of things roles are assigned on, each named by id or by
//! its type and external id. The organization's own resource is its root.

use serde::Deserialize;
use serde_json::Value;

use crate::model::error::{ApiError, ApiResult, double_option, max_len, non_empty};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::{ORGANIZATION_TYPE, Resource, Store};

/// A resource of a known organization, named by id or by type and external id.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ResourceName<'a> {
    Id(&'a str),
    External { kind: &'a str, external_id: &'a str },
}

/// A resource a request names either by id or by type and external id; the two are mutually
/// exclusive.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Target {
    pub(crate) resource_id: Option<String>,
    pub(crate) resource_external_id: Option<String>,
    pub(crate) resource_type_slug: Option<String>,
}

impl Target {
    /// Whether it names no resource at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.resource_id.is_none() && self.resource_external_id.is_none() && self.resource_type_slug.is_none()
    }

    /// The resource, looked up within organization `org`.
    pub(crate) fn resolve<'s>(&self, store: &'s Store, org: &str) -> ApiResult<&'s Resource> {
        match (&self.resource_id, &self.resource_external_id, &self.resource_type_slug) {
            (Some(id), None, None) => store.resource_named(org, ResourceName::Id(id)),
            (None, Some(ext), Some(kind)) => {
                store.resource_named(org, ResourceName::External { kind, external_id: ext })
            }
            (Some(_), _, _) => Err(ApiError::invalid_field(
                "resource_id",
                "mutually_exclusive",
                "resource_id is mutually exclusive with resource_external_id and resource_type_slug.",
            )),
            (None, None, None) => Err(ApiError::invalid_field(
                "resource_id",
                "required",
                "resource_id, or resource_external_id with resource_type_slug, is required.",
            )),
            (None, _, _) => Err(ApiError::invalid_field(
                "resource_external_id",
                "required",
                "resource_external_id and resource_type_slug are required together.",
            )),
        }
    }
}

/// `POST /authorization/resources`: a parent by id (`null`: none) or by type and external id.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CreateResource {
    pub(crate) external_id: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) resource_type_slug: String,
    pub(crate) organization_id: String,
    #[serde(default, deserialize_with = "double_option")]
    pub(crate) parent_resource_id: Option<Option<String>>,
    pub(crate) parent_resource_external_id: Option<String>,
    pub(crate) parent_resource_type_slug: Option<String>,
}

/// `PATCH` of a resource: what it names changes; a `null` description or parent clears it.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct UpdateResource {
    pub(crate) name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub(crate) description: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub(crate) parent_resource_id: Option<Option<String>>,
    pub(crate) parent_resource_external_id: Option<String>,
    pub(crate) parent_resource_type_slug: Option<String>,
}

/// The `cascade_delete` of a resource's delete: `true` or `false` (the default).
pub(crate) fn cascade_delete(query: &Query) -> ApiResult<bool> {
    match query.get("cascade_delete") {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::invalid_field(
            "cascade_delete",
            "invalid",
            format!("cascade_delete must be true or false, got '{other}'."),
        )),
    }
}

impl Store {
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

    /// [`Store::resource_by_external`], the organization's 404 first.
    pub(crate) fn external_resource(&self, org: &str, kind: &str, external_id: &str) -> ApiResult<&Resource> {
        self.organization(org)?;
        self.resource_by_external(org, kind, external_id)
    }

    /// A resource of organization `org` (another organization's is a 404).
    pub(crate) fn resource_named(&self, org: &str, name: ResourceName<'_>) -> ApiResult<&Resource> {
        match name {
            ResourceName::Id(id) => {
                let r = self.resource(id)?;
                if r.organization_id != org {
                    return Err(ApiError::not_found("Resource", id));
                }
                Ok(r)
            }
            ResourceName::External { kind, external_id } => self.resource_by_external(org, kind, external_id),
        }
    }

    /// The resource that stands for the organization itself: assignments on it apply to every
    /// resource of the organization.
    pub(crate) fn organization_resource(&self, org: &str) -> ApiResult<&Resource> {
        self.resource_by_external(org, ORGANIZATION_TYPE, org)
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

    /// The parent a create, an update or a list names: `None` when it names none, `Some(None)`
    /// for "no parent".
    pub(crate) fn named_parent(
        &self,
        org: &str,
        by_id: Option<Option<&str>>,
        external: Option<&str>,
        kind: Option<&str>,
    ) -> ApiResult<Option<Option<String>>> {
        match (by_id, external, kind) {
            (None, None, None) => Ok(None),
            (Some(None), None, None) => Ok(Some(None)),
            (Some(Some(id)), None, None) => {
                let r = self.resource(id)?;
                if r.organization_id != org {
                    return Err(ApiError::not_found("Parent resource", id));
                }
                Ok(Some(Some(r.id.clone())))
            }
            (None, Some(ext), Some(kind)) => {
                Ok(Some(Some(self.resource_by_external(org, kind, ext)?.id.clone())))
            }
            (Some(_), _, _) => Err(ApiError::invalid_field(
                "parent_resource_id",
                "mutually_exclusive",
                "parent_resource_id is mutually exclusive with parent_resource_external_id and parent_resource_type_slug.",
            )),
            (None, _, _) => Err(ApiError::invalid_field(
                "parent_resource_external_id",
                "required",
                "parent_resource_external_id and parent_resource_type_slug are required together.",
            )),
        }
    }

    /// The page of resources `query` asks for, filtered by organization, type, external id,
    /// parent (by id, or by type and external id) and a search in the name.
    pub(crate) fn list_resources(&self, query: &Query) -> Value {
        let eq = |key: &str, value: &str| query.get(key).is_none_or(|q| q == value);
        let search = query.get("search").map(str::to_lowercase);
        let parent_of = |r: &Resource| r.parent_resource_id.as_ref().and_then(|p| self.resources.find(p));
        let items = self
            .resources
            .iter()
            .filter(|r| {
                eq("organization_id", &r.organization_id) && eq("resource_type_slug", &r.resource_type_slug)
            })
            .filter(|r| eq("resource_external_id", &r.external_id))
            .filter(|r| eq("parent_resource_id", r.parent_resource_id.as_deref().unwrap_or_default()))
            .filter(|r| {
                let p = parent_of(r);
                eq("parent_resource_type_slug", p.map_or("", |p| &p.resource_type_slug))
                    && eq("parent_external_id", p.map_or("", |p| &p.external_id))
            })
            .filter(|r| search.as_ref().is_none_or(|s| r.name.to_lowercase().contains(s)))
            .collect();
        query.page(items, |r| &r.id)
    }

    /// Creates a resource: 409 `authorization_resource_external_id_conflict` for a type and
    /// external id the organization has already.
    pub(crate) fn create_resource(&mut self, new: CreateResource) -> ApiResult<Resource> {
        non_empty("external_id", &new.external_id)?;
        non_empty("name", &new.name)?;
        non_empty("resource_type_slug", &new.resource_type_slug)?;
        max_len("external_id", Some(&new.external_id), 128)?;
        max_len("name", Some(&new.name), 48)?;
        max_len("description", new.description.as_deref(), 150)?;
        self.organization(&new.organization_id)?;
        let parent = self
            .named_parent(
                &new.organization_id,
                new.parent_resource_id.as_ref().map(Option::as_deref),
                new.parent_resource_external_id.as_deref(),
                new.parent_resource_type_slug.as_deref(),
            )?
            .flatten();
        if self.resource_by_external(&new.organization_id, &new.resource_type_slug, &new.external_id).is_ok()
        {
            return Err(ApiError::conflict(
                "authorization_resource_external_id_conflict",
                format!(
                    "A '{}' resource with external id '{}' already exists.",
                    new.resource_type_slug, new.external_id
                ),
            ));
        }
        let at = now();
        let resource = Resource {
            object: "authorization_resource",
            name: new.name,
            description: new.description,
            organization_id: new.organization_id,
            parent_resource_id: parent,
            id: self.ids.next("authz_resource"),
            external_id: new.external_id,
            resource_type_slug: new.resource_type_slug,
            created_at: at.clone(),
            updated_at: at,
        };
        self.insert_resource(resource.clone());
        Ok(resource)
    }

    /// Changes a resource's name, description or parent (422 `cycle` for a parent below it).
    pub(crate) fn update_resource(&mut self, id: &str, update: UpdateResource) -> ApiResult<Resource> {
        let org = self.resource(id)?.organization_id.clone();
        if let Some(name) = &update.name {
            non_empty("name", name)?;
        }
        max_len("name", update.name.as_deref(), 48)?;
        max_len("description", update.description.as_ref().and_then(|d| d.as_deref()), 150)?;
        let parent = self.named_parent(
            &org,
            update.parent_resource_id.as_ref().map(Option::as_deref),
            update.parent_resource_external_id.as_deref(),
            update.parent_resource_type_slug.as_deref(),
        )?;
        // A resource may not become its own ancestor.
        let mut cursor = parent.clone().flatten();
        while let Some(p) = cursor {
            if p == id {
                return Err(ApiError::invalid_field(
                    "parent_resource_id",
                    "cycle",
                    "A resource cannot be its own ancestor.",
                ));
            }
            cursor = self.resources.find(&p).and_then(|r| r.parent_resource_id.clone());
        }
        let resource = self.resources.get_mut(id)?;
        if let Some(name) = update.name {
            resource.name = name;
        }
        if let Some(description) = update.description {
            resource.description = description;
        }
        if let Some(parent) = parent {
            resource.parent_resource_id = parent;
        }
        resource.updated_at = now();
        Ok(resource.clone())
    }

    /// Deletes a resource and the role assignments on it. Child resources make it a 409
    /// `resource_has_dependents` unless `cascade`, which deletes the subtree. The organization's
    /// own resource goes with the organization alone.
    pub(crate) fn delete_resource(&mut self, id: &str, cascade: bool) -> ApiResult<()> {
        let resource = self.resource(id)?;
        if resource.resource_type_slug == ORGANIZATION_TYPE
            && resource.external_id == resource.organization_id
        {
            return Err(ApiError::conflict(
                "resource_has_dependents",
                "This resource stands for its organization; it is deleted with the organization.",
            ));
        }
        let mut doomed = vec![id.to_owned()];
        let mut i = 0;
        while i < doomed.len() {
            let children: Vec<String> = self
                .resources
                .iter()
                .filter(|r| r.parent_resource_id.as_ref() == Some(&doomed[i]))
                .map(|r| r.id.clone())
                .collect();
            if !children.is_empty() && !cascade {
                return Err(ApiError::conflict(
                    "resource_has_dependents",
                    format!(
                        "Resource '{id}' has child resources; pass cascade_delete=true to delete them too."
                    ),
                ));
            }
            doomed.extend(children);
            i += 1;
        }
        self.remove_resources(|r| doomed.contains(&r.id));
        self.remove_assignments(|a| doomed.contains(&a.resource.id));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::authorization::fixtures::{Org, column, resource};

    #[test]
    fn a_resource_is_found_by_id_and_by_external_id_within_its_organization() {
        let mut store = Store::default();
        let (org, other) = (Org::new(&mut store), Org::new(&mut store));
        let doc = resource(&mut store, &org.id, "d1", None);
        assert_eq!(
            store.external_resource(&org.id, "doc", "d1").map(|r| r.id.clone()).ok(),
            Some(doc.id.clone())
        );
        let e = store.resource_named(&other.id, ResourceName::Id(&doc.id)).expect_err("another org's");
        assert_eq!(e.message, format!("Resource not found: '{}'.", doc.id));
        let e = store.external_resource(&org.id, "doc", "d9").expect_err("unknown");
        assert_eq!(e.message, "Resource not found: 'doc/d9'.");
        let e = store.external_resource("org_9", "doc", "d1").expect_err("unknown org");
        assert_eq!(e.message, "Organization not found: 'org_9'.");
        let again = CreateResource {
            external_id: "d1".into(),
            name: "D".into(),
            resource_type_slug: "doc".into(),
            organization_id: org.id.clone(),
            ..CreateResource::default()
        };
        assert_eq!(
            store.create_resource(again).expect_err("taken").code,
            Some("authorization_resource_external_id_conflict")
        );
    }

    #[test]
    fn a_target_names_a_resource_one_way_only() {
        let mut store = Store::default();
        let org = Org::new(&mut store);
        let doc = resource(&mut store, &org.id, "d1", None);
        let both = Target {
            resource_id: Some(doc.id.clone()),
            resource_type_slug: Some("doc".into()),
            ..Target::default()
        };
        assert_eq!(both.resolve(&store, &org.id).expect_err("both").errors[0].code, "mutually_exclusive");
        let half = Target { resource_external_id: Some("d1".into()), ..Target::default() };
        assert_eq!(half.resolve(&store, &org.id).expect_err("half").errors[0].field, "resource_external_id");
        assert!(Target::default().is_empty());
        let by_external = Target {
            resource_external_id: Some("d1".into()),
            resource_type_slug: Some("doc".into()),
            ..Target::default()
        };
        assert_eq!(by_external.resolve(&store, &org.id).expect("found").id, doc.id);
    }

    #[test]
    fn a_resource_cannot_become_its_own_ancestor() {
        let mut store = Store::default();
        let org = Org::new(&mut store);
        let top = resource(&mut store, &org.id, "top", None);
        let child = resource(&mut store, &org.id, "child", Some(&top.id));
        let under_child =
            UpdateResource { parent_resource_id: Some(Some(child.id.clone())), ..UpdateResource::default() };
        let e = store.update_resource(&top.id, under_child).expect_err("cycle");
        assert_eq!((e.errors[0].field.as_str(), e.errors[0].code), ("parent_resource_id", "cycle"));
        let orphan = UpdateResource {
            parent_resource_id: Some(None),
            name: Some("Free".into()),
            ..UpdateResource::default()
        };
        let r = store.update_resource(&child.id, orphan).expect("updated");
        assert_eq!((r.parent_resource_id, r.name.as_str()), (None, "Free"));
    }

    #[test]
    fn a_resource_with_children_goes_only_with_cascade_and_takes_its_assignments() {
        let mut store = Store::default();
        let org = Org::new(&mut store);
        let top = resource(&mut store, &org.id, "top", None);
        let child = resource(&mut store, &org.id, "child", Some(&top.id));
        let member = org.member(&mut store, "a@x.test");
        store.assign(&member, "member", child.as_ref());
        let e = store.delete_resource(&top.id, false).expect_err("children");
        assert_eq!((e.status.as_u16(), e.code), (409, Some("resource_has_dependents")));
        store.delete_resource(&top.id, true).expect("cascade");
        assert!(store.resource(&child.id).is_err() && store.assignments.is_empty());
        let root = store.organization_resource(&org.id).expect("root").id.clone();
        assert_eq!(
            store.delete_resource(&root, true).expect_err("root").code,
            Some("resource_has_dependents")
        );
        let flag = |raw: &str| cascade_delete(&Query::parse(Some(raw)).expect("query"));
        assert_eq!((flag("cascade_delete=true").ok(), flag("").ok()), (Some(true), Some(false)));
        assert_eq!(flag("cascade_delete=yes").expect_err("not a flag").errors[0].field, "cascade_delete");
    }

    #[test]
    fn resources_are_listed_by_parent_and_name() {
        let mut store = Store::default();
        let org = Org::new(&mut store);
        let top = resource(&mut store, &org.id, "top", None);
        resource(&mut store, &org.id, "child-a", Some(&top.id));
        resource(&mut store, &org.id, "child-b", Some(&top.id));
        let names =
            |raw: String| column(&store.list_resources(&Query::parse(Some(&raw)).expect("query")), "name");
        assert_eq!(names(format!("parent_resource_id={}&order=asc", top.id)), ["child-a", "child-b"]);
        assert_eq!(names("parent_external_id=top&search=-B".into()), ["child-b"]);
    }
}
