//! A sign-in WorkOS stopped for one more step, read from its error.

use serde::Deserialize;

#[cfg(doc)] // for the documentation's links
use super::AuthKit;
use crate::ApiError;

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
