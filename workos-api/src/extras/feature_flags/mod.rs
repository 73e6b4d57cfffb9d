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

mod configuration;
mod context;
mod evaluation;
mod runtime_client;
mod status;

pub use configuration::{Configuration, ConfigurationError, PAYLOAD_VERSION};
pub use context::Context;
pub use evaluation::{Evaluation, Reason};
pub use runtime_client::{
    DEFAULT_MAX_RETRY_DELAY, DEFAULT_POLLING_INTERVAL, DEFAULT_REQUEST_TIMEOUT, MIN_POLLING_INTERVAL,
    RuntimeClient, RuntimeClientBuilder,
};
pub use status::{NotReady, RefreshError, Status};
