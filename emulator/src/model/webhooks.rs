//! Webhook endpoints.

use serde::{Deserialize, Serialize};

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
