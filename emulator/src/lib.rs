//! An in-process WorkOS API emulator, faithful to the pinned OpenAPI document.
//!
//! It serves every operation of the pinned document (authorization, organizations, users and
//! memberships, the user management flows, AuthKit sign-in with its steps, SSO, MFA, the device
//! flow, Admin Portal, Widgets, Radar, Connect, Pipes, Agents, Vault, feature flags, audit logs,
//! events, webhook endpoints, API keys, directory sync: the table in its README) with the
//! document's methods, paths, parameters, status codes, error codes and response shapes; a
//! contract test validates every answer against the document.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use std::time::Duration;
//! use workos_emulator::{Emulator, Fault, RetryAfter};
//!
//! let emulator = Emulator::start().await?; // 127.0.0.1, any free port
//! // Give `emulator.base_url()` and `emulator.api_key()` to the client.
//! emulator
//!     .on("POST", "/authorization/permissions")
//!     .next(2, Fault::status(503).retry_after(RetryAfter::Seconds(1)));
//! emulator.on("GET", "*").rate_limit(100, Duration::from_secs(1));
//! // ... exercise the code under test, then:
//! assert_eq!(emulator.count("POST", "/authorization/permissions"), 3);
//! # Ok(()) }
//! ```
//!
//! Behaviour worth knowing:
//! - Every request needs `Authorization: Bearer <key>` (default [`DEFAULT_API_KEY`]); `GET /health`
//!   does not.
//! - Ids carry WorkOS prefixes (`org_`, `perm_`, `role_`, `user_`, `om_`, `role_assignment_`,
//!   `authz_resource_`) and increase with creation time; timestamps are ISO 8601 with milliseconds.
//! - Lists page as the document says: `limit` 1-100 (default 10), `order` `desc` (default),
//!   `asc` or `normal`, `before`/`after` cursors, `list_metadata` cursors `null` at the ends.
//! - Each organization has a resource standing for it (type `organization`, external id = the
//!   organization id). Roles given when a membership is created are assigned on it, and roles
//!   assigned on it apply to every resource of the organization; roles assigned on a resource
//!   apply to it and its descendants.
//! - Organization roles list environment roles first, then the organization's own, each in
//!   creation order.
//! - It sends no email: [`Emulator::emails`] lists what WorkOS would have sent.
//! - With [`Builder::data_file`], the data survives a restart.
#![deny(missing_docs)]

mod model;
mod routes;
mod server;

pub use model::events::{MAX_EVENTS, WebhookDelivery};
pub use model::seed::SeedError;
pub use model::{
    MAX_EMAILS, Seed, SeedAuthentication, SeedConnection, SeedDirectory, SeedDirectoryUser, SeedFeatureFlag,
    SeedMembership, SeedPermission, SeedRecord, SeedRole, SeedUser, SentEmail,
};
pub use server::faults::{Fault, RetryAfter};
pub use server::log::{DEFAULT_LOG_BYTES, MAX_LOGGED_BODY, RecordedRequest};
pub use server::router::{generic_routes, routes};
pub use server::{
    Builder, DEFAULT_API_KEY, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_PORT, Emulator,
    FLUSH_INTERVAL, MAX_SNAPSHOTS, RouteFaults, Snapshot,
};

/// The RSA private key (PKCS#8 PEM) the emulator signs its access tokens with, served as the JWKS
/// of `GET /sso/jwks/{clientId}`. **Test-only and public by design** (committed and published
/// with this crate): it protects nothing, and nothing outside the emulator may trust it. Tests
/// use it to make tokens of their own, such as one under a key id the JWKS does not have.
pub const TEST_ONLY_SIGNING_KEY_PEM: &[u8] = include_bytes!("../keys/test-only-signing-key.pem");

/// Starts an emulator with the defaults; see [`Emulator::start`].
///
/// # Errors
/// The port cannot be bound.
pub async fn start() -> std::io::Result<Emulator> {
    Emulator::start().await
}
