//! Admin Portal links ([`crate::model::admin_portal`]).

use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use super::{Db, created, empty};
use crate::model::admin_portal;
use crate::model::error::{ApiResult, parse_body};

/// `POST /portal/generate_link`: a link to the organization's Admin Portal session.
pub(crate) async fn generate_link(State(db): Db, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let dto = parse_body(&body)?;
    Ok(created(admin_portal::generate_link(&mut db.store(), dto, &super::origin(&headers))?))
}

/// `POST /portal/revoke_link`: revokes an admin's links in the organization.
pub(crate) async fn revoke_link(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: admin_portal::RevokeLink = parse_body(&body)?;
    admin_portal::revoke_link(&mut db.store(), &dto)?;
    Ok(empty(StatusCode::NO_CONTENT))
}
