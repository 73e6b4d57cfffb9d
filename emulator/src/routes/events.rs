//! `GET /events`: the events the emulator's writes produced, oldest first, filtered by name
//! (`events`), organization and time range, paged by `after`/`before` like every list.

use axum::extract::{RawQuery, State};
use axum::response::Response;

use super::{Db, ok};
use crate::model::error::{ApiError, ApiResult};
use crate::model::list::Query;

pub(super) async fn list(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let names: Vec<&str> = query.get_list("events").into_iter().flat_map(|n| n.split(',')).collect();
    let org = query.get("organization_id");
    let range = |key: &str| -> ApiResult<Option<chrono::DateTime<chrono::FixedOffset>>> {
        query
            .get(key)
            .map(|v| {
                chrono::DateTime::parse_from_rfc3339(v).map_err(|_| {
                    ApiError::invalid_field(key, "invalid", format!("{key} must be an ISO 8601 timestamp."))
                })
            })
            .transpose()
    };
    let (start, end) = (range("range_start")?, range("range_end")?);
    let store = db.store();
    let at = |e: &serde_json::Value| {
        e["created_at"].as_str().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
    };
    let items = store
        .events
        .log
        .iter()
        .filter(|e| names.is_empty() || names.iter().any(|n| e["event"] == *n))
        .filter(|e| {
            org.is_none_or(|o| {
                e["data"]["organization_id"] == o
                    || (e["data"]["object"] == "organization" && e["data"]["id"] == o)
            })
        })
        .filter(|e| start.is_none_or(|s| at(e).is_some_and(|t| t >= s)))
        .filter(|e| end.is_none_or(|s| at(e).is_some_and(|t| t <= s)))
        .collect();
    Ok(ok(query.page(items, |e: &&serde_json::Value| e["id"].as_str().unwrap_or_default())))
}
