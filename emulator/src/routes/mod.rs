//! The HTTP surface: the document's routes, served from one table.

pub(crate) mod admin_portal;
pub(crate) mod agents;
pub(crate) mod api_keys;
pub(crate) mod audit_logs;
pub(crate) mod authorization;
pub(crate) mod connect;
pub(crate) mod directory_sync;
pub(crate) mod events;
pub(crate) mod feature_flags;
pub(crate) mod groups;
pub(crate) mod mfa;
pub(crate) mod organization_domains;
pub(crate) mod organizations;
pub(crate) mod pipes;
pub(crate) mod platform_teams;
pub(crate) mod radar;
pub(crate) mod sso;
pub(crate) mod user_management;
pub(crate) mod vault;
pub(crate) mod webhooks;
pub(crate) mod widgets;

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Serialize;

use crate::model::error::ApiError;
use crate::model::list::Query;
use crate::server::shared::Shared;

/// State handed to every handler.
pub(crate) type Db = axum::extract::State<Arc<Shared>>;

/// The base URL of the emulator as the client reached it (`http://` and its `Host`), for the
/// links and URIs its answers carry.
pub(crate) fn origin(headers: &http::HeaderMap) -> String {
    let host = headers.get(http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    format!("http://{host}")
}

/// A list's query string, parsed as the document describes it (`limit`, `order`, the cursors,
/// filters): a bad one is WorkOS's 422 before the handler runs.
pub(crate) struct Listing(pub(crate) Query);

impl<S: Send + Sync> FromRequestParts<S> for Listing {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut http::request::Parts, _: &S) -> Result<Self, ApiError> {
        Query::parse(parts.uri.query()).map(Self)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

/// 200 with a JSON body.
pub(crate) fn ok(body: impl Serialize) -> Response {
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// 201 with a JSON body.
pub(crate) fn created(body: impl Serialize) -> Response {
    (StatusCode::CREATED, axum::Json(body)).into_response()
}

/// An empty answer with `status` (204, or the document's empty 200 / 202).
pub(crate) fn empty(status: StatusCode) -> Response {
    status.into_response()
}
