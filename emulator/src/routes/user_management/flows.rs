//! Magic auth, email verification and change, password reset: parse, call the model
//! ([`crate::model::user_management::flows`]), render.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::HeaderMap;

use crate::model::error::{ApiResult, parse_body};
use crate::model::user_management::{
    ConfirmCode, ConfirmPasswordReset, CreateEmailChange, CreateMagicAuth, CreatePasswordReset,
};
use crate::routes::{Db, created, ok, origin};

pub(crate) async fn create_magic_auth(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let new: CreateMagicAuth = parse_body(&body)?;
    db.store().create_magic_auth(new).map(created)
}

pub(crate) async fn get_magic_auth(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().get_magic_auth(&id).map(ok)
}

pub(crate) async fn send_verification(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().send_verification(&id).map(ok)
}

pub(crate) async fn confirm_verification(
    State(db): Db,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let given: ConfirmCode = parse_body(&body)?;
    db.store().confirm_verification(&id, given).map(ok)
}

pub(crate) async fn get_verification(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().get_email_verification(&id).map(ok)
}

pub(crate) async fn send_email_change(
    State(db): Db,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let change: CreateEmailChange = parse_body(&body)?;
    db.store().send_email_change(&id, change).map(ok)
}

pub(crate) async fn confirm_email_change(
    State(db): Db,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let given: ConfirmCode = parse_body(&body)?;
    db.store().confirm_email_change(&id, given).map(ok)
}

pub(crate) async fn create_password_reset(
    State(db): Db,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let new: CreatePasswordReset = parse_body(&body)?;
    db.store().create_password_reset(new, &origin(&headers)).map(created)
}

pub(crate) async fn get_password_reset(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().get_password_reset(&id).map(ok)
}

pub(crate) async fn confirm_password_reset(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let confirm: ConfirmPasswordReset = parse_body(&body)?;
    db.store().confirm_password_reset(confirm).map(ok)
}
