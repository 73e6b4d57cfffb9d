//! State a test can set up once and put back: snapshots and reset, from Rust and over HTTP.

use serde_json::json;
mod support;

use support::call;
use workos_emulator::Emulator;

async fn slugs(emu: &Emulator) -> Vec<String> {
    let (_, list) = call(emu, "GET", "/authorization/permissions?order=asc", None).await;
    list["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|p| p["slug"].as_str().expect("slug").to_owned())
        .collect()
}

#[tokio::test]
async fn a_snapshot_restores_the_data_and_reset_goes_back_to_the_seed() {
    let emu = Emulator::start().await.expect("start");
    let create = |slug: &str| json!({"slug": slug, "name": slug});
    assert_eq!(call(&emu, "POST", "/authorization/permissions", Some(create("a:read"))).await.0, 201);
    let fixture = emu.snapshot();
    assert_eq!(call(&emu, "POST", "/authorization/permissions", Some(create("b:read"))).await.0, 201);
    let (_, deleted) = call(&emu, "DELETE", "/authorization/permissions/a:read", None).await;
    assert_eq!(slugs(&emu).await, ["b:read"], "{deleted}");

    emu.restore(&fixture);
    assert_eq!(slugs(&emu).await, ["a:read"]);
    // Ids keep increasing after a restore: a new record sorts after every earlier one.
    let (_, c) = call(&emu, "POST", "/authorization/permissions", Some(create("c:read"))).await;
    let (_, a) = call(&emu, "GET", "/authorization/permissions/a:read", None).await;
    assert!(c["id"].as_str() > a["id"].as_str());

    emu.reset();
    assert!(slugs(&emu).await.is_empty(), "the default seed has no permission");
    let (_, roles) = call(&emu, "GET", "/authorization/roles", None).await;
    assert_eq!(roles["data"][0]["slug"], "member", "the seed is back");
}

#[tokio::test]
async fn snapshots_over_http_for_tools_in_other_languages() {
    let emu = Emulator::start().await.expect("start");
    call(&emu, "POST", "/authorization/permissions", Some(json!({"slug": "a:read", "name": "A"}))).await;
    let (status, snap) = call(&emu, "POST", "/_emulator/snapshots", None).await;
    assert_eq!(status, 201, "{snap}");
    let id = snap["id"].as_str().expect("id").to_owned();
    call(&emu, "POST", "/authorization/permissions", Some(json!({"slug": "b:read", "name": "B"}))).await;
    let (status, _) = call(&emu, "POST", &format!("/_emulator/snapshots/{id}/restore"), None).await;
    assert_eq!(status, 200);
    assert_eq!(slugs(&emu).await, ["a:read"]);
    let (status, body) = call(&emu, "POST", "/_emulator/snapshots/snapshot_missing/restore", None).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("entity_not_found")));
    assert_eq!(call(&emu, "POST", "/_emulator/reset", None).await.0, 200);
    assert!(slugs(&emu).await.is_empty());
    // The admin endpoints need the API key like the rest.
    let anonymous = reqwest::Client::new().post(format!("{}/_emulator/reset", emu.base_url())).send().await;
    assert_eq!(anonymous.expect("answer").status(), 401);
}

#[tokio::test]
async fn a_seed_over_http_applies_whole_or_not_at_all() {
    let emu = Emulator::start().await.expect("start");
    let seed = json!({
        "permissions": [{"slug": "docs:read", "name": "Read"}],
        "organizations": ["Seeded Co"],
        "authentication": {"organization_selection_required": true},
    });
    let (status, body) = call(&emu, "POST", "/_emulator/seed", Some(seed)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(slugs(&emu).await, ["docs:read"]);

    // The second permission is refused (a taken slug), so the first is not kept either.
    let half = json!({"permissions": [{"slug": "docs:write", "name": "Write"}, {"slug": "docs:read", "name": "Again"}]});
    let (status, body) = call(&emu, "POST", "/_emulator/seed", Some(half)).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("invalid_seed")), "{body}");
    assert!(body["message"].as_str().is_some_and(|m| m.contains("permission 'docs:read'")), "{body}");
    assert_eq!(slugs(&emu).await, ["docs:read"], "nothing of the refused seed is kept");

    let (status, body) = call(&emu, "POST", "/_emulator/seed", Some(json!({"organisations": []}))).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("organisations"), "names the unknown field: {body}");
}
