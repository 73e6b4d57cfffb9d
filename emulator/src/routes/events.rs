//! `GET /events`: the events the emulator's writes produced, filtered by name (`events`),
//! organization and time range, paged by `after`/`before` like every list.

use axum::extract::{RawQuery, State};
use axum::response::Response;

use super::{Db, ok};
use crate::model::error::ApiResult;
use crate::model::list::Query;

pub(crate) async fn list(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    db.store().list_events(&query).map(ok)
}
