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
