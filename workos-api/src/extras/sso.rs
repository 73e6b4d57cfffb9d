//! The SSO flow on `client.sso()`: the authorization URL for a connection, organization or
//! provider, the code exchange for the user's profile, and the profile of an access token.
//!
//! ```no_run
//! # async fn demo(client: workos_api::Client, code_from_the_callback: &str) -> Result<(), Box<dyn std::error::Error>> {
//! use workos_api::redirects::SsoAuthorizeUrlParams;
//!
//! let sso = client.sso();
//! let request = sso.authorization_url(
//!     &SsoAuthorizeUrlParams::new("client_123", "https://app.example.com/sso/callback").organization("org_123"),
//! )?;
//! // ... the browser goes to `request.url`, and comes back to the callback with a code and a
//! // state that must be `request.state` ...
//! let signed_in = sso.profile_and_token("client_123", code_from_the_callback).await?;
//! println!("{} via {}", signed_in.profile.email, signed_in.profile.connection_id);
//! let again = sso.profile(&signed_in.access_token).await?;
//! # let _ = again; Ok(()) }
//! ```

use crate::ApiError;
use crate::redirects::SsoAuthorizeUrlParams;
use crate::runtime::{AuthorizationRequest, RequestExt as _};
use crate::sso::Sso;
use crate::types::{Profile, SsoTokenResponse, TokenQueryDto};

impl Sso {
    /// The URL of `GET /sso/authorize` on the client's base URL, where the browser starts the
    /// sign-in, with its `state`: `params.state`, or 43 random URL-safe characters when it has
    /// none (see [`AuthorizationRequest`]). Check it against the callback's before exchanging
    /// the code.
    ///
    /// # Errors
    /// The client's base URL is not a URL.
    pub fn authorization_url(
        &self,
        params: &SsoAuthorizeUrlParams,
    ) -> Result<AuthorizationRequest, url::ParseError> {
        let (url, state) = match &params.state {
            Some(state) => {
                (crate::redirects::sso_authorize_url(self.client.base_url(), params)?, state.clone())
            }
            None => {
                let state = crate::runtime::random_state();
                let params = params.clone().state(state.clone());
                (crate::redirects::sso_authorize_url(self.client.base_url(), &params)?, state)
            }
        };
        Ok(AuthorizationRequest::new(url, state))
    }

    /// Exchanges the code of the SSO callback for the user's profile and an access token; the
    /// client's API key is the client secret.
    ///
    /// # Errors
    /// WorkOS's answer when it refuses the code (used, expired, or for another client); an
    /// unexpected-response error for a success without the profile (the document allows an
    /// empty 201); on a public client, [`ApiError::is_missing_api_key`] before sending.
    pub async fn profile_and_token(&self, client_id: &str, code: &str) -> Result<SsoTokenResponse, ApiError> {
        let secret = self
            .client
            .runtime()
            .api_key()
            .ok_or_else(|| ApiError::missing_api_key("get_sso_profile_and_token"))?
            .to_owned();
        let body = TokenQueryDto::new(client_id, secret.clone(), code);
        let answer = self
            .get_sso_profile_and_token(client_id, secret, code, "authorization_code", body)
            .send_with_response()
            .await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn query(url: &url::Url, name: &str) -> Option<String> {
        url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
    }

    #[test]
    fn the_authorization_url_has_a_state_generated_or_given() {
        let client = crate::Client::public("client_123").expect("client");
        let params = SsoAuthorizeUrlParams::new("client_123", "https://app.test/sso").connection("conn_1");
        let generated = client.sso().authorization_url(&params).expect("url");
        assert_eq!(generated.state.len(), 43);
        assert_eq!(query(&generated.url, "state").as_deref(), Some(generated.state.as_str()));
        assert_eq!(generated.url.path(), "/sso/authorize");
        assert_eq!(query(&generated.url, "connection").as_deref(), Some("conn_1"));
        let again = client.sso().authorization_url(&params).expect("url");
        assert_ne!(again.state, generated.state);

        let given = client.sso().authorization_url(&params.state("opaque")).expect("url");
        assert_eq!(given.state, "opaque");
        assert_eq!(query(&given.url, "state").as_deref(), Some("opaque"));
    }
}
