//! What a service does with WorkOS sessions, beyond calling endpoints (the `sessions` feature):
//!
//! - [`SessionVerifier`]: verifies access tokens against the client's JWKS and returns typed
//!   [`AccessTokenClaims`] (organization, role, permissions...);
//! - [`AuthKit`]: PKCE ([`Pkce`]), the authorization URL, the code, refresh-token, password and
//!   Magic Auth exchanges, and the steps a sign-in can stop at ([`PendingAuthentication`]);
//! - [`Session`]: the sealed session cookie, in the format of `@workos-inc/node`'s session
//!   helpers, so Rust and Node services share cookies (same password, same format);
//!   [`seal`](seal::seal) and [`unseal`](seal::unseal) for any data.
//!
//! ```no_run
//! use workos_api::sessions::{AuthKit, Pkce, Session, SessionVerifier};
//!
//! # async fn demo(client: workos_api::Client, code: &str, cookie: &str) -> Result<(), Box<dyn std::error::Error>> {
//! let password = std::env::var("WORKOS_COOKIE_PASSWORD")?; // 32 characters or more
//! let authkit = AuthKit::new(client.clone(), "client_123");
//! let pkce = Pkce::new()?;
//! let url = authkit.authorization_url("https://app.example.com/callback").state("xyz").pkce(&pkce).build()?;
//! // ... the browser comes back to /callback?code=...
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
//! # let _ = (url, set_cookie); Ok(()) }
//! ```

mod authkit;
pub mod seal;
mod steps;
mod token;

pub use authkit::{
    AuthKit, AuthorizationUrl, PendingAuthentication, PendingFactor, PendingOrganization, Pkce, Session,
    SessionCookie, SessionError, SessionUser,
};
pub use seal::SealError;
pub use steps::{DeviceAuthorization, DeviceFlowError};
pub use token::{AccessTokenClaims, SessionVerifier, TokenError};
