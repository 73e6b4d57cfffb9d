//! Directory sync, read side: directories, their users and groups, as seeded
//! ([`crate::Seed::directories`]); a directory can be deleted, with its users and groups.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use http::StatusCode;

use super::{Db, empty, ok};
use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::{Directory, DirectoryGroup, DirectoryUser, SeedDirectory, Store};

/// The document's provider types.
const TYPES: &[&str] = &[
    "azure scim v2.0",
    "bamboohr",
    "breathe hr",
    "cezanne hr",
    "cyberark scim v2.0",
    "fourth hr",
    "generic scim v2.0",
    "gsuite directory",
    "hibob",
    "sailpoint scim v2.0",
    "jump cloud scim v2.0",
    "okta scim v2.0",
    "onelogin scim v2.0",
    "people hr",
    "personio",
    "pingfederate scim v2.0",
    "rippling scim v2.0",
    "s3",
    "sftp",
    "sftp workday",
    "workday",
];

/// Creates a seeded directory in organization `organization_id`, with its groups and users.
pub(crate) fn seed_directory(
    store: &mut Store,
    organization_id: &str,
    seed: &SeedDirectory,
) -> ApiResult<()> {
    let kind = seed.kind.clone().unwrap_or_else(|| "generic scim v2.0".to_owned());
    if !TYPES.contains(&kind.as_str()) {
        return Err(ApiError::invalid_field("type", "invalid", format!("'{kind}' is not a directory type.")));
    }
    let at = now();
    let directory = Directory {
        object: "directory",
        id: store.ids.next("directory"),
        organization_id: organization_id.to_owned(),
        external_key: crate::model::ids::suffix(),
        kind,
        state: "linked",
        name: seed.name.clone(),
        domain: seed.domain.clone(),
        created_at: at.clone(),
        updated_at: at.clone(),
    };
    let mut groups = Vec::new();
    for name in &seed.groups {
        groups.push(DirectoryGroup {
            object: "directory_group",
            id: store.ids.next("directory_group"),
            idp_id: format!("group-{}", crate::model::ids::suffix()),
            directory_id: directory.id.clone(),
            organization_id: organization_id.to_owned(),
            name: name.clone(),
            raw_attributes: Default::default(),
            created_at: at.clone(),
            updated_at: at.clone(),
        });
    }
    for u in &seed.users {
        let state = u.state.clone().unwrap_or_else(|| "active".to_owned());
        if !matches!(state.as_str(), "active" | "suspended" | "inactive") {
            return Err(ApiError::invalid_field(
                "state",
                "invalid",
                format!("'{state}' is not a user state."),
            ));
        }
        let mut group_ids = Vec::new();
        for g in &u.groups {
            let group = groups.iter().find(|x| x.name == *g).ok_or_else(|| {
                ApiError::invalid_field(
                    "groups",
                    "invalid",
                    format!("no group '{g}' in directory '{}'", seed.name),
                )
            })?;
            group_ids.push(group.id.clone());
        }
        let user = DirectoryUser {
            object: "directory_user",
            id: store.ids.next("directory_user"),
            directory_id: directory.id.clone(),
            organization_id: organization_id.to_owned(),
            idp_id: format!("user-{}", crate::model::ids::suffix()),
            email: Some(u.email.to_lowercase()),
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            state,
            raw_attributes: Default::default(),
            custom_attributes: u.custom_attributes.clone(),
            created_at: at.clone(),
            updated_at: at.clone(),
            group_ids,
        };
        store.directory_users.push(user);
    }
    store.directory_groups.extend(groups);
    store.directories.push(directory);
    Ok(())
}

pub(super) async fn list_directories(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let (org, domain) = (query.get("organization_id"), query.get("domain"));
    let search = query.get("search").map(str::to_lowercase);
    let store = db.store();
    let items: Vec<&Directory> = store
        .directories
        .iter()
        .filter(|d| org.is_none_or(|o| d.organization_id == o))
        .filter(|d| domain.is_none_or(|x| d.domain.as_deref() == Some(x)))
        .filter(|d| search.as_ref().is_none_or(|s| d.name.to_lowercase().contains(s)))
        .collect();
    Ok(ok(query.page_with(items, |d| &d.id, |d| store.directory_json(d))))
}

fn directory<'s>(store: &'s Store, id: &str) -> ApiResult<&'s Directory> {
    store.directories.iter().find(|d| d.id == id).ok_or_else(|| ApiError::not_found("Directory", id))
}

pub(super) async fn get_directory(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    let d = directory(&store, &id)?;
    Ok(ok(store.directory_json(d)))
}

/// Queues a sync of a directory: 202 with `status: queued`, as WorkOS answers (the emulator's
/// directories hold what was seeded, so there is nothing to fetch).
pub(super) async fn sync_directory(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    directory(&store, &id)?;
    Ok(axum::response::IntoResponse::into_response((
        http::StatusCode::ACCEPTED,
        axum::Json(serde_json::json!({ "status": "queued" })),
    )))
}

/// Deletes a directory with its users and groups: 202, as WorkOS does (deletion is
/// asynchronous there; here it is done when the answer comes).
pub(super) async fn delete_directory(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    let d = directory(&store, &id)?;
    // The event's directory has its own states: it is being deleted.
    let data = serde_json::json!({
        "object": "directory",
        "id": d.id,
        "organization_id": d.organization_id,
        "type": d.kind,
        "state": "deleting",
        "name": d.name,
        "created_at": d.created_at,
        "updated_at": now(),
    });
    store.directory_users.retain(|u| u.directory_id != id);
    store.directory_groups.retain(|g| g.directory_id != id);
    store.directories.retain(|d| d.id != id);
    store.emit("dsync.deleted", data);
    Ok(empty(StatusCode::ACCEPTED))
}

/// `directory` or `group` is required, as WorkOS requires; an unknown one is a 404.
pub(super) async fn list_users(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let (dir, group) = (query.get("directory"), query.get("group"));
    let store = db.store();
    match (dir, group) {
        (None, None) => return Err(unprocessable("directory or group is required.")),
        (Some(d), _) => {
            directory(&store, d)?;
        }
        (None, Some(g)) => {
            group_by_id(&store, g)?;
        }
    }
    let items: Vec<&DirectoryUser> = store
        .directory_users
        .iter()
        .filter(|u| dir.is_none_or(|d| u.directory_id == d))
        .filter(|u| group.is_none_or(|g| u.group_ids.iter().any(|x| x == g)))
        .collect();
    Ok(ok(query.page_with(items, |u| &u.id, |u| store.directory_user_json(u))))
}

pub(super) async fn get_user(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    let user = store.directory_users.find(&id);
    let user = user.ok_or_else(|| ApiError::not_found("Directory user", &id))?;
    Ok(ok(store.directory_user_json(user)))
}

fn group_by_id<'s>(store: &'s Store, id: &str) -> ApiResult<&'s DirectoryGroup> {
    store
        .directory_groups
        .iter()
        .find(|g| g.id == id)
        .ok_or_else(|| ApiError::not_found("Directory group", id))
}

/// `directory` or `user` is required.
pub(super) async fn list_groups(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let (dir, user) = (query.get("directory"), query.get("user"));
    let store = db.store();
    let member_of: Option<Vec<String>> = match (dir, user) {
        (None, None) => return Err(unprocessable("directory or user is required.")),
        (Some(d), _) => {
            directory(&store, d)?;
            None
        }
        (None, Some(u)) => {
            let user = store.directory_users.find(u);
            Some(user.ok_or_else(|| ApiError::not_found("Directory user", u))?.group_ids.clone())
        }
    };
    let items: Vec<&DirectoryGroup> = store
        .directory_groups
        .iter()
        .filter(|g| dir.is_none_or(|d| g.directory_id == d))
        .filter(|g| member_of.as_ref().is_none_or(|ids| ids.contains(&g.id)))
        .collect();
    Ok(ok(query.page(items, |g| &g.id)))
}

pub(super) async fn get_group(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    Ok(ok(group_by_id(&store, &id)?))
}

/// The document's 422 for these lists: a message, no code.
fn unprocessable(message: &str) -> ApiError {
    ApiError { code: None, ..ApiError::unprocessable("invalid_request_parameters", message) }
}
