//! Group role assignments: a role a group holds on a resource (the organization when none is
//! named), which every member of the group holds through an assignment of its own
//! (`source: {"type": "group", "group_role_assignment_id"}`), so access checks and membership
//! lists see it. Members who join the group get them; members who leave, and a removed group
//! assignment, take them away. Also the role assignments on a resource, direct and through
//! groups.

use serde::Deserialize;
use serde_json::Value;

use super::SourceGroup;
use super::access::RoleTarget;
use super::resources::Target;
use crate::model::error::{ApiError, ApiResult};
use crate::model::groups::check_patch;
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::{AssignmentSource, GroupAssignment, ResourceRef, SlimRole, Store};

/// `PUT /authorization/groups/{id}/role_assignments`: the group's roles, replaced.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ReplaceGroupRoles {
    pub(crate) role_assignments: Vec<RoleTarget>,
}

/// `PATCH /authorization/groups/{id}/role_assignments`: roles added and removed in one call.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct PatchGroupRoles {
    #[serde(default)]
    pub(crate) add: Vec<RoleTarget>,
    #[serde(default)]
    pub(crate) remove: Vec<RoleTarget>,
}

/// At most this many role assignments in a replacement.
const MAX_REPLACED: usize = 100;

impl Store {
    /// The group's organization.
    fn group_org(&self, group: &str) -> ApiResult<String> {
        Ok(self.groups.get(group)?.organization_id.clone())
    }

    /// The resource a group role assignment names: the organization when it names none.
    fn group_target(&self, org: &str, target: &Target) -> ApiResult<ResourceRef> {
        if target.is_empty() {
            return Ok(self.organization_resource(org)?.as_ref());
        }
        Ok(target.resolve(self, org)?.as_ref())
    }

    /// Grants `role` on `resource` to group `group` and to each of its members (an existing
    /// grant of the same role on the same resource is returned as it is).
    fn grant_group_role(&mut self, group: &str, role: &str, resource: ResourceRef) -> GroupAssignment {
        if let Some(existing) = self
            .group_assignments
            .iter()
            .find(|g| g.group_id == group && g.role.slug == role && g.resource == resource)
        {
            return existing.clone();
        }
        let at = now();
        let grant = GroupAssignment {
            object: "group_role_assignment",
            id: self.ids.next("group_role_assignment"),
            group_id: group.to_owned(),
            role: SlimRole { slug: role.to_owned() },
            resource,
            created_at: at.clone(),
            updated_at: at,
        };
        let members = self.groups.find(group).map(|g| g.members.clone()).unwrap_or_default();
        let source = AssignmentSource::group(&grant.id, self.source_group(group));
        for member in members {
            self.assign_from(&member, role, grant.resource.clone(), source.clone());
        }
        self.group_assignments.push(grant.clone());
        grant
    }

    /// Removes the group role assignments `doomed` picks and what the members held through
    /// them; how many.
    pub(crate) fn revoke_group_roles(&mut self, doomed: impl Fn(&GroupAssignment) -> bool) -> usize {
        let ids: Vec<String> =
            self.group_assignments.iter().filter(|g| doomed(g)).map(|g| g.id.clone()).collect();
        self.group_assignments.retain(|g| !ids.contains(&g.id));
        self.remove_assignments(|a| {
            a.source.group_role_assignment_id.as_ref().is_some_and(|id| ids.contains(id))
        });
        ids.len()
    }

    /// `group` as the source of its members' role assignments names it.
    fn source_group(&self, group: &str) -> SourceGroup {
        let name = self.groups.find(group).map(|g| g.name.clone()).unwrap_or_default();
        SourceGroup { id: group.to_owned(), name }
    }

    /// A renamed group's name in the role assignments its members hold through it.
    pub(crate) fn rename_source_group(&mut self, group: &str, name: &str) {
        for a in &mut self.assignments {
            if let Some(g) = &mut a.source.group
                && g.id == group
            {
                name.clone_into(&mut g.name);
            }
        }
    }

    /// A new member of `group` takes the group's roles.
    pub(crate) fn group_member_joined(&mut self, group: &str, member: &str) {
        let grants: Vec<GroupAssignment> =
            self.group_assignments.iter().filter(|g| g.group_id == group).cloned().collect();
        let source_group = self.source_group(group);
        for g in grants {
            let source = AssignmentSource::group(&g.id, source_group.clone());
            self.assign_from(member, &g.role.slug, g.resource, source);
        }
    }

    /// A member who left `group` loses what it held through it.
    pub(crate) fn group_member_left(&mut self, group: &str, member: &str) {
        let ids: Vec<String> =
            self.group_assignments.iter().filter(|g| g.group_id == group).map(|g| g.id.clone()).collect();
        self.remove_assignments(|a| {
            a.membership_id == member
                && a.source.group_role_assignment_id.as_ref().is_some_and(|id| ids.contains(id))
        });
    }

    /// Grants a group a role visible to its organization; 409
    /// `duplicate_group_role_assignment` when it has that role on that resource already.
    pub(crate) fn create_group_role(
        &mut self,
        group: &str,
        wanted: RoleTarget,
    ) -> ApiResult<GroupAssignment> {
        let org = self.group_org(group)?;
        self.role_for(&org, &wanted.role_slug)?;
        let resource = self.group_target(&org, &wanted.target)?;
        if self
            .group_assignments
            .iter()
            .any(|g| g.group_id == group && g.role.slug == wanted.role_slug && g.resource == resource)
        {
            return Err(ApiError::conflict(
                "duplicate_group_role_assignment",
                format!("The group already has the role '{}' on this resource.", wanted.role_slug),
            ));
        }
        Ok(self.grant_group_role(group, &wanted.role_slug, resource))
    }

    /// The page of a group's role assignments.
    pub(crate) fn list_group_roles(&self, group: &str, query: &Query) -> ApiResult<Value> {
        self.group_org(group)?;
        let items = self.group_assignments.iter().filter(|g| g.group_id == group).collect();
        Ok(query.page(items, |g| &g.id))
    }

    /// One of a group's role assignments.
    pub(crate) fn group_role(&self, group: &str, id: &str) -> ApiResult<&GroupAssignment> {
        self.group_org(group)?;
        let found = self.group_assignments.find(id).filter(|g| g.group_id == group);
        found.ok_or_else(|| ApiError::not_found("Group role assignment", id))
    }

    /// Replaces a group's role assignments with the given ones (at most 100, every one checked
    /// before anything changes); the first page of the result.
    pub(crate) fn replace_group_roles(
        &mut self,
        group: &str,
        replace: ReplaceGroupRoles,
    ) -> ApiResult<Value> {
        let org = self.group_org(group)?;
        if replace.role_assignments.len() > MAX_REPLACED {
            return Err(ApiError::invalid_field(
                "role_assignments",
                "too_many",
                "At most 100 role assignments.",
            ));
        }
        let mut wanted = Vec::new();
        for entry in &replace.role_assignments {
            self.role_for(&org, &entry.role_slug)?;
            wanted.push((entry.role_slug.clone(), self.group_target(&org, &entry.target)?));
        }
        self.revoke_group_roles(|g| {
            g.group_id == group && !wanted.iter().any(|(r, res)| *r == g.role.slug && *res == g.resource)
        });
        for (role, resource) in wanted {
            self.grant_group_role(group, &role, resource);
        }
        self.list_group_roles(group, &Query::parse(None)?)
    }

    /// Adds and removes a group's role assignments in one call, every entry checked before
    /// anything changes (an unknown role or resource is a 404, an entry in both lists a 422):
    /// additions that exist and removals that match nothing are skipped, as the document says.
    pub(crate) fn patch_group_roles(&mut self, group: &str, patch: PatchGroupRoles) -> ApiResult<()> {
        let org = self.group_org(group)?;
        let resolve = |entries: &[RoleTarget], store: &Store| -> ApiResult<Vec<(String, ResourceRef)>> {
            let mut out = Vec::new();
            for entry in entries {
                store.role_for(&org, &entry.role_slug)?;
                out.push((entry.role_slug.clone(), store.group_target(&org, &entry.target)?));
            }
            Ok(out)
        };
        let add = resolve(&patch.add, self)?;
        let remove = resolve(&patch.remove, self)?;
        check_patch(add.len() + remove.len(), add.iter().any(|a| remove.contains(a)))?;
        for (role, resource) in add {
            self.grant_group_role(group, &role, resource);
        }
        self.revoke_group_roles(|g| {
            g.group_id == group && remove.iter().any(|(r, res)| *r == g.role.slug && *res == g.resource)
        });
        Ok(())
    }

    /// Removes a group's role on a resource (the organization when none is named).
    pub(crate) fn remove_group_role(&mut self, group: &str, named: RoleTarget) -> ApiResult<()> {
        let org = self.group_org(group)?;
        let resource = self.group_target(&org, &named.target)?;
        let matching = |g: &GroupAssignment| {
            g.group_id == group && g.role.slug == named.role_slug && g.resource == resource
        };
        if self.revoke_group_roles(matching) == 0 {
            return Err(ApiError::not_found("Group role assignment", &named.role_slug));
        }
        Ok(())
    }

    /// Removes one of a group's role assignments by id.
    pub(crate) fn remove_group_role_by_id(&mut self, group: &str, id: &str) -> ApiResult<()> {
        self.group_org(group)?;
        if self.revoke_group_roles(|g| g.group_id == group && g.id == id) == 0 {
            return Err(ApiError::not_found("Group role assignment", id));
        }
        Ok(())
    }

    /// The page of role assignments on a resource, direct and through groups.
    pub(crate) fn resource_role_assignments(&self, resource: &str, query: &Query) -> ApiResult<Value> {
        self.resource(resource)?;
        let items = self.assignments.iter().filter(|a| a.resource.id == resource).collect();
        Ok(query.page(items, |a| &a.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Group;
    use crate::model::authorization::fixtures::{Org, environment_role, resource};

    fn group(store: &mut Store, org: &Org, members: &[&str]) -> String {
        let id = store.ids.next("group");
        let members = members.iter().map(|m| (*m).to_owned()).collect();
        let at = now();
        let name = "G".to_owned();
        let g = Group {
            object: "group",
            id: id.clone(),
            organization_id: org.id.clone(),
            name,
            description: None,
            created_at: at.clone(),
            updated_at: at,
            members,
        };
        store.groups.push(g);
        id
    }

    fn role(slug: &str) -> RoleTarget {
        RoleTarget { role_slug: slug.to_owned(), target: Target::default() }
    }

    fn sources(store: &Store, member: &str) -> Vec<Option<String>> {
        store.assignments_of(member).map(|a| a.source.group_role_assignment_id.clone()).collect()
    }

    #[test]
    fn members_hold_the_groups_roles_while_they_are_in_it() {
        let mut store = Store::default();
        let org = Org::new(&mut store);
        let (a, b) = (org.member(&mut store, "a@x.test"), org.member(&mut store, "b@x.test"));
        environment_role(&mut store, "viewer");
        let g = group(&mut store, &org, &[&a]);
        let grant = store.create_group_role(&g, role("viewer")).expect("granted");
        assert_eq!(grant.resource.id, store.organization_resource(&org.id).expect("root").id);
        assert_eq!(sources(&store, &a), [Some(grant.id.clone())]);
        let e = store.create_group_role(&g, role("viewer")).expect_err("twice");
        assert_eq!((e.status.as_u16(), e.code), (409, Some("duplicate_group_role_assignment")));
        store.group_member_joined(&g, &b);
        assert_eq!(sources(&store, &b), [Some(grant.id.clone())]);
        store.group_member_left(&g, &a);
        assert!(sources(&store, &a).is_empty());
        store.remove_group_role_by_id(&g, &grant.id).expect("removed");
        assert!(sources(&store, &b).is_empty() && store.group_assignments.is_empty());
        let e = store.remove_group_role(&g, role("viewer")).expect_err("gone");
        assert_eq!(e.message, "Group role assignment not found: 'viewer'.");
    }

    #[test]
    fn an_assignment_through_a_group_names_the_group_as_it_is_now() {
        let mut store = Store::default();
        let org = Org::new(&mut store);
        let a = org.member(&mut store, "a@x.test");
        environment_role(&mut store, "viewer");
        let g = group(&mut store, &org, &[&a]);
        store.create_group_role(&g, role("viewer")).expect("granted");
        let named = |store: &Store| -> Vec<Option<SourceGroup>> {
            store.assignments_of(&a).map(|x| x.source.group.clone()).collect()
        };
        assert_eq!(named(&store), [Some(SourceGroup { id: g.clone(), name: "G".into() })]);
        let rename = crate::model::groups::UpdateGroup { name: Some("Readers".into()), description: None };
        store.update_group(&org.id, &g, rename).expect("renamed");
        assert_eq!(named(&store), [Some(SourceGroup { id: g.clone(), name: "Readers".into() })]);
        let direct = serde_json::to_value(AssignmentSource::DIRECT).expect("json");
        assert_eq!(
            direct,
            serde_json::json!({"type": "direct", "group_role_assignment_id": null, "group": null})
        );
    }

    #[test]
    fn a_patch_adds_and_removes_and_skips_what_is_done_already() {
        let mut store = Store::default();
        let org = Org::new(&mut store);
        let a = org.member(&mut store, "a@x.test");
        environment_role(&mut store, "viewer");
        environment_role(&mut store, "editor");
        let g = group(&mut store, &org, &[&a]);
        let viewer = store.create_group_role(&g, role("viewer")).expect("granted");
        let patch = |add: &[&str], remove: &[&str]| PatchGroupRoles {
            add: add.iter().map(|r| role(r)).collect(),
            remove: remove.iter().map(|r| role(r)).collect(),
        };
        let e = store.patch_group_roles(&g, patch(&["editor", "nobody"], &[])).expect_err("unknown role");
        assert_eq!(e.status.as_u16(), 404);
        let e = store.patch_group_roles(&g, patch(&["editor"], &["editor"])).expect_err("both");
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "remove"));
        let e = store.patch_group_roles(&g, patch(&[], &[])).expect_err("empty");
        assert_eq!(e.status.as_u16(), 422);
        assert_eq!(store.group_assignments.len(), 1);
        store.patch_group_roles(&g, patch(&["viewer", "editor"], &[])).expect("added");
        assert_eq!(store.group_role(&g, &viewer.id).expect("kept").id, viewer.id);
        assert_eq!(sources(&store, &a).len(), 2);
        store.patch_group_roles(&g, patch(&[], &["viewer", "viewer"])).expect("removed");
        assert_eq!(store.group_assignments.len(), 1);
        assert_eq!(store.assignments_of(&a).map(|x| x.role.slug.clone()).collect::<Vec<_>>(), ["editor"]);
        let e = store.patch_group_roles("group_missing", patch(&["viewer"], &[])).expect_err("no group");
        assert_eq!(e.message, "Group not found: 'group_missing'.");
    }

    #[test]
    fn a_replacement_is_checked_whole_before_anything_changes() {
        let mut store = Store::default();
        let org = Org::new(&mut store);
        let a = org.member(&mut store, "a@x.test");
        environment_role(&mut store, "viewer");
        environment_role(&mut store, "editor");
        let doc = resource(&mut store, &org.id, "doc", None);
        let g = group(&mut store, &org, &[&a]);
        let viewer = store.create_group_role(&g, role("viewer")).expect("granted");
        let bad = ReplaceGroupRoles { role_assignments: vec![role("editor"), role("nobody")] };
        assert_eq!(store.replace_group_roles(&g, bad).expect_err("unknown role").status.as_u16(), 404);
        assert_eq!(store.group_assignments.len(), 1);
        let on_doc = RoleTarget {
            target: Target { resource_id: Some(doc.id.clone()), ..Target::default() },
            ..role("editor")
        };
        let page = store
            .replace_group_roles(&g, ReplaceGroupRoles { role_assignments: vec![role("viewer"), on_doc] })
            .expect("replaced");
        assert_eq!(page["data"].as_array().map(Vec::len), Some(2));
        assert_eq!(store.group_role(&g, &viewer.id).expect("kept").id, viewer.id);
        let on_resource =
            store.resource_role_assignments(&doc.id, &Query::parse(None).expect("query")).expect("page");
        assert_eq!(on_resource["data"][0]["role"]["slug"], "editor");
        let many = ReplaceGroupRoles { role_assignments: vec![role("viewer"); MAX_REPLACED + 1] };
        assert_eq!(store.replace_group_roles(&g, many).expect_err("too many").errors[0].code, "too_many");
        let e = store
            .list_group_roles("group_missing", &Query::parse(None).expect("query"))
            .expect_err("no group");
        assert_eq!(e.message, "Group not found: 'group_missing'.");
    }
}
