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
    super::user_management::invitations(s, &org, &ann).await;
    super::user_management::user_flows(s, &ann, &ben).await;
    super::user_management::authkit_settings(s).await;
    super::user_management::sign_in_steps(s, &org).await;
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
    let ids = |v: &Value| sorted(v, "id");
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

    reach_and_holdings(s, ann_om, ben_om, &folder_id, &file_id).await;

    s.call("DELETE", &format!("/authorization/organizations/{org}/resources/folder/f1"), None, 409).await;
    s.call("DELETE", &by_ext, None, 204).await;
    s.call("DELETE", &by_ext, None, 404).await;
}

/// What a membership can reach, and what it holds on one resource.
async fn reach_and_holdings(s: &Scenario, ann_om: &str, ben_om: &str, folder_id: &str, file_id: &str) {
    let ids = |v: &Value| sorted(v, "id");
    let reach =
        format!("/authorization/organization_memberships/{ann_om}/resources?permission_slug=areas:edit");
    let reached = ids(&s.call("GET", &reach, None, 200).await);
    assert!(reached.iter().any(|r| r == folder_id) && reached.iter().any(|r| r == file_id), "{reached:?}");
    let children = format!("{reach}&parent_resource_id={folder_id}");
    assert_eq!(ids(&s.call("GET", &children, None, 200).await), vec![file_id.to_owned()]);
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
    let slugs = |v: &Value| sorted(v, "slug");
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
}

/// The values of `key` of a list answer's items, sorted.
fn sorted(v: &Value, key: &str) -> Vec<String> {
    let mut all: Vec<String> = v["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|x| x[key].as_str().expect("a string").to_owned())
        .collect();
    all.sort();
    all
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

    group_roles(s, org, om, &gid, &members).await;

    s.call("DELETE", &format!("{members}/{om}"), None, 204).await;
    s.call("DELETE", &format!("{members}/{om}"), None, 404).await;
    s.call("DELETE", &format!("{g}/{gid}"), None, 204).await;
    s.call("DELETE", &format!("{g}/{gid}"), None, 404).await;
}

/// Roles granted to a group: its members hold them, through the group, while they are members.
async fn group_roles(s: &Scenario, org: &str, om: &str, gid: &str, members: &str) {
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
    assert_eq!(s.call("GET", &format!("{ga}/{grant}"), None, 200).await["group_id"], gid);
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
    s.call("POST", members, Some(json!({"organization_membership_id": om})), 200).await;
    assert!(through_group(&s.call("GET", &file_assignments, None, 200).await, &again));
    assert_eq!(s.call("POST", &check, Some(read_doc), 200).await["authorized"], true);
    s.call("DELETE", &format!("{ga}/{again}"), None, 204).await;
    s.call("DELETE", &format!("{ga}/{again}"), None, 404).await;
    s.call("DELETE", "/authorization/groups/group_missing/role_assignments/x", None, 404).await;
    assert!(!through_group(&s.call("GET", &file_assignments, None, 200).await, &again));
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
