//! Feature flags evaluated in process, as the runtime clients of WorkOS's Node and Python SDKs
//! evaluate them: a [`RuntimeClient`] fetches the environment's flags with their targeting
//! (`GET /sdk/feature-flags?payload_version=2`,
//! [`get_feature_flags_configuration`](crate::feature_flags::FeatureFlags::get_feature_flags_configuration)),
//! refreshes them in a background task, and answers [`RuntimeClient::is_enabled`] from memory,
//! without a request.
//!
//! ```no_run
//! # async fn demo(client: workos_api::Client) {
//! use std::time::Duration;
//! use workos_api::flags::{Context, RuntimeClient};
//!
//! let flags = RuntimeClient::start(&client); // polls every 30 s
//! if let Err(not_ready) = flags.wait_until_ready(Duration::from_secs(5)).await {
//!     eprintln!("serving flag defaults for now: {not_ready}");
//! }
//! let context = Context::new().organization_id("org_123").user_id("user_123");
//! if flags.is_enabled("new-billing", &context).unwrap_or(false) {
//!     // ...
//! }
//! # }
//! ```
//!
//! # Evaluation
//!
//! The rules are the SDKs' (`src/feature-flags/evaluator.ts` of `@workos-inc/node` 12.3.0,
//! `workos/feature_flags/runtime/_configuration.py` of `workos` 10.8.0):
//!
//! 1. A flag the configuration does not have: [`Evaluation::UnknownFlag`].
//! 2. A flag that is off in the environment serves its `off_value` ([`Reason::FlagOff`]).
//! 3. Otherwise the first rule, in payload order, whose conditions all match the context serves
//!    its value ([`Reason::RuleMatched`]). Only `conditions` rules with at least one condition
//!    can match, and only `one_of` conditions: the context's id for the condition's target type
//!    is one of its values, compared exactly. A rule with another kind or operator never matches.
//! 4. Otherwise the flag serves its `default_value` ([`Reason::Default`]).
//!
//! A served value that is not a boolean (a kind of flag this version does not evaluate) is
//! [`Evaluation::NoAnswer`]. Where the SDKs return the caller's default (`false` unless given),
//! [`Evaluation`] says which case it is; [`Evaluation::unwrap_or`] gives the SDKs' answer.
//!
//! # Before the first fetch, and after failures
//!
//! [`RuntimeClient::is_enabled`] never waits: before the first fetch has finished it answers
//! [`Evaluation::Pending`], and while every fetch so far has failed [`Evaluation::Unavailable`].
//! A failed refresh keeps the last good configuration, which goes on answering;
//! [`RuntimeClient::status`] then reports it stale ([`Status::is_stale`], [`Status::last_error`],
//! [`Status::cache_age`]). A 401 (or a client without an API key) stops polling for good, as in
//! both SDKs: the key cannot start working by retrying.
//!
//! # Polling
//!
//! As in both SDKs: the first fetch starts at once, then one every 30 s (at least 5 s), ±10 %
//! jitter; after failures the wait grows from 1 s doubling up to 60 s, never shorter than the
//! interval nor than a 429's `Retry-After`. Each fetch has 10 s in all, the client's retries
//! included. The polling task runs on the Tokio runtime [`RuntimeClientBuilder::start`] is
//! called from, and stops when the last clone of the [`RuntimeClient`] is dropped.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::watch;

use crate::types::{FlagPollEntry, FlagPollResponse, FlagPollRule};
use crate::{ApiError, Client};

/// The payload version this module reads (both SDKs ask for it).
pub const PAYLOAD_VERSION: i64 = 2;
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

/// The rule kind the SDKs evaluate.
const CONDITIONS_KIND: &str = "conditions";
/// The condition operator the SDKs evaluate.
const ONE_OF_OPERATOR: &str = "one_of";

// ---------------------------------------------------------------------------------------------
// Context
// ---------------------------------------------------------------------------------------------

/// Who a flag is evaluated for: at most one id per target type. `organization` and `user` are
/// target types like any custom one (`workspace`, say).
///
/// As in both SDKs, an invalid target type (not `[a-z][a-z0-9_-]{0,63}`) or id (not
/// `[A-Za-z0-9._:-]{1,255}`, or `.` / `..`) is left out, so it matches no rule; the evaluation
/// never fails because of its context.
///
/// ```
/// use workos_api::flags::Context;
///
/// let context = Context::new().organization_id("org_123").user_id("user_123").target("workspace", "ws_1");
/// assert_eq!(context.id("organization"), Some("org_123"));
/// assert_eq!(Context::new().user_id("not an id").id("user"), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// (target type, id), one per type.
    targets: Vec<(String, String)>,
}

impl Context {
    /// An empty context: only rules that need nothing of it (none today) and defaults apply.
    pub fn new() -> Self {
        Self::default()
    }

    /// The organization being evaluated (target type `organization`).
    #[must_use]
    pub fn organization_id(self, id: impl Into<String>) -> Self {
        self.target("organization", id)
    }

    /// The user being evaluated (target type `user`).
    #[must_use]
    pub fn user_id(self, id: impl Into<String>) -> Self {
        self.target("user", id)
    }

    /// The resource of a target type, replacing any earlier one of that type. Left out, with a
    /// `tracing` debug event, when the type or the id is invalid.
    #[must_use]
    pub fn target(mut self, target_type: impl Into<String>, id: impl Into<String>) -> Self {
        let (target_type, id) = (target_type.into(), id.into());
        if !valid_target_type(&target_type) {
            tracing::debug!(target_type, "feature flags: ignoring an invalid target type in the context");
            return self;
        }
        if !valid_target_id(&id) {
            tracing::debug!(target_type, "feature flags: ignoring an invalid target id in the context");
            return self;
        }
        self.targets.retain(|(t, _)| *t != target_type);
        self.targets.push((target_type, id));
        self
    }

    /// The id given for `target_type`.
    pub fn id(&self, target_type: &str) -> Option<&str> {
        self.targets.iter().find(|(t, _)| t == target_type).map(|(_, id)| id.as_str())
    }
}

/// `[a-z][a-z0-9_-]{0,63}`, the API's rule for target types.
fn valid_target_type(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && s.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// `[A-Za-z0-9._:-]{1,255}` and neither `.` nor `..`, the API's rule for target ids.
fn valid_target_id(s: &str) -> bool {
    (1..=255).contains(&s.len())
        && s != "."
        && s != ".."
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-'))
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/// The answer for one flag and context. [`unwrap_or`](Self::unwrap_or) gives what the SDKs
/// return: the decided value, else the caller's default.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Evaluation {
    /// The configuration decided.
    Decided {
        /// Whether the flag is on for this context.
        enabled: bool,
        /// Which step of the evaluation decided.
        reason: Reason,
    },
    /// No configuration yet: the first fetch has not finished.
    Pending,
    /// No configuration: every fetch so far failed ([`Status::last_error`] says why).
    Unavailable,
    /// The configuration has no flag with this slug.
    UnknownFlag,
    /// The flag's served value is not a boolean: a kind of flag this version does not evaluate.
    NoAnswer,
}

/// Which step of the evaluation decided ([`Evaluation::Decided`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// The flag is off in the environment: its `off_value`.
    FlagOff,
    /// The flag is on and this rule matched the context: the rule's value.
    RuleMatched {
        /// The rule's id.
        rule_id: Arc<str>,
    },
    /// The flag is on and no rule matched: its `default_value`.
    Default,
}

impl Evaluation {
    /// The decided value, or `None` ([`Pending`](Self::Pending), [`Unavailable`](Self::Unavailable),
    /// [`UnknownFlag`](Self::UnknownFlag), [`NoAnswer`](Self::NoAnswer)).
    pub fn enabled(&self) -> Option<bool> {
        match self {
            Evaluation::Decided { enabled, .. } => Some(*enabled),
            _ => None,
        }
    }

    /// The decided value, or `default` when nothing decided (as the SDKs' `isEnabled` /
    /// `is_enabled` with a default).
    pub fn unwrap_or(&self, default: bool) -> bool {
        self.enabled().unwrap_or(default)
    }

    /// The configuration decided.
    pub fn is_decided(&self) -> bool {
        matches!(self, Evaluation::Decided { .. })
    }

    /// No configuration yet: the first fetch has not finished.
    pub fn is_pending(&self) -> bool {
        matches!(self, Evaluation::Pending)
    }

    /// No configuration: every fetch so far failed.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Evaluation::Unavailable)
    }
}

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/// A validated snapshot of the environment's flags, ready to evaluate. Made from a fetched
/// payload ([`Configuration::from_payload`]); [`payload`](Self::payload) gives it back, to keep
/// and pass to [`RuntimeClientBuilder::bootstrap`] later.
#[derive(Debug, Clone, PartialEq)]
pub struct Configuration {
    payload: FlagPollResponse,
    flags: HashMap<String, CompiledFlag>,
}

/// One flag, ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
struct CompiledFlag {
    enabled: bool,
    default_value: Option<bool>,
    off_value: Option<bool>,
    rules: Vec<CompiledRule>,
}

/// One rule; `conditions` is empty when it can never match.
#[derive(Debug, Clone, PartialEq)]
struct CompiledRule {
    id: Arc<str>,
    value: Option<bool>,
    conditions: Vec<(String, HashSet<String>)>,
}

/// Why a payload cannot be evaluated. Both SDKs refuse such a payload whole and keep the last
/// good configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigurationError {
    /// Another payload version than [`PAYLOAD_VERSION`].
    #[error("feature flags: payload version {0}, this version reads only {PAYLOAD_VERSION}")]
    UnsupportedVersion(i64),
    /// A `one_of` condition whose values are not an array.
    #[error("feature flags: a one_of condition of rule '{rule_id}' of flag '{flag}' has no array of values")]
    InvalidCondition {
        /// The flag's slug.
        flag: String,
        /// The rule's id.
        rule_id: String,
    },
}

impl Configuration {
    /// Validates and compiles a payload of `GET /sdk/feature-flags`.
    ///
    /// # Errors
    /// Another payload version, or a `one_of` condition without an array of values. Rules of
    /// kinds and operators this version does not know are accepted and never match.
    pub fn from_payload(payload: FlagPollResponse) -> Result<Self, ConfigurationError> {
        if payload.version != PAYLOAD_VERSION {
            return Err(ConfigurationError::UnsupportedVersion(payload.version));
        }
        let flags = payload
            .flags
            .iter()
            .map(|(slug, entry)| Ok((slug.clone(), compile_flag(slug, entry)?)))
            .collect::<Result<_, ConfigurationError>>()?;
        Ok(Configuration { payload, flags })
    }

    /// The payload it was made from (including what this version does not read).
    pub fn payload(&self) -> &FlagPollResponse {
        &self.payload
    }

    /// One flag's configuration as received.
    pub fn flag(&self, slug: &str) -> Option<&FlagPollEntry> {
        self.payload.flags.get(slug)
    }

    /// Every flag's slug, sorted.
    pub fn slugs(&self) -> Vec<&str> {
        let mut slugs: Vec<&str> = self.flags.keys().map(String::as_str).collect();
        slugs.sort_unstable();
        slugs
    }

    /// How many flags it has.
    pub fn len(&self) -> usize {
        self.flags.len()
    }

    /// Whether it has no flag.
    pub fn is_empty(&self) -> bool {
        self.flags.is_empty()
    }

    /// Evaluates one flag for `context` (see the [module documentation](self) for the rules).
    pub fn evaluate(&self, slug: &str, context: &Context) -> Evaluation {
        let Some(flag) = self.flags.get(slug) else { return Evaluation::UnknownFlag };
        let served = |value: Option<bool>, reason: Reason| match value {
            Some(enabled) => Evaluation::Decided { enabled, reason },
            None => Evaluation::NoAnswer,
        };
        if !flag.enabled {
            return served(flag.off_value, Reason::FlagOff);
        }
        let matches = |rule: &&CompiledRule| {
            !rule.conditions.is_empty()
                && rule
                    .conditions
                    .iter()
                    .all(|(target_type, ids)| context.id(target_type).is_some_and(|id| ids.contains(id)))
        };
        match flag.rules.iter().find(matches) {
            Some(rule) => served(rule.value, Reason::RuleMatched { rule_id: rule.id.clone() }),
            None => served(flag.default_value, Reason::Default),
        }
    }

    /// Every flag that decides a value for `context`, by slug (a flag without a boolean answer
    /// is left out, as the SDKs' `getAllFlags` / `get_all_flags` do).
    pub fn evaluate_all(&self, context: &Context) -> BTreeMap<String, bool> {
        self.flags
            .keys()
            .filter_map(|slug| self.evaluate(slug, context).enabled().map(|on| (slug.clone(), on)))
            .collect()
    }
}

/// A served value: a boolean, or no answer.
fn served_value(value: Option<&serde_json::Value>) -> Option<bool> {
    value.and_then(serde_json::Value::as_bool)
}

fn compile_flag(slug: &str, entry: &FlagPollEntry) -> Result<CompiledFlag, ConfigurationError> {
    let rules = entry.rules.iter().map(|rule| compile_rule(slug, rule)).collect::<Result<_, _>>()?;
    Ok(CompiledFlag {
        enabled: entry.enabled,
        default_value: served_value(Some(&entry.default_value)),
        off_value: served_value(Some(&entry.off_value)),
        rules,
    })
}

fn compile_rule(slug: &str, rule: &FlagPollRule) -> Result<CompiledRule, ConfigurationError> {
    let never = |rule: &FlagPollRule| CompiledRule {
        id: rule.id.as_str().into(),
        value: served_value(rule.value.as_ref()),
        conditions: Vec::new(),
    };
    if rule.kind != CONDITIONS_KIND {
        // A kind of a newer server may have other fields: never read, never matched.
        return Ok(never(rule));
    }
    let mut conditions = Vec::with_capacity(rule.conditions.len());
    let mut evaluable = true;
    for condition in &rule.conditions {
        if condition.operator != ONE_OF_OPERATOR {
            evaluable = false;
            continue;
        }
        let Some(values) = condition.values.as_ref().and_then(serde_json::Value::as_array) else {
            return Err(ConfigurationError::InvalidCondition {
                flag: slug.to_owned(),
                rule_id: rule.id.clone(),
            });
        };
        match &condition.target_type {
            // Ids that are not strings can never equal a context's id.
            Some(target_type) => conditions.push((
                target_type.clone(),
                values.iter().filter_map(serde_json::Value::as_str).map(str::to_owned).collect(),
            )),
            None => evaluable = false,
        }
    }
    if !evaluable {
        return Ok(never(rule));
    }
    Ok(CompiledRule { id: rule.id.as_str().into(), value: served_value(rule.value.as_ref()), conditions })
}

// ---------------------------------------------------------------------------------------------
// Refresh outcomes and status
// ---------------------------------------------------------------------------------------------

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
    last_success: Option<Instant>,
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

// ---------------------------------------------------------------------------------------------
// The runtime client
// ---------------------------------------------------------------------------------------------

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
/// the [module documentation](self)). Clones share the configuration and the polling task,
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
            Some(current) if current.payload == payload => Ok(current),
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

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Evaluation::Decided { enabled, reason } => {
                let value = if *enabled { "on" } else { "off" };
                match reason {
                    Reason::FlagOff => write!(f, "{value} (the flag is off)"),
                    Reason::RuleMatched { rule_id } => write!(f, "{value} (rule {rule_id})"),
                    Reason::Default => write!(f, "{value} (default value)"),
                }
            }
            Evaluation::Pending => f.write_str("pending: no configuration yet"),
            Evaluation::Unavailable => f.write_str("unavailable: no configuration could be fetched"),
            Evaluation::UnknownFlag => f.write_str("unknown flag"),
            Evaluation::NoAnswer => f.write_str("no boolean answer"),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn configuration(flags: serde_json::Value) -> Result<Configuration, ConfigurationError> {
        let payload: FlagPollResponse =
            serde_json::from_value(json!({"version": 2, "flags": flags})).expect("a payload");
        Configuration::from_payload(payload)
    }

    fn rule(id: &str, value: serde_json::Value, conditions: serde_json::Value) -> serde_json::Value {
        json!({"id": id, "kind": "conditions", "value": value, "conditions": conditions})
    }

    fn one_of(target_type: &str, values: &[&str]) -> serde_json::Value {
        json!({"operator": "one_of", "target_type": target_type, "values": values})
    }

    fn flag(enabled: bool, default_value: serde_json::Value, rules: serde_json::Value) -> serde_json::Value {
        json!({"slug": "f", "enabled": enabled, "default_value": default_value, "off_value": false, "rules": rules})
    }

    fn decided(enabled: bool, reason: Reason) -> Evaluation {
        Evaluation::Decided { enabled, reason }
    }

    fn matched(rule_id: &str) -> Reason {
        Reason::RuleMatched { rule_id: rule_id.into() }
    }

    #[test]
    fn a_flag_that_is_off_serves_its_off_value_whatever_the_rules() {
        let c = configuration(json!({
            "f": flag(false, json!(true), json!([rule("r", json!(true), json!([one_of("user", &["user_1"])]))])),
        }))
        .expect("valid");
        let user = Context::new().user_id("user_1");
        assert_eq!(c.evaluate("f", &user), decided(false, Reason::FlagOff));
        assert_eq!(c.evaluate("missing", &user), Evaluation::UnknownFlag);
    }

    #[test]
    fn the_first_matching_rule_wins_then_the_default_value() {
        let rules = json!([
            rule("orgs", json!(false), json!([one_of("organization", &["org_1"])])),
            rule("users", json!(true), json!([one_of("user", &["user_1", "user_2"])])),
        ]);
        let c = configuration(json!({"f": flag(true, json!(true), rules)})).expect("valid");
        assert_eq!(c.evaluate("f", &Context::new().user_id("user_2")), decided(true, matched("users")));
        let both = Context::new().organization_id("org_1").user_id("user_1");
        assert_eq!(c.evaluate("f", &both), decided(false, matched("orgs")), "rule order, not context order");
        assert_eq!(c.evaluate("f", &Context::new().user_id("user_3")), decided(true, Reason::Default));
        assert_eq!(c.evaluate("f", &Context::new()), decided(true, Reason::Default));
        // Ids compare exactly.
        assert_eq!(c.evaluate("f", &Context::new().user_id("USER_1")), decided(true, Reason::Default));
    }

    #[test]
    fn every_condition_of_a_rule_must_match() {
        let both = json!([one_of("organization", &["org_1"]), one_of("user", &["user_1"])]);
        let c = configuration(json!({"f": flag(true, json!(false), json!([rule("r", json!(true), both)]))}))
            .expect("valid");
        assert_eq!(c.evaluate("f", &Context::new().user_id("user_1")), decided(false, Reason::Default));
        let context = Context::new().user_id("user_1").organization_id("org_1");
        assert_eq!(c.evaluate("f", &context), decided(true, matched("r")));
    }

    #[test]
    fn custom_target_types_match_like_the_built_in_ones() {
        let rules = json!([rule("r", json!(true), json!([one_of("workspace", &["ws_1"])]))]);
        let c = configuration(json!({"f": flag(true, json!(false), rules)})).expect("valid");
        assert_eq!(c.evaluate("f", &Context::new().target("workspace", "ws_1")), decided(true, matched("r")));
    }

    #[test]
    fn rules_this_version_cannot_evaluate_never_match() {
        let rules = json!([
            {"id": "pct", "kind": "percentage", "value": true, "percent": 50},
            rule("empty", json!(true), json!([])),
            rule("op", json!(true), json!([{"operator": "starts_with", "target_type": "user", "values": "user_"}])),
            rule("typeless", json!(true), json!([{"operator": "one_of", "values": ["user_1"]}])),
            rule("mixed", json!(true), json!([one_of("user", &["user_1"]), {"operator": "regex", "values": {}}])),
            {"id": "bare", "kind": "conditions", "value": true},
        ]);
        let c = configuration(json!({"f": flag(true, json!(false), rules)})).expect("unknown kinds are read");
        assert_eq!(c.evaluate("f", &Context::new().user_id("user_1")), decided(false, Reason::Default));
    }

    #[test]
    fn a_served_value_that_is_not_a_boolean_is_no_answer() {
        let rules = json!([rule("variant", json!("blue"), json!([one_of("user", &["user_1"])]))]);
        let c = configuration(json!({
            "f": flag(true, json!(null), rules),
            "off": {"slug": "off", "enabled": false, "default_value": true, "off_value": "x", "rules": []},
        }))
        .expect("valid");
        assert_eq!(c.evaluate("f", &Context::new().user_id("user_1")), Evaluation::NoAnswer);
        assert_eq!(c.evaluate("f", &Context::new()), Evaluation::NoAnswer);
        assert_eq!(c.evaluate("off", &Context::new()), Evaluation::NoAnswer);
        assert!(Evaluation::NoAnswer.unwrap_or(true));
        assert!(c.evaluate_all(&Context::new()).is_empty(), "flags without an answer are left out");
    }

    #[test]
    fn non_string_ids_are_dropped_and_the_rest_still_match() {
        let rules = json!([rule(
            "r",
            json!(true),
            json!([{"operator": "one_of", "target_type": "user", "values": [1, "user_1"]}])
        )]);
        let c = configuration(json!({"f": flag(true, json!(false), rules)})).expect("valid");
        assert_eq!(c.evaluate("f", &Context::new().user_id("user_1")), decided(true, matched("r")));
    }

    #[test]
    fn payloads_the_sdks_refuse_are_refused_whole() {
        let payload: FlagPollResponse =
            serde_json::from_value(json!({"version": 3, "flags": {}})).expect("decodes");
        assert_eq!(Configuration::from_payload(payload), Err(ConfigurationError::UnsupportedVersion(3)));
        let bad = json!([rule(
            "r",
            json!(true),
            json!([{"operator": "one_of", "target_type": "user", "values": "user_1"}])
        )]);
        let err = configuration(
            json!({"ok": flag(true, json!(true), json!([])), "f": flag(true, json!(false), bad)}),
        )
        .expect_err("a one_of without an array");
        assert_eq!(err, ConfigurationError::InvalidCondition { flag: "f".into(), rule_id: "r".into() });
    }

    #[test]
    fn an_invalid_context_entry_is_left_out() {
        let context = Context::new()
            .user_id("user_1")
            .user_id("")
            .organization_id("org/1")
            .target("Workspace", "ws_1")
            .target("team", "..")
            .target("team", "t".repeat(256))
            .target("x".repeat(65), "id");
        assert_eq!(context, Context::new().user_id("user_1"));
        // A later valid id replaces an earlier one of its type.
        assert_eq!(Context::new().user_id("user_1").user_id("user_2").id("user"), Some("user_2"));
        assert_eq!(Context::new().target("a-b_9", "A.b:c-_9").id("a-b_9"), Some("A.b:c-_9"));
    }

    #[test]
    fn all_flags_evaluates_each_for_the_context() {
        let rules = json!([rule("r", json!(true), json!([one_of("organization", &["org_1"])]))]);
        let c = configuration(json!({
            "a": flag(true, json!(false), rules),
            "b": flag(false, json!(true), json!([])),
        }))
        .expect("valid");
        let all = c.evaluate_all(&Context::new().organization_id("org_1"));
        assert_eq!(all, BTreeMap::from([("a".to_owned(), true), ("b".to_owned(), false)]));
        assert_eq!(c.slugs(), ["a", "b"]);
    }

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

    #[test]
    fn evaluations_read_as_the_sdks_answers() {
        assert!(!Evaluation::Pending.unwrap_or(false));
        assert!(Evaluation::Unavailable.unwrap_or(true));
        assert_eq!(decided(true, Reason::Default).enabled(), Some(true));
        assert_eq!(Evaluation::UnknownFlag.enabled(), None);
        assert_eq!(decided(true, matched("r1")).to_string(), "on (rule r1)");
        assert_eq!(decided(false, Reason::FlagOff).to_string(), "off (the flag is off)");
    }
}
