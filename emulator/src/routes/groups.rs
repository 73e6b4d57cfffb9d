//! Groups: an organization's named sets of organization memberships.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use serde::Deserialize;

use super::{Db, created, empty, ok};
use crate::model::error::{ApiError, ApiResult, double_option, max_len, non_empty, parse_body};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::{Group, Store};

#[derive(Deserialize)]
struct CreateGroup {
    name: String,
    description: Option<String>,
}

#[derive(Deserialize)]
struct UpdateGroup {
    name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    description: Option<Option<String>>,
}

#[derive(Deserialize)]
struct AddMember {
    organization_membership_id: String,
}

fn check_name(name: &str) -> ApiResult<()> {
    non_empty("name", name)?;
    max_len("name", Some(name), 100)
}

/// The group's position, when it is the organization's.
fn find(store: &Store, org: &str, id: &str) -> ApiResult<usize> {
    store.organization(org)?;
    store
        .groups
        .binary_search_by(|g| g.id.as_str().cmp(id))
        .ok()
        .filter(|&i| store.groups[i].organization_id == org)
        .ok_or_else(|| ApiError::not_found("Group", id))
}

pub(super) async fn create(State(db): Db, Path(org): Path<String>, body: Bytes) -> ApiResult<Response> {
    let dto: CreateGroup = parse_body(&body)?;
    check_name(&dto.name)?;
    max_len("description", dto.description.as_deref(), 500)?;
    let mut store = db.store();
    store.organization(&org)?;
    let at = now();
    let group = Group {
        object: "group",
        id: store.ids.next("group"),
        organization_id: org,
        name: dto.name,
        description: dto.description,
        created_at: at.clone(),
        updated_at: at,
        members: Vec::new(),
    };
    store.groups.push(group.clone());
    store.emit_record("group.created", &group);
    Ok(created(group))
}

pub(super) async fn list(
    State(db): Db,
    Path(org): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    store.organization(&org)?;
    let items = store.groups.iter().filter(|g| g.organization_id == org).collect();
    Ok(ok(query.page(items, |g| &g.id)))
}

pub(super) async fn get(State(db): Db, Path((org, id)): Path<(String, String)>) -> ApiResult<Response> {
    let store = db.store();
    let i = find(&store, &org, &id)?;
    Ok(ok(&store.groups[i]))
}

pub(super) async fn update(
    State(db): Db,
    Path((org, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    let i = find(&store, &org, &id)?;
    let dto: UpdateGroup = parse_body(&body)?;
    if let Some(name) = &dto.name {
        check_name(name)?;
    }
    max_len("description", dto.description.as_ref().and_then(Option::as_deref), 500)?;
    let group = &mut store.groups[i];
    if let Some(name) = dto.name {
        group.name = name;
    }
    if let Some(description) = dto.description {
        group.description = description;
    }
    group.updated_at = now();
    let group = group.clone();
    store.emit_record("group.updated", &group);
    Ok(ok(group))
}

pub(super) async fn delete(State(db): Db, Path((org, id)): Path<(String, String)>) -> ApiResult<Response> {
    let mut store = db.store();
    let i = find(&store, &org, &id)?;
    let group = store.groups.remove(i);
    crate::routes::authorization::group_roles::revoke(&mut store, |g| g.group_id == group.id);
    store.emit_record("group.deleted", &group);
    Ok(empty(StatusCode::NO_CONTENT))
}

/// Adds a membership of the same organization; adding a member again changes nothing.
pub(super) async fn add_member(
    State(db): Db,
    Path((org, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    let i = find(&store, &org, &id)?;
    let dto: AddMember = parse_body(&body)?;
    let member = store.membership(&dto.organization_membership_id)?;
    if member.organization_id != org {
        return Err(ApiError::not_found("Organization membership", &dto.organization_membership_id));
    }
    let group = &mut store.groups[i];
    if group.members.contains(&dto.organization_membership_id) {
        return Ok(ok(group.clone()));
    }
    group.members.push(dto.organization_membership_id.clone());
    group.members.sort_unstable();
    group.updated_at = now();
    let group = group.clone();
    crate::routes::authorization::group_roles::member_joined(
        &mut store,
        &id,
        &dto.organization_membership_id,
    );
    store.emit("group.member_added", member_event(&id, &dto.organization_membership_id));
    Ok(ok(group))
}

pub(super) async fn list_members(
    State(db): Db,
    Path((org, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    let group = &store.groups[find(&store, &org, &id)?];
    let items = group.members.iter().filter_map(|m| store.memberships.find(m)).collect();
    Ok(ok(query.page_with(items, |m| &m.id, |m| store.membership_json(m))))
}

pub(super) async fn remove_member(
    State(db): Db,
    Path((org, id, member)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let mut store = db.store();
    let i = find(&store, &org, &id)?;
    let group = &mut store.groups[i];
    let before = group.members.len();
    group.members.retain(|m| *m != member);
    if group.members.len() == before {
        return Err(ApiError::not_found("Group member", &member));
    }
    group.updated_at = now();
    crate::routes::authorization::group_roles::member_left(&mut store, &id, &member);
    store.emit("group.member_removed", member_event(&id, &member));
    Ok(empty(StatusCode::NO_CONTENT))
}

fn member_event(group: &str, member: &str) -> serde_json::Value {
    serde_json::json!({ "group_id": group, "organization_membership_id": member })
}

/// The groups a membership is in.
pub(super) async fn list_for_membership(
    State(db): Db,
    Path(member): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    store.membership(&member)?;
    let items = store.groups.iter().filter(|g| g.members.contains(&member)).collect();
    Ok(ok(query.page(items, |g| &g.id)))
}
