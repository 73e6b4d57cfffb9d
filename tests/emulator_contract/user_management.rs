//! The scenario's user management part: invitations, magic auth and sessions, the email and
//! password flows, AuthKit settings, and the sign-in steps.

use base64::Engine as _;
use serde_json::{Value, json};

use super::{Scenario, id};

pub(super) async fn invitations(s: &Scenario, org: &str, inviter: &str) {
    let i = "/user_management/invitations";
    let invite = json!({"email": "cat@areas.test", "organization_id": org, "role_slug": "org-reader", "inviter_user_id": inviter});
    let sent = s.call("POST", i, Some(invite.clone()), 201).await;
    assert_eq!(sent["state"], "pending");
    s.call("POST", i, Some(invite), 400).await;
    s.call("POST", i, Some(json!({"email": "dan@areas.test", "organization_id": "org_missing"})), 404).await;
    s.call("POST", i, Some(json!({"email": "dan@areas.test", "expires_in_days": 90})), 400).await;
    s.call("POST", i, Some(json!({"email": "dan@areas.test", "role_slug": "nope"})), 400).await;
    s.call("POST", i, Some(json!({"email": "ben@areas.test"})), 400).await;
    s.call("POST", i, Some(json!({"email": "ann@areas.test", "organization_id": org})), 400).await;
    let iid = id(&sent);
    let token = sent["token"].as_str().expect("a token");
    s.call("GET", &format!("{i}?organization_id={org}&email=cat@areas.test"), None, 200).await;
    s.call("GET", &format!("{i}?limit=101"), None, 422).await;
    s.call("GET", &format!("{i}/{iid}"), None, 200).await;
    s.call("GET", &format!("{i}/invitation_missing"), None, 404).await;
    assert_eq!(id(&s.call("GET", &format!("{i}/by_token/{token}"), None, 200).await), iid);
    s.call("GET", &format!("{i}/by_token/nope"), None, 404).await;
    s.call("POST", &format!("{i}/{iid}/resend"), Some(json!({"locale": "en"})), 200).await;
    s.call("POST", &format!("{i}/invitation_missing/resend"), None, 404).await;
    let accepted = s.call("POST", &format!("{i}/{iid}/accept"), None, 200).await;
    assert_eq!(accepted["state"], "accepted");
    let cat = accepted["accepted_user_id"].as_str().expect("the new user").to_owned();
    let joined =
        s.call("GET", &format!("/user_management/organization_memberships?user_id={cat}"), None, 200).await;
    assert_eq!(joined["data"][0]["role"]["slug"], "org-reader");
    s.call("POST", &format!("{i}/{iid}/accept"), None, 400).await;
    s.call("POST", &format!("{i}/{iid}/resend"), None, 400).await;
    s.call("POST", &format!("{i}/{iid}/revoke"), None, 400).await;
    s.call("POST", &format!("{i}/invitation_missing/accept"), None, 404).await;
    let other = id(&s.call("POST", i, Some(json!({"email": "eve@areas.test"})), 201).await);
    assert_eq!(s.call("POST", &format!("{i}/{other}/revoke"), None, 200).await["state"], "revoked");
}

pub(super) async fn user_flows(s: &Scenario, ann: &str, ben: &str) {
    // Magic auth, and signing in with its code.
    let ma =
        s.call("POST", "/user_management/magic_auth", Some(json!({"email": "ann@areas.test"})), 201).await;
    assert_eq!(ma["user_id"], ann);
    s.call("POST", "/user_management/magic_auth", Some(json!({"email": "not-an-email"})), 422).await;
    s.call("GET", &format!("/user_management/magic_auth/{}", id(&ma)), None, 200).await;
    s.call("GET", "/user_management/magic_auth/magic_auth_missing", None, 404).await;
    let grant = json!({"client_id": "client_1", "client_secret": s.emu.api_key(),
        "grant_type": "urn:workos:oauth:grant-type:magic-auth:code", "email": "ann@areas.test", "code": ma["code"],
        "ip_address": "192.0.2.7", "user_agent": "Mozilla/5.0 (areas)"});
    let signed_in = s.call("POST", "/user_management/authenticate", Some(grant.clone()), 200).await;
    assert_eq!(signed_in["authentication_method"], "MagicAuth");
    assert_eq!(signed_in["user"]["email_verified"], true, "the code came to the address");
    s.call("POST", "/user_management/authenticate", Some(grant), 400).await;

    // Sessions.
    let sessions = s.call("GET", &format!("/user_management/users/{ann}/sessions"), None, 200).await;
    let session = sessions["data"][0]["id"].as_str().expect("a session").to_owned();
    assert_eq!(sessions["data"][0]["auth_method"], "magic_code");
    assert_eq!(sessions["data"][0]["ip_address"], "192.0.2.7");
    assert_eq!(sessions["data"][0]["user_agent"], "Mozilla/5.0 (areas)");
    s.call("GET", "/user_management/users/user_missing/sessions", None, 404).await;
    s.call("POST", "/user_management/sessions/revoke", Some(json!({"session_id": session})), 200).await;
    s.call("POST", "/user_management/sessions/revoke", Some(json!({"session_id": session})), 400).await;
    let refresh = json!({"client_id": "client_1", "client_secret": s.emu.api_key(), "grant_type": "refresh_token",
        "refresh_token": signed_in["refresh_token"]});
    s.call("POST", "/user_management/authenticate", Some(refresh), 400).await;
    assert_eq!(
        s.call("GET", &format!("/user_management/users/{ann}/identities"), None, 200).await,
        json!([])
    );
    s.call("GET", "/user_management/users/user_missing/identities", None, 404).await;

    email_flows(s, ann, ben).await;
}

/// Email verification, email change, and a password reset followed by the password grant.
async fn email_flows(s: &Scenario, ann: &str, ben: &str) {
    // Email verification.
    let sent =
        s.call("POST", &format!("/user_management/users/{ben}/email_verification/send"), None, 200).await;
    assert_eq!(sent["user"]["email_verified"], false);
    s.call(
        "POST",
        &format!("/user_management/users/{ben}/email_verification/confirm"),
        Some(json!({"code": "000000x"})),
        400,
    )
    .await;
    let events = s.call("GET", "/events?events=email_verification.created&limit=1", None, 200).await;
    let verification = events["data"][0]["data"]["id"].as_str().expect("an email verification").to_owned();
    let record =
        s.call("GET", &format!("/user_management/email_verification/{verification}"), None, 200).await;
    let confirm = json!({"code": record["code"]});
    let verified = s
        .call("POST", &format!("/user_management/users/{ben}/email_verification/confirm"), Some(confirm), 200)
        .await;
    assert_eq!(verified["user"]["email_verified"], true);
    s.call("POST", &format!("/user_management/users/{ben}/email_verification/send"), None, 400).await;
    s.call("POST", "/user_management/users/user_missing/email_verification/send", None, 404).await;
    s.call("GET", "/user_management/email_verification/email_verification_missing", None, 404).await;

    // Email change.
    let change = format!("/user_management/users/{ben}/email_change");
    s.call("POST", &format!("{change}/send"), Some(json!({"new_email": "ann@areas.test"})), 409).await;
    let pending = s
        .call("POST", &format!("{change}/send"), Some(json!({"new_email": "benjamin@areas.test"})), 200)
        .await;
    assert_eq!(pending["new_email"], "benjamin@areas.test");
    s.call("POST", &format!("{change}/confirm"), Some(json!({"code": "nope"})), 400).await;
    let email = s.emu.emails().into_iter().rev().find(|e| e.kind == "email_change").expect("a code was sent");
    assert_eq!(email.to, "benjamin@areas.test");
    let changed = s.call("POST", &format!("{change}/confirm"), Some(json!({"code": email.code})), 200).await;
    assert_eq!(changed["user"]["email"], "benjamin@areas.test");
    s.call(
        "POST",
        "/user_management/users/user_missing/email_change/send",
        Some(json!({"new_email": "x@y.test"})),
        404,
    )
    .await;

    // Password reset, then the password grant with the new password.
    let r = "/user_management/password_reset";
    let reset = s.call("POST", r, Some(json!({"email": "ann@areas.test"})), 201).await;
    s.call("POST", r, Some(json!({"email": "nobody@areas.test"})), 404).await;
    s.call("GET", &format!("{r}/{}", id(&reset)), None, 200).await;
    s.call("GET", &format!("{r}/password_reset_missing"), None, 404).await;
    let token = reset["password_reset_token"].clone();
    s.call("POST", &format!("{r}/confirm"), Some(json!({"token": token, "new_password": "short"})), 422)
        .await;
    s.call(
        "POST",
        &format!("{r}/confirm"),
        Some(json!({"token": "nope", "new_password": "long-enough-1"})),
        404,
    )
    .await;
    let done = s
        .call(
            "POST",
            &format!("{r}/confirm"),
            Some(json!({"token": token, "new_password": "second-password"})),
            200,
        )
        .await;
    assert_eq!(done["user"]["id"], ann);
    s.call(
        "POST",
        &format!("{r}/confirm"),
        Some(json!({"token": token, "new_password": "third-password"})),
        400,
    )
    .await;
    let password = json!({"client_id": "client_1", "client_secret": s.emu.api_key(), "grant_type": "password",
        "email": "ann@areas.test", "password": "second-password"});
    s.call("POST", "/user_management/authenticate", Some(password), 200).await;
}

pub(super) async fn authkit_settings(s: &Scenario) {
    let t = "/user_management/jwt_template";
    assert_eq!(s.call("GET", t, None, 200).await["content"], "{}");
    let content = r#"{"department": "{{ user.metadata.department }}", "email": "{{ user.email }}"}"#;
    s.call("PUT", t, Some(json!({"content": content})), 200).await;
    assert_eq!(s.call("GET", t, None, 200).await["content"], content);
    // Tokens issued now carry the template's claims.
    let login = json!({"client_id": "client_1", "client_secret": s.emu.api_key(), "grant_type": "password",
        "email": "ann@areas.test", "password": "second-password"});
    let tokens = s.call("POST", "/user_management/authenticate", Some(login.clone()), 200).await;
    let templated = claims(&tokens);
    assert!(
        templated.get("department").is_some_and(Value::is_null),
        "the user has no department: {templated}"
    );
    assert_eq!(templated["email"], "ann@areas.test");
    s.call("PUT", t, Some(json!({"content": "[1, 2]"})), 422).await;
    s.call("PUT", t, Some(json!({"content": "{nope"})), 422).await;
    let r = "/user_management/redirect_uris";
    let first = s.call("POST", r, Some(json!({"uri": "https://app.test/callback"})), 201).await;
    assert_eq!(first["default"], true);
    let second = s.call("POST", r, Some(json!({"uri": "https://*.app.test/callback"})), 201).await;
    assert_eq!(second["default"], false);
    s.call("POST", r, Some(json!({"uri": "https://app.test/callback"})), 400).await;
    s.call("POST", r, Some(json!({"uri": "not a url"})), 422).await;
    // Now only those receive authorization codes.
    let browser =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");
    let authorize = |to: &str| {
        format!(
            "{}/user_management/authorize?client_id=client_1&response_type=code&provider=authkit&login_hint=ann%40areas.test&redirect_uri={to}",
            s.emu.base_url()
        )
    };
    let listed =
        browser.get(authorize("https%3A%2F%2Fpr-1.app.test%2Fcallback")).send().await.expect("answer");
    assert_eq!(listed.status(), 302);
    let unknown = browser.get(authorize("https%3A%2F%2Fevil.test%2Fcallback")).send().await.expect("answer");
    assert_eq!(unknown.status(), 400);
    // Listed in creation order; the default stays while others are set.
    let third = id(&s.call("POST", r, Some(json!({"uri": "https://third.test/cb"})), 201).await);
    let uris: Vec<Value> = s.call("GET", r, None, 200).await["data"].as_array().expect("data").clone();
    assert_eq!(uris.iter().map(|u| u["uri"].as_str().expect("uri")).collect::<Vec<_>>().len(), 3);
    s.call("DELETE", &format!("{r}/{}", first["id"].as_str().expect("id")), None, 409).await;
    s.call("DELETE", &format!("{r}/{third}"), None, 204).await;
    s.call("DELETE", &format!("{r}/{third}"), None, 404).await;
    assert_eq!(s.call("GET", r, None, 200).await["data"].as_array().map(Vec::len), Some(2));
    let c = "/user_management/cors_origins";
    s.call("POST", c, Some(json!({"origin": "https://app.test"})), 201).await;
    s.call("POST", c, Some(json!({"origin": "https://app.test"})), 409).await;
    s.call("POST", c, Some(json!({"origin": "https://app.test/path"})), 422).await;
    let origins = s.call("GET", c, None, 200).await;
    assert_eq!(origins["data"][0]["origin"], "https://app.test");

    // Logout: the browser redirect (no API key) ends the session and goes on to `return_to`.
    let tokens = s.call("POST", "/user_management/authenticate", Some(login), 200).await;
    let sid = claims(&tokens)["sid"].as_str().expect("a session id").to_owned();
    let logout = |query: &str| format!("{}/user_management/sessions/logout?{query}", s.emu.base_url());
    let out = browser
        .get(logout(&format!("session_id={sid}&return_to=https%3A%2F%2Fapp.test%2Fbye")))
        .send()
        .await
        .expect("answer");
    assert_eq!(out.status(), 302);
    assert_eq!(out.headers()["location"], "https://app.test/bye");
    let refresh = json!({"client_id": "client_1", "client_secret": s.emu.api_key(),
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]});
    s.call("POST", "/user_management/authenticate", Some(refresh), 400).await;
    let again = browser.get(logout(&format!("session_id={sid}"))).send().await.expect("answer");
    assert_eq!(again.status(), 200, "signing out twice is fine");
    for bad in [
        "session_id=session_missing".to_owned(),
        "return_to=https%3A%2F%2Fapp.test".to_owned(),
        format!("session_id={sid}&return_to=%2Frelative"),
    ] {
        let answer = browser.get(logout(&bad)).send().await.expect("answer");
        assert_eq!(answer.status(), 422, "{bad}");
    }
}

/// With the environment requiring email verification and an organization choice, a password
/// sign-in goes through both steps with their pending tokens.
pub(super) async fn sign_in_steps(s: &Scenario, org: &str) {
    let mut settings = workos_emulator::SeedAuthentication::default();
    settings.email_verification_required = true;
    settings.organization_selection_required = true;
    s.emu
        .seed(&workos_emulator::Seed { authentication: Some(settings), ..Default::default() })
        .expect("settings");
    let user = json!({"email": "dee@areas.test", "password": "dee-password"});
    let dee = id(&s.call("POST", "/user_management/users", Some(user), 201).await);
    let other = id(&s.call("POST", "/organizations", Some(json!({"name": "Areas Two"})), 201).await);
    let outsider = id(&s.call("POST", "/organizations", Some(json!({"name": "Areas Three"})), 201).await);
    for o in [org, other.as_str()] {
        let membership = json!({"user_id": dee, "organization_id": o});
        s.call("POST", "/user_management/organization_memberships", Some(membership), 201).await;
    }
    let auth = "/user_management/authenticate";
    let grant = |grant_type: &str, extra: Value| {
        let mut body =
            json!({"client_id": "client_1", "client_secret": s.emu.api_key(), "grant_type": grant_type});
        body.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        body
    };
    let password = grant("password", json!({"email": "dee@areas.test", "password": "dee-password"}));

    // 1. The email is not verified: a code goes to it.
    let verify = s.call("POST", auth, Some(password), 403).await;
    assert_eq!(verify["code"], "email_verification_required");
    assert_eq!(verify["email"], "dee@areas.test");
    let first = verify["pending_authentication_token"].as_str().expect("a pending token").to_owned();
    let record = format!(
        "/user_management/email_verification/{}",
        verify["email_verification_id"].as_str().expect("id")
    );
    let code = s.call("GET", &record, None, 200).await["code"].clone();
    let ev = "urn:workos:oauth:grant-type:email-verification:code";
    s.call(
        "POST",
        auth,
        Some(grant(ev, json!({"pending_authentication_token": first, "code": "000000x"}))),
        400,
    )
    .await;
    s.call("POST", auth, Some(grant(ev, json!({"pending_authentication_token": "nope", "code": code}))), 400)
        .await;

    // 2. Verified; the user is in two organizations and named none.
    let choose = s
        .call(
            "POST",
            auth,
            Some(grant(ev, json!({"pending_authentication_token": first, "code": code}))),
            403,
        )
        .await;
    assert_eq!(choose["code"], "organization_selection_required");
    assert_eq!(choose["user"]["email_verified"], true);
    let names: Vec<&str> = choose["organizations"]
        .as_array()
        .expect("organizations")
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert_eq!(names, ["Areas Inc", "Areas Two"]);
    let second = choose["pending_authentication_token"].as_str().expect("a pending token").to_owned();
    let os = "urn:workos:oauth:grant-type:organization-selection";
    let pick = |token: &str, org: &str| {
        grant(os, json!({"pending_authentication_token": token, "organization_id": org}))
    };
    s.call("POST", auth, Some(pick(&second, &outsider)), 400).await;
    s.call("POST", auth, Some(pick(&first, &other)), 400).await;
    s.call("POST", auth, Some(grant(os, json!({"pending_authentication_token": second}))), 422).await;

    // 3. Signed in to the chosen organization, once.
    let tokens = s.call("POST", auth, Some(pick(&second, &other)), 200).await;
    assert_eq!(tokens["organization_id"], other.as_str());
    assert_eq!(tokens["authentication_method"], "Password");
    assert_eq!(claims(&tokens)["org_id"], other.as_str());
    s.call("POST", auth, Some(pick(&second, &other)), 400).await;

    let off = workos_emulator::SeedAuthentication::default();
    s.emu.seed(&workos_emulator::Seed { authentication: Some(off), ..Default::default() }).expect("settings");
}

/// The claims of the access token in an `authenticate` answer (not verified: the sessions tests
/// do that).
fn claims(tokens: &Value) -> Value {
    let token = tokens["access_token"].as_str().expect("a token");
    let payload = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("base64"))
        .expect("claims")
}
