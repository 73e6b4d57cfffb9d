//! Organizations.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::ApiResult;
use super::ids::now;
use super::*;

records!(
    Organization => "Organization",
);

/// `Organization`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Organization {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) domains: Vec<Domain>,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) external_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) stripe_customer_id: Option<String>,
    pub(crate) allow_profiles_outside_organization: bool,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

impl Store {
    pub(crate) fn organization(&self, id: &str) -> ApiResult<&Organization> {
        self.organizations.get(id)
    }

    /// Creates an organization and the resource that stands for it.
    pub(crate) fn insert_organization(&mut self, org: Organization) -> &Organization {
        let at = now();
        let resource = Resource {
            object: "authorization_resource",
            name: org.name.clone(),
            description: None,
            organization_id: org.id.clone(),
            parent_resource_id: None,
            id: self.ids.next("authz_resource"),
            external_id: org.id.clone(),
            resource_type_slug: ORGANIZATION_TYPE.to_owned(),
            created_at: at.clone(),
            updated_at: at,
        };
        self.insert_resource(resource);
        if let Some(ext) = &org.external_id {
            self.indexes.organization_by_external.insert(ext.clone(), org.id.clone());
        }
        self.organizations.push(org);
        self.organizations.last().expect("just pushed")
    }

    /// The organization with external id `ext`.
    pub(crate) fn organization_by_external(&self, ext: &str) -> Option<&Organization> {
        let id = self.indexes.organization_by_external.get(ext)?;
        self.organizations.find(id)
    }

    /// Sets the external id of the organization at `index` (the caller checked it is free).
    pub(crate) fn set_organization_external(&mut self, index: usize, ext: Option<String>) {
        let org = &mut self.organizations[index];
        if let Some(old) = org.external_id.take() {
            self.indexes.organization_by_external.remove(&old);
        }
        if let Some(new) = &ext {
            self.indexes.organization_by_external.insert(new.clone(), org.id.clone());
        }
        org.external_id = ext;
    }

    /// Removes an organization and everything that belongs to it.
    pub(crate) fn remove_organization(&mut self, id: &str) {
        self.remove_memberships(|m| m.organization_id == id);
        self.api_keys.retain(|k| k.owner["id"] != id && k.owner["organization_id"] != id);
        for flag in &mut self.flags {
            flag.targets.retain(|t| t != id);
        }
        self.roles.retain(|r| r.organization_id.as_deref() != Some(id));
        self.remove_resources(|r| r.organization_id == id);
        if let Some(ext) = self.organizations.find(id).and_then(|o| o.external_id.clone()) {
            self.indexes.organization_by_external.remove(&ext);
        }
        let groups: std::collections::HashSet<String> =
            self.groups.iter().filter(|g| g.organization_id == id).map(|g| g.id.clone()).collect();
        self.group_assignments.retain(|g| !groups.contains(&g.group_id));
        self.groups.retain(|g| g.organization_id != id);
        self.organizations.retain(|o| o.id != id);
    }
}
