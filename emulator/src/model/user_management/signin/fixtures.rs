//! Records for the sign-in areas' model tests: users, organizations, memberships and sign-ins
//! waiting for a step, made directly in a [`Store`].

use std::collections::BTreeMap;

use crate::model::error::ApiError;
use crate::model::ids::{now, unix_now};
use crate::model::{Membership, Organization, PendingAuth, Store, User};

/// A user with `email` (not verified); its id.
pub(crate) fn add_user(store: &mut Store, email: &str) -> String {
    let at = now();
    let id = store.ids.next("user");
    store.insert_user(User {
        object: "user",
        id: id.clone(),
        first_name: None,
        last_name: None,
        profile_picture_url: None,
        email: email.to_owned(),
        email_verified: false,
        external_id: None,
        metadata: BTreeMap::new(),
        last_sign_in_at: None,
        locale: None,
        created_at: at.clone(),
        updated_at: at,
    });
    id
}

/// An organization named `name`; its id.
pub(crate) fn add_org(store: &mut Store, name: &str) -> String {
    let at = now();
    let id = store.ids.next("org");
    store.insert_organization(Organization {
        object: "organization",
        id: id.clone(),
        name: name.to_owned(),
        domains: Vec::new(),
        metadata: BTreeMap::new(),
        external_id: None,
        stripe_customer_id: None,
        allow_profiles_outside_organization: false,
        created_at: at.clone(),
        updated_at: at,
    });
    id
}

/// An active membership of `user` in `org`; its id.
pub(crate) fn add_member(store: &mut Store, user: &str, org: &str) -> String {
    let at = now();
    let id = store.ids.next("om");
    store.insert_membership(Membership {
        id: id.clone(),
        user_id: user.to_owned(),
        organization_id: org.to_owned(),
        status: "active",
        created_at: at.clone(),
        updated_at: at,
    });
    id
}

/// A sign-in of `user` by client `client_1` waiting at `step` with `token`.
pub(crate) fn hold(store: &mut Store, user: &str, step: &'static str, token: &str) {
    store.pending_auths.push(PendingAuth {
        token: token.to_owned(),
        step,
        client_id: "client_1".into(),
        user_id: user.to_owned(),
        organization_id: None,
        method: "Password",
        expires_at: unix_now() + 600,
        mfa_verified: false,
        radar_verified: false,
    });
}

/// An error's status and code, to compare in one assertion.
pub(crate) fn status_and_code(e: &ApiError) -> (u16, Option<&'static str>) {
    (e.status.as_u16(), e.code)
}
