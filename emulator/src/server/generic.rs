//! The HTTP side of the operations served from the document (see [`crate::model::generic`]):
//! parse the path, query and body, call the model, answer with the document's status.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawPathParams, RawQuery};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, patch, post, put};
use http::StatusCode;
use serde_json::{Map, Value};

use crate::model::error::{ApiResult, parse_body};
use crate::model::generic::{GenericOp, Kind, TABLE};
use crate::model::list::Query;
use crate::routes::Db;
use crate::server::Shared;

/// The operations of the document the emulator has no model for, as `(method, path)`, given
/// the ones it models.
pub(crate) fn unmodelled(modelled: &[(&str, &str)]) -> Vec<(&'static str, &'static str)> {
    TABLE.keys().filter_map(|key| key.split_once(' ')).filter(|route| !modelled.contains(route)).collect()
}

/// The handler of `METHOD path`, served from the table.
pub(crate) fn handler(method: &'static str, path: &'static str) -> MethodRouter<Arc<Shared>> {
    let handle = move |db: Db, params: RawPathParams, RawQuery(query): RawQuery, body: Bytes| async move {
        let values: Vec<String> = params.iter().map(|(_, v)| v.to_owned()).collect();
        let op = TABLE.get(&format!("{method} {path}")).expect("routes come from the table");
        let answer = parse(op, query.as_deref(), &body)
            .and_then(|(query, fields)| db.store().serve_generic(op, path, &values, &query, fields));
        respond(op, answer)
    };
    match method {
        "GET" => get(handle),
        "POST" => post(handle),
        "PUT" => put(handle),
        "PATCH" => patch(handle),
        _ => delete(handle),
    }
}

/// The query (a list's paging) and the body's fields (of an operation that takes a body) of a
/// request; the others are not read.
fn parse(op: &GenericOp, query: Option<&str>, body: &[u8]) -> ApiResult<(Query, Map<String, Value>)> {
    let query = Query::parse(if op.kind == Kind::List { query } else { None })?;
    let fields = if op.kind.takes_body() { parse_body(body)? } else { Map::new() };
    Ok((query, fields))
}

fn respond(op: &GenericOp, answer: ApiResult<Value>) -> Response {
    let status = StatusCode::from_u16(op.status).unwrap_or(StatusCode::OK);
    match answer {
        Ok(_) if !op.body => status.into_response(),
        Ok(value) => (status, axum::Json(value)).into_response(),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use serde_json::json;
    use tower::ServiceExt as _;

    use super::*;

    /// Sends one request to `app`; the status and the JSON answer (`null` when empty).
    async fn call(app: &axum::Router, method: &str, uri: &str, body: Option<Value>) -> (u16, Value) {
        let request = http::Request::builder()
            .method(method)
            .uri(uri)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
            .expect("a request");
        let response = app.clone().oneshot(request).await.expect("an answer");
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("a body");
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// Every operation of the pinned document has a model, so this serves one of them from its
    /// entry in the table, as a newer document's operation is served the day it arrives.
    #[tokio::test]
    async fn an_operation_is_served_from_its_entry_in_the_table() {
        let path = "/user_management/authkit_oauth_resources";
        let one = "/user_management/authkit_oauth_resources/{p0}";
        let app = axum::Router::new()
            .route(path, handler("POST", path).merge(handler("GET", path)))
            .route(one, handler("DELETE", "/user_management/authkit_oauth_resources/{id}"))
            .with_state(Arc::new(Shared::new(
                crate::DEFAULT_API_KEY.to_owned(),
                std::time::Duration::from_secs(300),
                crate::DEFAULT_LOG_BYTES,
                None,
            )));
        let (status, created) =
            call(&app, "POST", path, Some(json!({"uri": "https://api.example.com"}))).await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().expect("an id").to_owned();
        assert!(id.starts_with("authkit_oauth_resource_"), "{id}");
        assert_eq!(
            (created["object"].as_str(), created["uri"].as_str()),
            (Some("authkit_oauth_resource"), Some("https://api.example.com"))
        );
        let (status, list) = call(&app, "GET", &format!("{path}?limit=1"), None).await;
        assert_eq!((status, list["data"][0]["id"].as_str()), (200, Some(id.as_str())), "{list}");
        let (status, body) = call(&app, "POST", path, Some(json!({"default": true}))).await;
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("uri")), "{body}");
        assert_eq!(call(&app, "DELETE", &format!("{path}/{id}"), None).await.0, 204);
        let (status, body) = call(&app, "DELETE", &format!("{path}/{id}"), None).await;
        assert_eq!((status, body["code"].as_str()), (404, Some("entity_not_found")), "{body}");
    }
}
