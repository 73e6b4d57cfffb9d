//! The request log is bounded in bytes: large bodies are kept truncated and old entries go, so
//! a long-lived emulator does not grow with the traffic.

use workos_emulator::{Emulator, MAX_LOGGED_BODY};

#[tokio::test]
async fn the_request_log_keeps_within_its_budget_and_truncates_large_bodies() {
    let budget = 1 << 20;
    let emu = Emulator::builder().request_log_bytes(budget).start().await.expect("start");
    let http = reqwest::Client::new();
    // Each body is valid JSON and larger than what the log keeps of one body.
    let description = "d".repeat(MAX_LOGGED_BODY + 1000);
    for n in 0..20 {
        let body = serde_json::json!({"slug": format!("p{n}"), "name": "P", "description": description});
        let status = http
            .post(format!("{}/authorization/permissions", emu.base_url()))
            .bearer_auth(emu.api_key())
            .json(&body)
            .send()
            .await
            .expect("answer")
            .status();
        assert!(status.is_client_error() || status.is_success(), "{status}");
    }
    assert!(emu.request_log_bytes() <= budget, "{} bytes kept", emu.request_log_bytes());
    let log = emu.requests();
    assert!(log.len() < 20, "old entries went: {} kept", log.len());
    let last = log.last().expect("the newest entry stays");
    assert!(last.truncated, "a body over {MAX_LOGGED_BODY} bytes is marked truncated");
    let kept = last.body.as_ref().and_then(|b| b.as_str()).expect("kept as text");
    assert!(kept.starts_with(r#"{"#) && kept.len() < MAX_LOGGED_BODY + 100, "{} bytes", kept.len());
    assert_eq!(emu.count("POST", "/authorization/permissions"), 20, "counters are not trimmed");
}
