//! AuthKit end to end against the emulator, which plays WorkOS: the authorization URL with PKCE,
//! the code exchange, access-token verification through the JWKS (claims from the emulator's
//! memberships and roles), the sealed cookie, the refresh, and each way a token is rejected.
#![cfg(feature = "sessions")]

use std::time::Duration;

use workos_api::prelude::*;
use workos_api::sessions::{AuthKit, PendingAuthentication, Pkce, Session, SessionVerifier};
use workos_api::types::{
    AddRolePermissionDto, AuthenticateBodyPassword, CreateAuthorizationPermissionDto,
    CreateOrganizationRoleDto, CreateUserlandUserDtoPassword,
    CreateUserlandUserOrganizationMembershipDtoRoleSlug, OrganizationDto,
};
use workos_emulator::{Emulator, Seed, SeedAuthentication};

const CLIENT_ID: &str = "client_e2e";
const PASSWORD: &str = "a-cookie-password-of-at-least-32-chars";

fn client(emu: &Emulator) -> Client {
    Client::builder().base_url(emu.base_url()).api_key(emu.api_key()).build().expect("client")
}

/// An organization with a `billing-admin` role granting `invoices:read`, and Ada, a member with it.
async fn seed(client: &Client) -> Result<String, ApiError> {
    let authorization = client.authorization();
    authorization
        .create_permission(CreateAuthorizationPermissionDto::new("invoices:read", "Read invoices"))
        .await?;
    let org = client.organizations().create_organization(OrganizationDto::new("Acme")).await?;
    authorization
        .create_organization_role(
            &org.id,
            CreateOrganizationRoleDto::new("Billing admin").slug("org-billing-admin"),
        )
        .await?;
    authorization
        .add_organization_role_permission(
            &org.id,
            "org-billing-admin",
            AddRolePermissionDto::new("invoices:read"),
        )
        .await?;
    let ada = client
        .user_management()
        .create_user(CreateUserlandUserDtoPassword::new("ada@example.com").password("correct horse battery"))
        .await?;
    client
        .user_management()
        .create_organization_membership(CreateUserlandUserOrganizationMembershipDtoRoleSlug::new(
            &ada.id,
            &org.id,
            "org-billing-admin",
        ))
        .await?;
    Ok(org.id)
}

/// Follows the authorization URL like a browser would and returns the redirect's `code`.
async fn browser_login(url: &str, expected_state: &str) -> String {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");
    let answer = http.get(url).send().await.expect("authorize");
    assert_eq!(answer.status(), 302, "{}", answer.text().await.unwrap_or_default());
    let location = answer.headers()["location"].to_str().expect("location").to_owned();
    let location = reqwest::Url::parse(&location).expect("a URL");
    let param = |name: &str| location.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    assert_eq!(param("state").as_deref(), Some(expected_state));
    param("code").expect("a code")
}

#[tokio::test]
async fn login_verify_seal_and_refresh() -> Result<(), Box<dyn std::error::Error>> {
    let emu = Emulator::start().await?;
    let client = client(&emu);
    let org_id = seed(&client).await?;

    let authkit = AuthKit::new(client.clone(), CLIENT_ID);
    let pkce = Pkce::new()?;
    let request = authkit
        .authorization_url("https://app.example.com/callback")
        .state("st4te")
        .pkce(&pkce)
        .login_hint("ada@example.com")
        .build()?;
    assert_eq!(request.state, "st4te");
    let url = request.url;
    assert!(url.as_str().contains("provider=authkit") && url.as_str().contains("code_challenge_method=S256"));
    let code = browser_login(url.as_str(), "st4te").await;

    // The wrong verifier is refused, and the code is spent by that attempt.
    let wrong = authkit.authenticate_with_code(&code, Some(&Pkce::new()?)).await.expect_err("wrong verifier");
    assert_eq!(wrong.code(), Some("invalid_grant"), "{wrong}");
    let code = browser_login(url.as_str(), "st4te").await;
    let answer = authkit.authenticate_with_code(&code, Some(&pkce)).await?;
    assert_eq!(answer.user.email, "ada@example.com");
    assert_eq!(answer.organization_id.as_deref(), Some(org_id.as_str()));

    let verifier = SessionVerifier::new(client.clone(), CLIENT_ID);
    let claims = verifier.verify(&answer.access_token).await?;
    assert_eq!(claims.sub, answer.user.id);
    assert_eq!(claims.org_id.as_deref(), Some(org_id.as_str()));
    assert_eq!(claims.role.as_deref(), Some("org-billing-admin"));
    assert!(claims.has_permission("invoices:read") && !claims.has_permission("invoices:write"));
    // A user access token as WorkOS issues it: the client's issuer, `auth_time`, `iat`.
    let issuer = format!("{}/user_management/{CLIENT_ID}", emu.base_url());
    assert_eq!(claims.iss.as_deref(), Some(issuer.as_str()));
    assert!(claims.auth_time.is_some() && claims.iat.is_some(), "{claims:?}");
    // A verifier for another client id (so another issuer) refuses it.
    let other = SessionVerifier::new(client.clone(), "client_other").verify(&answer.access_token).await;
    assert!(other.expect_err("another client's issuer").is_wrong_issuer());

    // The cookie: sealed, read back, authenticated, refreshed (same session, new tokens).
    let cookie = Session::from_response(&answer)?.seal(PASSWORD)?;
    let session = Session::from_cookie(&cookie, PASSWORD)?;
    assert_eq!(session.authenticate(&verifier).await?.sid, claims.sid);
    let (refreshed, new_cookie) = authkit.refresh(&session, PASSWORD).await?;
    assert_ne!(refreshed.cookie.refresh_token, session.cookie.refresh_token);
    assert_eq!(Session::from_cookie(&new_cookie, PASSWORD)?.authenticate(&verifier).await?.sid, claims.sid);
    let reused = authkit.refresh(&session, PASSWORD).await.expect_err("a refresh token is single use");
    match &reused {
        workos_api::sessions::SessionError::Api(e) => assert_eq!(e.code(), Some("invalid_grant"), "{e}"),
        other => panic!("expected WorkOS's refusal, got {other}"),
    }

    // The password grant, through the generated operation.
    let by_password = client
        .user_management()
        .authenticate(AuthenticateBodyPassword::new(
            CLIENT_ID,
            emu.api_key(),
            "ada@example.com",
            "correct horse battery",
        ))
        .await?;
    assert!(verifier.verify(&by_password.access_token).await?.has_permission("invoices:read"));
    Ok(())
}

#[tokio::test]
async fn each_bad_token_is_rejected_with_its_own_error() -> Result<(), Box<dyn std::error::Error>> {
    let emu = Emulator::builder().access_token_ttl(Duration::from_secs(1)).start().await?;
    let client = client(&emu);
    seed(&client).await?;
    let authkit = AuthKit::new(client.clone(), CLIENT_ID);
    let code = browser_login(
        authkit
            .authorization_url("https://app.example.com/cb")
            .state("s")
            .login_hint("ada@example.com")
            .build()?
            .url
            .as_str(),
        "s",
    )
    .await;
    let token = authkit.authenticate_with_code(&code, None).await?.access_token;
    let verifier = SessionVerifier::new(client.clone(), CLIENT_ID).leeway(Duration::ZERO);
    verifier.verify(&token).await?;

    let parts: Vec<&str> = token.split('.').collect();
    let b64 = |v: serde_json::Value| {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    // A changed payload under the original signature.
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        b64(serde_json::json!({"sub": "user_x", "sid": "s", "exp": 9_999_999_999_u64})),
        parts[2]
    );
    assert!(verifier.verify(&forged).await.expect_err("forged").is_bad_signature());
    // `alg: none`.
    let none = format!("{}.{}.", b64(serde_json::json!({"alg": "none", "typ": "JWT"})), parts[1]);
    assert!(verifier.verify(&none).await.expect_err("none").is_algorithm());
    // HS256 keyed with the public key.
    let jwks = client.user_management().get_sso_jwks(CLIENT_ID).await?;
    let hs = jsonwebtoken::encode(
        &jsonwebtoken::Header {
            kid: Some(jwks.keys[0].kid.clone()),
            ..jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256)
        },
        &serde_json::json!({"sub": "user_x", "sid": "s", "exp": 9_999_999_999_u64}),
        &jsonwebtoken::EncodingKey::from_secret(jwks.keys[0].n.as_bytes())?,
    )?;
    assert!(verifier.verify(&hs).await.expect_err("HS256").is_algorithm());
    // A key the JWKS does not have (signed with the emulator's key under another kid).
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(workos_emulator::TEST_ONLY_SIGNING_KEY_PEM)?;
    let unknown = jsonwebtoken::encode(
        &jsonwebtoken::Header {
            kid: Some("kid_unknown".into()),
            ..jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256)
        },
        &serde_json::json!({"sub": "user_x", "sid": "s", "exp": 9_999_999_999_u64}),
        &key,
    )?;
    assert!(verifier.verify(&unknown).await.expect_err("unknown kid").is_unknown_key());
    // Not a JWT.
    assert!(verifier.verify("not-a-token").await.expect_err("malformed").is_malformed());
    // Expired: the emulator's tokens live one second here.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert!(verifier.verify(&token).await.expect_err("expired").is_expired());
    Ok(())
}

#[tokio::test]
async fn a_sign_in_stopped_for_email_verification_then_an_organization_continues()
-> Result<(), Box<dyn std::error::Error>> {
    let emu = Emulator::start().await?;
    let mut steps = SeedAuthentication::default();
    steps.email_verification_required = true;
    steps.organization_selection_required = true;
    emu.seed(&Seed { authentication: Some(steps), ..Default::default() })?;
    let client = client(&emu);
    let acme = seed(&client).await?;
    let globex = client.organizations().create_organization(OrganizationDto::new("Globex")).await?;
    let ada = &client.user_management().list_users().email("ada@example.com").send().await?.data[0];
    client
        .user_management()
        .create_organization_membership(CreateUserlandUserOrganizationMembershipDtoRoleSlug::new(
            &ada.id, &globex.id, "member",
        ))
        .await?;
    let authkit = AuthKit::new(client.clone(), CLIENT_ID);

    // 1. Ada's email is not verified: WorkOS emails her a code.
    let stopped = authkit.authenticate_with_password("ada@example.com", "correct horse battery").await;
    let stopped = stopped.expect_err("stopped for email verification");
    assert!(stopped.is_forbidden(), "{stopped}");
    let pending = PendingAuthentication::from_error(&stopped).expect("a pending sign-in");
    assert!(pending.needs_email_verification(), "{pending:?}");
    assert_eq!(pending.email.as_deref(), Some("ada@example.com"));
    let code = emu
        .emails()
        .into_iter()
        .rev()
        .find(|e| e.to == "ada@example.com" && e.kind == "email_verification")
        .and_then(|e| e.code)
        .expect("a verification code");
    let wrong =
        authkit.authenticate_with_email_verification(&pending, "000000x").await.expect_err("a wrong code");
    assert_eq!(wrong.code(), Some("invalid_one_time_code"), "{wrong}");
    assert_eq!(PendingAuthentication::from_error(&wrong), None, "not a pending sign-in");

    // 2. Verified; she is in two organizations and named none.
    let stopped =
        authkit.authenticate_with_email_verification(&pending, &code).await.expect_err("stopped again");
    let pending = PendingAuthentication::from_error(&stopped).expect("a pending sign-in");
    assert!(pending.needs_organization_selection(), "{pending:?}");
    let ids: Vec<&str> = pending.organizations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, [acme.as_str(), globex.id.as_str()]);

    // 3. Signed in where she chose, with that organization's claims.
    let signed_in = authkit.authenticate_with_organization_selection(&pending, &globex.id).await?;
    assert_eq!(signed_in.organization_id.as_deref(), Some(globex.id.as_str()));
    assert!(signed_in.user.email_verified);
    let claims = SessionVerifier::new(client, CLIENT_ID).verify(&signed_in.access_token).await?;
    assert_eq!(claims.org_id.as_deref(), Some(globex.id.as_str()));
    let reused = authkit.authenticate_with_organization_selection(&pending, &globex.id).await;
    assert_eq!(reused.expect_err("single use").code(), Some("invalid_pending_authentication_token"));
    Ok(())
}
