//! Radar: standalone attempts and their verdicts, the allow and block lists, and the sign-in
//! challenges (a code emailed, or texted) that AuthKit's Radar steps wait for.
//!
//! The verdict follows the lists: an attempt whose IP address, email, email domain or user
//! agent is on the block list is blocked (`control: restriction`, with its `blocklist_type`),
//! one on the allow list is allowed, and anything else is allowed.

use serde::{Deserialize, Serialize};

use super::error::{ApiError, ApiResult};
use super::ids::now;
use super::table::{Record as _, Table};
use super::{MAX_CODES, Name, Store, push_bounded};

records!(
    RadarChallenge => "Radar challenge",
);

impl super::table::Record for Attempt {
    const KIND: &'static str = "Radar attempt";

    fn id(&self) -> &str {
        &self.0
    }
}

const LIST_TYPES: &[&str] =
    &["ip_address", "domain", "email", "device", "user_agent", "device_fingerprint", "country"];

/// Radar's attempts and lists.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct RadarData {
    /// `(type, action, entry)`.
    lists: Vec<(String, String, String)>,
    attempts: Table<Attempt>,
    /// Sign-in challenges: emailed codes and texted ones.
    challenges: Table<RadarChallenge>,
}

/// An attempt's id, and whether it was marked successful (a pair in the data file).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Attempt(String, bool);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RadarChallenge {
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
    let at = now();
    let challenge = RadarChallenge {
        id: store.ids.next(if kind == "email" { "radar_challenge" } else { "radar_verification" }),
        kind: kind.to_owned(),
        user_id: user_id.to_owned(),
        to: to.to_owned(),
        code: super::ids::code(),
        pending_token: pending_token.to_owned(),
        used: false,
        expires_at: super::ids::in_minutes(10),
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
    if c.used || super::ids::is_past(&c.expires_at) || c.code != code {
        return false;
    }
    c.used = true;
    c.updated_at = now();
    true
}

/// `POST /user_management/radar_challenges`'s body.
#[derive(Deserialize)]
pub(crate) struct SmsChallenge {
    user_id: String,
    pending_authentication_token: String,
    phone_number: String,
}

/// A texted challenge: its id, and where the code went.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SmsSent {
    verification_id: String,
    phone_number: String,
}

/// Texts a code for a sign-in of the user stopped at `radar_sms_sign_in_challenge`.
pub(crate) fn send_sms_challenge(store: &mut Store, dto: SmsChallenge) -> ApiResult<SmsSent> {
    super::error::phone_number("phone_number", &dto.phone_number)?;
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
    let c = new_challenge(store, "sms", &dto.user_id, &dto.phone_number, &dto.pending_authentication_token);
    Ok(SmsSent { verification_id: c.id, phone_number: c.to })
}

/// An emailed challenge as `GET /user_management/radar_challenges/{id}` shows it, code and all.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChallengeAnswer {
    object: Name,
    id: String,
    #[serde(rename = "type")]
    kind: Name,
    user_id: String,
    email: String,
    expires_at: String,
    created_at: String,
    updated_at: String,
    code: String,
}

/// The emailed challenge with `id` (a texted one's id is a 404 too).
pub(crate) fn challenge(store: &Store, id: &str) -> ApiResult<ChallengeAnswer> {
    let c = store
        .radar
        .challenges
        .find(id)
        .filter(|c| c.kind == "email")
        .ok_or_else(|| ApiError::not_found(RadarChallenge::KIND, id))?;
    Ok(ChallengeAnswer {
        object: "radar_challenge",
        id: c.id.clone(),
        kind: "email",
        user_id: c.user_id.clone(),
        email: c.to.clone(),
        expires_at: c.expires_at.clone(),
        created_at: c.created_at.clone(),
        updated_at: c.updated_at.clone(),
        code: c.code.clone(),
    })
}

/// Radar answers every bad request with a 400 naming what was wrong: for a body's parse.
pub(crate) fn bad_request<T>(result: ApiResult<T>) -> ApiResult<T> {
    result.map_err(|e| ApiError::bad_request("invalid_request", e.message))
}

/// `POST /radar/attempts`'s body.
#[derive(Deserialize)]
pub(crate) struct NewAttempt {
    ip_address: String,
    user_agent: String,
    email: String,
    auth_method: String,
    action: String,
}

impl NewAttempt {
    fn check(&self) -> ApiResult<()> {
        const METHODS: &[&str] =
            &["Password", "Passkey", "Authenticator", "SMS_OTP", "Email_OTP", "Social", "SSO", "Other"];
        if !METHODS.contains(&self.auth_method.as_str()) {
            return Err(ApiError::invalid_field(
                "auth_method",
                "invalid",
                format!("'{}' is not an auth method.", self.auth_method),
            ));
        }
        if !matches!(self.action.as_str(), "sign-in" | "sign-up") {
            return Err(ApiError::invalid_field("action", "invalid", "action must be sign-in or sign-up."));
        }
        if !self.email.contains('@') {
            return Err(ApiError::invalid_field(
                "email",
                "invalid",
                format!("'{}' is not an email address.", self.email),
            ));
        }
        Ok(())
    }
}

/// Radar's verdict on an attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Verdict {
    /// `allow` or `block`.
    verdict: Name,
    reason: String,
    attempt_id: String,
    /// A block's control (`restriction`) and the list that blocked it.
    #[serde(skip_serializing_if = "Option::is_none")]
    control: Option<Name>,
    #[serde(skip_serializing_if = "Option::is_none")]
    blocklist_type: Option<String>,
}

/// The verdict for a sign-in or sign-up attempt: the allow list first, then the block list.
pub(crate) fn create_attempt(store: &mut Store, dto: NewAttempt) -> ApiResult<Verdict> {
    bad_request(dto.check())?;
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
    push_bounded(&mut store.radar.attempts, Attempt(id.clone(), false), MAX_CODES);
    let verdict = |verdict, reason: String| Verdict {
        verdict,
        reason,
        attempt_id: id.clone(),
        control: None,
        blocklist_type: None,
    };
    Ok(match (on(store, "allow"), on(store, "block")) {
        (Some((kind, _)), _) => verdict("allow", format!("The {kind} is on the allow list.")),
        (None, Some((kind, _))) => Verdict {
            control: Some("restriction"),
            blocklist_type: Some((*kind).to_owned()),
            ..verdict("block", format!("The {kind} is on the block list."))
        },
        (None, None) => verdict("allow", "No control applies.".to_owned()),
    })
}

/// `PUT /radar/attempts/{id}`'s body.
#[derive(Deserialize)]
pub(crate) struct AttemptUpdate {
    challenge_status: Option<String>,
    attempt_status: Option<String>,
}

/// Marks the attempt (or its challenge) successful: `success` is the only status there is.
pub(crate) fn update_attempt(store: &mut Store, id: &str, dto: AttemptUpdate) -> ApiResult<()> {
    for (field, value) in
        [("challenge_status", &dto.challenge_status), ("attempt_status", &dto.attempt_status)]
    {
        if value.as_deref().is_some_and(|v| v != "success") {
            return Err(ApiError::bad_request("invalid_request", format!("{field} can only be success.")));
        }
    }
    store.radar.attempts.get_mut(id)?.1 = true;
    Ok(())
}

/// `POST` and `DELETE /radar/lists/{type}/{action}`'s body.
#[derive(Deserialize)]
pub(crate) struct ListEntry {
    entry: String,
}

/// A list's type and action from the path: 400 unless Radar has such a list.
pub(crate) fn check_list(kind: &str, action: &str) -> ApiResult<()> {
    if !LIST_TYPES.contains(&kind) {
        return Err(ApiError::bad_request("invalid_request", format!("'{kind}' is not a Radar list type.")));
    }
    if !matches!(action, "block" | "allow") {
        return Err(ApiError::bad_request("invalid_request", "action must be block or allow."));
    }
    Ok(())
}

/// Adding an entry: added, or already on the list (with a message saying so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Added {
    New,
    AlreadyThere(AlreadyListed),
}

/// The message for an entry already on its list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct AlreadyListed {
    message: String,
}

/// Adds an entry to the `kind` list of `action` (checked with [`check_list`]).
pub(crate) fn add_entry(store: &mut Store, kind: String, action: String, dto: ListEntry) -> ApiResult<Added> {
    bad_request(super::error::non_empty("entry", &dto.entry))?;
    let entry = (kind, action, dto.entry);
    if store.radar.lists.contains(&entry) {
        let message = format!("'{}' is already on the {} {} list.", entry.2, entry.0, entry.1);
        return Ok(Added::AlreadyThere(AlreadyListed { message }));
    }
    push_bounded(&mut store.radar.lists, entry, MAX_CODES);
    Ok(Added::New)
}

/// Removes an entry from its list: a 404 when it is not there.
pub(crate) fn remove_entry(store: &mut Store, kind: String, action: String, dto: ListEntry) -> ApiResult<()> {
    let entry: (String, String, String) = (kind, action, dto.entry);
    let before = store.radar.lists.len();
    store.radar.lists.retain(|e| *e != entry);
    if store.radar.lists.len() == before {
        return Err(ApiError::not_found("Radar list entry", &entry.2));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::user_management::signin::fixtures::{add_user, status_and_code};

    fn attempt(email: &str) -> NewAttempt {
        let body = format!(
            r#"{{"ip_address": "10.0.0.1", "user_agent": "curl", "email": "{email}",
                "auth_method": "Password", "action": "sign-in"}}"#
        );
        serde_json::from_str(&body).expect("body")
    }

    fn entry(value: &str) -> ListEntry {
        ListEntry { entry: value.to_owned() }
    }

    fn list(store: &mut Store, kind: &str, action: &str, value: &str) -> Added {
        add_entry(store, kind.into(), action.into(), entry(value)).expect("added")
    }

    #[test]
    fn the_verdict_follows_the_allow_list_then_the_block_list() {
        let mut store = Store::default();
        let v = create_attempt(&mut store, attempt("ada@x.test")).expect("verdict");
        assert_eq!((v.verdict, v.reason.as_str(), v.control), ("allow", "No control applies.", None));
        assert_eq!(list(&mut store, "domain", "block", "X.TEST"), Added::New);
        let v = create_attempt(&mut store, attempt("ada@x.test")).expect("verdict");
        assert_eq!(
            (v.verdict, v.control, v.blocklist_type.as_deref()),
            ("block", Some("restriction"), Some("domain"))
        );
        list(&mut store, "email", "allow", "ada@x.test");
        let v = create_attempt(&mut store, attempt("Ada@x.test")).expect("verdict");
        assert_eq!((v.verdict, v.reason.as_str()), ("allow", "The email is on the allow list."));
        assert_eq!(store.radar.attempts.len(), 3);
    }

    #[test]
    fn bad_attempts_and_statuses_are_400s() {
        let mut store = Store::default();
        let e = create_attempt(&mut store, attempt("not-an-email")).expect_err("no @");
        assert_eq!(status_and_code(&e), (400, Some("invalid_request")));
        let id = create_attempt(&mut store, attempt("a@x.test")).expect("verdict").attempt_id;
        let failed = AttemptUpdate { challenge_status: None, attempt_status: Some("failed".into()) };
        let e = update_attempt(&mut store, &id, failed).expect_err("success only");
        assert_eq!(e.message, "attempt_status can only be success.");
        let done = || AttemptUpdate { challenge_status: Some("success".into()), attempt_status: None };
        update_attempt(&mut store, &id, done()).expect("marked");
        assert!(store.radar.attempts[0].1);
        let e = update_attempt(&mut store, "radar_attempt_x", done()).expect_err("unknown");
        assert_eq!(e.message, "Radar attempt not found: 'radar_attempt_x'.");
    }

    #[test]
    fn list_entries_are_added_once_and_removed_once() {
        let mut store = Store::default();
        assert_eq!(check_list("planet", "block").expect_err("no such list").status.as_u16(), 400);
        assert!(check_list("ip_address", "ignore").is_err() && check_list("country", "allow").is_ok());
        assert_eq!(list(&mut store, "ip_address", "block", "10.0.0.1"), Added::New);
        let again = list(&mut store, "ip_address", "block", "10.0.0.1");
        let message = "'10.0.0.1' is already on the ip_address block list.".to_owned();
        assert_eq!(again, Added::AlreadyThere(AlreadyListed { message }));
        let e = add_entry(&mut store, "email".into(), "block".into(), entry(" ")).expect_err("empty");
        assert_eq!(status_and_code(&e), (400, Some("invalid_request")));
        remove_entry(&mut store, "ip_address".into(), "block".into(), entry("10.0.0.1")).expect("removed");
        let e = remove_entry(&mut store, "ip_address".into(), "block".into(), entry("10.0.0.1"))
            .expect_err("gone");
        assert_eq!(e.message, "Radar list entry not found: '10.0.0.1'.");
    }

    #[test]
    fn an_emailed_code_is_shown_and_used_once_by_its_user() {
        let mut store = Store::default();
        let user = add_user(&mut store, "ada@x.test");
        let id = email_challenge(&mut store, &user, "ada@x.test", "tok");
        let shown = challenge(&store, &id).expect("shown");
        let sent = store.outbox.back().expect("emailed");
        assert_eq!((sent.kind, sent.code.as_deref()), ("radar_challenge", Some(shown.code.as_str())));
        assert!(!use_radar_code(&mut store, &id, "user_other", &shown.code), "another user's");
        assert!(!use_radar_code(&mut store, &id, &user, "000000x"));
        assert!(use_radar_code(&mut store, &id, &user, &shown.code));
        assert!(!use_radar_code(&mut store, &id, &user, &shown.code), "used");
        assert_eq!(challenge(&store, "radar_challenge_x").expect_err("unknown").status.as_u16(), 404);
    }

    #[test]
    fn a_texted_code_needs_a_sign_in_waiting_for_it() {
        let mut store = Store::default();
        let user = add_user(&mut store, "ada@x.test");
        let sms = |token: &str| SmsChallenge {
            user_id: user.clone(),
            pending_authentication_token: token.to_owned(),
            phone_number: "+15555550100".into(),
        };
        let e = send_sms_challenge(&mut store, sms("tok")).expect_err("nothing waits");
        assert_eq!(status_and_code(&e), (400, Some("invalid_pending_authentication_token")));
        crate::model::user_management::signin::fixtures::hold(
            &mut store,
            &user,
            "radar_sms_sign_in_challenge",
            "tok",
        );
        let sent = send_sms_challenge(&mut store, sms("tok")).expect("texted");
        assert_eq!(store.outbox.back().map(|e| (e.to.as_str(), e.kind)), Some(("+15555550100", "sms")));
        assert!(challenge(&store, &sent.verification_id).is_err(), "a texted code is not shown");
        let code = store.outbox.back().and_then(|e| e.code.clone()).expect("code");
        assert!(use_radar_code(&mut store, &sent.verification_id, &user, &code));
    }
}
