//! Organization memberships: their records, the indexes by user and organization, their roles
//! on the organization, and the operations of `/user_management/organization_memberships`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::{DEFAULT_ROLE, Name, SlimRole, Store, User};

records!(
    Membership => "Organization membership",
);

/// An organization membership; its answer ([`OrganizationMembership`]) embeds the user, the
/// organization's name and the roles, see [`Store::membership_json`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Membership {
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) organization_id: String,
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) status: Name,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `UserlandUserOrganizationMembership`: a membership as the API answers it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OrganizationMembership {
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) organization_id: String,
    pub(crate) status: Name,
    pub(crate) directory_managed: bool,
    pub(crate) organization_name: Option<String>,
    pub(crate) custom_attributes: BTreeMap<String, Value>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    /// The primary role: the first assigned on the organization itself.
    pub(crate) role: SlimRole,
    /// Every role held on the organization, the primary one first.
    pub(crate) roles: Vec<SlimRole>,
    pub(crate) user: Option<User>,
}

/// The body of `POST /user_management/organization_memberships` (and what a seed and an
/// accepted invitation create). Without a role, the membership has the default one.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CreateMembership {
    pub(crate) user_id: String,
    pub(crate) organization_id: String,
    pub(crate) role_slug: Option<String>,
    pub(crate) role_slugs: Option<Vec<String>>,
}

/// The body of `PUT /user_management/organization_memberships/{id}`: the roles on the
/// organization, replaced when given.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct UpdateMembership {
    pub(crate) role_slug: Option<String>,
    pub(crate) role_slugs: Option<Vec<String>>,
}

/// The statuses a membership can have, as `statuses` filters name them.
const STATUSES: [&str; 3] = ["active", "inactive", "pending"];

impl Store {
    pub(crate) fn membership(&self, id: &str) -> ApiResult<&Membership> {
        self.memberships.get(id)
    }

    /// The membership as the API answers it: with its user, organization name and roles (the
    /// primary one is the first assigned on the organization itself).
    pub(crate) fn membership_json(&self, m: &Membership) -> OrganizationMembership {
        let root = self.organization_resource(&m.organization_id).ok().map(|r| r.id.clone());
        let on_root = |a: &&crate::model::Assignment| Some(&a.resource.id) == root.as_ref();
        let primary = self
            .assignments_of(&m.id)
            .find(on_root)
            .or_else(|| self.assignments_of(&m.id).next())
            .map(|a| a.role.slug.clone())
            // Every membership has a role: with its assignments gone, the default one.
            .unwrap_or_else(|| DEFAULT_ROLE.to_owned());
        let mut roles = vec![SlimRole { slug: primary.clone() }];
        for a in self.assignments_of(&m.id).filter(on_root) {
            if a.role.slug != primary {
                roles.push(a.role.clone());
            }
        }
        OrganizationMembership {
            object: "organization_membership",
            id: m.id.clone(),
            user_id: m.user_id.clone(),
            organization_id: m.organization_id.clone(),
            status: m.status,
            directory_managed: false,
            organization_name: self.organizations.find(&m.organization_id).map(|o| o.name.clone()),
            custom_attributes: BTreeMap::new(),
            created_at: m.created_at.clone(),
            updated_at: m.updated_at.clone(),
            role: SlimRole { slug: primary },
            roles,
            user: self.users.find(&m.user_id).cloned(),
        }
    }

    /// Adds a membership (its id is the newest) and indexes it.
    pub(crate) fn insert_membership(&mut self, m: Membership) {
        self.indexes.memberships_by_user.entry(m.user_id.clone()).or_default().push(m.id.clone());
        self.indexes.memberships_by_org.entry(m.organization_id.clone()).or_default().push(m.id.clone());
        self.memberships.push(m);
    }

    /// Removes the memberships `doomed` picks, with their role assignments and their places in
    /// groups.
    pub(crate) fn remove_memberships(&mut self, doomed: impl Fn(&Membership) -> bool) {
        let ids: std::collections::HashSet<String> =
            self.memberships.iter().filter(|m| doomed(m)).map(|m| m.id.clone()).collect();
        if ids.is_empty() {
            return;
        }
        self.remove_assignments(|a| ids.contains(&a.membership_id));
        for group in &mut self.groups {
            group.members.retain(|m| !ids.contains(m));
        }
        self.memberships.retain(|m| !ids.contains(&m.id));
        for index in [&mut self.indexes.memberships_by_user, &mut self.indexes.memberships_by_org] {
            index.retain(|_, list| {
                list.retain(|id| !ids.contains(id));
                !list.is_empty()
            });
        }
    }

    /// Ids of the memberships of a user (`by_user`) or an organization, in creation order.
    pub(crate) fn membership_ids(&self, by_user: bool, key: &str) -> &[String] {
        let index =
            if by_user { &self.indexes.memberships_by_user } else { &self.indexes.memberships_by_org };
        index.get(key).map_or(&[], Vec::as_slice)
    }

    /// The memberships of a user (`by_user`) or an organization, in creation order.
    pub(crate) fn memberships_by(&self, by_user: bool, key: &str) -> impl Iterator<Item = &Membership> {
        self.membership_ids(by_user, key).iter().filter_map(|id| self.memberships.find(id))
    }

    /// The membership of `user` in `org`, through the user's memberships.
    pub(crate) fn membership_of(&self, user: &str, org: &str) -> Option<&Membership> {
        self.memberships_by(true, user).find(|m| m.organization_id == org)
    }

    /// The role slugs a body gives: `role_slug` or `role_slugs` (exclusive), each a role of the
    /// organization (a 422 otherwise); `None` when it gives neither.
    fn roles_of(
        &self,
        organization_id: &str,
        role_slug: Option<String>,
        role_slugs: Option<Vec<String>>,
    ) -> ApiResult<Option<Vec<String>>> {
        let roles = match (role_slug, role_slugs) {
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid_field(
                    "role_slugs",
                    "mutually_exclusive",
                    "role_slug and role_slugs are mutually exclusive.",
                ));
            }
            (Some(one), None) => vec![one],
            (None, Some(many)) if many.is_empty() => {
                return Err(ApiError::invalid_field(
                    "role_slugs",
                    "invalid",
                    "role_slugs must not be empty.",
                ));
            }
            (None, Some(many)) => many,
            (None, None) => return Ok(None),
        };
        if let Some(bad) = roles.iter().find(|r| self.role_for(organization_id, r).is_err()) {
            return Err(ApiError::unprocessable(
                "invalid_role",
                format!("Role '{bad}' does not exist in this organization."),
            ));
        }
        Ok(Some(roles))
    }

    /// `POST /user_management/organization_memberships` (and the seed's memberships): the user
    /// joins the organization with the roles given (else the default one); emits
    /// `organization_membership.created`. A user already a member is a 422.
    pub(crate) fn create_membership(&mut self, new: CreateMembership) -> ApiResult<OrganizationMembership> {
        self.user(&new.user_id)?;
        self.organization(&new.organization_id)?;
        let roles = self
            .roles_of(&new.organization_id, new.role_slug, new.role_slugs)?
            .unwrap_or_else(|| vec![DEFAULT_ROLE.to_owned()]);
        if self.membership_of(&new.user_id, &new.organization_id).is_some() {
            return Err(ApiError::invalid_field(
                "user_id",
                "already_member",
                format!(
                    "User '{}' is already a member of organization '{}'.",
                    new.user_id, new.organization_id
                ),
            ));
        }
        let at = now();
        let membership = Membership {
            id: self.ids.next("om"),
            user_id: new.user_id,
            organization_id: new.organization_id,
            status: "active",
            created_at: at.clone(),
            updated_at: at,
        };
        let root = self.organization_resource(&membership.organization_id)?.as_ref();
        for role in &roles {
            self.assign(&membership.id, role, root.clone());
        }
        self.insert_membership(membership.clone());
        let answer = self.membership_json(&membership);
        self.emit_record("organization_membership.created", &answer);
        Ok(answer)
    }

    /// `GET /user_management/organization_memberships`: a page of a user's or an
    /// organization's memberships (one of them is required), filtered by `statuses`.
    pub(crate) fn list_memberships(&self, query: &Query) -> ApiResult<Value> {
        let (org, user) = (query.get("organization_id"), query.get("user_id"));
        if org.is_none() && user.is_none() {
            return Err(ApiError::bad_request(
                "missing_user_id_or_organization_id",
                "Either user_id or organization_id is required.",
            ));
        }
        let statuses = query.get_list("statuses");
        if let Some(bad) = statuses.iter().find(|s| !STATUSES.contains(s)) {
            return Err(ApiError::bad_request(
                "invalid_request_parameters",
                format!("statuses: '{bad}' is not one of active, inactive, pending."),
            ));
        }
        // From the index of the user's (or else the organization's) memberships, not a scan.
        let ids = match (user, org) {
            (Some(u), _) => self.membership_ids(true, u),
            (None, Some(o)) => self.membership_ids(false, o),
            (None, None) => &[],
        };
        if statuses.is_empty() && (org.is_none() || user.is_none()) {
            // One filter: the index is the list, looked up only for the page.
            return Ok(query.page_sorted_with(ids, String::as_str, |id| {
                self.memberships.find(id).map(|m| self.membership_json(m))
            }));
        }
        let items: Vec<&Membership> = ids
            .iter()
            .filter_map(|id| self.memberships.find(id))
            .filter(|m| org.is_none_or(|o| m.organization_id == o))
            .filter(|m| statuses.is_empty() || statuses.contains(&m.status))
            .collect();
        // Only the page's memberships are expanded (user, organization name, roles).
        Ok(query.page_with(items, |m| &m.id, |m| self.membership_json(m)))
    }

    /// `GET /user_management/organization_memberships/{id}`.
    pub(crate) fn get_membership(&self, id: &str) -> ApiResult<OrganizationMembership> {
        Ok(self.membership_json(self.membership(id)?))
    }

    /// `PUT /user_management/organization_memberships/{id}`: replaces the membership's roles on
    /// its organization (roles on other resources stay); emits `organization_membership.updated`.
    pub(crate) fn update_membership(
        &mut self,
        id: &str,
        changes: UpdateMembership,
    ) -> ApiResult<OrganizationMembership> {
        let org = self.membership(id)?.organization_id.clone();
        if let Some(roles) = self.roles_of(&org, changes.role_slug, changes.role_slugs)? {
            let root = self.organization_resource(&org)?.as_ref();
            self.remove_assignments(|a| a.membership_id == id && a.resource == root);
            for role in &roles {
                self.assign(id, role, root.clone());
            }
        }
        let m = self.memberships.get_mut(id)?;
        m.updated_at = now();
        self.membership_changed(id)
    }

    /// `PUT .../deactivate` (to `inactive`) and `.../reactivate` (to `active`): a pending
    /// membership can do neither (a 400); one already there is answered as it is. Emits
    /// `organization_membership.updated`.
    pub(crate) fn set_membership_status(
        &mut self,
        id: &str,
        status: &'static str,
    ) -> ApiResult<OrganizationMembership> {
        let m = self.memberships.get_mut(id)?;
        if m.status == "pending" {
            let (code, message) = if status == "inactive" {
                (
                    "cannot_deactivate_pending_organization_membership",
                    "A pending organization membership cannot be deactivated. This membership should be deleted instead.",
                )
            } else {
                (
                    "cannot_reactivate_pending_organization_membership",
                    "A pending organization membership cannot be reactivated. The user needs to accept the invitation instead.",
                )
            };
            return Err(ApiError::bad_request(code, message));
        }
        if m.status != status {
            m.status = status;
            m.updated_at = now();
        }
        self.membership_changed(id)
    }

    /// Emits `organization_membership.updated` with the membership's answer, and answers it.
    fn membership_changed(&mut self, id: &str) -> ApiResult<OrganizationMembership> {
        let answer = self.get_membership(id)?;
        self.emit_record("organization_membership.updated", &answer);
        Ok(answer)
    }

    /// `DELETE /user_management/organization_memberships/{id}`: the membership and its role
    /// assignments; emits `organization_membership.deleted`. Answers the deleted membership.
    pub(crate) fn delete_membership(&mut self, id: &str) -> ApiResult<OrganizationMembership> {
        let answer = self.get_membership(id)?;
        self.remove_memberships(|m| m.id == id);
        self.emit_record("organization_membership.deleted", &answer);
        Ok(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{event_names, membership, organization, user};

    /// A role: an environment one, or `org`'s own.
    fn role(slug: &str, org: Option<&str>) -> crate::model::Role {
        crate::model::Role {
            object: "role",
            id: format!("role_{slug}"),
            slug: slug.into(),
            name: slug.into(),
            description: None,
            kind: if org.is_some() { "OrganizationRole" } else { "EnvironmentRole" },
            resource_type_slug: crate::model::ORGANIZATION_TYPE.into(),
            permissions: Vec::new(),
            created_at: String::new(),
            updated_at: String::new(),
            organization_id: org.map(str::to_owned),
        }
    }

    /// An organization with a user, the environment role `member` and the organization's own
    /// role `org-editor`.
    fn setup() -> (Store, String, String) {
        let mut store = Store::default();
        let org = organization(&mut store, "A");
        let ada = user(&mut store, "ada@a.test");
        store.roles.push(role(DEFAULT_ROLE, None));
        store.roles.push(role("org-editor", Some(&org.id)));
        (store, org.id, ada.id)
    }

    fn new(user_id: &str, organization_id: &str) -> CreateMembership {
        CreateMembership {
            user_id: user_id.into(),
            organization_id: organization_id.into(),
            ..CreateMembership::default()
        }
    }

    #[test]
    fn an_unknown_id_is_a_404_naming_the_membership() {
        let mut store = Store::default();
        for e in [
            store.get_membership("om_nope").map(drop).unwrap_err(),
            store.update_membership("om_nope", UpdateMembership::default()).map(drop).unwrap_err(),
            store.set_membership_status("om_nope", "inactive").map(drop).unwrap_err(),
            store.delete_membership("om_nope").map(drop).unwrap_err(),
        ] {
            assert_eq!(
                (e.status.as_u16(), e.message.as_str()),
                (404, "Organization membership not found: 'om_nope'.")
            );
        }
        let e = store.create_membership(new("user_nope", "org_nope")).unwrap_err();
        assert_eq!(e.message, "User not found: 'user_nope'.");
    }

    #[test]
    fn a_new_membership_has_the_default_role_and_is_announced() {
        let (mut store, org, ada) = setup();
        let m = store.create_membership(new(&ada, &org)).expect("created");
        assert_eq!(
            (m.status, m.role.slug.as_str(), m.organization_name.as_deref()),
            ("active", DEFAULT_ROLE, Some("A"))
        );
        assert_eq!(m.user.as_ref().map(|u| u.email.as_str()), Some("ada@a.test"));
        assert_eq!(store.membership_of(&ada, &org).map(|x| x.id.clone()), Some(m.id.clone()));
        assert_eq!(event_names(&store).last().map(String::as_str), Some("organization_membership.created"));
        assert_eq!(store.events.log.back().expect("event")["data"]["role"]["slug"], DEFAULT_ROLE);
        let e = store.create_membership(new(&ada, &org)).unwrap_err();
        assert_eq!((e.status.as_u16(), e.errors[0].code), (422, "already_member"));
    }

    #[test]
    fn roles_are_one_or_many_and_known_to_the_organization() {
        let (mut store, org, ada) = setup();
        let both = CreateMembership {
            role_slug: Some("member".into()),
            role_slugs: Some(vec![]),
            ..new(&ada, &org)
        };
        assert_eq!(store.create_membership(both).unwrap_err().errors[0].code, "mutually_exclusive");
        let none = CreateMembership { role_slugs: Some(vec![]), ..new(&ada, &org) };
        assert_eq!(store.create_membership(none).unwrap_err().errors[0].code, "invalid");
        let unknown = CreateMembership { role_slug: Some("boss".into()), ..new(&ada, &org) };
        let e = store.create_membership(unknown).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (422, Some("invalid_role")));
        let two = CreateMembership {
            role_slugs: Some(vec!["org-editor".into(), "member".into()]),
            ..new(&ada, &org)
        };
        let m = store.create_membership(two).expect("created");
        let slugs: Vec<&str> = m.roles.iter().map(|r| r.slug.as_str()).collect();
        assert_eq!((m.role.slug.as_str(), slugs), ("org-editor", vec!["org-editor", "member"]));
        let changes = UpdateMembership { role_slug: Some("member".into()), ..UpdateMembership::default() };
        let m = store.update_membership(&m.id, changes).expect("updated");
        assert_eq!((m.role.slug.as_str(), m.roles.len()), ("member", 1));
        assert_eq!(event_names(&store).last().map(String::as_str), Some("organization_membership.updated"));
    }

    #[test]
    fn a_membership_deactivates_and_reactivates_but_not_when_pending() {
        let (mut store, org, ada) = setup();
        let m = membership(&mut store, &ada, &org);
        assert_eq!(store.set_membership_status(&m.id, "inactive").expect("deactivated").status, "inactive");
        let again = store.set_membership_status(&m.id, "inactive").expect("still inactive");
        assert_eq!(again.updated_at, store.membership(&m.id).expect("there").updated_at);
        assert_eq!(store.set_membership_status(&m.id, "active").expect("reactivated").status, "active");
        store.memberships.get_mut(&m.id).expect("there").status = "pending";
        let e = store.set_membership_status(&m.id, "inactive").unwrap_err();
        assert_eq!(e.code, Some("cannot_deactivate_pending_organization_membership"));
        let e = store.set_membership_status(&m.id, "active").unwrap_err();
        assert_eq!(e.code, Some("cannot_reactivate_pending_organization_membership"));
    }

    #[test]
    fn lists_need_a_user_or_organization_and_filter_by_status() {
        let (mut store, org, ada) = setup();
        let bob = user(&mut store, "bob@a.test").id;
        let (m1, m2) = (membership(&mut store, &ada, &org), membership(&mut store, &bob, &org));
        store.set_membership_status(&m2.id, "inactive").expect("deactivated");
        let list =
            |store: &Store, raw: &str| store.list_memberships(&Query::parse(Some(raw)).expect("query"));
        assert_eq!(list(&store, "").unwrap_err().code, Some("missing_user_id_or_organization_id"));
        let e = list(&store, &format!("user_id={ada}&statuses=gone")).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (400, Some("invalid_request_parameters")));
        let ids = |page: Value| -> Vec<String> {
            page["data"]
                .as_array()
                .expect("data")
                .iter()
                .map(|m| m["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        };
        assert_eq!(
            ids(list(&store, &format!("organization_id={org}")).expect("all")),
            [m2.id.clone(), m1.id.clone()]
        );
        assert_eq!(
            ids(list(&store, &format!("organization_id={org}&statuses=active")).expect("active")),
            [m1.id.as_str()]
        );
        assert_eq!(
            ids(list(&store, &format!("user_id={bob}&organization_id={org}")).expect("bob's")),
            [m2.id.as_str()]
        );
    }

    #[test]
    fn deleting_takes_the_role_assignments() {
        let (mut store, org, ada) = setup();
        let m = membership(&mut store, &ada, &org);
        assert_eq!(store.assignments_of(&m.id).count(), 1);
        assert_eq!(store.delete_membership(&m.id).expect("deleted").id, m.id);
        assert!(store.memberships.is_empty() && store.assignments.is_empty());
        assert!(store.membership_ids(true, &ada).is_empty());
        assert_eq!(event_names(&store).last().map(String::as_str), Some("organization_membership.deleted"));
    }
}
