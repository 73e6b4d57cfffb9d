//! The unit tests of `actions`: requests signed as WorkOS signs them, verified and read, and
//! the answers signed.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::Mac as _;

use super::*;
use crate::webhooks::{MAX_HEADER_LEN, MAX_SIGNATURES, sign, signed};

const SECRET: &str = "action_secret_test";
const NOW_MS: u64 = 1_768_478_400_000;

fn at(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

fn registration(extra: &str) -> String {
    format!(
        r#"{{"id":"action_01","object":"user_registration_action_context",
        "user_data":{{"object":"user_data","email":"ada@example.com","name":null,"first_name":"Ada","last_name":"Lovelace"}},
        "ip_address":"192.0.2.1"{extra}}}"#
    )
}

fn verify_at(body: &[u8], header: &str, now_ms: u64) -> Result<Action, ActionError> {
    verify_with(body, header, SECRET, DEFAULT_TOLERANCE, at(now_ms))
}

#[test]
fn a_signed_registration_reads_as_its_kind() {
    let body = registration("");
    let header = sign(body.as_bytes(), SECRET, at(NOW_MS));
    let action = verify_at(body.as_bytes(), &header, NOW_MS).unwrap();
    assert_eq!(action.kind(), Some(ActionKind::UserRegistration));
    assert_eq!((action.object(), action.id()), ("user_registration_action_context", Some("action_01")));
    let Action::UserRegistration(registration) = action else { panic!("{action:?}") };
    assert_eq!(registration.user_data.email, "ada@example.com");
    assert_eq!(registration.user_data.first_name.as_deref(), Some("Ada"));
    assert_eq!(registration.ip_address.as_deref(), Some("192.0.2.1"));
    assert!(registration.invitation.is_none() && registration.authentication_method.is_none());
}

#[test]
fn the_tolerance_is_30_seconds_in_both_directions() {
    let body = registration("");
    let header = sign(body.as_bytes(), SECRET, at(NOW_MS));
    verify_at(body.as_bytes(), &header, NOW_MS + 30_000).unwrap();
    verify_at(body.as_bytes(), &header, NOW_MS - 30_000).unwrap();
    let stale = verify_at(body.as_bytes(), &header, NOW_MS + 30_001).unwrap_err();
    assert!(stale.is_stale() && stale.is_outside_tolerance() && !stale.is_from_the_future(), "{stale}");
    assert_eq!(stale.to_string(), "action rejected: signed 30.001s ago, beyond the 30s tolerance");
    let ahead = verify_at(body.as_bytes(), &header, NOW_MS - 30_001).unwrap_err();
    assert!(ahead.is_from_the_future() && ahead.is_outside_tolerance() && !ahead.is_stale(), "{ahead}");
    assert_eq!(ahead.to_string(), "action rejected: signed 30.001s in the future, beyond the 30s tolerance");
    // A wider tolerance is the caller's choice.
    verify_with(body.as_bytes(), &header, SECRET, Duration::from_secs(180), at(NOW_MS + 179_000)).unwrap();
}

#[test]
fn the_header_is_bounded_before_any_hashing() {
    let body = registration("");
    let v1 = "0".repeat(64);
    let long = format!("t={NOW_MS}, v1={v1}, {}", "x=y, ".repeat(MAX_HEADER_LEN / 4));
    let many = format!("t={NOW_MS}{}", format!(", v1={v1}").repeat(MAX_SIGNATURES + 1));
    let cases = [
        long.as_str(),
        many.as_str(),
        "t=1768478400000",
        "v1=00",
        "t=soon, v1=00",
        "t=12345678901234567, v1=00",
        "t=1, t=2, v1=00",
        "garbage",
    ];
    for bad in cases {
        let e = verify_at(body.as_bytes(), bad, NOW_MS).unwrap_err();
        assert!(e.is_malformed_header(), "{e}");
    }
    assert!(verify_at(body.as_bytes(), "", NOW_MS).unwrap_err().is_missing_header());
    assert!(verify_at(body.as_bytes(), "  ", NOW_MS).unwrap_err().is_missing_header());
    // Up to MAX_SIGNATURES entries, one of which matches, verify.
    let good = sign(body.as_bytes(), SECRET, at(NOW_MS));
    let padded = format!("{good}{}", format!(", v1={v1}").repeat(MAX_SIGNATURES - 1));
    verify_at(body.as_bytes(), &padded, NOW_MS).unwrap();
}

#[test]
fn errors_name_the_check_never_the_secret_or_signature() {
    let body = registration("");
    let header = sign(body.as_bytes(), SECRET, at(NOW_MS));
    let v1 = header.rsplit('=').next().unwrap().to_owned();
    let tampered = body.replace("ada@", "eve@");
    let errors = [
        verify_at(tampered.as_bytes(), &header, NOW_MS).unwrap_err(),
        verify_with(body.as_bytes(), &header, "other_secret", DEFAULT_TOLERANCE, at(NOW_MS)).unwrap_err(),
        verify_at(body.as_bytes(), &format!("t=x, v1={v1}"), NOW_MS).unwrap_err(),
        verify_at(body.as_bytes(), &header, NOW_MS + 60_000).unwrap_err(),
    ];
    assert!(errors[0].is_bad_signature() && errors[1].is_bad_signature());
    assert!(errors[2].is_malformed_header() && errors[3].is_stale());
    for e in errors {
        let text = format!("{e} {e:?}");
        assert!(!text.contains(SECRET) && !text.contains(&v1), "{text}");
    }
}

#[test]
fn unknown_kinds_are_kept_as_json_and_unknown_fields_ignored() {
    let body = br#"{"id":"action_09","object":"password_reset_action_context","user_id":"user_01"}"#;
    let header = sign(body, SECRET, at(NOW_MS));
    let action = verify_at(body, &header, NOW_MS).unwrap();
    assert_eq!(action.kind(), None);
    assert_eq!((action.object(), action.id()), ("password_reset_action_context", Some("action_09")));
    let Action::Unknown(raw) = action else { panic!("{action:?}") };
    assert_eq!(raw["user_id"], "user_01");

    let body = registration(r#","risk":{"score":3},"authentication_method":"TelepathyOAuth""#);
    let header = sign(body.as_bytes(), SECRET, at(NOW_MS));
    let Action::UserRegistration(registration) = verify_at(body.as_bytes(), &header, NOW_MS).unwrap() else {
        panic!("a registration")
    };
    assert_eq!(
        registration.authentication_method,
        Some(AuthenticationMethod::Unknown("TelepathyOAuth".into()))
    );
}

#[test]
fn a_signed_body_that_is_not_an_action_is_a_malformed_body() {
    let cases: [(&[u8], &str); 5] = [
        (b"not json", "."),
        (b"[1, 2]", "."),
        (br#"{"id":"action_01"}"#, "."),
        (br#"{"object":"authentication_action_context","id":"action_01"}"#, "."),
        (
            br#"{"object":"authentication_action_context","id":"action_01","user":{"id":"user_01","email":"a@b.c","email_verified":"yes","created_at":"2026-01-15T12:00:00Z","updated_at":"2026-01-15T12:00:00Z"}}"#,
            "user.email_verified",
        ),
    ];
    for (body, path) in cases {
        let header = sign(body, SECRET, at(NOW_MS));
        let e = verify_at(body, &header, NOW_MS).unwrap_err();
        assert!(e.is_malformed_body(), "{e}");
        let ActionError::MalformedBody { path: at, .. } = &e else { unreachable!() };
        assert_eq!(at, path, "{e}");
    }
}

#[test]
fn responses_are_signed_over_their_payload_json() {
    let now = at(NOW_MS);
    let allow = Response::allow().sign_at(ActionKind::Authentication, SECRET, now);
    let payload = r#"{"timestamp":1768478400000,"verdict":"Allow"}"#;
    assert_eq!(allow.payload().to_json(), payload);
    let expected = hex::encode(signed(SECRET, "1768478400000", payload.as_bytes()).finalize().into_bytes());
    assert_eq!(
        allow.to_json(),
        format!(
            r#"{{"object":"authentication_action_response","payload":{payload},"signature":"{expected}"}}"#
        )
    );
    // The signature is the one a webhook header would carry for the same bytes and time.
    assert_eq!(sign(payload.as_bytes(), SECRET, now), format!("t=1768478400000, v1={expected}"));

    let deny = Response::deny("Nope \"quoted\"\n\u{1} ✓").sign_at(ActionKind::UserRegistration, SECRET, now);
    assert_eq!(deny.object(), "user_registration_action_response");
    assert_eq!(
        deny.payload().to_json(),
        r#"{"timestamp":1768478400000,"verdict":"Deny","error_message":"Nope \"quoted\"\n\u0001 ✓"}"#
    );
    for silent in [Response::deny(""), Response::deny_without_message()] {
        assert_eq!(silent.error_message(), None);
        let signed = silent.sign_at(ActionKind::UserRegistration, SECRET, now);
        assert_eq!(signed.payload().to_json(), r#"{"timestamp":1768478400000,"verdict":"Deny"}"#);
    }
}

#[test]
fn an_invitation_token_is_not_in_debug() {
    let body = registration(
        r#","invitation":{"object":"invitation","id":"invitation_01","email":"ada@example.com","state":"pending",
        "accepted_at":null,"revoked_at":null,"expires_at":"2026-01-22T12:00:00.000Z","organization_id":"org_01",
        "inviter_user_id":null,"accepted_user_id":null,"role_slug":"member","token":"Z1uX3RbwcIl5fIGJJJCXXisdI",
        "accept_invitation_url":"https://example.com/invite?invitation_token=Z1uX3RbwcIl5fIGJJJCXXisdI","created_at":"2026-01-15T12:00:00.000Z",
        "updated_at":"2026-01-15T12:00:00.000Z"}"#,
    );
    let header = sign(body.as_bytes(), SECRET, at(NOW_MS));
    let action = verify_at(body.as_bytes(), &header, NOW_MS).unwrap();
    let Action::UserRegistration(registration) = &action else { panic!("{action:?}") };
    let invitation = registration.invitation.as_ref().unwrap();
    assert_eq!(
        (invitation.state.as_str(), invitation.token.as_str()),
        ("pending", "Z1uX3RbwcIl5fIGJJJCXXisdI")
    );
    assert!(!format!("{action:?}").contains("Z1uX3Rbw"));
}

/// The documentation's examples, as written there (the doc tests are not run with the unit
/// tests).
#[test]
fn the_doc_examples_hold() {
    use crate as workos_api;
    use workos_api::actions::{self, Action, ActionError, ActionKind, Response};

    // The module's example.
    fn answer(body: &[u8], signature: &str, secret: &str) -> Result<Option<String>, ActionError> {
        let action = actions::verify(body, signature, secret)?;
        let response = match &action {
            Action::UserRegistration(registration)
                if registration.user_data.email.ends_with("@gmail.com") =>
            {
                Response::deny("Please sign up with your work email address.")
            }
            Action::Authentication(authentication) if authentication.organization.is_none() => {
                Response::deny("Please sign in through your organization.")
            }
            _ => Response::allow(),
        };
        Ok(action.kind().map(|kind| response.sign(kind, secret).to_json()))
    }
    let body = registration("").replace("ada@example.com", "ada@gmail.com");
    let header = sign(body.as_bytes(), SECRET, SystemTime::now());
    let json = answer(body.as_bytes(), &header, SECRET).unwrap().unwrap();
    assert!(
        json.contains(r#""verdict":"Deny","error_message":"Please sign up with your work email address.""#)
    );
    assert!(answer(body.as_bytes(), &header, "other").unwrap_err().is_bad_signature());

    // verify_with's.
    let body = br#"{"id":"action_01","object":"password_reset_action_context","user_id":"user_01"}"#;
    let now = SystemTime::now();
    let header = workos_api::webhooks::sign(body, "secret", now);
    let action = actions::verify_with(body, &header, "secret", DEFAULT_TOLERANCE, now).unwrap();
    assert!(matches!(action, Action::Unknown(_)));
    assert_eq!(action.object(), "password_reset_action_context");
    let later = now + Duration::from_secs(31);
    let late = actions::verify_with(body, &header, "secret", DEFAULT_TOLERANCE, later).unwrap_err();
    assert!(late.is_stale());

    // sign_at's.
    let at = UNIX_EPOCH + Duration::from_millis(1_768_478_400_000);
    let signed = Response::deny("Use your work email.").sign_at(ActionKind::UserRegistration, "secret", at);
    assert!(signed.to_json().starts_with(concat!(
        r#"{"object":"user_registration_action_response","#,
        r#""payload":{"timestamp":1768478400000,"verdict":"Deny","error_message":"Use your work email."},"#,
        r#""signature":""#,
    )));
}
