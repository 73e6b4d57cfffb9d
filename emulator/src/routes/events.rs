//! `GET /events`: the events the emulator's writes produced, filtered by name (`events`),
//! organization and time range, paged by `after`/`before` like every list.

use axum::extract::State;
use axum::response::Response;

use super::{Db, ok};
use crate::model::error::ApiResult;
use crate::routes::Listing;

pub(crate) async fn list(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    db.store().list_events(&query).map(ok)
}
