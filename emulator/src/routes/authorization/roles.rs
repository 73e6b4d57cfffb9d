//! Environment roles and organization (custom) roles, with their permissions.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::json;

use crate::model::error::{ApiError, ApiResult, double_option, max_len, non_empty, parse_body};
use crate::model::ids::{now, suffix};
use crate::model::{ORGANIZATION_TYPE, Role, Store};
use crate::routes::{Db, created, empty, ok};

#[derive(Deserialize)]
struct CreateRole {
    slug: Option<String>,
    name: String,
    description: Option<String>,
    resource_type_slug: Option<String>,
}

#[derive(Deserialize)]
struct UpdateRole {
    name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    description: Option<Option<String>>,
}

#[derive(Deserialize)]
struct AddPermission {
    slug: String,
}

#[derive(Deserialize)]
struct SetPermissions {
    permissions: Vec<String>,
}

fn validate(slug: Option<&str>, name: &str, description: Option<&str>, kind: Option<&str>) -> ApiResult<()> {
    non_empty("name", name)?;
    max_len("slug", slug, 48)?;
    max_len("name", Some(name), 48)?;
    max_len("description", description, 150)?;
    max_len("resource_type_slug", kind, 48)
}

fn new_role(store: &mut Store, slug: String, dto: CreateRole, organization_id: Option<String>) -> Role {
    let at = now();
    Role {
        object: "role",
        id: store.ids.next("role"),
        slug,
        name: dto.name,
        description: dto.description,
        kind: if organization_id.is_some() { "OrganizationRole" } else { "EnvironmentRole" },
        resource_type_slug: dto.resource_type_slug.unwrap_or_else(|| ORGANIZATION_TYPE.to_owned()),
        permissions: Vec::new(),
        created_at: at.clone(),
        updated_at: at,
        organization_id,
    }
}

fn apply_update(role: &mut Role, body: &[u8]) -> ApiResult<()> {
    let dto: UpdateRole = parse_body(body)?;
    if let Some(name) = &dto.name {
        non_empty("name", name)?;
    }
    max_len("name", dto.name.as_deref(), 48)?;
    max_len("description", dto.description.as_ref().and_then(|d| d.as_deref()), 150)?;
    if let Some(name) = dto.name {
        role.name = name;
    }
    if let Some(description) = dto.description {
        role.description = description;
    }
    role.updated_at = now();
    Ok(())
}

fn add_permission(store: &mut Store, index: usize, body: &[u8]) -> ApiResult<Role> {
    let dto: AddPermission = parse_body(body)?;
    store.permission(&dto.slug)?;
    let role = &mut store.roles[index];
    if !role.permissions.contains(&dto.slug) {
        role.permissions.push(dto.slug);
        role.updated_at = now();
    }
    Ok(role.clone())
}

fn set_permissions(store: &mut Store, index: usize, body: &[u8]) -> ApiResult<Role> {
    let dto: SetPermissions = parse_body(body)?;
    store.check_permissions(&dto.permissions)?;
    let role = &mut store.roles[index];
    role.permissions = Vec::new();
    for slug in dto.permissions {
        if !role.permissions.contains(&slug) {
            role.permissions.push(slug);
        }
    }
    role.updated_at = now();
    Ok(role.clone())
}

/// Creates an environment role (the API's and the seed's path).
pub(crate) fn create_environment_role(store: &mut Store, body: &[u8]) -> ApiResult<Role> {
    let dto: CreateRole = parse_body(body)?;
    let Some(slug) = dto.slug.clone() else {
        return Err(ApiError::invalid_field("slug", "required", "slug is required."));
    };
    non_empty("slug", &slug)?;
    validate(Some(&slug), &dto.name, dto.description.as_deref(), dto.resource_type_slug.as_deref())?;
    if !valid_environment_slug(&slug) {
        return Err(ApiError::invalid_field(
            "slug",
            "invalid",
            format!(
                "slug '{slug}' must contain only lowercase letters, numbers, hyphens and underscores, and not begin with 'org-' (organization roles' prefix)."
            ),
        ));
    }
    if store.environment_role(&slug).is_ok() {
        return Err(ApiError::conflict(
            "role_slug_conflict",
            format!("A role with slug '{slug}' already exists."),
        ));
    }
    let role = new_role(store, slug, dto, None);
    store.roles.push(role.clone());
    store.emit_record("role.created", &role);
    Ok(role)
}

pub(crate) async fn list_environment(State(db): Db) -> Response {
    let store = db.store();
    let data: Vec<&Role> = store.roles.iter().filter(|r| r.organization_id.is_none()).collect();
    ok(json!({ "object": "list", "data": data }))
}

pub(crate) async fn create_environment(State(db): Db, body: Bytes) -> ApiResult<Response> {
    create_environment_role(&mut db.store(), &body).map(created)
}

pub(crate) async fn get_environment(State(db): Db, Path(slug): Path<String>) -> ApiResult<Response> {
    db.store().environment_role(&slug).map(ok)
}

pub(crate) async fn update_environment(
    State(db): Db,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    let index = store.environment_role_index(&slug)?;
    apply_update(&mut store.roles[index], &body)?;
    let role = store.roles[index].clone();
    store.emit_record("role.updated", &role);
    Ok(ok(role))
}

pub(crate) async fn add_environment_permission(
    State(db): Db,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    let index = store.environment_role_index(&slug)?;
    add_permission(&mut store, index, &body).map(ok)
}

pub(crate) async fn set_environment_permissions(
    State(db): Db,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    let index = store.environment_role_index(&slug)?;
    set_permissions(&mut store, index, &body).map(ok)
}

pub(crate) async fn list_organization(State(db): Db, Path(org): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    store.organization(&org)?;
    let data: Vec<&Role> = store.organization_roles(&org).collect();
    Ok(ok(json!({ "object": "list", "data": data })))
}

/// Lowercase letters, digits, `-` and `_`, at least one.
fn slug_chars(slug: &str) -> bool {
    !slug.is_empty()
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// An environment role's slug: the characters of an organization role's, without its `org-`.
fn valid_environment_slug(slug: &str) -> bool {
    slug_chars(slug) && !slug.starts_with("org-")
}

/// An organization role's slug: `org-` then lowercase letters, digits, `-` and `_`.
fn valid_custom_slug(slug: &str) -> bool {
    slug.strip_prefix("org-").is_some_and(slug_chars)
}

fn slug_from_name(name: &str) -> String {
    let mut slug = String::from("org-");
    for c in name.chars() {
        match c {
            'a'..='z' | '0'..='9' => slug.push(c),
            'A'..='Z' => slug.push(c.to_ascii_lowercase()),
            _ if !slug.ends_with('-') => slug.push('-'),
            _ => {}
        }
    }
    slug.truncate(40);
    if !slug.ends_with('-') {
        slug.push('-');
    }
    slug + &suffix()
}

pub(crate) async fn create_organization(
    State(db): Db,
    Path(org): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    store.organization(&org)?;
    let dto: CreateRole = parse_body(&body)?;
    validate(dto.slug.as_deref(), &dto.name, dto.description.as_deref(), dto.resource_type_slug.as_deref())?;
    let slug = match &dto.slug {
        Some(slug) if !valid_custom_slug(slug) => {
            return Err(ApiError::invalid_field(
                "slug",
                "invalid",
                format!(
                    "slug '{slug}' must begin with 'org-' and contain only lowercase letters, numbers, hyphens and underscores."
                ),
            ));
        }
        Some(slug) => slug.clone(),
        None => slug_from_name(&dto.name),
    };
    if store.role_for(&org, &slug).is_ok() {
        return Err(ApiError::conflict(
            "organization_role_slug_conflict",
            format!("A role with slug '{slug}' already exists in organization '{org}'."),
        ));
    }
    let role = new_role(&mut store, slug, dto, Some(org));
    store.roles.push(role.clone());
    store.organization_role_event("organization_role.created", &role);
    Ok(created(role))
}

pub(crate) async fn get_organization(
    State(db): Db,
    Path((org, slug)): Path<(String, String)>,
) -> ApiResult<Response> {
    let store = db.store();
    store.organization(&org)?;
    store.role_for(&org, &slug).map(ok)
}

pub(crate) async fn update_organization(
    State(db): Db,
    Path((org, slug)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    let index = store.custom_role_index(&org, &slug)?;
    apply_update(&mut store.roles[index], &body)?;
    let role = store.roles[index].clone();
    store.organization_role_event("organization_role.updated", &role);
    Ok(ok(role))
}

pub(crate) async fn delete_organization(
    State(db): Db,
    Path((org, slug)): Path<(String, String)>,
) -> ApiResult<Response> {
    let mut store = db.store();
    let index = store.custom_role_index(&org, &slug)?;
    let assigned = store
        .membership_ids(false, &org)
        .iter()
        .any(|m| store.assignments_of(m).any(|a| a.role.slug == slug));
    if assigned {
        return Err(ApiError::conflict(
            "role_has_assignments",
            format!("Role '{slug}' is assigned to organization memberships; remove the assignments first."),
        ));
    }
    let role = store.roles.remove(index);
    store.organization_role_event("organization_role.deleted", &role);
    Ok(empty(http::StatusCode::NO_CONTENT))
}

pub(crate) async fn add_organization_permission(
    State(db): Db,
    Path((org, slug)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    let index = store.custom_role_index(&org, &slug)?;
    add_permission(&mut store, index, &body).map(ok)
}

pub(crate) async fn set_organization_permissions(
    State(db): Db,
    Path((org, slug)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    let index = store.custom_role_index(&org, &slug)?;
    set_permissions(&mut store, index, &body).map(ok)
}

pub(crate) async fn remove_organization_permission(
    State(db): Db,
    Path((org, slug, permission)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let mut store = db.store();
    let index = store.custom_role_index(&org, &slug)?;
    let role = &mut store.roles[index];
    let Some(at) = role.permissions.iter().position(|p| *p == permission) else {
        return Err(ApiError::not_found("Permission on role", &permission));
    };
    role.permissions.remove(at);
    role.updated_at = now();
    Ok(ok(role.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_slugs_follow_the_documented_format() {
        assert!(valid_custom_slug("org-billing_admin-2"));
        assert!(valid_environment_slug("billing_admin-2") && valid_environment_slug("member"));
        for bad in ["Billing", "billing admin", "org-billing", "billing\0", "", "émile"] {
            assert!(!valid_environment_slug(bad), "{bad:?}");
        }
        for bad in ["billing", "org-", "org-Billing", "org-a b"] {
            assert!(!valid_custom_slug(bad), "{bad}");
        }
        let generated = slug_from_name("Billing Admin!");
        assert!(generated.starts_with("org-billing-admin-") && valid_custom_slug(&generated), "{generated}");
    }
}
