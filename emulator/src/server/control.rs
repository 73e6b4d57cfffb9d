//! The emulator's own endpoints, not WorkOS's (under `/_emulator/`, with the API key): apply a
//! seed, snapshot the data, restore a snapshot, reset to the seed, read the emails it would
//! have sent. Tools in other languages use them as Rust tests use [`crate::Emulator::seed`],
//! `snapshot`, `restore`, `reset` and `emails`.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use serde_json::json;

use crate::model::Seed;
use crate::model::error::{ApiError, ApiResult, parse_body};
use crate::routes::{Db, created, ok};

/// `POST /_emulator/seed`: applies a seed (the JSON form of a seed file) on top of the data,
/// whole or not at all: an unknown field or an item the API refuses is a 422 naming it, and
/// nothing is written. A reset goes back to the start-up seed, not to this one.
pub(crate) async fn seed(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let seed: Seed = parse_body(&body)?;
    crate::server::apply_seed(&db, &seed)
        .map_err(|e| ApiError::unprocessable("invalid_seed", e.to_string()))?;
    Ok(ok(json!({ "object": "seed", "applied": true })))
}

/// `POST /_emulator/snapshots`: 201 `{"object": "snapshot", "id": ...}`.
pub(crate) async fn snapshot(State(db): Db) -> Response {
    let id = db.keep_snapshot();
    created(json!({ "object": "snapshot", "id": id }))
}

/// `POST /_emulator/snapshots/{id}/restore`: 200, or 404 for an unknown (or dropped) snapshot.
pub(crate) async fn restore(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    if db.restore_kept(&id) {
        Ok(ok(json!({ "object": "snapshot", "id": id, "restored": true })))
    } else {
        Err(ApiError::not_found("Snapshot", &id))
    }
}

/// `POST /_emulator/reset`: back to the seed.
pub(crate) async fn reset(State(db): Db) -> Response {
    db.reset();
    ok(json!({ "reset": true }))
}

/// `GET /_emulator/emails`: the emails WorkOS would have sent, oldest first (`?to=` filters
/// by address).
pub(crate) async fn emails(State(db): Db, axum::extract::RawQuery(raw): axum::extract::RawQuery) -> Response {
    let to = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "to")
        .map(|(_, v)| v.to_lowercase());
    let store = db.store();
    let data: Vec<_> = store.outbox.iter().filter(|e| to.as_ref().is_none_or(|to| e.to == *to)).collect();
    ok(json!({ "object": "list", "data": data }))
}
