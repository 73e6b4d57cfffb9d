//! The runtime client: the configuration in memory, refreshed by a polling task.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::watch;

use super::{Configuration, Context, Evaluation, NotReady, PAYLOAD_VERSION, RefreshError, Status};
use crate::{ApiError, Client};

/// Default of [`RuntimeClientBuilder::polling_interval`] (both SDKs: 30 s).
pub const DEFAULT_POLLING_INTERVAL: Duration = Duration::from_secs(30);
/// The shortest polling interval; a shorter one is raised to it (both SDKs: 5 s).
pub const MIN_POLLING_INTERVAL: Duration = Duration::from_secs(5);
/// Default of [`RuntimeClientBuilder::request_timeout`] (both SDKs: 10 s).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Default of [`RuntimeClientBuilder::max_retry_delay`] (both SDKs: 60 s).
pub const DEFAULT_MAX_RETRY_DELAY: Duration = Duration::from_secs(60);

/// The first wait after a failed fetch, doubled for each further failure.
const INITIAL_RETRY_DELAY: Duration = Duration::from_secs(1);
/// The shortest wait between two fetches, after jitter.
const MIN_DELAY: Duration = Duration::from_secs(1);
/// Jitter either way, as a fraction of the wait.
const JITTER: f64 = 0.1;
/// Failures after which the backoff stops growing (Python's `MAX_COUNTED_FAILURES`).
const MAX_COUNTED_FAILURES: u32 = 20;

/// Options of a [`RuntimeClient`]: `client.feature_flags().runtime_client()` or
/// [`RuntimeClient::builder`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `start` is called"]
pub struct RuntimeClientBuilder {
    client: Client,
    polling_interval: Duration,
    request_timeout: Duration,
    max_retry_delay: Duration,
    bootstrap: Option<Configuration>,
}

impl RuntimeClientBuilder {
    fn new(client: Client) -> Self {
        RuntimeClientBuilder {
            client,
            polling_interval: DEFAULT_POLLING_INTERVAL,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_retry_delay: DEFAULT_MAX_RETRY_DELAY,
            bootstrap: None,
        }
    }

    /// Time between fetches (default 30 s; at least [`MIN_POLLING_INTERVAL`], 5 s).
    pub fn polling_interval(mut self, interval: Duration) -> Self {
        self.polling_interval = interval.max(MIN_POLLING_INTERVAL);
        self
    }

    /// Time one fetch may take in all, the client's retries included (default 10 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Longest wait after failures (default 60 s); the polling interval still applies.
    pub fn max_retry_delay(mut self, delay: Duration) -> Self {
        self.max_retry_delay = delay;
        self
    }

    /// A configuration to answer from until the first fetch succeeds (one kept from an earlier
    /// run, say): the client is ready at once.
    pub fn bootstrap(mut self, configuration: Configuration) -> Self {
        self.bootstrap = Some(configuration);
        self
    }

    /// Starts polling: the first fetch at once, on the current Tokio runtime.
    ///
    /// # Panics
    /// Outside a Tokio runtime, as `tokio::spawn`.
    pub fn start(self) -> RuntimeClient {
        let status = Status { configuration: self.bootstrap.map(Arc::new), ..Status::default() };
        let shared = Arc::new(Shared {
            client: self.client,
            request_timeout: self.request_timeout,
            status: watch::Sender::new(status),
            refreshing: tokio::sync::Mutex::new(()),
        });
        let poller = tokio::spawn(poll(shared.clone(), self.polling_interval, self.max_retry_delay));
        RuntimeClient { inner: Arc::new(Inner { shared, poller }) }
    }
}

/// Feature flags evaluated in process from a configuration refreshed in the background (see
/// the [module documentation](super)). Clones share the configuration and the polling task,
/// which stops when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct RuntimeClient {
    inner: Arc<Inner>,
}

/// The polling task with what it shares; dropping it stops the task.
#[derive(Debug)]
struct Inner {
    shared: Arc<Shared>,
    poller: tokio::task::JoinHandle<()>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.poller.abort();
    }
}

/// What the polling task and the handles share.
#[derive(Debug)]
struct Shared {
    client: Client,
    request_timeout: Duration,
    /// The status, replaced whole on every refresh; readers never wait on the network.
    status: watch::Sender<Status>,
    /// One refresh at a time (the background one and [`RuntimeClient::refresh`]).
    refreshing: tokio::sync::Mutex<()>,
}

impl crate::feature_flags::FeatureFlags {
    /// A runtime client that evaluates flags in process ([`crate::flags`]), as the Node SDK's
    /// `featureFlags.createRuntimeClient()`; `.start()` it.
    pub fn runtime_client(&self) -> RuntimeClientBuilder {
        RuntimeClientBuilder::new(self.client.clone())
    }
}

impl RuntimeClient {
    /// Starts a runtime client with the default options (see [`RuntimeClientBuilder::start`]).
    ///
    /// # Panics
    /// Outside a Tokio runtime, as `tokio::spawn`.
    pub fn start(client: &Client) -> Self {
        Self::builder(client).start()
    }

    /// A runtime client's options.
    pub fn builder(client: &Client) -> RuntimeClientBuilder {
        RuntimeClientBuilder::new(client.clone())
    }

    /// Evaluates `slug` for `context` from memory; never waits on the network. Before the first
    /// fetch has finished: [`Evaluation::Pending`]; while no fetch has succeeded:
    /// [`Evaluation::Unavailable`].
    pub fn is_enabled(&self, slug: &str, context: &Context) -> Evaluation {
        let status = self.inner.shared.status.borrow();
        match &status.configuration {
            Some(configuration) => configuration.evaluate(slug, context),
            None if status.refreshes == 0 => Evaluation::Pending,
            None => Evaluation::Unavailable,
        }
    }

    /// Every flag that decides a value for `context`, by slug; empty before a configuration.
    pub fn all_flags(&self, context: &Context) -> BTreeMap<String, bool> {
        self.configuration().map(|c| c.evaluate_all(context)).unwrap_or_default()
    }

    /// The configuration in use, if any.
    pub fn configuration(&self) -> Option<Arc<Configuration>> {
        self.inner.shared.status.borrow().configuration.clone()
    }

    /// The configuration and how the fetches went.
    pub fn status(&self) -> Status {
        self.inner.shared.status.borrow().clone()
    }

    /// Waits until a configuration is there (at once with a bootstrap), at most `timeout`.
    ///
    /// # Errors
    /// [`NotReady::TimedOut`] (with the last fetch's error), or [`NotReady::PollingStopped`]
    /// when a 401 stopped polling first.
    pub async fn wait_until_ready(&self, timeout: Duration) -> Result<(), NotReady> {
        let mut updates = self.inner.shared.status.subscribe();
        let _ = tokio::time::timeout(timeout, async {
            // The sender lives in `shared`, which `self` holds: `wait_for` cannot see it closed.
            let _ = updates.wait_for(|s| s.configuration.is_some() || s.polling_stopped).await;
        })
        .await;
        let status = self.inner.shared.status.borrow();
        if status.configuration.is_some() {
            return Ok(());
        }
        match (&status.last_error, status.polling_stopped) {
            (Some(error), true) => Err(NotReady::PollingStopped { error: error.clone() }),
            (last_error, _) => Err(NotReady::TimedOut { waited: timeout, last_error: last_error.clone() }),
        }
    }

    /// Fetches the configuration now, serialized with the background fetches. A 401 stops
    /// polling, as from the background.
    ///
    /// # Errors
    /// The fetch's error; the last good configuration stays in use.
    pub async fn refresh(&self) -> Result<(), Arc<RefreshError>> {
        refresh(&self.inner.shared).await
    }
}

/// The polling task: a fetch at once, then one per interval, backing off after failures, until
/// a 401 or the [`RuntimeClient`] is dropped.
async fn poll(shared: Arc<Shared>, interval: Duration, max_retry_delay: Duration) {
    loop {
        let retry_after = match refresh(&shared).await {
            Ok(()) => None,
            Err(error) if error.is_unauthorized() => {
                tracing::error!(
                    "feature flags: polling stopped after a 401; keeping the last good flags. Make a new \
                     runtime client with a valid API key to resume. {error}"
                );
                return;
            }
            Err(error) => error.api_error().and_then(ApiError::retry_after),
        };
        let failures = shared.status.borrow().consecutive_failures;
        let delay = next_delay(interval, failures, max_retry_delay, fastrand::f64());
        tokio::time::sleep(delay.max(retry_after.unwrap_or_default())).await;
    }
}

/// The wait before the next fetch: the interval, or after failures the backoff from 1 s
/// doubling up to `max_retry_delay` when that is longer; ±10 % jitter (`random` in `[0, 1)`),
/// at least 1 s.
fn next_delay(interval: Duration, failures: u32, max_retry_delay: Duration, random: f64) -> Duration {
    let mut base = interval;
    if failures > 0 {
        let exponent = failures.min(MAX_COUNTED_FAILURES) - 1;
        let backoff = INITIAL_RETRY_DELAY.saturating_mul(1 << exponent).min(max_retry_delay);
        base = base.max(backoff);
    }
    let jittered = Duration::try_from_secs_f64(base.as_secs_f64() * (1.0 + (random * 2.0 - 1.0) * JITTER));
    jittered.unwrap_or(base).max(MIN_DELAY)
}

/// One fetch, recorded in the status.
async fn refresh(shared: &Shared) -> Result<(), Arc<RefreshError>> {
    let _one_at_a_time = shared.refreshing.lock().await;
    let attempted_at = SystemTime::now();
    let request = shared.client.feature_flags().get_feature_flags_configuration(PAYLOAD_VERSION);
    let fetched = match tokio::time::timeout(shared.request_timeout, request).await {
        Err(_) => Err(RefreshError::Timeout(shared.request_timeout)),
        Ok(Err(error)) => Err(RefreshError::Api(error)),
        Ok(Ok(payload)) => Ok(payload),
    };
    let outcome = fetched.and_then(|payload| {
        // An unchanged payload keeps the snapshot it already compiled.
        let current = shared.status.borrow().configuration.clone();
        match current {
            Some(current) if *current.payload() == payload => Ok(current),
            _ => Ok(Arc::new(Configuration::from_payload(payload)?)),
        }
    });
    let mut result = Ok(());
    shared.status.send_modify(|status| {
        status.refreshes += 1;
        status.last_attempt_at = Some(attempted_at);
        match outcome {
            Ok(configuration) => {
                if status.consecutive_failures > 0 {
                    tracing::info!("feature flags: refresh recovered");
                }
                tracing::debug!(flags = configuration.len(), "feature flags: refreshed");
                status.configuration = Some(configuration);
                status.last_success_at = Some(SystemTime::now());
                status.last_success = Some(Instant::now());
                status.last_error = None;
                status.consecutive_failures = 0;
            }
            Err(error) => {
                let error = Arc::new(error);
                if status.consecutive_failures == 0 && !error.is_unauthorized() {
                    tracing::warn!(
                        "feature flags: refresh failed; keeping the last good flags and retrying. {error}"
                    );
                } else {
                    tracing::debug!("feature flags: refresh failed. {error}");
                }
                status.failed_refreshes += 1;
                status.consecutive_failures = status.consecutive_failures.saturating_add(1);
                status.polling_stopped |= error.is_unauthorized();
                status.last_error = Some(error.clone());
                result = Err(error);
            }
        }
    });
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_follows_the_interval_and_backs_off_after_failures() {
        let (interval, max) = (Duration::from_secs(30), Duration::from_secs(60));
        let middle = 0.5; // no jitter
        assert_eq!(next_delay(interval, 0, max, middle), interval);
        assert_eq!(next_delay(interval, 1, max, middle), interval, "never sooner than the interval");
        assert_eq!(next_delay(interval, 6, max, middle), Duration::from_secs(32));
        assert_eq!(next_delay(interval, 7, max, middle), max);
        assert_eq!(next_delay(interval, u32::MAX, max, middle), max);
        let five = Duration::from_secs(5);
        assert_eq!(next_delay(five, 4, max, middle), Duration::from_secs(8));
        // ±10 % jitter, at least 1 s.
        assert_eq!(next_delay(interval, 0, max, 0.0), Duration::from_secs(27));
        assert!(next_delay(interval, 0, max, 0.999_999) <= Duration::from_secs(33));
        assert_eq!(next_delay(Duration::ZERO, 0, max, 0.0), MIN_DELAY);
    }

    #[tokio::test]
    async fn dropping_the_last_clone_stops_the_polling_task() {
        let client =
            Client::builder().api_key("sk_test_x").base_url("http://127.0.0.1:9").build().expect("client");
        let flags = RuntimeClient::start(&client);
        let shared = Arc::downgrade(&flags.inner.shared);
        let clone = flags.clone();
        drop(flags);
        tokio::task::yield_now().await;
        assert!(shared.upgrade().is_some(), "a clone still polls");
        drop(clone);
        for _ in 0..200 {
            if shared.upgrade().is_none() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the polling task outlived the last runtime client");
    }
}
