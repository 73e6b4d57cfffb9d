//! `/user_management/invitations`: parse, call the model
//! ([`crate::model::user_management::invitations`]), render.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::HeaderMap;

use crate::model::error::{ApiResult, parse_body};
use crate::model::user_management::{CreateInvitation, ResendInvitation};
use crate::routes::Listing;
use crate::routes::{Db, created, ok, origin};

pub(crate) async fn create(State(db): Db, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let new: CreateInvitation = parse_body(&body)?;
    db.store().create_invitation(new, &origin(&headers)).map(created)
}

pub(crate) async fn list(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().list_invitations(&query)))
}

pub(crate) async fn get(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().get_invitation(&id).map(ok)
}

pub(crate) async fn get_by_token(State(db): Db, Path(token): Path<String>) -> ApiResult<Response> {
    db.store().get_invitation_by_token(&token).map(ok)
}

pub(crate) async fn accept(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().accept_invitation(&id).map(ok)
}

pub(crate) async fn revoke(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().revoke_invitation(&id).map(ok)
}

pub(crate) async fn resend(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let resend: ResendInvitation = parse_body(&body)?;
    db.store().resend_invitation(&id, resend).map(ok)
}
