//! A public client (a CLI's, a desktop or mobile app's: a client id and no API key) against the
//! emulator: the AuthKit sign-in with PKCE, token verification through the JWKS, the refresh,
//! the logout URL, the device flow; the calls that need the API key refused before sending; and
//! `Client::from_lookup` reading `WORKOS_CLIENT_ID`.
//!
//! The client talks to a relay in front of the emulator, which records each request as the
//! client sent it (its `Authorization` header, its JSON body) and forwards it unchanged. WorkOS
//! takes a public client's code, refresh-token and device-code grants without the API key (the
//! document: `client_secret` "may be omitted by public clients"; the Node SDK's public client
//! sends none), and so does the emulator.
#![cfg(feature = "sessions")]

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::AsyncWriteExt as _;
use workos_api::prelude::*;
use workos_api::sessions::{AuthKit, Pkce, Session, SessionVerifier};
use workos_api::types::AuthenticateBody;
use workos_api::{ClientBuilder, ConfigError};
use workos_emulator::{Emulator, Seed};

const CLIENT_ID: &str = "client_public";
const PASSWORD: &str = "a-cookie-password-of-at-least-32-chars";
const AUTHENTICATE: &str = "/user_management/authenticate";

async fn emulator(extra: serde_json::Value) -> Emulator {
    let mut seed = serde_json::json!({
        "environment_roles": [{"slug": "member", "name": "Member"}],
        "organizations": ["Acme"],
        "users": [{"email": "ada@acme.test", "password": "ada-password", "memberships": [{"organization": "Acme"}]}],
    });
    if let (Some(seed), serde_json::Value::Object(extra)) = (seed.as_object_mut(), extra) {
        seed.extend(extra);
    }
    let seed: Seed = serde_json::from_value(seed).expect("a valid seed");
    Emulator::builder().seed(seed).start().await.expect("emulator")
}

/// A request as the client sent it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    authorization: Option<String>,
    body: Option<serde_json::Value>,
}

/// Records and forwards every request to the emulator (its `Host` header kept, so the emulator
/// writes the relay's address in issuers and verification URIs).
struct Relay {
    base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Relay {
    async fn start(emu: &Emulator) -> Relay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (upstream, log) = (emu.base_url().to_owned(), seen.clone());
        let http =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let (upstream, log, http) = (upstream.clone(), log.clone(), http.clone());
                tokio::spawn(relay(stream, upstream, log, http));
            }
        });
        Relay { base_url, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("log").clone()
    }

    fn calls_to(&self, method: &str, path: &str) -> Vec<Seen> {
        self.seen().into_iter().filter(|s| s.method == method && s.path == path).collect()
    }

    /// A public client through the relay.
    fn public_client(&self) -> Client {
        ClientBuilder::default().public_client(CLIENT_ID).base_url(&self.base_url).build().expect("client")
    }
}

async fn relay(
    mut stream: tokio::net::TcpStream,
    upstream: String,
    log: Arc<Mutex<Vec<Seen>>>,
    http: reqwest::Client,
) {
    let mut buf = Vec::new();
    while let Some((seen, body)) = support::read_request(&mut stream, &mut buf).await {
        let support::Seen { method, path: target, headers } = seen;
        let header =
            |name: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
        let path = target.split('?').next().unwrap_or_default().to_owned();
        let authorization = header("authorization");
        log.lock().expect("log").push(Seen {
            method: method.clone(),
            path: path.clone(),
            authorization: authorization.clone(),
            body: serde_json::from_slice(&body).ok(),
        });
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut forward = http.request(method, format!("{upstream}{target}")).body(body);
        for (name, value) in &headers {
            if !matches!(name.to_ascii_lowercase().as_str(), "content-length" | "connection") {
                forward = forward.header(name, value);
            }
        }
        let Ok(answer) = forward.send().await else { return };
        let status = answer.status().as_u16();
        let mut head = format!("HTTP/1.1 {status} X\r\n");
        for (name, value) in answer.headers() {
            if !matches!(name.as_str(), "content-length" | "transfer-encoding" | "connection") {
                head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap_or_default()));
            }
        }
        let body = answer.bytes().await.unwrap_or_default();
        head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
        let mut out = head.into_bytes();
        out.extend_from_slice(&body);
        if stream.write_all(&out).await.is_err() {
            return;
        }
    }
}

fn query(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// Follows `url` like a browser, one step, and returns where it was sent.
async fn follow(url: &url::Url) -> url::Url {
    let browser =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");
    let answer = browser.get(url.as_str()).send().await.expect("browser");
    assert_eq!(answer.status(), 302, "{}", answer.text().await.unwrap_or_default());
    let location = answer.headers()["location"].to_str().expect("location");
    url::Url::parse(location).expect("a URL")
}

/// The bodies of the `authenticate` calls of `grant_type` the client made, after checking that
/// none of its `authenticate` calls had an `Authorization` header or a client secret.
fn public_grants(relay: &Relay, grant_type: &str) -> Vec<serde_json::Value> {
    let mut bodies = Vec::new();
    for call in relay.calls_to("POST", AUTHENTICATE) {
        assert_eq!(call.authorization, None, "{call:?}");
        let body = call.body.expect("a JSON body");
        assert_eq!(body["client_id"], CLIENT_ID, "{body}");
        assert!(body.get("client_secret").is_none(), "{body}");
        if body["grant_type"] == grant_type {
            bodies.push(body);
        }
    }
    assert!(!bodies.is_empty(), "no {grant_type} call");
    bodies
}

#[tokio::test]
async fn a_public_client_signs_in_with_pkce_refreshes_and_logs_out() -> Result<(), Box<dyn std::error::Error>>
{
    let emu = emulator(serde_json::json!({})).await;
    let relay = Relay::start(&emu).await;
    let client = relay.public_client();
    assert!(client.is_public());
    assert_eq!(client.client_id(), Some(CLIENT_ID));
    let authkit = client.authkit()?;

    // The authorization URL: PKCE, and a state generated, returned, and brought back.
    let pkce = Pkce::new()?;
    let request = authkit
        .authorization_url("http://127.0.0.1:8484/callback")
        .pkce(&pkce)
        .login_hint("ada@acme.test")
        .build()?;
    assert_eq!(request.state.len(), 43);
    assert_eq!(query(&request.url, "state").as_deref(), Some(request.state.as_str()));
    assert_eq!(query(&request.url, "code_challenge").as_deref(), Some(pkce.challenge()));
    let callback = follow(&request.url).await;
    assert!(request.state_matches(query(&callback, "state").as_deref()), "{callback}");
    let code = query(&callback, "code").expect("a code");

    // The exchange: the verifier, no client secret, no Authorization header.
    let answer = authkit.authenticate_with_code(&code, Some(&pkce)).await?;
    assert_eq!(answer.user.email, "ada@acme.test");
    let [exchange] = public_grants(&relay, "authorization_code").try_into().expect("one exchange");
    assert_eq!(exchange["code_verifier"], pkce.verifier());

    // The token verifies through the JWKS, fetched by the public client.
    let verifier = SessionVerifier::from_client(&client)?;
    let claims = verifier.verify(&answer.access_token).await?;
    assert_eq!(claims.sub, answer.user.id);
    assert_eq!(relay.calls_to("GET", &format!("/sso/jwks/{CLIENT_ID}")).len(), 1);

    // The refresh: the refresh token alone.
    let session = Session::from_response(&answer)?;
    let (refreshed, cookie) = authkit.refresh(&session, PASSWORD).await?;
    assert_ne!(refreshed.cookie.refresh_token, session.cookie.refresh_token);
    assert_eq!(verifier.verify(&refreshed.cookie.access_token).await?.sid, claims.sid);
    let refreshes = public_grants(&relay, "refresh_token");
    assert_eq!(refreshes.len(), 1);
    assert_eq!(refreshes[0]["refresh_token"], session.cookie.refresh_token.as_str());

    // The logout URL ends the session at WorkOS, then sends the browser to return_to.
    let session = Session::from_cookie(&cookie, PASSWORD)?;
    assert_eq!(session.session_id()?, claims.sid);
    let bare = session.logout_url(&client, None)?;
    assert_eq!(
        bare.as_str(),
        format!("{}/user_management/sessions/logout?session_id={}", relay.base_url, claims.sid)
    );
    let url = session.logout_url(&client, Some("https://app.test/signed-out"))?;
    assert_eq!(url.path(), "/user_management/sessions/logout");
    assert_eq!(query(&url, "session_id").as_deref(), Some(claims.sid.as_str()));
    assert_eq!(query(&url, "return_to").as_deref(), Some("https://app.test/signed-out"));
    assert_eq!(follow(&url).await.as_str(), "https://app.test/signed-out");
    let ended = authkit
        .authenticate_with_refresh_token(&session.cookie.refresh_token, None)
        .await
        .expect_err("the session was ended");
    assert_eq!(ended.code(), Some("invalid_grant"), "{ended}");

    // Nothing the client sent carried an Authorization header.
    let seen = relay.seen();
    assert!(seen.iter().all(|s| s.authorization.is_none()), "{seen:#?}");
    Ok(())
}

/// The user approves at the verification URI (the emulator's stand-in for the login page).
async fn approve(verification_uri: &str, user_code: &str) {
    let url = format!("{verification_uri}?user_code={user_code}&login_hint=ada%40acme.test");
    let answer = reqwest::get(url).await.expect("verification page");
    assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap_or_default());
}

#[tokio::test]
async fn a_public_client_signs_a_device_in() -> Result<(), Box<dyn std::error::Error>> {
    let emu = emulator(serde_json::json!({"authentication": {"device_poll_interval_secs": 1}})).await;
    let relay = Relay::start(&emu).await;
    let authkit = relay.public_client().authkit()?;
    let device = authkit.start_device_authorization().await?;
    let (uri, code) = (device.verification_uri.clone(), device.user_code.clone());
    let user = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        approve(&uri, &code).await;
    });
    let signed_in = authkit.poll_device_authorization(&device).await?;
    user.await?;
    assert_eq!(signed_in.user.email, "ada@acme.test");

    let [start] = relay.calls_to("POST", "/user_management/authorize/device").try_into().expect("one start");
    assert_eq!(start.authorization, None);
    assert_eq!(start.body, Some(serde_json::json!({"client_id": CLIENT_ID})));
    for poll in public_grants(&relay, "urn:ietf:params:oauth:grant-type:device_code") {
        assert_eq!(poll["device_code"], device.device_code.as_str());
    }
    Ok(())
}

#[tokio::test]
async fn calls_that_need_the_api_key_fail_before_sending() -> Result<(), Box<dyn std::error::Error>> {
    let emu = emulator(serde_json::json!({})).await;
    let relay = Relay::start(&emu).await;
    let client = relay.public_client();

    let listed = client.user_management().list_users().await.expect_err("needs the key");
    assert!(listed.is_missing_api_key(), "{listed}");
    assert_eq!(listed.operation(), "list_users");
    assert_eq!(
        listed.to_string(),
        "list_users: needs an API key, and this is a public client (it has none): not sent"
    );

    // The grants that need the client secret, through the helpers and the generated call.
    let authkit = client.authkit()?;
    let by_password = authkit.authenticate_with_password("ada@acme.test", "ada-password").await;
    assert!(by_password.expect_err("needs the secret").is_missing_api_key());
    let by_magic_auth = authkit.authenticate_with_magic_auth("ada@acme.test", "123456").await;
    assert!(by_magic_auth.expect_err("needs the secret").is_missing_api_key());
    let without_verifier = authkit.authenticate_with_code("a-code", None).await;
    assert!(without_verifier.expect_err("needs the verifier or the secret").is_missing_api_key());
    let raw = AuthenticateBody::Unknown(serde_json::json!({
        "grant_type": "password", "client_id": CLIENT_ID, "email": "ada@acme.test", "password": "ada-password",
    }));
    let generated = client.user_management().authenticate(raw).await.expect_err("needs the secret");
    assert!(generated.is_missing_api_key(), "{generated}");
    #[cfg(feature = "sso")]
    {
        let sso = client.sso().profile_and_token(CLIENT_ID, "a-code").await.expect_err("needs the key");
        assert!(sso.is_missing_api_key(), "{sso}");
    }
    let seen = relay.seen();
    assert!(seen.is_empty(), "sent: {seen:#?}");

    // A call given its own credential is sent with it.
    let users = client
        .user_management()
        .list_users()
        .header("authorization", format!("Bearer {}", emu.api_key()))
        .await?;
    assert_eq!(users.data.len(), 1);
    let [sent] = relay.seen().try_into().expect("one call");
    assert_eq!(sent.path, "/user_management/users");
    assert!(sent.authorization.is_some());
    Ok(())
}

#[tokio::test]
async fn from_lookup_keeps_workos_client_id_for_the_helpers() -> Result<(), Box<dyn std::error::Error>> {
    let emu = emulator(serde_json::json!({})).await;
    let (key, base_url) = (emu.api_key().to_owned(), emu.base_url().to_owned());
    let env = |client_id: Option<&'static str>| {
        let (key, base_url) = (key.clone(), base_url.clone());
        move |name: &str| match name {
            "WORKOS_API_KEY" => Some(key.clone()),
            "WORKOS_BASE_URL" => Some(base_url.clone()),
            "WORKOS_CLIENT_ID" => client_id.map(str::to_owned),
            _ => None,
        }
    };
    let client = Client::from_lookup(env(Some(CLIENT_ID)))?;
    assert_eq!(client.client_id(), Some(CLIENT_ID));
    assert!(!client.is_public());
    let signed_in = client.authkit()?.authenticate_with_password("ada@acme.test", "ada-password").await?;
    let claims = SessionVerifier::from_client(&client)?.verify(&signed_in.access_token).await?;
    assert_eq!(claims.iss, Some(format!("{}/user_management/{CLIENT_ID}", emu.base_url())));

    let without = Client::from_lookup(env(None))?;
    assert_eq!(without.client_id(), None);
    assert!(matches!(without.authkit(), Err(ConfigError::MissingClientId)));
    assert!(matches!(SessionVerifier::from_client(&without), Err(ConfigError::MissingClientId)));
    // The explicit constructor keeps working without one.
    let explicit = AuthKit::new(without, CLIENT_ID);
    explicit.authenticate_with_password("ada@acme.test", "ada-password").await?;
    Ok(())
}
