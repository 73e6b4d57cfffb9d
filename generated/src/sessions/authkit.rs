//! AuthKit login: PKCE, the authorization URL, the code and refresh-token exchanges, and the
//! sealed session cookie a logged-in user carries.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::seal::{self, SealError};
use super::token::{AccessTokenClaims, SessionVerifier, TokenError};
use crate::types::{
    AuthenticateBodyAuthorizationCode, AuthenticateBodyRefreshToken, UserlandAuthenticateResponse,
};
use crate::{ApiError, Client};

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

/// AuthKit for one client id: the URL to send a browser to, and the exchanges that follow.
#[derive(Debug, Clone)]
pub struct AuthKit {
    client: Client,
    client_id: String,
}

/// Why a session could not be read, authenticated or refreshed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The cookie could not be unsealed (or a new one sealed).
    #[error("session cookie: {0}")]
    Seal(#[from] SealError),
    /// Its access token was rejected.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// WorkOS refused the exchange.
    #[error("authenticate: {0}")]
    Api(#[from] ApiError),
}

impl AuthKit {
    /// AuthKit through `client` for `client_id` (`client_...`). The client's API key is the
    /// client secret of the exchanges.
    pub fn new(client: Client, client_id: impl Into<String>) -> Self {
        AuthKit { client, client_id: client_id.into() }
    }

    /// The authorization URL for `redirect_uri`, with provider `authkit` unless a connection or
    /// organization is set.
    pub fn authorization_url(&self, redirect_uri: impl Into<String>) -> AuthorizationUrl {
        AuthorizationUrl {
            base_url: self.client.base_url().to_owned(),
            params: vec![
                ("client_id", self.client_id.clone()),
                ("redirect_uri", redirect_uri.into()),
                ("response_type", "code".to_owned()),
            ],
        }
    }

    /// Exchanges the `code` of the redirect (with the PKCE verifier when the URL had a challenge)
    /// for the user, their tokens and organization.
    ///
    /// # Errors
    /// WorkOS's answer when it refuses the code.
    pub async fn authenticate_with_code(
        &self,
        code: &str,
        pkce: Option<&Pkce>,
    ) -> Result<UserlandAuthenticateResponse, ApiError> {
        let body = serde_json::json!({
            "grant_type": "authorization_code",
            "client_id": self.client_id,
            "client_secret": self.client.runtime().api_key(),
            "code": code,
            "code_verifier": pkce.map(Pkce::verifier),
        });
        let body: AuthenticateBodyAuthorizationCode = body_of(body)?;
        self.client.user_management().authenticate(body).await
    }

    /// Exchanges a refresh token for new tokens, optionally switching to `organization_id`.
    ///
    /// # Errors
    /// WorkOS's answer when it refuses the refresh token.
    pub async fn authenticate_with_refresh_token(
        &self,
        refresh_token: &str,
        organization_id: Option<&str>,
    ) -> Result<UserlandAuthenticateResponse, ApiError> {
        let body = serde_json::json!({
            "grant_type": "refresh_token",
            "client_id": self.client_id,
            "client_secret": self.client.runtime().api_key(),
            "refresh_token": refresh_token,
            "organization_id": organization_id,
        });
        let body: AuthenticateBodyRefreshToken = body_of(body)?;
        self.client.user_management().authenticate(body).await
    }

    /// Refreshes `session` and returns the new session with its sealed cookie.
    ///
    /// # Errors
    /// WorkOS refused the refresh token, or the new cookie could not be sealed.
    pub async fn refresh(
        &self,
        session: &Session,
        password: &str,
    ) -> Result<(Session, String), SessionError> {
        let answer = self
            .authenticate_with_refresh_token(
                &session.cookie.refresh_token,
                session.cookie.organization_id.as_deref(),
            )
            .await?;
        let session = Session::from_response(&answer)?;
        let sealed = session.seal(password)?;
        Ok((session, sealed))
    }
}

/// The authorization URL of [`AuthKit::authorization_url`]: set what applies, then
/// [`build`](Self::build).
#[derive(Debug, Clone)]
pub struct AuthorizationUrl {
    base_url: String,
    /// Query parameters, in order.
    params: Vec<(&'static str, String)>,
}

impl AuthorizationUrl {
    fn set(mut self, name: &'static str, value: String) -> Self {
        self.params.retain(|(n, _)| *n != name);
        self.params.push((name, value));
        self
    }
    /// `state`, returned unchanged on the redirect.
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

    /// The URL to send the browser to: `<base>/user_management/authorize?...`.
    ///
    /// # Errors
    /// The client's base URL cannot hold a path.
    pub fn build(self) -> Result<url::Url, url::ParseError> {
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
        Ok(url)
    }
}

/// What a session cookie holds, in the `@workos-inc/node` layout (camelCase), so cookies move
/// between a Rust and a Node service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SessionCookie {
    /// The access token (a JWT).
    pub access_token: String,
    /// The refresh token.
    pub refresh_token: String,
    /// The user, as the Node SDK stores it (camelCase fields).
    pub user: SessionUser,
    /// The organization of the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// How the user authenticated (`Password`, `GoogleOAuth`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_method: Option<String>,
    /// Who is impersonating the user, if anyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impersonator: Option<serde_json::Value>,
}

/// The user in a session cookie.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SessionUser {
    /// `user_...`.
    pub id: String,
    /// Their email.
    pub email: String,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Whether the email is verified.
    #[serde(default)]
    pub email_verified: bool,
    /// Every other field, as the Node SDK wrote it.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// A session read from its cookie (or made from an authentication answer).
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// What the cookie holds.
    pub cookie: SessionCookie,
}

impl Session {
    /// Unseals a cookie sealed by this crate or by `@workos-inc/node` with `password`.
    ///
    /// # Errors
    /// A tampered, expired or foreign cookie ([`SealError`]).
    pub fn from_cookie(sealed: &str, password: &str) -> Result<Session, SealError> {
        Ok(Session { cookie: seal::unseal(sealed, password)? })
    }

    /// The session of a code or refresh-token exchange.
    ///
    /// # Errors
    /// The answer's user does not serialize (it always does).
    pub fn from_response(answer: &UserlandAuthenticateResponse) -> Result<Session, SealError> {
        let user = serde_json::to_value(&answer.user).map_err(|source| SealError::Data { source })?;
        let serde_json::Value::Object(snake) = user else {
            return Err(SealError::Malformed { reason: "the user is not an object".into() });
        };
        // The Node SDK stores the user with camelCase fields.
        let camel: serde_json::Map<String, serde_json::Value> =
            snake.into_iter().map(|(k, v)| (camel_case(&k), v)).collect();
        let user: SessionUser = serde_json::from_value(serde_json::Value::Object(camel))
            .map_err(|source| SealError::Data { source })?;
        let method = answer
            .authentication_method
            .as_ref()
            .and_then(|m| serde_json::to_value(m).ok())
            .and_then(|v| v.as_str().map(str::to_owned));
        let impersonator = answer.impersonator.as_ref().and_then(|i| serde_json::to_value(i).ok());
        Ok(Session {
            cookie: SessionCookie {
                access_token: answer.access_token.clone(),
                refresh_token: answer.refresh_token.clone(),
                user,
                organization_id: answer.organization_id.clone(),
                authentication_method: method,
                impersonator,
            },
        })
    }

    /// Seals the session into a cookie value.
    ///
    /// # Errors
    /// A password shorter than 32 characters.
    pub fn seal(&self, password: &str) -> Result<String, SealError> {
        seal::seal(&self.cookie, password)
    }

    /// Verifies the session's access token and returns its claims.
    ///
    /// # Errors
    /// The token is expired (refresh it with [`AuthKit::refresh`]) or otherwise rejected.
    pub async fn authenticate(&self, verifier: &SessionVerifier) -> Result<AccessTokenClaims, TokenError> {
        verifier.verify(&self.cookie.access_token).await
    }
}

/// A request body from its JSON (`null` fields left out). The exchanges name the body's fields
/// rather than call its `new`, whose required arguments follow the document: this module compiles
/// unchanged against the crate generated from a newer document.
fn body_of<T: serde::de::DeserializeOwned>(mut json: serde_json::Value) -> Result<T, ApiError> {
    if let serde_json::Value::Object(map) = &mut json {
        map.retain(|_, v| !v.is_null());
    }
    serde_json::from_value(json)
        .map_err(|e| ApiError::invalid_request("authenticate", format!("building the body: {e}")))
}

fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn snake_fields_become_the_node_sdks_camel_case() {
        assert_eq!(camel_case("profile_picture_url"), "profilePictureUrl");
        assert_eq!(camel_case("id"), "id");
    }
}
