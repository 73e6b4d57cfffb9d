//! What the emulator's integration tests share.

use serde_json::Value;
use workos_emulator::Emulator;

/// Calls the emulator with its API key; the status and the JSON body (`null` when there is none).
pub(crate) async fn call(emu: &Emulator, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .request(method.parse().expect("method"), format!("{}{path}", emu.base_url()))
        .bearer_auth(emu.api_key());
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.expect("answer");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}
