//! Events: what the emulator's own writes produced (`organization.created`, `role.created`,
//! `organization_membership.created`, ...), served by `GET /events` and delivered as signed
//! webhooks to the endpoints a test registers with [`Emulator::deliver_webhooks`].
//!
//! The log keeps the newest [`MAX_EVENTS`] events; older ones are dropped, so a long-running
//! emulator's memory stays bounded.
//!
//! [`Emulator::deliver_webhooks`]: crate::Emulator::deliver_webhooks

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, FixedOffset};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::sync::mpsc;

use crate::model::Store;
use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::{IdGen, now};
use crate::model::list::Query;

/// How many events the log keeps.
pub const MAX_EVENTS: usize = 10_000;

/// The event log and the webhook endpoints it feeds (the data file keeps the log alone).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Events {
    pub(crate) log: VecDeque<Value>,
    /// Endpoints a test registered ([`crate::Emulator::deliver_webhooks`]): every event.
    #[serde(skip)]
    endpoints: Vec<mpsc::UnboundedSender<Value>>,
    /// Queues of the endpoints made through the API (`/webhook_endpoints`), by endpoint id,
    /// with the URL and secret their task delivers with.
    #[serde(skip)]
    api_endpoints: std::collections::HashMap<String, (String, String, mpsc::UnboundedSender<Value>)>,
    /// Every delivery attempt, newest last, at most [`MAX_EVENTS`].
    #[serde(skip)]
    pub(crate) deliveries: Arc<Mutex<VecDeque<WebhookDelivery>>>,
}

/// A copy holds the log alone: it feeds no endpoint (snapshots are copies).
impl Clone for Events {
    fn clone(&self) -> Self {
        Self { log: self.log.clone(), ..Self::default() }
    }
}

/// An endpoint made through the API that an event goes to.
pub(crate) struct Subscriber<'a> {
    pub(crate) id: &'a str,
    pub(crate) url: &'a str,
    pub(crate) secret: &'a str,
}

impl Events {
    /// Takes `other`'s log, keeping this one's endpoints and deliveries.
    pub(crate) fn restore_log(&mut self, other: &Self) {
        self.log = other.log.clone();
    }

    /// Stops the queue of an API endpoint (deleted, disabled or moved); the next event it is
    /// subscribed to starts a new one.
    pub(crate) fn drop_endpoint(&mut self, id: &str) {
        self.api_endpoints.remove(id);
    }
}

impl Events {
    /// Records event `name` with `data` and queues it for every endpoint a test registered and
    /// for `subscribers`. An API endpoint's queue and delivery task start with its first event
    /// (outside a Tokio runtime, as when seeding before start, nothing is delivered).
    pub(crate) fn emit(&mut self, ids: &mut IdGen, name: &str, data: Value, subscribers: &[Subscriber<'_>]) {
        let event = json!({
            "object": "event",
            "id": ids.next("event"),
            "event": name,
            "data": data,
            "created_at": now(),
        });
        self.endpoints.retain(|tx| tx.send(event.clone()).is_ok());
        for sub in subscribers {
            let current = self
                .api_endpoints
                .get(sub.id)
                .filter(|(url, secret, tx)| url == sub.url && secret == sub.secret && !tx.is_closed());
            if current.is_none() {
                let Ok(runtime) = tokio::runtime::Handle::try_current() else { continue };
                let (tx, rx) = mpsc::unbounded_channel();
                runtime.spawn(deliver(
                    rx,
                    sub.url.to_owned(),
                    sub.secret.to_owned(),
                    self.deliveries.clone(),
                ));
                self.api_endpoints.insert(sub.id.to_owned(), (sub.url.to_owned(), sub.secret.to_owned(), tx));
            }
            if let Some((_, _, tx)) = self.api_endpoints.get(sub.id) {
                let _ = tx.send(event.clone());
            }
        }
        crate::model::push_back_bounded(&mut self.log, event, MAX_EVENTS);
    }

    pub(crate) fn subscribe(&mut self) -> mpsc::UnboundedReceiver<Value> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.endpoints.push(tx);
        rx
    }
}

/// A time bound of the events list (`range_start`, `range_end`), or a 422 naming it.
fn time_bound(query: &Query, key: &str) -> ApiResult<Option<DateTime<FixedOffset>>> {
    query
        .get(key)
        .map(|v| {
            DateTime::parse_from_rfc3339(v).map_err(|_| {
                ApiError::invalid_field(key, "invalid", format!("{key} must be an ISO 8601 timestamp."))
            })
        })
        .transpose()
}

impl Store {
    /// `GET /events`: the page of events `query` asks for, filtered by name (`events`,
    /// repeated or comma-separated), organization (`organization_id`: an event's data names
    /// it, or is it) and time range (`range_start`, `range_end`, inclusive).
    pub(crate) fn list_events(&self, query: &Query) -> ApiResult<Value> {
        let names: Vec<&str> = query.get_list("events");
        let org = query.get("organization_id");
        let (start, end) = (time_bound(query, "range_start")?, time_bound(query, "range_end")?);
        let at = |e: &Value| e["created_at"].as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok());
        let items = self
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
        Ok(query.page(items, |e: &&Value| e["id"].as_str().unwrap_or_default()))
    }
}

/// One webhook delivery attempt, as the emulator saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    /// The event id.
    pub event_id: String,
    /// The event name.
    pub event: String,
    /// The receiver's HTTP status, or `None` when it could not be reached.
    pub status: Option<u16>,
}

/// The `WorkOS-Signature` header for `body`: `t=<ms>, v1=<hex HMAC-SHA256 of "<t>.<body>">`.
pub(crate) fn signature(body: &[u8], secret: &str) -> String {
    let t = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis().to_string();
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!("any key length"));
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={t}, v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Posts each event of `rx` to `url`, in order, signed with `secret`; records each attempt.
pub(crate) async fn deliver(
    mut rx: mpsc::UnboundedReceiver<Value>,
    url: String,
    secret: String,
    deliveries: Arc<Mutex<VecDeque<WebhookDelivery>>>,
) {
    let http = reqwest::Client::new();
    while let Some(event) = rx.recv().await {
        let body = event.to_string();
        let answer = http
            .post(&url)
            .header("content-type", "application/json")
            .header("WorkOS-Signature", signature(body.as_bytes(), &secret))
            .body(body)
            .send()
            .await;
        let delivery = WebhookDelivery {
            event_id: event["id"].as_str().unwrap_or_default().to_owned(),
            event: event["event"].as_str().unwrap_or_default().to_owned(),
            status: answer.ok().map(|a| a.status().as_u16()),
        };
        let mut deliveries = deliveries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        crate::model::push_back_bounded(&mut deliveries, delivery, MAX_EVENTS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_keeps_the_newest_events_only() {
        let mut events = Events::default();
        let mut ids = IdGen::default();
        for i in 0..MAX_EVENTS + 5 {
            events.emit(&mut ids, "role.created", json!({ "i": i }), &[]);
        }
        assert_eq!(events.log.len(), MAX_EVENTS);
        assert_eq!(events.log.front().expect("first")["data"]["i"], 5);
    }

    #[test]
    fn signatures_follow_the_documented_scheme() {
        let header = signature(b"{}", "whsec");
        let (t, v1) = header.split_once(", v1=").expect("two parts");
        assert!(t.starts_with("t=") && v1.len() == 64, "{header}");
    }

    fn names(page: &Value) -> Vec<String> {
        crate::model::authorization::fixtures::column(page, "event")
    }

    #[test]
    fn the_list_filters_by_name_organization_and_time() {
        let mut store = Store::default();
        store.emit("organization.created", json!({ "object": "organization", "id": "org_1" }));
        store.emit("group.created", json!({ "object": "group", "organization_id": "org_1" }));
        store.emit("group.created", json!({ "object": "group", "organization_id": "org_2" }));
        store.emit("user.created", json!({ "object": "user" }));
        let list = |raw: &str| store.list_events(&Query::parse(Some(raw)).expect("query"));
        let page = list("order=asc&organization_id=org_1").expect("page");
        assert_eq!(names(&page), ["organization.created", "group.created"]);
        let page = list("order=asc&events=user.created,organization.created").expect("page");
        assert_eq!(names(&page), ["organization.created", "user.created"]);
        assert!(names(&list("range_end=2000-01-01T00:00:00Z").expect("page")).is_empty());
        assert_eq!(names(&list("range_start=2000-01-01T00:00:00Z").expect("page")).len(), 4);
        let e = list("range_start=yesterday").expect_err("not a time");
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "range_start"));
    }
}
