//! AuthKit login: PKCE, the authorization URL, the exchanges (code, refresh token, password,
//! Magic Auth, and the steps a sign-in can stop at), and the sealed session cookie a logged-in
//! user carries.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::seal::{self, SealError};
use super::token::{self as access_token, AccessTokenClaims, SessionVerifier, TokenError};
use crate::runtime::AuthorizationRequest;
use crate::types::{
    AuthenticateBody, AuthenticateBodyAuthorizationCode, AuthenticateBodyEmailVerificationCode,
    AuthenticateBodyMagicAuthCode, AuthenticateBodyOrganizationSelection, AuthenticateBodyPassword,
    AuthenticateBodyRefreshToken, UserlandAuthenticateResponse,
};
use crate::{ApiError, Client, ConfigError};

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
///
/// On a confidential client the exchanges send the API key as the client secret. On a public
/// client ([`Client::public`]) they send none: the code exchange then needs the PKCE verifier,
/// the refresh-token exchange and the device flow need nothing more, and the grants that need
/// the client secret (password, Magic Auth, email verification, organization selection, TOTP,
/// Radar) fail before sending with [`ApiError::is_missing_api_key`].
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

impl AuthKit {
    /// The client it calls WorkOS with.
    pub(super) fn client(&self) -> &Client {
        &self.client
    }

    /// The AuthKit client id.
    pub(super) fn client_id(&self) -> &str {
        &self.client_id
    }

    /// AuthKit through `client` for `client_id` (`client_...`). A confidential client's API key
    /// is the client secret of the exchanges; a public client sends none.
    pub fn new(client: Client, client_id: impl Into<String>) -> Self {
        AuthKit { client, client_id: client_id.into() }
    }

    /// AuthKit through `client` for the client's own client id ([`Client::client_id`]:
    /// `WORKOS_CLIENT_ID`, `ClientBuilder::client_id`, or a public client's).
    ///
    /// # Errors
    /// [`ConfigError::MissingClientId`] when the client has no client id.
    pub fn from_client(client: &Client) -> Result<Self, ConfigError> {
        let client_id = client.client_id().ok_or(ConfigError::MissingClientId)?;
        Ok(Self::new(client.clone(), client_id))
    }

    /// The authorization URL for `redirect_uri`, with provider `authkit` unless a connection or
    /// organization is set, and a generated `state` unless one is set.
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
    /// for the user, their tokens and organization. A confidential client sends its API key as
    /// the client secret too; a public client sends the verifier alone.
    ///
    /// # Errors
    /// WorkOS's answer when it refuses the code; on a public client without `pkce`,
    /// [`ApiError::is_missing_api_key`] before sending (the code needs the verifier or the
    /// secret).
    pub async fn authenticate_with_code(
        &self,
        code: &str,
        pkce: Option<&Pkce>,
    ) -> Result<UserlandAuthenticateResponse, ApiError> {
        let fields = serde_json::json!({ "code": code, "code_verifier": pkce.map(Pkce::verifier) });
        let secret = if pkce.is_some() { Secret::IfConfigured } else { Secret::Required };
        self.exchange::<AuthenticateBodyAuthorizationCode>("authorization_code", fields, secret).await
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
        let fields =
            serde_json::json!({ "refresh_token": refresh_token, "organization_id": organization_id });
        self.exchange::<AuthenticateBodyRefreshToken>("refresh_token", fields, Secret::IfConfigured).await
    }

    /// Signs a user in with their email and password.
    ///
    /// # Errors
    /// WorkOS's answer when it refuses them; a sign-in stopped for one more step reads as a
    /// [`PendingAuthentication`].
    pub async fn authenticate_with_password(
        &self,
        email: &str,
        password: &str,
    ) -> Result<UserlandAuthenticateResponse, ApiError> {
        let fields = serde_json::json!({ "email": email, "password": password });
        self.exchange::<AuthenticateBodyPassword>("password", fields, Secret::Required).await
    }

    /// Signs a user in with the Magic Auth code emailed to them.
    ///
    /// # Errors
    /// WorkOS's answer when it refuses the code; a sign-in stopped for one more step reads as a
    /// [`PendingAuthentication`].
    pub async fn authenticate_with_magic_auth(
        &self,
        email: &str,
        code: &str,
    ) -> Result<UserlandAuthenticateResponse, ApiError> {
        let fields = serde_json::json!({ "email": email, "code": code });
        self.exchange::<AuthenticateBodyMagicAuthCode>(
            "urn:workos:oauth:grant-type:magic-auth:code",
            fields,
            Secret::Required,
        )
        .await
    }

    /// Finishes a sign-in stopped at `email_verification_required` with the code emailed to the
    /// user.
    ///
    /// # Errors
    /// WorkOS's answer when it refuses the code or the token; the sign-in may stop again (an
    /// organization to choose).
    pub async fn authenticate_with_email_verification(
        &self,
        pending: &PendingAuthentication,
        code: &str,
    ) -> Result<UserlandAuthenticateResponse, ApiError> {
        let fields = serde_json::json!({ "pending_authentication_token": pending.pending_authentication_token, "code": code });
        self.exchange::<AuthenticateBodyEmailVerificationCode>(
            "urn:workos:oauth:grant-type:email-verification:code",
            fields,
            Secret::Required,
        )
        .await
    }

    /// Finishes a sign-in stopped at `organization_selection_required` in the organization the
    /// user chose (one of [`PendingAuthentication::organizations`]).
    ///
    /// # Errors
    /// WorkOS's answer when it refuses the organization or the token.
    pub async fn authenticate_with_organization_selection(
        &self,
        pending: &PendingAuthentication,
        organization_id: &str,
    ) -> Result<UserlandAuthenticateResponse, ApiError> {
        let fields = serde_json::json!({
            "pending_authentication_token": pending.pending_authentication_token,
            "organization_id": organization_id,
        });
        self.exchange::<AuthenticateBodyOrganizationSelection>(
            "urn:workos:oauth:grant-type:organization-selection",
            fields,
            Secret::Required,
        )
        .await
    }

    /// One `authenticate` call: the grant's fields, with the client id and (per `secret`) the
    /// client secret. The body is built from its JSON, by field name, so these helpers compile
    /// unchanged against a crate generated from a newer document (see `body_of`).
    async fn exchange<B>(
        &self,
        grant_type: &str,
        fields: serde_json::Value,
        secret: Secret,
    ) -> Result<UserlandAuthenticateResponse, ApiError>
    where
        B: serde::de::DeserializeOwned + Into<AuthenticateBody>,
    {
        let body: B = body_of(self.grant_body(grant_type, fields, secret)?)?;
        self.client.user_management().authenticate(body).await
    }

    /// An `authenticate` body: the grant type, the client id, the client secret (the API key)
    /// as `secret` says, and the grant's own `fields`.
    ///
    /// # Errors
    /// [`Secret::Required`] on a public client: [`ApiError::is_missing_api_key`].
    pub(super) fn grant_body(
        &self,
        grant_type: &str,
        fields: serde_json::Value,
        secret: Secret,
    ) -> Result<serde_json::Value, ApiError> {
        let mut body = serde_json::json!({ "grant_type": grant_type, "client_id": self.client_id });
        match (secret, self.client.runtime().api_key()) {
            (Secret::Required | Secret::IfConfigured, Some(key)) => body["client_secret"] = key.into(),
            (Secret::Required, None) => return Err(ApiError::missing_api_key("authenticate")),
            (Secret::IfConfigured | Secret::Never, _) => {}
        }
        if let (Some(body), serde_json::Value::Object(fields)) = (body.as_object_mut(), fields) {
            body.extend(fields);
        }
        Ok(body)
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

/// Whether a grant sends the client secret (the API key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Secret {
    /// The grant needs it: a public client cannot make it.
    Required,
    /// Sent when the client has one (a confidential client; the Node SDK sends it too), left
    /// out by a public client, whose grant carries its own credential (a PKCE verifier, a
    /// refresh token).
    IfConfigured,
    /// Never sent (the device-code grant has no such field).
    Never,
}

impl Client {
    /// AuthKit for this client's client id: [`AuthKit::from_client`].
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// // WORKOS_API_KEY and WORKOS_CLIENT_ID.
    /// let authkit = workos_api::Client::from_env()?.authkit()?;
    /// let request = authkit.authorization_url("https://app.example.com/callback").build()?;
    /// // Redirect to request.url; keep request.state to compare with the callback's.
    /// # let _ = request; Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`ConfigError::MissingClientId`] when the client has no client id.
    pub fn authkit(&self) -> Result<AuthKit, ConfigError> {
        AuthKit::from_client(self)
    }
}

/// A sign-in WorkOS stopped for one more step, read from its error (a 403 such as
/// `email_verification_required` or `organization_selection_required`), with the token the
/// grant that finishes it takes.
///
/// ```no_run
/// use workos_api::sessions::{AuthKit, PendingAuthentication};
///
/// # async fn demo(authkit: AuthKit, code_from_the_user: &str) -> Result<(), workos_api::ApiError> {
/// match authkit.authenticate_with_password("ada@example.com", "correct horse").await {
///     Ok(signed_in) => println!("{}", signed_in.user.id),
///     Err(e) => match PendingAuthentication::from_error(&e) {
///         Some(pending) if pending.needs_email_verification() => {
///             // Ask the user for the code emailed to pending.email, then:
///             authkit.authenticate_with_email_verification(&pending, code_from_the_user).await?;
///         }
///         Some(pending) if pending.needs_organization_selection() => {
///             let chosen = &pending.organizations[0].id; // the user's choice
///             authkit.authenticate_with_organization_selection(&pending, chosen).await?;
///         }
///         _ => return Err(e),
///     },
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct PendingAuthentication {
    /// What the sign-in needs: `email_verification_required`, `organization_selection_required`,
    /// `mfa_challenge`, `mfa_enrollment`, `sso_required`, a Radar challenge... (read from
    /// `code`, or from `error` where WorkOS answers in OAuth's shape).
    #[serde(alias = "error")]
    pub code: String,
    /// The sign-in's token, for the grant that continues it (ten minutes, single use); empty
    /// when WorkOS gave none.
    #[serde(default)]
    pub pending_authentication_token: String,
    /// Where the verification code went (email verification).
    #[serde(default)]
    pub email: Option<String>,
    /// The email verification's id (email verification).
    #[serde(default)]
    pub email_verification_id: Option<String>,
    /// The organizations the user can choose from (organization selection).
    #[serde(default)]
    pub organizations: Vec<PendingOrganization>,
    /// The user signing in, as WorkOS sent it.
    #[serde(default)]
    pub user: Option<serde_json::Value>,
    /// The user's factors to challenge (`mfa_challenge`).
    #[serde(default)]
    pub authentication_factors: Vec<PendingFactor>,
    /// The SSO connections the user must sign in through (`sso_required`).
    #[serde(default)]
    pub connection_ids: Vec<String>,
    /// The Radar challenge whose emailed code continues the sign-in.
    #[serde(default)]
    pub radar_challenge_id: Option<String>,
}

/// A factor of [`PendingAuthentication::authentication_factors`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct PendingFactor {
    /// `auth_factor_...`: challenge it with `client.mfa().challenge_authentication_factor(id, ..)`.
    pub id: String,
    /// `totp`, `sms`...
    #[serde(rename = "type")]
    pub kind: String,
}

/// An organization of [`PendingAuthentication::organizations`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct PendingOrganization {
    /// `org_...`.
    pub id: String,
    /// Its name, to show the user.
    pub name: String,
}

impl PendingAuthentication {
    /// The pending sign-in an `authenticate` error stands for: one with a
    /// `pending_authentication_token`, or with the code of a known step; `None` for any other
    /// error.
    pub fn from_error(error: &ApiError) -> Option<Self> {
        const STEPS: &[&str] = &[
            "email_verification_required",
            "organization_selection_required",
            "mfa_enrollment",
            "mfa_challenge",
            "mfa_verification",
            "sso_required",
            "radar_challenge",
            "radar_email_challenge",
            "radar_sign_up_challenge",
            "radar_sms_sign_in_challenge",
            "radar_sms_challenge",
        ];
        let pending: Self = serde_json::from_slice(error.raw_body()?).ok()?;
        (!pending.pending_authentication_token.is_empty() || STEPS.contains(&pending.code.as_str()))
            .then_some(pending)
    }

    /// The user must verify their email: a code was emailed to [`email`](Self::email).
    pub fn needs_email_verification(&self) -> bool {
        self.code == "email_verification_required"
    }

    /// The user must choose one of [`organizations`](Self::organizations).
    pub fn needs_organization_selection(&self) -> bool {
        self.code == "organization_selection_required"
    }

    /// The user must answer a challenge of one of their
    /// [`authentication_factors`](Self::authentication_factors), then
    /// [`AuthKit::authenticate_with_totp`].
    pub fn needs_mfa_challenge(&self) -> bool {
        self.code == "mfa_challenge"
    }

    /// The user must enroll a factor first
    /// (`client.user_management().enroll_user_authentication_factor(..)` gives the factor and its first challenge), then
    /// [`AuthKit::authenticate_with_totp`].
    pub fn needs_mfa_enrollment(&self) -> bool {
        self.code == "mfa_enrollment"
    }

    /// The user's organization requires SSO: send them to
    /// [`AuthKit::sso_authorization_url`].
    pub fn needs_sso(&self) -> bool {
        self.code == "sso_required"
    }

    /// Radar asks for the code it emailed the user:
    /// [`AuthKit::authenticate_with_radar_email_challenge`].
    pub fn needs_radar_email_challenge(&self) -> bool {
        matches!(self.code.as_str(), "radar_challenge" | "radar_email_challenge" | "radar_sign_up_challenge")
    }

    /// Radar asks for a code texted to the user's phone: send it with
    /// `client.user_management().create_radar_challenge(..)`, then
    /// [`AuthKit::authenticate_with_radar_sms_challenge`].
    pub fn needs_radar_sms_challenge(&self) -> bool {
        matches!(self.code.as_str(), "radar_sms_sign_in_challenge" | "radar_sms_challenge")
    }

    /// The id of the user signing in, when WorkOS sent the user.
    pub fn user_id(&self) -> Option<&str> {
        self.user.as_ref().and_then(|u| u["id"].as_str())
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

    #[test]
    fn authkit_takes_the_clients_client_id_or_says_there_is_none() {
        let with_id = Client::builder().api_key("sk_test_1").client_id("client_9").build().unwrap();
        assert_eq!(with_id.authkit().unwrap().client_id(), "client_9");
        let without = Client::builder().api_key("sk_test_1").build().unwrap();
        assert!(matches!(without.authkit(), Err(ConfigError::MissingClientId)));
        assert!(matches!(AuthKit::from_client(&without), Err(ConfigError::MissingClientId)));
    }

    #[test]
    fn a_public_client_sends_no_secret_and_refuses_grants_that_need_one() {
        let public = Client::public("client_123").unwrap().authkit().unwrap();
        let fields = || serde_json::json!({ "refresh_token": "r" });
        let body = public.grant_body("refresh_token", fields(), Secret::IfConfigured).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"grant_type": "refresh_token", "client_id": "client_123", "refresh_token": "r"})
        );
        let refused = public.grant_body("password", fields(), Secret::Required).unwrap_err();
        assert!(refused.is_missing_api_key(), "{refused}");

        let confidential =
            AuthKit::new(Client::builder().api_key("sk_test_1").build().unwrap(), "client_123");
        let body = confidential.grant_body("refresh_token", fields(), Secret::IfConfigured).unwrap();
        assert_eq!(body["client_secret"], "sk_test_1");
        let body = confidential.grant_body("device", fields(), Secret::Never).unwrap();
        assert!(body.get("client_secret").is_none());
    }

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
