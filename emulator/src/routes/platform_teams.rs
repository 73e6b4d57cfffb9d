//! `/platform/teams`: parse, call the model ([`crate::model::platform_teams`]), render.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;

use super::{Db, created, ok};
use crate::model::error::{ApiResult, parse_body};
use crate::model::platform_teams::CreateTeam;

pub(crate) async fn create(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let new: CreateTeam = parse_body(&body)?;
    db.store().create_team(new).map(created)
}

pub(crate) async fn get(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().team(&id).map(ok)
}
