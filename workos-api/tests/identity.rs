//! Sign-ins beyond the password, against the emulator: a seeded user through SSO, a second
//! factor whose codes an authenticator app (`totp-rs`) computes, an organization that requires
//! SSO, a Radar challenge, and a device that polls until its user approves it.
#![cfg(all(feature = "sessions", feature = "sso", feature = "mfa"))]

use std::time::Duration;

use workos_api::prelude::*;
use workos_api::redirects::SsoAuthorizeUrlParams;
use workos_api::sessions::{AuthKit, PendingAuthentication};
use workos_api::types::{
    AuthorizeSsoLogoutBody, ChallengeAuthenticationFactorDto, EnrollUserlandUserAuthenticationFactorDto,
};
use workos_emulator::{Emulator, Seed};

const CLIENT_ID: &str = "client_identity";

async fn emulator(extra: serde_json::Value) -> Emulator {
    let mut seed = serde_json::json!({
        "environment_roles": [{"slug": "member", "name": "Member"}],
        "organizations": ["Acme"],
        "users": [
            {"email": "ada@acme.test", "password": "ada-password", "first_name": "Ada",
             "memberships": [{"organization": "Acme"}]},
            {"email": "sam@strict.test", "password": "sam-password", "memberships": [{"organization": "Acme"}]},
        ],
        "connections": [
            {"name": "Acme Okta", "organization": "Acme", "connection_type": "OktaSAML", "domains": ["acme.test"]},
            {"name": "Strict", "organization": "Acme", "domains": ["strict.test"], "required": true},
        ],
    });
    if let (Some(seed), serde_json::Value::Object(extra)) = (seed.as_object_mut(), extra) {
        seed.extend(extra);
    }
    let seed: Seed = serde_json::from_value(seed).expect("a valid seed");
    Emulator::builder().seed(seed).start().await.expect("emulator")
}

fn client(emu: &Emulator) -> Client {
    Client::builder().base_url(emu.base_url()).api_key(emu.api_key()).build().expect("client")
}

/// Follows a browser redirect's `Location` no further, and reads its `code`.
async fn code_from(url: &str) -> String {
    let browser =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");
    let answer = browser.get(url).send().await.expect("redirect");
    assert_eq!(answer.status(), 302, "{}", answer.text().await.unwrap_or_default());
    let location = answer.headers()["location"].to_str().expect("location").to_owned();
    let url = url::Url::parse(&location).expect("a URL");
    url.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned()).expect("a code")
}

#[tokio::test]
async fn a_seeded_user_signs_in_through_sso_and_out_again() -> Result<(), Box<dyn std::error::Error>> {
    let emu = emulator(serde_json::json!({})).await;
    let client = client(&emu);
    let sso = client.sso();
    let connections = sso.list_connections().domain("acme.test").await?;
    let connection = &connections.data[0];
    assert_eq!(connection.name, "Acme Okta");

    let request = sso.authorization_url(
        &SsoAuthorizeUrlParams::new(CLIENT_ID, "https://app.test/sso")
            .connection(&connection.id)
            .login_hint("ada@acme.test")
            .state("opaque"),
    )?;
    assert_eq!(request.state, "opaque");
    let signed_in = sso.profile_and_token(CLIENT_ID, &code_from(request.url.as_str()).await).await?;
    assert_eq!(signed_in.profile.email, "ada@acme.test");
    assert_eq!(signed_in.profile.connection_id, connection.id);
    assert_eq!(signed_in.profile.first_name.as_deref(), Some("Ada"));
    assert_eq!(sso.profile(&signed_in.access_token).await?.id, signed_in.profile.id);
    // The code was single use.
    let err = sso.profile_and_token(CLIENT_ID, "code_used").await.expect_err("an unknown code");
    assert_eq!(err.code(), Some("invalid_grant"));

    let logout =
        sso.authorize_sso_logout(AuthorizeSsoLogoutBody { profile_id: signed_in.profile.id.clone() }).await?;
    let logout = logout.0.expect("a logout URL"); // the document also allows an empty 201
    assert_eq!(reqwest::get(&logout.logout_url).await?.status(), 200);
    let err = sso.profile(&signed_in.access_token).await.expect_err("signed out");
    assert!(err.is_unauthorized(), "{err}");
    Ok(())
}

#[tokio::test]
async fn a_second_factor_from_an_authenticator_app_finishes_the_sign_in()
-> Result<(), Box<dyn std::error::Error>> {
    let emu = emulator(serde_json::json!({"authentication": {"mfa_required": true}})).await;
    let client = client(&emu);
    let authkit = AuthKit::new(client.clone(), CLIENT_ID);

    // No factor yet: enroll one, then answer its first challenge with the app's code.
    let err = authkit.authenticate_with_password("ada@acme.test", "ada-password").await.expect_err("MFA");
    let pending = PendingAuthentication::from_error(&err).expect("a pending sign-in");
    assert!(pending.needs_mfa_enrollment(), "{pending:?}");
    let user = pending.user_id().expect("the user");
    let enrolled = client
        .user_management()
        .enroll_user_authentication_factor(
            user,
            EnrollUserlandUserAuthenticationFactorDto::new().totp_issuer("Acme"),
        )
        .await?;
    let uri = enrolled.authentication_factor.totp.as_ref().map(|t| t.uri.clone()).expect("a TOTP URI");
    let app = totp_rs::TOTP::from_url_unchecked(&uri)?;
    let code = app.generate_current()?;
    let wrong =
        authkit.authenticate_with_totp(&pending, &enrolled.authentication_challenge.id, "000000x").await;
    assert_eq!(wrong.expect_err("a wrong code").code(), Some("invalid_one_time_code"));
    let signed_in =
        authkit.authenticate_with_totp(&pending, &enrolled.authentication_challenge.id, &code).await?;
    assert_eq!(signed_in.user.email, "ada@acme.test");

    // Next time the factor is challenged; the code just used is refused.
    let err = authkit.authenticate_with_password("ada@acme.test", "ada-password").await.expect_err("MFA");
    let pending = PendingAuthentication::from_error(&err).expect("a pending sign-in");
    assert!(pending.needs_mfa_challenge(), "{pending:?}");
    let factor = &pending.authentication_factors[0];
    assert_eq!(
        (factor.id.as_str(), factor.kind.as_str()),
        (enrolled.authentication_factor.id.as_str(), "totp")
    );
    let challenge = client
        .mfa()
        .challenge_authentication_factor(&factor.id, ChallengeAuthenticationFactorDto::default())
        .await?;
    let reused = authkit.authenticate_with_totp(&pending, &challenge.id, &code).await;
    assert_eq!(reused.expect_err("a reused code").code(), Some("invalid_one_time_code"));
    Ok(())
}

#[tokio::test]
async fn an_organization_that_requires_sso_sends_its_users_there() -> Result<(), Box<dyn std::error::Error>> {
    let emu = emulator(serde_json::json!({})).await;
    let authkit = AuthKit::new(client(&emu), CLIENT_ID);
    let err = authkit.authenticate_with_password("sam@strict.test", "sam-password").await.expect_err("SSO");
    let pending = PendingAuthentication::from_error(&err).expect("a pending sign-in");
    assert!(pending.needs_sso(), "{pending:?}");
    assert_eq!(pending.connection_ids.len(), 1);
    let url = authkit.sso_authorization_url(&pending, "https://app.test/callback").state("s").build()?.url;
    assert!(url.as_str().contains(&pending.connection_ids[0]));
    let signed_in = authkit.authenticate_with_code(&code_from(url.as_str()).await, None).await?;
    assert_eq!(signed_in.user.email, "sam@strict.test");
    Ok(())
}

#[tokio::test]
async fn a_radar_email_challenge_continues_with_the_emailed_code() -> Result<(), Box<dyn std::error::Error>> {
    let emu = emulator(serde_json::json!({"authentication": {"radar_challenge": "email"}})).await;
    let authkit = AuthKit::new(client(&emu), CLIENT_ID);
    let err = authkit.authenticate_with_password("ada@acme.test", "ada-password").await.expect_err("Radar");
    let pending = PendingAuthentication::from_error(&err).expect("a pending sign-in");
    assert!(pending.needs_radar_email_challenge(), "{pending:?}");
    let email = emu.emails().into_iter().rev().find(|e| e.kind == "radar_challenge").expect("an email");
    let signed_in = authkit
        .authenticate_with_radar_email_challenge(&pending, email.code.as_deref().expect("a code"))
        .await?;
    assert_eq!(signed_in.user.email, "ada@acme.test");
    Ok(())
}

/// The user approves at the verification URI (the emulator's stand-in for the login page).
async fn approve(verification_uri: &str, user_code: &str, query: &str) {
    let url = format!("{verification_uri}?user_code={user_code}&{query}");
    let answer = reqwest::get(url).await.expect("verification page");
    assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap_or_default());
}

#[tokio::test]
async fn a_device_polls_until_its_user_approves_it() -> Result<(), Box<dyn std::error::Error>> {
    let emu = emulator(serde_json::json!({"authentication": {"device_poll_interval_secs": 1}})).await;
    let authkit = AuthKit::new(client(&emu), CLIENT_ID);
    let device = authkit.start_device_authorization().await?;
    assert_eq!(device.interval, Duration::from_secs(1));
    assert_eq!(device.user_code.len(), 9);
    let (uri, code) = (device.verification_uri.clone(), device.user_code.clone());
    let user = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        approve(&uri, &code, "login_hint=ada%40acme.test").await;
    });
    let signed_in = authkit.poll_device_authorization(&device).await?;
    user.await?;
    assert_eq!(signed_in.user.email, "ada@acme.test");
    // It polled after each interval: pending at least once, never too soon.
    let polls = emu.count("POST", "/user_management/authenticate");
    assert!((2..=3).contains(&polls), "{polls} polls");

    // Refused.
    let device = authkit.start_device_authorization().await?;
    approve(&device.verification_uri, &device.user_code, "deny=true").await;
    let err = authkit.poll_device_authorization(&device).await.expect_err("denied");
    assert!(err.is_denied(), "{err}");
    Ok(())
}
