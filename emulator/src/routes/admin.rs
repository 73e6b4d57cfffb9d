//! The emulator's own endpoints, not WorkOS's (under `/_emulator/`, with the API key): snapshot
//! the data, restore a snapshot, reset to the seed. Tools in other languages use them as Rust
//! tests use [`crate::Emulator::snapshot`], `restore` and `reset`.

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;

use super::{Db, created, ok};
use crate::error::{ApiError, ApiResult};

/// `POST /_emulator/snapshots`: 201 `{"object": "snapshot", "id": ...}`.
pub(super) async fn snapshot(State(db): Db) -> Response {
    let id = db.keep_snapshot();
    created(json!({ "object": "snapshot", "id": id }))
}

/// `POST /_emulator/snapshots/{id}/restore`: 200, or 404 for an unknown (or dropped) snapshot.
pub(super) async fn restore(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    if db.restore_kept(&id) {
        Ok(ok(json!({ "object": "snapshot", "id": id, "restored": true })))
    } else {
        Err(ApiError::not_found("Snapshot", &id))
    }
}

/// `POST /_emulator/reset`: back to the seed.
pub(super) async fn reset(State(db): Db) -> Response {
    db.reset();
    ok(json!({ "reset": true }))
}
