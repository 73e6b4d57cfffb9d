//! Records the model's tests start from: organizations, their members, roles and permissions,
//! made through the model (no HTTP).

pub(crate) use crate::model::testing::event_names;
use std::collections::BTreeMap;

use crate::model::authorization::permissions::CreatePermission;
use crate::model::authorization::resources::CreateResource;
use crate::model::authorization::roles::CreateRole;
use crate::model::ids::now;
use crate::model::{Membership, Organization, Resource, Role, Store, User};

/// An organization (with the resource that stands for it).
pub(crate) struct Org {
    pub(crate) id: String,
}

impl Org {
    pub(crate) fn new(store: &mut Store) -> Self {
        let at = now();
        let id = store.ids.next("org");
        store.insert_organization(Organization {
            object: "organization",
            id: id.clone(),
            name: format!("Org {id}"),
            domains: Vec::new(),
            metadata: BTreeMap::new(),
            external_id: None,
            stripe_customer_id: None,
            allow_profiles_outside_organization: false,
            created_at: at.clone(),
            updated_at: at,
        });
        Self { id }
    }

    /// A new user with `email` and their active membership here; the membership's id.
    pub(crate) fn member(&self, store: &mut Store, email: &str) -> String {
        let at = now();
        let user = User {
            object: "user",
            id: store.ids.next("user"),
            first_name: None,
            last_name: None,
            profile_picture_url: None,
            email: email.to_owned(),
            email_verified: true,
            external_id: None,
            metadata: BTreeMap::new(),
            last_sign_in_at: None,
            locale: None,
            created_at: at.clone(),
            updated_at: at.clone(),
        };
        let membership = Membership {
            id: store.ids.next("om"),
            user_id: user.id.clone(),
            organization_id: self.id.clone(),
            status: "active",
            created_at: at.clone(),
            updated_at: at,
        };
        let id = membership.id.clone();
        store.insert_user(user);
        store.insert_membership(membership);
        id
    }
}

/// The input of a permission with `slug`.
pub(crate) fn permission(slug: &str) -> CreatePermission {
    CreatePermission { slug: slug.to_owned(), name: format!("Can {slug}"), ..CreatePermission::default() }
}

/// An environment role with `slug`, made through the model.
pub(crate) fn environment_role(store: &mut Store, slug: &str) -> Role {
    let new = CreateRole { slug: Some(slug.to_owned()), name: slug.to_owned(), ..CreateRole::default() };
    store.create_environment_role(new).expect("an environment role")
}

/// A `doc` resource of `org` with `external_id` as its name, under `parent` when given.
pub(crate) fn resource(store: &mut Store, org: &str, external_id: &str, parent: Option<&str>) -> Resource {
    let new = CreateResource {
        external_id: external_id.to_owned(),
        name: external_id.to_owned(),
        resource_type_slug: "doc".to_owned(),
        organization_id: org.to_owned(),
        parent_resource_id: parent.map(|p| Some(p.to_owned())),
        ..CreateResource::default()
    };
    store.create_resource(new).expect("a resource")
}

/// The `key` field of each item of a list page, in its order.
pub(crate) fn column(page: &serde_json::Value, key: &str) -> Vec<String> {
    let items = page["data"].as_array().map_or(&[][..], Vec::as_slice);
    items.iter().map(|x| x[key].as_str().unwrap_or_default().to_owned()).collect()
}
