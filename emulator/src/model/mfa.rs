//! Multi-factor authentication: factors (TOTP with a real secret and `otpauth://` URI, SMS,
//! generic one-time codes), their challenges and verification, and users' factors for
//! AuthKit's `mfa_challenge` sign-in step.
//!
//! A TOTP code is checked as an authenticator app makes it (RFC 6238: SHA-1, 6 digits, 30 s,
//! one step of clock skew, with the `totp-rs` crate), and a code already used for the factor is
//! refused. An SMS is not sent: it is in [`crate::Emulator::emails`] with kind `sms`, its `to`
//! the phone number. Challenges expire after ten minutes and take five wrong codes.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::error::{ApiError, ApiResult};
use super::ids::{in_minutes, is_past, now};
use super::table::Table;
use super::{MAX_CODES, Name, Store, push_bounded};

records!(
    Factor => "Authentication factor",
    Challenge => "Authentication challenge",
);

/// How many wrong codes a challenge takes before it is refused for good.
const MAX_ATTEMPTS: u32 = 5;

/// Factors and challenges.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct MfaData {
    factors: Table<Factor>,
    challenges: Table<Challenge>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Factor {
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
pub(crate) struct Challenge {
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

/// The document's `AuthenticationChallenge`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChallengeAnswer {
    object: Name,
    pub(crate) id: String,
    expires_at: String,
    authentication_factor_id: String,
    created_at: String,
    updated_at: String,
    /// A generic OTP factor's code, in the answer that creates its challenge.
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
}

impl Challenge {
    /// The document's `AuthenticationChallenge`; `with_code` for a generic OTP's creation.
    fn answer(&self, with_code: bool) -> ChallengeAnswer {
        ChallengeAnswer {
            object: "authentication_challenge",
            id: self.id.clone(),
            expires_at: self.expires_at.clone(),
            authentication_factor_id: self.factor_id.clone(),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            code: self.code.clone().filter(|_| with_code),
        }
    }
}

/// The document's `AuthenticationFactor`, or `AuthenticationFactorEnrolled` (with the TOTP
/// secret, QR code and URI) right after enrollment.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FactorAnswer {
    object: Name,
    pub(crate) id: String,
    #[serde(rename = "type")]
    kind: String,
    created_at: String,
    updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sms: Option<SmsAnswer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    totp: Option<TotpAnswer>,
}

#[derive(Debug, Clone, Serialize)]
struct SmsAnswer {
    phone_number: String,
}

#[derive(Debug, Clone, Serialize)]
struct TotpAnswer {
    issuer: String,
    user: String,
    /// The secret, its `otpauth://` URI and that URI as a QR code, once: at enrollment.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    enrolled: Option<TotpEnrolled>,
}

#[derive(Debug, Clone, Serialize)]
struct TotpEnrolled {
    secret: String,
    uri: String,
    qr_code: String,
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

    /// The factor's answer; `enrolled` right after enrollment (with the TOTP secret).
    fn answer(&self, enrolled: bool) -> ApiResult<FactorAnswer> {
        let totp = match (&self.totp, self.totp()?) {
            (Some((issuer, user, secret)), Some(totp)) => {
                let enrolled = if enrolled {
                    let uri = totp.get_url();
                    Some(TotpEnrolled { secret: secret.clone(), qr_code: qr_data_uri(&uri)?, uri })
                } else {
                    None
                };
                Some(TotpAnswer { issuer: issuer.clone(), user: user.clone(), enrolled })
            }
            _ => None,
        };
        Ok(FactorAnswer {
            object: "authentication_factor",
            id: self.id.clone(),
            kind: self.kind.clone(),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            user_id: self.user_id.clone(),
            sms: self.phone_number.clone().map(|phone_number| SmsAnswer { phone_number }),
            totp,
        })
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

/// `POST /auth/factors/enroll`'s body.
#[derive(Deserialize)]
pub(crate) struct EnrollFactor {
    #[serde(rename = "type")]
    kind: String,
    phone_number: Option<String>,
    totp_issuer: Option<String>,
    totp_user: Option<String>,
    totp_secret: Option<String>,
    user_id: Option<String>,
}

/// Checks and keeps a new factor.
fn add_factor(store: &mut Store, dto: EnrollFactor) -> ApiResult<Factor> {
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
            super::error::phone_number("phone_number", &phone)?;
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

/// Enrolls a factor (of the user, when `user_id` is given: an unknown user is a 404).
pub(crate) fn enroll(store: &mut Store, dto: EnrollFactor) -> ApiResult<FactorAnswer> {
    if let Some(user) = &dto.user_id {
        store.user(user)?;
    }
    add_factor(store, dto)?.answer(true)
}

/// The factor with `id`.
pub(crate) fn factor(store: &Store, id: &str) -> ApiResult<FactorAnswer> {
    store.mfa.factors.get(id)?.answer(false)
}

/// Deletes a factor and its challenges.
pub(crate) fn delete_factor(store: &mut Store, id: &str) -> ApiResult<()> {
    store.mfa.factors.take(id)?;
    store.mfa.challenges.retain(|c| c.factor_id != id);
    Ok(())
}

/// `POST /auth/factors/{id}/challenge`'s body.
#[derive(Deserialize)]
pub(crate) struct ChallengeFactor {
    sms_template: Option<String>,
}

/// A new challenge of `factor_id`: an SMS factor's code is texted (the outbox), a generic OTP
/// factor's is in the answer, a TOTP factor's comes from the user's app.
pub(crate) fn challenge(
    store: &mut Store,
    factor_id: &str,
    dto: ChallengeFactor,
) -> ApiResult<ChallengeAnswer> {
    let f = store.mfa.factors.get(factor_id)?.clone();
    let code = (f.kind != "totp").then(super::ids::code);
    if let (Some(phone), Some(code)) = (&f.phone_number, &code) {
        if let Some(template) = dto.sms_template
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

/// `POST /auth/challenges/{id}/verify`'s body.
#[derive(Deserialize)]
pub(crate) struct VerifyChallenge {
    pub(crate) code: String,
}

/// A challenge's verification: the challenge, and whether the code was right.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Verified {
    pub(crate) challenge: ChallengeAnswer,
    pub(crate) valid: bool,
}

/// Checks a code against the challenge: `valid` verifies it (once); a wrong or reused code is
/// not valid; an expired, verified or exhausted challenge is an error.
pub(crate) fn verify_code(store: &mut Store, challenge_id: &str, code: &str) -> ApiResult<Verified> {
    let at = store.mfa.challenges.index_of(challenge_id)?;
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
    let factor = store.mfa.factors.get_mut(&challenge.factor_id)?;
    let valid = match factor.totp()? {
        Some(totp) => {
            let step = totp_step(&totp, code);
            let fresh = step.is_some_and(|s| factor.last_step.is_none_or(|last| s > last));
            if fresh {
                factor.last_step = step;
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
    Ok(Verified { challenge: c.answer(false), valid })
}

/// The time step, within one of now (clock skew), whose code `code` is, if any; `totp-rs`
/// compares in constant time.
fn totp_step(totp: &totp_rs::TOTP, code: &str) -> Option<u64> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    let step = now / totp.step;
    [step.saturating_sub(1), step, step + 1].into_iter().find(|s| totp.check(code, s * totp.step))
}

/// A factor as a sign-in's `mfa_challenge` step lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct FactorRef {
    pub(crate) id: String,
    #[serde(rename = "type")]
    pub(crate) kind: String,
}

/// The TOTP factors of a user (`mfa_challenge`).
pub(crate) fn user_factors(store: &Store, user_id: &str) -> Vec<FactorRef> {
    store
        .mfa
        .factors
        .iter()
        .filter(|f| f.user_id.as_deref() == Some(user_id) && f.kind == "totp")
        .map(|f| FactorRef { id: f.id.clone(), kind: f.kind.clone() })
        .collect()
}

/// The user a challenge's factor belongs to.
pub(crate) fn challenge_user(store: &Store, challenge_id: &str) -> Option<String> {
    let c = store.mfa.challenges.find(challenge_id)?;
    store.mfa.factors.find(&c.factor_id)?.user_id.clone()
}

/// `POST /user_management/users/{id}/auth_factors`'s body.
#[derive(Deserialize)]
pub(crate) struct EnrollUserFactor {
    #[serde(rename = "type")]
    kind: String,
    totp_issuer: Option<String>,
    totp_user: Option<String>,
    totp_secret: Option<String>,
}

/// A user's new TOTP factor and its first challenge.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UserFactorEnrolled {
    authentication_factor: FactorAnswer,
    authentication_challenge: ChallengeAnswer,
}

/// Enrolls a TOTP factor for the user (the issuer `WorkOS` and the user's email unless given)
/// and starts its first challenge.
pub(crate) fn enroll_for_user(
    store: &mut Store,
    user: &str,
    dto: EnrollUserFactor,
) -> ApiResult<UserFactorEnrolled> {
    let email = store.user(user)?.email.clone();
    if dto.kind != "totp" {
        return Err(ApiError::invalid_field("type", "invalid", "type must be totp."));
    }
    let dto = EnrollFactor {
        kind: dto.kind,
        phone_number: None,
        totp_issuer: Some(dto.totp_issuer.unwrap_or_else(|| "WorkOS".to_owned())),
        totp_user: Some(dto.totp_user.unwrap_or(email)),
        totp_secret: dto.totp_secret,
        user_id: Some(user.to_owned()),
    };
    let factor = add_factor(store, dto)?;
    let challenge = challenge(store, &factor.id, ChallengeFactor { sms_template: None })?;
    Ok(UserFactorEnrolled {
        authentication_factor: factor.answer(true)?,
        authentication_challenge: challenge,
    })
}

/// The factors of a user (an unknown user is a 404).
pub(crate) fn list_for_user(store: &Store, user: &str) -> ApiResult<Vec<FactorAnswer>> {
    store.user(user)?;
    store.mfa.factors.iter().filter(|f| f.user_id.as_deref() == Some(user)).map(|f| f.answer(false)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::user_management::signin::fixtures::{add_user, status_and_code};

    fn enroll_kind(store: &mut Store, kind: &str) -> ApiResult<FactorAnswer> {
        let body = format!(r#"{{"type": "{kind}", "phone_number": "+15555550100"}}"#);
        enroll(store, serde_json::from_str(&body).expect("body"))
    }

    fn totp_factor(store: &mut Store, user: &str) -> FactorAnswer {
        let dto = serde_json::from_str(r#"{"type": "totp"}"#).expect("body");
        enroll_for_user(store, user, dto).expect("enrolled").authentication_factor
    }

    fn current_code(store: &Store, factor_id: &str) -> String {
        let totp = store.mfa.factors.get(factor_id).expect("factor").totp().expect("valid").expect("totp");
        totp.generate_current().expect("clock")
    }

    #[test]
    fn unknown_factors_and_challenges_are_404s_naming_them() {
        let mut store = Store::default();
        let e = factor(&store, "auth_factor_x").expect_err("no factor");
        assert_eq!(e.message, "Authentication factor not found: 'auth_factor_x'.");
        assert_eq!(status_and_code(&delete_factor(&mut store, "auth_factor_x").expect_err("none")).0, 404);
        let e = verify_code(&mut store, "auth_challenge_x", "123456").expect_err("no challenge");
        assert_eq!(e.message, "Authentication challenge not found: 'auth_challenge_x'.");
        let e = enroll(&mut store, serde_json::from_str(r#"{"type": "totp", "user_id": "user_x"}"#).unwrap())
            .expect_err("no user");
        assert_eq!(e.message, "User not found: 'user_x'.");
    }

    #[test]
    fn enrollment_checks_the_type_phone_and_totp_names() {
        let mut store = Store::default();
        let e = enroll_kind(&mut store, "fax").expect_err("not a type");
        assert_eq!((e.errors[0].field.as_str(), e.status.as_u16()), ("type", 422));
        let e =
            enroll(&mut store, serde_json::from_str(r#"{"type": "sms", "phone_number": "555"}"#).unwrap())
                .expect_err("not E.164");
        assert_eq!(e.errors[0].code, "invalid_phone_number");
        let e = enroll_kind(&mut store, "totp").expect_err("no issuer");
        assert_eq!(e.errors[0].field, "totp_issuer");
        let dto = r#"{"type": "totp", "totp_issuer": "I", "totp_user": "u", "totp_secret": "JBSWY3DP"}"#;
        let e = enroll(&mut store, serde_json::from_str(dto).unwrap()).expect_err("short secret");
        assert_eq!(e.message, "totp_secret must be at least 128 bits.");
        assert!(store.mfa.factors.is_empty());
    }

    #[test]
    fn a_generic_code_verifies_once_and_wrong_codes_run_out() {
        let mut store = Store::default();
        let f = enroll_kind(&mut store, "generic_otp").expect("enrolled");
        let c = challenge(&mut store, &f.id, ChallengeFactor { sms_template: None }).expect("challenge");
        let code = c.code.clone().expect("a generic OTP's code is in the answer");
        assert!(!verify_code(&mut store, &c.id, "not it").expect("checked").valid);
        assert!(verify_code(&mut store, &c.id, &code).expect("checked").valid);
        let e = verify_code(&mut store, &c.id, &code).expect_err("used");
        assert_eq!(status_and_code(&e), (422, Some("authentication_challenge_previously_verified")));
        let c = challenge(&mut store, &f.id, ChallengeFactor { sms_template: None }).expect("challenge");
        for _ in 0..MAX_ATTEMPTS {
            assert!(!verify_code(&mut store, &c.id, "wrong").expect("checked").valid);
        }
        let e = verify_code(&mut store, &c.id, c.code.as_deref().unwrap()).expect_err("exhausted");
        assert_eq!(status_and_code(&e), (400, Some("one_time_code_too_many_attempts")));
    }

    #[test]
    fn an_sms_code_is_texted_and_its_template_must_hold_the_code() {
        let mut store = Store::default();
        let f = enroll_kind(&mut store, "sms").expect("enrolled");
        let e = challenge(&mut store, &f.id, ChallengeFactor { sms_template: Some("Hi".into()) })
            .expect_err("no {{code}}");
        assert_eq!(e.errors[0].field, "sms_template");
        let c = challenge(&mut store, &f.id, ChallengeFactor { sms_template: None }).expect("challenge");
        assert!(c.code.is_none(), "an SMS code is not in the answer");
        let sms = store.outbox.back().expect("texted");
        assert_eq!((sms.to.as_str(), sms.kind), ("+15555550100", "sms"));
        let code = sms.code.clone().expect("code");
        assert!(verify_code(&mut store, &c.id, &code).expect("checked").valid);
    }

    #[test]
    fn a_totp_code_is_refused_the_second_time() {
        let mut store = Store::default();
        let user = add_user(&mut store, "ada@x.test");
        let f = totp_factor(&mut store, &user);
        assert_eq!(user_factors(&store, &user), vec![FactorRef { id: f.id.clone(), kind: "totp".into() }]);
        let first = challenge(&mut store, &f.id, ChallengeFactor { sms_template: None }).expect("challenge");
        assert_eq!(challenge_user(&store, &first.id), Some(user.clone()));
        let code = current_code(&store, &f.id);
        assert!(verify_code(&mut store, &first.id, &code).expect("checked").valid);
        let second = challenge(&mut store, &f.id, ChallengeFactor { sms_template: None }).expect("challenge");
        assert!(!verify_code(&mut store, &second.id, &code).expect("checked").valid, "reused code");
    }

    #[test]
    fn a_users_factor_is_enrolled_with_its_secret_listed_without_and_deleted_with_its_challenges() {
        let mut store = Store::default();
        let user = add_user(&mut store, "ada@x.test");
        let dto = serde_json::from_str(r#"{"type": "sms"}"#).unwrap();
        assert_eq!(enroll_for_user(&mut store, &user, dto).expect_err("totp only").errors[0].field, "type");
        let enrolled = serde_json::to_value(totp_factor(&mut store, &user)).unwrap();
        assert_eq!(enrolled["totp"]["issuer"], "WorkOS");
        assert_eq!(enrolled["totp"]["user"], "ada@x.test");
        assert!(enrolled["totp"]["secret"].is_string() && enrolled["totp"]["uri"].is_string());
        let listed = list_for_user(&store, &user).expect("listed");
        let listed = serde_json::to_value(&listed[0]).unwrap();
        assert_eq!((listed["id"].clone(), listed["totp"].get("secret")), (enrolled["id"].clone(), None));
        let id = enrolled["id"].as_str().unwrap();
        assert_eq!(store.mfa.challenges.len(), 1);
        delete_factor(&mut store, id).expect("deleted");
        assert!(store.mfa.challenges.is_empty() && list_for_user(&store, &user).unwrap().is_empty());
    }
}
