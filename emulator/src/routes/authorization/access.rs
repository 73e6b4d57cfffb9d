//! Resources, role assignments and the access check.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use crate::model::error::{ApiError, ApiResult, double_option, max_len, non_empty, parse_body};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::{AssignmentSource, Membership, ORGANIZATION_TYPE, Resource, Store};
use crate::routes::{Db, created, empty, ok};

/// A resource named either by id or by type and external id; the two are mutually exclusive.
#[derive(Deserialize)]
pub(crate) struct Target {
    resource_id: Option<String>,
    resource_external_id: Option<String>,
    resource_type_slug: Option<String>,
}

impl Target {
    /// Whether it names no resource at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.resource_id.is_none() && self.resource_external_id.is_none() && self.resource_type_slug.is_none()
    }

    /// The resource, looked up within organization `org`.
    pub(crate) fn resolve<'s>(&self, store: &'s Store, org: &str) -> ApiResult<&'s Resource> {
        match (&self.resource_id, &self.resource_external_id, &self.resource_type_slug) {
            (Some(id), None, None) => {
                let r = store.resource(id)?;
                if r.organization_id != org {
                    return Err(ApiError::not_found("Resource", id));
                }
                Ok(r)
            }
            (None, Some(ext), Some(kind)) => store.resource_by_external(org, kind, ext),
            (Some(_), _, _) => Err(ApiError::invalid_field(
                "resource_id",
                "mutually_exclusive",
                "resource_id is mutually exclusive with resource_external_id and resource_type_slug.",
            )),
            (None, None, None) => Err(ApiError::invalid_field(
                "resource_id",
                "required",
                "resource_id, or resource_external_id with resource_type_slug, is required.",
            )),
            (None, _, _) => Err(ApiError::invalid_field(
                "resource_external_id",
                "required",
                "resource_external_id and resource_type_slug are required together.",
            )),
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct RoleTarget {
    pub(crate) role_slug: String,
    #[serde(flatten)]
    pub(crate) target: Target,
}

#[derive(Deserialize)]
struct CheckDto {
    permission_slug: String,
    #[serde(flatten)]
    target: Target,
}

pub(crate) async fn list_assignments(
    State(db): Db,
    Path(membership): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    store.membership(&membership)?;
    let items = store.assignments_of(&membership).collect();
    Ok(ok(query.page(items, |a| &a.id)))
}

pub(crate) async fn assign_role(
    State(db): Db,
    Path(membership): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    let m = store.membership(&membership)?.clone();
    let dto: RoleTarget = parse_body(&body)?;
    store.role_for(&m.organization_id, &dto.role_slug)?;
    let resource = dto.target.resolve(&store, &m.organization_id)?.as_ref();
    Ok(created(store.assign(&m.id, &dto.role_slug, resource)))
}

pub(crate) async fn remove_role_by_criteria(
    State(db): Db,
    Path(membership): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    let m = store.membership(&membership)?.clone();
    let dto: RoleTarget = parse_body(&body)?;
    let resource = dto.target.resolve(&store, &m.organization_id)?.id.clone();
    // A role held through a group goes with the group's assignment, not from here.
    let removed = store.remove_assignments(|a| {
        a.membership_id == m.id
            && a.role.slug == dto.role_slug
            && a.resource.id == resource
            && a.source == AssignmentSource::DIRECT
    });
    if removed == 0 {
        return Err(ApiError::not_found("Role assignment", &format!("{} on {resource}", dto.role_slug)));
    }
    Ok(empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn remove_role_by_id(
    State(db): Db,
    Path((membership, assignment)): Path<(String, String)>,
) -> ApiResult<Response> {
    let mut store = db.store();
    store.membership(&membership)?;
    let direct = |a: &crate::model::Assignment| a.source == AssignmentSource::DIRECT;
    if store.remove_assignments(|a| a.membership_id == membership && a.id == assignment && direct(a)) == 0 {
        return Err(ApiError::not_found("Role assignment", &assignment));
    }
    Ok(empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn check(State(db): Db, Path(membership): Path<String>, body: Bytes) -> ApiResult<Response> {
    let store = db.store();
    let m = store.membership(&membership)?;
    let dto: CheckDto = parse_body(&body)?;
    let resource = dto.target.resolve(&store, &m.organization_id)?;
    let authorized = m.status == "active" && store.authorized(m, &dto.permission_slug, resource);
    Ok(ok(json!({ "authorized": authorized })))
}

#[derive(Deserialize)]
struct CreateResource {
    external_id: String,
    name: String,
    description: Option<String>,
    resource_type_slug: String,
    organization_id: String,
    #[serde(default, deserialize_with = "double_option")]
    parent_resource_id: Option<Option<String>>,
    parent_resource_external_id: Option<String>,
    parent_resource_type_slug: Option<String>,
}

#[derive(Deserialize)]
struct UpdateResource {
    name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    description: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    parent_resource_id: Option<Option<String>>,
    parent_resource_external_id: Option<String>,
    parent_resource_type_slug: Option<String>,
}

/// The parent a create or update names: `None` when the body does not mention one,
/// `Some(None)` for "no parent".
fn parent(
    store: &Store,
    org: &str,
    by_id: Option<Option<&str>>,
    external: Option<&str>,
    kind: Option<&str>,
) -> ApiResult<Option<Option<String>>> {
    match (by_id, external, kind) {
        (None, None, None) => Ok(None),
        (Some(None), None, None) => Ok(Some(None)),
        (Some(Some(id)), None, None) => {
            let r = store.resource(id)?;
            if r.organization_id != org {
                return Err(ApiError::not_found("Parent resource", id));
            }
            Ok(Some(Some(r.id.clone())))
        }
        (None, Some(ext), Some(kind)) => {
            Ok(Some(Some(store.resource_by_external(org, kind, ext)?.id.clone())))
        }
        (Some(_), _, _) => Err(ApiError::invalid_field(
            "parent_resource_id",
            "mutually_exclusive",
            "parent_resource_id is mutually exclusive with parent_resource_external_id and parent_resource_type_slug.",
        )),
        (None, _, _) => Err(ApiError::invalid_field(
            "parent_resource_external_id",
            "required",
            "parent_resource_external_id and parent_resource_type_slug are required together.",
        )),
    }
}

pub(crate) async fn list_resources(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    let eq = |key: &str, value: &str| query.get(key).is_none_or(|q| q == value);
    let search = query.get("search").map(str::to_lowercase);
    let parent_of = |r: &Resource| r.parent_resource_id.as_ref().and_then(|p| store.resources.find(p));
    let items = store
        .resources
        .iter()
        .filter(|r| {
            eq("organization_id", &r.organization_id) && eq("resource_type_slug", &r.resource_type_slug)
        })
        .filter(|r| eq("resource_external_id", &r.external_id))
        .filter(|r| eq("parent_resource_id", r.parent_resource_id.as_deref().unwrap_or_default()))
        .filter(|r| {
            let p = parent_of(r);
            eq("parent_resource_type_slug", p.map_or("", |p| &p.resource_type_slug))
                && eq("parent_external_id", p.map_or("", |p| &p.external_id))
        })
        .filter(|r| search.as_ref().is_none_or(|s| r.name.to_lowercase().contains(s)))
        .collect();
    Ok(ok(query.page(items, |r| &r.id)))
}

pub(crate) async fn create_resource(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: CreateResource = parse_body(&body)?;
    non_empty("external_id", &dto.external_id)?;
    non_empty("name", &dto.name)?;
    non_empty("resource_type_slug", &dto.resource_type_slug)?;
    max_len("external_id", Some(&dto.external_id), 128)?;
    max_len("name", Some(&dto.name), 48)?;
    max_len("description", dto.description.as_deref(), 150)?;
    let mut store = db.store();
    store.organization(&dto.organization_id)?;
    let parent = parent(
        &store,
        &dto.organization_id,
        dto.parent_resource_id.as_ref().map(Option::as_deref),
        dto.parent_resource_external_id.as_deref(),
        dto.parent_resource_type_slug.as_deref(),
    )?
    .flatten();
    if store.resource_by_external(&dto.organization_id, &dto.resource_type_slug, &dto.external_id).is_ok() {
        return Err(ApiError::conflict(
            "authorization_resource_external_id_conflict",
            format!(
                "A '{}' resource with external id '{}' already exists.",
                dto.resource_type_slug, dto.external_id
            ),
        ));
    }
    let at = now();
    let resource = Resource {
        object: "authorization_resource",
        name: dto.name,
        description: dto.description,
        organization_id: dto.organization_id,
        parent_resource_id: parent,
        id: store.ids.next("authz_resource"),
        external_id: dto.external_id,
        resource_type_slug: dto.resource_type_slug,
        created_at: at.clone(),
        updated_at: at,
    };
    store.insert_resource(resource.clone());
    Ok(created(resource))
}

pub(crate) async fn get_resource(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().resource(&id).map(ok)
}

pub(crate) async fn update_resource(
    State(db): Db,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    update_resource_in(&mut db.store(), id, &body)
}

/// `GET`, `PATCH` and `DELETE` of a resource named by organization, type and external id.
pub(crate) async fn get_resource_by_external(
    State(db): Db,
    Path((org, kind, external)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let store = db.store();
    store.organization(&org)?;
    store.resource_by_external(&org, &kind, &external).map(ok)
}

pub(crate) async fn update_resource_by_external(
    State(db): Db,
    Path((org, kind, external)): Path<(String, String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    store.organization(&org)?;
    let id = store.resource_by_external(&org, &kind, &external)?.id.clone();
    update_resource_in(&mut store, id, &body)
}

pub(crate) async fn delete_resource_by_external(
    State(db): Db,
    Path((org, kind, external)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let mut store = db.store();
    store.organization(&org)?;
    let id = store.resource_by_external(&org, &kind, &external)?.id.clone();
    delete_resource_in(&mut store, &id, raw.as_deref())
}

fn update_resource_in(store: &mut Store, id: String, body: &[u8]) -> ApiResult<Response> {
    let org = store.resource(&id)?.organization_id.clone();
    let dto: UpdateResource = parse_body(body)?;
    if let Some(name) = &dto.name {
        non_empty("name", name)?;
    }
    max_len("name", dto.name.as_deref(), 48)?;
    max_len("description", dto.description.as_ref().and_then(|d| d.as_deref()), 150)?;
    let parent = parent(
        store,
        &org,
        dto.parent_resource_id.as_ref().map(Option::as_deref),
        dto.parent_resource_external_id.as_deref(),
        dto.parent_resource_type_slug.as_deref(),
    )?;
    // A resource may not become its own ancestor.
    let mut cursor = parent.clone().flatten();
    while let Some(p) = cursor {
        if p == id {
            return Err(ApiError::invalid_field(
                "parent_resource_id",
                "cycle",
                "A resource cannot be its own ancestor.",
            ));
        }
        cursor = store.resources.find(&p).and_then(|r| r.parent_resource_id.clone());
    }
    let resource = store.resources.iter_mut().find(|r| r.id == id).expect("checked above");
    if let Some(name) = dto.name {
        resource.name = name;
    }
    if let Some(description) = dto.description {
        resource.description = description;
    }
    if let Some(parent) = parent {
        resource.parent_resource_id = parent;
    }
    resource.updated_at = now();
    Ok(ok(resource.clone()))
}

/// Deletes a resource and the role assignments on it. Child resources make it a 409
/// `resource_has_dependents` unless `cascade_delete=true`, which deletes the subtree.
pub(crate) async fn delete_resource(
    State(db): Db,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    delete_resource_in(&mut db.store(), &id, raw.as_deref())
}

fn delete_resource_in(store: &mut Store, id: &str, raw: Option<&str>) -> ApiResult<Response> {
    let query = Query::parse(raw)?;
    let cascade = match query.get("cascade_delete") {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::invalid_field(
                "cascade_delete",
                "invalid",
                format!("cascade_delete must be true or false, got '{other}'."),
            ));
        }
    };
    let resource = store.resource(id)?;
    if resource.resource_type_slug == ORGANIZATION_TYPE && resource.external_id == resource.organization_id {
        return Err(ApiError::conflict(
            "resource_has_dependents",
            "This resource stands for its organization; it is deleted with the organization.",
        ));
    }
    let mut doomed = vec![id.to_owned()];
    let mut i = 0;
    while i < doomed.len() {
        let children: Vec<String> = store
            .resources
            .iter()
            .filter(|r| r.parent_resource_id.as_ref() == Some(&doomed[i]))
            .map(|r| r.id.clone())
            .collect();
        if !children.is_empty() && !cascade {
            return Err(ApiError::conflict(
                "resource_has_dependents",
                format!("Resource '{id}' has child resources; pass cascade_delete=true to delete them too."),
            ));
        }
        doomed.extend(children);
        i += 1;
    }
    store.remove_resources(|r| doomed.contains(&r.id));
    store.remove_assignments(|a| doomed.contains(&a.resource.id));
    Ok(empty(StatusCode::NO_CONTENT))
}

/// The `permission_slug` a membership list filters on (required), and `assignment` (`direct`:
/// roles assigned on the resource itself; `indirect`: inherited from a parent or the
/// organization; absent: both).
fn permission_filter(query: &Query) -> ApiResult<(String, Option<bool>)> {
    let permission = query.get("permission_slug").filter(|p| !p.is_empty()).ok_or_else(|| {
        ApiError::invalid_field("permission_slug", "required", "permission_slug is required.")
    })?;
    let direct = match query.get("assignment") {
        None => None,
        Some("direct") => Some(true),
        Some("indirect") => Some(false),
        Some(other) => {
            return Err(ApiError::invalid_field(
                "assignment",
                "invalid",
                format!("assignment must be direct or indirect, got '{other}'."),
            ));
        }
    };
    Ok((permission.to_owned(), direct))
}

/// The memberships holding a permission on a resource.
fn memberships_on(store: &Store, resource: &Resource, query: &Query) -> ApiResult<Response> {
    let (permission, direct) = permission_filter(query)?;
    let items = store
        .memberships
        .iter()
        .filter(|m| m.organization_id == resource.organization_id && m.status == "active")
        .filter(|m| store.permissions_on(m, resource, direct).contains(&permission))
        .collect();
    Ok(ok(query.page_with(items, |m| &m.id, |m| store.membership_json(m))))
}

pub(crate) async fn list_resource_memberships(
    State(db): Db,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    memberships_on(&store, store.resource(&id)?, &query)
}

pub(crate) async fn list_resource_memberships_by_external(
    State(db): Db,
    Path((org, kind, external)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    store.organization(&org)?;
    memberships_on(&store, store.resource_by_external(&org, &kind, &external)?, &query)
}

/// The resources of its organization on which a membership holds `permission_slug`,
/// optionally only the children of one parent.
pub(crate) async fn list_membership_resources(
    State(db): Db,
    Path(membership): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let (permission, _) = permission_filter(&query)?;
    let store = db.store();
    let m = store.membership(&membership)?;
    let by_id = query.get("parent_resource_id").map(Some);
    let parent = parent(
        &store,
        &m.organization_id,
        by_id,
        query.get("parent_resource_external_id"),
        query.get("parent_resource_type_slug"),
    )?
    .flatten();
    let items = store
        .resources
        .iter()
        .filter(|r| r.organization_id == m.organization_id)
        .filter(|r| parent.is_none() || r.parent_resource_id == parent)
        .filter(|r| m.status == "active" && store.permissions_on(m, r, None).contains(&permission))
        .collect();
    Ok(ok(query.page(items, |r| &r.id)))
}

/// The permissions a membership holds on a resource (by id, or by type and external id).
fn membership_permissions(
    store: &Store,
    membership: &str,
    resource: impl FnOnce(&Store, &Membership) -> ApiResult<String>,
    query: &Query,
) -> ApiResult<Response> {
    let m = store.membership(membership)?;
    let resource = store.resource(&resource(store, m)?)?;
    let held =
        if m.status == "active" { store.permissions_on(m, resource, None) } else { Default::default() };
    let mut items: Vec<_> = held.iter().filter_map(|slug| store.permission(slug).ok()).collect();
    items.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(ok(query.page(items, |p| &p.id)))
}

pub(crate) async fn list_membership_resource_permissions(
    State(db): Db,
    Path((membership, resource)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    let in_org = |store: &Store, m: &Membership| {
        let r = store.resource(&resource)?;
        if r.organization_id != m.organization_id {
            return Err(ApiError::not_found("Resource", &resource));
        }
        Ok(r.id.clone())
    };
    membership_permissions(&store, &membership, in_org, &query)
}

pub(crate) async fn list_membership_external_resource_permissions(
    State(db): Db,
    Path((membership, kind, external)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    let by_external = |store: &Store, m: &Membership| {
        Ok(store.resource_by_external(&m.organization_id, &kind, &external)?.id.clone())
    };
    membership_permissions(&store, &membership, by_external, &query)
}
