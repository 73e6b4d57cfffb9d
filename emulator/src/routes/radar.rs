//! Radar over HTTP: attempts, the allow and block lists, and the sign-in challenges of
//! `/user_management/radar_challenges`. The rules are the model's ([`crate::model::radar`]).

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;

use super::{Db, created, empty, ok};
use crate::model::error::{ApiResult, parse_body};
use crate::model::radar::{self, Added, bad_request};

/// `POST /user_management/radar_challenges`: texts a code for a sign-in stopped at
/// `radar_sms_sign_in_challenge`.
pub(crate) async fn send_sms_challenge(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto = parse_body(&body)?;
    Ok(created(radar::send_sms_challenge(&mut db.store(), dto)?))
}

/// `GET /user_management/radar_challenges/{id}`: an emailed challenge, with its code.
pub(crate) async fn get_challenge(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(ok(radar::challenge(&db.store(), &id)?))
}

/// `POST /radar/attempts`: the verdict for a sign-in or sign-up attempt.
pub(crate) async fn create_attempt(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto = bad_request(parse_body(&body))?;
    Ok(ok(radar::create_attempt(&mut db.store(), dto)?))
}

/// `PUT /radar/attempts/{id}`: the attempt (or its challenge) succeeded.
pub(crate) async fn update_attempt(
    State(db): Db,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto = bad_request(parse_body(&body))?;
    radar::update_attempt(&mut db.store(), &id, dto)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `POST /radar/lists/{type}/{action}`: 201 when added, 200 with a message when already there.
pub(crate) async fn add_entry(
    State(db): Db,
    Path((kind, action)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto = entry(&kind, &action, &body)?;
    Ok(match radar::add_entry(&mut db.store(), kind, action, dto)? {
        Added::New => empty(StatusCode::CREATED),
        Added::AlreadyThere(message) => ok(message),
    })
}

/// `DELETE /radar/lists/{type}/{action}`: 404 for an entry not on the list.
pub(crate) async fn remove_entry(
    State(db): Db,
    Path((kind, action)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto = entry(&kind, &action, &body)?;
    radar::remove_entry(&mut db.store(), kind, action, dto)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// A list entry request: the list (the path's type and action) is checked before the body.
fn entry(kind: &str, action: &str, body: &[u8]) -> ApiResult<radar::ListEntry> {
    radar::check_list(kind, action)?;
    bad_request(parse_body(body))
}
