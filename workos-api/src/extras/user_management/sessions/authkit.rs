//! AuthKit for one client id: the authorization URL to start from, and the exchanges that
//! follow (code, refresh token, password, Magic Auth, and the grants that finish a sign-in
//! stopped at email verification or organization selection).

use super::authorize::AuthorizationUrl;
use super::{PendingAuthentication, Pkce, Session, SessionError};
use crate::types::{
    AuthenticateBody, AuthenticateBodyAuthorizationCode, AuthenticateBodyEmailVerificationCode,
    AuthenticateBodyMagicAuthCode, AuthenticateBodyOrganizationSelection, AuthenticateBodyPassword,
    AuthenticateBodyRefreshToken, UserlandAuthenticateResponse,
};
use crate::{ApiError, Client, ConfigError};

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
        AuthorizationUrl::new(self.client.base_url(), &self.client_id, redirect_uri.into())
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
