//! Groups: an organization's named sets of organization memberships. A member holds the
//! roles granted to the group (see `authorization/group_roles.rs`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::{ApiError, ApiResult, max_len, non_empty};
use super::ids::now;
use super::list::Query;
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

/// `POST /organizations/{id}/groups`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CreateGroup {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
}

/// `PATCH` of a group: a `null` description clears it.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct UpdateGroup {
    pub(crate) name: Option<String>,
    #[serde(default, deserialize_with = "crate::model::error::double_option")]
    pub(crate) description: Option<Option<String>>,
}

/// `POST .../groups/{id}/organization-memberships`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct AddMember {
    pub(crate) organization_membership_id: String,
}

/// `PATCH .../groups/{id}/organization-memberships`: members added and removed in one call.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct PatchMembers {
    #[serde(default)]
    pub(crate) add: Vec<String>,
    #[serde(default)]
    pub(crate) remove: Vec<String>,
}

/// The most entries a patch of members or of role assignments takes (`add` and `remove`
/// together), as the document says.
pub(crate) const MAX_PATCHED: usize = 100;

/// 422 unless a patch has 1 to [`MAX_PATCHED`] entries and names none in both lists (the
/// document: "A membership listed in both `add` and `remove` is rejected. `add` and `remove` must
/// contain between 1 and 100 entries combined"; its code is not known, so the emulator's usual
/// `invalid_request_parameters`).
pub(crate) fn check_patch(count: usize, in_both: bool) -> ApiResult<()> {
    if count == 0 || count > MAX_PATCHED {
        return Err(ApiError::invalid_field(
            "add",
            "invalid",
            format!("add and remove must contain between 1 and {MAX_PATCHED} entries combined."),
        ));
    }
    if in_both {
        return Err(ApiError::invalid_field("remove", "invalid", "An entry is in both add and remove."));
    }
    Ok(())
}

/// A name (not blank) and a description: at most the document's lengths.
fn check(name: Option<&str>, description: Option<&str>) -> ApiResult<()> {
    if let Some(name) = name {
        non_empty("name", name)?;
        max_len("name", Some(name), 100)?;
    }
    max_len("description", description, 500)
}

/// The data of a `group.member_*` event.
fn member_event(group: &str, member: &str) -> serde_json::Value {
    serde_json::json!({ "group_id": group, "organization_membership_id": member })
}

impl Store {
    /// Where organization `org`'s group `id` stands (the organization's 404 first; another
    /// organization's group is a 404).
    fn group_index(&self, org: &str, id: &str) -> ApiResult<usize> {
        self.organization(org)?;
        let at = self.groups.index_of(id).ok().filter(|&i| self.groups[i].organization_id == org);
        at.ok_or_else(|| ApiError::not_found("Group", id))
    }

    /// Organization `org`'s group `id`.
    pub(crate) fn organization_group(&self, org: &str, id: &str) -> ApiResult<&Group> {
        Ok(&self.groups[self.group_index(org, id)?])
    }

    /// Creates a group of organization `org` (`group.created`).
    pub(crate) fn create_group(&mut self, org: &str, new: CreateGroup) -> ApiResult<Group> {
        check(Some(&new.name), new.description.as_deref())?;
        self.organization(org)?;
        let at = now();
        let group = Group {
            object: "group",
            id: self.ids.next("group"),
            organization_id: org.to_owned(),
            name: new.name,
            description: new.description,
            created_at: at.clone(),
            updated_at: at,
            members: Vec::new(),
        };
        self.groups.push(group.clone());
        self.emit_record("group.created", &group);
        Ok(group)
    }

    /// The page of an organization's groups.
    pub(crate) fn list_groups(&self, org: &str, query: &Query) -> ApiResult<Value> {
        self.organization(org)?;
        let items = self.groups.iter().filter(|g| g.organization_id == org).collect();
        Ok(query.page(items, |g| &g.id))
    }

    /// Changes a group's name or description (`group.updated`).
    pub(crate) fn update_group(&mut self, org: &str, id: &str, update: UpdateGroup) -> ApiResult<Group> {
        let i = self.group_index(org, id)?;
        check(update.name.as_deref(), update.description.as_ref().and_then(Option::as_deref))?;
        let group = &mut self.groups[i];
        if let Some(name) = update.name {
            group.name = name;
        }
        if let Some(description) = update.description {
            group.description = description;
        }
        group.updated_at = now();
        let group = group.clone();
        self.rename_source_group(&group.id, &group.name);
        self.emit_record("group.updated", &group);
        Ok(group)
    }

    /// Deletes a group (`group.deleted`) and the roles its members held through it.
    pub(crate) fn delete_group(&mut self, org: &str, id: &str) -> ApiResult<Group> {
        let i = self.group_index(org, id)?;
        let group = self.groups.remove(i);
        self.revoke_group_roles(|g| g.group_id == group.id);
        self.emit_record("group.deleted", &group);
        Ok(group)
    }

    /// Adds a membership of the group's organization (`group.member_added`); it takes the
    /// group's roles. Adding a member again changes nothing.
    pub(crate) fn add_group_member(&mut self, org: &str, id: &str, add: AddMember) -> ApiResult<Group> {
        let i = self.group_index(org, id)?;
        let member = add.organization_membership_id;
        if self.membership(&member)?.organization_id != org {
            return Err(ApiError::not_found("Organization membership", &member));
        }
        let group = &mut self.groups[i];
        if group.members.contains(&member) {
            return Ok(group.clone());
        }
        group.members.push(member.clone());
        group.members.sort_unstable();
        group.updated_at = now();
        let group = group.clone();
        self.group_member_joined(id, &member);
        self.emit("group.member_added", member_event(id, &member));
        Ok(group)
    }

    /// Adds and removes members in one call, every membership checked before anything changes
    /// (another organization's or an unknown one is a 404): members added take the group's
    /// roles, members removed lose them (`group.member_added`, `group.member_removed`); adding a
    /// member again or removing a non-member changes nothing.
    pub(crate) fn patch_group_members(&mut self, org: &str, id: &str, patch: PatchMembers) -> ApiResult<()> {
        self.group_index(org, id)?;
        check_patch(
            patch.add.len() + patch.remove.len(),
            patch.add.iter().any(|m| patch.remove.contains(m)),
        )?;
        for member in &patch.add {
            if self.membership(member)?.organization_id != org {
                return Err(ApiError::not_found("Organization membership", member));
            }
        }
        for member in patch.add {
            self.add_group_member(org, id, AddMember { organization_membership_id: member })?;
        }
        let members = self.organization_group(org, id)?.members.clone();
        for member in patch.remove.iter().filter(|m| members.contains(m)) {
            self.remove_group_member(org, id, member)?;
        }
        Ok(())
    }

    /// The page of a group's members (organization memberships).
    pub(crate) fn list_group_members(&self, org: &str, id: &str, query: &Query) -> ApiResult<Value> {
        let group = self.organization_group(org, id)?;
        let items = group.members.iter().filter_map(|m| self.memberships.find(m)).collect();
        Ok(query.page_with(items, |m| &m.id, |m| self.membership_json(m)))
    }

    /// Takes a member out of a group (`group.member_removed`) with the roles it held through
    /// it; 404 for a membership not in the group.
    pub(crate) fn remove_group_member(&mut self, org: &str, id: &str, member: &str) -> ApiResult<()> {
        let i = self.group_index(org, id)?;
        let group = &mut self.groups[i];
        let before = group.members.len();
        group.members.retain(|m| m != member);
        if group.members.len() == before {
            return Err(ApiError::not_found("Group member", member));
        }
        group.updated_at = now();
        self.group_member_left(id, member);
        self.emit("group.member_removed", member_event(id, member));
        Ok(())
    }

    /// The page of the groups a membership is in.
    pub(crate) fn membership_groups(&self, member: &str, query: &Query) -> ApiResult<Value> {
        self.membership(member)?;
        let items = self.groups.iter().filter(|g| g.members.iter().any(|m| m == member)).collect();
        Ok(query.page(items, |g| &g.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::authorization::access::RoleTarget;
    use crate::model::authorization::fixtures::{Org, environment_role, event_names};
    use crate::model::authorization::resources::Target;

    fn named(name: &str) -> CreateGroup {
        CreateGroup { name: name.to_owned(), description: None }
    }

    #[test]
    fn a_group_belongs_to_one_organization() {
        let mut store = Store::default();
        let (org, other) = (Org::new(&mut store), Org::new(&mut store));
        let group = store.create_group(&org.id, named("Admins")).expect("created");
        assert_eq!(store.organization_group(&org.id, &group.id).expect("found").name, "Admins");
        let e = store.organization_group(&other.id, &group.id).expect_err("another org's");
        assert_eq!(e.message, format!("Group not found: '{}'.", group.id));
        let e = store.organization_group("org_missing", &group.id).expect_err("no org");
        assert_eq!(e.message, "Organization not found: 'org_missing'.");
        let e = store.create_group(&org.id, named(&"n".repeat(101))).expect_err("too long");
        assert_eq!((e.errors[0].field.as_str(), e.errors[0].code), ("name", "too_long"));
        let update = UpdateGroup { name: None, description: Some(Some("d".repeat(501))) };
        assert_eq!(
            store.update_group(&org.id, &group.id, update).expect_err("too long").errors[0].field,
            "description"
        );
        let update = UpdateGroup { name: Some("Owners".into()), description: None };
        assert_eq!(store.update_group(&org.id, &group.id, update).expect("updated").name, "Owners");
        store.delete_group(&org.id, &group.id).expect("deleted");
        assert!(store.groups.is_empty());
        assert_eq!(event_names(&store), ["group.created", "group.updated", "group.deleted"]);
    }

    #[test]
    fn members_come_from_the_organization_and_take_the_groups_roles() {
        let mut store = Store::default();
        let (org, other) = (Org::new(&mut store), Org::new(&mut store));
        let (member, stranger) = (org.member(&mut store, "a@x.test"), other.member(&mut store, "b@x.test"));
        environment_role(&mut store, "viewer");
        let group = store.create_group(&org.id, named("Viewers")).expect("created");
        let wanted = RoleTarget { role_slug: "viewer".into(), target: Target::default() };
        store.create_group_role(&group.id, wanted).expect("granted");
        let add = |m: &str| AddMember { organization_membership_id: m.to_owned() };
        let e = store.add_group_member(&org.id, &group.id, add(&stranger)).expect_err("another org's");
        assert_eq!(e.message, format!("Organization membership not found: '{stranger}'."));
        assert_eq!(
            store.add_group_member(&org.id, &group.id, add(&member)).expect("added").members,
            [member.as_str()]
        );
        store.add_group_member(&org.id, &group.id, add(&member)).expect("again");
        assert_eq!(store.assignments_of(&member).count(), 1);
        let query = Query::parse(None).expect("query");
        assert_eq!(
            store.membership_groups(&member, &query).expect("page")["data"][0]["id"],
            group.id.as_str()
        );
        assert_eq!(
            store.list_group_members(&org.id, &group.id, &query).expect("page")["data"][0]["id"],
            member.as_str()
        );
        store.remove_group_member(&org.id, &group.id, &member).expect("removed");
        assert_eq!(store.assignments_of(&member).count(), 0);
        let e = store.remove_group_member(&org.id, &group.id, &member).expect_err("not in it");
        assert_eq!(e.message, format!("Group member not found: '{member}'."));
        let names = event_names(&store);
        assert_eq!(names[names.len() - 2..], ["group.member_added", "group.member_removed"]);
    }

    #[test]
    fn a_patch_of_members_is_checked_whole_and_moves_the_roles() {
        let mut store = Store::default();
        let (org, other) = (Org::new(&mut store), Org::new(&mut store));
        let (a, b) = (org.member(&mut store, "a@x.test"), org.member(&mut store, "b@x.test"));
        let stranger = other.member(&mut store, "c@x.test");
        environment_role(&mut store, "viewer");
        let group = store.create_group(&org.id, named("Viewers")).expect("created");
        let wanted = RoleTarget { role_slug: "viewer".into(), target: Target::default() };
        store.create_group_role(&group.id, wanted).expect("granted");
        let patch = |add: &[&str], remove: &[&str]| PatchMembers {
            add: add.iter().map(|m| (*m).to_owned()).collect(),
            remove: remove.iter().map(|m| (*m).to_owned()).collect(),
        };
        let e = store
            .patch_group_members(&org.id, &group.id, patch(&[&a, &stranger], &[]))
            .expect_err("stranger");
        assert_eq!(e.status.as_u16(), 404);
        assert!(store.organization_group(&org.id, &group.id).expect("group").members.is_empty());
        let e = store.patch_group_members(&org.id, &group.id, patch(&[&a], &[&a])).expect_err("both");
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "remove"));
        let e = store.patch_group_members(&org.id, &group.id, patch(&[], &[])).expect_err("empty");
        assert_eq!(e.errors[0].field, "add");
        store.patch_group_members(&org.id, &group.id, patch(&[&a, &b], &["om_missing"])).expect("added");
        assert_eq!(store.assignments_of(&b).count(), 1);
        store.patch_group_members(&org.id, &group.id, patch(&[&a], &[&b])).expect("moved");
        assert_eq!(store.organization_group(&org.id, &group.id).expect("group").members, [a.as_str()]);
        assert_eq!((store.assignments_of(&a).count(), store.assignments_of(&b).count()), (1, 0));
        let e = store.patch_group_members(&other.id, &group.id, patch(&[&a], &[])).expect_err("other org");
        assert_eq!(e.message, format!("Group not found: '{}'.", group.id));
        let names = event_names(&store);
        assert_eq!(
            names[names.len() - 3..],
            ["group.member_added", "group.member_added", "group.member_removed"]
        );
    }
}
