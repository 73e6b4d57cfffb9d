//! The scenario's Pipes steps for what an organization owns: the organization-owned root of an
//! integration, an organization's connected accounts and providers, the connections added
//! beside an owner's first (for a user or an organization), and the finish of a flow started
//! with a `code_challenge`.

use serde_json::json;

use super::{Scenario, id};

/// RFC 7636's example: a verifier and its S256 challenge.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

pub(super) async fn run(s: &Scenario) {
    let org = id(&s.call("POST", "/organizations", Some(json!({"name": "Pipes Org"})), 201).await);
    let u = "/user_management/users";
    let member = id(&s.call("POST", u, Some(json!({"email": "member@pipes-org.test"})), 201).await);
    let outsider = id(&s.call("POST", u, Some(json!({"email": "outsider@pipes-org.test"})), 201).await);
    let m = "/user_management/organization_memberships";
    s.call("POST", m, Some(json!({"user_id": member, "organization_id": org})), 201).await;
    organization_owned_root(s).await;
    organization_accounts(s, &org, &member, &outsider).await;
    added_connections(s, &org, &member, &outsider).await;
    providers(s, &org).await;
    finish(s, &member).await;
    let root = "/data-integrations/jira/organization";
    s.call("DELETE", root, None, 204).await;
    s.call("DELETE", root, None, 404).await;
    s.call("GET", &format!("/organizations/{org}/connected_accounts/jira"), None, 404).await;
}

async fn organization_owned_root(s: &Scenario) {
    let d = "/data-integrations";
    let root = json!({"provider": "jira", "ownership": "organization",
        "auth_methods": ["oauth", "api_key", "client_credentials"],
        "credentials": {"type": "custom", "client_id": "jira_1", "client_secret": "jira_secret_1"}});
    let made = s.call("POST", d, Some(root.clone()), 201).await;
    assert_eq!(made["ownership"], "organization");
    s.call("POST", d, Some(root), 409).await;
    let user_root = json!({"provider": "jira", "auth_methods": ["api_key"]});
    assert_eq!(s.call("POST", d, Some(user_root), 201).await["ownership"], "user");
    let o = "/data-integrations/jira/organization";
    assert_eq!(s.call("GET", o, None, 200).await["id"], made["id"]);
    s.call("GET", "/data-integrations/missing/organization", None, 404).await;
    let changed = s.call("PUT", o, Some(json!({"description": "Shared Jira"})), 200).await;
    assert_eq!(changed["description"], "Shared Jira");
    s.call("PUT", o, Some(json!({"credentials": {"type": "shared"}})), 422).await;
    s.call("PUT", "/data-integrations/missing/organization", Some(json!({})), 404).await;
}

async fn organization_accounts(s: &Scenario, org: &str, member: &str, outsider: &str) {
    let a = format!("/organizations/{org}/connected_accounts/jira");
    let body = json!({"user_id": member, "access_token": "jira_tok", "scopes": ["read"],
        "account_display_name": "Ops"});
    let first = s.call("POST", &a, Some(body.clone()), 201).await;
    assert_eq!(
        (&first["connection_role"], &first["established_by_user_id"]),
        (&json!("compatibility"), &json!(member))
    );
    s.call("POST", &a, Some(body.clone()), 409).await;
    let mut added = body.clone();
    added["connection_intent"] = json!("add");
    let second = s.call("POST", &a, Some(added), 201).await;
    assert_eq!(second["connection_role"], "standard");
    let outsider_body = json!({"user_id": outsider, "access_token": "t"});
    s.call("POST", &format!("/organizations/{org}/connected_accounts/asana"), Some(outsider_body), 403).await;
    s.call("POST", &a, Some(json!({"user_id": member, "state": "gone"})), 422).await;
    s.call("POST", "/organizations/org_missing/connected_accounts/jira", Some(body), 404).await;
    assert_eq!(s.call("GET", &a, None, 200).await["id"], first["id"]);
    let second_id = id(&second);
    let by_id = format!("{a}?connected_account_id={second_id}");
    assert_eq!(s.call("GET", &by_id, None, 200).await["id"], json!(second_id));
    s.call("GET", &format!("/organizations/{org}/connected_accounts/asana"), None, 404).await;
    let reauthorize = format!("{by_id}&connection_intent=reauthorize");
    let update = json!({"user_id": member, "state": "needs_reauthorization"});
    let changed = s.call("PUT", &reauthorize, Some(update.clone()), 200).await;
    assert_eq!(changed["state"], "needs_reauthorization");
    s.call("PUT", &format!("{a}?connection_intent=reauthorize"), Some(update.clone()), 422).await;
    s.call("PUT", &a, Some(json!({"user_id": outsider})), 403).await;
    s.call("PUT", &format!("/organizations/{org}/connected_accounts/asana"), Some(update), 404).await;
    s.call("DELETE", &by_id, None, 204).await;
    s.call("DELETE", &by_id, None, 404).await;
}

async fn added_connections(s: &Scenario, org: &str, member: &str, outsider: &str) {
    let key = "/data-integrations/jira/api-key";
    let mine = json!({"user_id": member, "secret": "jira_key_1", "connection_intent": "add",
        "account_identifier": "acct-1"});
    let made = s.call("POST", key, Some(mine.clone()), 201).await;
    assert_eq!(
        (&made["auth_method"], &made["connection_role"]),
        (&json!("api_key"), &json!("compatibility"))
    );
    s.call("POST", key, Some(mine), 409).await;
    let shared = json!({"user_id": member, "organization_id": org, "secret": "jira_key_2",
        "connection_intent": "add", "connection_owner": "organization"});
    assert_eq!(s.call("POST", key, Some(shared), 201).await["connection_role"], "standard");
    let outsiders = json!({"user_id": outsider, "organization_id": org, "secret": "jira_key_3",
        "connection_intent": "add", "connection_owner": "organization"});
    s.call("POST", key, Some(outsiders), 403).await;
    s.call("POST", key, Some(json!({"user_id": member, "secret": "k"})), 400).await;
    let missing = json!({"user_id": member, "secret": "k", "connection_intent": "add"});
    s.call("POST", "/data-integrations/missing/api-key", Some(missing), 404).await;
    let cc = "/data-integrations/jira/client-credentials";
    let shared = json!({"user_id": member, "organization_id": org, "client_id": "jira_client",
        "client_secret": "jira_client_secret", "config": {"site": "acme"}, "connection_intent": "add",
        "connection_owner": "organization"});
    let made = s.call("POST", cc, Some(shared.clone()), 201).await;
    assert_eq!(made["client_secret_last_4"], "cret");
    let mut outsiders = shared.clone();
    outsiders["user_id"] = json!(outsider);
    s.call("POST", cc, Some(outsiders), 403).await;
    let mut labelled = shared;
    labelled["account_identifier"] = json!("acct-9");
    s.call("POST", cc, Some(labelled.clone()), 201).await;
    s.call("POST", cc, Some(labelled), 409).await;
    // The user-owned root takes API keys only.
    let mine = json!({"user_id": member, "client_id": "c", "client_secret": "s", "connection_intent": "add"});
    s.call("POST", cc, Some(mine.clone()), 400).await;
    s.call("POST", "/data-integrations/missing/client-credentials", Some(mine), 404).await;
}

async fn providers(s: &Scenario, org: &str) {
    let p = format!("/organizations/{org}/data_providers");
    let listed = s.call("GET", &p, None, 200).await;
    let jira = &listed["data"][0];
    assert_eq!((&jira["slug"], &jira["connection_owner"]), (&json!("jira"), &json!("organization")));
    assert_eq!(jira["connected_accounts"].as_array().map(Vec::len), Some(1));
    let all = s.call("GET", &format!("{p}?supports_multiple_connections=true"), None, 200).await;
    assert_eq!(all["data"][0]["connected_accounts"].as_array().map(Vec::len), Some(4));
    s.call("GET", "/organizations/org_missing/data_providers", None, 404).await;
}

async fn finish(s: &Scenario, member: &str) {
    let d = "/data-integrations";
    let asana = json!({"provider": "asana", "scopes": ["tasks"],
        "credentials": {"type": "custom", "client_id": "asana_1", "client_secret": "asana_secret_1"}});
    s.call("POST", d, Some(asana), 201).await;
    let start = json!({"user_id": member, "code_challenge": CHALLENGE});
    let url = s.call("POST", &format!("{d}/asana/authorize"), Some(start), 200).await;
    assert_eq!(url["completion"], "finish_required");
    let consent = url["url"].as_str().expect("url");
    let consented: serde_json::Value =
        s.http.get(consent).send().await.expect("consent").json().await.expect("json");
    let code = consented["connect_code"].as_str().expect("a connect code");
    let f = "/data-integrations/finish";
    let wrong = json!({"connect_code": code, "code_verifier": "x".repeat(43)});
    s.call("POST", f, Some(wrong), 400).await;
    let url = s
        .call(
            "POST",
            &format!("{d}/asana/authorize"),
            Some(json!({"user_id": member,
        "code_challenge": CHALLENGE})),
            200,
        )
        .await;
    let consented: serde_json::Value = s
        .http
        .get(url["url"].as_str().expect("url"))
        .send()
        .await
        .expect("consent")
        .json()
        .await
        .expect("json");
    let done = json!({"connect_code": consented["connect_code"], "code_verifier": VERIFIER,
        "state": consented["state"]});
    let finished = s.call("POST", f, Some(done.clone()), 200).await;
    assert_eq!(finished["connected_account"]["scopes"], json!(["tasks"]));
    s.call("POST", f, Some(done), 400).await;
    s.call("POST", f, Some(json!({"connect_code": "c"})), 400).await;
    s.call("DELETE", &format!("{d}/asana"), None, 204).await;
}
