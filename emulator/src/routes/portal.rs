//! The embeddable surfaces and Radar: Admin Portal links, Widgets tokens and client API tokens
//! (RS256 JWTs signed with the emulator's key, so a verifier checks them against its JWKS), and
//! Radar's standalone attempts and allow/block lists.
//!
//! Radar's verdict follows the lists: an attempt whose IP address, email, email domain or user
//! agent is on the block list is blocked (`control: restriction`, with its `blocklist_type`),
//! one on the allow list is allowed, and anything else is allowed.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Db, created, empty, ok};
use crate::model::error::{ApiError, ApiResult, parse_body};
use crate::model::ids::unix_now;
use crate::model::{MAX_CODES, Store, push_bounded};

/// How long a portal link, widget token or client token lives, in seconds.
const TOKEN_TTL_SECS: u64 = 300;

const INTENTS: &[&str] = &[
    "sso",
    "dsync",
    "audit_logs",
    "log_streams",
    "domain_verification",
    "certificate_renewal",
    "bring_your_own_key",
];
const WIDGET_SCOPES: &[&str] = &[
    "widgets:users-table:manage",
    "widgets:domain-verification:manage",
    "widgets:sso:manage",
    "widgets:api-keys:manage",
    "widgets:dsync:manage",
    "widgets:audit-log-streaming:manage",
    "widgets:pipes:manage",
];
const LIST_TYPES: &[&str] =
    &["ip_address", "domain", "email", "device", "user_agent", "device_fingerprint", "country"];

/// Radar's attempts and lists.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct RadarData {
    /// `(type, action, entry)`.
    lists: Vec<(String, String, String)>,
    /// Attempt ids, with whether they were marked successful.
    attempts: Vec<(String, bool)>,
    /// Sign-in challenges: emailed codes and texted ones.
    challenges: Vec<RadarChallenge>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct RadarChallenge {
    id: String,
    /// `email` or `sms`.
    kind: String,
    user_id: String,
    /// The address or phone number the code went to.
    to: String,
    code: String,
    pending_token: String,
    used: bool,
    expires_at: String,
    created_at: String,
    updated_at: String,
}

fn new_challenge(
    store: &mut Store,
    kind: &str,
    user_id: &str,
    to: &str,
    pending_token: &str,
) -> RadarChallenge {
    let at = crate::model::ids::now();
    let challenge = RadarChallenge {
        id: store.ids.next(if kind == "email" { "radar_challenge" } else { "radar_verification" }),
        kind: kind.to_owned(),
        user_id: user_id.to_owned(),
        to: to.to_owned(),
        code: crate::model::ids::code(),
        pending_token: pending_token.to_owned(),
        used: false,
        expires_at: crate::model::ids::in_minutes(10),
        created_at: at.clone(),
        updated_at: at,
    };
    store.send_email(
        to,
        if kind == "email" { "radar_challenge" } else { "sms" },
        Some(&challenge.code),
        None,
    );
    push_bounded(&mut store.radar.challenges, challenge.clone(), MAX_CODES);
    challenge
}

/// A sign-in's emailed Radar challenge (the `radar_challenge` step): its id.
pub(crate) fn email_challenge(store: &mut Store, user_id: &str, email: &str, pending_token: &str) -> String {
    new_challenge(store, "email", user_id, email, pending_token).id
}

/// Uses the code of the user's challenge (emailed, or the texted one's verification): `true` when
/// it matches, once, before it expires.
pub(crate) fn use_radar_code(store: &mut Store, id: &str, user_id: &str, code: &str) -> bool {
    let Some(c) = store.radar.challenges.iter_mut().find(|c| c.id == id && c.user_id == user_id) else {
        return false;
    };
    if c.used || crate::model::ids::is_past(&c.expires_at) || c.code != code {
        return false;
    }
    c.used = true;
    c.updated_at = crate::model::ids::now();
    true
}

#[derive(Deserialize)]
struct SmsChallengeDto {
    user_id: String,
    pending_authentication_token: String,
    phone_number: String,
}

/// `POST /user_management/radar_challenges`: texts a code for a sign-in stopped at
/// `radar_sms_sign_in_challenge`.
pub(super) async fn send_sms_challenge(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: SmsChallengeDto = parse_body(&body)?;
    crate::model::error::phone_number("phone_number", &dto.phone_number)?;
    let mut store = db.store();
    store.user(&dto.user_id)?;
    let waiting = store.pending_auths.iter().any(|p| {
        p.token == dto.pending_authentication_token
            && p.user_id == dto.user_id
            && p.step == "radar_sms_sign_in_challenge"
    });
    if !waiting {
        return Err(ApiError::bad_request(
            "invalid_pending_authentication_token",
            "No sign-in of this user is waiting for a Radar SMS challenge with that token.",
        ));
    }
    let c =
        new_challenge(&mut store, "sms", &dto.user_id, &dto.phone_number, &dto.pending_authentication_token);
    Ok(created(json!({ "verification_id": c.id, "phone_number": c.to })))
}

/// `GET /user_management/radar_challenges/{id}`: an emailed challenge, with its code.
pub(super) async fn get_challenge(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    let c = store
        .radar
        .challenges
        .iter()
        .find(|c| c.id == id && c.kind == "email")
        .ok_or_else(|| ApiError::not_found("Radar challenge", &id))?;
    Ok(ok(json!({
        "object": "radar_challenge",
        "id": c.id,
        "type": "email",
        "user_id": c.user_id,
        "email": c.to,
        "expires_at": c.expires_at,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "code": c.code,
    })))
}

#[derive(Deserialize)]
struct LinkDto {
    organization: String,
    intent: Option<String>,
    return_url: Option<String>,
    success_url: Option<String>,
    it_contact_emails: Option<Vec<String>>,
}

/// `POST /portal/generate_link`: a link to the organization's Admin Portal session.
pub(super) async fn generate_link(State(db): Db, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let dto: LinkDto = parse_body(&body)?;
    if let Some(intent) = &dto.intent
        && !INTENTS.contains(&intent.as_str())
    {
        return Err(ApiError::invalid_field(
            "intent",
            "invalid",
            format!("'{intent}' is not a portal intent."),
        ));
    }
    if dto.it_contact_emails.as_ref().is_some_and(|e| e.len() > 20) {
        return Err(ApiError::invalid_field(
            "it_contact_emails",
            "too_long",
            "At most 20 IT contact emails.",
        ));
    }
    let store = db.store();
    store.organization(&dto.organization)?;
    let claims = json!({
        "sub": dto.organization,
        "intent": dto.intent,
        "return_url": dto.return_url,
        "success_url": dto.success_url,
        "iat": unix_now(),
        "exp": unix_now() + TOKEN_TTL_SECS,
    });
    let token = crate::routes::user_management::authenticate::sign(&claims)?;
    Ok(created(json!({ "link": format!("{}/portal/launch?secret={token}", super::origin(&headers)) })))
}

#[derive(Deserialize)]
struct WidgetDto {
    organization_id: Option<String>,
    user_id: Option<String>,
    scopes: Option<Vec<String>>,
}

/// `POST /widgets/token`: a signed token for the user (in the organization, when given) with
/// the widget scopes asked for.
pub(super) async fn widget_token(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: WidgetDto = parse_body(&body)?;
    let scopes = dto.scopes.unwrap_or_default();
    if let Some(bad) = scopes.iter().find(|s| !WIDGET_SCOPES.contains(&s.as_str())) {
        return Err(ApiError::invalid_field("scopes", "invalid", format!("'{bad}' is not a widget scope.")));
    }
    let store = db.store();
    let user =
        dto.user_id.ok_or_else(|| ApiError::invalid_field("user_id", "required", "user_id is required."))?;
    store.user(&user)?;
    if let Some(org) = &dto.organization_id {
        store.organization(org)?;
        if store.membership_of(&user, org).is_none() {
            return Err(ApiError::bad_request(
                "organization_membership_not_found",
                format!("The user is not a member of {org}."),
            ));
        }
    } else if !scopes.is_empty() {
        return Err(ApiError::bad_request(
            "organization_required",
            "Organization scopes need an organization_id.",
        ));
    }
    let claims = json!({
        "sub": user,
        "org_id": dto.organization_id,
        "scopes": scopes,
        "iat": unix_now(),
        "exp": unix_now() + TOKEN_TTL_SECS,
    });
    Ok(created(json!({ "token": crate::routes::user_management::authenticate::sign(&claims)? })))
}

#[derive(Deserialize)]
struct ClientTokenDto {
    organization_id: String,
    user_id: String,
}

/// `POST /client/token`: a signed client API token for a member of the organization.
pub(super) async fn client_token(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: ClientTokenDto = parse_body(&body)?;
    let store = db.store();
    store.organization(&dto.organization_id)?;
    store.user(&dto.user_id)?;
    if store.membership_of(&dto.user_id, &dto.organization_id).is_none() {
        return Err(ApiError::bad_request(
            "organization_membership_not_found",
            format!("The user is not a member of {}.", dto.organization_id),
        ));
    }
    let claims = json!({
        "sub": dto.user_id,
        "org_id": dto.organization_id,
        "iat": unix_now(),
        "exp": unix_now() + TOKEN_TTL_SECS,
    });
    Ok(created(json!({ "token": crate::routes::user_management::authenticate::sign(&claims)? })))
}

#[derive(Deserialize)]
struct AttemptDto {
    ip_address: String,
    user_agent: String,
    email: String,
    auth_method: String,
    action: String,
}

/// `POST /radar/attempts`: the verdict for a sign-in or sign-up attempt.
pub(super) async fn create_attempt(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: AttemptDto = radar(parse_body(&body))?;
    radar(check_attempt(&dto))?;
    let mut store = db.store();
    let email = dto.email.to_lowercase();
    let domain = email.rsplit('@').next().unwrap_or_default().to_owned();
    let candidates = [
        ("ip_address", dto.ip_address.as_str()),
        ("email", &email),
        ("domain", &domain),
        ("user_agent", dto.user_agent.as_str()),
    ];
    let on = |store: &Store, action: &str| {
        candidates.iter().find(|(kind, value)| {
            store
                .radar
                .lists
                .iter()
                .any(|(t, a, e)| t == kind && a == action && e.eq_ignore_ascii_case(value))
        })
    };
    let id = store.ids.next("radar_attempt");
    push_bounded(&mut store.radar.attempts, (id.clone(), false), MAX_CODES);
    let answer = match (on(&store, "allow"), on(&store, "block")) {
        (Some((kind, _)), _) => {
            json!({ "verdict": "allow", "reason": format!("The {kind} is on the allow list."), "attempt_id": id })
        }
        (None, Some((kind, _))) => json!({
            "verdict": "block",
            "reason": format!("The {kind} is on the block list."),
            "attempt_id": id,
            "control": "restriction",
            "blocklist_type": kind,
        }),
        (None, None) => json!({ "verdict": "allow", "reason": "No control applies.", "attempt_id": id }),
    };
    Ok(ok(answer))
}

/// Radar answers every bad request with a 400 naming what was wrong.
fn radar<T>(result: ApiResult<T>) -> ApiResult<T> {
    result.map_err(|e| ApiError::bad_request("invalid_request", e.message))
}

fn check_attempt(dto: &AttemptDto) -> ApiResult<()> {
    const METHODS: &[&str] =
        &["Password", "Passkey", "Authenticator", "SMS_OTP", "Email_OTP", "Social", "SSO", "Other"];
    if !METHODS.contains(&dto.auth_method.as_str()) {
        return Err(ApiError::invalid_field(
            "auth_method",
            "invalid",
            format!("'{}' is not an auth method.", dto.auth_method),
        ));
    }
    if !matches!(dto.action.as_str(), "sign-in" | "sign-up") {
        return Err(ApiError::invalid_field("action", "invalid", "action must be sign-in or sign-up."));
    }
    if !dto.email.contains('@') {
        return Err(ApiError::invalid_field(
            "email",
            "invalid",
            format!("'{}' is not an email address.", dto.email),
        ));
    }
    Ok(())
}

#[derive(Deserialize)]
struct AttemptUpdate {
    challenge_status: Option<String>,
    attempt_status: Option<String>,
}

/// `PUT /radar/attempts/{id}`: the attempt (or its challenge) succeeded.
pub(super) async fn update_attempt(
    State(db): Db,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto: AttemptUpdate = radar(parse_body(&body))?;
    for (field, value) in
        [("challenge_status", &dto.challenge_status), ("attempt_status", &dto.attempt_status)]
    {
        if value.as_deref().is_some_and(|v| v != "success") {
            return Err(ApiError::bad_request("invalid_request", format!("{field} can only be success.")));
        }
    }
    let mut store = db.store();
    let attempt = store
        .radar
        .attempts
        .iter_mut()
        .find(|(a, _)| *a == id)
        .ok_or_else(|| ApiError::not_found("Radar attempt", &id))?;
    attempt.1 = true;
    Ok(empty(StatusCode::NO_CONTENT))
}

#[derive(Deserialize)]
struct EntryDto {
    entry: String,
}

fn list_path(kind: &str, action: &str) -> ApiResult<()> {
    if !LIST_TYPES.contains(&kind) {
        return Err(ApiError::bad_request("invalid_request", format!("'{kind}' is not a Radar list type.")));
    }
    if !matches!(action, "block" | "allow") {
        return Err(ApiError::bad_request("invalid_request", "action must be block or allow."));
    }
    Ok(())
}

/// `POST /radar/lists/{type}/{action}`: 201 when added, 200 with a message when already there.
pub(super) async fn add_entry(
    State(db): Db,
    Path((kind, action)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    list_path(&kind, &action)?;
    let dto: EntryDto = radar(parse_body(&body))?;
    radar(crate::model::error::non_empty("entry", &dto.entry))?;
    let mut store = db.store();
    let entry = (kind, action, dto.entry);
    if store.radar.lists.contains(&entry) {
        return Ok(ok(
            json!({ "message": format!("'{}' is already on the {} {} list.", entry.2, entry.0, entry.1) }),
        ));
    }
    push_bounded(&mut store.radar.lists, entry, MAX_CODES);
    Ok(empty(StatusCode::CREATED))
}

/// `DELETE /radar/lists/{type}/{action}`: 404 for an entry not on the list.
pub(super) async fn remove_entry(
    State(db): Db,
    Path((kind, action)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    list_path(&kind, &action)?;
    let dto: EntryDto = radar(parse_body(&body))?;
    let mut store = db.store();
    let entry: (String, String, String) = (kind, action, dto.entry);
    let before = store.radar.lists.len();
    store.radar.lists.retain(|e| *e != entry);
    if store.radar.lists.len() == before {
        return Err(ApiError::not_found("Radar list entry", &entry.2));
    }
    Ok(empty(StatusCode::NO_CONTENT))
}
