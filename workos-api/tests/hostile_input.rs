//! Hostile input: forged webhooks (from the future, over the limits, one right entry among
//! wrong ones), forged access tokens (each missing claim, another kind of token, another
//! issuer), a JWKS that fails while tokens with unknown keys keep coming, and the refusals'
//! texts and logs, which name the failing check and never a secret, a token or a signature.

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use workos_api::webhooks::{self, DEFAULT_TOLERANCE, MAX_HEADER_LEN, MAX_SIGNATURES, WebhookError};

const SECRET: &str = "whsec_hostile_input_0123456789";

fn ms(at: SystemTime) -> u64 {
    u64::try_from(at.duration_since(UNIX_EPOCH).expect("after 1970").as_millis()).expect("fits")
}

fn at_ms(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

/// The `v1=` value of a header made by [`webhooks::sign`].
fn v1_of(header: &str) -> &str {
    header.split_once("v1=").expect("a v1 entry").1
}

fn check(body: &[u8], header: &str, now: SystemTime) -> Result<(), WebhookError> {
    webhooks::verify_signature(body, header, SECRET, DEFAULT_TOLERANCE, now)
}

#[test]
fn webhooks_signed_in_the_future_are_refused() {
    let body = br#"{"id":"event_01","event":"organization.created"}"#;
    let now = at_ms(1_768_478_400_000);
    let now_ms = ms(now);
    let year_3000_ms = 32_503_680_000_000;
    for (what, signed_at_ms) in [
        ("an hour ahead", now_ms + 3_600_000),
        ("181 s ahead", now_ms + 181_000),
        ("in the year 3000", year_3000_ms),
        ("in microseconds", now_ms * 1000),
    ] {
        let header = webhooks::sign(body, SECRET, at_ms(signed_at_ms));
        let e = check(body, &header, now).expect_err(what);
        assert!(e.is_from_the_future() && e.is_outside_tolerance() && !e.is_stale(), "{what}: {e}");
        assert!(e.to_string().contains("in the future, beyond the 180s tolerance"), "{what}: {e}");
    }
    // Within the tolerance both ways, it verifies.
    for signed_at_ms in [now_ms + 180_000, now_ms, now_ms - 180_000] {
        check(body, &webhooks::sign(body, SECRET, at_ms(signed_at_ms)), now).expect("within the tolerance");
    }
    // And the past is still refused.
    let e = check(body, &webhooks::sign(body, SECRET, at_ms(now_ms - 181_000)), now).expect_err("past");
    assert!(e.is_stale() && e.is_outside_tolerance() && !e.is_from_the_future(), "{e}");
    // Nanoseconds (19 digits) do not even parse as a timestamp.
    let ns = webhooks::sign(body, SECRET, at_ms(now_ms * 1_000_000));
    assert!(check(body, &ns, now).expect_err("nanoseconds").is_malformed_header());
}

#[cfg(feature = "events")]
#[test]
fn verify_event_refuses_the_future_with_the_system_clock() {
    let body = br#"{"id":"event_01","object":"event","event":"brand_new.event","data":{},"created_at":"2026-01-15T12:00:00.000Z"}"#;
    let header = webhooks::sign(body, SECRET, SystemTime::now() + Duration::from_secs(3600));
    assert!(webhooks::verify_event(body, &header, SECRET).expect_err("future").is_from_the_future());
    let header = webhooks::sign(body, SECRET, SystemTime::now());
    webhooks::verify_event(body, &header, SECRET).expect("now");
}

#[test]
fn signature_entries_beyond_the_cap_are_refused() {
    let body = vec![b'x'; 1 << 20];
    let now = at_ms(1_768_478_400_000);
    let header = webhooks::sign(&body, SECRET, now);
    let right = v1_of(&header).to_owned();
    let wrong = "ab".repeat(32);
    let t = format!("t={}", ms(now));
    let with = |entries: Vec<&str>| {
        let mut h = t.clone();
        for v1 in entries {
            h.push_str(", v1=");
            h.push_str(v1);
        }
        h
    };

    // One entry over the cap, within the length limit: refused even though one is right.
    let mut over = vec![wrong.as_str(); MAX_SIGNATURES];
    over.push(&right);
    let over = with(over);
    assert!(over.len() <= MAX_HEADER_LEN, "{}", over.len());
    let e = check(&body, &over, now).expect_err("too many entries");
    assert!(e.is_malformed_header(), "{e}");
    assert!(e.to_string().contains(&format!("more than {MAX_SIGNATURES} v1= signatures")), "{e}");

    // The issue's case: 200 entries on a 1 MB body.
    let e = check(&body, &with(vec![right.as_str(); 200]), now).expect_err("200 entries");
    assert!(e.is_malformed_header(), "{e}");

    // The right one among wrong ones, within the cap, wherever it stands, verifies a 1 MB body.
    for position in 0..MAX_SIGNATURES {
        let mut entries = vec![wrong.as_str(); MAX_SIGNATURES];
        entries[position] = &right;
        check(&body, &with(entries), now).expect("one right entry");
    }
    let e = check(&body, &with(vec![wrong.as_str(); MAX_SIGNATURES]), now).expect_err("all wrong");
    assert!(e.is_signature_mismatch(), "{e}");

    // An entry that is not a SHA-256 in hex is malformed, not merely a mismatch.
    for bad in ["00", &"0".repeat(66), &"zz".repeat(32)] {
        let e = check(&body, &with(vec![bad]), now).expect_err("not 64 hex digits");
        assert!(e.is_malformed_header(), "{bad}: {e}");
    }
}

#[test]
fn a_huge_header_is_refused_by_its_length() {
    let body = br#"{"id":"event_01"}"#;
    let now = at_ms(1_768_478_400_000);
    let header = webhooks::sign(body, SECRET, now);
    // Padded with an entry of another scheme (ignored) up to the limit: it verifies.
    let pad = |len: usize| {
        let mut h = format!("{header}, x=");
        h.push_str(&"a".repeat(len - h.len()));
        h
    };
    check(body, &pad(MAX_HEADER_LEN), now).expect("at the limit");
    let e = check(body, &pad(MAX_HEADER_LEN + 1), now).expect_err("one byte over");
    assert!(e.is_malformed_header(), "{e}");
    assert!(e.to_string().contains(&format!("longer than {MAX_HEADER_LEN} bytes")), "{e}");
    let e = check(body, &pad(1 << 20), now).expect_err("1 MB");
    assert!(e.is_malformed_header(), "{e}");
    // A timestamp of a million digits is refused by the length too.
    let long_t = format!("t={}, v1={}", "1".repeat(1 << 20), v1_of(&header));
    assert!(check(body, &long_t, now).expect_err("long t").is_malformed_header());
}

#[test]
fn webhook_refusals_name_the_check_never_the_secret_or_signature() {
    let body = br#"{"id":"event_01"}"#;
    let now = at_ms(1_768_478_400_000);
    let header = webhooks::sign(body, SECRET, now);
    let signature = v1_of(&header).to_owned();
    let future = webhooks::sign(body, SECRET, now + Duration::from_secs(3600));
    let cases: Vec<(&str, Vec<u8>, String, &str)> = vec![
        ("mismatch", br#"{"id":"event_02"}"#.to_vec(), header.clone(), SECRET),
        ("wrong secret", body.to_vec(), header.clone(), "whsec_another_secret_value"),
        ("stale", body.to_vec(), header.clone(), SECRET),
        ("future", body.to_vec(), future.clone(), SECRET),
        ("not key=value", body.to_vec(), format!("{header}, {signature}"), SECRET),
        ("bad hex", body.to_vec(), format!("t=1, v1={}zz", &signature[..62]), SECRET),
        ("too long", body.to_vec(), format!("{header}, x={}", signature.repeat(20)), SECRET),
        ("too many", body.to_vec(), format!("{header}{}", format!(", v1={signature}").repeat(6)), SECRET),
    ];
    for (what, body, header, secret) in cases {
        let when = if what == "stale" { now + Duration::from_secs(3600) } else { now };
        let e = webhooks::verify_signature(&body, &header, secret, DEFAULT_TOLERANCE, when).expect_err(what);
        assert!(e.to_string().contains("webhook rejected"), "{what}: {e}");
        for text in [e.to_string(), format!("{e:?}")] {
            for secret_text in [SECRET, secret, &signature, v1_of(&future), &header] {
                assert!(!text.contains(secret_text), "{what}: {text} holds {secret_text}");
            }
        }
    }
}

#[cfg(feature = "sessions")]
mod tokens {
    use std::sync::atomic::{AtomicU8, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use serde_json::{Value, json};
    use workos_api::Client;
    use workos_api::sessions::{Session, SessionVerifier, TokenError};
    use workos_emulator::Emulator;

    use super::support::{Reply, Server};

    const CLIENT_ID: &str = "client_hostile";

    fn now() -> i64 {
        i64::try_from(SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_secs())
            .expect("fits")
    }

    /// A token signed with the emulator's test-only key under `kid`.
    fn forge(kid: &str, claims: &Value) -> String {
        let key =
            jsonwebtoken::EncodingKey::from_rsa_pem(workos_emulator::TEST_ONLY_SIGNING_KEY_PEM).expect("key");
        let header = jsonwebtoken::Header {
            kid: Some(kid.to_owned()),
            ..jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256)
        };
        jsonwebtoken::encode(&header, claims, &key).expect("signs")
    }

    /// The claims of a user access token WorkOS would issue for `CLIENT_ID` through `base_url`.
    fn user_claims(base_url: &str) -> Value {
        let now = now();
        json!({
            "iss": format!("{base_url}/user_management/{CLIENT_ID}"),
            "sub": "user_01",
            "sid": "session_01",
            "org_id": "org_01",
            "role": "member",
            "permissions": ["posts:read"],
            "iat": now,
            "auth_time": now,
            "exp": now + 600,
        })
    }

    fn client_of(emu: &Emulator) -> Client {
        Client::builder().base_url(emu.base_url()).api_key(emu.api_key()).build().expect("client")
    }

    /// The emulator with the kid of its signing key.
    async fn emulator() -> (Emulator, Client, String) {
        let emu = Emulator::start().await.expect("emulator");
        let client = client_of(&emu);
        let kid = client.user_management().get_sso_jwks(CLIENT_ID).await.expect("jwks").keys[0].kid.clone();
        (emu, client, kid)
    }

    #[tokio::test]
    async fn a_user_access_token_with_the_default_issuer_is_accepted() {
        let (emu, client, kid) = emulator().await;
        let verifier = SessionVerifier::new(client, CLIENT_ID);
        let expected_iss = format!("{}/user_management/{CLIENT_ID}", emu.base_url());
        assert_eq!(verifier.accepted_issuers(), [expected_iss.as_str()]);
        let claims = verifier.verify(&forge(&kid, &user_claims(emu.base_url()))).await.expect("accepted");
        assert_eq!((claims.sub.as_str(), claims.sid.as_str()), ("user_01", "session_01"));
        assert_eq!(claims.iss.as_deref(), Some(expected_iss.as_str()));
        assert!(claims.auth_time.is_some() && claims.iat.is_some());
        assert!(claims.has_permission("posts:read"));
        // `sub_profile: user` is a user access token too.
        let mut user = user_claims(emu.base_url());
        user["sub_profile"] = json!("user");
        verifier.verify(&forge(&kid, &user)).await.expect("sub_profile user");
    }

    #[tokio::test]
    async fn each_missing_claim_is_named() {
        let (emu, client, kid) = emulator().await;
        let verifier = SessionVerifier::new(client, CLIENT_ID);
        for claim in ["sub", "sid", "iss", "exp", "iat", "auth_time"] {
            for absent in [None, Some(Value::Null)] {
                let mut claims = user_claims(emu.base_url());
                match &absent {
                    None => drop(claims.as_object_mut().expect("object").remove(claim)),
                    Some(null) => claims[claim] = null.clone(),
                }
                let e = verifier.verify(&forge(&kid, &claims)).await.expect_err(claim);
                assert!(e.is_missing_claim(), "{claim} {absent:?}: {e}");
                assert_eq!(e.missing_claim(), Some(claim), "{e}");
                assert!(e.to_string().contains(&format!("`{claim}`")), "{e}");
            }
        }
        // A claim of the wrong type is named too.
        for (claim, value) in
            [("sid", json!(5)), ("auth_time", json!("yesterday")), ("roles", json!("admin"))]
        {
            let mut claims = user_claims(emu.base_url());
            claims[claim] = value;
            let e = verifier.verify(&forge(&kid, &claims)).await.expect_err(claim);
            assert!(e.is_claims() && e.to_string().contains(&format!("`{claim}`")), "{claim}: {e}");
        }
    }

    #[tokio::test]
    async fn widget_and_agent_tokens_are_refused() {
        let (emu, client, kid) = emulator().await;
        let verifier = SessionVerifier::new(client, CLIENT_ID);
        for (claim, value) in [
            ("sub_type", json!("widget")),
            ("sub_type", json!("user")),
            ("sub_type", Value::Null),
            ("sub_profile", json!("agent")),
            ("sub_profile", Value::Null),
        ] {
            // Every claim of a user access token is there: the kind alone refuses it.
            let mut claims = user_claims(emu.base_url());
            claims[claim] = value.clone();
            let e = verifier.verify(&forge(&kid, &claims)).await.expect_err(claim);
            assert!(e.is_wrong_kind(), "{claim}={value}: {e}");
            assert!(e.to_string().contains(claim), "{e}");
        }
        // A widget token as WorkOS mints it: no `sid`, no `auth_time`.
        let now = now();
        let widget = json!({
            "iss": format!("{}/user_management/{CLIENT_ID}", emu.base_url()),
            "sub": "user_01", "org_id": "org_01", "sub_type": "widget",
            "scopes": ["widgets:users-table:manage"], "iat": now, "exp": now + 600,
        });
        assert!(verifier.verify(&forge(&kid, &widget)).await.expect_err("widget").is_wrong_kind());
    }

    #[tokio::test]
    async fn only_the_clients_issuer_and_the_configured_ones_are_accepted() {
        let (emu, client, kid) = emulator().await;
        let default = SessionVerifier::new(client.clone(), CLIENT_ID);
        let custom_domain = "https://auth.example.com";
        let with_issuer = SessionVerifier::new(client.clone(), CLIENT_ID).issuer(custom_domain);
        let with_issuers =
            SessionVerifier::new(client, CLIENT_ID).issuers(["https://login.example.org", custom_domain]);
        let with_iss = |iss: &str| {
            let mut claims = user_claims(emu.base_url());
            claims["iss"] = json!(iss);
            forge(&kid, &claims)
        };
        let base = emu.base_url();
        for wrong in [
            "https://evil.example.com/user_management/client_hostile".to_owned(),
            format!("{base}/user_management/client_other"),
            format!("{base}/user_management/{CLIENT_ID}/"),
            format!("{base}/user_management/{CLIENT_ID}").to_uppercase(),
            "https://api.workos.com/user_management/client_hostile".to_owned(),
            format!("{custom_domain}/"),
            String::new(),
        ] {
            for verifier in [&default, &with_issuer, &with_issuers] {
                let e = verifier.verify(&with_iss(&wrong)).await.expect_err(&wrong);
                assert!(e.is_wrong_issuer(), "{wrong}: {e}");
                assert!(!e.to_string().contains(&wrong) || wrong.is_empty(), "{e}");
            }
        }
        // The custom domain: refused by default, accepted once configured, beside the default.
        assert!(default.verify(&with_iss(custom_domain)).await.expect_err("custom").is_wrong_issuer());
        for verifier in [&with_issuer, &with_issuers] {
            verifier.verify(&with_iss(custom_domain)).await.expect("custom issuer");
            verifier.verify(&forge(&kid, &user_claims(base))).await.expect("default issuer");
        }
        with_issuers.verify(&with_iss("https://login.example.org")).await.expect("second issuer");
        // An `iss` of the wrong type is not an accepted issuer either.
        let mut claims = user_claims(base);
        claims["iss"] = json!(["https://auth.example.com"]);
        assert!(with_issuer.verify(&forge(&kid, &claims)).await.expect_err("array").is_claims());
    }

    /// A JWKS server whose answer the test switches, counting the JWKS requests it receives.
    struct Jwks {
        server: Server,
        mode: Arc<AtomicU8>,
    }

    const HEALTHY: u8 = 0;
    const FAILING: u8 = 1;
    const HTML: u8 = 2;
    const RECOVERED: u8 = 3;

    impl Jwks {
        /// `key_a` is the emulator's key under kid `key_a`; `RECOVERED` adds it as `key_b`.
        async fn start(mode: u8) -> Jwks {
            let emu = Emulator::start().await.expect("emulator");
            let jwks = client_of(&emu).user_management().get_sso_jwks(CLIENT_ID).await.expect("jwks");
            let mut key = serde_json::to_value(&jwks.keys[0]).expect("jwk");
            key["kid"] = json!("key_a");
            let healthy = json!({ "keys": [key.clone()] }).to_string();
            let mut key_b = key.clone();
            key_b["kid"] = json!("key_b");
            let recovered = json!({ "keys": [key, key_b] }).to_string();
            let mode = Arc::new(AtomicU8::new(mode));
            let current = mode.clone();
            let server = Server::serve(move |request| {
                assert!(request.path.starts_with("/sso/jwks/"), "{}", request.path);
                Some(match current.load(Ordering::SeqCst) {
                    HEALTHY => Reply::Json(200, healthy.clone()),
                    FAILING => Reply::Http(500, vec![], r#"{"message": "down"}"#, Duration::ZERO),
                    HTML => Reply::Http(200, vec![], "<html><body>maintenance</body></html>", Duration::ZERO),
                    _ => Reply::Json(200, recovered.clone()),
                })
            })
            .await;
            Jwks { server, mode }
        }

        fn set(&self, mode: u8) {
            self.mode.store(mode, Ordering::SeqCst);
        }

        fn requests(&self) -> usize {
            self.server.seen().len()
        }

        fn token(&self, kid: &str) -> String {
            forge(kid, &user_claims(&self.server.base_url))
        }

        fn verifier(&self, initial_backoff: Duration) -> SessionVerifier {
            SessionVerifier::new(self.server.client(), CLIENT_ID)
                .refetch_interval(Duration::ZERO)
                .jwks_backoff(initial_backoff, Duration::from_secs(60))
        }
    }

    #[tokio::test]
    async fn ten_unknown_keys_while_the_jwks_fails_make_one_request() {
        for mode in [FAILING, HTML] {
            let jwks = Jwks::start(mode).await;
            let verifier = jwks.verifier(Duration::from_secs(60));
            let mut errors = Vec::new();
            for i in 0..10 {
                errors.push(verifier.verify(&jwks.token(&format!("kid_{i}"))).await.expect_err("no JWKS"));
            }
            // One request, not retried by the client (whose policy retries a 500 otherwise).
            assert_eq!(jwks.requests(), 1, "mode {mode}");
            assert!(
                matches!(errors[0], TokenError::Jwks(_)) && errors[0].is_jwks_unavailable(),
                "{}",
                errors[0]
            );
            for e in &errors[1..] {
                assert!(e.is_jwks_backoff() && e.is_jwks_unavailable(), "{e}");
            }
            // Concurrent tokens too.
            let tokens: Vec<String> = (0..10).map(|i| jwks.token(&format!("kid_{i}"))).collect();
            let all = futures::future::join_all(tokens.iter().map(|t| verifier.verify(t))).await;
            assert!(all.iter().all(|r| r.as_ref().is_err_and(TokenError::is_jwks_backoff)));
            assert_eq!(jwks.requests(), 1, "mode {mode}");
        }
    }

    #[tokio::test]
    async fn cached_keys_verify_through_the_outage_and_the_recovered_jwks_is_used_after_the_backoff() {
        let jwks = Jwks::start(HEALTHY).await;
        let verifier = jwks.verifier(Duration::from_secs(1));
        verifier.verify(&jwks.token("key_a")).await.expect("healthy");
        assert_eq!(jwks.requests(), 1);

        jwks.set(FAILING);
        let e = verifier.verify(&jwks.token("key_b")).await.expect_err("JWKS down");
        assert!(matches!(e, TokenError::Jwks(_)), "{e}");
        assert_eq!(jwks.requests(), 2);
        let e = verifier.verify(&jwks.token("key_b")).await.expect_err("in the backoff");
        assert!(e.is_jwks_backoff(), "{e}");
        // The cached key verifies all along, without a request.
        verifier.verify(&jwks.token("key_a")).await.expect("cached key");
        assert_eq!(jwks.requests(), 2);

        // After the first backoff (1 s), one more try; it fails, and the next wait is longer.
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert!(matches!(verifier.verify(&jwks.token("key_b")).await, Err(TokenError::Jwks(_))));
        assert_eq!(jwks.requests(), 3);
        match verifier.verify(&jwks.token("key_b")).await {
            Err(TokenError::JwksUnavailable { retry_in }) => {
                assert!(retry_in > Duration::from_secs(1), "doubled: {retry_in:?}");
            }
            other => panic!("expected the backoff, got {other:?}"),
        }
        assert_eq!(jwks.requests(), 3);

        // Recovered: after the backoff (2 s), the new key set is fetched once and used.
        jwks.set(RECOVERED);
        tokio::time::sleep(Duration::from_millis(2100)).await;
        verifier.verify(&jwks.token("key_b")).await.expect("recovered");
        verifier.verify(&jwks.token("key_a")).await.expect("still known");
        assert_eq!(jwks.requests(), 4);
    }

    /// A writer into a shared buffer, for the tracing output.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("log").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn token_refusals_and_logs_name_the_check_never_the_token_or_keys() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);

        let (emu, client, kid) = emulator().await;
        let verifier = SessionVerifier::new(client, CLIENT_ID).leeway(Duration::ZERO);
        let (tokens, good) = refused_tokens(&kid, emu.base_url());

        let mut errors = Vec::new();
        for token in &tokens {
            errors.push((token.clone(), verifier.verify(token).await.expect_err("refused")));
        }
        // The JWKS failing, with the API key in the client.
        let jwks = Jwks::start(FAILING).await;
        let failing = jwks.verifier(Duration::from_secs(60));
        for kid in ["kid_1", "kid_2"] {
            let token = jwks.token(kid);
            errors.push((token.clone(), failing.verify(&token).await.expect_err("no JWKS")));
        }
        // A sealed cookie opened with another password.
        let password = "a-cookie-password-of-at-least-32-characters";
        let other_password = "another-cookie-password-of-32-characters";
        let response_like = json!({ "access_token": good, "refresh_token": "refresh_secret_01" });
        let cookie = workos_api::sessions::seal::seal(&response_like, password).expect("seals");
        let sealed_error = Session::from_cookie(&cookie, other_password).expect_err("wrong password");

        let api_keys = [emu.api_key().to_owned(), "sk_test_retries".to_owned()];
        let mut texts = Vec::new();
        for (token, e) in &errors {
            let pieces: Vec<&str> = token.split('.').filter(|p| p.len() > 8).collect();
            for text in [e.to_string(), format!("{e:?}")] {
                assert!(!text.contains(token.as_str()), "{text}");
                for piece in &pieces {
                    assert!(!text.contains(piece), "{text} holds part of the token");
                }
                texts.push(text);
            }
        }
        for text in [sealed_error.to_string(), format!("{sealed_error:?}")] {
            for secret in [password, other_password, cookie.as_str(), good.as_str(), "refresh_secret_01"] {
                assert!(!text.contains(secret), "{text}");
            }
            texts.push(text);
        }
        texts.push(format!("{verifier:?}"));
        texts.push(format!("{failing:?}"));
        let log = String::from_utf8(captured.0.lock().expect("log").clone()).expect("utf-8");
        assert!(log.contains("access token not accepted"), "the refusals are logged: {log}");
        assert!(log.contains("the JWKS fetch failed"), "the failed fetch is logged: {log}");
        texts.push(log);
        for text in &texts {
            for key in &api_keys {
                assert!(!text.contains(key.as_str()), "{text} holds the API key");
            }
            for token in tokens.iter().chain([&good]) {
                let signature = token.split('.').nth(2).unwrap_or_default();
                assert!(signature.len() < 8 || !text.contains(signature), "{text} holds a signature");
                assert!(!text.contains(token.as_str()), "{text} holds a token");
            }
            assert!(!text.contains("\"value\"") && !text.contains(password), "{text}");
        }
        assert_each_names_its_check(&errors);
    }

    /// The tokens of [`token_refusals_and_logs_name_the_check_never_the_token_or_keys`], one per
    /// check, in the order of [`assert_each_names_its_check`], and the good token they come from.
    fn refused_tokens(kid: &str, base: &str) -> (Vec<String>, String) {
        let mut tokens = Vec::new();
        let mut with = |change: &dyn Fn(&mut Value)| {
            let mut claims = user_claims(base);
            change(&mut claims);
            tokens.push(forge(kid, &claims));
        };
        with(&|c| drop(c.as_object_mut().expect("object").remove("sid")));
        with(&|c| c["sub_type"] = json!("widget"));
        with(&|c| c["sub_profile"] = json!("agent"));
        with(&|c| c["iss"] = json!("https://evil.example.com"));
        with(&|c| c["exp"] = json!(now() - 60));
        with(&|c| c["nbf"] = json!(now() + 600));
        with(&|c| c["roles"] = json!({"secret": "value"}));
        let good = forge(kid, &user_claims(base));
        let parts: Vec<&str> = good.split('.').collect();
        tokens.push(format!("{}.{}.{}AAAA", parts[0], parts[1], &parts[2][..parts[2].len() - 4]));
        tokens.push(format!("{}.{}", parts[0], parts[1]));
        tokens.push(format!("{}.{}.{}", parts[0], tokens[0].split('.').nth(1).expect("claims"), parts[2]));
        (tokens, good)
    }

    /// Each refusal names its check: the forged tokens', then the failing JWKS's two.
    fn assert_each_names_its_check(errors: &[(String, TokenError)]) {
        let named: Vec<String> = errors.iter().map(|(_, e)| e.to_string()).collect();
        for (i, expected) in [
            "no `sid` claim",
            "by its `sub_type` claim",
            "by its `sub_profile` claim",
            "`iss` is not an accepted issuer",
            "expired",
            "not valid yet",
            "`roles` is not a list of strings",
            "bad signature",
            "malformed",
            "bad signature",
            "fetching the JWKS",
            "the JWKS is unavailable",
        ]
        .iter()
        .enumerate()
        {
            assert!(named[i].contains(expected), "{i}: {} lacks {expected}", named[i]);
        }
    }
}
