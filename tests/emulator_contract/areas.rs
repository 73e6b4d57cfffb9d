//! The scenario's second half: the areas beyond roles and memberships (groups, feature flags,
//! audit logs, invitations and the user management flows, AuthKit settings, sessions, webhook
//! endpoints, API keys, Vault) and the authorization lists by resource and membership.

use base64::Engine as _;
use serde_json::{Value, json};

use super::{Scenario, id};

pub(super) async fn run(s: &Scenario) {
    let o = "/organizations";
    let org = id(&s.call("POST", o, Some(json!({"name": "Areas Inc"})), 201).await);
    let u = "/user_management/users";
    let ann = id(&s
        .call("POST", u, Some(json!({"email": "ann@areas.test", "password": "first-password"})), 201)
        .await);
    let ben = id(&s.call("POST", u, Some(json!({"email": "ben@areas.test"})), 201).await);
    let m = "/user_management/organization_memberships";
    let ann_om = id(&s.call("POST", m, Some(json!({"user_id": ann, "organization_id": org})), 201).await);
    let ben_om = id(&s.call("POST", m, Some(json!({"user_id": ben, "organization_id": org})), 201).await);

    authorization(s, &org, &ann_om, &ben_om).await;
    groups(s, &org, &ann_om).await;
    feature_flags(s, &org, &ann).await;
    audit_logs(s, &org).await;
    invitations(s, &org, &ann).await;
    user_flows(s, &ann, &ben).await;
    authkit_settings(s).await;
    sign_in_steps(s, &org).await;
    webhook_endpoints(s).await;
    api_keys(s, &org, &ann, &ben).await;
    vault(s, &org).await;
    pipes(s, &org, &ben).await;
}

async fn pipes(s: &Scenario, org: &str, user: &str) {
    let account = format!("/user_management/users/{user}/connected_accounts/github");
    let token = "/data-integrations/github/token";
    let ask = json!({"user_id": user, "organization_id": org});
    // Nothing installed yet.
    let none = s.call("POST", token, Some(ask.clone()), 200).await;
    assert_eq!((none["active"].clone(), none["error"].clone()), (json!(false), json!("not_installed")));
    s.call("GET", &account, None, 404).await;
    s.call("PUT", &account, Some(json!({"state": "connected"})), 404).await;
    s.call("DELETE", &account, None, 404).await;
    // Installed: the token is handed out with its scopes.
    let install = json!({"access_token": "gho_1", "refresh_token": "ghr_1", "scopes": ["repo"],
        "expires_at": "2999-01-01T00:00:00Z"});
    let installed = s.call("POST", &account, Some(install.clone()), 201).await;
    assert_eq!(installed["state"], "connected");
    s.call("POST", &account, Some(install), 409).await;
    s.call("POST", "/user_management/users/user_missing/connected_accounts/github", Some(json!({})), 404)
        .await;
    s.call("POST", &account.replace("github", "slack"), Some(json!({"state": "gone"})), 422).await;
    let active = s.call("POST", token, Some(ask.clone()), 200).await;
    assert_eq!(active["access_token"]["access_token"], "gho_1");
    assert_eq!(active["access_token"]["scopes"], json!(["repo"]));
    s.call("POST", token, Some(json!({"user_id": "user_missing"})), 404).await;
    s.call("POST", token, Some(json!({})), 400).await;
    assert_eq!(s.call("GET", &account, None, 200).await["scopes"], json!(["repo"]));
    // The provider revoked it: WorkOS needs the user to authorize again.
    s.call("PUT", &account, Some(json!({"state": "needs_reauthorization"})), 200).await;
    assert_eq!(s.call("POST", token, Some(ask.clone()), 200).await["error"], "needs_reauthorization");
    s.call("PUT", &account, Some(json!({"state": "connected", "access_token": "gho_2"})), 200).await;
    assert_eq!(s.call("POST", token, Some(ask.clone()), 200).await["access_token"]["access_token"], "gho_2");
    s.call("DELETE", &account, None, 204).await;
    assert_eq!(s.call("POST", token, Some(ask), 200).await["error"], "not_installed");
}

async fn vault(s: &Scenario, org: &str) {
    let context = json!({"organization_id": org});
    // Data keys: created for a context, decrypted back, rekeyed under another.
    let key = s.call("POST", "/vault/v1/keys/data-key", Some(json!({"context": context})), 200).await;
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(key["data_key"].as_str().expect("key"))
            .map(|k| k.len())
            .ok(),
        Some(32)
    );
    s.call("POST", "/vault/v1/keys/data-key", Some(json!({"context": {}})), 422).await;
    let keys = key["encrypted_keys"].clone();
    let back = s.call("POST", "/vault/v1/keys/decrypt", Some(json!({"keys": keys})), 200).await;
    assert_eq!(back["data_key"], key["data_key"]);
    s.call("POST", "/vault/v1/keys/decrypt", Some(json!({"keys": "bm90IGEga2V5"})), 400).await;
    let other = json!({"organization_id": "org_other"});
    let rekeyed = s
        .call("POST", "/vault/v1/keys/rekey", Some(json!({"encrypted_keys": keys, "context": other})), 200)
        .await;
    assert_eq!((&rekeyed["data_key"], &rekeyed["context"]), (&key["data_key"], &other));
    s.call("POST", "/vault/v1/keys/rekey", Some(json!({"encrypted_keys": "AAAA", "context": other})), 400)
        .await;
    s.call("POST", "/vault/v1/keys/rekey", Some(json!({"encrypted_keys": keys, "context": {}})), 422).await;

    // Objects.
    let kv = "/vault/v1/kv";
    let body = json!({"name": "stripe-key", "value": "sk_live_1", "key_context": context});
    let meta = s.call("POST", kv, Some(body.clone()), 201).await;
    let obj = meta["id"].as_str().expect("id").to_owned();
    s.call("POST", kv, Some(body), 409).await;
    s.call("POST", kv, Some(json!({"name": "x", "value": "v"})), 422).await;
    s.call("POST", kv, Some(json!({"name": "other", "value": "v", "key_context": context})), 201).await;
    let read = s.call("GET", &format!("{kv}/{obj}"), None, 200).await;
    assert_eq!(read["value"], "sk_live_1");
    s.call("GET", &format!("{kv}/missing"), None, 404).await;
    assert_eq!(s.call("GET", &format!("{kv}/name/stripe-key"), None, 200).await["id"], obj.as_str());
    s.call("GET", &format!("{kv}/name/missing"), None, 404).await;
    let listed = s.call("GET", &format!("{kv}?search=stripe"), None, 200).await;
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(s.call("GET", kv, None, 200).await["data"].as_array().map(Vec::len), Some(2));
    // Updates: a version check against the current version, else a conflict.
    let first = meta["version_id"].clone();
    let updated = s
        .call("PUT", &format!("{kv}/{obj}"), Some(json!({"value": "sk_live_2", "version_check": first})), 201)
        .await;
    assert!(updated.get("value").is_none());
    s.call("PUT", &format!("{kv}/{obj}"), Some(json!({"value": "sk_live_3", "version_check": first})), 409)
        .await;
    s.call("PUT", &format!("{kv}/missing"), Some(json!({"value": "v"})), 400).await;
    assert_eq!(s.call("GET", &format!("{kv}/{obj}"), None, 200).await["value"], "sk_live_2");
    let described = s.call("GET", &format!("{kv}/{obj}/metadata"), None, 200).await;
    assert!(described.get("value").is_none() && described["metadata"]["version_id"] != first);
    s.call("GET", &format!("{kv}/missing/metadata"), None, 404).await;
    let versions = s.call("GET", &format!("{kv}/{obj}/versions"), None, 200).await;
    let current: Vec<bool> =
        versions["data"].as_array().expect("data").iter().map(|v| v["current_version"] == true).collect();
    assert_eq!(current, [true, false], "newest first");
    s.call("GET", &format!("{kv}/missing/versions"), None, 404).await;
    // Deletes: the version check too.
    s.call("DELETE", &format!("{kv}/{obj}?version_check={}", first.as_str().expect("version")), None, 409)
        .await;
    let deleted = s.call("DELETE", &format!("{kv}/{obj}"), None, 200).await;
    assert_eq!((deleted["success"].clone(), deleted["name"].clone()), (json!(true), json!("stripe-key")));
    s.call("DELETE", &format!("{kv}/{obj}"), None, 404).await;
}

async fn authorization(s: &Scenario, org: &str, ann_om: &str, ben_om: &str) {
    s.call("POST", "/authorization/permissions", Some(json!({"slug": "areas:read", "name": "Read"})), 201)
        .await;
    s.call("POST", "/authorization/permissions", Some(json!({"slug": "areas:edit", "name": "Edit"})), 201)
        .await;
    let roles = format!("/authorization/organizations/{org}/roles");
    s.call("POST", &roles, Some(json!({"slug": "org-reader", "name": "Reader"})), 201).await;
    s.call(
        "PUT",
        &format!("{roles}/org-reader/permissions"),
        Some(json!({"permissions": ["areas:read"]})),
        200,
    )
    .await;
    s.call("POST", &roles, Some(json!({"slug": "org-areas-editor", "name": "Editor"})), 201).await;
    let set = json!({"permissions": ["areas:read", "areas:edit"]});
    s.call("PUT", &format!("{roles}/org-areas-editor/permissions"), Some(set), 200).await;
    let res = "/authorization/resources";
    let folder = json!({"external_id": "f1", "name": "Folder", "resource_type_slug": "folder", "organization_id": org});
    let folder_id = id(&s.call("POST", res, Some(folder), 201).await);
    let file = json!({"external_id": "x1", "name": "File", "resource_type_slug": "file", "organization_id": org,
        "parent_resource_id": folder_id});
    let file_id = id(&s.call("POST", res, Some(file), 201).await);

    // By external id.
    let by_ext = format!("/authorization/organizations/{org}/resources/file/x1");
    assert_eq!(id(&s.call("GET", &by_ext, None, 200).await), file_id);
    s.call("GET", &format!("/authorization/organizations/{org}/resources/file/nope"), None, 404).await;
    s.call("GET", "/authorization/organizations/org_missing/resources/file/x1", None, 404).await;
    let renamed = s.call("PATCH", &by_ext, Some(json!({"name": "Renamed"})), 200).await;
    assert_eq!(renamed["name"], "Renamed");
    s.call("PATCH", &by_ext, Some(json!({"name": ""})), 422).await;

    // Ann edits the folder (and so the file in it); Ben reads the file only.
    let assign = |om: &str| format!("/authorization/organization_memberships/{om}/role_assignments");
    s.call(
        "POST",
        &assign(ann_om),
        Some(json!({"role_slug": "org-areas-editor", "resource_id": folder_id})),
        201,
    )
    .await;
    s.call("POST", &assign(ben_om), Some(json!({"role_slug": "org-reader", "resource_id": file_id})), 201)
        .await;
    let holders = |q: &str| format!("/authorization/resources/{file_id}/organization_memberships?{q}");
    let ids = |v: &Value| -> Vec<String> {
        let mut all: Vec<String> = v["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|x| x["id"].as_str().expect("id").to_owned())
            .collect();
        all.sort();
        all
    };
    let mut both = vec![ann_om.to_owned(), ben_om.to_owned()];
    both.sort();
    assert_eq!(ids(&s.call("GET", &holders("permission_slug=areas:read"), None, 200).await), both);
    assert_eq!(ids(&s.call("GET", &holders("permission_slug=areas:edit"), None, 200).await), vec![ann_om]);
    assert_eq!(
        ids(&s.call("GET", &holders("permission_slug=areas:read&assignment=direct"), None, 200).await),
        vec![ben_om]
    );
    assert_eq!(
        ids(&s.call("GET", &holders("permission_slug=areas:read&assignment=indirect"), None, 200).await),
        vec![ann_om]
    );
    s.call("GET", &holders(""), None, 422).await;
    s.call("GET", &holders("permission_slug=areas:read&assignment=sideways"), None, 422).await;
    s.call(
        "GET",
        "/authorization/resources/authz_resource_missing/organization_memberships?permission_slug=a",
        None,
        404,
    )
    .await;
    let by_ext_holders = format!("{by_ext}/organization_memberships?permission_slug=areas:edit");
    assert_eq!(ids(&s.call("GET", &by_ext_holders, None, 200).await), vec![ann_om]);

    // What a membership can reach, and what it holds on one resource.
    let reach =
        format!("/authorization/organization_memberships/{ann_om}/resources?permission_slug=areas:edit");
    let reached = ids(&s.call("GET", &reach, None, 200).await);
    assert!(reached.contains(&folder_id) && reached.contains(&file_id), "{reached:?}");
    let children = format!("{reach}&parent_resource_id={folder_id}");
    assert_eq!(ids(&s.call("GET", &children, None, 200).await), vec![file_id.clone()]);
    s.call("GET", &format!("/authorization/organization_memberships/{ann_om}/resources"), None, 422).await;
    s.call(
        "GET",
        "/authorization/organization_memberships/om_missing/resources?permission_slug=a",
        None,
        404,
    )
    .await;
    let held =
        |om: &str| format!("/authorization/organization_memberships/{om}/resources/{file_id}/permissions");
    let slugs = |v: &Value| -> Vec<String> {
        let mut all: Vec<String> = v["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|x| x["slug"].as_str().expect("slug").to_owned())
            .collect();
        all.sort();
        all
    };
    assert_eq!(slugs(&s.call("GET", &held(ann_om), None, 200).await), ["areas:edit", "areas:read"]);
    assert_eq!(slugs(&s.call("GET", &held(ben_om), None, 200).await), ["areas:read"]);
    s.call(
        "GET",
        &format!(
            "/authorization/organization_memberships/{ann_om}/resources/authz_resource_missing/permissions"
        ),
        None,
        404,
    )
    .await;
    let held_ext = format!("/authorization/organization_memberships/{ben_om}/resources/file/x1/permissions");
    assert_eq!(slugs(&s.call("GET", &held_ext, None, 200).await), ["areas:read"]);
    s.call(
        "GET",
        &format!("/authorization/organization_memberships/{ben_om}/resources/file/nope/permissions"),
        None,
        404,
    )
    .await;

    s.call("DELETE", &format!("/authorization/organizations/{org}/resources/folder/f1"), None, 409).await;
    s.call("DELETE", &by_ext, None, 204).await;
    s.call("DELETE", &by_ext, None, 404).await;
}

async fn groups(s: &Scenario, org: &str, om: &str) {
    let g = format!("/organizations/{org}/groups");
    let group = s.call("POST", &g, Some(json!({"name": "Admins", "description": null})), 201).await;
    let gid = id(&group);
    s.call("POST", &g, Some(json!({"name": ""})), 422).await;
    s.call("POST", "/organizations/org_missing/groups", Some(json!({"name": "X"})), 404).await;
    s.call("GET", &g, None, 200).await;
    s.call("GET", &format!("{g}/{gid}"), None, 200).await;
    s.call("GET", &format!("{g}/group_missing"), None, 404).await;
    let patched =
        s.call("PATCH", &format!("{g}/{gid}"), Some(json!({"description": "The admins"})), 200).await;
    assert_eq!(
        (patched["name"].as_str(), patched["description"].as_str()),
        (Some("Admins"), Some("The admins"))
    );
    s.call("PATCH", &format!("{g}/{gid}"), Some(json!({"name": 7})), 422).await;
    let members = format!("{g}/{gid}/organization-memberships");
    s.call("POST", &members, Some(json!({"organization_membership_id": om})), 200).await;
    s.call("POST", &members, Some(json!({"organization_membership_id": "om_missing"})), 404).await;
    s.call("POST", &members, Some(json!({})), 422).await;
    let listed = s.call("GET", &members, None, 200).await;
    assert_eq!(listed["data"][0]["id"], om);
    let of_member =
        s.call("GET", &format!("/user_management/organization_memberships/{om}/groups"), None, 200).await;
    assert_eq!(of_member["data"][0]["id"], gid.as_str());
    s.call("GET", "/user_management/organization_memberships/om_missing/groups", None, 404).await;

    // Roles granted to the group: its members hold them, through the group, while they are members.
    let doc =
        json!({"external_id": "g1", "name": "Doc", "resource_type_slug": "file", "organization_id": org});
    s.call("POST", "/authorization/resources", Some(doc), 201).await;
    let ga = format!("/authorization/groups/{gid}/role_assignments");
    let on_file =
        json!({"role_slug": "org-reader", "resource_external_id": "g1", "resource_type_slug": "file"});
    let grant = id(&s.call("POST", &ga, Some(on_file.clone()), 201).await);
    s.call("POST", &ga, Some(on_file.clone()), 409).await;
    s.call("POST", &ga, Some(json!({"role_slug": "no-such-role"})), 404).await;
    s.call("POST", &ga, Some(json!({})), 422).await;
    s.call(
        "POST",
        "/authorization/groups/group_missing/role_assignments",
        Some(json!({"role_slug": "org-reader"})),
        404,
    )
    .await;
    let org_wide = s.call("POST", &ga, Some(json!({"role_slug": "org-reader"})), 201).await;
    assert_eq!(org_wide["resource"]["resource_type_slug"], "organization");
    assert_eq!(s.call("GET", &ga, None, 200).await["data"].as_array().map(Vec::len), Some(2));
    s.call("GET", "/authorization/groups/group_missing/role_assignments", None, 404).await;
    assert_eq!(s.call("GET", &format!("{ga}/{grant}"), None, 200).await["group_id"], gid.as_str());
    s.call("GET", &format!("{ga}/group_role_assignment_missing"), None, 404).await;
    let file_assignments = format!("/authorization/organizations/{org}/resources/file/g1/role_assignments");
    let through_group = |v: &Value, grant: &str| {
        v["data"].as_array().expect("data").iter().any(|a| {
            a["organization_membership_id"] == om
                && a["source"]["type"] == "group"
                && a["source"]["group_role_assignment_id"] == grant
        })
    };
    assert!(through_group(&s.call("GET", &file_assignments, None, 200).await, &grant));
    s.call(
        "GET",
        &format!("/authorization/organizations/{org}/resources/file/nope/role_assignments"),
        None,
        404,
    )
    .await;
    let file_id =
        id(&s.call("GET", &format!("/authorization/organizations/{org}/resources/file/g1"), None, 200).await);
    assert!(through_group(
        &s.call("GET", &format!("/authorization/resources/{file_id}/role_assignments"), None, 200).await,
        &grant
    ));
    s.call("GET", "/authorization/resources/authz_resource_missing/role_assignments", None, 404).await;
    // Replacing keeps the organization-wide grant and drops the file's, with what members held.
    let replaced =
        s.call("PUT", &ga, Some(json!({"role_assignments": [{"role_slug": "org-reader"}]})), 200).await;
    assert_eq!(replaced["data"].as_array().map(Vec::len), Some(1));
    assert!(!through_group(&s.call("GET", &file_assignments, None, 200).await, &grant));
    s.call("PUT", &ga, Some(json!({"role_assignments": [{"role_slug": "no-such-role"}]})), 404).await;
    s.call("PUT", &ga, Some(json!({})), 422).await;
    s.call(
        "PUT",
        "/authorization/groups/group_missing/role_assignments",
        Some(json!({"role_assignments": []})),
        404,
    )
    .await;
    s.call("DELETE", &ga, Some(json!({"role_slug": "org-reader"})), 204).await;
    s.call("DELETE", &ga, Some(json!({"role_slug": "org-reader"})), 404).await;
    s.call("DELETE", &ga, Some(json!({})), 422).await;
    s.call(
        "DELETE",
        "/authorization/groups/group_missing/role_assignments",
        Some(json!({"role_slug": "org-reader"})),
        404,
    )
    .await;
    let again = id(&s.call("POST", &ga, Some(on_file), 201).await);
    assert!(through_group(&s.call("GET", &file_assignments, None, 200).await, &again));
    // Leaving the group takes the role away (and the access it gave); the grant stays for the group.
    let check = format!("/authorization/organization_memberships/{om}/check");
    let read_doc =
        json!({"permission_slug": "areas:read", "resource_external_id": "g1", "resource_type_slug": "file"});
    assert_eq!(s.call("POST", &check, Some(read_doc.clone()), 200).await["authorized"], true);
    s.call("DELETE", &format!("{members}/{om}"), None, 204).await;
    assert!(!through_group(&s.call("GET", &file_assignments, None, 200).await, &again));
    assert_eq!(s.call("POST", &check, Some(read_doc.clone()), 200).await["authorized"], false);
    s.call("POST", &members, Some(json!({"organization_membership_id": om})), 200).await;
    assert!(through_group(&s.call("GET", &file_assignments, None, 200).await, &again));
    assert_eq!(s.call("POST", &check, Some(read_doc), 200).await["authorized"], true);
    s.call("DELETE", &format!("{ga}/{again}"), None, 204).await;
    s.call("DELETE", &format!("{ga}/{again}"), None, 404).await;
    s.call("DELETE", "/authorization/groups/group_missing/role_assignments/x", None, 404).await;
    assert!(!through_group(&s.call("GET", &file_assignments, None, 200).await, &again));

    s.call("DELETE", &format!("{members}/{om}"), None, 204).await;
    s.call("DELETE", &format!("{members}/{om}"), None, 404).await;
    s.call("DELETE", &format!("{g}/{gid}"), None, 204).await;
    s.call("DELETE", &format!("{g}/{gid}"), None, 404).await;
}

async fn feature_flags(s: &Scenario, org: &str, user: &str) {
    let mut beta = workos_emulator::SeedFeatureFlag::new("beta-reports");
    beta.organizations = vec!["Areas Inc".to_owned()];
    let mut dark = workos_emulator::SeedFeatureFlag::new("dark-mode");
    dark.default_value = true;
    let seed = workos_emulator::Seed { feature_flags: vec![beta, dark], ..Default::default() };
    s.emu.seed(&seed).expect("seed flags");
    let f = "/feature-flags";
    let all = s.call("GET", f, None, 200).await;
    assert_eq!(all["data"].as_array().map(Vec::len), Some(2));
    s.call("GET", &format!("{f}?limit=0"), None, 422).await;
    s.call("GET", &format!("{f}/beta-reports"), None, 200).await;
    s.call("GET", &format!("{f}/missing"), None, 404).await;
    // The runtime payload the SDKs evaluate locally: targets as `one_of` rules.
    let sdk = "/sdk/feature-flags";
    let payload = s.call("GET", &format!("{sdk}?payload_version=2"), None, 200).await;
    assert_eq!(payload["version"], 2);
    let beta_rules = &payload["flags"]["beta-reports"]["rules"];
    assert_eq!(
        beta_rules[0]["conditions"][0],
        json!({"operator": "one_of", "target_type": "organization", "values": [org]})
    );
    assert_eq!(payload["flags"]["dark-mode"]["default_value"], true);
    s.call("GET", sdk, None, 422).await;
    s.call("GET", &format!("{sdk}?payload_version=1"), None, 422).await;
    let on_for = |path: String| async move {
        let v = s.call("GET", &path, None, 200).await;
        let mut slugs: Vec<String> = v["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|x| x["slug"].as_str().expect("slug").to_owned())
            .collect();
        slugs.sort();
        slugs
    };
    let org_flags = format!("/organizations/{org}/feature-flags");
    let user_flags = format!("/user_management/users/{user}/feature-flags");
    assert_eq!(on_for(org_flags.clone()).await, ["beta-reports", "dark-mode"]);
    assert_eq!(on_for(user_flags.clone()).await, ["beta-reports", "dark-mode"], "through the membership");
    let disabled = s.call("PUT", &format!("{f}/dark-mode/disable"), None, 200).await;
    assert_eq!(disabled["enabled"], false);
    assert_eq!(on_for(org_flags.clone()).await, ["beta-reports"]);
    s.call("PUT", &format!("{f}/dark-mode/enable"), None, 200).await;
    s.call("PUT", &format!("{f}/missing/enable"), None, 404).await;
    s.call("PUT", &format!("{f}/missing/disable"), None, 404).await;
    s.call("DELETE", &format!("{f}/beta-reports/targets/{org}"), None, 204).await;
    assert_eq!(on_for(org_flags).await, ["dark-mode"]);
    s.call("POST", &format!("{f}/beta-reports/targets/{user}"), None, 204).await;
    assert!(on_for(user_flags).await.contains(&"beta-reports".to_owned()));
    s.call("POST", &format!("{f}/beta-reports/targets/conn_1"), None, 400).await;
    s.call("POST", &format!("{f}/beta-reports/targets/user_missing"), None, 404).await;
    s.call("DELETE", &format!("{f}/missing/targets/{user}"), None, 404).await;
    s.call("GET", "/organizations/org_missing/feature-flags", None, 404).await;
    s.call("GET", "/user_management/users/user_missing/feature-flags", None, 404).await;
}

async fn audit_logs(s: &Scenario, org: &str) {
    let schema = json!({"actor": {"metadata": {}}, "targets": [{"type": "invoice"}], "metadata": {}});
    let v1 = s.call("POST", "/audit_logs/actions/invoice.paid/schemas", Some(schema), 201).await;
    assert_eq!(v1["version"], 1);
    s.call(
        "POST",
        "/audit_logs/actions/invoice.paid/schemas",
        Some(json!({"targets": [{"type": "invoice"}, {"type": "team"}]})),
        201,
    )
    .await;
    s.call("POST", "/audit_logs/actions/invoice.paid/schemas", Some(json!({})), 422).await;
    let actions = s.call("GET", "/audit_logs/actions", None, 200).await;
    assert_eq!(actions["data"][0]["schema"]["version"], 2);
    let versions = s.call("GET", "/audit_logs/actions/invoice.paid/schemas?order=asc", None, 200).await;
    assert_eq!(versions["data"].as_array().map(Vec::len), Some(2));
    s.call("GET", "/audit_logs/actions/missing.action/schemas", None, 404).await;

    let event = |target: &str| {
        json!({"organization_id": org, "event": {
            "action": "invoice.paid", "occurred_at": "2026-02-02T16:35:39.317Z",
            "actor": {"id": "user_1", "type": "user", "name": "Ann"},
            "targets": [{"id": "inv_1", "type": target}],
            "context": {"location": "192.0.2.1"}}})
    };
    let post = |body: Value, key: Option<&'static str>, expect: u16| async move {
        let mut req = s
            .http
            .post(format!("{}/audit_logs/events", s.emu.base_url()))
            .bearer_auth(s.emu.api_key())
            .json(&body);
        if let Some(key) = key {
            req = req.header("Idempotency-Key", key);
        }
        let resp = req.send().await.expect("answer");
        assert_eq!(resp.status().as_u16(), expect, "{}", resp.text().await.unwrap_or_default());
    };
    post(event("invoice"), Some("key-1"), 200).await;
    post(event("invoice"), Some("key-1"), 200).await;
    post(event("team"), Some("key-1"), 400).await;
    post(event("team"), None, 200).await;
    post(event("folder"), None, 400).await;
    post(json!({"organization_id": "org_missing", "event": event("invoice")["event"]}), None, 404).await;
    post(json!({"organization_id": org}), None, 422).await;

    let e = "/audit_logs/exports";
    let range = json!({"organization_id": org, "range_start": "2026-01-01T00:00:00Z", "range_end": "2026-12-31T00:00:00Z"});
    let export = s.call("POST", e, Some(range), 201).await;
    assert_eq!(export["state"], "ready");
    let csv = reqwest::get(export["url"].as_str().expect("a url"))
        .await
        .expect("download")
        .text()
        .await
        .expect("csv");
    assert_eq!(csv.lines().count(), 3, "a header and two events (the repeated key recorded nothing):\n{csv}");
    s.call("GET", &format!("{e}/{}", id(&export)), None, 200).await;
    s.call("GET", &format!("{e}/audit_log_export_missing"), None, 404).await;
    let backwards = json!({"organization_id": org, "range_start": "2026-12-31T00:00:00Z", "range_end": "2026-01-01T00:00:00Z"});
    s.call("POST", e, Some(backwards), 400).await;

    let config = s.call("GET", &format!("/organizations/{org}/audit_log_configuration"), None, 200).await;
    assert_eq!(config["retention_period_in_days"], 30);
    s.call("GET", "/organizations/org_missing/audit_log_configuration", None, 404).await;
    let r = format!("/organizations/{org}/audit_logs_retention");
    s.call("GET", &r, None, 200).await;
    s.call("PUT", &r, Some(json!({"retention_period_in_days": 365})), 200).await;
    assert_eq!(s.call("GET", &r, None, 200).await["retention_period_in_days"], 365);
    s.call("PUT", &r, Some(json!({"retention_period_in_days": 7})), 422).await;
    // The shape current SDKs send.
    s.call("PUT", &r, Some(json!({"retention_period": "3_MONTHS"})), 200).await;
    assert_eq!(s.call("GET", &r, None, 200).await["retention_period_in_days"], 90);
    s.call("PUT", &r, Some(json!({"retention_period": "12_MONTHS"})), 422).await;
    s.call("PUT", &r, Some(json!({})), 422).await;
    s.call("GET", "/organizations/org_missing/audit_logs_retention", None, 404).await;
}

async fn invitations(s: &Scenario, org: &str, inviter: &str) {
    let i = "/user_management/invitations";
    let invite = json!({"email": "cat@areas.test", "organization_id": org, "role_slug": "org-reader", "inviter_user_id": inviter});
    let sent = s.call("POST", i, Some(invite.clone()), 201).await;
    assert_eq!(sent["state"], "pending");
    s.call("POST", i, Some(invite), 400).await;
    s.call("POST", i, Some(json!({"email": "dan@areas.test", "organization_id": "org_missing"})), 404).await;
    s.call("POST", i, Some(json!({"email": "dan@areas.test", "expires_in_days": 90})), 400).await;
    s.call("POST", i, Some(json!({"email": "dan@areas.test", "role_slug": "nope"})), 400).await;
    s.call("POST", i, Some(json!({"email": "ben@areas.test"})), 400).await;
    s.call("POST", i, Some(json!({"email": "ann@areas.test", "organization_id": org})), 400).await;
    let iid = id(&sent);
    let token = sent["token"].as_str().expect("a token");
    s.call("GET", &format!("{i}?organization_id={org}&email=cat@areas.test"), None, 200).await;
    s.call("GET", &format!("{i}?limit=101"), None, 422).await;
    s.call("GET", &format!("{i}/{iid}"), None, 200).await;
    s.call("GET", &format!("{i}/invitation_missing"), None, 404).await;
    assert_eq!(id(&s.call("GET", &format!("{i}/by_token/{token}"), None, 200).await), iid);
    s.call("GET", &format!("{i}/by_token/nope"), None, 404).await;
    s.call("POST", &format!("{i}/{iid}/resend"), Some(json!({"locale": "en"})), 200).await;
    s.call("POST", &format!("{i}/invitation_missing/resend"), None, 404).await;
    let accepted = s.call("POST", &format!("{i}/{iid}/accept"), None, 200).await;
    assert_eq!(accepted["state"], "accepted");
    let cat = accepted["accepted_user_id"].as_str().expect("the new user").to_owned();
    let joined =
        s.call("GET", &format!("/user_management/organization_memberships?user_id={cat}"), None, 200).await;
    assert_eq!(joined["data"][0]["role"]["slug"], "org-reader");
    s.call("POST", &format!("{i}/{iid}/accept"), None, 400).await;
    s.call("POST", &format!("{i}/{iid}/resend"), None, 400).await;
    s.call("POST", &format!("{i}/{iid}/revoke"), None, 400).await;
    s.call("POST", &format!("{i}/invitation_missing/accept"), None, 404).await;
    let other = id(&s.call("POST", i, Some(json!({"email": "eve@areas.test"})), 201).await);
    assert_eq!(s.call("POST", &format!("{i}/{other}/revoke"), None, 200).await["state"], "revoked");
}

async fn user_flows(s: &Scenario, ann: &str, ben: &str) {
    // Magic auth, and signing in with its code.
    let ma =
        s.call("POST", "/user_management/magic_auth", Some(json!({"email": "ann@areas.test"})), 201).await;
    assert_eq!(ma["user_id"], ann);
    s.call("POST", "/user_management/magic_auth", Some(json!({"email": "not-an-email"})), 422).await;
    s.call("GET", &format!("/user_management/magic_auth/{}", id(&ma)), None, 200).await;
    s.call("GET", "/user_management/magic_auth/magic_auth_missing", None, 404).await;
    let grant = json!({"client_id": "client_1", "client_secret": s.emu.api_key(),
        "grant_type": "urn:workos:oauth:grant-type:magic-auth:code", "email": "ann@areas.test", "code": ma["code"],
        "ip_address": "192.0.2.7", "user_agent": "Mozilla/5.0 (areas)"});
    let signed_in = s.call("POST", "/user_management/authenticate", Some(grant.clone()), 200).await;
    assert_eq!(signed_in["authentication_method"], "MagicAuth");
    assert_eq!(signed_in["user"]["email_verified"], true, "the code came to the address");
    s.call("POST", "/user_management/authenticate", Some(grant), 400).await;

    // Sessions.
    let sessions = s.call("GET", &format!("/user_management/users/{ann}/sessions"), None, 200).await;
    let session = sessions["data"][0]["id"].as_str().expect("a session").to_owned();
    assert_eq!(sessions["data"][0]["auth_method"], "magic_code");
    assert_eq!(sessions["data"][0]["ip_address"], "192.0.2.7");
    assert_eq!(sessions["data"][0]["user_agent"], "Mozilla/5.0 (areas)");
    s.call("GET", "/user_management/users/user_missing/sessions", None, 404).await;
    s.call("POST", "/user_management/sessions/revoke", Some(json!({"session_id": session})), 200).await;
    s.call("POST", "/user_management/sessions/revoke", Some(json!({"session_id": session})), 400).await;
    let refresh = json!({"client_id": "client_1", "client_secret": s.emu.api_key(), "grant_type": "refresh_token",
        "refresh_token": signed_in["refresh_token"]});
    s.call("POST", "/user_management/authenticate", Some(refresh), 400).await;
    assert_eq!(
        s.call("GET", &format!("/user_management/users/{ann}/identities"), None, 200).await,
        json!([])
    );
    s.call("GET", "/user_management/users/user_missing/identities", None, 404).await;

    // Email verification.
    let sent =
        s.call("POST", &format!("/user_management/users/{ben}/email_verification/send"), None, 200).await;
    assert_eq!(sent["user"]["email_verified"], false);
    s.call(
        "POST",
        &format!("/user_management/users/{ben}/email_verification/confirm"),
        Some(json!({"code": "000000x"})),
        400,
    )
    .await;
    let events = s.call("GET", "/events?events=email_verification.created&limit=1", None, 200).await;
    let verification = events["data"][0]["data"]["id"].as_str().expect("an email verification").to_owned();
    let record =
        s.call("GET", &format!("/user_management/email_verification/{verification}"), None, 200).await;
    let confirm = json!({"code": record["code"]});
    let verified = s
        .call("POST", &format!("/user_management/users/{ben}/email_verification/confirm"), Some(confirm), 200)
        .await;
    assert_eq!(verified["user"]["email_verified"], true);
    s.call("POST", &format!("/user_management/users/{ben}/email_verification/send"), None, 400).await;
    s.call("POST", "/user_management/users/user_missing/email_verification/send", None, 404).await;
    s.call("GET", "/user_management/email_verification/email_verification_missing", None, 404).await;

    // Email change.
    let change = format!("/user_management/users/{ben}/email_change");
    s.call("POST", &format!("{change}/send"), Some(json!({"new_email": "ann@areas.test"})), 409).await;
    let pending = s
        .call("POST", &format!("{change}/send"), Some(json!({"new_email": "benjamin@areas.test"})), 200)
        .await;
    assert_eq!(pending["new_email"], "benjamin@areas.test");
    s.call("POST", &format!("{change}/confirm"), Some(json!({"code": "nope"})), 400).await;
    let email = s.emu.emails().into_iter().rev().find(|e| e.kind == "email_change").expect("a code was sent");
    assert_eq!(email.to, "benjamin@areas.test");
    let changed = s.call("POST", &format!("{change}/confirm"), Some(json!({"code": email.code})), 200).await;
    assert_eq!(changed["user"]["email"], "benjamin@areas.test");
    s.call(
        "POST",
        "/user_management/users/user_missing/email_change/send",
        Some(json!({"new_email": "x@y.test"})),
        404,
    )
    .await;

    // Password reset, then the password grant with the new password.
    let r = "/user_management/password_reset";
    let reset = s.call("POST", r, Some(json!({"email": "ann@areas.test"})), 201).await;
    s.call("POST", r, Some(json!({"email": "nobody@areas.test"})), 404).await;
    s.call("GET", &format!("{r}/{}", id(&reset)), None, 200).await;
    s.call("GET", &format!("{r}/password_reset_missing"), None, 404).await;
    let token = reset["password_reset_token"].clone();
    s.call("POST", &format!("{r}/confirm"), Some(json!({"token": token, "new_password": "short"})), 422)
        .await;
    s.call(
        "POST",
        &format!("{r}/confirm"),
        Some(json!({"token": "nope", "new_password": "long-enough-1"})),
        404,
    )
    .await;
    let done = s
        .call(
            "POST",
            &format!("{r}/confirm"),
            Some(json!({"token": token, "new_password": "second-password"})),
            200,
        )
        .await;
    assert_eq!(done["user"]["id"], ann);
    s.call(
        "POST",
        &format!("{r}/confirm"),
        Some(json!({"token": token, "new_password": "third-password"})),
        400,
    )
    .await;
    let password = json!({"client_id": "client_1", "client_secret": s.emu.api_key(), "grant_type": "password",
        "email": "ann@areas.test", "password": "second-password"});
    s.call("POST", "/user_management/authenticate", Some(password), 200).await;
}

async fn authkit_settings(s: &Scenario) {
    let t = "/user_management/jwt_template";
    assert_eq!(s.call("GET", t, None, 200).await["content"], "{}");
    let content = r#"{"department": "{{ user.metadata.department }}", "email": "{{ user.email }}"}"#;
    s.call("PUT", t, Some(json!({"content": content})), 200).await;
    assert_eq!(s.call("GET", t, None, 200).await["content"], content);
    // Tokens issued now carry the template's claims.
    let login = json!({"client_id": "client_1", "client_secret": s.emu.api_key(), "grant_type": "password",
        "email": "ann@areas.test", "password": "second-password"});
    let tokens = s.call("POST", "/user_management/authenticate", Some(login.clone()), 200).await;
    let templated = claims(&tokens);
    assert!(
        templated.get("department").is_some_and(Value::is_null),
        "the user has no department: {templated}"
    );
    assert_eq!(templated["email"], "ann@areas.test");
    s.call("PUT", t, Some(json!({"content": "[1, 2]"})), 422).await;
    s.call("PUT", t, Some(json!({"content": "{nope"})), 422).await;
    let r = "/user_management/redirect_uris";
    let first = s.call("POST", r, Some(json!({"uri": "https://app.test/callback"})), 201).await;
    assert_eq!(first["default"], true);
    let second = s.call("POST", r, Some(json!({"uri": "https://*.app.test/callback"})), 201).await;
    assert_eq!(second["default"], false);
    s.call("POST", r, Some(json!({"uri": "https://app.test/callback"})), 400).await;
    s.call("POST", r, Some(json!({"uri": "not a url"})), 422).await;
    // Now only those receive authorization codes.
    let browser =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");
    let authorize = |to: &str| {
        format!(
            "{}/user_management/authorize?client_id=client_1&response_type=code&provider=authkit&login_hint=ann%40areas.test&redirect_uri={to}",
            s.emu.base_url()
        )
    };
    let listed =
        browser.get(authorize("https%3A%2F%2Fpr-1.app.test%2Fcallback")).send().await.expect("answer");
    assert_eq!(listed.status(), 302);
    let unknown = browser.get(authorize("https%3A%2F%2Fevil.test%2Fcallback")).send().await.expect("answer");
    assert_eq!(unknown.status(), 400);
    // Listed in creation order; the default stays while others are set.
    let third = id(&s.call("POST", r, Some(json!({"uri": "https://third.test/cb"})), 201).await);
    let uris: Vec<Value> = s.call("GET", r, None, 200).await["data"].as_array().expect("data").clone();
    assert_eq!(uris.iter().map(|u| u["uri"].as_str().expect("uri")).collect::<Vec<_>>().len(), 3);
    s.call("DELETE", &format!("{r}/{}", first["id"].as_str().expect("id")), None, 409).await;
    s.call("DELETE", &format!("{r}/{third}"), None, 204).await;
    s.call("DELETE", &format!("{r}/{third}"), None, 404).await;
    assert_eq!(s.call("GET", r, None, 200).await["data"].as_array().map(Vec::len), Some(2));
    let c = "/user_management/cors_origins";
    s.call("POST", c, Some(json!({"origin": "https://app.test"})), 201).await;
    s.call("POST", c, Some(json!({"origin": "https://app.test"})), 409).await;
    s.call("POST", c, Some(json!({"origin": "https://app.test/path"})), 422).await;
    let origins = s.call("GET", c, None, 200).await;
    assert_eq!(origins["data"][0]["origin"], "https://app.test");

    // Logout: the browser redirect (no API key) ends the session and goes on to `return_to`.
    let tokens = s.call("POST", "/user_management/authenticate", Some(login), 200).await;
    let sid = claims(&tokens)["sid"].as_str().expect("a session id").to_owned();
    let logout = |query: &str| format!("{}/user_management/sessions/logout?{query}", s.emu.base_url());
    let out = browser
        .get(logout(&format!("session_id={sid}&return_to=https%3A%2F%2Fapp.test%2Fbye")))
        .send()
        .await
        .expect("answer");
    assert_eq!(out.status(), 302);
    assert_eq!(out.headers()["location"], "https://app.test/bye");
    let refresh = json!({"client_id": "client_1", "client_secret": s.emu.api_key(),
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]});
    s.call("POST", "/user_management/authenticate", Some(refresh), 400).await;
    let again = browser.get(logout(&format!("session_id={sid}"))).send().await.expect("answer");
    assert_eq!(again.status(), 200, "signing out twice is fine");
    for bad in [
        "session_id=session_missing".to_owned(),
        "return_to=https%3A%2F%2Fapp.test".to_owned(),
        format!("session_id={sid}&return_to=%2Frelative"),
    ] {
        let answer = browser.get(logout(&bad)).send().await.expect("answer");
        assert_eq!(answer.status(), 422, "{bad}");
    }
}

/// With the environment requiring email verification and an organization choice, a password
/// sign-in goes through both steps with their pending tokens.
async fn sign_in_steps(s: &Scenario, org: &str) {
    let mut settings = workos_emulator::SeedAuthentication::default();
    settings.email_verification_required = true;
    settings.organization_selection_required = true;
    s.emu
        .seed(&workos_emulator::Seed { authentication: Some(settings), ..Default::default() })
        .expect("settings");
    let user = json!({"email": "dee@areas.test", "password": "dee-password"});
    let dee = id(&s.call("POST", "/user_management/users", Some(user), 201).await);
    let other = id(&s.call("POST", "/organizations", Some(json!({"name": "Areas Two"})), 201).await);
    let outsider = id(&s.call("POST", "/organizations", Some(json!({"name": "Areas Three"})), 201).await);
    for o in [org, other.as_str()] {
        let membership = json!({"user_id": dee, "organization_id": o});
        s.call("POST", "/user_management/organization_memberships", Some(membership), 201).await;
    }
    let auth = "/user_management/authenticate";
    let grant = |grant_type: &str, extra: Value| {
        let mut body =
            json!({"client_id": "client_1", "client_secret": s.emu.api_key(), "grant_type": grant_type});
        body.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        body
    };
    let password = grant("password", json!({"email": "dee@areas.test", "password": "dee-password"}));

    // 1. The email is not verified: a code goes to it.
    let verify = s.call("POST", auth, Some(password), 403).await;
    assert_eq!(verify["code"], "email_verification_required");
    assert_eq!(verify["email"], "dee@areas.test");
    let first = verify["pending_authentication_token"].as_str().expect("a pending token").to_owned();
    let record = format!(
        "/user_management/email_verification/{}",
        verify["email_verification_id"].as_str().expect("id")
    );
    let code = s.call("GET", &record, None, 200).await["code"].clone();
    let ev = "urn:workos:oauth:grant-type:email-verification:code";
    s.call(
        "POST",
        auth,
        Some(grant(ev, json!({"pending_authentication_token": first, "code": "000000x"}))),
        400,
    )
    .await;
    s.call("POST", auth, Some(grant(ev, json!({"pending_authentication_token": "nope", "code": code}))), 400)
        .await;

    // 2. Verified; the user is in two organizations and named none.
    let choose = s
        .call(
            "POST",
            auth,
            Some(grant(ev, json!({"pending_authentication_token": first, "code": code}))),
            403,
        )
        .await;
    assert_eq!(choose["code"], "organization_selection_required");
    assert_eq!(choose["user"]["email_verified"], true);
    let names: Vec<&str> = choose["organizations"]
        .as_array()
        .expect("organizations")
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert_eq!(names, ["Areas Inc", "Areas Two"]);
    let second = choose["pending_authentication_token"].as_str().expect("a pending token").to_owned();
    let os = "urn:workos:oauth:grant-type:organization-selection";
    let pick = |token: &str, org: &str| {
        grant(os, json!({"pending_authentication_token": token, "organization_id": org}))
    };
    s.call("POST", auth, Some(pick(&second, &outsider)), 400).await;
    s.call("POST", auth, Some(pick(&first, &other)), 400).await;
    s.call("POST", auth, Some(grant(os, json!({"pending_authentication_token": second}))), 422).await;

    // 3. Signed in to the chosen organization, once.
    let tokens = s.call("POST", auth, Some(pick(&second, &other)), 200).await;
    assert_eq!(tokens["organization_id"], other.as_str());
    assert_eq!(tokens["authentication_method"], "Password");
    assert_eq!(claims(&tokens)["org_id"], other.as_str());
    s.call("POST", auth, Some(pick(&second, &other)), 400).await;

    let off = workos_emulator::SeedAuthentication::default();
    s.emu.seed(&workos_emulator::Seed { authentication: Some(off), ..Default::default() }).expect("settings");
}

/// The claims of the access token in an `authenticate` answer (not verified: the sessions tests
/// do that).
fn claims(tokens: &Value) -> Value {
    let token = tokens["access_token"].as_str().expect("a token");
    let payload = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("base64"))
        .expect("claims")
}

async fn webhook_endpoints(s: &Scenario) {
    let w = "/webhook_endpoints";
    let body = json!({"endpoint_url": "http://127.0.0.1:9/hooks", "events": ["user.created"]});
    let endpoint = s.call("POST", w, Some(body.clone()), 201).await;
    assert!(endpoint["secret"].as_str().is_some_and(|x| !x.is_empty()));
    s.call("POST", w, Some(body), 409).await;
    s.call("POST", w, Some(json!({"endpoint_url": "ftp://x", "events": ["user.created"]})), 422).await;
    s.call("POST", w, Some(json!({"endpoint_url": "https://x.test", "events": []})), 422).await;
    s.call("GET", w, None, 200).await;
    let eid = id(&endpoint);
    let off = s.call("PATCH", &format!("{w}/{eid}"), Some(json!({"status": "disabled"})), 200).await;
    assert_eq!(off["status"], "disabled");
    s.call("PATCH", &format!("{w}/{eid}"), Some(json!({"status": "paused"})), 422).await;
    s.call("PATCH", &format!("{w}/we_missing"), Some(json!({})), 404).await;
    s.call("DELETE", &format!("{w}/{eid}"), None, 204).await;
    s.call("DELETE", &format!("{w}/{eid}"), None, 404).await;
}

async fn api_keys(s: &Scenario, org: &str, ann: &str, ben: &str) {
    let ok_ = format!("/organizations/{org}/api_keys");
    let key = s.call("POST", &ok_, Some(json!({"name": "CI", "permissions": ["areas:read"]})), 201).await;
    let value = key["value"].as_str().expect("the value, once").to_owned();
    s.call("POST", &ok_, Some(json!({"name": "Bad", "permissions": ["nope"]})), 422).await;
    s.call("POST", "/organizations/org_missing/api_keys", Some(json!({"name": "X"})), 404).await;
    let listed = s.call("GET", &ok_, None, 200).await;
    assert!(listed["data"][0].get("value").is_none(), "the value is shown once");
    s.call("GET", "/organizations/org_missing/api_keys", None, 404).await;
    let valid = s.call("POST", "/api_keys/validations", Some(json!({"value": value})), 200).await;
    assert_eq!(valid["api_key"]["id"], key["id"]);
    assert!(valid["api_key"]["last_used_at"].is_string());
    let unknown = s.call("POST", "/api_keys/validations", Some(json!({"value": "sk_nope"})), 200).await;
    assert_eq!(unknown["api_key"], Value::Null);
    s.call("POST", "/api_keys/validations", Some(json!({})), 422).await;

    let uk = format!("/user_management/users/{ann}/api_keys");
    let user_key = s.call("POST", &uk, Some(json!({"name": "Ann's", "organization_id": org})), 201).await;
    assert_eq!(user_key["owner"]["organization_id"], org);
    s.call("POST", &uk, Some(json!({"name": "X", "organization_id": "org_missing"})), 404).await;
    let outsider =
        id(&s.call("POST", "/user_management/users", Some(json!({"email": "zed@areas.test"})), 201).await);
    s.call(
        "POST",
        &format!("/user_management/users/{outsider}/api_keys"),
        Some(json!({"name": "X", "organization_id": org})),
        400,
    )
    .await;
    s.call("GET", &format!("{uk}?organization_id={org}"), None, 200).await;
    s.call("GET", &format!("/user_management/users/{ben}/api_keys"), None, 200).await;
    s.call("GET", "/user_management/users/user_missing/api_keys", None, 404).await;
    s.call("DELETE", &format!("/api_keys/{}", id(&key)), None, 204).await;
    s.call("DELETE", &format!("/api_keys/{}", id(&key)), None, 404).await;
    let gone = s.call("POST", "/api_keys/validations", Some(json!({"value": value})), 200).await;
    assert_eq!(gone["api_key"], Value::Null);
}
