//! AuthKit's sign-in: the authorization redirect's code, and `authenticate` (authorization code
//! with PKCE, refresh token, password, magic auth, the grants that continue a sign-in stopped at
//! a step, the device code), issuing RS256 access tokens ([`tokens`]) whose claims come from
//! the emulator's own memberships, role assignments and roles; the sessions they start.
//!
//! Here for now: it becomes `model/user_management/signin.rs` (and this folder
//! `model/user_management/signin/`) when the user management model becomes a folder.

pub(crate) mod device;
#[cfg(test)]
pub(crate) mod fixtures;
pub(crate) mod sessions;
mod steps;
#[cfg(test)]
mod tests;
pub(crate) mod tokens;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::{suffix, unix_now};
use crate::model::list::Query;
use crate::model::{AuthCode, AuthSession, Name, PendingAuth, Store, User};
use steps::{Passed, pending_at};
pub(crate) use steps::{SsoRequired, StepRequired};

/// How long an authorization code can be exchanged.
const CODE_TTL_SECS: u64 = 600;

/// What a browser sign-in URL tells the emulator's stand-in for a login `page`: the email of the
/// user to sign in (`login_hint`; there is no page to type it in) and the PKCE S256 challenge.
pub(crate) fn login_hint_and_challenge(query: &Query, page: &str) -> ApiResult<(String, Option<String>)> {
    let email = query.get("login_hint").map(str::to_lowercase).ok_or_else(|| {
        ApiError::bad_request(
            "login_hint_required",
            format!("The emulator has no {page}: pass the user's email as login_hint."),
        )
    })?;
    let challenge = query.get("code_challenge").map(str::to_owned);
    if challenge.is_some() && query.get("code_challenge_method").is_some_and(|m| m != "S256") {
        return Err(ApiError::oauth("invalid_request", "code_challenge_method must be S256."));
    }
    Ok((email, challenge))
}

/// `GET /user_management/authorize`'s query: who signs in, for which client, back to where.
#[derive(Debug, Clone)]
pub(crate) struct Authorize {
    client_id: String,
    redirect_uri: String,
    email: String,
    challenge: Option<String>,
    organization_id: Option<String>,
    state: Option<String>,
}

impl Authorize {
    /// Reads the query: `client_id`, `redirect_uri` and `login_hint` are required.
    pub(crate) fn from_query(query: &Query) -> ApiResult<Self> {
        let client_id = query.require("client_id")?;
        let redirect_uri = query.require("redirect_uri")?;
        let (email, challenge) = login_hint_and_challenge(query, "login page")?;
        let owned = |key| query.get(key).map(str::to_owned);
        Ok(Self {
            client_id,
            redirect_uri,
            email,
            challenge,
            organization_id: owned("organization_id"),
            state: owned("state"),
        })
    }
}

/// Signs in the user whose email is the `login_hint` (there is no login page): a code for the
/// client, and where the browser goes with it (`redirect_uri` with `code` and `state`). Once
/// redirect URIs are set, `redirect_uri` must be one.
pub(crate) fn authorize(store: &mut Store, request: Authorize) -> ApiResult<String> {
    let redirect_uri = request.redirect_uri;
    if !crate::model::user_management::settings::redirect_allowed(store, &redirect_uri) {
        return Err(ApiError::bad_request(
            "invalid_redirect_uri",
            format!("'{redirect_uri}' is not one of the environment's redirect URIs."),
        ));
    }
    let user_id = store
        .user_by_email(&request.email)
        .map(|u| u.id.clone())
        .ok_or_else(|| ApiError::not_found("User", &request.email))?;
    let organization_id = match request.organization_id {
        Some(org) => Some(membership_org(store, &user_id, &org)?),
        None => single_org(store, &user_id),
    };
    let code = format!("code_{}", suffix());
    store.expire_codes(unix_now());
    store.auth_codes.push(AuthCode {
        code: code.clone(),
        client_id: request.client_id,
        user_id,
        organization_id,
        challenge: request.challenge,
        expires_at: unix_now() + CODE_TTL_SECS,
    });
    let params = [("code", Some(code.as_str())), ("state", request.state.as_deref())];
    Ok(crate::model::urls::url_with(&redirect_uri, &params))
}

/// The organization `org` of the user's membership, or a 400 when they are not a member.
pub(crate) fn membership_org(store: &Store, user_id: &str, org: &str) -> ApiResult<String> {
    store.membership_of(user_id, org).map(|m| m.organization_id.clone()).ok_or_else(|| {
        ApiError::bad_request(
            "organization_membership_not_found",
            format!("The user is not a member of {org}."),
        )
    })
}

/// The user's organization when they are a member of exactly one.
pub(crate) fn single_org(store: &Store, user_id: &str) -> Option<String> {
    let mut orgs = store.memberships_by(true, user_id).map(|m| &m.organization_id);
    match (orgs.next(), orgs.next()) {
        (Some(only), None) => Some(only.clone()),
        _ => None,
    }
}

/// The organizations the user is an active member of: (id, name), in membership order.
fn active_orgs(store: &Store, user_id: &str) -> Vec<(String, String)> {
    store
        .memberships_by(true, user_id)
        .filter(|m| m.status == "active")
        .filter_map(|m| store.organization(&m.organization_id).ok().map(|o| (o.id.clone(), o.name.clone())))
        .collect()
}

/// The membership's roles in `org` (assigned on the organization) and the permissions they grant.
pub(crate) fn access_of(
    store: &Store,
    user_id: &str,
    org: Option<&str>,
) -> (Option<String>, Vec<String>, Vec<String>) {
    let Some(org) = org else { return (None, Vec::new(), Vec::new()) };
    let Some(m) = store.membership_of(user_id, org) else {
        return (None, Vec::new(), Vec::new());
    };
    let root = store.organization_resource(org).map(|r| r.id.clone()).ok();
    let mut roles: Vec<String> = store
        .assignments_of(&m.id)
        .filter(|a| Some(&a.resource.id) == root.as_ref())
        .map(|a| a.role.slug.clone())
        .collect();
    roles.dedup();
    let mut permissions: Vec<String> = roles
        .iter()
        .filter_map(|slug| store.role_for(org, slug).ok())
        .flat_map(|r| r.permissions.iter().cloned())
        .collect();
    permissions.sort();
    permissions.dedup();
    (roles.first().cloned(), roles, permissions)
}

/// `POST /user_management/authenticate`'s body: the grant and what it needs.
#[derive(Deserialize)]
pub(crate) struct AuthenticateBody {
    grant_type: String,
    client_id: String,
    client_secret: Option<String>,
    code: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    organization_id: Option<String>,
    email: Option<String>,
    password: Option<String>,
    /// The token of a sign-in waiting for email verification or an organization.
    pending_authentication_token: Option<String>,
    /// The Radar challenge an emailed code answers, or the texted code's verification.
    radar_challenge_id: Option<String>,
    verification_id: Option<String>,
    phone_number: Option<String>,
    /// The MFA challenge a TOTP code answers (`mfa-totp`).
    authentication_challenge_id: Option<String>,
    /// The device flow's code (`device_code`).
    device_code: Option<String>,
    /// Where the user signed in from, as the service passes it on; kept on the session.
    ip_address: Option<String>,
    user_agent: Option<String>,
}

impl AuthenticateBody {
    /// The sign-in its `pending_authentication_token` stands for, at one of `steps`.
    fn pending(&self, store: &mut Store, steps: &[&str]) -> ApiResult<PendingAuth> {
        pending_at(store, &self.client_id, self.pending_authentication_token.as_deref(), steps)
    }

    /// The one-time code it carries (`""` without one).
    fn code(&self) -> &str {
        self.code.as_deref().unwrap_or_default()
    }
}

/// What the HTTP side knows of a token request: the environment's API key (the client secret),
/// the host the client reached (the tokens' issuer), and how long access tokens live.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Issuer<'a> {
    pub(crate) api_key: &'a str,
    pub(crate) host: Option<&'a str>,
    pub(crate) token_ttl_secs: u64,
}

/// How `authenticate` ends.
#[derive(Debug, Clone)]
pub(crate) enum SignIn {
    /// The user's tokens (200).
    Authenticated(Box<Authenticated>),
    /// SSO is required for the user's domain (400).
    SsoRequired(SsoRequired),
    /// The sign-in waits for a step (403).
    StepRequired(Box<StepRequired>),
}

/// The tokens of a sign-in or refresh.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Authenticated {
    user: User,
    organization_id: Option<String>,
    pub(crate) access_token: String,
    pub(crate) refresh_token: String,
    authentication_method: Name,
}

/// Who a grant signs in, and how.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    user_id: String,
    organization_id: Option<String>,
    /// The `authentication_method` of the sign-in.
    method: Name,
    /// The session a refresh continues; a sign-in starts one.
    session_id: Option<String>,
    /// The steps the sign-in already passed.
    passed: Passed,
    /// Signed in with the user's own secret (password, magic code): SSO may be required instead.
    first_factor: bool,
}

impl Grant {
    fn new(user_id: String, organization_id: Option<String>, method: Name) -> Self {
        Self {
            user_id,
            organization_id,
            method,
            session_id: None,
            passed: Passed::default(),
            first_factor: false,
        }
    }

    /// The sign-in `pending` stood for, going on past its step: the token is used up.
    fn resumed(store: &mut Store, pending: PendingAuth, passed: Passed) -> Self {
        store.pending_auths.retain(|p| p.token != pending.token);
        Self { passed, ..Self::new(pending.user_id, pending.organization_id, pending.method) }
    }
}

fn invalid_grant(message: impl Into<String>) -> ApiError {
    ApiError::oauth("invalid_grant", message)
}

/// The grants that need the client secret refuse a request without the right one.
fn require_secret(secret_ok: bool) -> ApiResult<()> {
    if secret_ok { Ok(()) } else { Err(ApiError::unauthorized("Invalid client secret.")) }
}

/// A token request: the grant's user signed in (or their session refreshed), unless SSO is
/// required or the sign-in still needs a step.
pub(crate) fn authenticate(
    store: &mut Store,
    dto: AuthenticateBody,
    issuer: Issuer<'_>,
) -> ApiResult<SignIn> {
    let secret_ok = dto.client_secret.as_deref() == Some(issuer.api_key);
    let grant = match dto.grant_type.as_str() {
        "authorization_code" => code_grant(store, &dto, secret_ok)?,
        "refresh_token" => refresh_grant(store, &dto)?,
        "password" => password_grant(store, &dto, secret_ok)?,
        "urn:workos:oauth:grant-type:magic-auth:code" => magic_auth_grant(store, &dto, secret_ok)?,
        "urn:workos:oauth:grant-type:email-verification:code" => {
            email_verification_grant(store, &dto, secret_ok)?
        }
        "urn:workos:oauth:grant-type:radar-email-challenge:code"
        | "urn:workos:oauth:grant-type:radar-sms-challenge:code" => radar_grant(store, &dto, secret_ok)?,
        "urn:workos:oauth:grant-type:mfa-totp" => mfa_grant(store, &dto, secret_ok)?,
        "urn:ietf:params:oauth:grant-type:device_code" => {
            let (user_id, org) =
                device::redeem(store, &dto.client_id, dto.device_code.as_deref().unwrap_or_default())?;
            Grant::new(user_id, org, "Password")
        }
        "urn:workos:oauth:grant-type:organization-selection" => organization_grant(store, &dto, secret_ok)?,
        other => {
            return Err(ApiError::oauth(
                "unsupported_grant_type",
                format!("The emulator does not support grant_type `{other}`."),
            ));
        }
    };
    if grant.first_factor
        && let Some(stop) = steps::sso_required(store, &dto.client_id, &grant.user_id)?
    {
        return Ok(stop);
    }
    // A sign-in may need one more step under the environment's settings; a refresh does not.
    if grant.session_id.is_none()
        && let Some(stop) = steps::next_step(store, &dto.client_id, &grant)?
    {
        return Ok(stop);
    }
    Ok(SignIn::Authenticated(Box::new(issue(store, dto, grant, issuer)?)))
}

/// `authorization_code`: a code of `authorize`, single use, for this client, with the PKCE
/// verifier of its challenge (or the client secret when it had none).
fn code_grant(store: &mut Store, dto: &AuthenticateBody, secret_ok: bool) -> ApiResult<Grant> {
    let code = dto.code.as_deref().ok_or_else(|| invalid_grant("code is required."))?;
    store.expire_codes(unix_now());
    let at = store
        .auth_codes
        .iter()
        .position(|c| c.code == code)
        .ok_or_else(|| invalid_grant("The code is invalid or expired."))?;
    // Single use, whatever happens next.
    let grant = store.auth_codes.remove(at);
    if grant.client_id != dto.client_id {
        return Err(invalid_grant("The code was issued to another client."));
    }
    match (&grant.challenge, &dto.code_verifier) {
        (Some(challenge), Some(verifier)) => {
            if B64.encode(Sha256::digest(verifier.as_bytes())) != *challenge {
                return Err(invalid_grant("The code_verifier does not match the code_challenge."));
            }
        }
        (Some(_), None) => return Err(invalid_grant("code_verifier is required for this code.")),
        (None, _) => require_secret(secret_ok)?,
    }
    Ok(Grant::new(grant.user_id, grant.organization_id, "Password"))
}

/// `refresh_token`: an active session's current refresh token, for this client; in another
/// organization of the user when `organization_id` is given.
fn refresh_grant(store: &mut Store, dto: &AuthenticateBody) -> ApiResult<Grant> {
    let token = dto.refresh_token.as_deref().ok_or_else(|| invalid_grant("refresh_token is required."))?;
    let session = store
        .auth_sessions
        .iter()
        .find(|s| s.refresh_token == token && s.client_id == dto.client_id && s.status == "active")
        .cloned()
        .ok_or_else(|| {
            invalid_grant("The refresh token is invalid, was already used, or its session was revoked.")
        })?;
    let org = match dto.organization_id.as_deref() {
        Some(org) => Some(membership_org(store, &session.user_id, org)?),
        None => session.organization_id,
    };
    Ok(Grant { session_id: Some(session.id), ..Grant::new(session.user_id, org, session.method) })
}

/// `password`: the user's email and password.
fn password_grant(store: &mut Store, dto: &AuthenticateBody, secret_ok: bool) -> ApiResult<Grant> {
    require_secret(secret_ok)?;
    let email = dto.email.as_deref().unwrap_or_default().to_lowercase();
    let given = dto.password.as_deref().unwrap_or_default();
    let user_id = store
        .user_by_email(&email)
        .filter(|u| store.passwords.get(&u.id).is_some_and(|p| p == given))
        .map(|u| u.id.clone())
        .ok_or_else(|| invalid_grant("Invalid email or password."))?;
    let org = single_org(store, &user_id);
    Ok(Grant { first_factor: true, ..Grant::new(user_id, org, "Password") })
}

/// Magic auth: the code emailed to the user.
fn magic_auth_grant(store: &mut Store, dto: &AuthenticateBody, secret_ok: bool) -> ApiResult<Grant> {
    require_secret(secret_ok)?;
    let email = dto.email.as_deref().unwrap_or_default();
    let user_id = crate::model::user_management::flows::use_magic_auth(store, email, dto.code())?
        .ok_or_else(|| invalid_grant("The magic auth code is invalid, expired or was used."))?;
    let org = single_org(store, &user_id);
    Ok(Grant { first_factor: true, ..Grant::new(user_id, org, "MagicAuth") })
}

/// Email verification: the code emailed at the `email_verification_required` step.
fn email_verification_grant(store: &mut Store, dto: &AuthenticateBody, secret_ok: bool) -> ApiResult<Grant> {
    require_secret(secret_ok)?;
    let pending = dto.pending(store, &["email_verification_required"])?;
    if !crate::model::user_management::flows::use_verification_code(store, &pending.user_id, dto.code())? {
        return Err(ApiError::bad_request(
            "invalid_one_time_code",
            "The email verification code is incorrect or expired.",
        ));
    }
    let passed = Passed::of(&pending);
    Ok(Grant::resumed(store, pending, passed))
}

/// A Radar challenge's code: emailed (`radar_challenge_id`) or texted (`verification_id`, with
/// the `phone_number`).
fn radar_grant(store: &mut Store, dto: &AuthenticateBody, secret_ok: bool) -> ApiResult<Grant> {
    require_secret(secret_ok)?;
    let email = dto.grant_type.contains("email");
    let step = if email { "radar_challenge" } else { "radar_sms_sign_in_challenge" };
    let pending = dto.pending(store, &[step])?;
    let challenge = if email {
        dto.radar_challenge_id.clone().unwrap_or_default()
    } else {
        if dto.phone_number.is_none() {
            return Err(ApiError::bad_request("phone_number_required", "phone_number is required."));
        }
        dto.verification_id.clone().ok_or_else(|| {
            ApiError::bad_request("verification_id_required", "verification_id is required.")
        })?
    };
    if !crate::model::radar::use_radar_code(store, &challenge, &pending.user_id, dto.code()) {
        return Err(ApiError::bad_request(
            "invalid_one_time_code",
            "The code is incorrect, expired or was used.",
        ));
    }
    let passed = Passed { radar: true, ..Passed::of(&pending) };
    Ok(Grant::resumed(store, pending, passed))
}

/// `mfa-totp`: a code of the user's TOTP factor for its challenge (at `mfa_challenge`, or at
/// `mfa_enrollment` once the user enrolled one).
fn mfa_grant(store: &mut Store, dto: &AuthenticateBody, secret_ok: bool) -> ApiResult<Grant> {
    require_secret(secret_ok)?;
    let pending = dto.pending(store, &["mfa_challenge", "mfa_enrollment"])?;
    let challenge = dto.authentication_challenge_id.as_deref().unwrap_or_default();
    if crate::model::mfa::challenge_user(store, challenge).as_deref() != Some(pending.user_id.as_str()) {
        return Err(ApiError::bad_request("user_mismatch", "The challenge is not of this user's factor."));
    }
    if !crate::model::mfa::verify_code(store, challenge, dto.code())?.valid {
        return Err(ApiError::bad_request("invalid_one_time_code", "The code is incorrect or was used."));
    }
    let passed = Passed { mfa: true, ..Passed::of(&pending) };
    Ok(Grant::resumed(store, pending, passed))
}

/// Organization selection: one of the user's active organizations.
fn organization_grant(store: &mut Store, dto: &AuthenticateBody, secret_ok: bool) -> ApiResult<Grant> {
    require_secret(secret_ok)?;
    let pending = dto.pending(store, &["organization_selection_required"])?;
    let org = dto.organization_id.as_deref().ok_or_else(|| {
        ApiError::invalid_field("organization_id", "required", "organization_id is required.")
    })?;
    if !active_orgs(store, &pending.user_id).iter().any(|(id, _)| id == org) {
        return Err(ApiError::bad_request(
            "invalid_organization_id",
            format!("The user is not an active member of '{org}'."),
        ));
    }
    let passed = Passed::of(&pending);
    Ok(Grant { organization_id: Some(org.to_owned()), ..Grant::resumed(store, pending, passed) })
}

/// The tokens of a grant that passed every step: a signed access token and a new refresh
/// token, kept on the session (a refresh rotates its session's token, a sign-in starts one).
fn issue(
    store: &mut Store,
    dto: AuthenticateBody,
    grant: Grant,
    issuer: Issuer<'_>,
) -> ApiResult<Authenticated> {
    let session_id = grant.session_id.clone().unwrap_or_else(|| store.ids.next("session"));
    let refresh_token = format!("refresh_{}", suffix());
    let claims = claims(store, &dto.client_id, &grant, &session_id, issuer)?;
    let access_token = tokens::sign(&claims)?;
    keep_session(store, dto, &grant, session_id, &refresh_token);
    Ok(Authenticated {
        user: store.user(&grant.user_id)?.clone(),
        organization_id: grant.organization_id,
        access_token,
        refresh_token,
        authentication_method: grant.method,
    })
}

/// The access token's claims: who, which session, until when, the organization's role and
/// permissions, and what the environment's JWT template adds.
fn claims(
    store: &Store,
    client_id: &str,
    grant: &Grant,
    session_id: &str,
    issuer: Issuer<'_>,
) -> ApiResult<Value> {
    let iss = match issuer.host {
        Some(host) => format!("http://{host}/user_management/{client_id}"),
        None => format!("workos-emulator/user_management/{client_id}"),
    };
    let organization_id = grant.organization_id.as_deref();
    let (role, roles, permissions) = access_of(store, &grant.user_id, organization_id);
    let now = unix_now();
    let mut claims = json!({
        "iss": iss,
        "sub": grant.user_id,
        "sid": session_id,
        "jti": suffix(),
        "iat": now,
        "auth_time": now,
        "exp": now + issuer.token_ttl_secs,
    });
    if let Some(org) = organization_id {
        claims["org_id"] = json!(org);
        claims["role"] = json!(role);
        claims["roles"] = json!(roles);
        claims["permissions"] = json!(permissions);
    }
    if let Some((template, _, _)) = &store.authkit.jwt_template {
        let user = serde_json::to_value(store.user(&grant.user_id)?).unwrap_or_default();
        let org = organization_id.and_then(|o| store.organization(o).ok());
        let context = json!({ "user": user, "organization": org });
        crate::model::user_management::settings::apply_template(template, &context, &mut claims);
    }
    Ok(claims)
}

/// Keeps the session's new refresh token (and where the request came from, when it says).
fn keep_session(
    store: &mut Store,
    dto: AuthenticateBody,
    grant: &Grant,
    session_id: String,
    refresh_token: &str,
) {
    if let Some(session) = store.auth_sessions.iter_mut().find(|s| s.id == session_id) {
        session.refresh_token = refresh_token.to_owned();
        session.organization_id.clone_from(&grant.organization_id);
        session.updated_at = crate::model::ids::now();
        if dto.ip_address.is_some() {
            session.ip_address = dto.ip_address;
        }
        if dto.user_agent.is_some() {
            session.user_agent = dto.user_agent;
        }
        return;
    }
    let at = crate::model::ids::now();
    store.auth_sessions.push(AuthSession {
        id: session_id,
        client_id: dto.client_id,
        user_id: grant.user_id.clone(),
        organization_id: grant.organization_id.clone(),
        refresh_token: refresh_token.to_owned(),
        method: grant.method,
        status: "active",
        created_at: at.clone(),
        updated_at: at,
        ended_at: None,
        ip_address: dto.ip_address,
        user_agent: dto.user_agent,
    });
}
