//! What the model's tests start from: an organization, a user, a membership, and the names
//! of the events the writes emitted.

use crate::model::Store;
use crate::model::organizations::{CreateOrganization, Organization};
use crate::model::user_management::memberships::OrganizationMembership;
use crate::model::user_management::{CreateMembership, CreateUser, User};

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
