//! The sign-in steps beyond email verification and organization selection (a second factor, a
//! Radar challenge, SSO the user's organization requires), and the device authorization grant
//! with its polling.
//!
//! The grants are sent as the raw JSON of the `authenticate` body's open variant
//! (`AuthenticateBody::Unknown`): exactly the fields the grant takes, and a crate generated from
//! a document that lacks one of these grants still compiles them.

use std::time::Duration;

use super::authkit::Secret;
use super::{AuthKit, AuthorizationUrl, PendingAuthentication};
use crate::ApiError;
use crate::types::{AuthenticateBody, UserlandAuthenticateResponse};

/// The grant type of the device flow's polls.
const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// How much `slow_down` adds to the polling interval (RFC 8628, 3.5).
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
/// The polling interval when WorkOS gives none (RFC 8628's default).
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// A device's pending sign-in, from [`AuthKit::start_device_authorization`]: show the user
/// [`user_code`](Self::user_code) and [`verification_uri`](Self::verification_uri), then
/// [`AuthKit::poll_device_authorization`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DeviceAuthorization {
    /// The code the device polls with (keep it on the device).
    pub device_code: String,
    /// The code the user types at the verification URI (`BCDF-GHJK`).
    pub user_code: String,
    /// Where the user approves the device.
    pub verification_uri: String,
    /// The verification URI with the user code in it (for a QR code or a link).
    pub verification_uri_complete: Option<String>,
    /// How long the codes live.
    pub expires_in: Duration,
    /// How long to wait between polls.
    pub interval: Duration,
}

/// Why a device flow ended without a sign-in.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeviceFlowError {
    /// The user refused the device (`access_denied`).
    #[error("the user denied the device authorization")]
    Denied,
    /// The codes expired before the user approved them (`expired_token`).
    #[error("the device authorization expired before the user approved it")]
    Expired,
    /// WorkOS refused the poll for another reason, or could not be reached.
    #[error("device authorization: {0}")]
    Api(#[from] ApiError),
}

impl DeviceFlowError {
    /// The user refused the device.
    pub fn is_denied(&self) -> bool {
        matches!(self, Self::Denied)
    }

    /// The codes expired: start again.
    pub fn is_expired(&self) -> bool {
        matches!(self, Self::Expired)
    }

    /// Any other failure: [`ApiError`] tells which.
    pub fn is_api(&self) -> bool {
        matches!(self, Self::Api(_))
    }
}

fn seconds(value: f64) -> Duration {
    Duration::try_from_secs_f64(value).unwrap_or(Duration::ZERO)
}

/// After a refused poll: the interval to wait before the next one (the same while the user has
/// not answered, five seconds more after `slow_down`), or why the flow ended.
fn next_interval(interval: Duration, refused: ApiError) -> Result<Duration, DeviceFlowError> {
    match refused.code() {
        Some("authorization_pending") => Ok(interval),
        Some("slow_down") => Ok(interval + SLOW_DOWN_STEP),
        Some("access_denied") => Err(DeviceFlowError::Denied),
        Some("expired_token") => Err(DeviceFlowError::Expired),
        _ => Err(refused.into()),
    }
}

impl AuthKit {
    /// Starts the device authorization grant (RFC 8628) for a device without a browser (a CLI,
    /// a TV): the user approves it elsewhere with the user code. A public client
    /// ([`Client::public`](crate::Client::public)) can run the whole flow: neither this call nor
    /// the polls send a client secret.
    ///
    /// ```no_run
    /// # async fn demo(authkit: workos_api::sessions::AuthKit) -> Result<(), Box<dyn std::error::Error>> {
    /// let device = authkit.start_device_authorization().await?;
    /// println!("Open {} and enter {}", device.verification_uri, device.user_code);
    /// let signed_in = authkit.poll_device_authorization(&device).await?;
    /// println!("signed in as {}", signed_in.user.email);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// WorkOS's answer when it refuses the client.
    pub async fn start_device_authorization(&self) -> Result<DeviceAuthorization, ApiError> {
        let body = serde_json::json!({ "client_id": self.client_id() });
        let body: crate::types::AuthorizeDeviceBody = serde_json::from_value(body)
            .map_err(|e| ApiError::invalid_request("authorize_device", format!("building the body: {e}")))?;
        let answer = self.client().user_management().authorize_device(body).await?;
        Ok(DeviceAuthorization {
            device_code: answer.device_code,
            user_code: answer.user_code,
            verification_uri: answer.verification_uri,
            verification_uri_complete: answer.verification_uri_complete,
            expires_in: seconds(answer.expires_in),
            interval: answer.interval.map_or(DEFAULT_INTERVAL, seconds),
        })
    }

    /// Polls until the user approves the device (then its sign-in is the answer), refuses it,
    /// or the codes expire. It waits the interval before each poll, and five seconds more after
    /// every `slow_down`, as RFC 8628 asks.
    ///
    /// # Errors
    /// [`DeviceFlowError::Denied`], [`DeviceFlowError::Expired`], or WorkOS's answer.
    pub async fn poll_device_authorization(
        &self,
        device: &DeviceAuthorization,
    ) -> Result<UserlandAuthenticateResponse, DeviceFlowError> {
        let deadline = tokio::time::Instant::now() + device.expires_in;
        let mut interval = device.interval;
        loop {
            tokio::time::sleep(interval).await;
            if tokio::time::Instant::now() >= deadline {
                return Err(DeviceFlowError::Expired);
            }
            let fields = serde_json::json!({ "device_code": device.device_code });
            match self.grant(DEVICE_CODE_GRANT, fields, Secret::Never).await {
                Ok(signed_in) => return Ok(signed_in),
                Err(e) => interval = next_interval(interval, e)?,
            }
        }
    }

    /// Finishes a sign-in stopped at `mfa_challenge` (or `mfa_enrollment`, after enrolling a
    /// factor) with the code of the user's authenticator app, for `authentication_challenge_id`
    /// (`client.mfa().challenge_authentication_factor(..)` of one of
    /// [`PendingAuthentication::authentication_factors`], or the challenge an enrollment gave).
    ///
    /// # Errors
    /// WorkOS's answer when it refuses the code or the token.
    pub async fn authenticate_with_totp(
        &self,
        pending: &PendingAuthentication,
        authentication_challenge_id: &str,
        code: &str,
    ) -> Result<UserlandAuthenticateResponse, ApiError> {
        let fields = serde_json::json!({
            "pending_authentication_token": pending.pending_authentication_token,
            "authentication_challenge_id": authentication_challenge_id,
            "code": code,
        });
        self.grant("urn:workos:oauth:grant-type:mfa-totp", fields, Secret::Required).await
    }

    /// Finishes a sign-in stopped at a Radar email challenge with the code emailed to the user.
    ///
    /// # Errors
    /// WorkOS's answer when it refuses the code; an invalid-request error when the pending
    /// sign-in names no Radar challenge.
    pub async fn authenticate_with_radar_email_challenge(
        &self,
        pending: &PendingAuthentication,
        code: &str,
    ) -> Result<UserlandAuthenticateResponse, ApiError> {
        let challenge = pending.radar_challenge_id.as_deref().ok_or_else(|| {
            ApiError::invalid_request("authenticate", "the pending sign-in names no radar_challenge_id")
        })?;
        let fields = serde_json::json!({
            "pending_authentication_token": pending.pending_authentication_token,
            "radar_challenge_id": challenge,
            "code": code,
        });
        self.grant("urn:workos:oauth:grant-type:radar-email-challenge:code", fields, Secret::Required).await
    }

    /// Finishes a sign-in stopped at a Radar SMS challenge with the code texted to
    /// `phone_number`, whose `verification_id` came from
    /// `client.user_management().create_radar_challenge(..)`.
    ///
    /// # Errors
    /// WorkOS's answer when it refuses the code.
    pub async fn authenticate_with_radar_sms_challenge(
        &self,
        pending: &PendingAuthentication,
        verification_id: &str,
        phone_number: &str,
        code: &str,
    ) -> Result<UserlandAuthenticateResponse, ApiError> {
        let fields = serde_json::json!({
            "pending_authentication_token": pending.pending_authentication_token,
            "verification_id": verification_id,
            "phone_number": phone_number,
            "code": code,
        });
        self.grant("urn:workos:oauth:grant-type:radar-sms-challenge:code", fields, Secret::Required).await
    }

    /// Where to send a user whose sign-in stopped at `sso_required`: the authorization URL for
    /// the first of [`PendingAuthentication::connection_ids`], with their email as the login
    /// hint. Add PKCE (and a `state`, or keep the generated one), `build()` it, and finish with
    /// [`authenticate_with_code`](AuthKit::authenticate_with_code).
    pub fn sso_authorization_url(
        &self,
        pending: &PendingAuthentication,
        redirect_uri: impl Into<String>,
    ) -> AuthorizationUrl {
        let mut url = self.authorization_url(redirect_uri);
        if let Some(connection) = pending.connection_ids.first() {
            url = url.connection_id(connection);
        }
        if let Some(email) = &pending.email {
            url = url.login_hint(email);
        }
        url
    }

    /// One `authenticate` call with any grant: its fields, the client id and (per `secret`) the
    /// client secret, sent as they are. (Reading them into the union by shape could pick the
    /// wrong variant: every variant's `grant_type` accepts unknown values.)
    async fn grant(
        &self,
        grant_type: &str,
        fields: serde_json::Value,
        secret: Secret,
    ) -> Result<UserlandAuthenticateResponse, ApiError> {
        let body = self.grant_body(grant_type, fields, secret)?;
        self.client().user_management().authenticate(AuthenticateBody::Unknown(body)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(error: &str) -> ApiError {
        let json = serde_json::json!({ "error": error, "error_description": "..." });
        let body = serde_json::from_value(json.clone()).expect("an error body");
        let raw = bytes::Bytes::from(json.to_string());
        ApiError::response("authenticate", http::StatusCode::BAD_REQUEST, http::HeaderMap::new(), body, raw)
    }

    #[test]
    fn each_answer_of_a_poll_sets_the_next_wait_or_ends_the_flow() {
        let second = Duration::from_secs(1);
        assert_eq!(next_interval(second, refused("authorization_pending")).ok(), Some(second));
        assert_eq!(next_interval(second, refused("slow_down")).ok(), Some(Duration::from_secs(6)));
        assert!(next_interval(second, refused("access_denied")).expect_err("denied").is_denied());
        assert!(next_interval(second, refused("expired_token")).expect_err("expired").is_expired());
        let other = next_interval(second, refused("invalid_grant")).expect_err("refused");
        assert!(other.is_api(), "{other}");
        assert!(other.to_string().contains("invalid_grant"), "{other}");
    }
}
