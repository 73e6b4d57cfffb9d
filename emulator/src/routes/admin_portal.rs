//! Admin Portal links ([`crate::model::admin_portal`]).

use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;
use http::HeaderMap;

use super::{Db, created};
use crate::model::admin_portal;
use crate::model::error::{ApiResult, parse_body};

/// `POST /portal/generate_link`: a link to the organization's Admin Portal session.
pub(crate) async fn generate_link(State(db): Db, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let dto = parse_body(&body)?;
    Ok(created(admin_portal::generate_link(&db.store(), dto, &super::origin(&headers))?))
}
