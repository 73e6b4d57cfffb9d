//! How the runtime client's fetches went: the status it reports, and why it failed or is not
//! ready.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use super::{Configuration, ConfigurationError};
#[cfg(doc)] // for the documentation's links
use super::{RuntimeClient, RuntimeClientBuilder};
use crate::ApiError;

/// Why a fetch of the configuration failed. The last good configuration stays in use.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RefreshError {
    /// The request failed (a status, no response, or a body that did not decode).
    #[error("feature flags: the request failed: {0}")]
    Api(#[from] ApiError),
    /// No answer within the request timeout ([`RuntimeClientBuilder::request_timeout`]).
    #[error("feature flags: no configuration within {0:?}")]
    Timeout(Duration),
    /// The payload cannot be evaluated.
    #[error(transparent)]
    Configuration(#[from] ConfigurationError),
}

impl RefreshError {
    /// The API refused the key (401), or the client has none: polling stops for good.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, RefreshError::Api(e) if e.is_unauthorized() || e.is_missing_api_key())
    }

    /// No answer within the request timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, RefreshError::Timeout(_))
    }

    /// The API error, when the request failed.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            RefreshError::Api(e) => Some(e),
            _ => None,
        }
    }
}

/// What the runtime client has: its configuration, and how its fetches went.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Status {
    /// The last good configuration; a failed refresh never replaces it.
    pub configuration: Option<Arc<Configuration>>,
    /// When the last successful fetch finished (`None` before one, even with a bootstrap).
    pub last_success_at: Option<SystemTime>,
    /// When the last finished fetch started.
    pub last_attempt_at: Option<SystemTime>,
    /// The error of the last fetch, cleared by a successful one.
    pub last_error: Option<Arc<RefreshError>>,
    /// Fetches finished, successful or not.
    pub refreshes: u64,
    /// Fetches that failed.
    pub failed_refreshes: u64,
    /// Failures since the last success.
    pub consecutive_failures: u32,
    /// Polling stopped after a 401 (or for want of an API key): the configuration, if any,
    /// is never refreshed again. Make a new runtime client with a valid key.
    pub polling_stopped: bool,
    /// Monotonic twin of `last_success_at`, for [`cache_age`](Self::cache_age).
    pub(super) last_success: Option<Instant>,
}

impl Status {
    /// A configuration is there to evaluate.
    pub fn is_ready(&self) -> bool {
        self.configuration.is_some()
    }

    /// A configuration is there, but the last fetch failed: it may be out of date.
    pub fn is_stale(&self) -> bool {
        self.configuration.is_some() && (self.last_error.is_some() || self.polling_stopped)
    }

    /// Time since the last successful fetch.
    pub fn cache_age(&self) -> Option<Duration> {
        self.last_success.map(|at| at.elapsed())
    }

    /// How many flags the configuration has.
    pub fn flag_count(&self) -> usize {
        self.configuration.as_ref().map_or(0, |c| c.len())
    }
}

/// Why [`RuntimeClient::wait_until_ready`] returned without a configuration.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum NotReady {
    /// No configuration within the time given; the fetches go on.
    #[error("feature flags: not ready within {waited:?}{}", last_error_suffix(.last_error.as_deref()))]
    TimedOut {
        /// The time waited.
        waited: Duration,
        /// The last fetch's error, if one failed.
        last_error: Option<Arc<RefreshError>>,
    },
    /// Polling stopped (a 401) before any configuration arrived: it never will.
    #[error("feature flags: polling stopped before a configuration arrived: {error}")]
    PollingStopped {
        /// The error that stopped it.
        error: Arc<RefreshError>,
    },
}

fn last_error_suffix(error: Option<&RefreshError>) -> String {
    error.map(|e| format!("; the last fetch failed: {e}")).unwrap_or_default()
}

impl NotReady {
    /// No configuration within the time given.
    pub fn is_timed_out(&self) -> bool {
        matches!(self, NotReady::TimedOut { .. })
    }

    /// Polling stopped before a configuration arrived.
    pub fn is_polling_stopped(&self) -> bool {
        matches!(self, NotReady::PollingStopped { .. })
    }

    /// The last fetch's error, if one failed.
    pub fn last_error(&self) -> Option<&RefreshError> {
        match self {
            NotReady::TimedOut { last_error, .. } => last_error.as_deref(),
            NotReady::PollingStopped { error } => Some(error),
        }
    }
}
