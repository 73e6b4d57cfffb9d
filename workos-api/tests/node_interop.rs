//! workos-api against the official Node SDK (`@workos-inc/node`), byte for byte: webhook
//! signatures it made, PKCE challenges it computed, session cookies it sealed, and cookies this
//! crate sealed that it opened. The vectors come from `tools/node-vectors/generate.mjs`; this
//! test only reads them.
#![cfg(all(feature = "events", feature = "sessions"))]

use std::time::{Duration, UNIX_EPOCH};

use serde_json::Value;
use workos_api::sessions::seal::{SealRandomness, seal_with};
use workos_api::sessions::{Pkce, Session};
use workos_api::webhooks::{self, DEFAULT_TOLERANCE};

fn vectors() -> Value {
    serde_json::from_str(include_str!("fixtures/node-vectors.json")).expect("node-vectors.json")
}

fn s(v: &Value) -> &str {
    v.as_str().expect("a string")
}

#[test]
fn webhooks_signed_by_the_node_sdk_verify_into_typed_events() {
    let vectors = vectors();
    let list = vectors["webhooks"].as_array().expect("webhooks");
    assert_eq!(list.len(), 5);
    let mut without_object = 0;
    for v in list {
        let (payload, header, secret) = (s(&v["payload"]).as_bytes(), s(&v["header"]), s(&v["secret"]));
        let signed_at = UNIX_EPOCH + Duration::from_millis(v["timestamp_ms"].as_u64().expect("ms"));
        let now = signed_at + Duration::from_secs(1);
        let event =
            webhooks::verify_event_with(payload, header, secret, DEFAULT_TOLERANCE, now).expect("verifies");
        let json: Value = serde_json::from_slice(payload).expect("json");
        assert_eq!(event.event_name(), json["event"].as_str().expect("event"));
        // The Node SDK's constructEvent read the same bytes as the same event.
        let node = &v["node_event"];
        assert_eq!(event.event_name(), s(&node["event"]));
        assert_eq!(json["id"], node["id"]);
        let again: workos_api::Event =
            serde_json::from_value(serde_json::to_value(&event).expect("serializes")).expect("decodes again");
        assert_eq!(again, event, "serializing and decoding again gives the same event");
        if json.get("object").is_none() {
            without_object += 1;
            // Typed all the same, and written back with the constant.
            assert!(!matches!(event, workos_api::Event::Unknown(_)), "{}", event.event_name());
            assert_eq!(serde_json::to_value(&event).expect("serializes")["object"], "event");
        }
        match &event {
            workos_api::Event::OrganizationCreated { data, id, created_at, .. } => {
                let expected = if id == "event_01" { "Acme" } else { "Globex" };
                assert_eq!(data.name, expected);
                assert_eq!(
                    created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    s(&node["created_at"])
                );
            }
            workos_api::Event::RoleCreated { data, id, context, .. } if id == "event_02" => {
                assert_eq!(data.permissions, ["posts:read", "posts:write"]);
                assert!(context.is_none());
            }
            workos_api::Event::RoleCreated { data, context, .. } => {
                assert_eq!(data.slug, "billing");
                let actor = context.as_ref().and_then(|c| c.actor.as_ref()).expect("the context's actor");
                assert_eq!((actor.id.as_str(), actor.name.as_deref()), ("user_01", Some("Grace Hopper")));
            }
            workos_api::Event::Unknown(raw) => assert_eq!(raw["event"], "brand_new.event"),
            other => panic!("unexpected {}", other.event_name()),
        }

        // Each way a delivery can be wrong is its own error.
        let mut tampered = payload.to_vec();
        tampered[10] ^= 1;
        let check = |body: &[u8], header: &str, secret: &str, at| {
            webhooks::verify_event_with(body, header, secret, DEFAULT_TOLERANCE, at).expect_err("rejected")
        };
        assert!(check(&tampered, header, secret, now).is_signature_mismatch());
        assert!(check(payload, header, "whsec_wrong", now).is_signature_mismatch());
        assert!(check(payload, header, secret, signed_at + Duration::from_secs(181)).is_stale());
        assert!(check(payload, "t=, v1=", secret, now).is_malformed_header());
        assert!(check(payload, "", secret, now).is_missing_header());
    }
    assert_eq!(without_object, 2, "payloads of both shapes");
}

#[test]
fn a_verified_body_that_is_not_an_event_is_its_own_error() {
    let now = UNIX_EPOCH + Duration::from_secs(1_768_478_400);
    let body = br#"{"hello": "world"}"#;
    let header = webhooks::sign(body, "whsec_x", now);
    let e = webhooks::verify_event_with(body, &header, "whsec_x", DEFAULT_TOLERANCE, now)
        .expect_err("not an event");
    assert!(e.is_not_an_event(), "{e}");
}

#[test]
fn pkce_challenges_match_the_node_sdk() {
    for v in vectors()["pkce"].as_array().expect("pkce") {
        assert_eq!(Pkce::from_verifier(s(&v["verifier"])).challenge(), s(&v["challenge"]));
    }
}

#[test]
fn cookies_sealed_by_the_node_sdk_open_here() {
    for v in vectors()["node_sealed"].as_array().expect("node_sealed") {
        let (sealed, password) = (s(&v["sealed"]), s(&v["password"]));
        let session = Session::from_cookie(sealed, password).expect("unseals");
        assert_eq!(serde_json::to_value(&session.cookie).expect("json"), v["data"]);
        assert_eq!(session.cookie.user.email, "grace@example.com");
        assert_eq!(session.cookie.organization_id.as_deref(), Some("org_01"));
        let wrong =
            Session::from_cookie(sealed, "not-the-password-but-32-characters!").expect_err("wrong password");
        assert!(wrong.is_bad_seal(), "{wrong}");
        let mut parts: Vec<String> = sealed.split('*').map(str::to_owned).collect();
        parts[4] = parts[4].chars().rev().collect();
        assert!(Session::from_cookie(&parts.join("*"), password).expect_err("tampered").is_bad_seal());
    }
}

#[test]
fn cookies_sealed_here_open_in_the_node_sdk() {
    for v in vectors()["rust_sealed"].as_array().expect("rust_sealed") {
        let bytes = |key: &str| hex::decode(s(&v[key])).expect("hex");
        let random = SealRandomness {
            encryption_salt: bytes("encryption_salt").try_into().expect("32 bytes"),
            integrity_salt: bytes("integrity_salt").try_into().expect("32 bytes"),
            iv: bytes("iv").try_into().expect("16 bytes"),
        };
        let sealed = seal_with(&v["data"], s(&v["password"]), &random).expect("seals");
        assert_eq!(sealed, s(&v["sealed"]), "the same bytes the Node SDK opened");
        // The SDK read every field back (it adds `lastSignInAt: null` to the user it returns).
        assert_contains(&v["node_unsealed"], &v["data"]);
    }
}

/// Every field of `expected`, recursively, is in `actual` with the same value.
fn assert_contains(actual: &Value, expected: &Value) {
    match expected {
        Value::Object(fields) => {
            for (k, v) in fields {
                assert!(actual.get(k).is_some(), "missing `{k}` in {actual}");
                assert_contains(&actual[k], v);
            }
        }
        other => assert_eq!(actual, other),
    }
}

/// Envelopes `@workos-inc/node`'s `vault.encrypt` made open here with their data key (and only
/// with their associated data); envelopes this crate sealed, the SDK's `vault.decrypt` opened.
#[cfg(feature = "vault")]
#[test]
fn vault_envelopes_match_the_node_sdk_both_ways() {
    use workos_api::vault::{Envelope, data_key_from_base64, open, seal_with_nonce};
    let vectors = vectors();
    let node = vectors["node_vault"].as_array().expect("node_vault");
    assert_eq!(node.len(), 3);
    for v in node {
        let envelope = Envelope::parse(s(&v["envelope"])).expect("the SDK's envelope parses");
        assert_eq!(envelope.encrypted_keys_base64(), s(&v["encrypted_keys"]));
        let key = data_key_from_base64(s(&v["data_key"])).expect("a data key");
        let aad = v["aad"].as_str().map(str::as_bytes);
        let plaintext = open(&envelope, &key, aad).expect("opens");
        assert_eq!(String::from_utf8(plaintext).expect("utf-8"), s(&v["plaintext"]));
        assert!(open(&envelope, &key, Some(b"other")).expect_err("other aad").is_decryption());
    }
    let rust = vectors["rust_vault"].as_array().expect("rust_vault");
    assert_eq!(rust.len(), 3);
    for v in rust {
        assert_eq!(s(&v["node_decrypted"]), s(&v["plaintext"]), "the SDK opened it");
        // Sealing again with the same nonce gives the same bytes: the fixture is this crate's.
        let nonce: [u8; 12] = base64_decode(s(&v["nonce"])).try_into().expect("12 bytes");
        let key = data_key_from_base64(s(&v["data_key"])).expect("a data key");
        let again = seal_with_nonce(
            s(&v["plaintext"]).as_bytes(),
            &key,
            &base64_decode(s(&v["encrypted_keys"])),
            v["aad"].as_str().map(str::as_bytes),
            nonce,
        )
        .expect("seals");
        assert_eq!(again, s(&v["envelope"]));
    }
}

#[cfg(feature = "vault")]
fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).expect("base64")
}
