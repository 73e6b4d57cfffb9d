//! Persistence: a data file keeps everything across a restart, is written atomically, and a
//! bad one stops the start with a message naming it.

use std::path::PathBuf;

use serde_json::{Value, json};
mod support;

use support::call;
use workos_emulator::{Builder, Emulator};

/// A fresh folder for one test.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("workos-emulator-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp folder");
    dir
}

async fn created(emu: &Emulator, path: &str, body: Value) -> String {
    let (status, v) = call(emu, "POST", path, Some(body)).await;
    assert!(status == 200 || status == 201, "{path}: {status} {v}");
    v["id"].as_str().map(str::to_owned).unwrap_or_default()
}

#[tokio::test]
async fn a_restart_with_the_data_file_keeps_everything_and_ids_keep_increasing() {
    let dir = folder("restart");
    let file = dir.join("data.json");
    let emu = Builder::default().data_file(&file).start().await.expect("start");
    let org = created(&emu, "/organizations", json!({"name": "Kept"})).await;
    let user = created(
        &emu,
        "/user_management/users",
        json!({"email": "kept@kept.test", "password": "kept-password"}),
    )
    .await;
    let om = created(
        &emu,
        "/user_management/organization_memberships",
        json!({"user_id": user, "organization_id": org}),
    )
    .await;
    created(
        &emu,
        &format!("/authorization/organizations/{org}/roles"),
        json!({"slug": "org-kept", "name": "Kept"}),
    )
    .await;
    let group = created(&emu, &format!("/organizations/{org}/groups"), json!({"name": "Kept group"})).await;
    created(
        &emu,
        &format!("/organizations/{org}/groups/{group}/organization-memberships"),
        json!({"organization_membership_id": om}),
    )
    .await;
    created(
        &emu,
        "/user_management/invitations",
        json!({"email": "later@kept.test", "organization_id": org}),
    )
    .await;
    emu.flush().expect("flush");
    drop(emu);

    let emu = Builder::default().data_file(&file).start().await.expect("restart");
    let (status, got) = call(&emu, "GET", &format!("/organizations/{org}"), None).await;
    assert_eq!((status, got["name"].as_str()), (200, Some("Kept")));
    // Internal fields too: the organization role stays the organization's, the group its members.
    let (_, roles) = call(&emu, "GET", &format!("/authorization/organizations/{org}/roles"), None).await;
    assert!(roles["data"].as_array().expect("roles").iter().any(|r| r["slug"] == "org-kept"), "{roles}");
    let (_, members) =
        call(&emu, "GET", &format!("/organizations/{org}/groups/{group}/organization-memberships"), None)
            .await;
    assert_eq!(members["data"][0]["id"], om.as_str());
    let (_, invitations) = call(&emu, "GET", "/user_management/invitations", None).await;
    assert_eq!(invitations["data"][0]["state"], "pending");
    // The password works, and new ids sort after the old ones.
    let login = json!({"grant_type": "password", "client_id": "c", "client_secret": emu.api_key(),
        "email": "kept@kept.test", "password": "kept-password"});
    assert_eq!(call(&emu, "POST", "/user_management/authenticate", Some(login)).await.0, 200);
    let newer = created(&emu, "/organizations", json!({"name": "Newer"})).await;
    assert!(newer.as_str() > org.as_str(), "{newer} after {org}");
    // Writes leave no temporary file behind.
    let names: Vec<String> = std::fs::read_dir(&dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["data.json"]);
    drop(emu);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_write_by_a_get_reaches_the_file_too() {
    let dir = folder("get-write");
    let file = dir.join("data.json");
    let emu = Builder::default().data_file(&file).start().await.expect("start");
    created(&emu, "/user_management/users", json!({"email": "out@kept.test", "password": "out-password"}))
        .await;
    let login = json!({"grant_type": "password", "client_id": "c", "client_secret": emu.api_key(),
        "email": "out@kept.test", "password": "out-password"});
    let (_, tokens) = call(&emu, "POST", "/user_management/authenticate", Some(login)).await;
    let payload = tokens["access_token"].as_str().expect("a token").split('.').nth(1).expect("a JWT");
    let claims: Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload).expect("base64"),
    )
    .expect("claims");
    emu.flush().expect("flush");
    let session = |text: &str| {
        let data: Value = serde_json::from_str(text).expect("the data file");
        data["store"]["auth_sessions"][0]["status"].as_str().map(str::to_owned)
    };
    assert_eq!(session(&std::fs::read_to_string(&file).expect("read")).as_deref(), Some("active"));

    // Logout is a GET (a browser's redirect) that revokes the session.
    let browser =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");
    let sid = claims["sid"].as_str().expect("sid");
    let url = format!(
        "{}/user_management/sessions/logout?session_id={sid}&return_to=https%3A%2F%2Fa.test",
        emu.base_url()
    );
    assert_eq!(browser.get(url).send().await.expect("answer").status(), 302);
    emu.flush().expect("flush");
    assert_eq!(session(&std::fs::read_to_string(&file).expect("read")).as_deref(), Some("revoked"));
    drop(emu);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn changes_reach_the_file_without_an_explicit_flush() {
    let dir = folder("interval");
    let file = dir.join("data.json");
    let emu = Builder::default().data_file(&file).start().await.expect("start");
    created(&emu, "/organizations", json!({"name": "Flushed by the timer"})).await;
    let deadline = std::time::Instant::now() + workos_emulator::FLUSH_INTERVAL * 5;
    loop {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        if text.contains("Flushed by the timer") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not written within five flush intervals");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    drop(emu);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_bad_data_file_stops_the_start_and_names_what_is_wrong() {
    let dir = folder("bad");
    let file = dir.join("data.json");
    for (content, expected) in [
        ("{not json", "not an emulator data file"),
        (r#"{"format": 99, "store": {}}"#, "format 99"),
        (r#"{"format": 1, "store": {"organizations": [{"id": 5}]}}"#, "store.organizations[0]"),
    ] {
        std::fs::write(&file, content).expect("write");
        let err = Builder::default().data_file(&file).start().await.expect_err("refused");
        let message = err.to_string();
        assert!(message.contains("data.json") && message.contains(expected), "{message}");
        assert_eq!(std::fs::read_to_string(&file).expect("kept"), content, "a bad file is left as it was");
    }
    // A file from before a collection existed reads it as empty.
    std::fs::write(&file, r#"{"format": 1, "store": {"organizations": []}}"#).expect("write");
    let emu = Builder::default().data_file(&file).start().await.expect("an older file loads");
    assert_eq!(call(&emu, "GET", "/feature-flags", None).await.0, 200);
    drop(emu);
    // A file that cannot be written: the start fails too, naming it.
    let unwritable = dir.join("no-such-folder").join("data.json");
    let err = Builder::default().data_file(&unwritable).start().await.expect_err("refused");
    assert!(err.to_string().contains("no-such-folder"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
