//! Organization domains: the records of an organization's `domains`, added for DNS
//! verification and verified on request.

use serde::{Deserialize, Serialize};

use super::error::{ApiError, ApiResult, non_empty};
use super::ids::{now, suffix};
use super::*;

records!(
    Domain => "Organization domain",
);

/// An item of `Organization.domains`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Domain {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) domain: String,
    pub(crate) state: String,
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) verification_strategy: Name,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) verification_prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) verification_token: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `POST /organization_domains`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CreateDomain {
    pub(crate) domain: String,
    pub(crate) organization_id: String,
}

/// A domain name as WorkOS stores it: lower case, at least two labels of letters, digits and
/// hyphens.
fn check_domain(given: &str) -> ApiResult<String> {
    non_empty("domain", given)?;
    let domain = given.trim().trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    let valid = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if !valid {
        return Err(ApiError::invalid_field("domain", "invalid", format!("'{given}' is not a domain name.")));
    }
    Ok(domain)
}

impl Store {
    /// The organization holding domain `id`, and the domain's position in its list.
    fn domain_position(&self, id: &str) -> ApiResult<(usize, usize)> {
        self.organizations
            .iter()
            .enumerate()
            .find_map(|(o, org)| org.domains.iter().position(|d| d.id == id).map(|d| (o, d)))
            .ok_or_else(|| ApiError::not_found("Organization domain", id))
    }

    /// The domain with `id`, whichever organization holds it.
    pub(crate) fn domain(&self, id: &str) -> ApiResult<&Domain> {
        let (o, d) = self.domain_position(id)?;
        Ok(&self.organizations[o].domains[d])
    }

    /// Adds a domain to an organization, pending DNS verification
    /// (`organization_domain.created`). A domain any organization has already is a 409
    /// `domain_already_exists`.
    pub(crate) fn create_domain(&mut self, new: CreateDomain) -> ApiResult<Domain> {
        let domain = check_domain(&new.domain)?;
        self.organization(&new.organization_id)?;
        if self.organizations.iter().any(|o| o.domains.iter().any(|d| d.domain == domain)) {
            return Err(ApiError::conflict(
                "domain_already_exists",
                format!("Domain '{domain}' already exists."),
            ));
        }
        let at = now();
        let record = Domain {
            object: "organization_domain",
            id: self.ids.next("org_domain"),
            organization_id: new.organization_id.clone(),
            domain,
            state: "pending".to_owned(),
            verification_strategy: "dns",
            verification_prefix: Some(format!("workos-domain-verification-{}", suffix())),
            verification_token: Some(format!("{}{}{}", suffix(), suffix(), suffix())),
            created_at: at.clone(),
            updated_at: at,
        };
        self.organizations.get_mut(&new.organization_id)?.domains.push(record.clone());
        self.emit_record("organization_domain.created", &record);
        Ok(record)
    }

    /// Deletes a domain (`organization_domain.deleted`).
    pub(crate) fn delete_domain(&mut self, id: &str) -> ApiResult<Domain> {
        let (o, d) = self.domain_position(id)?;
        let record = self.organizations[o].domains.remove(d);
        self.emit_record("organization_domain.deleted", &record);
        Ok(record)
    }

    /// Verifies a domain (`organization_domain.verified`): the emulator has no DNS to look at,
    /// so the check succeeds. A verified domain is a 400 `domain_already_verified`, as the
    /// document says.
    pub(crate) fn verify_domain(&mut self, id: &str) -> ApiResult<Domain> {
        let (o, d) = self.domain_position(id)?;
        let record = &mut self.organizations[o].domains[d];
        if matches!(record.state.as_str(), "verified" | "legacy_verified") {
            return Err(ApiError::bad_request("domain_already_verified", "Domain is already verified."));
        }
        record.state = "verified".to_owned();
        record.updated_at = now();
        let record = record.clone();
        self.emit_record("organization_domain.verified", &record);
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::authorization::fixtures::{Org, event_names};

    fn new(domain: &str, org: &Org) -> CreateDomain {
        CreateDomain { domain: domain.to_owned(), organization_id: org.id.clone() }
    }

    #[test]
    fn domain_names_are_checked_and_lower_cased() {
        assert_eq!(check_domain(" Example.COM. ").ok().as_deref(), Some("example.com"));
        for bad in ["", "localhost", "-a.com", "a..com", "a_b.com", "a.com-"] {
            let e = check_domain(bad).expect_err(bad);
            assert_eq!(e.errors[0].field, "domain", "{bad}");
        }
    }

    #[test]
    fn a_domain_belongs_to_one_organization_and_is_verified_once() {
        let mut store = Store::default();
        let (org, other) = (Org::new(&mut store), Org::new(&mut store));
        let made = store.create_domain(new("Example.com", &org)).expect("created");
        assert_eq!((made.domain.as_str(), made.state.as_str()), ("example.com", "pending"));
        assert_eq!(store.organization(&org.id).expect("org").domains.len(), 1);
        let e = store.create_domain(new("example.com", &other)).expect_err("taken");
        assert_eq!((e.status.as_u16(), e.code), (409, Some("domain_already_exists")));
        let e = store.create_domain(CreateDomain { organization_id: "org_9".into(), ..new("b.com", &org) });
        assert_eq!(e.expect_err("no org").message, "Organization not found: 'org_9'.");
        assert_eq!(store.verify_domain(&made.id).expect("verified").state, "verified");
        let e = store.verify_domain(&made.id).expect_err("twice");
        assert_eq!((e.status.as_u16(), e.code), (400, Some("domain_already_verified")));
        assert_eq!(store.delete_domain(&made.id).expect("deleted").id, made.id);
        let e = store.domain(&made.id).expect_err("gone");
        assert_eq!(e.message, format!("Organization domain not found: '{}'.", made.id));
        assert_eq!(
            event_names(&store),
            ["organization_domain.created", "organization_domain.verified", "organization_domain.deleted"]
        );
    }
}
