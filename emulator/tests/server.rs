//! The emulator over HTTP: authentication, semantics, pagination, faults, the log, start/stop.
#![allow(clippy::unwrap_used)] // test helpers: a failure should stop the test right there

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use workos_emulator::{Emulator, Fault, RetryAfter, Seed, SeedPermission, SeedRole, SeedUser};

struct Api {
    emu: Emulator,
    http: reqwest::Client,
}

impl Api {
    async fn start() -> Self {
        Self { emu: Emulator::start().await.unwrap(), http: reqwest::Client::new() }
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.emu.base_url());
        let mut req = self.http.request(method.parse().unwrap(), url).bearer_auth(self.emu.api_key());
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn bearer_key_is_required_and_never_echoed() {
    let api = Api::start().await;
    let url = format!("{}/authorization/permissions", api.emu.base_url());
    let none = api.http.get(&url).send().await.unwrap();
    assert_eq!(none.status(), 401);
    let wrong = api.http.get(&url).bearer_auth("sk_test_wrong_secret").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    let body = wrong.text().await.unwrap();
    assert!(body.contains("Invalid API key") && !body.contains("sk_test_wrong_secret"), "{body}");
    let health = api.http.get(format!("{}/health", api.emu.base_url())).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let (status, body) = api.call("GET", "/not_a_workos_route", None).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("route_not_found")));
}

#[tokio::test]
async fn conflicts_not_found_and_validation_use_the_documented_codes() {
    let api = Api::start().await;
    let perm = json!({"slug": "posts:read", "name": "Read posts"});
    let (status, created) = api.call("POST", "/authorization/permissions", Some(perm.clone())).await;
    assert_eq!(status, 201);
    assert!(created["id"].as_str().unwrap().starts_with("perm_"));
    let (status, body) = api.call("POST", "/authorization/permissions", Some(perm)).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("permission_slug_conflict")));
    let (status, body) =
        api.call("POST", "/authorization/roles", Some(json!({"slug": "member", "name": "M"}))).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("role_slug_conflict")));
    let (status, body) = api.call("GET", "/authorization/permissions/nope", None).await;
    assert_eq!(status, 404);
    assert!(body["message"].as_str().unwrap().contains("nope"));
    let (status, body) = api.call("POST", "/authorization/permissions", Some(json!({"name": "x"}))).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("slug")));
    let (status, body) =
        api.call("POST", "/authorization/permissions", Some(json!({"slug": "Bad Slug", "name": "x"}))).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("slug")));
    let (status, body) =
        api.call("POST", "/organizations", Some(json!({"name": "A", "external_id": "e1"}))).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) =
        api.call("POST", "/organizations", Some(json!({"name": "B", "external_id": "e1"}))).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("external_id_already_used")));
}

#[tokio::test]
async fn roles_permissions_and_the_access_check_fit_together() {
    let api = Api::start().await;
    for slug in ["docs:read", "docs:write"] {
        api.call("POST", "/authorization/permissions", Some(json!({"slug": slug, "name": slug}))).await;
    }
    let (_, org) = api.call("POST", "/organizations", Some(json!({"name": "Acme"}))).await;
    let org = org["id"].as_str().unwrap().to_owned();
    let roles = format!("/authorization/organizations/{org}/roles");
    let (status, role) = api.call("POST", &roles, Some(json!({"name": "Editor"}))).await;
    assert_eq!(status, 201);
    let slug = role["slug"].as_str().unwrap().to_owned();
    assert!(slug.starts_with("org-editor-"), "{slug}");
    assert_eq!(role["type"], "OrganizationRole");
    let (status, _) = api.call("POST", &roles, Some(json!({"slug": "editor", "name": "x"}))).await;
    assert_eq!(status, 422, "organization role slugs start with org-");
    let (_, listed) = api.call("GET", &roles, None).await;
    let order: Vec<&str> =
        listed["data"].as_array().unwrap().iter().map(|r| r["slug"].as_str().unwrap()).collect();
    assert_eq!(order, ["member", slug.as_str()], "environment roles first");
    let (_, role) =
        api.call("POST", &format!("{roles}/{slug}/permissions"), Some(json!({"slug": "docs:read"}))).await;
    assert_eq!(role["permissions"], json!(["docs:read"]));

    let (_, user) = api.call("POST", "/user_management/users", Some(json!({"email": "a@example.com"}))).await;
    let membership = json!({"user_id": user["id"], "organization_id": org, "role_slug": slug});
    let (status, m) = api.call("POST", "/user_management/organization_memberships", Some(membership)).await;
    assert_eq!(status, 201, "{m}");
    assert_eq!(m["role"]["slug"], slug.as_str());
    let om = m["id"].as_str().unwrap().to_owned();
    let (_, doc) = api
        .call(
            "POST",
            "/authorization/resources",
            Some(json!({"external_id": "d1", "name": "Doc", "resource_type_slug": "document", "organization_id": org})),
        )
        .await;
    let check = |perm: &str| json!({"permission_slug": perm, "resource_id": doc["id"]});
    let path = format!("/authorization/organization_memberships/{om}/check");
    assert_eq!(api.call("POST", &path, Some(check("docs:read"))).await.1, json!({"authorized": true}));
    assert_eq!(api.call("POST", &path, Some(check("docs:write"))).await.1, json!({"authorized": false}));
    let by_external = json!({"permission_slug": "docs:read", "resource_external_id": "d1", "resource_type_slug": "document"});
    assert_eq!(api.call("POST", &path, Some(by_external)).await.1["authorized"], true);
    let (status, body) = api.call("DELETE", &format!("{roles}/{slug}"), None).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("role_has_assignments")));
    // Taking the permission off the role revokes access.
    let (status, _) = api.call("DELETE", &format!("{roles}/{slug}/permissions/docs:read"), None).await;
    assert_eq!(status, 200);
    assert_eq!(api.call("POST", &path, Some(check("docs:read"))).await.1["authorized"], false);
}

#[tokio::test]
async fn pagination_walks_every_permission_once_with_null_cursors_at_the_ends() {
    let api = Api::start().await;
    for i in 0..23 {
        let (status, _) = api
            .call(
                "POST",
                "/authorization/permissions",
                Some(json!({"slug": format!("p:{i:02}"), "name": "p"})),
            )
            .await;
        assert_eq!(status, 201);
    }
    let (_, first) = api.call("GET", "/authorization/permissions", None).await;
    assert_eq!(first["data"].as_array().unwrap().len(), 10, "default limit");
    assert_eq!(first["data"][0]["slug"], "p:22", "newest first by default");
    assert_eq!(first["list_metadata"]["before"], Value::Null);
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(a) => format!("/authorization/permissions?order=asc&limit=4&after={a}"),
            None => "/authorization/permissions?order=asc&limit=4".to_owned(),
        };
        let (status, page) = api.call("GET", &path, None).await;
        assert_eq!(status, 200);
        seen.extend(page["data"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap().to_owned()));
        match page["list_metadata"]["after"].as_str() {
            Some(a) => after = Some(a.to_owned()),
            None => break,
        }
    }
    let expected: Vec<String> = (0..23).map(|i| format!("p:{i:02}")).collect();
    assert_eq!(seen, expected);
    for bad in ["limit=0", "limit=101", "order=sideways"] {
        let (status, _) = api.call("GET", &format!("/authorization/permissions?{bad}"), None).await;
        assert_eq!(status, 422, "{bad}");
    }
}

#[tokio::test]
async fn scripted_statuses_with_retry_after_then_normal_service() {
    let api = Api::start().await;
    api.emu
        .on("GET", "/authorization/permissions")
        .next(1, Fault::status(429).retry_after(RetryAfter::Seconds(2)))
        .next(1, Fault::status(503).retry_after(RetryAfter::DateIn(Duration::from_secs(5))));
    let url = format!("{}/authorization/permissions", api.emu.base_url());
    let get = || api.http.get(&url).bearer_auth(api.emu.api_key()).send();
    let r = get().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["retry-after"].to_str().unwrap()), (429, "2"));
    let r = get().await.unwrap();
    assert_eq!(r.status(), 503);
    let date = r.headers()["retry-after"].to_str().unwrap().to_owned();
    assert!(httpdate::parse_http_date(&date).is_ok(), "{date}");
    assert_eq!(get().await.unwrap().status(), 200);
    assert_eq!(api.emu.count("GET", "/authorization/permissions"), 3);
    let statuses: Vec<Option<u16>> = api.emu.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(429), Some(503), Some(200)]);
}

#[tokio::test]
async fn delay_and_dropped_connections() {
    let api = Api::start().await;
    api.emu.on("GET", "/organizations").next(1, Fault::delay(Duration::from_millis(300)));
    let started = Instant::now();
    assert_eq!(api.call("GET", "/organizations", None).await.0, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    api.emu.on("POST", "/organizations").next(1, Fault::drop_connection());
    let url = format!("{}/organizations", api.emu.base_url());
    let err = api
        .http
        .post(&url)
        .bearer_auth(api.emu.api_key())
        .json(&json!({"name": "A"}))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_request() || err.is_connect() || err.to_string().contains("connection"), "{err:?}");
    assert_eq!(api.call("POST", "/organizations", Some(json!({"name": "A"}))).await.0, 201);
    // Both attempts were seen; the dropped one has no status.
    let posts: Vec<Option<u16>> =
        api.emu.requests().iter().filter(|r| r.method == "POST").map(|r| r.status).collect();
    assert_eq!(posts, [None, Some(201)]);
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let api = Api::start().await;
    api.emu.on("*", "*").rate_limit(3, Duration::from_secs(60));
    for _ in 0..3 {
        assert_eq!(api.call("GET", "/authorization/roles", None).await.0, 200);
    }
    let url = format!("{}/authorization/roles", api.emu.base_url());
    let r = api.http.get(&url).bearer_auth(api.emu.api_key()).send().await.unwrap();
    assert_eq!(r.status(), 429);
    let secs: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&secs), "{secs}");
    api.emu.clear_faults();
    assert_eq!(api.call("GET", "/authorization/roles", None).await.0, 200);
}

#[tokio::test]
async fn seeding_and_stopping() {
    let seed = Seed {
        permissions: vec![SeedPermission { slug: "a:b".into(), name: "AB".into() }],
        environment_roles: vec![SeedRole {
            slug: "admin".into(),
            name: "Admin".into(),
            permissions: vec!["a:b".into()],
        }],
        organizations: vec!["Acme".into()],
        users: vec![SeedUser::new("ada@acme.test").password("pw-123456").member_of("Acme", "admin")],
        ..Seed::default()
    };
    let emu = Emulator::builder().api_key("sk_test_custom").seed(seed).start().await.unwrap();
    // A seeded user signs in with the password grant, in her organization, with her role.
    let signed_in: Value = reqwest::Client::new()
        .post(format!("{}/user_management/authenticate", emu.base_url()))
        .bearer_auth("sk_test_custom")
        .json(&json!({"grant_type": "password", "client_id": "client_1", "client_secret": "sk_test_custom",
            "email": "ada@acme.test", "password": "pw-123456"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(signed_in["user"]["email"], "ada@acme.test", "{signed_in}");
    assert!(signed_in["organization_id"].as_str().unwrap().starts_with("org_"), "{signed_in}");
    let claims = signed_in["access_token"].as_str().unwrap().split('.').nth(1).unwrap().to_owned();
    let claims = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims).unwrap();
    let claims: Value = serde_json::from_slice(&claims).unwrap();
    assert_eq!((claims["role"].clone(), claims["permissions"].clone()), (json!("admin"), json!(["a:b"])));
    let http = reqwest::Client::new();
    let roles: Value = http
        .get(format!("{}/authorization/roles", emu.base_url()))
        .bearer_auth("sk_test_custom")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(roles["data"][0]["permissions"], json!(["a:b"]));
    let bad = Seed {
        environment_roles: vec![SeedRole {
            slug: "x".into(),
            name: "X".into(),
            permissions: vec!["missing".into()],
        }],
        ..Seed::default()
    };
    let err = emu.seed(&bad).unwrap_err();
    assert!(err.to_string().contains("environment role 'x'") && err.message.contains("missing"), "{err}");
    let stray = Seed {
        users: vec![SeedUser::new("bob@acme.test").member_of("Nowhere", "member")],
        ..Seed::default()
    };
    let err = emu.seed(&stray).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot seed user 'bob@acme.test' in 'Nowhere': no organization of that name in the seed"
    );

    let addr = emu.addr();
    drop(emu);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "dropping the handle stops the server");
}

#[tokio::test]
async fn a_users_password_can_be_changed_and_a_membership_answers_every_role() {
    let api = Api::start().await;
    let (_, user) = api
        .call(
            "POST",
            "/user_management/users",
            Some(json!({"email": "ada@example.com", "password": "first-Passw0rd!"})),
        )
        .await;
    let id = user["id"].as_str().unwrap();
    let (status, _) = api
        .call("PUT", &format!("/user_management/users/{id}"), Some(json!({"password": "second-Passw0rd!"})))
        .await;
    assert_eq!(status, 200);
    let sign_in = |password: &str| {
        json!({"grant_type": "password", "client_id": "client_emulator", "client_secret": api.emu.api_key(),
               "email": "ada@example.com", "password": password})
    };
    let (old, _) = api.call("POST", "/user_management/authenticate", Some(sign_in("first-Passw0rd!"))).await;
    let (new, _) = api.call("POST", "/user_management/authenticate", Some(sign_in("second-Passw0rd!"))).await;
    assert_eq!((old, new), (400, 200), "the new password signs in, the old one no longer");

    let (_, org) = api.call("POST", "/organizations", Some(json!({"name": "Acme"}))).await;
    let org = org["id"].as_str().unwrap();
    let (status, _) =
        api.call("POST", "/authorization/roles", Some(json!({"slug": "editor", "name": "Editor"}))).await;
    assert_eq!(status, 201);
    let (status, membership) = api
        .call(
            "POST",
            "/user_management/organization_memberships",
            Some(json!({"user_id": id, "organization_id": org, "role_slugs": ["member", "editor"]})),
        )
        .await;
    assert_eq!(status, 201, "{membership}");
    assert_eq!(membership["roles"], json!([{"slug": "member"}, {"slug": "editor"}]), "{membership}");
}

#[tokio::test]
async fn a_seeded_waitlist_takes_entries_and_a_passwordless_session_is_emailed() {
    let api = Api::start().await;
    let seed = workos_emulator::Seed {
        records: vec![workos_emulator::SeedRecord::new("/user_management/waitlists", serde_json::Map::new())],
        ..Default::default()
    };
    api.emu.seed(&seed).expect("a waitlist");
    let (_, lists) = api.call("GET", "/user_management/waitlists", None).await;
    let waitlist = lists["data"][0]["id"].as_str().expect("the seeded waitlist").to_owned();
    let (status, entry) = api
        .call(
            "POST",
            &format!("/user_management/waitlists/{waitlist}/entries"),
            Some(json!({"email": "ada@example.com"})),
        )
        .await;
    assert_eq!((status, entry["waitlist_id"].as_str()), (201, Some(waitlist.as_str())), "{entry}");
    let entry = entry["id"].as_str().unwrap();
    let (status, approved) =
        api.call("POST", &format!("/user_management/waitlist_entries/{entry}/approve"), None).await;
    assert_eq!((status, approved["state"].as_str()), (200, Some("approved")), "{approved}");
    assert!(approved["approved_at"].is_string(), "{approved}");
    let (status, _) =
        api.call("POST", &format!("/user_management/waitlist_entries/{entry}/deny"), None).await;
    assert_eq!(status, 422, "decided already");
    // Sending: the email WorkOS would send is in the outbox, with the session's link.
    let (status, session) = api
        .call(
            "POST",
            "/passwordless/sessions",
            Some(json!({"email": "ada@example.com", "type": "MagicLink"})),
        )
        .await;
    assert_eq!(status, 201, "{session}");
    let session = session["id"].as_str().unwrap();
    let (status, _) = api.call("POST", &format!("/passwordless/sessions/{session}/send"), None).await;
    assert_eq!(status, 200);
    let sent = api.emu.emails();
    assert!(sent.iter().any(|e| e.to == "ada@example.com" && e.kind == "passwordless_session"), "{sent:?}");
}
