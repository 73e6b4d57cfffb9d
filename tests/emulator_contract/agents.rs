//! The scenario's agents part: blueprints, the tokens minted from them, and the instances and
//! sessions those mints make, through successes and the documented failures.

use serde_json::{Value, json};

use super::{Scenario, id};

pub(super) async fn run(s: &Scenario) {
    let org = id(&s.call("POST", "/organizations", Some(json!({"name": "Blueprints Inc"})), 201).await);
    let user = json!({"email": "bea@blueprints.test", "password": "bea-first-password"});
    let bea = id(&s.call("POST", "/user_management/users", Some(user), 201).await);
    let m = "/user_management/organization_memberships";
    s.call("POST", m, Some(json!({"user_id": bea, "organization_id": org})), 201).await;
    let login = json!({"client_id": "client_1", "client_secret": s.emu.api_key(), "grant_type": "password",
        "email": "bea@blueprints.test", "password": "bea-first-password"});
    let signed_in = s.call("POST", "/user_management/authenticate", Some(login), 200).await;
    let user_token = signed_in["access_token"].clone();

    let blueprint = blueprints(s, &org).await;
    let minted = tokens(s, &blueprint, &org, &user_token).await;
    instances_and_sessions(s, &blueprint, &org, &minted).await;
    s.call("DELETE", &format!("/agents/blueprints/{blueprint}"), None, 204).await;
    s.call("GET", &format!("/agents/blueprints/{blueprint}"), None, 404).await;
    let left = s.call("GET", &format!("/agents/instances?agent_blueprint_id={blueprint}"), None, 200).await;
    assert_eq!(left["data"], json!([]), "a blueprint's instances go with it");
}

async fn blueprints(s: &Scenario, org: &str) -> String {
    let b = "/agents/blueprints";
    s.call("POST", b, Some(json!({"name": ""})), 422).await;
    s.call("POST", b, Some(json!({"name": "Helper", "permissions": ["no:such"]})), 422).await;
    s.call(
        "POST",
        b,
        Some(json!({"name": "Helper", "session_settings": {"access_token_ttl_seconds": 7200}})),
        422,
    )
    .await;
    let made = s
        .call(
            "POST",
            b,
            Some(json!({"name": "Helper", "description": "Triages tickets",
                "invocable_by": {"organization_ids": [org]}})),
            201,
        )
        .await;
    assert_eq!(made["invocable_as"]["instance_types"], json!(["delegated", "autonomous"]));
    let blueprint = id(&made);
    let one = format!("{b}/{blueprint}");
    assert_eq!(s.call("GET", &one, None, 200).await["name"], "Helper");
    assert_eq!(s.call("GET", b, None, 200).await["data"][0]["id"], blueprint.as_str());
    s.call("GET", &format!("{b}/agent_blueprint_missing"), None, 404).await;
    let changed = s.call("PATCH", &one, Some(json!({"description": null})), 200).await;
    assert!(changed["description"].is_null());
    s.call("PATCH", &one, Some(json!({"name": " "})), 422).await;
    s.call("PATCH", &format!("{b}/agent_blueprint_missing"), Some(json!({"name": "X"})), 404).await;
    s.call("DELETE", &format!("{b}/agent_blueprint_missing"), None, 404).await;
    blueprint
}

/// Mints a token of each type; the autonomous one's answer.
async fn tokens(s: &Scenario, blueprint: &str, org: &str, user_token: &Value) -> Value {
    let t = format!("/agents/blueprints/{blueprint}/tokens");
    let v = format!("{t}/validate");
    let delegated = s
        .call(
            "POST",
            &t,
            Some(json!({"type": "user_delegated", "user_access_token": user_token, "intent": "triage"})),
            201,
        )
        .await;
    assert_eq!(delegated["new_instance"], true);
    let valid = s.call("POST", &v, Some(json!({"agent_access_token": delegated["access_token"]})), 200).await;
    assert_eq!((valid["intent"].as_str(), valid["organization_id"].as_str()), (Some("triage"), Some(org)));
    let alone = s.call("POST", &t, Some(json!({"type": "autonomous", "organization_id": org})), 201).await;
    let refreshed = s
        .call("POST", &t, Some(json!({"type": "refresh", "refresh_token": alone["refresh_token"]})), 201)
        .await;
    assert_eq!(refreshed["agent_instance_session_id"], alone["agent_instance_session_id"]);
    s.call("POST", &t, Some(json!({"type": "refresh", "refresh_token": alone["refresh_token"]})), 400).await;
    let chained = json!({"type": "agent_delegated", "agent_access_token": alone["access_token"]});
    assert_eq!(s.call("POST", &t, Some(chained), 201).await["agent_instance_id"], alone["agent_instance_id"]);
    s.call("POST", &t, Some(json!({"type": "password"})), 400).await;
    s.call("POST", &t, Some(json!({"type": "autonomous", "organization_id": "org_missing"})), 404).await;
    s.call(
        "POST",
        "/agents/blueprints/agent_blueprint_missing/tokens",
        Some(json!({"type": "autonomous"})),
        404,
    )
    .await;
    s.call("POST", &v, Some(json!({"agent_access_token": "not-a-token"})), 400).await;
    s.call("POST", &v, Some(json!({})), 400).await;
    s.call(
        "POST",
        "/agents/blueprints/agent_blueprint_missing/tokens/validate",
        Some(json!({"agent_access_token": "x"})),
        404,
    )
    .await;
    // A blueprint for delegated sessions only refuses an autonomous mint.
    let only = json!({"name": "Delegated only", "invocable_as": {"instance_types": ["delegated"]}});
    let narrow = id(&s.call("POST", "/agents/blueprints", Some(only), 201).await);
    let refused = format!("/agents/blueprints/{narrow}/tokens");
    s.call("POST", &refused, Some(json!({"type": "autonomous", "organization_id": org})), 403).await;
    s.call("DELETE", &format!("/agents/blueprints/{narrow}"), None, 204).await;
    alone
}

async fn instances_and_sessions(s: &Scenario, blueprint: &str, org: &str, minted: &Value) {
    let instance = minted["agent_instance_id"].as_str().expect("instance");
    let session = minted["agent_instance_session_id"].as_str().expect("session");
    let i = "/agents/instances";
    let listed =
        s.call("GET", &format!("{i}?agent_blueprint_id={blueprint}&organization_id={org}"), None, 200).await;
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(2), "a delegated and an autonomous instance");
    assert_eq!(s.call("GET", &format!("{i}/{instance}"), None, 200).await["type"], "autonomous");
    s.call("GET", &format!("{i}/agent_instance_missing"), None, 404).await;
    s.call("DELETE", &format!("{i}/agent_instance_missing"), None, 404).await;
    let ss = "/agents/sessions";
    let of = s.call("GET", &format!("{ss}?agent_instance_id={instance}"), None, 200).await;
    assert_eq!(of["data"].as_array().map(Vec::len), Some(2), "the autonomous mint's and the chained one's");
    s.call("GET", &format!("{ss}?limit=0"), None, 422).await;
    assert_eq!(s.call("GET", &format!("{ss}/{session}"), None, 200).await["status"], "active");
    s.call("GET", &format!("{ss}/agent_instance_session_missing"), None, 404).await;
    let revoked = s.call("POST", &format!("{ss}/{session}/revoke"), None, 200).await;
    assert_eq!(revoked["status"], "revoked");
    s.call("POST", &format!("{ss}/agent_instance_session_missing/revoke"), None, 404).await;
    let v = format!("/agents/blueprints/{blueprint}/tokens/validate");
    s.call("POST", &v, Some(json!({"agent_access_token": minted["access_token"]})), 400).await;
    s.call("DELETE", &format!("{i}/{instance}"), None, 204).await;
    s.call("GET", &format!("{ss}/{session}"), None, 404).await;
}
