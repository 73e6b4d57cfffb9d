//! Organizations, users and organization memberships.

use std::collections::BTreeMap;

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use serde::Deserialize;

use super::{Db, created, empty, ok};
use crate::model::error::{ApiError, ApiResult, double_option, max_len, non_empty, parse_body};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::{Domain, Membership, Organization, Store, User};

#[derive(Deserialize)]
struct DomainData {
    domain: String,
    state: String,
}

#[derive(Deserialize)]
struct OrganizationDto {
    name: Option<String>,
    allow_profiles_outside_organization: Option<bool>,
    domains: Option<Vec<String>>,
    domain_data: Option<Vec<DomainData>>,
    stripe_customer_id: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    metadata: Option<Option<BTreeMap<String, String>>>,
    #[serde(default, deserialize_with = "double_option")]
    external_id: Option<Option<String>>,
}

/// The document's metadata limits: 50 keys of at most 40 characters, values of at most 600.
fn check_metadata(metadata: Option<&BTreeMap<String, String>>) -> ApiResult<()> {
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

fn domains(store: &mut Store, org: &str, dto: &OrganizationDto) -> ApiResult<Option<Vec<Domain>>> {
    let wanted: Vec<(String, String)> = match (&dto.domain_data, &dto.domains) {
        (Some(data), _) => data.iter().map(|d| (d.domain.to_ascii_lowercase(), d.state.clone())).collect(),
        (None, Some(names)) => names.iter().map(|d| (d.to_ascii_lowercase(), "pending".to_owned())).collect(),
        (None, None) => return Ok(None),
    };
    let mut out = Vec::new();
    for (i, (domain, state)) in wanted.into_iter().enumerate() {
        if !matches!(state.as_str(), "pending" | "verified") {
            return Err(ApiError::invalid_field(
                &format!("domain_data[{i}].state"),
                "invalid",
                format!("domain_data[{i}].state must be 'pending' or 'verified', got '{state}'."),
            ));
        }
        if let Some(other) =
            store.organizations.iter().find(|o| o.id != org && o.domains.iter().any(|d| d.domain == domain))
        {
            return Err(ApiError {
                status: StatusCode::CONFLICT,
                code: None,
                message: format!("Domain '{domain}' is already used by organization '{}'.", other.id),
                errors: Vec::new(),
                oauth: false,
            });
        }
        // A domain the organization already has keeps its id (and its timestamps, unless its
        // state changes).
        let existing = store
            .organizations
            .iter()
            .find(|o| o.id == org)
            .and_then(|o| o.domains.iter().find(|d| d.domain == domain))
            .cloned();
        match existing {
            Some(mut kept) => {
                if kept.state != state {
                    kept.state = state;
                    kept.updated_at = now();
                }
                out.push(kept);
            }
            None => {
                let at = now();
                out.push(Domain {
                    object: "organization_domain",
                    id: store.ids.next("org_domain"),
                    organization_id: org.to_owned(),
                    domain,
                    state,
                    verification_strategy: "manual",
                    verification_prefix: None,
                    verification_token: None,
                    created_at: at.clone(),
                    updated_at: at,
                });
            }
        }
    }
    Ok(Some(out))
}

fn check_external_id(store: &Store, org: &str, external_id: Option<&str>) -> ApiResult<()> {
    max_len("external_id", external_id, 128)?;
    if let Some(ext) = external_id
        && store.organization_by_external(ext).is_some_and(|o| o.id != org)
    {
        return Err(ApiError::bad_request(
            "external_id_already_used",
            format!("External id '{ext}' is already used."),
        ));
    }
    Ok(())
}

/// Creates an organization (the API's and the seed's path).
pub(crate) fn create_organization(store: &mut Store, body: &[u8]) -> ApiResult<Organization> {
    let dto: OrganizationDto = parse_body(body)?;
    let Some(name) = dto.name.clone() else {
        return Err(ApiError::invalid_field("name", "required", "name is required."));
    };
    non_empty("name", &name)?;
    let metadata = dto.metadata.clone().flatten();
    check_metadata(metadata.as_ref())?;
    let external_id = dto.external_id.clone().flatten();
    let id = store.ids.next("org");
    check_external_id(store, &id, external_id.as_deref())?;
    let domains = domains(store, &id, &dto)?.unwrap_or_default();
    let at = now();
    let org = Organization {
        object: "organization",
        id,
        name,
        domains,
        metadata: metadata.unwrap_or_default(),
        external_id,
        stripe_customer_id: None,
        allow_profiles_outside_organization: dto.allow_profiles_outside_organization.unwrap_or(false),
        created_at: at.clone(),
        updated_at: at,
    };
    let org = store.insert_organization(org).clone();
    store.emit_record("organization.created", &org);
    Ok(org)
}

pub(super) async fn list_organizations(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let domains: Vec<String> = query.get_list("domains").iter().map(|d| d.to_ascii_lowercase()).collect();
    let search = query.get("search").map(str::to_lowercase);
    let store = db.store();
    if domains.is_empty() && search.is_none() {
        return Ok(ok(query.page_sorted(&store.organizations, |o| &o.id)));
    }
    let items = store
        .organizations
        .iter()
        .filter(|o| domains.is_empty() || o.domains.iter().any(|d| domains.contains(&d.domain)))
        .filter(|o| search.as_ref().is_none_or(|s| o.name.to_lowercase().contains(s)))
        .collect();
    Ok(ok(query.page(items, |o| &o.id)))
}

pub(super) async fn create_organization_handler(State(db): Db, body: Bytes) -> ApiResult<Response> {
    create_organization(&mut db.store(), &body).map(created)
}

pub(super) async fn get_organization(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().organization(&id).map(ok)
}

pub(super) async fn get_organization_by_external_id(
    State(db): Db,
    Path(external_id): Path<String>,
) -> ApiResult<Response> {
    let store = db.store();
    let org = store.organization_by_external(&external_id);
    org.map(ok).ok_or_else(|| ApiError::not_found("Organization", &external_id))
}

pub(super) async fn update_organization(
    State(db): Db,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    store.organization(&id)?;
    let dto: OrganizationDto = parse_body(&body)?;
    if let Some(name) = &dto.name {
        non_empty("name", name)?;
    }
    check_metadata(dto.metadata.as_ref().and_then(Option::as_ref))?;
    check_external_id(&store, &id, dto.external_id.as_ref().and_then(|e| e.as_deref()))?;
    if let Some(stripe) = &dto.stripe_customer_id
        && store.organizations.iter().any(|o| o.id != id && o.stripe_customer_id.as_ref() == Some(stripe))
    {
        return Err(ApiError::bad_request(
            "stripe_customer_id_already_used",
            format!("Stripe customer id '{stripe}' is already used."),
        ));
    }
    let new_domains = domains(&mut store, &id, &dto)?;
    let index = store.organizations.binary_search_by(|o| o.id.cmp(&id)).expect("checked above");
    if let Some(external_id) = dto.external_id {
        store.set_organization_external(index, external_id);
    }
    let org = &mut store.organizations[index];
    if let Some(name) = dto.name {
        org.name = name;
    }
    if let Some(allow) = dto.allow_profiles_outside_organization {
        org.allow_profiles_outside_organization = allow;
    }
    if let Some(domains) = new_domains {
        org.domains = domains;
    }
    if let Some(stripe) = dto.stripe_customer_id {
        org.stripe_customer_id = Some(stripe);
    }
    if let Some(metadata) = dto.metadata {
        org.metadata = metadata.unwrap_or_default();
    }
    org.updated_at = now();
    let org = org.clone();
    store.emit_record("organization.updated", &org);
    Ok(ok(org))
}

/// Deletes an organization with its memberships, custom roles and resources. The document
/// answers 202 (accepted) with no body; an unknown id is a 404.
pub(super) async fn delete_organization(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    let org = store.organization(&id)?.clone();
    store.remove_organization(&id);
    store.emit_record("organization.deleted", &org);
    Ok(empty(StatusCode::ACCEPTED))
}

#[derive(Deserialize)]
struct CreateUser {
    email: String,
    first_name: Option<String>,
    last_name: Option<String>,
    email_verified: Option<bool>,
    metadata: Option<BTreeMap<String, String>>,
    external_id: Option<String>,
    password: Option<String>,
    password_hash: Option<String>,
    password_hash_type: Option<String>,
    locale: Option<String>,
}

pub(super) async fn list_users(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let org = query.get("organization_id").or_else(|| query.get("organization"));
    let email = query.get("email").map(str::to_lowercase);
    let store = db.store();
    if org.is_none() && email.is_none() {
        return Ok(ok(query.page_sorted(&store.users, |u| &u.id)));
    }
    // From the indexes: the user with the email, or the organization's members.
    let items: Vec<&User> = match (&email, org) {
        (Some(e), _) => store
            .user_by_email(e)
            .filter(|u| org.is_none_or(|o| store.membership_of(&u.id, o).is_some()))
            .into_iter()
            .collect(),
        (None, Some(o)) => {
            store.memberships_by(false, o).filter_map(|m| store.users.find(&m.user_id)).collect()
        }
        (None, None) => Vec::new(),
    };
    Ok(ok(query.page(items, |u| &u.id)))
}

pub(super) async fn create_user(State(db): Db, body: Bytes) -> ApiResult<Response> {
    create_user_in(&mut db.store(), &body).map(created)
}

/// Creates a user (the API's and the seed's path).
pub(crate) fn create_user_in(store: &mut Store, body: &[u8]) -> ApiResult<User> {
    let dto: CreateUser = parse_body(body)?;
    let email = check_email(&dto.email)?;
    max_len("external_id", dto.external_id.as_deref(), 128)?;
    if dto.password.is_some() && dto.password_hash.is_some() {
        return Err(ApiError::bad_request(
            "password_and_password_hash_provided",
            "password and password_hash are mutually exclusive.",
        ));
    }
    if dto.password.is_some() && dto.password_hash_type.is_some() {
        return Err(ApiError::bad_request(
            "password_and_password_hash_type_provided",
            "password and password_hash_type are mutually exclusive.",
        ));
    }
    check_metadata(dto.metadata.as_ref())?;
    if store.user_by_email(&email).is_some() {
        let mut e = ApiError::bad_request("user_creation_error", "Could not create user.");
        e.errors.push(crate::model::error::FieldError {
            field: "email".to_owned(),
            code: "email_not_available",
            message: format!("Email '{email}' is not available."),
            instance_path: None,
        });
        return Err(e);
    }
    if let Some(ext) = &dto.external_id
        && store.user_by_external(ext).is_some()
    {
        return Err(ApiError::bad_request(
            "user_creation_error",
            format!("External id '{ext}' is already used."),
        ));
    }
    let at = now();
    let user = User {
        object: "user",
        id: store.ids.next("user"),
        first_name: dto.first_name,
        last_name: dto.last_name,
        profile_picture_url: None,
        email,
        email_verified: dto.email_verified.unwrap_or(false),
        external_id: dto.external_id,
        metadata: dto.metadata.unwrap_or_default(),
        last_sign_in_at: None,
        locale: dto.locale,
        created_at: at.clone(),
        updated_at: at,
    };
    if let Some(password) = dto.password {
        store.passwords.insert(user.id.clone(), password);
    }
    store.insert_user(user.clone());
    store.emit_record("user.created", &user);
    Ok(user)
}

pub(super) async fn get_user(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().user(&id).map(ok)
}

pub(super) async fn get_user_by_external_id(
    State(db): Db,
    Path(external_id): Path<String>,
) -> ApiResult<Response> {
    let store = db.store();
    let user = store.user_by_external(&external_id);
    user.map(ok).ok_or_else(|| ApiError::not_found("User", &external_id))
}

#[derive(Deserialize)]
struct UpdateUser {
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    email_verified: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    metadata: Option<Option<BTreeMap<String, String>>>,
    #[serde(default, deserialize_with = "double_option")]
    external_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    locale: Option<Option<String>>,
    /// A new password: the user signs in with it from now on.
    password: Option<String>,
    /// A password hash imported from elsewhere (with `password_hash_type`): the emulator cannot
    /// check one, so the user no longer signs in with a password.
    password_hash: Option<String>,
    password_hash_type: Option<String>,
}

/// Updates the fields given; `null` clears `metadata`, `external_id` and `locale`.
pub(super) async fn update_user(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let mut store = db.store();
    store.user(&id)?;
    let dto: UpdateUser = parse_body(&body)?;
    let email = match &dto.email {
        Some(e) => Some(check_email(e)?),
        None => None,
    };
    if let Some(email) = &email
        && store.user_by_email(email).is_some_and(|u| u.id != id)
    {
        return Err(ApiError::invalid_field(
            "email",
            "email_not_available",
            format!("Email '{email}' is not available."),
        ));
    }
    let external_id = dto.external_id.clone().flatten();
    max_len("external_id", external_id.as_deref(), 128)?;
    if let Some(ext) = &external_id
        && store.user_by_external(ext).is_some_and(|u| u.id != id)
    {
        return Err(ApiError::bad_request(
            "external_id_already_used",
            format!("External id '{ext}' is already used."),
        ));
    }
    check_metadata(dto.metadata.as_ref().and_then(Option::as_ref))?;
    if dto.password.is_some() && dto.password_hash.is_some() {
        return Err(ApiError::bad_request(
            "password_and_password_hash_provided",
            "password and password_hash are mutually exclusive.",
        ));
    }
    if dto.password_hash.is_some() != dto.password_hash_type.is_some() {
        return Err(ApiError::invalid_field(
            "password_hash_type",
            "required",
            "password_hash and password_hash_type go together.",
        ));
    }
    if let Some(password) = &dto.password {
        store.passwords.insert(id.clone(), password.clone());
    } else if dto.password_hash.is_some() {
        store.passwords.remove(&id);
    }
    let index = store.users.binary_search_by(|u| u.id.cmp(&id)).expect("checked above");
    if let Some(email) = email
        && email != store.users[index].email
    {
        store.users[index].email_verified = false;
        store.set_email(index, email);
    }
    if dto.external_id.is_some() {
        store.set_user_external(index, external_id);
    }
    let user = &mut store.users[index];
    if let Some(first) = dto.first_name {
        user.first_name = Some(first);
    }
    if let Some(last) = dto.last_name {
        user.last_name = Some(last);
    }
    if let Some(verified) = dto.email_verified {
        user.email_verified = verified;
    }
    if let Some(metadata) = dto.metadata {
        user.metadata = metadata.unwrap_or_default();
    }
    if let Some(locale) = dto.locale {
        user.locale = locale;
    }
    user.updated_at = now();
    let user = user.clone();
    store.emit_record("user.updated", &user);
    Ok(ok(user))
}

/// A lower-cased email address, or a 422 naming `email`.
pub(super) fn check_email(given: &str) -> ApiResult<String> {
    let email = given.trim().to_lowercase();
    if !email.contains('@') || email.starts_with('@') || email.ends_with('@') {
        return Err(ApiError::invalid_field(
            "email",
            "invalid",
            format!("email '{given}' is not an email address."),
        ));
    }
    Ok(email)
}

/// Deletes a user and their memberships; the document answers 200 with no body.
pub(super) async fn delete_user(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    let user = store.user(&id)?.clone();
    store.remove_user(&id);
    store.emit_record("user.deleted", &user);
    Ok(empty(StatusCode::OK))
}

#[derive(Deserialize)]
struct CreateMembership {
    user_id: String,
    organization_id: String,
    role_slug: Option<String>,
    role_slugs: Option<Vec<String>>,
}

pub(super) async fn list_memberships(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let (org, user) = (query.get("organization_id"), query.get("user_id"));
    if org.is_none() && user.is_none() {
        return Err(ApiError::bad_request(
            "missing_user_id_or_organization_id",
            "Either user_id or organization_id is required.",
        ));
    }
    let statuses = query.get_list("statuses");
    if let Some(bad) = statuses.iter().find(|s| !matches!(**s, "active" | "inactive" | "pending")) {
        return Err(ApiError::bad_request(
            "invalid_request_parameters",
            format!("statuses: '{bad}' is not one of active, inactive, pending."),
        ));
    }
    let store = db.store();
    // From the index of the user's (or else the organization's) memberships, not a scan.
    let ids = match (user, org) {
        (Some(u), _) => store.membership_ids(true, u),
        (None, Some(o)) => store.membership_ids(false, o),
        (None, None) => &[],
    };
    if statuses.is_empty() && (org.is_none() || user.is_none()) {
        // One filter: the index is the list, looked up only for the page.
        let page = query.page_sorted_with(ids, String::as_str, |id| {
            store.memberships.find(id).map(|m| store.membership_json(m))
        });
        return Ok(ok(page));
    }
    let items: Vec<&Membership> = ids
        .iter()
        .filter_map(|id| store.memberships.find(id))
        .filter(|m| org.is_none_or(|o| m.organization_id == o))
        .filter(|m| statuses.is_empty() || statuses.contains(&m.status))
        .collect();
    // Only the page's memberships are expanded (user, organization name, role).
    let page = query.page_with(items, |m| &m.id, |m| store.membership_json(m));
    Ok(ok(page))
}

pub(super) async fn create_membership(State(db): Db, body: Bytes) -> ApiResult<Response> {
    create_membership_in(&mut db.store(), &body).map(created)
}

/// Creates an organization membership (the API's and the seed's path); returns its answer.
pub(crate) fn create_membership_in(store: &mut Store, body: &[u8]) -> ApiResult<serde_json::Value> {
    let dto: CreateMembership = parse_body(body)?;
    store.user(&dto.user_id)?;
    store.organization(&dto.organization_id)?;
    let roles = roles_of(store, &dto.organization_id, dto.role_slug, dto.role_slugs)?
        .unwrap_or_else(|| vec![crate::model::DEFAULT_ROLE.to_owned()]);
    if store.membership_of(&dto.user_id, &dto.organization_id).is_some() {
        return Err(ApiError::invalid_field(
            "user_id",
            "already_member",
            format!("User '{}' is already a member of organization '{}'.", dto.user_id, dto.organization_id),
        ));
    }
    let at = now();
    let membership = Membership {
        id: store.ids.next("om"),
        user_id: dto.user_id,
        organization_id: dto.organization_id,
        status: "active",
        created_at: at.clone(),
        updated_at: at,
    };
    let root = store.organization_resource(&membership.organization_id)?.as_ref();
    for role in &roles {
        store.assign(&membership.id, role, root.clone());
    }
    store.insert_membership(membership.clone());
    let answer = store.membership_json(&membership);
    store.emit("organization_membership.created", answer.clone());
    Ok(answer)
}

pub(super) async fn get_membership(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    let m = store.membership(&id)?;
    Ok(ok(store.membership_json(m)))
}

#[derive(Deserialize)]
struct UpdateMembership {
    role_slug: Option<String>,
    role_slugs: Option<Vec<String>>,
}

/// The role slugs of a membership body: `role_slug` or `role_slugs` (exclusive), each a role of
/// the organization; `None` when neither is given.
fn roles_of(
    store: &Store,
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
            return Err(ApiError::invalid_field("role_slugs", "invalid", "role_slugs must not be empty."));
        }
        (None, Some(many)) => many,
        (None, None) => return Ok(None),
    };
    if let Some(bad) = roles.iter().find(|r| store.role_for(organization_id, r).is_err()) {
        return Err(ApiError::unprocessable(
            "invalid_role",
            format!("Role '{bad}' does not exist in this organization."),
        ));
    }
    Ok(Some(roles))
}

/// Replaces the membership's roles on its organization (roles on other resources stay).
pub(super) async fn update_membership(
    State(db): Db,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    let membership = store.membership(&id)?.clone();
    let dto: UpdateMembership = parse_body(&body)?;
    if let Some(roles) = roles_of(&store, &membership.organization_id, dto.role_slug, dto.role_slugs)? {
        let root = store.organization_resource(&membership.organization_id)?.as_ref();
        store.remove_assignments(|a| a.membership_id == id && a.resource == root);
        for role in &roles {
            store.assign(&id, role, root.clone());
        }
    }
    let m = store.memberships.iter_mut().find(|m| m.id == id).expect("checked above");
    m.updated_at = now();
    let m = m.clone();
    let answer = store.membership_json(&m);
    store.emit("organization_membership.updated", answer.clone());
    Ok(ok(answer))
}

/// `deactivate` (to `inactive`) and `reactivate` (to `active`); a pending membership can do
/// neither, and one already there is answered as it is.
fn set_membership_status(store: &mut Store, id: &str, status: &'static str) -> ApiResult<Response> {
    let current = store.membership(id)?.status;
    if current == "pending" {
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
    let m = store.memberships.iter_mut().find(|m| m.id == id).expect("checked above");
    if m.status != status {
        m.status = status;
        m.updated_at = now();
    }
    let m = m.clone();
    let answer = store.membership_json(&m);
    store.emit("organization_membership.updated", answer.clone());
    Ok(ok(answer))
}

pub(super) async fn deactivate_membership(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    set_membership_status(&mut db.store(), &id, "inactive")
}

pub(super) async fn reactivate_membership(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    set_membership_status(&mut db.store(), &id, "active")
}

/// Deletes a membership and its role assignments; the document answers 200 with no body.
pub(super) async fn delete_membership(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    let data = store.membership_json(store.membership(&id)?);
    store.remove_memberships(|m| m.id == id);
    store.emit("organization_membership.deleted", data);
    Ok(empty(StatusCode::OK))
}
