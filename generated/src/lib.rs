//! A typed, forward-compatible client for the WorkOS API.
//!
//! Everything under `emitted` is written by `cargo xtask codegen` from the pinned WorkOS OpenAPI
//! document and never edited by hand; the modules beside it are the hand-written layer.
//!
//! - [`Client`] has one method per operation (positional arguments: path parameters, then
//!   query parameters, then the body).
//! - [`types`] holds the request and response types. Enums keep values they do not know
//!   (`Unknown(..)`), and response types ignore fields they do not know, so new WorkOS values
//!   and fields do not break deserialization. Those enums are `#[non_exhaustive]`, so a value
//!   added by a newer document does not break a `match` either: it needs a wildcard arm.
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
//! - [`redirects`] builds the URLs of the browser-redirect endpoints (SSO authorize, logout).
//! - Every non-2xx response decodes into [`types::ErrorBody`].
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
mod emitted;

pub use emitted::client::*;
pub use emitted::redirects;

pub mod runtime;
pub use runtime::{
    ApiError, ApiErrorExt, ClientBuilder, ConfigError, Direction, Items, Page, PageOptions, Pages, RetryMode,
    RetryPolicy,
};

/// The README's examples compile (`cargo test --doc`).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;
