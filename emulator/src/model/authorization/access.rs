//! Role assignments and the access check: which permissions a membership holds on a
//! resource (through roles assigned on it, on its ancestors or on the organization), and the
//! lists built on that.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::resources::{ResourceName, Target};
use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::{Assignment, AssignmentSource, Membership, Resource, ResourceRef, SlimRole, Store};

/// A role on a resource (a role assignment's input, or what a removal names).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct RoleTarget {
    pub(crate) role_slug: String,
    #[serde(flatten)]
    pub(crate) target: Target,
}

/// `POST .../check`: does the membership hold this permission on this resource?
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CheckAccess {
    pub(crate) permission_slug: String,
    #[serde(flatten)]
    pub(crate) target: Target,
}

/// The access check's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct Authorized {
    pub(crate) authorized: bool,
}

/// The `permission_slug` a list filters on (required), and `assignment` (`direct`: roles
/// assigned on the resource itself; `indirect`: inherited from a parent or the organization;
/// absent: both).
fn permission_filter(query: &Query) -> ApiResult<(String, Option<bool>)> {
    let permission = query.get("permission_slug").filter(|p| !p.is_empty()).ok_or_else(|| {
        ApiError::invalid_field("permission_slug", "required", "permission_slug is required.")
    })?;
    let direct = match query.get("assignment") {
        None => None,
        Some("direct") => Some(true),
        Some("indirect") => Some(false),
        Some(other) => {
            return Err(ApiError::invalid_field(
                "assignment",
                "invalid",
                format!("assignment must be direct or indirect, got '{other}'."),
            ));
        }
    };
    Ok((permission.to_owned(), direct))
}

impl Store {
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
    ) -> BTreeSet<String> {
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

    /// The page of a membership's role assignments (direct and through groups).
    pub(crate) fn list_assignments(&self, membership: &str, query: &Query) -> ApiResult<Value> {
        self.membership(membership)?;
        Ok(query.page(self.assignments_of(membership).collect(), |a| &a.id))
    }

    /// Assigns a role visible to the membership's organization on one of its resources
    /// (an existing direct assignment of it is answered as it is).
    pub(crate) fn assign_role(&mut self, membership: &str, wanted: RoleTarget) -> ApiResult<Assignment> {
        let org = self.membership(membership)?.organization_id.clone();
        self.role_for(&org, &wanted.role_slug)?;
        let resource = wanted.target.resolve(self, &org)?.as_ref();
        Ok(self.assign(membership, &wanted.role_slug, resource))
    }

    /// Removes a direct assignment by role and resource (a role held through a group goes
    /// with the group's assignment, not from here).
    pub(crate) fn unassign_role(&mut self, membership: &str, named: RoleTarget) -> ApiResult<()> {
        let org = self.membership(membership)?.organization_id.clone();
        let resource = named.target.resolve(self, &org)?.id.clone();
        let removed = self.remove_assignments(|a| {
            a.membership_id == membership
                && a.role.slug == named.role_slug
                && a.resource.id == resource
                && a.source == AssignmentSource::DIRECT
        });
        if removed == 0 {
            return Err(ApiError::not_found(
                "Role assignment",
                &format!("{} on {resource}", named.role_slug),
            ));
        }
        Ok(())
    }

    /// Removes a direct assignment by id.
    pub(crate) fn unassign_role_by_id(&mut self, membership: &str, assignment: &str) -> ApiResult<()> {
        self.membership(membership)?;
        let removed = self.remove_assignments(|a| {
            a.membership_id == membership && a.id == assignment && a.source == AssignmentSource::DIRECT
        });
        if removed == 0 {
            return Err(ApiError::not_found("Role assignment", assignment));
        }
        Ok(())
    }

    /// Whether an active membership holds a permission on a resource of its organization.
    pub(crate) fn check_access(&self, membership: &str, check: CheckAccess) -> ApiResult<Authorized> {
        let m = self.membership(membership)?;
        let resource = check.target.resolve(self, &m.organization_id)?;
        Ok(Authorized {
            authorized: m.status == "active" && self.authorized(m, &check.permission_slug, resource),
        })
    }

    /// The page of active memberships holding the query's `permission_slug` on a resource.
    pub(crate) fn resource_memberships(&self, resource: &str, query: &Query) -> ApiResult<Value> {
        let resource = self.resource(resource)?;
        let (permission, direct) = permission_filter(query)?;
        let items = self
            .memberships
            .iter()
            .filter(|m| m.organization_id == resource.organization_id && m.status == "active")
            .filter(|m| self.permissions_on(m, resource, direct).contains(&permission))
            .collect();
        Ok(query.page_with(items, |m| &m.id, |m| self.membership_json(m)))
    }

    /// The page of resources of its organization on which a membership holds the query's
    /// `permission_slug`, optionally only the children of one parent.
    pub(crate) fn membership_resources(&self, membership: &str, query: &Query) -> ApiResult<Value> {
        let (permission, _) = permission_filter(query)?;
        let m = self.membership(membership)?;
        let parent = self
            .named_parent(
                &m.organization_id,
                query.get("parent_resource_id").map(Some),
                query.get("parent_resource_external_id"),
                query.get("parent_resource_type_slug"),
            )?
            .flatten();
        let items = self
            .resources
            .iter()
            .filter(|r| r.organization_id == m.organization_id)
            .filter(|r| parent.is_none() || r.parent_resource_id == parent)
            .filter(|r| m.status == "active" && self.permissions_on(m, r, None).contains(&permission))
            .collect();
        Ok(query.page(items, |r| &r.id))
    }

    /// The page of permissions a membership holds on a resource of its organization.
    pub(crate) fn membership_permissions(
        &self,
        membership: &str,
        resource: ResourceName<'_>,
        query: &Query,
    ) -> ApiResult<Value> {
        let m = self.membership(membership)?;
        let resource = self.resource_named(&m.organization_id, resource)?;
        let held =
            if m.status == "active" { self.permissions_on(m, resource, None) } else { BTreeSet::new() };
        let mut items: Vec<_> = held.iter().filter_map(|slug| self.permission(slug).ok()).collect();
        items.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(query.page(items, |p| &p.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::authorization::fixtures::{Org, column, environment_role, permission, resource};
    use crate::model::authorization::roles::{AddPermission, CreateRole};

    /// An organization with a member, a `doc` resource under another, and an environment role
    /// `reader` holding `doc:read`.
    struct World {
        store: Store,
        org: Org,
        member: String,
        top: Resource,
        doc: Resource,
    }

    fn world() -> World {
        let mut store = Store::default();
        let org = Org::new(&mut store);
        let member = org.member(&mut store, "a@x.test");
        store.create_permission(permission("doc:read")).expect("permission");
        environment_role(&mut store, "reader");
        store
            .add_role_permission(None, "reader", AddPermission { slug: "doc:read".into() })
            .expect("granted");
        let top = resource(&mut store, &org.id, "top", None);
        let doc = resource(&mut store, &org.id, "doc", Some(&top.id));
        World { store, org, member, top, doc }
    }

    fn on(role: &str, resource: &Resource) -> RoleTarget {
        RoleTarget {
            role_slug: role.to_owned(),
            target: Target { resource_id: Some(resource.id.clone()), ..Target::default() },
        }
    }

    fn check(resource: &Resource) -> CheckAccess {
        CheckAccess { permission_slug: "doc:read".into(), target: on("", resource).target }
    }

    #[test]
    fn a_role_on_an_ancestor_grants_its_permissions_below() {
        let World { mut store, member, top, doc, .. } = world();
        assert!(!store.check_access(&member, check(&doc)).expect("checked").authorized);
        let a = store.assign_role(&member, on("reader", &top)).expect("assigned");
        assert_eq!(store.assign_role(&member, on("reader", &top)).expect("again").id, a.id);
        assert!(store.check_access(&member, check(&doc)).expect("checked").authorized);
        let m = store.membership(&member).expect("member").clone();
        assert!(store.permissions_on(&m, &doc, Some(true)).is_empty());
        assert_eq!(store.permissions_on(&m, &doc, Some(false)).into_iter().collect::<Vec<_>>(), ["doc:read"]);
        store.memberships.get_mut(&member).expect("member").status = "inactive";
        assert!(!store.check_access(&member, check(&doc)).expect("checked").authorized);
    }

    #[test]
    fn a_role_must_be_the_organizations_to_assign() {
        let World { mut store, org, member, doc, .. } = world();
        let other = Org::new(&mut store);
        let theirs =
            CreateRole { slug: Some("org-theirs".into()), name: "T".into(), ..CreateRole::default() };
        store.create_organization_role(&other.id, theirs).expect("created");
        let e = store.assign_role(&member, on("org-theirs", &doc)).expect_err("another org's role");
        assert_eq!(e.message, "Role not found: 'org-theirs'.");
        let e = store.assign_role("om_missing", on("reader", &doc)).expect_err("no membership");
        assert_eq!(e.message, "Organization membership not found: 'om_missing'.");
        let elsewhere = resource(&mut store, &other.id, "theirs", None);
        let e = store.assign_role(&member, on("reader", &elsewhere)).expect_err("another org's resource");
        assert_eq!(e.status.as_u16(), 404);
        assert!(store.assignments_of(&member).next().is_none() && !org.id.is_empty());
    }

    #[test]
    fn only_direct_assignments_are_removed_here() {
        let World { mut store, member, doc, .. } = world();
        let direct = store.assign_role(&member, on("reader", &doc)).expect("assigned");
        let through_group = store.assign_from(
            &member,
            "reader",
            doc.as_ref(),
            AssignmentSource::group(
                "gra_1",
                crate::model::authorization::SourceGroup { id: "group_1".into(), name: "G".into() },
            ),
        );
        let e = store.unassign_role_by_id(&member, &through_group.id).expect_err("a group's");
        assert_eq!(e.message, format!("Role assignment not found: '{}'.", through_group.id));
        store.unassign_role(&member, on("reader", &doc)).expect("removed");
        let left: Vec<_> = store.assignments_of(&member).map(|a| a.id.clone()).collect();
        assert_eq!(left, [through_group.id]);
        let e = store.unassign_role(&member, on("reader", &doc)).expect_err("gone");
        assert_eq!(e.message, format!("Role assignment not found: 'reader on {}'.", doc.id));
        assert!(store.unassign_role_by_id(&member, &direct.id).is_err());
    }

    #[test]
    fn lists_need_a_permission_and_follow_the_tree() {
        let World { mut store, member, top, doc, .. } = world();
        store.assign_role(&member, on("reader", &top)).expect("assigned");
        let query = |raw: &str| Query::parse(Some(raw)).expect("query");
        let e = store.resource_memberships(&doc.id, &query("")).expect_err("no permission");
        assert_eq!(e.errors[0].field, "permission_slug");
        let ids = |page: Value| column(&page, "id");
        let held = store.resource_memberships(&doc.id, &query("permission_slug=doc:read")).expect("page");
        assert_eq!(ids(held), [member.as_str()]);
        let direct =
            store.resource_memberships(&doc.id, &query("permission_slug=doc:read&assignment=direct"));
        assert!(ids(direct.expect("page")).is_empty());
        let below = format!("permission_slug=doc:read&parent_resource_id={}", top.id);
        assert_eq!(
            ids(store.membership_resources(&member, &query(&below)).expect("page")),
            [doc.id.as_str()]
        );
        let named = ResourceName::External { kind: "doc", external_id: "doc" };
        let page = store.membership_permissions(&member, named, &query("")).expect("page");
        assert_eq!(page["data"][0]["slug"], "doc:read");
    }
}
