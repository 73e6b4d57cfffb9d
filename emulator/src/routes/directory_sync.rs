//! Directory sync over HTTP, read side: directories, their users and groups, as seeded
//! ([`crate::Seed::directories`]); a directory can be deleted, with its users and groups. The
//! rules are the model's ([`crate::model::directory_sync`]).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;

use super::{Db, empty, ok};
use crate::model::error::ApiResult;
use crate::routes::Listing;

pub(crate) async fn list_directories(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().directories_page(&query)))
}

pub(crate) async fn get_directory(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(ok(db.store().directory(&id)?))
}

/// Queues a sync of a directory: 202 with `status: queued`, as WorkOS answers.
pub(crate) async fn sync_directory(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let queued = db.store().sync_directory(&id)?;
    Ok((StatusCode::ACCEPTED, axum::Json(queued)).into_response())
}

/// Deletes a directory with its users and groups: 202, as WorkOS does (deletion is
/// asynchronous there).
pub(crate) async fn delete_directory(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().delete_directory(&id)?;
    Ok(empty(StatusCode::ACCEPTED))
}

pub(crate) async fn list_users(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().directory_users_page(&query)?))
}

pub(crate) async fn get_user(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(ok(db.store().directory_user(&id)?))
}

pub(crate) async fn list_groups(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().directory_groups_page(&query)?))
}

pub(crate) async fn get_group(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(ok(db.store().directory_group(&id)?))
}
