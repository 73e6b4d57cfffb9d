//! Input the emulator must refuse loudly, in the API's JSON error shape, writing nothing: a body
//! that is not exactly one JSON object, a body that is not JSON at all, a cursor that is no id,
//! a method or a path it does not serve, a path that does not decode. Every answer carries an
//! `X-Request-ID`.

use serde_json::Value;
use workos_emulator::Emulator;

struct Answer {
    status: u16,
    request_id: Option<String>,
    body: Value,
}

async fn send(emu: &Emulator, method: &str, path: &str, content_type: Option<&str>, body: &str) -> Answer {
    let mut req = reqwest::Client::new()
        .request(method.parse().expect("method"), format!("{}{path}", emu.base_url()))
        .bearer_auth(emu.api_key())
        .body(body.to_owned());
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let resp = req.send().await.expect("an answer");
    let status = resp.status().as_u16();
    let request_id = resp.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let text = resp.text().await.expect("body");
    let body =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {text:?}"));
    Answer { status, request_id, body }
}

async fn permission_count(emu: &Emulator) -> usize {
    let list = send(emu, "GET", "/authorization/permissions?limit=100", None, "").await;
    assert_eq!(list.status, 200);
    list.body["data"].as_array().expect("data").len()
}

const JSON: Option<&str> = Some("application/json");

#[tokio::test]
async fn bodies_that_are_not_one_json_object_are_refused_and_nothing_is_written() {
    let emu = Emulator::start().await.expect("start");
    let before = permission_count(&emu).await;
    let cases = [
        (JSON, r#"{"slug": "docs:read", "name": "Read"} trailing"#, 422, "invalid_json"),
        (JSON, r#"{"slug": "docs:read", "name": "Read"}{"slug": "x", "name": "y"}"#, 422, "invalid_json"),
        (JSON, r#"["docs:read", "Read", null, null]"#, 422, "invalid_json"),
        (Some("text/plain"), r#"{"slug": "docs:read", "name": "Read"}"#, 400, "invalid_content_type"),
        (Some("application/x-www-form-urlencoded"), "slug=docs:read&name=Read", 400, "invalid_content_type"),
    ];
    for (content_type, body, status, code) in cases {
        let a = send(&emu, "POST", "/authorization/permissions", content_type, body).await;
        assert_eq!(a.status, status, "{body}: {}", a.body);
        let codes = [&a.body["code"], &a.body["errors"][0]["code"]];
        assert!(codes.iter().any(|c| *c == code), "{body}: {}", a.body);
        assert!(a.body["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", a.body);
    }
    assert_eq!(permission_count(&emu).await, before, "a refused body wrote nothing");
    // The same body, well formed, is accepted: the refusals were about the form.
    let ok = send(
        &emu,
        "POST",
        "/authorization/permissions",
        Some("application/json; charset=utf-8"),
        r#" {"slug": "docs:read", "name": "Read"} "#,
    )
    .await;
    assert_eq!(ok.status, 201, "{}", ok.body);
}

#[tokio::test]
async fn a_cursor_that_is_no_id_is_an_error_not_an_empty_last_page() {
    let emu = Emulator::start().await.expect("start");
    for cursor in ["garbage", "perm_123", "%00"] {
        let a = send(&emu, "GET", &format!("/authorization/permissions?after={cursor}"), None, "").await;
        assert_eq!(a.status, 422, "{cursor}: {}", a.body);
        assert_eq!(a.body["errors"][0]["field"], "after");
        assert_eq!(a.body["errors"][0]["code"], "invalid_cursor");
    }
}

#[tokio::test]
async fn unserved_methods_paths_and_undecodable_paths_answer_json_errors() {
    let emu = Emulator::start().await.expect("start");
    let a = send(&emu, "PUT", "/authorization/permissions", JSON, "{}").await;
    assert_eq!((a.status, a.body["code"].as_str()), (405, Some("method_not_allowed")), "{}", a.body);
    assert!(a.body["message"].as_str().is_some_and(|m| m.ends_with("(allowed: GET, POST).")), "{}", a.body);
    let a = send(&emu, "GET", "/no/such/thing", None, "").await;
    assert_eq!((a.status, a.body["code"].as_str()), (404, Some("route_not_found")), "{}", a.body);
    let a = send(&emu, "GET", "/authorization/permissions/%FF%FE", None, "").await;
    assert_eq!(a.status, 400, "{}", a.body);
    assert_eq!(a.body["code"], "invalid_request");
    let big = format!(r#"{{"slug": "x", "name": "{}"}}"#, "a".repeat(2 << 20));
    let a = send(&emu, "POST", "/authorization/permissions", JSON, &big).await;
    assert_eq!(a.status, 413, "{}", a.body);
    assert!(a.request_id.is_some(), "a refused body still gets an X-Request-ID");
}

#[tokio::test]
async fn every_answer_has_its_own_request_id() {
    let emu = Emulator::start().await.expect("start");
    let mut ids = Vec::new();
    for (method, path) in [
        ("GET", "/authorization/permissions"),
        ("GET", "/no/such/thing"),
        ("PUT", "/authorization/permissions"),
    ] {
        let a = send(&emu, method, path, JSON, "").await;
        ids.push(a.request_id.unwrap_or_else(|| panic!("{method} {path}: no X-Request-ID")));
    }
    let unauthenticated =
        reqwest::get(format!("{}/authorization/permissions", emu.base_url())).await.expect("answer");
    assert_eq!(unauthenticated.status(), 401);
    ids.push(unauthenticated.headers()["x-request-id"].to_str().expect("text").to_owned());
    assert!(ids.iter().all(|id| id.starts_with("req_")), "{ids:?}");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
}
