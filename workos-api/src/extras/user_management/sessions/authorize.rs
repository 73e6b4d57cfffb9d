//! Where a browser starts an AuthKit sign-in: the PKCE pair and the authorization URL.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use sha2::{Digest as _, Sha256};

#[cfg(doc)] // for the documentation's links
use super::AuthKit;
use super::SealError;
use crate::runtime::AuthorizationRequest;

/// A PKCE pair (RFC 7636, S256): keep the verifier for the code exchange, send the challenge in
/// the authorization URL.
#[derive(Clone)]
pub struct Pkce {
    verifier: String,
    challenge: String,
}

impl std::fmt::Debug for Pkce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkce").field("verifier", &"<redacted>").field("challenge", &self.challenge).finish()
    }
}

impl Pkce {
    /// A fresh pair: 32 random bytes as the verifier (43 base64url characters).
    ///
    /// # Errors
    /// The system random number generator failed.
    pub fn new() -> Result<Self, SealError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| SealError::Random(e.to_string()))?;
        Ok(Self::from_verifier(B64.encode(bytes)))
    }

    /// The pair of a given verifier (43 to 128 characters of `[A-Za-z0-9-._~]`).
    pub fn from_verifier(verifier: impl Into<String>) -> Self {
        let verifier = verifier.into();
        let challenge = B64.encode(Sha256::digest(verifier.as_bytes()));
        Pkce { verifier, challenge }
    }

    /// The secret half, for the code exchange.
    pub fn verifier(&self) -> &str {
        &self.verifier
    }

    /// `BASE64URL(SHA256(verifier))`, for the authorization URL.
    pub fn challenge(&self) -> &str {
        &self.challenge
    }

    /// Always `S256`.
    pub fn method(&self) -> &'static str {
        "S256"
    }
}

/// The authorization URL of [`AuthKit::authorization_url`]: set what applies, then
/// [`build`](Self::build), which gives the URL with its `state` (the one set with
/// [`state`](Self::state), or a generated one).
#[derive(Debug, Clone)]
pub struct AuthorizationUrl {
    base_url: String,
    /// Query parameters, in order.
    params: Vec<(&'static str, String)>,
}

impl AuthorizationUrl {
    /// The URL for `client_id` and `redirect_uri`, on `base_url`.
    pub(super) fn new(base_url: &str, client_id: &str, redirect_uri: String) -> Self {
        AuthorizationUrl {
            base_url: base_url.to_owned(),
            params: vec![
                ("client_id", client_id.to_owned()),
                ("redirect_uri", redirect_uri),
                ("response_type", "code".to_owned()),
            ],
        }
    }

    fn set(mut self, name: &'static str, value: String) -> Self {
        self.params.retain(|(n, _)| *n != name);
        self.params.push((name, value));
        self
    }
    /// `state`, returned unchanged on the redirect. Without it, [`build`](Self::build)
    /// generates one.
    #[must_use]
    pub fn state(self, state: impl Into<String>) -> Self {
        self.set("state", state.into())
    }
    /// The PKCE challenge (and method `S256`).
    #[must_use]
    pub fn pkce(self, pkce: &Pkce) -> Self {
        self.set("code_challenge", pkce.challenge().to_owned())
            .set("code_challenge_method", pkce.method().to_owned())
    }
    /// A provider (`authkit`, `GoogleOAuth`...).
    #[must_use]
    pub fn provider(self, provider: impl Into<String>) -> Self {
        self.set("provider", provider.into())
    }
    /// An SSO connection instead of a provider.
    #[must_use]
    pub fn connection_id(self, id: impl Into<String>) -> Self {
        self.set("connection_id", id.into())
    }
    /// An organization (its SSO connection) instead of a provider.
    #[must_use]
    pub fn organization_id(self, id: impl Into<String>) -> Self {
        self.set("organization_id", id.into())
    }
    /// `sign-in` or `sign-up`.
    #[must_use]
    pub fn screen_hint(self, hint: impl Into<String>) -> Self {
        self.set("screen_hint", hint.into())
    }
    /// The email to prefill.
    #[must_use]
    pub fn login_hint(self, email: impl Into<String>) -> Self {
        self.set("login_hint", email.into())
    }
    /// A domain to route by.
    #[must_use]
    pub fn domain_hint(self, domain: impl Into<String>) -> Self {
        self.set("domain_hint", domain.into())
    }

    /// The URL to send the browser to, `<base>/user_management/authorize?...`, with its
    /// `state`: the one set with [`state`](Self::state), or 43 random URL-safe characters
    /// (see [`AuthorizationRequest`]). Check it against the callback's before exchanging the
    /// code.
    ///
    /// # Errors
    /// The client's base URL cannot hold a path.
    pub fn build(mut self) -> Result<AuthorizationRequest, url::ParseError> {
        let state = match self.params.iter().find(|(n, _)| *n == "state") {
            Some((_, state)) => state.clone(),
            None => {
                let state = crate::runtime::random_state();
                self.params.push(("state", state.clone()));
                state
            }
        };
        let mut url = url::Url::parse(&self.base_url)?;
        url.path_segments_mut()
            .map_err(|()| url::ParseError::RelativeUrlWithCannotBeABaseBase)?
            .pop_if_empty()
            .extend(["user_management", "authorize"]);
        let has_target =
            self.params.iter().any(|(n, _)| matches!(*n, "provider" | "connection_id" | "organization_id"));
        {
            let mut query = url.query_pairs_mut();
            for (name, value) in &self.params {
                query.append_pair(name, value);
            }
            if !has_target {
                query.append_pair("provider", "authkit");
            }
        }
        Ok(AuthorizationRequest::new(url, state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Client;

    #[test]
    fn pkce_challenge_is_base64url_of_sha256() {
        // Computed independently: base64.urlsafe_b64encode(hashlib.sha256(v).digest()) in Python,
        // padding removed. `tests/node_interop.rs` checks the Node SDK's challenges too.
        let pkce = Pkce::from_verifier("dBjftJeZ4CK-nmiA1tNiOWr8EnqGcmYEQtEd3hWn6V8");
        assert_eq!(pkce.challenge(), "gJlLo9EI6Gmm-d31RgIYTj-ME-Ry9QO9uKfVAdVp3ek");
        let fresh = Pkce::new().unwrap();
        assert_eq!(fresh.verifier().len(), 43);
        assert_ne!(fresh.verifier(), Pkce::new().unwrap().verifier());
    }

    fn query(url: &url::Url, name: &str) -> Option<String> {
        url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
    }

    #[test]
    fn the_authorization_url_carries_the_state_it_returns() {
        let authkit = Client::public("client_123").unwrap().authkit().unwrap();
        let pkce = Pkce::from_verifier("dBjftJeZ4CK-nmiA1tNiOWr8EnqGcmYEQtEd3hWn6V8");
        let generated = authkit.authorization_url("http://127.0.0.1:8484/cb").pkce(&pkce).build().unwrap();
        assert_eq!(generated.state.len(), 43);
        assert_eq!(query(&generated.url, "state").as_deref(), Some(generated.state.as_str()));
        assert_eq!(generated.url.path(), "/user_management/authorize");
        assert_eq!(query(&generated.url, "client_id").as_deref(), Some("client_123"));
        assert_eq!(query(&generated.url, "code_challenge").as_deref(), Some(pkce.challenge()));
        assert_eq!(query(&generated.url, "provider").as_deref(), Some("authkit"));
        let other = authkit.authorization_url("http://127.0.0.1:8484/cb").build().unwrap();
        assert_ne!(other.state, generated.state);
        // A state set by the caller is kept, once.
        let given =
            authkit.authorization_url("http://127.0.0.1:8484/cb").state("a").state("xyz").build().unwrap();
        assert_eq!(given.state, "xyz");
        assert_eq!(given.url.query_pairs().filter(|(k, _)| k == "state").count(), 1);
        assert!(given.state_matches(Some("xyz")));
    }
}
