//! The scenario's part for waitlists and their entries, AuthKit OAuth resources, passwordless
//! sessions, platform teams and revoking Admin Portal links: each route through a success and
//! the failures its operation declares.

use serde_json::json;

use super::{Scenario, id};

pub(super) async fn run(s: &Scenario) {
    waitlists(s).await;
    oauth_resources(s).await;
    passwordless_sessions(s).await;
    platform_teams(s).await;
    revoke_link(s).await;
}

async fn waitlists(s: &Scenario) {
    // Waitlists are made in the dashboard: seeded.
    let record = workos_emulator::SeedRecord::new("/user_management/waitlists", serde_json::Map::new());
    s.emu.seed(&workos_emulator::Seed { records: vec![record], ..Default::default() }).expect("a waitlist");
    let all = s.call("GET", "/user_management/waitlists", None, 200).await;
    let list = id(&all["data"][0]);
    s.call("GET", &format!("/user_management/waitlists/{list}"), None, 200).await;
    s.call("GET", "/user_management/waitlists/waitlist_missing", None, 404).await;
    let entries = format!("/user_management/waitlists/{list}/entries");
    let body = json!({"email": "ada@wait.test", "additional_fields": {"company": "Acme"}, "send_confirmation_email": true});
    let ada = id(&s.call("POST", &entries, Some(body), 201).await);
    let bob = id(&s.call("POST", &entries, Some(json!({"email": "bob@wait.test"})), 201).await);
    let cy = id(&s.call("POST", &entries, Some(json!({"email": "cy@wait.test"})), 201).await);
    s.call("POST", &entries, Some(json!({"email": "ada@wait.test"})), 422).await;
    s.call("POST", &entries, Some(json!({"email": "not-an-email"})), 422).await;
    s.call(
        "POST",
        "/user_management/waitlists/waitlist_missing/entries",
        Some(json!({"email": "a@b.test"})),
        404,
    )
    .await;
    let e = "/user_management/waitlist_entries";
    let approved = s.call("POST", &format!("{e}/{ada}/approve"), None, 200).await;
    assert_eq!(approved["state"], "approved");
    s.call("POST", &format!("{e}/{ada}/approve"), None, 422).await;
    s.call("POST", &format!("{e}/{bob}/deny"), None, 200).await;
    s.call("POST", &format!("{e}/{bob}/approve"), None, 422).await;
    s.call("POST", &format!("{e}/{ada}/deny"), None, 422).await;
    s.call("POST", &format!("{e}/waitlist_entry_missing/approve"), None, 404).await;
    s.call("POST", &format!("{e}/waitlist_entry_missing/deny"), None, 404).await;
    let pending = s.call("GET", &format!("{entries}?state=pending"), None, 200).await;
    assert_eq!(pending["data"].as_array().map(Vec::len), Some(1));
    let found = s.call("GET", &format!("{entries}?email=ada@wait.test&limit=1&order=asc"), None, 200).await;
    assert_eq!(found["data"][0]["id"], ada.as_str());
    s.call("GET", &format!("{entries}?state=waiting"), None, 422).await;
    s.call("GET", "/user_management/waitlists/waitlist_missing/entries", None, 404).await;
    s.call("DELETE", &format!("{e}/{cy}"), None, 204).await;
    s.call("DELETE", &format!("{e}/{cy}"), None, 404).await;
}

async fn oauth_resources(s: &Scenario) {
    let r = "/user_management/authkit_oauth_resources";
    let first =
        id(&s.call("POST", r, Some(json!({"uri": "https://mcp.example.test", "default": true})), 201).await);
    let second = s.call("POST", r, Some(json!({"uri": "https://*.tenants.example.test"})), 201).await;
    assert_eq!(second["default"], false);
    s.call("POST", r, Some(json!({"uri": "https://mcp.example.test"})), 422).await;
    s.call("POST", r, Some(json!({"uri": "https://*.other.example.test", "default": true})), 422).await;
    s.call("POST", r, Some(json!({"uri": "not a uri"})), 422).await;
    s.call("POST", r, Some(json!({})), 422).await;
    let listed = s.call("GET", &format!("{r}?limit=1&order=asc"), None, 200).await;
    assert_eq!(listed["data"][0]["id"], first.as_str());
    s.call("DELETE", &format!("{r}/{first}"), None, 204).await;
    s.call("DELETE", &format!("{r}/{first}"), None, 404).await;
}

async fn passwordless_sessions(s: &Scenario) {
    let p = "/passwordless/sessions";
    let body = json!({"email": "pat@magic.test", "type": "MagicLink", "redirect_uri": "https://app.test/cb",
        "state": "xyz", "expires_in": 3600});
    let session = s.call("POST", p, Some(body), 201).await;
    let sent = s.call("POST", &format!("{p}/{}/send", id(&session)), None, 200).await;
    assert_eq!(sent["success"], true);
    let emails = s.emu.emails();
    assert!(
        emails
            .iter()
            .any(|e| e.to == "pat@magic.test" && e.link == session["link"].as_str().map(str::to_owned))
    );
    s.call("POST", p, Some(json!({"email": "pat@magic.test", "type": "Code"})), 422).await;
    s.call("POST", &format!("{p}/passwordless_session_missing/send"), None, 404).await;
}

async fn platform_teams(s: &Scenario) {
    let t = "/platform/teams";
    let team =
        s.call("POST", t, Some(json!({"admin_email": "admin@team.test", "name": "Team One"})), 201).await;
    assert_eq!(team["production_state"], "Inactive");
    s.call("POST", t, Some(json!({"admin_email": "other@team.test", "name": "team one"})), 409).await;
    s.call("POST", t, Some(json!({"admin_email": "nobody", "name": "Team Two"})), 422).await;
    s.call("POST", t, Some(json!({"name": "Team Two"})), 422).await;
    s.call("GET", &format!("{t}/{}", id(&team)), None, 200).await;
    s.call("GET", &format!("{t}/team_missing"), None, 404).await;
}

async fn revoke_link(s: &Scenario) {
    let org = id(&s.call("POST", "/organizations", Some(json!({"name": "Portal Co"})), 201).await);
    let link = json!({"organization": org, "intent": "sso", "external_user_id": "admin_7"});
    s.call("POST", "/portal/generate_link", Some(link), 201).await;
    let revoke = json!({"organization": org, "external_user_id": "admin_7"});
    s.call("POST", "/portal/revoke_link", Some(revoke), 204).await;
    s.call(
        "POST",
        "/portal/revoke_link",
        Some(json!({"organization": "org_missing", "external_user_id": "a"})),
        404,
    )
    .await;
    s.call("POST", "/portal/revoke_link", Some(json!({"organization": org})), 422).await;
}
