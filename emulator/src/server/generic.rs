//! The HTTP side of the operations served from the document (see [`crate::model::generic`]): parse the
//! path and body, call the record table, answer with the document's status.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawPathParams, RawQuery};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, patch, post, put};
use http::StatusCode;
use serde_json::{Map, Value};

use crate::model::Store;
use crate::model::error::{ApiError, ApiResult};
use crate::model::generic::{GenericOp, Kind, TABLE, answer, concrete, effects, fields, with_timestamps};
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
        respond(op, serve(&mut db.store(), op, path, &values, query.as_deref(), &body))
    };
    match method {
        "GET" => get(handle),
        "POST" => post(handle),
        "PUT" => put(handle),
        "PATCH" => patch(handle),
        _ => delete(handle),
    }
}

fn respond(op: &GenericOp, answer: ApiResult<Value>) -> Response {
    let status = StatusCode::from_u16(op.status).unwrap_or(StatusCode::OK);
    match answer {
        Ok(_) if !op.body => status.into_response(),
        Ok(value) => (status, axum::Json(value)).into_response(),
        Err(e) => e.into_response(),
    }
}

fn serve(
    store: &mut Store,
    op: &'static GenericOp,
    path: &str,
    values: &[String],
    query: Option<&str>,
    body: &[u8],
) -> ApiResult<Value> {
    let mut outbox: Vec<(String, &'static str, Option<String>)> = Vec::new();
    let Store { generic, ids, .. } = store;
    let collection = concrete(&op.collection, values);
    let here = concrete(path, values);
    let (object, prefix) = (op.object.as_deref(), op.prefix.as_deref().unwrap_or("rec"));
    let last = values.last().map(String::as_str).unwrap_or_default();
    // A path that ends in a parameter names a record by id, or the one record stored at it
    // (an organization's connected account of a provider, by the provider's slug).
    let target_id = |generic: &crate::model::generic::GenericRecords| -> String {
        generic
            .singleton(&here)
            .map_or_else(|| last.to_owned(), |r| crate::model::generic::record_id(r).to_owned())
    };
    let record: Map<String, Value> = match op.kind {
        Kind::Create => {
            let with_parents = parents(op, &op.collection, values, fields(op, body)?);
            generic.create(ids, &collection, object, prefix, with_timestamps(op, with_parents), false)
        }
        Kind::Get => generic.get(&target_id(generic), object)?.clone(),
        Kind::Update => {
            let fields = fields(op, body)?;
            generic.update(&target_id(generic), object, fields)?
        }
        Kind::Delete => generic.delete(&target_id(generic), None)?,
        Kind::Put => {
            let with_parents = parents(op, path, values, fields(op, body)?);
            generic.put(ids, &here, object, prefix, with_timestamps(op, with_parents))
        }
        Kind::Fetch => generic
            .singleton(&here)
            .cloned()
            .ok_or_else(|| ApiError::not_found(object.unwrap_or("Record"), &here))?,
        Kind::Remove => {
            let id = generic.singleton(&here).map(|r| crate::model::generic::record_id(r).to_owned());
            generic
                .delete(&id.ok_or_else(|| ApiError::not_found(object.unwrap_or("Record"), &here))?, None)?
        }
        Kind::Action => {
            fields(op, body)?;
            let target = generic.get(last, None)?.clone();
            // What the action does to its record (approve: `state: approved`, `approved_at`).
            let target = if op.sets.is_empty() { target } else { generic.update(last, None, effects(op))? };
            // Sending or inviting: the email WorkOS would send goes to the outbox.
            if let (Some(kind), Some(to)) = (op.email.as_deref(), target.get("email").and_then(Value::as_str))
            {
                let link = target.get("link").and_then(Value::as_str);
                outbox.push((to.to_owned(), kind, link.map(str::to_owned)));
            }
            // An action that answers the record itself (revoke, approve) answers it; any other
            // answer is the document's required fields, which the fill table adds.
            if object.is_some() && target.get("object").and_then(Value::as_str) == object {
                target
            } else {
                Map::new()
            }
        }
        Kind::Answer => {
            fields(op, body)?;
            Map::new()
        }
        Kind::List => {
            let query = crate::model::list::Query::parse(query)?;
            let items = generic.list(&collection);
            return Ok(query.page(items, |r| crate::model::generic::record_id(r)));
        }
    };
    for (to, kind, link) in outbox {
        store.send_email(&to, kind, None, link.as_deref());
    }
    Ok(answer(op, &record))
}

/// `fields` with the path's parameters a record of `op` names (`organization_id`, or
/// `waitlist_id` for the `{id}` after `waitlists`).
fn parents(
    op: &GenericOp,
    template: &str,
    values: &[String],
    mut fields: Map<String, Value>,
) -> Map<String, Value> {
    let segments: Vec<&str> = template.split('/').collect();
    let mut values = values.iter();
    for (i, segment) in segments.iter().enumerate() {
        let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else { continue };
        let Some(value) = values.next() else { break };
        let previous = i.checked_sub(1).and_then(|j| segments.get(j)).copied().unwrap_or_default();
        let singular = previous.strip_suffix('s').unwrap_or(previous);
        let candidates = [name.to_owned(), snake(name), format!("{singular}_id")];
        // A record's own `id` is never its parent's.
        if let Some(property) = candidates.iter().find(|c| *c != "id" && op.properties.contains(c)) {
            fields.entry(property.clone()).or_insert_with(|| Value::String(value.clone()));
        }
    }
    fields
}

/// `organizationId` -> `organization_id`.
fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
