//! Organizations: their records, the rules on their names, domains, metadata and external ids,
//! and the operations of `/organizations`; their IT contacts ([`it_contacts`]).

pub(crate) mod it_contacts;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::{ApiError, ApiResult, double_option, max_len, non_empty};
use super::ids::now;
use super::list::Query;
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

/// An item of `domain_data`: a domain with its state (`pending` or `verified`).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct DomainData {
    pub(crate) domain: String,
    pub(crate) state: String,
}

/// The body of `POST /organizations` (and what a seed creates). `name` is required: its absence
/// is the operation's 422, not the body's.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CreateOrganization {
    pub(crate) name: Option<String>,
    pub(crate) allow_profiles_outside_organization: Option<bool>,
    /// Domain names, each `pending`; `domain_data` wins when both are given.
    pub(crate) domains: Option<Vec<String>>,
    pub(crate) domain_data: Option<Vec<DomainData>>,
    /// Read (a string, or the body's 422) and ignored: only an update sets it.
    #[serde(rename = "stripe_customer_id")]
    pub(crate) _stripe_customer_id: Option<String>,
    pub(crate) metadata: Option<BTreeMap<String, String>>,
    pub(crate) external_id: Option<String>,
}

impl CreateOrganization {
    /// An organization with `name` and nothing else (what a seed's organization is).
    pub(crate) fn named(name: impl Into<String>) -> Self {
        Self { name: Some(name.into()), ..Self::default() }
    }
}

/// The body of `PUT /organizations/{id}`: the fields given change; `null` clears `metadata`
/// and `external_id`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct UpdateOrganization {
    pub(crate) name: Option<String>,
    pub(crate) allow_profiles_outside_organization: Option<bool>,
    pub(crate) domains: Option<Vec<String>>,
    pub(crate) domain_data: Option<Vec<DomainData>>,
    pub(crate) stripe_customer_id: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub(crate) metadata: Option<Option<BTreeMap<String, String>>>,
    #[serde(default, deserialize_with = "double_option")]
    pub(crate) external_id: Option<Option<String>>,
}

/// The domains a body asks for, lower-cased, with their states: `domain_data`, else `domains`
/// (all `pending`); `None` when it names none.
fn wanted_domains(data: Option<&[DomainData]>, names: Option<&[String]>) -> Option<Vec<(String, String)>> {
    match (data, names) {
        (Some(data), _) => {
            Some(data.iter().map(|d| (d.domain.to_ascii_lowercase(), d.state.clone())).collect())
        }
        (None, Some(names)) => {
            Some(names.iter().map(|d| (d.to_ascii_lowercase(), "pending".to_owned())).collect())
        }
        (None, None) => None,
    }
}

/// The document's metadata limits: 50 keys of at most 40 characters, values of at most 600.
/// Organizations and users share them.
pub(crate) fn check_metadata(metadata: Option<&BTreeMap<String, String>>) -> ApiResult<()> {
    let Some(metadata) = metadata else { return Ok(()) };
    let bad = if metadata.len() > 50 {
        Some("metadata has more than 50 keys".to_owned())
    } else if let Some(k) = metadata.keys().find(|k| k.chars().count() > 40) {
        Some(format!("metadata key '{k}' is longer than 40 characters"))
    } else {
        metadata
            .iter()
            .find(|(_, v)| v.chars().count() > 600)
            .map(|(k, _)| format!("metadata value of '{k}' is longer than 600 characters"))
    };
    match bad {
        Some(message) => Err(ApiError::bad_request("invalid_metadata", format!("{message}."))),
        None => Ok(()),
    }
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
        self.it_contacts.retain(|c| c.organization_id != id);
        self.organizations.retain(|o| o.id != id);
    }

    /// The organization's domains as a body asks for them (`None`: it names none). A domain
    /// another organization has is a 409; one this organization has keeps its id (and its
    /// timestamps, unless its state changes).
    fn organization_domains(
        &mut self,
        org: &str,
        wanted: Option<Vec<(String, String)>>,
    ) -> ApiResult<Option<Vec<Domain>>> {
        let Some(wanted) = wanted else { return Ok(None) };
        let mut out = Vec::new();
        for (i, (domain, state)) in wanted.into_iter().enumerate() {
            if !matches!(state.as_str(), "pending" | "verified") {
                return Err(ApiError::invalid_field(
                    &format!("domain_data[{i}].state"),
                    "invalid",
                    format!("domain_data[{i}].state must be 'pending' or 'verified', got '{state}'."),
                ));
            }
            if let Some(other) = self
                .organizations
                .iter()
                .find(|o| o.id != org && o.domains.iter().any(|d| d.domain == domain))
            {
                // The document's 409 here carries no code.
                let message = format!("Domain '{domain}' is already used by organization '{}'.", other.id);
                return Err(ApiError { code: None, ..ApiError::conflict("domain_already_used", message) });
            }
            let existing =
                self.organizations.find(org).and_then(|o| o.domains.iter().find(|d| d.domain == domain));
            out.push(match existing.cloned() {
                Some(mut kept) => {
                    if kept.state != state {
                        kept.state = state;
                        kept.updated_at = now();
                    }
                    kept
                }
                None => self.new_domain(org, domain, state),
            });
        }
        Ok(Some(out))
    }

    /// A new domain of `org`, verified by hand (`manual`).
    fn new_domain(&mut self, org: &str, domain: String, state: String) -> Domain {
        let at = now();
        Domain {
            object: "organization_domain",
            id: self.ids.next("org_domain"),
            organization_id: org.to_owned(),
            domain,
            state,
            verification_strategy: "manual",
            verification_prefix: None,
            verification_token: None,
            created_at: at.clone(),
            updated_at: at,
        }
    }

    /// At most 128 characters, and no other organization's (a 400).
    fn check_organization_external(&self, org: &str, external_id: Option<&str>) -> ApiResult<()> {
        max_len("external_id", external_id, 128)?;
        if let Some(ext) = external_id
            && self.organization_by_external(ext).is_some_and(|o| o.id != org)
        {
            return Err(ApiError::bad_request(
                "external_id_already_used",
                format!("External id '{ext}' is already used."),
            ));
        }
        Ok(())
    }

    /// `POST /organizations` (and the seed's organizations): emits `organization.created`.
    pub(crate) fn create_organization(&mut self, new: CreateOrganization) -> ApiResult<Organization> {
        let Some(name) = new.name else {
            return Err(ApiError::invalid_field("name", "required", "name is required."));
        };
        non_empty("name", &name)?;
        check_metadata(new.metadata.as_ref())?;
        let id = self.ids.next("org");
        self.check_organization_external(&id, new.external_id.as_deref())?;
        let wanted = wanted_domains(new.domain_data.as_deref(), new.domains.as_deref());
        let domains = self.organization_domains(&id, wanted)?.unwrap_or_default();
        let at = now();
        let org = Organization {
            object: "organization",
            id,
            name,
            domains,
            metadata: new.metadata.unwrap_or_default(),
            external_id: new.external_id,
            stripe_customer_id: None,
            allow_profiles_outside_organization: new.allow_profiles_outside_organization.unwrap_or(false),
            created_at: at.clone(),
            updated_at: at,
        };
        let org = self.insert_organization(org).clone();
        self.emit_record("organization.created", &org);
        Ok(org)
    }

    /// `GET /organizations`: a page, filtered by `domains` (any of them) and `search` (in the
    /// name, ignoring case).
    pub(crate) fn list_organizations(&self, query: &Query) -> Value {
        let domains: Vec<String> = query.get_list("domains").iter().map(|d| d.to_ascii_lowercase()).collect();
        let search = query.get("search").map(str::to_lowercase);
        if domains.is_empty() && search.is_none() {
            return query.page_sorted(&self.organizations, |o| &o.id);
        }
        let items = self
            .organizations
            .iter()
            .filter(|o| domains.is_empty() || o.domains.iter().any(|d| domains.contains(&d.domain)))
            .filter(|o| search.as_ref().is_none_or(|s| o.name.to_lowercase().contains(s)))
            .collect();
        query.page(items, |o| &o.id)
    }

    /// `GET /organizations/external_id/{external_id}`.
    pub(crate) fn get_organization_by_external(&self, ext: &str) -> ApiResult<&Organization> {
        self.organization_by_external(ext).ok_or_else(|| ApiError::not_found("Organization", ext))
    }

    /// `PUT /organizations/{id}`: emits `organization.updated`. A Stripe customer id another
    /// organization has is a 400.
    pub(crate) fn update_organization(
        &mut self,
        id: &str,
        changes: UpdateOrganization,
    ) -> ApiResult<Organization> {
        let index = self.organizations.index_of(id)?;
        if let Some(name) = &changes.name {
            non_empty("name", name)?;
        }
        check_metadata(changes.metadata.as_ref().and_then(Option::as_ref))?;
        self.check_organization_external(id, changes.external_id.as_ref().and_then(|e| e.as_deref()))?;
        if let Some(stripe) = &changes.stripe_customer_id
            && self.organizations.iter().any(|o| o.id != id && o.stripe_customer_id.as_ref() == Some(stripe))
        {
            return Err(ApiError::bad_request(
                "stripe_customer_id_already_used",
                format!("Stripe customer id '{stripe}' is already used."),
            ));
        }
        let wanted = wanted_domains(changes.domain_data.as_deref(), changes.domains.as_deref());
        let new_domains = self.organization_domains(id, wanted)?;
        if let Some(external_id) = changes.external_id {
            self.set_organization_external(index, external_id);
        }
        let org = &mut self.organizations[index];
        if let Some(name) = changes.name {
            org.name = name;
        }
        if let Some(allow) = changes.allow_profiles_outside_organization {
            org.allow_profiles_outside_organization = allow;
        }
        if let Some(domains) = new_domains {
            org.domains = domains;
        }
        if let Some(stripe) = changes.stripe_customer_id {
            org.stripe_customer_id = Some(stripe);
        }
        if let Some(metadata) = changes.metadata {
            org.metadata = metadata.unwrap_or_default();
        }
        org.updated_at = now();
        let org = org.clone();
        self.emit_record("organization.updated", &org);
        Ok(org)
    }

    /// `DELETE /organizations/{id}`: the organization with its memberships, custom roles and
    /// resources; emits `organization.deleted`. Answers the deleted organization.
    pub(crate) fn delete_organization(&mut self, id: &str) -> ApiResult<Organization> {
        let org = self.organization(id)?.clone();
        self.remove_organization(id);
        self.emit_record("organization.deleted", &org);
        Ok(org)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{event_names, membership, organization, user};

    fn with_domains(name: &str, data: &[(&str, &str)]) -> CreateOrganization {
        let data = data.iter().map(|(d, s)| DomainData { domain: (*d).into(), state: (*s).into() }).collect();
        CreateOrganization { domain_data: Some(data), ..CreateOrganization::named(name) }
    }

    #[test]
    fn an_unknown_id_is_a_404_naming_the_organization() {
        let mut store = Store::default();
        for e in [
            store.organization("org_nope").map(drop).unwrap_err(),
            store.update_organization("org_nope", UpdateOrganization::default()).map(drop).unwrap_err(),
            store.delete_organization("org_nope").map(drop).unwrap_err(),
            store.get_organization_by_external("ext").map(drop).unwrap_err(),
        ] {
            assert_eq!((e.status.as_u16(), e.code), (404, Some("entity_not_found")));
            assert!(e.message.starts_with("Organization not found: '"), "{}", e.message);
        }
    }

    #[test]
    fn a_name_is_required_and_not_blank() {
        let mut store = Store::default();
        let e = store.create_organization(CreateOrganization::default()).unwrap_err();
        assert_eq!(
            (e.status.as_u16(), e.errors[0].field.as_str(), e.message.as_str()),
            (422, "name", "name is required.")
        );
        let e = store.create_organization(CreateOrganization::named("  ")).unwrap_err();
        assert_eq!((e.status.as_u16(), e.errors[0].code), (422, "required"));
        assert!(store.organizations.is_empty() && store.events.log.is_empty());
    }

    #[test]
    fn creating_stores_the_organization_its_resource_and_an_event() {
        let mut store = Store::default();
        let new =
            CreateOrganization { external_id: Some("ext-1".into()), ..CreateOrganization::named("Acme") };
        let org = store.create_organization(new).expect("created");
        assert_eq!(
            (org.object, org.name.as_str(), org.allow_profiles_outside_organization),
            ("organization", "Acme", false)
        );
        assert_eq!(
            store.get_organization_by_external("ext-1").map(|o| o.id.clone()).ok(),
            Some(org.id.clone())
        );
        assert_eq!(
            store.organization_resource(&org.id).map(|r| r.name.clone()).ok().as_deref(),
            Some("Acme")
        );
        assert_eq!(event_names(&store), ["organization.created"]);
        assert_eq!(store.events.log[0]["data"]["id"], org.id.as_str());
    }

    #[test]
    fn metadata_and_external_ids_have_limits() {
        let mut store = Store::default();
        let many: BTreeMap<String, String> = (0..51).map(|i| (format!("k{i}"), "v".into())).collect();
        let e = store
            .create_organization(CreateOrganization {
                metadata: Some(many),
                ..CreateOrganization::named("A")
            })
            .unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (400, Some("invalid_metadata")));
        let long_key = BTreeMap::from([("k".repeat(41), "v".into())]);
        assert!(check_metadata(Some(&long_key)).unwrap_err().message.contains("longer than 40"));
        let long_value = BTreeMap::from([("k".into(), "v".repeat(601))]);
        assert!(check_metadata(Some(&long_value)).unwrap_err().message.contains("longer than 600"));
        let e = store
            .create_organization(CreateOrganization {
                external_id: Some("x".repeat(129)),
                ..CreateOrganization::named("A")
            })
            .unwrap_err();
        assert_eq!((e.status.as_u16(), e.errors[0].code), (422, "too_long"));
        let ext =
            |n: &str| CreateOrganization { external_id: Some("e1".into()), ..CreateOrganization::named(n) };
        store.create_organization(ext("A")).expect("first");
        let e = store.create_organization(ext("B")).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (400, Some("external_id_already_used")));
    }

    #[test]
    fn a_domain_belongs_to_one_organization_and_has_a_known_state() {
        let mut store = Store::default();
        let a = store.create_organization(with_domains("A", &[("Acme.test", "verified")])).expect("a");
        assert_eq!((a.domains[0].domain.as_str(), a.domains[0].state.as_str()), ("acme.test", "verified"));
        let e = store.create_organization(with_domains("B", &[("acme.TEST", "pending")])).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (409, None));
        assert_eq!(e.message, format!("Domain 'acme.test' is already used by organization '{}'.", a.id));
        let e = store
            .create_organization(with_domains("B", &[("b.test", "pending"), ("c.test", "done")]))
            .unwrap_err();
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "domain_data[1].state"));
    }

    #[test]
    fn an_update_keeps_known_domains_and_checks_stripe_ids() {
        let mut store = Store::default();
        let a = store.create_organization(with_domains("A", &[("a.test", "pending")])).expect("a");
        let b = organization(&mut store, "B");
        let changes = UpdateOrganization {
            name: Some("A2".into()),
            domains: Some(vec!["a.test".into(), "a2.test".into()]),
            stripe_customer_id: Some("cus_1".into()),
            metadata: Some(Some(BTreeMap::from([("k".into(), "v".into())]))),
            ..UpdateOrganization::default()
        };
        let updated = store.update_organization(&a.id, changes).expect("updated");
        assert_eq!(updated.name, "A2");
        assert_eq!(updated.domains[0].id, a.domains[0].id, "a kept domain keeps its id");
        assert_eq!(updated.domains.len(), 2);
        assert_eq!(updated.stripe_customer_id.as_deref(), Some("cus_1"));
        let stripe =
            UpdateOrganization { stripe_customer_id: Some("cus_1".into()), ..UpdateOrganization::default() };
        let e = store.update_organization(&b.id, stripe).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (400, Some("stripe_customer_id_already_used")));
        let clear = UpdateOrganization { metadata: Some(None), ..UpdateOrganization::default() };
        assert!(store.update_organization(&a.id, clear).expect("cleared").metadata.is_empty());
        assert_eq!(
            event_names(&store),
            ["organization.created", "organization.created", "organization.updated", "organization.updated"]
        );
    }

    #[test]
    fn an_external_id_moves_and_clears() {
        let mut store = Store::default();
        let org = organization(&mut store, "A");
        let set = |ext: Option<&str>| UpdateOrganization {
            external_id: Some(ext.map(str::to_owned)),
            ..UpdateOrganization::default()
        };
        store.update_organization(&org.id, set(Some("one"))).expect("set");
        store.update_organization(&org.id, set(Some("two"))).expect("moved");
        assert!(store.organization_by_external("one").is_none());
        assert_eq!(store.organization_by_external("two").map(|o| o.id.clone()), Some(org.id.clone()));
        assert_eq!(store.update_organization(&org.id, set(None)).expect("cleared").external_id, None);
        assert!(store.organization_by_external("two").is_none());
    }

    #[test]
    fn deleting_takes_the_memberships_and_emits_the_organization() {
        let mut store = Store::default();
        let org = organization(&mut store, "A");
        let ada = user(&mut store, "ada@a.test");
        membership(&mut store, &ada.id, &org.id);
        let gone = store.delete_organization(&org.id).expect("deleted");
        assert_eq!(gone.id, org.id);
        assert!(
            store.organizations.is_empty() && store.memberships.is_empty() && store.assignments.is_empty()
        );
        assert!(store.organization_resource(&org.id).is_err());
        assert_eq!(event_names(&store).last().map(String::as_str), Some("organization.deleted"));
    }

    #[test]
    fn lists_filter_by_domain_and_name() {
        let mut store = Store::default();
        store.create_organization(with_domains("Acme", &[("acme.test", "pending")])).expect("acme");
        organization(&mut store, "Globex");
        let names = |raw: &str| -> Vec<String> {
            let page = store.list_organizations(&Query::parse(Some(raw)).expect("query"));
            page["data"]
                .as_array()
                .expect("data")
                .iter()
                .map(|o| o["name"].as_str().unwrap_or_default().to_owned())
                .collect()
        };
        assert_eq!(names(""), ["Globex", "Acme"]);
        assert_eq!(names("domains=ACME.test"), ["Acme"]);
        assert_eq!(names("search=glob"), ["Globex"]);
        assert!(names("search=glob&domains=acme.test").is_empty());
    }
}
