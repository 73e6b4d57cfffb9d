//! Permissions.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use serde::Deserialize;

use crate::model::error::{ApiError, ApiResult, double_option, max_len, non_empty, parse_body};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::{ORGANIZATION_TYPE, Permission, Store};
use crate::routes::{Db, created, empty, ok};

#[derive(Deserialize)]
struct CreatePermission {
    slug: String,
    name: String,
    description: Option<String>,
    resource_type_slug: Option<String>,
}

#[derive(Deserialize)]
struct UpdatePermission {
    name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    description: Option<Option<String>>,
}

/// The document: lowercase letters, numbers, hyphens, underscores, colons, periods, asterisks.
fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_:.*".contains(c))
}

/// Creates a permission (the API's and the seed's path).
pub(crate) fn create_permission(store: &mut Store, body: &[u8]) -> ApiResult<Permission> {
    let dto: CreatePermission = parse_body(body)?;
    non_empty("name", &dto.name)?;
    max_len("slug", Some(&dto.slug), 48)?;
    max_len("name", Some(&dto.name), 48)?;
    max_len("description", dto.description.as_deref(), 150)?;
    max_len("resource_type_slug", dto.resource_type_slug.as_deref(), 48)?;
    if !valid_slug(&dto.slug) {
        return Err(ApiError::invalid_field(
            "slug",
            "invalid",
            format!(
                "slug '{}' must be lowercase letters, numbers, hyphens, underscores, colons, periods or asterisks.",
                dto.slug
            ),
        ));
    }
    if store.permission(&dto.slug).is_ok() {
        return Err(ApiError::conflict(
            "permission_slug_conflict",
            format!("A permission with slug '{}' already exists.", dto.slug),
        ));
    }
    let at = now();
    let permission = Permission {
        object: "permission",
        id: store.ids.next("perm"),
        slug: dto.slug,
        name: dto.name,
        description: dto.description,
        system: false,
        resource_type_slug: dto.resource_type_slug.unwrap_or_else(|| ORGANIZATION_TYPE.to_owned()),
        created_at: at.clone(),
        updated_at: at,
    };
    store.insert_permission(permission.clone());
    store.emit_record("permission.created", &permission);
    Ok(permission)
}

pub(crate) async fn list(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    Ok(ok(query.page_sorted(&store.permissions, |p| &p.id)))
}

pub(crate) async fn create(State(db): Db, body: Bytes) -> ApiResult<Response> {
    create_permission(&mut db.store(), &body).map(created)
}

pub(crate) async fn get(State(db): Db, Path(slug): Path<String>) -> ApiResult<Response> {
    db.store().permission(&slug).map(ok)
}

pub(crate) async fn update(State(db): Db, Path(slug): Path<String>, body: Bytes) -> ApiResult<Response> {
    let mut store = db.store();
    store.permission(&slug)?;
    let dto: UpdatePermission = parse_body(&body)?;
    if let Some(name) = &dto.name {
        non_empty("name", name)?;
    }
    max_len("name", dto.name.as_deref(), 48)?;
    max_len("description", dto.description.as_ref().and_then(|d| d.as_deref()), 150)?;
    let id = store.permission(&slug)?.id.clone();
    let i = store
        .permissions
        .binary_search_by(|p| p.id.cmp(&id))
        .map_err(|_| ApiError::not_found("Permission", &slug))?;
    let permission = &mut store.permissions[i];
    if let Some(name) = dto.name {
        permission.name = name;
    }
    if let Some(description) = dto.description {
        permission.description = description;
    }
    permission.updated_at = now();
    let permission = permission.clone();
    store.emit_record("permission.updated", &permission);
    Ok(ok(permission))
}

/// Deletes a permission and takes it out of every role.
pub(crate) async fn delete(State(db): Db, Path(slug): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    let permission = store.permission(&slug)?.clone();
    store.remove_permission(&slug);
    store.emit_record("permission.deleted", &permission);
    for role in store.roles.iter_mut().filter(|r| r.permissions.contains(&slug)) {
        role.permissions.retain(|p| *p != slug);
        role.updated_at = now();
    }
    Ok(empty(StatusCode::NO_CONTENT))
}

#[cfg(test)]
mod tests {
    use super::valid_slug;

    #[test]
    fn slugs_follow_the_documented_alphabet() {
        assert!(valid_slug("documents:read.*_x-1"));
        for bad in ["", "Documents:read", "a b", "a/b"] {
            assert!(!valid_slug(bad), "{bad}");
        }
    }
}
