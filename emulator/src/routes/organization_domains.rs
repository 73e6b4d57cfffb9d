//! Organization domains on their own (`/organization_domains`): the same records as an
//! organization's `domains`, added for DNS verification and verified on request.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;

use super::{Db, created, empty, ok};
use crate::model::error::{ApiResult, parse_body};

/// Adds a domain to an organization, pending DNS verification.
pub(crate) async fn create(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let new = parse_body(&body)?;
    db.store().create_domain(new).map(created)
}

pub(crate) async fn get(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().domain(&id).map(ok)
}

pub(crate) async fn delete(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().delete_domain(&id)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// Verifies a domain (the emulator has no DNS to look at): 201 with the domain.
pub(crate) async fn verify(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().verify_domain(&id).map(created)
}
