//! Group role assignments: a role a group holds on a resource (the organization when none is
//! named), which every member of the group holds through an assignment of its own
//! (`source: {"type": "group", "group_role_assignment_id"}`), so access checks and membership
//! lists see it. Members who join the group get them; members who leave, and a removed group
//! assignment, take them away. Also the role assignments on a resource, direct and through
//! groups.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use serde::Deserialize;

use crate::model::error::{ApiError, ApiResult, parse_body};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::{AssignmentSource, GroupAssignment, ResourceRef, SlimRole, Store};
use crate::routes::authorization::access::{RoleTarget, Target};
use crate::routes::{Db, created, empty, ok};

#[derive(Deserialize)]
struct Replace {
    role_assignments: Vec<RoleTarget>,
}

/// The group's organization.
fn group_org(store: &Store, group: &str) -> ApiResult<String> {
    store
        .groups
        .binary_search_by(|g| g.id.as_str().cmp(group))
        .map(|i| store.groups[i].organization_id.clone())
        .map_err(|_| ApiError::not_found("Group", group))
}

/// The resource a group role assignment names: the organization when it names none.
fn target_of(store: &Store, org: &str, target: &Target) -> ApiResult<ResourceRef> {
    if target.is_empty() {
        return Ok(store.organization_resource(org)?.as_ref());
    }
    Ok(target.resolve(store, org)?.as_ref())
}

/// Grants `role` on `resource` to group `group` and to each of its members (an existing grant
/// of the same role on the same resource is returned as it is).
fn grant(store: &mut Store, group: &str, role: &str, resource: ResourceRef) -> GroupAssignment {
    if let Some(existing) = store
        .group_assignments
        .iter()
        .find(|g| g.group_id == group && g.role.slug == role && g.resource == resource)
    {
        return existing.clone();
    }
    let at = now();
    let grant = GroupAssignment {
        object: "group_role_assignment",
        id: store.ids.next("group_role_assignment"),
        group_id: group.to_owned(),
        role: SlimRole { slug: role.to_owned() },
        resource,
        created_at: at.clone(),
        updated_at: at,
    };
    let members = store.groups.iter().find(|g| g.id == group).map(|g| g.members.clone()).unwrap_or_default();
    for member in members {
        store.assign_from(&member, role, grant.resource.clone(), AssignmentSource::group(&grant.id));
    }
    store.group_assignments.push(grant.clone());
    grant
}

/// Removes the group role assignments `doomed` picks and what the members held through them;
/// how many.
pub(crate) fn revoke(store: &mut Store, doomed: impl Fn(&GroupAssignment) -> bool) -> usize {
    let ids: Vec<String> =
        store.group_assignments.iter().filter(|g| doomed(g)).map(|g| g.id.clone()).collect();
    store.group_assignments.retain(|g| !ids.contains(&g.id));
    store.remove_assignments(|a| {
        a.source.group_role_assignment_id.as_ref().is_some_and(|id| ids.contains(id))
    });
    ids.len()
}

/// A new member of `group` takes the group's roles.
pub(crate) fn member_joined(store: &mut Store, group: &str, member: &str) {
    let grants: Vec<GroupAssignment> =
        store.group_assignments.iter().filter(|g| g.group_id == group).cloned().collect();
    for g in grants {
        store.assign_from(member, &g.role.slug, g.resource, AssignmentSource::group(&g.id));
    }
}

/// A member who left `group` loses what it held through it.
pub(crate) fn member_left(store: &mut Store, group: &str, member: &str) {
    let ids: Vec<String> =
        store.group_assignments.iter().filter(|g| g.group_id == group).map(|g| g.id.clone()).collect();
    store.remove_assignments(|a| {
        a.membership_id == member
            && a.source.group_role_assignment_id.as_ref().is_some_and(|id| ids.contains(id))
    });
}

pub(crate) async fn create(State(db): Db, Path(group): Path<String>, body: Bytes) -> ApiResult<Response> {
    let mut store = db.store();
    let org = group_org(&store, &group)?;
    let dto: RoleTarget = parse_body(&body)?;
    store.role_for(&org, &dto.role_slug)?;
    let resource = target_of(&store, &org, &dto.target)?;
    if store
        .group_assignments
        .iter()
        .any(|g| g.group_id == group && g.role.slug == dto.role_slug && g.resource == resource)
    {
        return Err(ApiError::conflict(
            "duplicate_group_role_assignment",
            format!("The group already has the role '{}' on this resource.", dto.role_slug),
        ));
    }
    Ok(created(grant(&mut store, &group, &dto.role_slug, resource)))
}

pub(crate) async fn list(
    State(db): Db,
    Path(group): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    group_org(&store, &group)?;
    let items = store.group_assignments.iter().filter(|g| g.group_id == group).collect();
    Ok(ok(query.page(items, |g| &g.id)))
}

pub(crate) async fn get(State(db): Db, Path((group, id)): Path<(String, String)>) -> ApiResult<Response> {
    let store = db.store();
    group_org(&store, &group)?;
    let found = store.group_assignments.iter().find(|g| g.group_id == group && g.id == id);
    Ok(ok(found.ok_or_else(|| ApiError::not_found("Group role assignment", &id))?))
}

/// Replaces the group's role assignments with the given ones (at most 100); answers the list.
pub(crate) async fn replace(State(db): Db, Path(group): Path<String>, body: Bytes) -> ApiResult<Response> {
    let mut store = db.store();
    let org = group_org(&store, &group)?;
    let dto: Replace = parse_body(&body)?;
    if dto.role_assignments.len() > 100 {
        return Err(ApiError::invalid_field("role_assignments", "too_many", "At most 100 role assignments."));
    }
    // Everything is checked before anything changes.
    let mut wanted = Vec::new();
    for entry in &dto.role_assignments {
        store.role_for(&org, &entry.role_slug)?;
        wanted.push((entry.role_slug.clone(), target_of(&store, &org, &entry.target)?));
    }
    revoke(&mut store, |g| {
        g.group_id == group && !wanted.iter().any(|(r, res)| *r == g.role.slug && *res == g.resource)
    });
    for (role, resource) in wanted {
        grant(&mut store, &group, &role, resource);
    }
    let query = Query::parse(None)?;
    let items = store.group_assignments.iter().filter(|g| g.group_id == group).collect();
    Ok(ok(query.page(items, |g| &g.id)))
}

pub(crate) async fn delete_by_criteria(
    State(db): Db,
    Path(group): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    let org = group_org(&store, &group)?;
    let dto: RoleTarget = parse_body(&body)?;
    let resource = target_of(&store, &org, &dto.target)?;
    if revoke(&mut store, |g| g.group_id == group && g.role.slug == dto.role_slug && g.resource == resource)
        == 0
    {
        return Err(ApiError::not_found("Group role assignment", &dto.role_slug));
    }
    Ok(empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn delete(State(db): Db, Path((group, id)): Path<(String, String)>) -> ApiResult<Response> {
    let mut store = db.store();
    group_org(&store, &group)?;
    if revoke(&mut store, |g| g.group_id == group && g.id == id) == 0 {
        return Err(ApiError::not_found("Group role assignment", &id));
    }
    Ok(empty(StatusCode::NO_CONTENT))
}

fn assignments_on(store: &Store, resource: &str, raw: Option<&str>) -> ApiResult<Response> {
    let query = Query::parse(raw)?;
    let items = store.assignments.iter().filter(|a| a.resource.id == resource).collect();
    Ok(ok(query.page(items, |a| &a.id)))
}

/// The role assignments on a resource, direct and through groups.
pub(crate) async fn list_for_resource(
    State(db): Db,
    Path(resource): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let store = db.store();
    store.resource(&resource)?;
    assignments_on(&store, &resource, raw.as_deref())
}

/// [`list_for_resource`], the resource named by its organization, type and external id.
pub(crate) async fn list_for_resource_by_external(
    State(db): Db,
    Path((org, kind, external)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let store = db.store();
    let id = store.resource_by_external(&org, &kind, &external)?.id.clone();
    assignments_on(&store, &id, raw.as_deref())
}
