//! `POST /client/token`: a signed client API token for a member of an organization
//! ([`crate::model::user_management::signin::tokens::client_token`]).

use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;

use crate::model::error::{ApiResult, parse_body};
use crate::model::user_management::signin::tokens;
use crate::routes::{Db, created};

/// `POST /client/token`.
pub(crate) async fn create(State(db): Db, body: Bytes) -> ApiResult<Response> {
    Ok(created(tokens::client_token(&db.store(), parse_body(&body)?)?))
}
