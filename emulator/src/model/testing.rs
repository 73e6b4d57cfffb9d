//! What the model's tests start from: an organization, a user, a membership (made through the
//! model, with their events, or put straight into the store, as data the test does not watch),
//! and the names of the events the writes emitted.

use std::collections::BTreeMap;

use crate::model::ids::now;
use crate::model::organizations::{CreateOrganization, Organization};
use crate::model::user_management::memberships::OrganizationMembership;
use crate::model::user_management::{CreateMembership, CreateUser, User};
use crate::model::{Membership, Name, Store};

/// A new organization named `name`.
pub(crate) fn organization(store: &mut Store, name: &str) -> Organization {
    store.create_organization(CreateOrganization::named(name)).expect("an organization")
}

/// A new user with `email`.
pub(crate) fn user(store: &mut Store, email: &str) -> User {
    store.create_user(CreateUser::with_email(email)).expect("a user")
}

/// A new membership of `user_id` in `organization_id`, with the default role.
pub(crate) fn membership(store: &mut Store, user_id: &str, organization_id: &str) -> OrganizationMembership {
    let new = CreateMembership {
        user_id: user_id.to_owned(),
        organization_id: organization_id.to_owned(),
        ..CreateMembership::default()
    };
    store.create_membership(new).expect("a membership")
}

/// The names of the events in the log, oldest first.
pub(crate) fn event_names(store: &Store) -> Vec<String> {
    store.events.log.iter().map(|e| e["event"].as_str().unwrap_or_default().to_owned()).collect()
}

/// Records put straight into the store, without the model's rules or events.
impl Store {
    /// Adds an organization named `name`; its id.
    pub(crate) fn test_organization(&mut self, name: &str) -> String {
        let at = now();
        let org = Organization {
            object: "organization",
            id: self.ids.next("org"),
            name: name.to_owned(),
            domains: Vec::new(),
            metadata: BTreeMap::new(),
            external_id: None,
            stripe_customer_id: None,
            allow_profiles_outside_organization: false,
            created_at: at.clone(),
            updated_at: at,
        };
        self.insert_organization(org).id.clone()
    }

    /// Adds a user with `email` (and a first name); their id.
    pub(crate) fn test_user(&mut self, email: &str) -> String {
        let at = now();
        let id = self.ids.next("user");
        self.insert_user(User {
            object: "user",
            id: id.clone(),
            first_name: Some("Ada".into()),
            last_name: None,
            profile_picture_url: None,
            email: email.to_owned(),
            email_verified: true,
            external_id: None,
            metadata: BTreeMap::new(),
            last_sign_in_at: None,
            locale: None,
            created_at: at.clone(),
            updated_at: at,
        });
        id
    }

    /// Makes `user` a member of `org` with `status`.
    pub(crate) fn test_membership(&mut self, user: &str, org: &str, status: Name) {
        let at = now();
        let id = self.ids.next("om");
        self.insert_membership(Membership {
            id,
            user_id: user.to_owned(),
            organization_id: org.to_owned(),
            status,
            created_at: at.clone(),
            updated_at: at,
        });
    }
}
