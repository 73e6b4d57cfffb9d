//! The SSO flow on `client.sso()`: the authorization URL for a connection, organization or
//! provider, the code exchange for the user's profile, and the profile of an access token.
//!
//! ```no_run
//! # async fn demo(client: workos_api::Client, code_from_the_callback: &str) -> Result<(), Box<dyn std::error::Error>> {
//! use workos_api::redirects::SsoAuthorizeUrlParams;
//!
//! let sso = client.sso();
//! let url = sso.authorization_url(
//!     &SsoAuthorizeUrlParams::new("client_123", "https://app.example.com/sso/callback")
//!         .organization("org_123")
//!         .state("opaque"),
//! )?;
//! // ... the browser goes to `url`, and comes back to the callback with a code ...
//! let signed_in = sso.profile_and_token("client_123", code_from_the_callback).await?;
//! println!("{} via {}", signed_in.profile.email, signed_in.profile.connection_id);
//! let again = sso.profile(&signed_in.access_token).await?;
//! # let _ = again; Ok(()) }
//! ```

use crate::redirects::SsoAuthorizeUrlParams;
use crate::runtime::RequestExt as _;
use crate::sso::Sso;
use crate::types::{Profile, SsoTokenResponse, TokenQueryDto};
use crate::ApiError;

impl Sso {
    /// The URL of `GET /sso/authorize` on the client's base URL, where the browser starts the
    /// sign-in.
    ///
    /// # Errors
    /// The client's base URL is not a URL.
    pub fn authorization_url(&self, params: &SsoAuthorizeUrlParams) -> Result<url::Url, url::ParseError> {
        crate::redirects::sso_authorize_url(self.client.base_url(), params)
    }

    /// Exchanges the code of the SSO callback for the user's profile and an access token; the
    /// client's API key is the client secret.
    ///
    /// # Errors
    /// WorkOS's answer when it refuses the code (used, expired, or for another client); an
    /// unexpected-response error for a success without the profile (the document allows an
    /// empty 201).
    pub async fn profile_and_token(&self, client_id: &str, code: &str) -> Result<SsoTokenResponse, ApiError> {
        let secret = self.client.runtime().api_key().to_owned();
        let body = TokenQueryDto::new(client_id, secret.clone(), code);
        let answer =
            self.get_sso_profile_and_token(client_id, secret, code, "authorization_code", body).send_with_response().await?;
        let (status, headers) = (answer.status(), answer.headers().clone());
        Option::from(answer.into_body())
            .ok_or_else(|| ApiError::unexpected("get_sso_profile_and_token", status, headers))
    }

    /// The profile an access token of [`profile_and_token`](Self::profile_and_token) stands for.
    ///
    /// # Errors
    /// A 401 for a token that expired or was signed out, or any other answer of WorkOS.
    pub async fn profile(&self, access_token: &str) -> Result<Profile, ApiError> {
        self.get_sso_profile().header("authorization", format!("Bearer {access_token}")).await
    }
}
