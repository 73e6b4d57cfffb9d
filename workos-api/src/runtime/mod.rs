//! The hand-written runtime: the client and its configuration (confidential or public), the
//! call executor (authentication, retries, tracing, decoding), errors, pagination, and the
//! browser sign-in's [`AuthorizationRequest`]. Every generated request builder turns into a
//! [`Call`] and goes through here.

mod call;
mod client;
mod config;
mod error;
pub mod paginate;
mod public;
mod redirect;
mod retry;
#[doc(hidden)]
pub mod tagged;

use std::sync::Arc;

pub use call::{Call, CallOptions, OperationMeta, Request, RequestExt, Response, ResponseFuture};
pub use client::Client;
pub use config::{ClientBuilder, ConfigError, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
pub use error::ApiError;
pub use paginate::{
    Direction, Items, ListExt, ListRequest, Page, PageFuture, PageOptions, PageRequest, Pages,
};
pub use redirect::AuthorizationRequest;
pub use retry::{RetryMode, RetryPolicy};

#[cfg_attr(not(any(feature = "sso", feature = "sessions")), allow(unused_imports))]
pub(crate) use redirect::random_state;

use config::ApiKey;
use retry::RetryBudget;

/// The client's runtime state: its API key (none for a public client), retry policy and budget.
/// Shared by every clone of a client, so clones share the retry budget.
pub(crate) struct Runtime {
    api_key: Option<ApiKey>,
    user_agent: Arc<str>,
    timeout: std::time::Duration,
    policy: RetryPolicy,
    budget: RetryBudget,
}

impl Runtime {
    /// The API key, which is also the client secret of AuthKit's and SSO's code exchanges;
    /// `None` for a public client.
    pub(crate) fn api_key(&self) -> Option<&str> {
        self.api_key.as_ref().map(ApiKey::expose)
    }
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("api_key", &self.api_key)
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}
