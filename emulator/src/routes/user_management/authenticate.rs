//! AuthKit's side: the JWKS, the authorization redirect, and `authenticate` (authorization code
//! with PKCE, refresh token, password), issuing RS256 access tokens whose claims come from the
//! emulator's own memberships, role assignments and roles.
//!
//! The signing key is the test-only RSA key of `keys/` ([`crate::TEST_ONLY_SIGNING_KEY_PEM`],
//! public by design; `keys/generate.sh` makes a new one); it signs nothing outside the emulator.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use bytes::Bytes;
use http::{HeaderMap, StatusCode, header};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::model::error::{ApiError, ApiResult, parse_body};
use crate::model::ids::unix_now;
use crate::model::list::Query;
use crate::model::{AuthCode, AuthSession, MAX_CODES, Name, PendingAuth, Store, push_bounded};
use crate::routes::{Db, empty, ok};

const KEY_PEM: &[u8] = crate::TEST_ONLY_SIGNING_KEY_PEM;
const KEY_JWK: &str = include_str!("../../../keys/test-only-signing-key.jwk.json");
/// How long an authorization code can be exchanged.
const CODE_TTL_SECS: u64 = 600;

/// `GET /sso/jwks/{clientId}`: the public key of the tokens below, for any client id.
pub(crate) async fn jwks(Path(_client_id): Path<String>) -> ApiResult<Response> {
    let key: Value =
        serde_json::from_str(KEY_JWK).map_err(|e| ApiError::internal(format!("signing key: {e}")))?;
    Ok(ok(json!({ "keys": [key] })))
}

/// `GET /user_management/authorize`: there is no login page; the emulator signs in the user
/// whose email is `login_hint` and redirects to `redirect_uri` with a code (and `state`). Once
/// redirect URIs are set (`POST /user_management/redirect_uris`), `redirect_uri` must be one.
pub(crate) async fn authorize(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let client_id = query.require("client_id")?;
    let redirect_uri = query.require("redirect_uri")?;
    let (email, challenge) = login_hint_and_challenge(&query, "login page")?;
    let mut store = db.store();
    if !crate::routes::user_management::authkit_settings::redirect_allowed(&store, &redirect_uri) {
        return Err(ApiError::bad_request(
            "invalid_redirect_uri",
            format!("'{redirect_uri}' is not one of the environment's redirect URIs."),
        ));
    }
    let user_id = store
        .user_by_email(&email)
        .map(|u| u.id.clone())
        .ok_or_else(|| ApiError::not_found("User", &email))?;
    let organization_id = match query.get("organization_id") {
        Some(org) => Some(membership_org(&store, &user_id, org)?),
        None => single_org(&store, &user_id),
    };
    let code = format!("code_{}", crate::model::ids::suffix());
    store.expire_codes(unix_now());
    store.auth_codes.push(AuthCode {
        code: code.clone(),
        client_id,
        user_id,
        organization_id,
        challenge,
        expires_at: unix_now() + CODE_TTL_SECS,
    });
    let location = url_with(&redirect_uri, &[("code", Some(&code)), ("state", query.get("state"))]);
    Ok((StatusCode::FOUND, [(header::LOCATION, location)]).into_response())
}

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

pub(crate) fn url_with(base: &str, params: &[(&str, Option<&str>)]) -> String {
    let mut out = base.to_owned();
    let mut sep = if base.contains('?') { '&' } else { '?' };
    for (k, v) in params {
        if let Some(v) = v {
            let encoded: String = form_urlencoded::byte_serialize(v.as_bytes()).collect();
            out.push(sep);
            out.push_str(&format!("{k}={encoded}"));
            sep = '&';
        }
    }
    out
}

pub(crate) fn membership_org(store: &Store, user_id: &str, org: &str) -> ApiResult<String> {
    store.membership_of(user_id, org).map(|m| m.organization_id.clone()).ok_or_else(|| {
        ApiError::bad_request(
            "organization_membership_not_found",
            format!("The user is not a member of {org}."),
        )
    })
}

pub(crate) fn single_org(store: &Store, user_id: &str) -> Option<String> {
    let mut orgs = store.memberships_by(true, user_id).map(|m| &m.organization_id);
    match (orgs.next(), orgs.next()) {
        (Some(only), None) => Some(only.clone()),
        _ => None,
    }
}

#[derive(Deserialize)]
struct AuthenticateBody {
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

fn invalid_grant(message: impl Into<String>) -> ApiError {
    ApiError::oauth("invalid_grant", message)
}

/// `POST /user_management/authenticate`.
pub(crate) async fn authenticate(State(db): Db, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let dto: AuthenticateBody = parse_body(&body)?;
    let mut store = db.store();
    let secret_ok = dto.client_secret.as_deref() == Some(db.api_key());
    let require_secret =
        || if secret_ok { Ok(()) } else { Err(ApiError::unauthorized("Invalid client secret.")) };
    // A refresh keeps the session (its `sid`); the other grants start one.
    let mut passed = Passed::default();
    let (user_id, organization_id, method, session_id) = match dto.grant_type.as_str() {
        "authorization_code" => {
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
                (None, _) => require_secret()?,
            }
            (grant.user_id, grant.organization_id, "Password", None)
        }
        "refresh_token" => {
            let token =
                dto.refresh_token.as_deref().ok_or_else(|| invalid_grant("refresh_token is required."))?;
            let session = store
                .auth_sessions
                .iter()
                .find(|s| s.refresh_token == token && s.client_id == dto.client_id && s.status == "active")
                .cloned()
                .ok_or_else(|| {
                    invalid_grant(
                        "The refresh token is invalid, was already used, or its session was revoked.",
                    )
                })?;
            let org = match dto.organization_id.as_deref() {
                Some(org) => Some(membership_org(&store, &session.user_id, org)?),
                None => session.organization_id,
            };
            (session.user_id, org, session.method, Some(session.id))
        }
        "password" => {
            require_secret()?;
            let email = dto.email.as_deref().unwrap_or_default().to_lowercase();
            let user = store.user_by_email(&email);
            let given = dto.password.as_deref().unwrap_or_default();
            let user_id = user
                .filter(|u| store.passwords.get(&u.id).is_some_and(|p| p == given))
                .map(|u| u.id.clone())
                .ok_or_else(|| invalid_grant("Invalid email or password."))?;
            if let Some(answer) = sso_required(&mut store, &dto, &user_id)? {
                return Ok(answer);
            }
            let org = single_org(&store, &user_id);
            (user_id, org, "Password", None)
        }
        "urn:workos:oauth:grant-type:magic-auth:code" => {
            require_secret()?;
            let (email, code) =
                (dto.email.as_deref().unwrap_or_default(), dto.code.as_deref().unwrap_or_default());
            let user_id = crate::routes::user_management::flows::use_magic_auth(&mut store, email, code)?
                .ok_or_else(|| invalid_grant("The magic auth code is invalid, expired or was used."))?;
            if let Some(answer) = sso_required(&mut store, &dto, &user_id)? {
                return Ok(answer);
            }
            let org = single_org(&store, &user_id);
            (user_id, org, "MagicAuth", None)
        }
        "urn:workos:oauth:grant-type:email-verification:code" => {
            require_secret()?;
            let pending = pending(&mut store, &dto, "email_verification_required")?;
            let code = dto.code.as_deref().unwrap_or_default();
            if !crate::routes::user_management::flows::use_verification_code(
                &mut store,
                &pending.user_id,
                code,
            )? {
                return Err(ApiError::bad_request(
                    "invalid_one_time_code",
                    "The email verification code is incorrect or expired.",
                ));
            }
            store.pending_auths.retain(|p| p.token != pending.token);
            passed = Passed::of(&pending);
            (pending.user_id, pending.organization_id, pending.method, None)
        }
        "urn:workos:oauth:grant-type:radar-email-challenge:code"
        | "urn:workos:oauth:grant-type:radar-sms-challenge:code" => {
            require_secret()?;
            let email = dto.grant_type.contains("email");
            let step = if email { "radar_challenge" } else { "radar_sms_sign_in_challenge" };
            let pending = pending(&mut store, &dto, step)?;
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
            let code = dto.code.as_deref().unwrap_or_default();
            if !crate::routes::portal::use_radar_code(&mut store, &challenge, &pending.user_id, code) {
                return Err(ApiError::bad_request(
                    "invalid_one_time_code",
                    "The code is incorrect, expired or was used.",
                ));
            }
            store.pending_auths.retain(|p| p.token != pending.token);
            passed = Passed { radar: true, ..Passed::of(&pending) };
            (pending.user_id, pending.organization_id, pending.method, None)
        }
        "urn:workos:oauth:grant-type:mfa-totp" => {
            require_secret()?;
            let pending = pending_at(&mut store, &dto, &["mfa_challenge", "mfa_enrollment"])?;
            let challenge = dto.authentication_challenge_id.as_deref().unwrap_or_default();
            if crate::routes::mfa::challenge_user(&store, challenge).as_deref()
                != Some(pending.user_id.as_str())
            {
                return Err(ApiError::bad_request(
                    "user_mismatch",
                    "The challenge is not of this user's factor.",
                ));
            }
            let (valid, _) = crate::routes::mfa::verify_code(
                &mut store,
                challenge,
                dto.code.as_deref().unwrap_or_default(),
            )?;
            if !valid {
                return Err(ApiError::bad_request(
                    "invalid_one_time_code",
                    "The code is incorrect or was used.",
                ));
            }
            store.pending_auths.retain(|p| p.token != pending.token);
            passed = Passed { mfa: true, ..Passed::of(&pending) };
            (pending.user_id, pending.organization_id, pending.method, None)
        }
        "urn:ietf:params:oauth:grant-type:device_code" => {
            let code = dto.device_code.as_deref().unwrap_or_default();
            let (user_id, organization_id) =
                crate::routes::user_management::device::redeem(&mut store, &dto.client_id, code)?;
            (user_id, organization_id, "Password", None)
        }
        "urn:workos:oauth:grant-type:organization-selection" => {
            require_secret()?;
            let pending = pending(&mut store, &dto, "organization_selection_required")?;
            let org = dto.organization_id.as_deref().ok_or_else(|| {
                ApiError::invalid_field("organization_id", "required", "organization_id is required.")
            })?;
            if !active_orgs(&store, &pending.user_id).iter().any(|(id, _)| id == org) {
                return Err(ApiError::bad_request(
                    "invalid_organization_id",
                    format!("The user is not an active member of '{org}'."),
                ));
            }
            store.pending_auths.retain(|p| p.token != pending.token);
            passed = Passed::of(&pending);
            (pending.user_id, Some(org.to_owned()), pending.method, None)
        }
        other => {
            return Err(ApiError::oauth(
                "unsupported_grant_type",
                format!("The emulator does not support grant_type `{other}`."),
            ));
        }
    };
    // A sign-in may need one more step under the environment's settings.
    if session_id.is_none()
        && let Some(answer) =
            next_step(&mut store, &dto, &user_id, organization_id.as_deref(), method, passed)?
    {
        return Ok(answer);
    }
    let issuer = match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
        Some(host) => format!("http://{host}/user_management/{}", dto.client_id),
        None => format!("workos-emulator/user_management/{}", dto.client_id),
    };
    let session_id = session_id.unwrap_or_else(|| store.ids.next("session"));
    let refresh_token = format!("refresh_{}", crate::model::ids::suffix());
    let (role, roles, permissions) = access_of(&store, &user_id, organization_id.as_deref());
    let now = unix_now();
    let mut claims = json!({
        "iss": issuer,
        "sub": user_id,
        "sid": session_id,
        "jti": crate::model::ids::suffix(),
        "iat": now,
        "auth_time": now,
        "exp": now + db.token_ttl().as_secs(),
    });
    if let Some(org) = &organization_id {
        claims["org_id"] = json!(org);
        claims["role"] = json!(role);
        claims["roles"] = json!(roles);
        claims["permissions"] = json!(permissions);
    }
    if let Some((template, _, _)) = &store.authkit.jwt_template {
        let user = serde_json::to_value(store.user(&user_id)?).unwrap_or_default();
        let org = organization_id.as_deref().and_then(|o| store.organization(o).ok());
        let context = json!({ "user": user, "organization": org });
        crate::routes::user_management::authkit_settings::apply_template(template, &context, &mut claims);
    }
    let access_token = sign(&claims)?;
    // A refresh rotates the token of its session in place; a sign-in starts a session.
    if let Some(session) = store.auth_sessions.iter_mut().find(|s| s.id == session_id) {
        session.refresh_token.clone_from(&refresh_token);
        session.organization_id.clone_from(&organization_id);
        session.updated_at = crate::model::ids::now();
        if dto.ip_address.is_some() {
            session.ip_address = dto.ip_address;
        }
        if dto.user_agent.is_some() {
            session.user_agent = dto.user_agent;
        }
    } else {
        let at = crate::model::ids::now();
        store.auth_sessions.push(AuthSession {
            id: session_id,
            client_id: dto.client_id,
            user_id: user_id.clone(),
            organization_id: organization_id.clone(),
            refresh_token: refresh_token.clone(),
            method,
            status: "active",
            created_at: at.clone(),
            updated_at: at,
            ended_at: None,
            ip_address: dto.ip_address,
            user_agent: dto.user_agent,
        });
    }
    let user = serde_json::to_value(store.user(&user_id)?).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(ok(json!({
        "user": user,
        "organization_id": organization_id,
        "access_token": access_token,
        "refresh_token": refresh_token,
        "authentication_method": method,
    })))
}

/// A user whose domain's connection requires SSO cannot sign in otherwise: WorkOS answers a
/// 400 `sso_required` with the connections to send them to (and a token of the sign-in).
fn sso_required(store: &mut Store, dto: &AuthenticateBody, user_id: &str) -> ApiResult<Option<Response>> {
    let email = store.user(user_id)?.email.clone();
    let connections = crate::routes::sso::required_for(store, &email);
    if connections.is_empty() {
        return Ok(None);
    }
    let token = hold_pending(store, dto, "sso_required", user_id, None, "SSO", Passed::default());
    let body = json!({
        // The document's shape for it is `{"message": "Must use SSO for selected organization"}`;
        // the SDKs read the code from `code` (or `error`).
        "code": "sso_required",
        "message": "Must use SSO for selected organization",
        "email": email,
        "connection_ids": connections,
        "pending_authentication_token": token,
    });
    Ok(Some((StatusCode::BAD_REQUEST, Json(body)).into_response()))
}

/// Keeps a sign-in stopped at `step` for its next grant; returns its
/// `pending_authentication_token` (ten minutes, single use).
fn hold_pending(
    store: &mut Store,
    dto: &AuthenticateBody,
    step: Name,
    user_id: &str,
    org: Option<&str>,
    method: Name,
    passed: Passed,
) -> String {
    let token = crate::model::ids::token(32);
    store.expire_codes(unix_now());
    let pending = PendingAuth {
        token: token.clone(),
        step,
        client_id: dto.client_id.clone(),
        user_id: user_id.to_owned(),
        organization_id: org.map(str::to_owned),
        method,
        expires_at: unix_now() + PENDING_TTL_SECS,
        mfa_verified: passed.mfa,
        radar_verified: passed.radar,
    };
    push_bounded(&mut store.pending_auths, pending, MAX_CODES);
    token
}

/// The steps a sign-in already passed, carried by its pending authentication.
#[derive(Debug, Clone, Copy, Default)]
struct Passed {
    mfa: bool,
    radar: bool,
}

impl Passed {
    fn of(pending: &PendingAuth) -> Self {
        Self { mfa: pending.mfa_verified, radar: pending.radar_verified }
    }
}

/// How long a `pending_authentication_token` can be used.
const PENDING_TTL_SECS: u64 = 600;

/// The step a sign-in still needs, as the environment's settings say: a 403 whose
/// `pending_authentication_token` the matching grant continues. Email verification comes
/// first (a code is emailed), then a Radar challenge, then MFA, then the choice of an
/// organization.
fn next_step(
    store: &mut Store,
    dto: &AuthenticateBody,
    user_id: &str,
    org: Option<&str>,
    method: Name,
    passed: Passed,
) -> ApiResult<Option<Response>> {
    let settings = &store.authkit;
    if !settings.email_verification_required
        && !settings.organization_selection_required
        && !settings.mfa_required
        && settings.radar_challenge.is_none()
    {
        return Ok(None);
    }
    let radar = store.authkit.radar_challenge.clone();
    let user = store.user(user_id)?.clone();
    let orgs = active_orgs(store, user_id);
    let factors = crate::routes::mfa::user_factors(store, user_id);
    let step = if store.authkit.email_verification_required && !user.email_verified {
        "email_verification_required"
    } else if let Some(kind) = radar.as_deref().filter(|_| !passed.radar) {
        if kind == "email" { "radar_challenge" } else { "radar_sms_sign_in_challenge" }
    } else if store.authkit.mfa_required && !passed.mfa {
        if factors.is_empty() { "mfa_enrollment" } else { "mfa_challenge" }
    } else if store.authkit.organization_selection_required && org.is_none() && orgs.len() > 1 {
        "organization_selection_required"
    } else {
        return Ok(None);
    };
    let token = hold_pending(store, dto, step, user_id, org, method, passed);
    let mut body = json!({ "code": step, "pending_authentication_token": token, "user": user });
    if step == "email_verification_required" {
        let record = crate::routes::user_management::flows::send_verification_code(store, &user);
        body["message"] = json!("Email ownership must be verified before authentication.");
        body["email"] = json!(user.email);
        body["email_verification_id"] = json!(record.id);
    } else if step == "mfa_challenge" {
        body["message"] = json!("The user must complete an MFA challenge to finish authenticating.");
        body["authentication_factors"] = json!(factors);
    } else if step == "radar_challenge" {
        let id = crate::routes::portal::email_challenge(store, &user.id, &user.email, &token);
        body["message"] = json!("Radar asks the user to confirm the sign-in with the code emailed to them.");
        body["radar_challenge_id"] = json!(id);
        body["email"] = json!(user.email);
    } else if step == "radar_sms_sign_in_challenge" {
        body["message"] =
            json!("Radar asks the user to confirm the sign-in with a code texted to their phone.");
    } else if step == "mfa_enrollment" {
        body["message"] = json!("The user must enroll in MFA to finish authenticating.");
    } else {
        body["message"] = json!("The user must choose an organization to sign in to.");
        body["organizations"] =
            orgs.into_iter().map(|(id, name)| json!({ "id": id, "name": name })).collect();
    }
    Ok(Some((StatusCode::FORBIDDEN, Json(body)).into_response()))
}

/// The sign-in that `pending_authentication_token` stands for, at `step` and for this client;
/// anything else is a 400 `invalid_pending_authentication_token`.
fn pending(store: &mut Store, dto: &AuthenticateBody, step: &str) -> ApiResult<PendingAuth> {
    pending_at(store, dto, &[step])
}

/// [`pending`] at any of `steps`.
fn pending_at(store: &mut Store, dto: &AuthenticateBody, steps: &[&str]) -> ApiResult<PendingAuth> {
    store.expire_codes(unix_now());
    let token = dto.pending_authentication_token.as_deref().unwrap_or_default();
    store
        .pending_auths
        .iter()
        .find(|p| p.token == token && steps.contains(&p.step) && p.client_id == dto.client_id)
        .cloned()
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_pending_authentication_token",
                "The pending authentication token is invalid, expired, used, or for another step.",
            )
        })
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

/// The claims of a token the emulator signed, checked (signature, expiry, and the audience
/// when given); `None` for any other token.
pub(crate) fn verify(token: &str, audience: Option<&str>) -> Option<Value> {
    let jwk: Value = serde_json::from_str(KEY_JWK).ok()?;
    let key = jsonwebtoken::DecodingKey::from_rsa_components(jwk["n"].as_str()?, jwk["e"].as_str()?).ok()?;
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    match audience {
        Some(aud) => validation.set_audience(&[aud]),
        None => validation.validate_aud = false,
    }
    jsonwebtoken::decode::<Value>(token, &key, &validation).ok().map(|data| data.claims)
}

pub(crate) fn sign(claims: &Value) -> ApiResult<String> {
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(KEY_PEM)
        .map_err(|e| ApiError::internal(format!("signing key: {e}")))?;
    let jwk: Value =
        serde_json::from_str(KEY_JWK).map_err(|e| ApiError::internal(format!("signing key: {e}")))?;
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = jwk["kid"].as_str().map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &key).map_err(|e| ApiError::internal(format!("signing: {e}")))
}

/// A user's sign-in identities from OAuth providers: the emulator signs in with passwords and
/// codes only, so the list is empty.
pub(crate) async fn list_identities(State(db): Db, Path(user): Path<String>) -> ApiResult<Response> {
    db.store().user(&user)?;
    Ok(ok(json!([])))
}

/// A user's sessions, newest first by default.
pub(crate) async fn list_sessions(
    State(db): Db,
    Path(user): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    store.user(&user)?;
    let items = store.auth_sessions.iter().filter(|s| s.user_id == user).collect();
    Ok(ok(query.page_with(items, |s| &s.id, |s| s.json())))
}

#[derive(Deserialize)]
struct RevokeSession {
    session_id: String,
}

/// Revokes a session: its refresh token stops working. An unknown or revoked session is a 400.
pub(crate) async fn revoke_session(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: RevokeSession = parse_body(&body)?;
    let mut store = db.store();
    let session =
        store.auth_sessions.iter_mut().find(|s| s.id == dto.session_id && s.status == "active").ok_or_else(
            || ApiError::bad_request("invalid_session", format!("No active session '{}'.", dto.session_id)),
        )?;
    end(session);
    Ok(empty(StatusCode::OK))
}

/// `GET /user_management/sessions/logout`, where a service sends the browser to sign out
/// (`workos_api::redirects::session_logout_url`): the session is revoked (signing out twice is
/// fine) and the browser goes on to `return_to`, or gets a 200 without one. An unknown session
/// or a `return_to` that is not an absolute URL is a 422.
pub(crate) async fn logout(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let session_id = query
        .get("session_id")
        .ok_or_else(|| ApiError::invalid_field("session_id", "required", "session_id is required."))?;
    let return_to = query.get("return_to");
    if let Some(to) = return_to
        && !is_absolute_url(to)
    {
        return Err(ApiError::invalid_field(
            "return_to",
            "invalid_url",
            format!("return_to must be an absolute http(s) URL, not '{to}'."),
        ));
    }
    let mut store = db.store();
    let session = store.auth_sessions.iter_mut().find(|s| s.id == session_id).ok_or_else(|| {
        ApiError::unprocessable("session_not_found", format!("Session not found: '{session_id}'."))
    })?;
    if session.status == "active" {
        end(session);
    }
    Ok(match return_to {
        Some(to) => (StatusCode::FOUND, [(header::LOCATION, to.to_owned())]).into_response(),
        None => empty(StatusCode::OK),
    })
}

/// `http(s)://host...`: what a browser can be sent to.
pub(crate) fn is_absolute_url(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty() && !r.starts_with('/') && !r.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

fn end(session: &mut AuthSession) {
    let at = crate::model::ids::now();
    session.status = "revoked";
    session.ended_at = Some(at.clone());
    session.updated_at = at;
}
