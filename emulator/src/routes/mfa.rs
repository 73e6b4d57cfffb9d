//! Multi-factor authentication: factors (TOTP with a real secret and `otpauth://` URI, SMS,
//! generic one-time codes), their challenges and verification, and users' factors for
//! AuthKit's `mfa_challenge` sign-in step.
//!
//! A TOTP code is checked as an authenticator app makes it (RFC 6238: SHA-1, 6 digits, 30 s,
//! one step of clock skew, with the `totp-rs` crate), and a code already used for the factor is
//! refused. An SMS is not sent: it is in [`crate::Emulator::emails`] with kind `sms`, its `to`
//! the phone number. Challenges expire after ten minutes and take five wrong codes.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use base64::Engine as _;
use bytes::Bytes;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Db, created, empty, ok};
use crate::model::error::{ApiError, ApiResult, parse_body};
use crate::model::ids::{in_minutes, is_past, now};
use crate::model::list::Query;
use crate::model::{MAX_CODES, Store, push_bounded};

/// How many wrong codes a challenge takes before it is refused for good.
const MAX_ATTEMPTS: u32 = 5;

/// Factors and challenges.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct MfaData {
    factors: Vec<Factor>,
    challenges: Vec<Challenge>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Factor {
    id: String,
    kind: String,
    user_id: Option<String>,
    /// TOTP: issuer, account name, base32 secret, and the last time step a code was used for.
    totp: Option<(String, String, String)>,
    last_step: Option<u64>,
    phone_number: Option<String>,
    created_at: String,
    updated_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Challenge {
    id: String,
    factor_id: String,
    /// The code sent (SMS) or given (generic OTP); `None` for TOTP.
    code: Option<String>,
    expires_at: String,
    attempts: u32,
    verified: bool,
    created_at: String,
    updated_at: String,
}

impl Challenge {
    /// The document's `AuthenticationChallenge`; `with_code` for a generic OTP's creation.
    fn answer(&self, with_code: bool) -> Value {
        let mut out = json!({
            "object": "authentication_challenge",
            "id": self.id,
            "expires_at": self.expires_at,
            "authentication_factor_id": self.factor_id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        });
        if with_code && let Some(code) = &self.code {
            out["code"] = json!(code);
        }
        out
    }
}

impl Factor {
    fn totp(&self) -> ApiResult<Option<totp_rs::TOTP>> {
        let Some((issuer, user, secret)) = &self.totp else { return Ok(None) };
        let bytes = totp_rs::Secret::Encoded(secret.clone())
            .to_bytes()
            .map_err(|e| ApiError::internal(format!("TOTP secret: {e:?}")))?;
        totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 0, 30, bytes, Some(issuer.clone()), user.clone())
            .map(Some)
            .map_err(|e| ApiError::internal(format!("TOTP: {e}")))
    }

    /// The document's `AuthenticationFactor`, or `AuthenticationFactorEnrolled` (with the TOTP
    /// secret, QR code and URI) right after enrollment.
    fn answer(&self, enrolled: bool) -> ApiResult<Value> {
        let mut out = json!({
            "object": "authentication_factor",
            "id": self.id,
            "type": self.kind,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        });
        if let Some(user) = &self.user_id {
            out["user_id"] = json!(user);
        }
        if let Some(phone) = &self.phone_number {
            out["sms"] = json!({ "phone_number": phone });
        }
        if let (Some((issuer, user, secret)), Some(totp)) = (&self.totp, self.totp()?) {
            out["totp"] = json!({ "issuer": issuer, "user": user });
            if enrolled {
                let uri = totp.get_url();
                out["totp"]["secret"] = json!(secret);
                out["totp"]["uri"] = json!(uri);
                out["totp"]["qr_code"] = json!(qr_data_uri(&uri)?);
            }
        }
        Ok(out)
    }
}

/// The URI as a QR code an authenticator app scans: an SVG data URI.
fn qr_data_uri(uri: &str) -> ApiResult<String> {
    let code =
        qrcode::QrCode::new(uri.as_bytes()).map_err(|e| ApiError::internal(format!("QR code: {e}")))?;
    let svg = code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).build();
    Ok(format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg)))
}

/// A new random TOTP secret (160 bits, base32), or the caller's.
fn totp_secret(given: Option<&str>) -> ApiResult<String> {
    if let Some(secret) = given {
        let bytes = totp_rs::Secret::Encoded(secret.to_owned()).to_bytes().map_err(|_| {
            ApiError::invalid_field("totp_secret", "invalid", "totp_secret must be a base32 secret.")
        })?;
        if bytes.len() < 16 {
            return Err(ApiError::invalid_field(
                "totp_secret",
                "invalid",
                "totp_secret must be at least 128 bits.",
            ));
        }
        return Ok(secret.to_owned());
    }
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(format!("random secret: {e}")))?;
    Ok(totp_rs::Secret::Raw(bytes.to_vec()).to_encoded().to_string())
}

#[derive(Deserialize)]
struct EnrollDto {
    #[serde(rename = "type")]
    kind: String,
    phone_number: Option<String>,
    totp_issuer: Option<String>,
    totp_user: Option<String>,
    totp_secret: Option<String>,
    user_id: Option<String>,
}

fn enroll_factor(store: &mut Store, dto: EnrollDto) -> ApiResult<Factor> {
    let at = now();
    let mut factor = Factor {
        id: store.ids.next("auth_factor"),
        kind: dto.kind.clone(),
        user_id: dto.user_id,
        totp: None,
        last_step: None,
        phone_number: None,
        created_at: at.clone(),
        updated_at: at,
    };
    match dto.kind.as_str() {
        "totp" => {
            let required = |v: Option<String>, name: &str| {
                v.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
                    ApiError::invalid_field(
                        name,
                        "required",
                        format!("{name} is required for a TOTP factor."),
                    )
                })
            };
            let issuer = required(dto.totp_issuer, "totp_issuer")?;
            let user = required(dto.totp_user, "totp_user")?;
            factor.totp = Some((issuer, user, totp_secret(dto.totp_secret.as_deref())?));
            factor.totp()?; // the secret and names make a valid TOTP
        }
        "sms" => {
            let phone = dto.phone_number.unwrap_or_default();
            crate::model::error::phone_number("phone_number", &phone)?;
            factor.phone_number = Some(phone);
        }
        "generic_otp" => {}
        other => {
            return Err(ApiError::invalid_field(
                "type",
                "invalid",
                format!("type must be totp, sms or generic_otp, not '{other}'."),
            ));
        }
    }
    push_bounded(&mut store.mfa.factors, factor.clone(), MAX_CODES);
    Ok(factor)
}

/// `POST /auth/factors/enroll`.
pub(super) async fn enroll(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: EnrollDto = parse_body(&body)?;
    let mut store = db.store();
    if let Some(user) = &dto.user_id {
        store.user(user)?;
    }
    let factor = enroll_factor(&mut store, dto)?;
    Ok(created(factor.answer(true)?))
}

fn factor<'a>(store: &'a Store, id: &str) -> ApiResult<&'a Factor> {
    store
        .mfa
        .factors
        .iter()
        .find(|f| f.id == id)
        .ok_or_else(|| ApiError::not_found("Authentication factor", id))
}

pub(super) async fn get(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(ok(factor(&db.store(), &id)?.answer(false)?))
}

/// Deletes a factor and its challenges.
pub(super) async fn delete(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    factor(&store, &id)?;
    store.mfa.factors.retain(|f| f.id != id);
    store.mfa.challenges.retain(|c| c.factor_id != id);
    Ok(empty(StatusCode::NO_CONTENT))
}

#[derive(Deserialize)]
struct ChallengeDto {
    sms_template: Option<String>,
}

/// A new challenge of `factor_id`: an SMS factor's code is texted (the outbox), a generic OTP
/// factor's is in the answer, a TOTP factor's comes from the user's app.
pub(crate) fn new_challenge(
    store: &mut Store,
    factor_id: &str,
    sms_template: Option<&str>,
) -> ApiResult<Value> {
    let f = factor(store, factor_id)?.clone();
    let code = (f.kind != "totp").then(crate::model::ids::code);
    if let (Some(phone), Some(code)) = (&f.phone_number, &code) {
        if let Some(template) = sms_template
            && !template.contains("{{code}}")
        {
            return Err(ApiError::invalid_field(
                "sms_template",
                "invalid",
                "sms_template must contain {{code}}.",
            ));
        }
        store.send_email(phone, "sms", Some(code), None);
    }
    let at = now();
    let challenge = Challenge {
        id: store.ids.next("auth_challenge"),
        factor_id: f.id.clone(),
        code,
        expires_at: in_minutes(10),
        attempts: 0,
        verified: false,
        created_at: at.clone(),
        updated_at: at,
    };
    let answer = challenge.answer(f.kind == "generic_otp");
    push_bounded(&mut store.mfa.challenges, challenge, MAX_CODES);
    Ok(answer)
}

/// `POST /auth/factors/{id}/challenge`.
pub(super) async fn challenge(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let dto: ChallengeDto = parse_body(&body)?;
    let mut store = db.store();
    Ok(created(new_challenge(&mut store, &id, dto.sms_template.as_deref())?))
}

/// Checks `code` against the challenge: `Ok(true)` verifies it (once), `Ok(false)` is a wrong
/// or reused code; an expired, verified or exhausted challenge is an error.
pub(crate) fn verify_code(store: &mut Store, challenge_id: &str, code: &str) -> ApiResult<(bool, Value)> {
    let at = store
        .mfa
        .challenges
        .iter()
        .position(|c| c.id == challenge_id)
        .ok_or_else(|| ApiError::not_found("Authentication challenge", challenge_id))?;
    let challenge = store.mfa.challenges[at].clone();
    if challenge.verified {
        return Err(ApiError::unprocessable(
            "authentication_challenge_previously_verified",
            "The challenge was already verified.",
        ));
    }
    if is_past(&challenge.expires_at) {
        return Err(ApiError::unprocessable(
            "authentication_challenge_expired",
            "The challenge has expired.",
        ));
    }
    if challenge.attempts >= MAX_ATTEMPTS {
        return Err(ApiError::bad_request(
            "one_time_code_too_many_attempts",
            "Too many wrong codes: start a new challenge.",
        ));
    }
    let fi = store.mfa.factors.iter().position(|f| f.id == challenge.factor_id);
    let Some(fi) = fi else { return Err(ApiError::not_found("Authentication factor", &challenge.factor_id)) };
    let valid = match store.mfa.factors[fi].totp()? {
        Some(totp) => {
            let step = totp_step(&totp, code);
            let fresh = step.is_some_and(|s| store.mfa.factors[fi].last_step.is_none_or(|last| s > last));
            if fresh {
                store.mfa.factors[fi].last_step = step;
            }
            fresh
        }
        None => challenge.code.as_deref() == Some(code),
    };
    let c = &mut store.mfa.challenges[at];
    if valid {
        c.verified = true;
    } else {
        c.attempts += 1;
    }
    c.updated_at = now();
    Ok((valid, c.answer(false)))
}

/// The time step, within one of now (clock skew), whose code `code` is, if any; `totp-rs`
/// compares in constant time.
fn totp_step(totp: &totp_rs::TOTP, code: &str) -> Option<u64> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    let step = now / totp.step;
    [step.saturating_sub(1), step, step + 1].into_iter().find(|s| totp.check(code, s * totp.step))
}

#[derive(Deserialize)]
struct VerifyDto {
    code: String,
}

/// `POST /auth/challenges/{id}/verify`: 201 with `valid`.
pub(super) async fn verify(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let dto: VerifyDto = parse_body(&body)?;
    let mut store = db.store();
    let (valid, challenge) = verify_code(&mut store, &id, &dto.code)?;
    Ok(created(json!({ "challenge": challenge, "valid": valid })))
}

/// The TOTP factors of a user (`mfa_challenge`): `(id, type)`.
pub(crate) fn user_factors(store: &Store, user_id: &str) -> Vec<Value> {
    store
        .mfa
        .factors
        .iter()
        .filter(|f| f.user_id.as_deref() == Some(user_id) && f.kind == "totp")
        .map(|f| json!({ "id": f.id, "type": f.kind }))
        .collect()
}

/// The user a challenge's factor belongs to.
pub(crate) fn challenge_user(store: &Store, challenge_id: &str) -> Option<String> {
    let c = store.mfa.challenges.iter().find(|c| c.id == challenge_id)?;
    store.mfa.factors.iter().find(|f| f.id == c.factor_id)?.user_id.clone()
}

#[derive(Deserialize)]
struct UserEnrollDto {
    #[serde(rename = "type")]
    kind: String,
    totp_issuer: Option<String>,
    totp_user: Option<String>,
    totp_secret: Option<String>,
}

/// `POST /user_management/users/{id}/auth_factors`: a TOTP factor and its first challenge.
pub(super) async fn enroll_for_user(
    State(db): Db,
    Path(user): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto: UserEnrollDto = parse_body(&body)?;
    let mut store = db.store();
    let email = store.user(&user)?.email.clone();
    if dto.kind != "totp" {
        return Err(ApiError::invalid_field("type", "invalid", "type must be totp."));
    }
    let dto = EnrollDto {
        kind: dto.kind,
        phone_number: None,
        totp_issuer: Some(dto.totp_issuer.unwrap_or_else(|| "WorkOS".to_owned())),
        totp_user: Some(dto.totp_user.unwrap_or(email)),
        totp_secret: dto.totp_secret,
        user_id: Some(user),
    };
    let factor = enroll_factor(&mut store, dto)?;
    let challenge = new_challenge(&mut store, &factor.id, None)?;
    Ok(created(
        json!({ "authentication_factor": factor.answer(true)?, "authentication_challenge": challenge }),
    ))
}

/// `GET /user_management/users/{id}/auth_factors`.
pub(super) async fn list_for_user(
    State(db): Db,
    Path(user): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    store.user(&user)?;
    let items: Vec<&Factor> =
        store.mfa.factors.iter().filter(|f| f.user_id.as_deref() == Some(user.as_str())).collect();
    let mut answers = Vec::new();
    for f in &items {
        answers.push((f.id.clone(), f.answer(false)?));
    }
    Ok(ok(query.page_with(answers, |(id, _)| id, |(_, a)| a.clone())))
}
