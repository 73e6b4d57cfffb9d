//! What a service does with WorkOS sessions, beyond calling endpoints (the `sessions` feature):
//!
//! - [`SessionVerifier`]: verifies access tokens against the client's JWKS and returns typed
//!   [`AccessTokenClaims`] (organization, role, permissions...);
//! - [`AuthKit`]: PKCE ([`Pkce`]), the authorization URL with its `state`
//!   ([`AuthorizationRequest`]), the code, refresh-token, password and Magic Auth exchanges, the
//!   device flow, and the steps a sign-in can stop at ([`PendingAuthentication`]); on a
//!   confidential client or a public one ([`Client::public`](crate::Client::public));
//! - [`Session`]: the sealed session cookie, in the format of `@workos-inc/node`'s session
//!   helpers, so Rust and Node services share cookies (same password, same format), and its
//!   [`logout_url`](Session::logout_url);
//!   [`seal`](seal::seal) and [`unseal`](seal::unseal) for any data.
//!
//! ```no_run
//! use workos_api::sessions::{AuthKit, Pkce, Session, SessionVerifier};
//!
//! # async fn demo(client: workos_api::Client, code: &str, cookie: &str) -> Result<(), Box<dyn std::error::Error>> {
//! let password = std::env::var("WORKOS_COOKIE_PASSWORD")?; // 32 characters or more
//! let authkit = AuthKit::new(client.clone(), "client_123"); // or client.authkit()? with WORKOS_CLIENT_ID
//! let pkce = Pkce::new()?;
//! let request = authkit.authorization_url("https://app.example.com/callback").pkce(&pkce).build()?;
//! // ... redirect to request.url, keep request.state; the browser comes back to
//! // /callback?code=...&state=..., whose state must match request.state.
//! let answer = authkit.authenticate_with_code(code, Some(&pkce)).await?;
//! let set_cookie = Session::from_response(&answer)?.seal(&password)?;
//!
//! // Later requests carry the cookie.
//! let verifier = SessionVerifier::new(client, "client_123");
//! let session = Session::from_cookie(cookie, &password)?;
//! match session.authenticate(&verifier).await {
//!     Ok(claims) => println!("{} in {:?}", claims.sub, claims.org_id),
//!     Err(e) if e.is_expired() => { let (_session, _new_cookie) = authkit.refresh(&session, &password).await?; }
//!     Err(e) => return Err(e.into()),
//! }
//! # let _ = (request, set_cookie); Ok(()) }
//! ```

mod authkit;
mod authorize;
mod pending;
pub mod seal;
mod session;
mod steps;
mod token;

pub use crate::runtime::AuthorizationRequest;
pub use authkit::AuthKit;
pub use authorize::{AuthorizationUrl, Pkce};
pub use pending::{PendingAuthentication, PendingFactor, PendingOrganization};
#[doc(no_inline)] // documented in `seal`, as before the move
pub use seal::SealError;
pub use session::{Session, SessionCookie, SessionError, SessionUser};
pub use steps::{DeviceAuthorization, DeviceFlowError};
pub use token::{AccessTokenClaims, SessionVerifier, TokenError};
