//! The steps a sign-in can stop at before its tokens: SSO required for the user's domain (400),
//! or, as the environment's settings say, email verification, a Radar challenge, MFA and the
//! choice of an organization (403). Each keeps the sign-in waiting under a
//! `pending_authentication_token` (ten minutes, single use) that the matching grant continues.

use serde::Serialize;

use super::{Grant, SignIn, active_orgs};
use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::unix_now;
use crate::model::mfa::FactorRef;
use crate::model::{MAX_CODES, Name, PendingAuth, Store, User, push_bounded};

/// How long a `pending_authentication_token` can be used.
const PENDING_TTL_SECS: u64 = 600;

/// The steps a sign-in already passed, carried by its pending authentication.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Passed {
    pub(crate) mfa: bool,
    pub(crate) radar: bool,
}

impl Passed {
    pub(crate) fn of(pending: &PendingAuth) -> Self {
        Self { mfa: pending.mfa_verified, radar: pending.radar_verified }
    }
}

/// WorkOS's 400 `sso_required`: the connections to send the user to, and a token of the
/// sign-in. The document's shape for it is `{"message": "Must use SSO for selected
/// organization"}`; the SDKs read the code from `code` (or `error`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SsoRequired {
    code: Name,
    message: Name,
    email: String,
    connection_ids: Vec<String>,
    pending_authentication_token: String,
}

/// A 403 naming the step a sign-in waits for, with what the step needs.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StepRequired {
    pub(crate) code: Name,
    pub(crate) pending_authentication_token: String,
    user: User,
    message: Name,
    #[serde(flatten)]
    pub(crate) detail: Option<StepDetail>,
}

/// What a step adds to its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub(crate) enum StepDetail {
    /// `email_verification_required`: a code was emailed.
    EmailVerification { email: String, email_verification_id: String },
    /// `radar_challenge`: a code was emailed.
    RadarChallenge { radar_challenge_id: String, email: String },
    /// `mfa_challenge`: the user's factors.
    MfaChallenge { authentication_factors: Vec<FactorRef> },
    /// `organization_selection_required`: the organizations to choose from.
    OrganizationSelection { organizations: Vec<OrganizationChoice> },
}

/// An organization a sign-in can choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct OrganizationChoice {
    pub(crate) id: String,
    pub(crate) name: String,
}

/// A user whose domain's connection requires SSO cannot sign in otherwise.
pub(crate) fn sso_required(store: &mut Store, client_id: &str, user_id: &str) -> ApiResult<Option<SignIn>> {
    let email = store.user(user_id)?.email.clone();
    let connections = crate::model::sso::required_for(store, &email);
    if connections.is_empty() {
        return Ok(None);
    }
    let grant = Grant::new(user_id.to_owned(), None, "SSO");
    let token = hold_pending(store, client_id, "sso_required", &grant);
    Ok(Some(SignIn::SsoRequired(SsoRequired {
        code: "sso_required",
        message: "Must use SSO for selected organization",
        email,
        connection_ids: connections,
        pending_authentication_token: token,
    })))
}

/// Keeps a sign-in stopped at `step` for its next grant; returns its
/// `pending_authentication_token` (ten minutes, single use).
fn hold_pending(store: &mut Store, client_id: &str, step: Name, grant: &Grant) -> String {
    let token = crate::model::ids::token(32);
    store.expire_codes(unix_now());
    let pending = PendingAuth {
        token: token.clone(),
        step,
        client_id: client_id.to_owned(),
        user_id: grant.user_id.clone(),
        organization_id: grant.organization_id.clone(),
        method: grant.method,
        expires_at: unix_now() + PENDING_TTL_SECS,
        mfa_verified: grant.passed.mfa,
        radar_verified: grant.passed.radar,
    };
    push_bounded(&mut store.pending_auths, pending, MAX_CODES);
    token
}

/// The step the sign-in still needs under the environment's settings, if any: email
/// verification first, then a Radar challenge, then MFA, then the choice of an organization.
fn step_needed(store: &Store, grant: &Grant) -> ApiResult<Option<Name>> {
    let settings = &store.authkit;
    if !settings.email_verification_required
        && !settings.organization_selection_required
        && !settings.mfa_required
        && settings.radar_challenge.is_none()
    {
        return Ok(None);
    }
    let user = store.user(&grant.user_id)?;
    Ok(Some(if settings.email_verification_required && !user.email_verified {
        "email_verification_required"
    } else if let Some(kind) = settings.radar_challenge.as_deref().filter(|_| !grant.passed.radar) {
        if kind == "email" { "radar_challenge" } else { "radar_sms_sign_in_challenge" }
    } else if settings.mfa_required && !grant.passed.mfa {
        let enrolled = !crate::model::mfa::user_factors(store, &grant.user_id).is_empty();
        if enrolled { "mfa_challenge" } else { "mfa_enrollment" }
    } else if settings.organization_selection_required
        && grant.organization_id.is_none()
        && active_orgs(store, &grant.user_id).len() > 1
    {
        "organization_selection_required"
    } else {
        return Ok(None);
    }))
}

/// The 403 of the step the sign-in still needs, if any, with the sign-in kept waiting for it.
pub(crate) fn next_step(store: &mut Store, client_id: &str, grant: &Grant) -> ApiResult<Option<SignIn>> {
    let Some(step) = step_needed(store, grant)? else { return Ok(None) };
    let user = store.user(&grant.user_id)?.clone();
    let token = hold_pending(store, client_id, step, grant);
    let (message, detail) = match step {
        "email_verification_required" => {
            let record = crate::model::user_management::flows::send_verification_code(store, &user);
            let detail =
                StepDetail::EmailVerification { email: user.email.clone(), email_verification_id: record.id };
            ("Email ownership must be verified before authentication.", Some(detail))
        }
        "mfa_challenge" => {
            let factors = crate::model::mfa::user_factors(store, &user.id);
            let detail = StepDetail::MfaChallenge { authentication_factors: factors };
            ("The user must complete an MFA challenge to finish authenticating.", Some(detail))
        }
        "radar_challenge" => {
            let id = crate::model::radar::email_challenge(store, &user.id, &user.email, &token);
            let detail = StepDetail::RadarChallenge { radar_challenge_id: id, email: user.email.clone() };
            ("Radar asks the user to confirm the sign-in with the code emailed to them.", Some(detail))
        }
        "radar_sms_sign_in_challenge" => {
            ("Radar asks the user to confirm the sign-in with a code texted to their phone.", None)
        }
        "mfa_enrollment" => ("The user must enroll in MFA to finish authenticating.", None),
        // organization_selection_required
        _ => {
            let organizations = active_orgs(store, &user.id)
                .into_iter()
                .map(|(id, name)| OrganizationChoice { id, name })
                .collect();
            let detail = StepDetail::OrganizationSelection { organizations };
            ("The user must choose an organization to sign in to.", Some(detail))
        }
    };
    let answer = StepRequired { code: step, pending_authentication_token: token, user, message, detail };
    Ok(Some(SignIn::StepRequired(Box::new(answer))))
}

/// The sign-in that the body's `pending_authentication_token` stands for, at one of `steps`
/// and for this client; anything else is a 400 `invalid_pending_authentication_token`.
pub(crate) fn pending_at(
    store: &mut Store,
    client_id: &str,
    token: Option<&str>,
    steps: &[&str],
) -> ApiResult<PendingAuth> {
    store.expire_codes(unix_now());
    let token = token.unwrap_or_default();
    store
        .pending_auths
        .iter()
        .find(|p| p.token == token && steps.contains(&p.step) && p.client_id == client_id)
        .cloned()
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_pending_authentication_token",
                "The pending authentication token is invalid, expired, used, or for another step.",
            )
        })
}
