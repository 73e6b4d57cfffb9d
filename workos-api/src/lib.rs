//! A typed, forward-compatible client for the WorkOS API.
//!
//! Calls are grouped by area, as WorkOS's SDKs group them: `client.authorization()`,
//! `client.organizations()`, `client.user_management()`, `client.sso()`,
//! `client.directory_sync()`, `client.audit_logs()`... Each method takes the operation's
//! required inputs (path parameters in path order, then required query parameters, then the
//! body) and returns a request builder with a setter per optional input. Awaiting the builder
//! sends it and gives the typed body.
//!
//! # Quick start
//!
//! ```no_run
//! use futures::TryStreamExt as _;
//! use workos_api::prelude::*;
//! use workos_api::types::CreateOrganizationRoleDto;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! // WORKOS_API_KEY (required) and WORKOS_BASE_URL (optional); see ClientBuilder for the rest.
//! let client = Client::from_env()?;
//!
//! // One call per area: required inputs as arguments, optional ones as setters.
//! let org = client.organizations().get_organization("org_123").await?;
//! let role = client
//!     .authorization()
//!     .create_organization_role(&org.id, CreateOrganizationRoleDto::new("Billing admin").slug("org-billing-admin"))
//!     .await?;
//! println!("created {} ({})", role.slug, role.type_);
//!
//! // Lists stream every item, page after page, with the builder's filters.
//! let mut users = client.user_management().list_users().organization_id(&org.id).stream();
//! while let Some(user) = users.try_next().await? {
//!     println!("{}", user.email);
//! }
//!
//! // Errors: one line to log, predicates to branch on.
//! match client.organizations().get_organization("org_missing").await {
//!     Ok(org) => println!("{}", org.name),
//!     Err(e) if e.is_not_found() => println!("no such organization"),
//!     Err(e) => return Err(e.into()), // e.g. "401 unauthorized: ... (request req_123)"
//! }
//! # Ok(()) }
//! ```
//!
//! Per-call options (`.timeout(..)`, `.retry_mode(..)`, `.max_attempts(..)`,
//! `.idempotency_key(..)`, `.header(..)`) and `.stream()` / `.pages()` come from the traits in
//! [`prelude`].
//!
//! # Testing against the emulator
//!
//! The `workos-emulator` crate serves the WorkOS API on 127.0.0.1 in-process; point a client at
//! it:
//!
//! ```ignore
//! let emu = workos_emulator::Emulator::start().await?;
//! let client = Client::builder().base_url(emu.base_url()).api_key(emu.api_key()).build()?;
//! ```
//!
//! # Types
//!
//! [`types`] holds the request and response types. Enums keep values they do not know
//! (`Unknown(..)`), and response types ignore fields they do not know, so new WorkOS values
//! and fields do not break deserialization. Those enums are `#[non_exhaustive]`, so a value
//! added by a newer document does not break a `match` either: it needs a wildcard arm.
//!
//! ```compile_fail
//! use workos_api::types::RoleType;
//! fn describe(t: &RoleType) -> &str {
//!     match t {
//!         RoleType::EnvironmentRole => "environment",
//!         RoleType::OrganizationRole => "organization",
//!         RoleType::Unknown(_) => "unknown",
//!     } // error[E0004]: non-exhaustive patterns: a wildcard arm is required
//! }
//! ```
//!
//! [`redirects`] builds the URLs of the browser-redirect endpoints (SSO authorize, logout).
//! [`webhooks`] verifies webhook deliveries, and [`actions`] verifies WorkOS Actions requests and
//! signs their answers. [`flags`] evaluates feature flags in process from a configuration it
//! refreshes in the background.
//! Every non-2xx response becomes an [`ApiError`] with WorkOS's [`types::ErrorBody`].
//!
//! Everything under `emitted` is written by `cargo xtask codegen` from the pinned WorkOS OpenAPI
//! document and never edited by hand; the modules beside it are the hand-written layer.
#![deny(missing_docs)]

#[allow(
    missing_docs,
    missing_debug_implementations,
    unreachable_pub,
    clippy::all,
    clippy::pedantic,
    rustdoc::all,
    clippy::unwrap_used
)]
#[rustfmt::skip] // formatted by the generator (prettyplease), byte for byte
#[macro_use]
mod emitted;

pub use emitted::*;

// The hand-written layer: `runtime`, what every call shares, and `extras`, one file or folder of
// helpers per area. The helpers with a path of their own are re-exported here; `vault` and
// `webhooks` shadow the emitted modules of the same name, which they re-export in turn.
mod extras;
pub mod runtime;

pub use extras::user_management::actions;
if_feature_flags_area! {
    #[cfg(feature = "feature_flags")]
    pub use extras::feature_flags as flags;
}
#[cfg(feature = "sessions")]
pub use extras::user_management::sessions;
if_vault_area! {
    #[cfg(feature = "vault")]
    pub use extras::vault;
}
pub use extras::webhooks;

/// A WorkOS event: from `client.events().list_events()` or a verified webhook body
/// ([`webhooks::verify_event`]). One variant per event name, with its typed `data`; an event this
/// version does not know is `Unknown` with its JSON.
#[cfg(feature = "events")]
pub type Event = types::EventSchema;
pub use runtime::{
    ApiError, Client, ClientBuilder, ConfigError, Direction, Items, Page, PageOptions, Pages, Response,
    RetryMode, RetryPolicy,
};

/// The crates whose types appear in this crate's signatures, so a service names them without a
/// dependency of its own (and at the version this crate was built with): timestamps are
/// [`chrono::DateTime<chrono::Utc>`], free-form JSON is [`serde_json::Value`] or
/// [`serde_json::Map`], URLs are [`url::Url`].
///
/// ```
/// use workos_api::chrono::{DateTime, Utc};
/// use workos_api::serde_json::{Value, json};
///
/// let occurred_at: DateTime<Utc> = Utc::now();
/// let metadata: Value = json!({ "plan": "gold" });
/// # let _ = (occurred_at, metadata);
/// ```
#[doc(no_inline)]
pub use {chrono, serde_json, url};

/// The traits that give every request builder its per-call options ([`RequestExt`](crate::runtime::RequestExt)) and every
/// list builder `.stream()` and `.pages()` ([`ListExt`](crate::runtime::ListExt)), with the types a call site names.
///
/// ```
/// use workos_api::prelude::*;
/// ```
pub mod prelude {
    pub use crate::runtime::{ListExt, RequestExt};
    pub use crate::{ApiError, Client, PageOptions, RetryMode};
}

/// The crate README's examples compile (`cargo test --doc`).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;
