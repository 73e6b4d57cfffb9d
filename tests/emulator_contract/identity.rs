//! The scenario's identity half: SSO (connections, the browser redirect, the code exchange,
//! the profile, logout), MFA (TOTP codes computed with `totp-rs`, SMS codes from the outbox,
//! generic codes), the `mfa_challenge` and `mfa_enrollment` sign-in steps, the device flow,
//! Admin Portal links, Widgets and client tokens, Radar, and API key expiry.

use serde_json::{Value, json};

use super::{Scenario, id};

const CLIENT: &str = "client_identity";

pub(super) async fn run(s: &Scenario) {
    let seed = json!({
        "organizations": ["Identity Inc"],
        "users": [
            {"email": "ivy@identity.test", "password": "ivy-password", "first_name": "Ivy",
             "memberships": [{"organization": "Identity Inc"}]},
            {"email": "max@identity.test", "password": "max-password",
             "memberships": [{"organization": "Identity Inc"}]},
            {"email": "sam@sso-only.test", "password": "sam-password",
             "memberships": [{"organization": "Identity Inc"}]},
        ],
        "connections": [
            {"name": "Identity SAML", "organization": "Identity Inc", "domains": ["identity.test"]},
            {"name": "Strict OIDC", "organization": "Identity Inc", "connection_type": "OktaOIDC",
             "domains": ["sso-only.test"], "required": true},
        ],
        "authentication": {"device_poll_interval_secs": 1},
    });
    s.call("POST", "/_emulator/seed", Some(seed), 200).await;
    let orgs = s.call("GET", "/organizations?search=Identity", None, 200).await;
    let org = id(&orgs["data"][0]);
    sso(s, &org).await;
    mfa(s).await;
    device(s).await;
    portal_and_tokens(s, &org).await;
    radar(s).await;
    radar_sign_in(s).await;
    api_key_expiry(s, &org).await;
    connect(s, &org).await;
    pipes_management(s, &org).await;
    agents(s, &org).await;
}

async fn user_id(s: &Scenario, email: &str) -> String {
    let users = s
        .call("GET", &format!("/user_management/users?email={}", email.replace('@', "%40")), None, 200)
        .await;
    id(&users["data"][0])
}

async fn radar_sign_in(s: &Scenario) {
    let auth = "/user_management/authenticate";
    let grant = |extra: Value| {
        let mut body = json!({"client_id": CLIENT, "client_secret": s.emu.api_key()});
        body.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        body
    };
    let password =
        grant(json!({"grant_type": "password", "email": "ivy@identity.test", "password": "ivy-password"}));
    // Emailed: the challenge (and its code) can be read back.
    s.call("POST", "/_emulator/seed", Some(json!({"authentication": {"radar_challenge": "email"}})), 200)
        .await;
    let stopped = s.call("POST", auth, Some(password.clone()), 403).await;
    assert_eq!(stopped["code"], "radar_challenge");
    let challenge = stopped["radar_challenge_id"].as_str().expect("challenge");
    let read = s.call("GET", &format!("/user_management/radar_challenges/{challenge}"), None, 200).await;
    s.call("GET", "/user_management/radar_challenges/radar_challenge_missing", None, 404).await;
    let email_grant = |code: &Value| {
        grant(json!({"grant_type": "urn:workos:oauth:grant-type:radar-email-challenge:code", "code": code,
            "radar_challenge_id": challenge, "pending_authentication_token": stopped["pending_authentication_token"]}))
    };
    s.call("POST", auth, Some(email_grant(&json!("000000"))), 400).await;
    assert_eq!(
        s.call("POST", auth, Some(email_grant(&read["code"])), 200).await["user"]["email"],
        "ivy@identity.test"
    );
    // Texted: the service asks for the code to go to the user's phone.
    s.call("POST", "/_emulator/seed", Some(json!({"authentication": {"radar_challenge": "sms"}})), 200).await;
    let stopped = s.call("POST", auth, Some(password), 403).await;
    assert_eq!(stopped["code"], "radar_sms_sign_in_challenge");
    let ivy = user_id(s, "ivy@identity.test").await;
    let send = json!({"user_id": ivy, "pending_authentication_token": stopped["pending_authentication_token"],
        "phone_number": "+15555550199"});
    let sent = s.call("POST", "/user_management/radar_challenges", Some(send), 201).await;
    let texted = s.emu.emails().into_iter().rev().find(|e| e.to == "+15555550199").expect("an SMS");
    let sms_grant = grant(json!({"grant_type": "urn:workos:oauth:grant-type:radar-sms-challenge:code",
        "code": texted.code, "verification_id": sent["verification_id"], "phone_number": "+15555550199",
        "pending_authentication_token": stopped["pending_authentication_token"]}));
    s.call("POST", auth, Some(sms_grant.clone()), 200).await;
    s.call("POST", auth, Some(sms_grant), 400).await; // the token was used
    s.call("POST", "/_emulator/seed", Some(json!({"authentication": {}})), 200).await;
}

async fn connect(s: &Scenario, org: &str) {
    let a = "/connect/applications";
    let oauth = json!({"name": "Docs bot", "application_type": "oauth", "is_first_party": false, "organization_id": org,
        "scopes": ["docs:read"], "redirect_uris": [{"uri": "https://bot.test/cb"}]});
    let app = s.call("POST", a, Some(oauth), 201).await;
    assert_eq!(app["redirect_uris"][0]["default"], true);
    let first = s
        .call(
            "POST",
            a,
            Some(json!({"name": "Own app", "application_type": "oauth", "is_first_party": true})),
            201,
        )
        .await;
    s.call("POST", a, Some(json!({"name": "M2M", "application_type": "m2m", "organization_id": org})), 201)
        .await;
    s.call("POST", a, Some(json!({"name": "M2M", "application_type": "m2m"})), 422).await;
    s.call(
        "POST",
        a,
        Some(json!({"name": "X", "application_type": "m2m", "organization_id": "org_missing"})),
        404,
    )
    .await;
    assert_eq!(
        s.call("GET", &format!("{a}?organization_id={org}"), None, 200).await["data"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    s.call("GET", &format!("{a}?registration_types=authenticated&limit=1"), None, 200).await;
    s.call("GET", &format!("{a}?limit=500"), None, 422).await;
    let app_id = id(&app);
    s.call("GET", &format!("{a}/{app_id}"), None, 200).await;
    s.call("GET", &format!("{a}/app_missing"), None, 404).await;
    let renamed = s
        .call("PUT", &format!("{a}/{app_id}"), Some(json!({"name": "Docs agent", "description": null})), 200)
        .await;
    assert_eq!(renamed["name"], "Docs agent");
    s.call("PUT", &format!("{a}/app_missing"), Some(json!({})), 404).await;
    s.call("PUT", &format!("{a}/{app_id}"), Some(json!({"redirect_uris": [{"uri": "not a url"}]})), 422)
        .await;
    // Client secrets: the value once, then its hint.
    let secrets = format!("{a}/{app_id}/client_secrets");
    let secret = s.call("POST", &secrets, Some(json!({})), 201).await;
    assert!(
        secret["secret"].as_str().expect("secret").ends_with(secret["secret_hint"].as_str().expect("hint"))
    );
    assert!(s.call("GET", &secrets, None, 200).await[0].get("secret").is_none());
    s.call("POST", &format!("{a}/app_missing/client_secrets"), Some(json!({})), 404).await;
    s.call("GET", &format!("{a}/app_missing/client_secrets"), None, 404).await;
    s.call("DELETE", &format!("/connect/client_secrets/{}", id(&secret)), None, 204).await;
    s.call("DELETE", &format!("/connect/client_secrets/{}", id(&secret)), None, 404).await;
    // A user authorizes the app through the service's login page.
    let start = json!({"client_id": app["client_id"], "redirect_uri": "https://bot.test/cb", "scopes": ["docs:read"], "state": "s1"});
    let session = s.call("POST", "/_emulator/connect/external_auth", Some(start), 201).await;
    let complete = json!({"external_auth_id": session["external_auth_id"],
        "user": {"id": "ext_ivy", "email": "ivy.ext@identity.test", "first_name": "Ivy"}});
    let done = s.call("POST", "/authkit/oauth2/complete", Some(complete.clone()), 200).await;
    let to = done["redirect_uri"].as_str().expect("redirect");
    assert!(to.starts_with("https://bot.test/cb?code=") && to.ends_with("&state=s1"), "{to}");
    s.call("POST", "/authkit/oauth2/complete", Some(complete), 400).await;
    s.call(
        "POST",
        "/authkit/oauth2/complete",
        Some(json!({"external_auth_id": "external_auth_missing",
        "user": {"id": "x", "email": "x@x.test"}})),
        404,
    )
    .await;
    let user = s.call("GET", "/user_management/users/external_id/ext_ivy", None, 200).await;
    let user = id(&user);
    s.call("POST", m(), Some(json!({"user_id": user, "organization_id": org})), 201).await;
    let granted =
        s.call("GET", &format!("/user_management/users/{user}/authorized_applications"), None, 200).await;
    assert_eq!(granted["data"][0]["granted_scopes"], json!(["docs:read"]));
    s.call("GET", "/user_management/users/user_missing/authorized_applications", None, 404).await;
    s.call("GET", &format!("/organizations/{org}/authorized_applications"), None, 200).await;
    s.call("GET", "/organizations/org_missing/authorized_applications", None, 404).await;
    s.call("DELETE", &format!("/user_management/users/{user}/authorized_applications/{app_id}"), None, 204)
        .await;
    s.call("DELETE", &format!("/user_management/users/{user}/authorized_applications/{app_id}"), None, 404)
        .await;
    s.call("DELETE", &format!("{a}/{}", id(&first)), None, 204).await;
    s.call("DELETE", &format!("{a}/{}", id(&first)), None, 404).await;
}

fn m() -> &'static str {
    "/user_management/organization_memberships"
}

async fn pipes_management(s: &Scenario, org: &str) {
    let d = "/data-integrations";
    let ivy = user_id(s, "ivy@identity.test").await;
    let linear = json!({"provider": "linear", "scopes": ["read"], "auth_methods": ["oauth", "api_key"],
        "credentials": {"type": "custom", "client_id": "lin_1", "client_secret": "lin_secret_1"}});
    let made = s.call("POST", d, Some(linear.clone()), 201).await;
    assert_eq!(made["credentials"]["redacted_client_secret"], "...et_1");
    s.call("POST", d, Some(linear), 409).await;
    s.call(
        "POST",
        d,
        Some(json!({"provider": "stripe", "auth_methods": ["client_credentials"],
        "api_key": {"secret": "sk_live_12345", "user_id": ivy}})),
        201,
    )
    .await;
    s.call("POST", d, Some(json!({"provider": "x", "auth_methods": ["carrier_pigeon"]})), 422).await;
    s.call("GET", d, None, 200).await;
    s.call("GET", &format!("{d}/linear"), None, 200).await;
    s.call("GET", &format!("{d}/missing"), None, 404).await;
    s.call(
        "PUT",
        &format!("{d}/linear"),
        Some(json!({"description": "Issues", "scopes": ["read", "write"]})),
        200,
    )
    .await;
    s.call("PUT", &format!("{d}/missing"), Some(json!({})), 404).await;
    // Credentials by auth method.
    let owner = json!({"user_id": ivy, "organization_id": org});
    let creds = |slug: &str| format!("{d}/{slug}/credentials");
    assert_eq!(s.call("POST", &creds("linear"), Some(owner.clone()), 200).await["error"], "not_installed");
    let key = s
        .call(
            "PUT",
            &format!("{d}/linear/api-key"),
            Some(json!({"user_id": ivy, "secret": "lin_api_key_9"})),
            200,
        )
        .await;
    assert_eq!(key["api_key_last_4"], "ey_9");
    let vended = s.call("POST", &creds("linear"), Some(owner.clone()), 200).await;
    assert_eq!(vended["credential"]["value"], "lin_api_key_9");
    s.call(
        "PUT",
        &format!("{d}/linear/client-credentials"),
        Some(json!({"user_id": ivy, "client_id": "c", "client_secret": "s"})),
        422,
    )
    .await;
    let cc = json!({"user_id": ivy, "client_id": "stripe_client", "client_secret": "stripe_secret", "config": {"region": "eu"}});
    s.call("PUT", &format!("{d}/stripe/client-credentials"), Some(cc), 200).await;
    assert_eq!(
        s.call("POST", &creds("stripe"), Some(owner.clone()), 200).await["credential"]["auth_method"],
        "client_credentials"
    );
    s.call("PUT", &format!("{d}/missing/api-key"), Some(json!({"user_id": ivy, "secret": "k"})), 404).await;
    s.call("POST", &creds("missing"), Some(owner.clone()), 404).await;
    s.call("POST", &creds("linear"), Some(json!({})), 400).await;
    // OAuth: the provider's consent, played by the emulator.
    s.call("POST", d, Some(json!({"provider": "notion", "scopes": ["read_content"]})), 201).await;
    let url = s.call("POST", &format!("{d}/notion/authorize"), Some(json!({"user_id": ivy})), 200).await;
    s.call("POST", &format!("{d}/stripe/authorize"), Some(json!({"user_id": ivy})), 400).await;
    s.call("POST", &format!("{d}/missing/authorize"), Some(json!({"user_id": ivy})), 404).await;
    let consent = url["url"].as_str().expect("url").to_owned();
    let installed = s.http.get(consent).send().await.expect("consent");
    assert_eq!(installed.status(), 200);
    let oauth = s.call("POST", &creds("notion"), Some(owner), 200).await;
    assert_eq!(
        (oauth["credential"]["auth_method"].clone(), oauth["credential"]["missing_scopes"].clone()),
        (json!("oauth"), json!([]))
    );
    pipes_as_seen(s, org, &ivy).await;
    s.call("DELETE", &format!("{d}/notion"), None, 204).await;
    s.call("DELETE", &format!("{d}/notion"), None, 404).await;
}

/// What a user and an organization see of the data integrations.
async fn pipes_as_seen(s: &Scenario, org: &str, ivy: &str) {
    let providers = s
        .call("GET", &format!("/user_management/users/{ivy}/data_providers?organization_id={org}"), None, 200)
        .await;
    assert_eq!(providers["data"].as_array().map(Vec::len), Some(3));
    s.call("GET", "/user_management/users/user_missing/data_providers", None, 404).await;
    let configs = format!("/organizations/{org}/data_integration_configurations");
    s.call(
        "PUT",
        &format!("{configs}/notion"),
        Some(json!({"enabled": false, "client_id": "org_c", "client_secret": "org_s"})),
        200,
    )
    .await;
    s.call("PUT", &format!("{configs}/notion"), Some(json!({"client_id": "only"})), 422).await;
    s.call("PUT", &format!("{configs}/missing"), Some(json!({})), 404).await;
    let listed = s.call("GET", &configs, None, 200).await;
    let notion = listed["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|c| c["slug"] == "notion")
        .cloned()
        .expect("notion");
    assert_eq!(
        (notion["enabled"].clone(), notion["credentials"]["client_secret_last_four"].clone()),
        (json!(false), json!("rg_s"))
    );
    s.call("GET", "/organizations/org_missing/data_integration_configurations", None, 404).await;
    let providers = s
        .call("GET", &format!("/user_management/users/{ivy}/data_providers?organization_id={org}"), None, 200)
        .await;
    assert_eq!(providers["data"].as_array().map(Vec::len), Some(2), "notion is off in the organization");
}

async fn agents(s: &Scenario, org: &str) {
    let made =
        s.call("POST", "/_emulator/agents/registrations", Some(json!({"organization_id": org})), 201).await;
    let registration = made["registration_id"].as_str().expect("registration");
    let got = s.call("GET", &format!("/agents/registrations/{registration}"), None, 200).await;
    assert_eq!(got["status"], "unverified");
    s.call("GET", "/agents/registrations/agent_registration_missing", None, 404).await;
    s.call("POST", "/agents/registrations/agent_registration_missing/revoke", None, 404).await;
    let v = "/agents/credentials/validate";
    let by_key =
        s.call("POST", v, Some(json!({"type": "api_key", "credential": made["api_key"]})), 200).await;
    assert_eq!(by_key["registration_id"], registration);
    let by_token = s
        .call(
            "POST",
            v,
            Some(json!({"type": "access_token", "credential": made["access_token"],
        "audience": "workos-emulator"})),
            200,
        )
        .await;
    assert_eq!(
        (by_token["valid"].clone(), by_token["registration_id"].clone()),
        (json!(true), json!(registration))
    );
    let wrong_aud = s
        .call(
            "POST",
            v,
            Some(json!({"type": "access_token", "credential": made["access_token"], "audience": "other"})),
            200,
        )
        .await;
    assert_eq!(wrong_aud["valid"], false);
    assert_eq!(
        s.call("POST", v, Some(json!({"type": "api_key", "credential": "sk_nope"})), 200).await["valid"],
        false
    );
    s.call("POST", v, Some(json!({"type": "password", "credential": "x"})), 400).await;
    // The claim links the agent to the service's user.
    let c = "/agents/claims/attempts";
    let claim = json!({"type": "link_external_user", "claim_attempt_token": made["claim_attempt_token"],
        "user": {"email": "owner@identity.test", "external_id": "ext_owner"}, "organization_id": org});
    let claimed = s.call("PATCH", c, Some(claim.clone()), 200).await;
    assert_eq!(
        (claimed["status"].clone(), claimed["user_code"].clone()),
        (json!("verified"), made["user_code"].clone())
    );
    s.call("PATCH", c, Some(claim), 409).await;
    s.call(
        "PATCH",
        c,
        Some(json!({"type": "link_external_user", "claim_attempt_token": "nope",
        "user": {"email": "a@b.test", "external_id": "e"}})),
        400,
    )
    .await;
    let other =
        s.call("POST", "/_emulator/agents/registrations", Some(json!({"organization_id": org})), 201).await;
    s.call(
        "PATCH",
        c,
        Some(json!({"type": "link_external_user", "claim_attempt_token": other["claim_attempt_token"],
        "user": {"email": "changed@identity.test", "external_id": "ext_owner"}})),
        400,
    )
    .await;
    let got = s.call("GET", &format!("/agents/registrations/{registration}"), None, 200).await;
    assert!(
        got["agent_identity"]["userland_user_id"].is_string() && got["claim"]["claim_completion"].is_object()
    );
    let revoked = s.call("POST", &format!("/agents/registrations/{registration}/revoke"), None, 200).await;
    assert!(revoked["status"] == "revoked" && revoked["revoked_at"].is_string(), "{revoked}");
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http")
}

/// The `code` of a redirect to the callback, with its `state`.
async fn authorize(s: &Scenario, query: &str) -> (u16, Option<String>) {
    let url = format!(
        "{}/sso/authorize?client_id={CLIENT}&redirect_uri=https%3A%2F%2Fapp.test%2Fsso&response_type=code&state=st&{query}",
        s.emu.base_url()
    );
    let resp = browser().get(url).send().await.expect("authorize");
    let status = resp.status().as_u16();
    let location = resp.headers().get("location").map(|l| l.to_str().expect("location").to_owned());
    if let Some(to) = &location {
        assert!(to.starts_with("https://app.test/sso?code=") && to.ends_with("&state=st"), "{to}");
    }
    (
        status,
        location.and_then(|l| l.split("code=").nth(1).and_then(|c| c.split('&').next()).map(str::to_owned)),
    )
}

async fn sso(s: &Scenario, org: &str) {
    let listed = s.call("GET", &format!("/connections?organization_id={org}&order=asc"), None, 200).await;
    let conn = id(&listed["data"][0]);
    assert_eq!(listed["data"][0]["domains"][0]["domain"], "identity.test");
    for filter in
        ["domain=identity.test", "connection_type=GenericSAML", "search=identity", "limit=1&order=asc"]
    {
        assert_eq!(s.call("GET", &format!("/connections?{filter}"), None, 200).await["data"][0]["id"], conn);
    }
    s.call("GET", &format!("/connections/{conn}"), None, 200).await;
    s.call("GET", "/connections/conn_missing", None, 404).await;
    // A connection made through the API: a draft until its identity provider is set up, found
    // by the reads like a seeded one.
    let made = s
        .call(
            "POST",
            "/connections",
            Some(json!({"organization_id": org, "connection_type": "OktaSAML"})),
            201,
        )
        .await;
    assert_eq!((made["state"].as_str(), made["name"].as_str()), (Some("draft"), Some("OktaSAML")), "{made}");
    let made = made["id"].as_str().expect("an id");
    s.call("POST", "/connections", Some(json!({"name": "no organization"})), 422).await;
    s.call("POST", "/connections", Some(json!({"organization_id": "org_missing"})), 404).await;
    s.call(
        "POST",
        "/connections",
        Some(json!({"organization_id": org, "connection_type": "Carrier pigeon"})),
        422,
    )
    .await;
    let renamed = s.call("PATCH", &format!("/connections/{made}"), Some(json!({"name": "Okta"})), 200).await;
    assert_eq!(renamed["name"], "Okta");
    assert_eq!(s.call("GET", &format!("/connections/{made}"), None, 200).await["name"], "Okta");
    s.call("PATCH", "/connections/conn_missing", Some(json!({"name": "x"})), 404).await;
    s.call("DELETE", &format!("/connections/{made}"), None, 204).await;

    // By connection, organization and domain: the same profile for the same user.
    let (status, code) = authorize(s, &format!("connection={conn}&login_hint=ivy%40identity.test")).await;
    assert_eq!(status, 302);
    let exchange = |code: &str, secret: &str| json!({"client_id": CLIENT, "client_secret": secret, "code": code, "grant_type": "authorization_code"});
    let secret = s.emu.api_key().to_owned();
    let code = code.expect("a code");
    let tokens = s.call("POST", "/sso/token", Some(exchange(&code, &secret)), 200).await;
    assert_eq!(tokens["profile"]["email"], "ivy@identity.test");
    assert_eq!(tokens["profile"]["organization_id"], org);
    assert_eq!(tokens["profile"]["first_name"], "Ivy");
    let profile_id = tokens["profile"]["id"].clone();
    s.call("POST", "/sso/token", Some(exchange(&code, &secret)), 400).await; // single use
    for query in [format!("organization={org}"), "domain=identity.test".to_owned()] {
        let (_, code) = authorize(s, &format!("{query}&login_hint=ivy%40identity.test")).await;
        let again = s.call("POST", "/sso/token", Some(exchange(&code.expect("code"), &secret)), 200).await;
        assert_eq!(again["profile"]["id"], profile_id);
    }
    let (_, code) = authorize(s, &format!("connection={conn}&login_hint=ivy%40identity.test")).await;
    s.call("POST", "/sso/token", Some(exchange(&code.expect("code"), "wrong")), 400).await;
    s.call("POST", "/sso/token", Some(json!({"grant_type": "password"})), 400).await;
    // An OAuth provider gets its own connection, in no organization.
    let (status, code) = authorize(s, "provider=GoogleOAuth&login_hint=max%40identity.test").await;
    assert_eq!(status, 302);
    let google = s.call("POST", "/sso/token", Some(exchange(&code.expect("code"), &secret)), 200).await;
    assert_eq!(google["profile"]["connection_type"], "GoogleOAuth");

    // The profile answers for its access token only.
    let profile = |token: &str| {
        let url = format!("{}/sso/profile", s.emu.base_url());
        let token = token.to_owned();
        async move { s.http.get(url).bearer_auth(token).send().await.expect("profile").status().as_u16() }
    };
    let access = tokens["access_token"].as_str().expect("token").to_owned();
    assert_eq!(profile(&access).await, 200);
    assert_eq!(profile("not-a-token").await, 401);
    // Logout: the sign-in ends.
    let logout = s.call("POST", "/sso/logout/authorize", Some(json!({"profile_id": profile_id})), 200).await;
    let logout_token = logout["logout_token"].as_str().expect("logout token");
    s.call("GET", &format!("/sso/logout?token={logout_token}"), None, 200).await;
    assert_eq!(profile(&access).await, 401);
    s.call("GET", &format!("/sso/logout?token={logout_token}"), None, 404).await;
    s.call("POST", "/sso/logout/authorize", Some(json!({"profile_id": "prof_missing"})), 404).await;
    // A domain whose connection requires SSO: the password sign-in names the connection.
    let password = json!({"grant_type": "password", "client_id": CLIENT, "client_secret": secret,
        "email": "sam@sso-only.test", "password": "sam-password"});
    let required = s.call("POST", "/user_management/authenticate", Some(password), 400).await;
    assert_eq!(required["code"], "sso_required");
    let strict = s.call("GET", "/connections?connection_type=OktaOIDC", None, 200).await;
    assert_eq!(required["connection_ids"], json!([strict["data"][0]["id"]]));
    // Deleting the provider's connection.
    let google_conn = google["profile"]["connection_id"].as_str().expect("connection");
    s.call("DELETE", &format!("/connections/{google_conn}"), None, 204).await;
    s.call("DELETE", &format!("/connections/{google_conn}"), None, 404).await;
}

/// The current code of an enrolled TOTP factor, as an authenticator app computes it.
pub(super) fn totp_code(enrolled: &Value) -> String {
    let uri = enrolled["totp"]["uri"].as_str().expect("otpauth URI");
    let totp = totp_rs::TOTP::from_url_unchecked(uri).expect("a valid otpauth URI");
    totp.generate_current().expect("clock")
}

async fn mfa(s: &Scenario) {
    let enroll = "/auth/factors/enroll";
    let totp = s
        .call("POST", enroll, Some(json!({"type": "totp", "totp_issuer": "Acme", "totp_user": "ivy"})), 201)
        .await;
    assert!(totp["totp"]["uri"].as_str().expect("uri").starts_with("otpauth://totp/Acme:ivy?"));
    assert!(totp["totp"]["qr_code"].as_str().expect("qr").starts_with("data:image/svg+xml;base64,"));
    s.call("POST", enroll, Some(json!({"type": "totp"})), 422).await;
    s.call("POST", enroll, Some(json!({"type": "email"})), 422).await;
    let factor = id(&totp);
    let got = s.call("GET", &format!("/auth/factors/{factor}"), None, 200).await;
    assert!(got["totp"].get("secret").is_none(), "the secret is shown once: {got}");
    s.call("GET", "/auth/factors/auth_factor_missing", None, 404).await;
    // A code from the app verifies once; a reused or wrong one does not.
    let challenge =
        id(&s.call("POST", &format!("/auth/factors/{factor}/challenge"), Some(json!({})), 201).await);
    let code = totp_code(&totp);
    let verify = |c: &str| format!("/auth/challenges/{c}/verify");
    assert_eq!(
        s.call("POST", &verify(&challenge), Some(json!({"code": "000000x"})), 201).await["valid"],
        false
    );
    assert_eq!(s.call("POST", &verify(&challenge), Some(json!({"code": code})), 201).await["valid"], true);
    s.call("POST", &verify(&challenge), Some(json!({"code": code})), 422).await;
    let second =
        id(&s.call("POST", &format!("/auth/factors/{factor}/challenge"), Some(json!({})), 201).await);
    assert_eq!(s.call("POST", &verify(&second), Some(json!({"code": code})), 201).await["valid"], false);
    for _ in 0..4 {
        s.call("POST", &verify(&second), Some(json!({"code": "123"})), 201).await;
    }
    s.call("POST", &verify(&second), Some(json!({"code": "123"})), 400).await;
    s.call("POST", &verify("auth_challenge_missing"), Some(json!({"code": "1"})), 404).await;
    // SMS: the code is texted (the outbox), not answered.
    let sms =
        id(&s.call("POST", enroll, Some(json!({"type": "sms", "phone_number": "+15555550100"})), 201).await);
    s.call("POST", enroll, Some(json!({"type": "sms", "phone_number": "555"})), 422).await;
    let texted = s.call("POST", &format!("/auth/factors/{sms}/challenge"), Some(json!({})), 201).await;
    assert!(texted.get("code").is_none());
    let message = s.emu.emails().into_iter().rev().find(|e| e.kind == "sms").expect("an SMS");
    assert_eq!(message.to, "+15555550100");
    let body = json!({"code": message.code.expect("a code")});
    assert_eq!(s.call("POST", &verify(&id(&texted)), Some(body), 201).await["valid"], true);
    s.call("POST", &format!("/auth/factors/{sms}/challenge"), Some(json!({"sms_template": "no code"})), 422)
        .await;
    // Generic OTP: the code is in the answer.
    let otp = id(&s.call("POST", enroll, Some(json!({"type": "generic_otp"})), 201).await);
    let issued = s.call("POST", &format!("/auth/factors/{otp}/challenge"), Some(json!({})), 201).await;
    let body = json!({"code": issued["code"]});
    assert_eq!(s.call("POST", &verify(&id(&issued)), Some(body), 201).await["valid"], true);
    s.call("POST", "/auth/factors/auth_factor_missing/challenge", Some(json!({})), 404).await;
    s.call("DELETE", &format!("/auth/factors/{otp}"), None, 204).await;
    s.call("DELETE", &format!("/auth/factors/{otp}"), None, 404).await;

    // AuthKit's MFA step: max enrolls when asked, ivy answers a challenge.
    let users = s.call("GET", "/user_management/users?email=max%40identity.test", None, 200).await;
    let max = id(&users["data"][0]);
    s.call(
        "POST",
        "/_emulator/seed",
        Some(json!({"authentication": {"mfa_required": true, "device_poll_interval_secs": 1}})),
        200,
    )
    .await;
    let auth = "/user_management/authenticate";
    let password = |email: &str, pw: &str| json!({"grant_type": "password", "client_id": CLIENT, "client_secret": s.emu.api_key(), "email": email, "password": pw});
    let enrolment = s.call("POST", auth, Some(password("max@identity.test", "max-password")), 403).await;
    assert_eq!(enrolment["code"], "mfa_enrollment");
    let factors = format!("/user_management/users/{max}/auth_factors");
    let enrolled = s.call("POST", &factors, Some(json!({"type": "totp"})), 201).await;
    s.call("POST", &factors, Some(json!({"type": "sms"})), 422).await;
    assert_eq!(s.call("GET", &factors, None, 200).await["data"].as_array().map(Vec::len), Some(1));
    let mfa_grant = |pending: &Value, challenge: &str, code: &str| {
        json!({"grant_type": "urn:workos:oauth:grant-type:mfa-totp", "client_id": CLIENT,
            "client_secret": s.emu.api_key(), "pending_authentication_token": pending["pending_authentication_token"],
            "authentication_challenge_id": challenge, "code": code})
    };
    let challenge = enrolled["authentication_challenge"]["id"].as_str().expect("challenge");
    let code = totp_code(&enrolled["authentication_factor"]);
    s.call("POST", auth, Some(mfa_grant(&enrolment, challenge, "999999x")), 400).await;
    let signed_in = s.call("POST", auth, Some(mfa_grant(&enrolment, challenge, &code)), 200).await;
    assert_eq!(signed_in["user"]["id"], max);
    // Next time max has a factor: the step is a challenge of it.
    let asked = s.call("POST", auth, Some(password("max@identity.test", "max-password")), 403).await;
    assert_eq!(asked["code"], "mfa_challenge");
    assert_eq!(asked["authentication_factors"][0]["id"], enrolled["authentication_factor"]["id"]);
    s.call("POST", "/_emulator/seed", Some(json!({"authentication": {"device_poll_interval_secs": 1}})), 200)
        .await;
}

async fn device(s: &Scenario) {
    let start =
        s.call("POST", "/user_management/authorize/device", Some(json!({"client_id": CLIENT})), 200).await;
    assert_eq!(start["interval"], 1);
    s.call("POST", "/user_management/authorize/device", Some(json!({"client_id": ""})), 400).await;
    let auth = "/user_management/authenticate";
    let poll = json!({"grant_type": "urn:ietf:params:oauth:grant-type:device_code", "client_id": CLIENT,
        "device_code": start["device_code"]});
    assert_eq!(s.call("POST", auth, Some(poll.clone()), 400).await["error"], "authorization_pending");
    assert_eq!(s.call("POST", auth, Some(poll.clone()), 400).await["error"], "slow_down");
    let code = start["user_code"].as_str().expect("user code");
    let approve = format!("/_emulator/device?user_code={code}&login_hint=ivy%40identity.test");
    assert_eq!(s.call("GET", &approve, None, 200).await["approved"], true);
    let tokens = s.call("POST", auth, Some(poll.clone()), 200).await;
    assert_eq!(tokens["user"]["email"], "ivy@identity.test");
    assert_eq!(s.call("POST", auth, Some(poll), 400).await["error"], "invalid_grant");
    // Denied.
    let start =
        s.call("POST", "/user_management/authorize/device", Some(json!({"client_id": CLIENT})), 200).await;
    let code = start["user_code"].as_str().expect("user code");
    s.call("GET", &format!("/_emulator/device?user_code={code}&deny=true"), None, 200).await;
    let poll = json!({"grant_type": "urn:ietf:params:oauth:grant-type:device_code", "client_id": CLIENT,
        "device_code": start["device_code"]});
    assert_eq!(s.call("POST", auth, Some(poll), 400).await["error"], "access_denied");
}

async fn portal_and_tokens(s: &Scenario, org: &str) {
    let link = s
        .call("POST", "/portal/generate_link", Some(json!({"organization": org, "intent": "sso"})), 201)
        .await;
    assert!(link["link"].as_str().expect("link").contains("/portal/launch?secret="));
    s.call("POST", "/portal/generate_link", Some(json!({"organization": "org_missing"})), 404).await;
    s.call("POST", "/portal/generate_link", Some(json!({"organization": org, "intent": "billing"})), 422)
        .await;
    let users = s.call("GET", "/user_management/users?email=ivy%40identity.test", None, 200).await;
    let ivy = id(&users["data"][0]);
    let widget = json!({"user_id": ivy, "organization_id": org, "scopes": ["widgets:users-table:manage"]});
    let token = s.call("POST", "/widgets/token", Some(widget), 201).await;
    assert_eq!(token["token"].as_str().expect("token").split('.').count(), 3, "a JWT");
    s.call("POST", "/widgets/token", Some(json!({"user_id": ivy, "scopes": ["widgets:nope"]})), 422).await;
    s.call("POST", "/widgets/token", Some(json!({"user_id": "user_missing"})), 404).await;
    s.call("POST", "/widgets/token", Some(json!({"user_id": ivy, "scopes": ["widgets:sso:manage"]})), 400)
        .await;
    s.call("POST", "/client/token", Some(json!({"organization_id": org, "user_id": ivy})), 201).await;
    s.call("POST", "/client/token", Some(json!({"organization_id": org, "user_id": "user_missing"})), 404)
        .await;
    s.call("POST", "/client/token", Some(json!({"organization_id": org})), 422).await;
}

async fn radar(s: &Scenario) {
    let attempt = |email: &str| {
        json!({"ip_address": "203.0.113.7", "user_agent": "curl/8", "email": email,
            "auth_method": "Password", "action": "sign-in"})
    };
    let allowed = s.call("POST", "/radar/attempts", Some(attempt("ann@radar.test")), 200).await;
    assert_eq!(allowed["verdict"], "allow");
    s.call("POST", "/radar/lists/domain/block", Some(json!({"entry": "radar.test"})), 201).await;
    s.call("POST", "/radar/lists/domain/block", Some(json!({"entry": "radar.test"})), 200).await;
    s.call("POST", "/radar/lists/planet/block", Some(json!({"entry": "mars"})), 400).await;
    let blocked = s.call("POST", "/radar/attempts", Some(attempt("bob@radar.test")), 200).await;
    assert_eq!(
        (blocked["verdict"].clone(), blocked["blocklist_type"].clone()),
        (json!("block"), json!("domain"))
    );
    s.call("POST", "/radar/lists/email/allow", Some(json!({"entry": "bob@radar.test"})), 201).await;
    assert_eq!(
        s.call("POST", "/radar/attempts", Some(attempt("bob@radar.test")), 200).await["verdict"],
        "allow"
    );
    s.call("POST", "/radar/attempts", Some(json!({"email": "x"})), 400).await;
    let attempt_id = blocked["attempt_id"].as_str().expect("attempt");
    s.call("PUT", &format!("/radar/attempts/{attempt_id}"), Some(json!({"attempt_status": "success"})), 204)
        .await;
    s.call("PUT", "/radar/attempts/radar_attempt_missing", Some(json!({})), 404).await;
    s.call("PUT", &format!("/radar/attempts/{attempt_id}"), Some(json!({"attempt_status": "failed"})), 400)
        .await;
    s.call("DELETE", "/radar/lists/domain/block", Some(json!({"entry": "radar.test"})), 204).await;
    s.call("DELETE", "/radar/lists/domain/block", Some(json!({"entry": "radar.test"})), 404).await;
}

async fn api_key_expiry(s: &Scenario, org: &str) {
    let key = s
        .call("POST", &format!("/organizations/{org}/api_keys"), Some(json!({"name": "Expiring"})), 201)
        .await;
    let value = key["value"].clone();
    let expire = format!("/api_keys/{}/expire", id(&key));
    let valid = || s.call("POST", "/api_keys/validations", Some(json!({"value": value})), 200);
    assert!(valid().await["api_key"].is_object());
    s.call("POST", &expire, Some(json!({"expires_at": "2999-01-01T00:00:00Z"})), 200).await;
    assert!(valid().await["api_key"].is_object(), "not expired yet");
    let expired = s.call("POST", &expire, Some(json!({})), 200).await;
    assert!(expired["expires_at"].is_string());
    std::thread::sleep(std::time::Duration::from_millis(5));
    assert!(valid().await["api_key"].is_null(), "an expired key does not validate");
    s.call("POST", &expire, Some(json!({})), 409).await;
    s.call("POST", "/api_keys/api_key_missing/expire", Some(json!({})), 404).await;
    s.call("POST", &expire, Some(json!({"expires_at": "tomorrow"})), 422).await;
}
