//! Agents' HTTP handlers (see [`crate::model::agents`]). Agents register with WorkOS outside the
//! document's operations; the emulator's `POST /_emulator/agents/registrations`
//! (`{organization_id, kind}`) stands for it.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;

use super::{Db, created, ok};
use crate::model::agents::{LinkClaim, ValidateCredential, invalid_request};
use crate::model::error::{ApiResult, parse_body};

/// `POST /_emulator/agents/registrations`.
pub(crate) async fn register(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let input = parse_body(&body)?;
    Ok(created(db.store().register_agent(input)?))
}

pub(crate) async fn get(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(ok(db.store().agent_registration(&id)?))
}

/// `POST /agents/registrations/{id}/revoke`.
pub(crate) async fn revoke(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(ok(db.store().revoke_agent_registration(&id)?))
}

/// `POST /agents/credentials/validate`: a malformed body is a 400 `invalid_request`.
pub(crate) async fn validate(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let input: ValidateCredential = parse_body(&body).map_err(|e| invalid_request(e.message))?;
    Ok(ok(db.store().validate_agent_credential(&input)?))
}

/// `PATCH /agents/claims/attempts`: a malformed body is a 400 `invalid_request`.
pub(crate) async fn link(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let input: LinkClaim = parse_body(&body).map_err(|e| invalid_request(e.message))?;
    Ok(ok(db.store().link_agent_claim(&input)?))
}
