//! Agents' HTTP handlers (see [`crate::model::agents`]): registrations, blueprints, the tokens
//! minted from them, and the instances and sessions those make. Agents register with WorkOS
//! outside the document's operations; the emulator's `POST /_emulator/agents/registrations`
//! (`{organization_id, kind}`) stands for it.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;

use super::{Db, Listing, created, empty, ok};
use crate::model::agents::tokens::{MintToken, ValidateToken};
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

/// `GET /agents/blueprints`.
pub(crate) async fn list_blueprints(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().agent_blueprints(&query)))
}

/// `POST /agents/blueprints`: omitted settings take the defaults.
pub(crate) async fn create_blueprint(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let new = parse_body(&body)?;
    db.store().create_agent_blueprint(new).map(created)
}

pub(crate) async fn get_blueprint(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().agent_blueprint(&id).map(ok)
}

/// `PATCH /agents/blueprints/{id}`: what is given replaces what was.
pub(crate) async fn update_blueprint(
    State(db): Db,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let change = parse_body(&body)?;
    db.store().update_agent_blueprint(&id, change).map(ok)
}

/// `DELETE /agents/blueprints/{id}`, with its instances and sessions.
pub(crate) async fn delete_blueprint(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().delete_agent_blueprint(&id)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `POST /agents/blueprints/{id}/tokens`: a malformed body is a 400 `invalid_request`.
pub(crate) async fn mint_token(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let input: MintToken = parse_body(&body).map_err(|e| invalid_request(e.message))?;
    db.store().mint_agent_token(&id, input).map(created)
}

/// `POST /agents/blueprints/{id}/tokens/validate`: a malformed body is a 400 `invalid_request`.
pub(crate) async fn validate_token(
    State(db): Db,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let input: ValidateToken = parse_body(&body).map_err(|e| invalid_request(e.message))?;
    db.store().validate_agent_token(&id, &input).map(ok)
}

/// `GET /agents/instances`.
pub(crate) async fn list_instances(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().agent_instances(&query)))
}

pub(crate) async fn get_instance(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().agent_instance(&id).map(ok)
}

/// `DELETE /agents/instances/{id}`, with its sessions.
pub(crate) async fn delete_instance(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().delete_agent_instance(&id)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `GET /agents/sessions`.
pub(crate) async fn list_sessions(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().agent_sessions(&query)))
}

pub(crate) async fn get_session(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().agent_session(&id).map(ok)
}

/// `POST /agents/sessions/{id}/revoke`.
pub(crate) async fn revoke_session(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().revoke_agent_session(&id).map(ok)
}
