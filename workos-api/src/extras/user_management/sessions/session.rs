//! The sealed session cookie a signed-in user carries, in the `@workos-inc/node` format.

use serde::{Deserialize, Serialize};

#[cfg(doc)] // for the documentation's links
use super::AuthKit;
use super::seal::{self, SealError};
use super::token::{self as access_token, AccessTokenClaims, SessionVerifier, TokenError};
use crate::types::UserlandAuthenticateResponse;
use crate::{ApiError, Client};

/// Why a session could not be read, authenticated or refreshed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The cookie could not be unsealed (or a new one sealed).
    #[error("session cookie: {0}")]
    Seal(#[from] SealError),
    /// Its access token was rejected (or, for [`Session::logout_url`], holds no session id).
    #[error(transparent)]
    Token(#[from] TokenError),
    /// The client's base URL cannot hold a path (a URL built from it failed).
    #[error("the client's base URL: {0}")]
    BaseUrl(#[source] url::ParseError),
    /// WorkOS refused the exchange.
    #[error("authenticate: {0}")]
    Api(#[from] ApiError),
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

    /// The session's id: the access token's `sid` claim, read without verifying the token.
    ///
    /// # Errors
    /// The access token is not a JWT, or has no string `sid`.
    pub fn session_id(&self) -> Result<String, TokenError> {
        access_token::unverified_session_id(&self.cookie.access_token)
    }

    /// The URL that ends this session at WorkOS: send the browser there after clearing the
    /// cookie. `GET {client.base_url()}/user_management/sessions/logout?session_id=<sid>` and,
    /// when `return_to` is given (and not empty), `&return_to=<return_to>`, where WorkOS then
    /// redirects (it must be a sign-out redirect configured in the dashboard); without it,
    /// WorkOS uses the environment's default.
    ///
    /// The session id is the access token's `sid` claim, read **without verifying** the token,
    /// as the Node SDK's `CookieSession.getLogoutUrl` reads it: the session came from a sealed
    /// cookie, which its encryption authenticates, or from WorkOS's own answer, and logging out
    /// must work with an expired access token too. The URL only names the session to end;
    /// WorkOS decides whether to end it.
    ///
    /// ```no_run
    /// # fn demo(client: workos_api::Client, cookie: &str, password: &str) -> Result<(), Box<dyn std::error::Error>> {
    /// let session = workos_api::sessions::Session::from_cookie(cookie, password)?;
    /// let url = session.logout_url(&client, Some("https://app.example.com/signed-out"))?;
    /// // Clear the cookie, then redirect the browser to `url`.
    /// # let _ = url; Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`SessionError::Token`] when the access token is not a JWT or has no `sid`;
    /// [`SessionError::BaseUrl`] when the client's base URL cannot hold a path (a built client's
    /// always can).
    pub fn logout_url(&self, client: &Client, return_to: Option<&str>) -> Result<url::Url, SessionError> {
        let mut params = crate::redirects::SessionLogoutUrlParams::new(self.session_id()?);
        if let Some(to) = return_to.filter(|to| !to.is_empty()) {
            params = params.return_to(to);
        }
        crate::redirects::session_logout_url(client.base_url(), &params).map_err(SessionError::BaseUrl)
    }
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
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

    use super::*;

    fn session_with(access_token: String) -> Session {
        let user: SessionUser =
            serde_json::from_value(serde_json::json!({"id": "user_1", "email": "ada@example.com"})).unwrap();
        Session {
            cookie: SessionCookie {
                access_token,
                refresh_token: "r".into(),
                user,
                organization_id: None,
                authentication_method: None,
                impersonator: None,
            },
        }
    }

    #[test]
    fn the_logout_url_names_the_tokens_session() {
        let claims = B64.encode(serde_json::json!({"sid": "session_01H93", "exp": 1}).to_string());
        let session = session_with(format!("eyJhbGciOiJSUzI1NiJ9.{claims}.c2ln"));
        let client = Client::public("client_123").unwrap();
        let url = session.logout_url(&client, Some("https://app.test/bye?x=1")).unwrap();
        assert_eq!(
            url.as_str(),
            "https://api.workos.com/user_management/sessions/logout?session_id=session_01H93&return_to=https%3A%2F%2Fapp.test%2Fbye%3Fx%3D1"
        );
        for none in [None, Some("")] {
            let url = session.logout_url(&client, none).unwrap();
            assert_eq!(
                url.as_str(),
                "https://api.workos.com/user_management/sessions/logout?session_id=session_01H93"
            );
        }
        let broken = session_with("not-a-jwt".into()).logout_url(&client, None).unwrap_err();
        assert!(matches!(broken, SessionError::Token(ref e) if e.is_malformed()), "{broken}");
    }

    #[test]
    fn snake_fields_become_the_node_sdks_camel_case() {
        assert_eq!(camel_case("profile_picture_url"), "profilePictureUrl");
        assert_eq!(camel_case("id"), "id");
    }
}
