//! The hand-written runtime: configuration, authentication, retries and tracing, plugged into the
//! generated [`Client`](crate::Client) through progenitor's `ClientHooks` (see `hooks.rs`).

mod config;
mod error;
mod hooks;
pub mod paginate;
mod retry;

use std::sync::Arc;

pub use config::{ClientBuilder, ConfigError, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
pub use error::{ApiError, ApiErrorExt};
pub use paginate::{Direction, Items, Page, PageOptions, Pages};
pub use retry::{RetryMode, RetryPolicy};

use config::ApiKey;
use retry::RetryBudget;

/// What the runtime knows of one operation (emitted by the codegen into `OPERATIONS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationMeta {
    /// The generated method's name.
    pub id: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template.
    pub path: &'static str,
    /// The document declares an `Idempotency-Key` header for it.
    pub idempotency_key: bool,
}

impl OperationMeta {
    /// The operation named `id`, if the generated client has it.
    pub fn find(id: &str) -> Option<&'static OperationMeta> {
        let table = crate::emitted::operations::OPERATIONS;
        table.binary_search_by(|m| m.id.cmp(id)).ok().map(|i| &table[i])
    }
}

/// The client's runtime state: its API key, retry policy and budget, and per-call options.
/// Cloning is cheap; clones share the retry budget.
#[derive(Clone)]
pub struct Runtime {
    api_key: ApiKey,
    user_agent: Arc<str>,
    timeout: std::time::Duration,
    policy: RetryPolicy,
    budget: Arc<RetryBudget>,
    call: CallOptions,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("api_key", &self.api_key)
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("policy", &self.policy)
            .field("call", &self.call)
            .finish_non_exhaustive()
    }
}

/// Per-call overrides, set with [`Client::with_retry_mode`](crate::Client::with_retry_mode) and
/// friends on a cheap clone of the client.
#[derive(Clone, Debug, Default)]
struct CallOptions {
    mode: RetryMode,
    max_attempts: Option<u32>,
    idempotency_key: Option<Arc<str>>,
}

impl crate::Client {
    /// A client for these calls only, with another retry mode (`Never`, or `Always` when the
    /// caller knows a POST or PATCH is safe to repeat).
    #[must_use]
    pub fn with_retry_mode(&self, mode: RetryMode) -> Self {
        self.with_call(|c| c.mode = mode)
    }

    /// A client for these calls only, making at most `attempts` attempts (the first included).
    #[must_use]
    pub fn with_max_attempts(&self, attempts: u32) -> Self {
        self.with_call(|c| c.max_attempts = Some(attempts.max(1)))
    }

    /// A client for these calls only, sending `key` as `Idempotency-Key` on every attempt; the
    /// calls are then retried like idempotent ones.
    #[must_use]
    pub fn with_idempotency_key(&self, key: impl Into<String>) -> Self {
        let key: Arc<str> = key.into().into();
        self.with_call(|c| c.idempotency_key = Some(key))
    }

    fn with_call(&self, change: impl FnOnce(&mut CallOptions)) -> Self {
        let mut runtime = self.inner.clone();
        change(&mut runtime.call);
        Self::new_with_client(&self.baseurl, self.client.clone(), runtime)
    }
}
