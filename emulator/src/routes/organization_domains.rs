//! Organization domains on their own (`/organization_domains`): the same records as an
//! organization's `domains`, added for DNS verification and verified on request.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use serde::Deserialize;

use super::{Db, created, empty, ok};
use crate::model::error::{ApiError, ApiResult, non_empty, parse_body};
use crate::model::ids::{now, suffix};
use crate::model::{Domain, Store};

#[derive(Deserialize)]
struct CreateDomain {
    domain: String,
    organization_id: String,
}

/// The organization holding domain `id`, and the domain's position in its list.
fn find(store: &Store, id: &str) -> ApiResult<(usize, usize)> {
    store
        .organizations
        .iter()
        .enumerate()
        .find_map(|(o, org)| org.domains.iter().position(|d| d.id == id).map(|d| (o, d)))
        .ok_or_else(|| ApiError::not_found("Organization domain", id))
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

/// Adds a domain to an organization, pending DNS verification. A domain any organization has
/// already is a 409.
pub(super) async fn create(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: CreateDomain = parse_body(&body)?;
    let domain = check_domain(&dto.domain)?;
    let mut store = db.store();
    store.organization(&dto.organization_id)?;
    if store.organizations.iter().any(|o| o.domains.iter().any(|d| d.domain == domain)) {
        return Err(ApiError::conflict(
            "domain_already_exists",
            format!("Domain '{domain}' already exists."),
        ));
    }
    let at = now();
    let record = Domain {
        object: "organization_domain",
        id: store.ids.next("org_domain"),
        organization_id: dto.organization_id.clone(),
        domain,
        state: "pending".to_owned(),
        verification_strategy: "dns",
        verification_prefix: Some(format!("workos-domain-verification-{}", suffix())),
        verification_token: Some(format!("{}{}{}", suffix(), suffix(), suffix())),
        created_at: at.clone(),
        updated_at: at,
    };
    let org = store.organizations.iter_mut().find(|o| o.id == dto.organization_id).expect("checked above");
    org.domains.push(record.clone());
    store.emit_record("organization_domain.created", &record);
    Ok(created(record))
}

pub(super) async fn get(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    let (o, d) = find(&store, &id)?;
    Ok(ok(&store.organizations[o].domains[d]))
}

pub(super) async fn delete(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    let (o, d) = find(&store, &id)?;
    let record = store.organizations[o].domains.remove(d);
    store.emit_record("organization_domain.deleted", &record);
    Ok(empty(StatusCode::NO_CONTENT))
}

/// Verifies a domain: the emulator has no DNS to look at, so the check succeeds. A verified
/// domain is a 400 `domain_already_verified`, as the document says.
pub(super) async fn verify(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    let (o, d) = find(&store, &id)?;
    let record = &mut store.organizations[o].domains[d];
    if matches!(record.state.as_str(), "verified" | "legacy_verified") {
        return Err(ApiError::bad_request("domain_already_verified", "Domain is already verified."));
    }
    record.state = "verified".to_owned();
    record.updated_at = now();
    let record = record.clone();
    store.emit_record("organization_domain.verified", &record);
    Ok(created(record))
}
