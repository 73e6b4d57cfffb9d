//! Webhook endpoints: made, listed, changed and deleted through the API; every enabled one
//! receives the events it subscribes to, signed with its secret (`WorkOS-Signature`).

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use serde::Deserialize;

use super::{Db, created, empty, ok};
use crate::model::error::{ApiError, ApiResult, parse_body};
use crate::model::ids::{now, token};
use crate::model::list::Query;
use crate::model::{Store, WebhookEndpoint};

#[derive(Deserialize)]
struct CreateEndpoint {
    endpoint_url: String,
    events: Vec<String>,
}

#[derive(Deserialize)]
struct UpdateEndpoint {
    endpoint_url: Option<String>,
    status: Option<String>,
    events: Option<Vec<String>>,
}

/// An absolute `http(s)` URL (WorkOS wants HTTPS; the emulator delivers to local receivers too).
fn check_url(url: &str) -> ApiResult<()> {
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        ApiError::invalid_field("endpoint_url", "invalid", format!("'{url}' is not a URL: {e}."))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(ApiError::invalid_field(
            "endpoint_url",
            "invalid",
            format!("'{url}' is not an http(s) URL."),
        ));
    }
    Ok(())
}

/// Event names: at least one, each dotted lower-case words (`user.created`).
fn check_events(events: &[String]) -> ApiResult<()> {
    if events.is_empty() {
        return Err(ApiError::invalid_field("events", "required", "events must name at least one event."));
    }
    for (i, e) in events.iter().enumerate() {
        let valid = e.contains('.')
            && e.split('.').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        if !valid {
            return Err(ApiError::invalid_field(
                &format!("events[{i}]"),
                "invalid",
                format!("'{e}' is not an event name."),
            ));
        }
    }
    Ok(())
}

fn url_taken(store: &Store, url: &str, except: &str) -> ApiResult<()> {
    if store.webhook_endpoints.iter().any(|e| e.endpoint_url == url && e.id != except) {
        return Err(ApiError::conflict(
            "duplicate_endpoint",
            format!("A webhook endpoint for '{url}' already exists."),
        ));
    }
    Ok(())
}

fn find(store: &Store, id: &str) -> ApiResult<usize> {
    store.webhook_endpoints.index_of(id)
}

pub(super) async fn list(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    Ok(ok(query.page_sorted(&store.webhook_endpoints, |e| &e.id)))
}

pub(super) async fn create(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: CreateEndpoint = parse_body(&body)?;
    check_url(&dto.endpoint_url)?;
    check_events(&dto.events)?;
    let mut store = db.store();
    url_taken(&store, &dto.endpoint_url, "")?;
    let at = now();
    let endpoint = WebhookEndpoint {
        object: "webhook_endpoint",
        id: store.ids.next("we"),
        endpoint_url: dto.endpoint_url,
        secret: token(32),
        status: "enabled".to_owned(),
        events: dto.events,
        created_at: at.clone(),
        updated_at: at,
    };
    store.webhook_endpoints.push(endpoint.clone());
    Ok(created(endpoint))
}

pub(super) async fn update(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let mut store = db.store();
    let i = find(&store, &id)?;
    let dto: UpdateEndpoint = parse_body(&body)?;
    if let Some(url) = &dto.endpoint_url {
        check_url(url)?;
        url_taken(&store, url, &id)?;
    }
    if let Some(events) = &dto.events {
        check_events(events)?;
    }
    if let Some(status) = &dto.status
        && !matches!(status.as_str(), "enabled" | "disabled")
    {
        return Err(ApiError::invalid_field(
            "status",
            "invalid",
            format!("status must be enabled or disabled, got '{status}'."),
        ));
    }
    let endpoint = &mut store.webhook_endpoints[i];
    if let Some(url) = dto.endpoint_url {
        endpoint.endpoint_url = url;
    }
    if let Some(status) = dto.status {
        endpoint.status = status;
    }
    if let Some(events) = dto.events {
        endpoint.events = events;
    }
    endpoint.updated_at = now();
    let endpoint = endpoint.clone();
    if endpoint.status == "disabled" {
        store.events.drop_endpoint(&id);
    }
    Ok(ok(endpoint))
}

pub(super) async fn delete(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    let i = find(&store, &id)?;
    store.webhook_endpoints.remove(i);
    store.events.drop_endpoint(&id);
    Ok(empty(StatusCode::NO_CONTENT))
}
