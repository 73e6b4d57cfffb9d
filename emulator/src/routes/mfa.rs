//! Multi-factor authentication over HTTP: factors, their challenges and verification, and
//! users' factors. The rules are the model's ([`crate::model::mfa`]).

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;

use super::{Db, created, empty, ok};
use crate::model::error::{ApiResult, parse_body};
use crate::model::mfa;
use crate::routes::Listing;

/// `POST /auth/factors/enroll`.
pub(crate) async fn enroll(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto = parse_body(&body)?;
    Ok(created(mfa::enroll(&mut db.store(), dto)?))
}

/// `GET /auth/factors/{id}`.
pub(crate) async fn get(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(ok(mfa::factor(&db.store(), &id)?))
}

/// `DELETE /auth/factors/{id}`: the factor and its challenges.
pub(crate) async fn delete(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    mfa::delete_factor(&mut db.store(), &id)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `POST /auth/factors/{id}/challenge`.
pub(crate) async fn challenge(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let dto = parse_body(&body)?;
    Ok(created(mfa::challenge(&mut db.store(), &id, dto)?))
}

/// `POST /auth/challenges/{id}/verify`: 201 with `valid`.
pub(crate) async fn verify(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let dto: mfa::VerifyChallenge = parse_body(&body)?;
    Ok(created(mfa::verify_code(&mut db.store(), &id, &dto.code)?))
}

/// `POST /user_management/users/{id}/auth_factors`: a TOTP factor and its first challenge.
pub(crate) async fn enroll_for_user(
    State(db): Db,
    Path(user): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto = parse_body(&body)?;
    Ok(created(mfa::enroll_for_user(&mut db.store(), &user, dto)?))
}

/// `GET /user_management/users/{id}/auth_factors`.
pub(crate) async fn list_for_user(
    State(db): Db,
    Path(user): Path<String>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    let factors = mfa::list_for_user(&db.store(), &user)?;
    Ok(ok(query.page(factors, |f| &f.id)))
}
