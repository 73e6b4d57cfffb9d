//! Webhook endpoints: made, listed, changed and deleted through the API; every enabled one
//! receives the events it subscribes to (see `events.rs`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::{ApiError, ApiResult};
use super::ids::{now, token};
use super::list::Query;
use super::*;

records!(
    WebhookEndpoint => "Webhook endpoint",
);

/// `WebhookEndpointJson`: where events are delivered (see `events`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct WebhookEndpoint {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) endpoint_url: String,
    pub(crate) secret: String,
    pub(crate) status: String,
    pub(crate) events: Vec<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `POST /webhook_endpoints`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CreateEndpoint {
    pub(crate) endpoint_url: String,
    pub(crate) events: Vec<String>,
}

/// `PATCH /webhook_endpoints/{id}`: what it names changes.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct UpdateEndpoint {
    pub(crate) endpoint_url: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) events: Option<Vec<String>>,
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

impl Store {
    /// 409 `duplicate_endpoint` when an endpoint other than `except` has `url`.
    fn check_url_free(&self, url: &str, except: &str) -> ApiResult<()> {
        if self.webhook_endpoints.iter().any(|e| e.endpoint_url == url && e.id != except) {
            return Err(ApiError::conflict(
                "duplicate_endpoint",
                format!("A webhook endpoint for '{url}' already exists."),
            ));
        }
        Ok(())
    }

    /// The page of webhook endpoints `query` asks for.
    pub(crate) fn list_webhook_endpoints(&self, query: &Query) -> Value {
        query.page_sorted(&self.webhook_endpoints, |e| &e.id)
    }

    /// Makes an endpoint, enabled, with a new signing secret.
    pub(crate) fn create_webhook_endpoint(&mut self, new: CreateEndpoint) -> ApiResult<WebhookEndpoint> {
        check_url(&new.endpoint_url)?;
        check_events(&new.events)?;
        self.check_url_free(&new.endpoint_url, "")?;
        let at = now();
        let endpoint = WebhookEndpoint {
            object: "webhook_endpoint",
            id: self.ids.next("we"),
            endpoint_url: new.endpoint_url,
            secret: token(32),
            status: "enabled".to_owned(),
            events: new.events,
            created_at: at.clone(),
            updated_at: at,
        };
        self.webhook_endpoints.push(endpoint.clone());
        Ok(endpoint)
    }

    /// Changes an endpoint's URL, status (`enabled` or `disabled`) or events; a disabled one's
    /// queue stops.
    pub(crate) fn update_webhook_endpoint(
        &mut self,
        id: &str,
        update: UpdateEndpoint,
    ) -> ApiResult<WebhookEndpoint> {
        let i = self.webhook_endpoints.index_of(id)?;
        if let Some(url) = &update.endpoint_url {
            check_url(url)?;
            self.check_url_free(url, id)?;
        }
        if let Some(events) = &update.events {
            check_events(events)?;
        }
        if let Some(status) = &update.status
            && !matches!(status.as_str(), "enabled" | "disabled")
        {
            return Err(ApiError::invalid_field(
                "status",
                "invalid",
                format!("status must be enabled or disabled, got '{status}'."),
            ));
        }
        let endpoint = &mut self.webhook_endpoints[i];
        if let Some(url) = update.endpoint_url {
            endpoint.endpoint_url = url;
        }
        if let Some(status) = update.status {
            endpoint.status = status;
        }
        if let Some(events) = update.events {
            endpoint.events = events;
        }
        endpoint.updated_at = now();
        let endpoint = endpoint.clone();
        if endpoint.status == "disabled" {
            self.events.drop_endpoint(id);
        }
        Ok(endpoint)
    }

    /// Deletes an endpoint and stops its queue.
    pub(crate) fn delete_webhook_endpoint(&mut self, id: &str) -> ApiResult<WebhookEndpoint> {
        let endpoint = self.webhook_endpoints.take(id)?;
        self.events.drop_endpoint(id);
        Ok(endpoint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(url: &str, events: &[&str]) -> CreateEndpoint {
        CreateEndpoint {
            endpoint_url: url.to_owned(),
            events: events.iter().map(|e| (*e).to_owned()).collect(),
        }
    }

    #[test]
    fn an_endpoint_needs_an_http_url_of_its_own_and_event_names() {
        let mut store = Store::default();
        let made =
            store.create_webhook_endpoint(new("https://a.test/hook", &["user.created"])).expect("made");
        assert_eq!((made.status.as_str(), made.secret.len()), ("enabled", 32));
        let e =
            store.create_webhook_endpoint(new("https://a.test/hook", &["user.created"])).expect_err("taken");
        assert_eq!((e.status.as_u16(), e.code), (409, Some("duplicate_endpoint")));
        for (url, events, field) in [
            ("ftp://a.test", &["user.created"][..], "endpoint_url"),
            ("not a url", &["user.created"][..], "endpoint_url"),
            ("https://b.test", &[][..], "events"),
            ("https://b.test", &["user.created", "UserCreated"][..], "events[1]"),
        ] {
            let e = store.create_webhook_endpoint(new(url, events)).expect_err(url);
            assert_eq!(e.errors[0].field, field, "{url} {events:?}");
        }
        assert_eq!(store.webhook_endpoints.len(), 1);
    }

    #[test]
    fn an_update_checks_what_it_changes_and_a_deleted_endpoint_is_gone() {
        let mut store = Store::default();
        let a = store.create_webhook_endpoint(new("https://a.test/hook", &["user.created"])).expect("made");
        store.create_webhook_endpoint(new("https://b.test/hook", &["user.created"])).expect("made");
        let to_b =
            UpdateEndpoint { endpoint_url: Some("https://b.test/hook".into()), ..UpdateEndpoint::default() };
        assert_eq!(
            store.update_webhook_endpoint(&a.id, to_b).expect_err("taken").code,
            Some("duplicate_endpoint")
        );
        let same = UpdateEndpoint { endpoint_url: Some(a.endpoint_url.clone()), ..UpdateEndpoint::default() };
        store.update_webhook_endpoint(&a.id, same).expect("its own URL");
        let paused = UpdateEndpoint { status: Some("paused".into()), ..UpdateEndpoint::default() };
        assert_eq!(
            store.update_webhook_endpoint(&a.id, paused).expect_err("no such status").errors[0].field,
            "status"
        );
        let off = UpdateEndpoint { status: Some("disabled".into()), ..UpdateEndpoint::default() };
        assert_eq!(store.update_webhook_endpoint(&a.id, off).expect("disabled").status, "disabled");
        store.delete_webhook_endpoint(&a.id).expect("deleted");
        let e = store.update_webhook_endpoint(&a.id, UpdateEndpoint::default()).expect_err("gone");
        assert_eq!(e.message, format!("Webhook endpoint not found: '{}'.", a.id));
        let page = store.list_webhook_endpoints(&Query::parse(None).expect("query"));
        assert_eq!(page["data"].as_array().map(Vec::len), Some(1));
    }
}
