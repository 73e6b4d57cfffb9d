//! Contract test: the emulator answers as the pinned document says WorkOS does.
//!
//! 1. Every route the emulator serves is an operation of the document (method and path).
//! 2. A scenario drives every route, through successes and documented failures; every answer
//!    is then validated (JSON Schema 2020-12, formats included) against the document's schema
//!    for that operation and status. A status the operation does not declare fails the test;
//!    the one exception is 401, which the document declares through its `bearer` security
//!    scheme rather than per operation. An operation declaring a status without content must
//!    answer without a body.
//! 3. Every route answered at least one 2xx in the scenario.
//!
//! Response fields the emulator serves from the document rather than its model (a field a newer
//! document requires) are validated the same way and listed; with `WORKOS_EMULATOR_FROM_DOCUMENT`
//! set, written to that file (`spec upgrade` reads it).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use workos_codegen::{Project, workspace_root};
use workos_emulator::Emulator;

#[path = "emulator_contract/agents.rs"]
mod agents;
#[path = "emulator_contract/areas.rs"]
mod areas;
#[path = "emulator_contract/connections_and_contacts.rs"]
mod connections_and_contacts;
#[path = "emulator_contract/generic.rs"]
mod generic;
#[path = "emulator_contract/identity.rs"]
mod identity;
#[path = "emulator_contract/pipes_of_organizations.rs"]
mod pipes_of_organizations;
#[path = "emulator_contract/user_management.rs"]
mod user_management;
#[path = "emulator_contract/waitlists_and_more.rs"]
mod waitlists_and_more;

/// Answers the document does not declare for the operation, each with the reason it is right:
/// (method or `*`, route or `*`, status, reason). Everything else undeclared fails the test.
const UNDECLARED_ALLOWED: &[(&str, &str, u16, &str)] = &[
    ("*", "*", 401, "bearer authentication, declared once by the document's `security`"),
    (
        "DELETE",
        "/organizations/{id}",
        404,
        "an unknown id is a 404 everywhere else; this operation lists no 404",
    ),
    ("GET", "/authorization/permissions", 422, "`limit` is 1-100 on every list; this one lists no 422"),
    (
        "POST",
        "/passwordless/sessions",
        422,
        "described by no document (the overlay declares only the 201): a bad body is a 422 as everywhere else",
    ),
    (
        "POST",
        "/passwordless/sessions/{session_id}/send",
        404,
        "described by no document (the overlay declares only the 200): an unknown id is a 404 as everywhere else",
    ),
    (
        "GET",
        "/user_management/authorize",
        400,
        "a browser endpoint: WorkOS shows an error page for a redirect URI it does not know; the emulator answers a JSON 400",
    ),
];

fn undeclared_allowed(method: &str, route: &str, status: u16) -> bool {
    UNDECLARED_ALLOWED
        .iter()
        .any(|(m, r, s, _)| *s == status && (*m == "*" || *m == method) && (*r == "*" || *r == route))
}

fn document() -> Value {
    // The document as the crate is generated from it: the vendored one with the overlay.
    Project { root: workspace_root() }.pinned_document().expect("the overlaid pinned document")
}

struct Scenario {
    emu: Emulator,
    http: reqwest::Client,
}

impl Scenario {
    /// Calls the emulator and checks the status the scenario expects.
    async fn call(&self, method: &str, path: &str, body: Option<Value>, expect: u16) -> Value {
        let mut req = self
            .http
            .request(method.parse().expect("method"), format!("{}{path}", self.emu.base_url()))
            .bearer_auth(self.emu.api_key());
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("emulator answers");
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        assert_eq!(status, expect, "{method} {path}: {body}");
        body
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_owned()
}

/// The ids the scenario makes in one step and uses in later ones.
#[derive(Default)]
struct Made {
    org_id: String,
    other: String,
    user: String,
    temp: String,
    om: String,
    temp_om: String,
    project_id: String,
    doc_id: String,
}

/// Drives every route: the authorization flow end to end, plus the documented failures, one
/// step an area (the later steps use what the earlier ones made).
async fn run(s: &Scenario) {
    let mut made = Made::default();
    permissions_and_roles(s).await;
    organizations(s, &mut made).await;
    organization_domains(s, &made).await;
    organization_roles(s, &made).await;
    users_and_memberships(s, &mut made).await;
    authkit(s, &made).await;
    directory_sync(s).await;
    events(s, &mut made).await;
    resources(s, &mut made).await;
    role_assignments(s, &made).await;
    clean_up(s, &made).await;
}

async fn permissions_and_roles(s: &Scenario) {
    // Authentication.
    let unauthenticated = s.http.get(format!("{}/authorization/roles", s.emu.base_url())).send().await;
    assert_eq!(unauthenticated.expect("answer").status(), 401);

    // Permissions.
    let p = "/authorization/permissions";
    for slug in ["docs:read", "docs:write", "docs:share"] {
        s.call("POST", p, Some(json!({"slug": slug, "name": slug, "description": null})), 201).await;
    }
    s.call("POST", p, Some(json!({"slug": "docs:read", "name": "again"})), 409).await;
    s.call("POST", p, Some(json!({"name": "no slug"})), 422).await;
    s.call("POST", p, Some(json!({"slug": "docs:nul", "name": "a\u{0}b"})), 422).await;
    s.call("GET", p, None, 200).await;
    s.call("GET", &format!("{p}?limit=2&order=asc"), None, 200).await;
    s.call("GET", &format!("{p}?limit=0"), None, 422).await;
    s.call("GET", &format!("{p}/docs:read"), None, 200).await;
    s.call("GET", &format!("{p}/missing"), None, 404).await;
    s.call("PATCH", &format!("{p}/docs:share"), Some(json!({"description": "Share"})), 200).await;
    s.call("PATCH", &format!("{p}/missing"), Some(json!({"name": "x"})), 404).await;
    s.call("PATCH", &format!("{p}/docs:share"), Some(json!({"name": 5})), 422).await;

    // Environment roles.
    let r = "/authorization/roles";
    s.call("POST", r, Some(json!({"slug": "viewer", "name": "Viewer"})), 201).await;
    s.call("POST", r, Some(json!({"slug": "viewer", "name": "Viewer"})), 409).await;
    s.call("POST", r, Some(json!({"slug": "x", "name": "y".repeat(49)})), 422).await;
    for bad in ["Viewer", "org-viewer", "view er"] {
        s.call("POST", r, Some(json!({"slug": bad, "name": "Bad slug"})), 422).await;
    }
    s.call("GET", r, None, 200).await;
    s.call("GET", &format!("{r}/viewer"), None, 200).await;
    s.call("GET", &format!("{r}/missing"), None, 404).await;
    s.call("PATCH", &format!("{r}/viewer"), Some(json!({"description": "Reads"})), 200).await;
    s.call("PATCH", &format!("{r}/missing"), Some(json!({})), 404).await;
    s.call("POST", &format!("{r}/viewer/permissions"), Some(json!({"slug": "docs:read"})), 200).await;
    s.call("POST", &format!("{r}/viewer/permissions"), Some(json!({"slug": "missing"})), 404).await;
    s.call("POST", &format!("{r}/viewer/permissions"), Some(json!({})), 422).await;
    s.call("PUT", &format!("{r}/viewer/permissions"), Some(json!({"permissions": ["docs:read"]})), 200).await;
    s.call("PUT", &format!("{r}/viewer/permissions"), Some(json!({"permissions": ["missing"]})), 404).await;
    s.call("PUT", &format!("{r}/missing/permissions"), Some(json!({"permissions": []})), 404).await;
}

async fn organizations(s: &Scenario, made: &mut Made) {
    // Organizations.
    let o = "/organizations";
    let org = s
        .call(
            "POST",
            o,
            Some(json!({"name": "Acme", "domain_data": [{"domain": "acme.test", "state": "verified"}]})),
            201,
        )
        .await;
    made.org_id = id(&org);
    let org_id = &made.org_id;
    s.call("POST", o, Some(json!({"name": "Other", "domains": ["acme.test"]})), 409).await;
    s.call("POST", o, Some(json!({"name": "Meta", "metadata": {"k": "v".repeat(601)}})), 400).await;
    s.call("POST", o, Some(json!({"domains": []})), 422).await;
    s.call("GET", o, None, 200).await;
    s.call("GET", &format!("{o}?domains=acme.test&limit=1"), None, 200).await;
    s.call("GET", &format!("{o}?limit=500"), None, 422).await;
    s.call("GET", &format!("{o}/{org_id}"), None, 200).await;
    s.call("GET", &format!("{o}/org_missing"), None, 404).await;
    s.call("PUT", &format!("{o}/{org_id}"), Some(json!({"name": "Acme Inc", "external_id": "acme-1"})), 200)
        .await;
    s.call("PUT", &format!("{o}/org_missing"), Some(json!({"name": "x"})), 404).await;
    made.other = id(&s.call("POST", o, Some(json!({"name": "Other"})), 201).await);
    let other = &made.other;
    s.call("PUT", &format!("{o}/{other}"), Some(json!({"external_id": "acme-1"})), 400).await;
    s.call("PUT", &format!("{o}/{other}"), Some(json!({"domains": ["acme.test"]})), 409).await;
    s.call("PUT", &format!("{o}/{other}"), Some(json!({"name": ["x"]})), 422).await;
    // The same domains again keep their ids.
    let before = s.call("GET", &format!("{o}/{org_id}"), None, 200).await;
    let same = json!({"domain_data": [{"domain": "acme.test", "state": "verified"}]});
    let after = s.call("PUT", &format!("{o}/{org_id}"), Some(same), 200).await;
    assert_eq!(after["domains"][0]["id"], before["domains"][0]["id"]);
    s.call("GET", &format!("{o}/external_id/acme-1"), None, 200).await;
    s.call("GET", &format!("{o}/external_id/nobody"), None, 404).await;
}

async fn organization_domains(s: &Scenario, made: &Made) {
    let (o, org_id, other) = ("/organizations", &made.org_id, &made.other);
    // Organization domains.
    let d = "/organization_domains";
    let domain =
        s.call("POST", d, Some(json!({"domain": "Docs.Acme.test", "organization_id": org_id})), 201).await;
    assert_eq!(
        (domain["domain"].as_str(), domain["state"].as_str()),
        (Some("docs.acme.test"), Some("pending"))
    );
    let domain_id = id(&domain);
    s.call("POST", d, Some(json!({"domain": "docs.acme.test", "organization_id": other})), 409).await;
    s.call("GET", &format!("{d}/{domain_id}"), None, 200).await;
    s.call("GET", &format!("{d}/org_domain_missing"), None, 404).await;
    let verified = s.call("POST", &format!("{d}/{domain_id}/verify"), None, 201).await;
    assert_eq!(verified["state"], "verified");
    s.call("POST", &format!("{d}/{domain_id}/verify"), None, 400).await;
    let listed = s.call("GET", &format!("{o}/{org_id}"), None, 200).await;
    assert!(listed["domains"].as_array().expect("domains").iter().any(|x| x["id"] == domain_id.as_str()));
    s.call("DELETE", &format!("{d}/{domain_id}"), None, 204).await;
    s.call("DELETE", &format!("{d}/{domain_id}"), None, 404).await;
}

/// The path of the organization's roles.
fn organization_roles_path(made: &Made) -> String {
    format!("/authorization/organizations/{}/roles", made.org_id)
}

async fn organization_roles(s: &Scenario, made: &Made) {
    // Organization roles.
    let or = organization_roles_path(made);
    let editor = s.call("POST", &or, Some(json!({"slug": "org-editor", "name": "Editor"})), 201).await;
    assert_eq!(editor["type"], "OrganizationRole");
    s.call("POST", &or, Some(json!({"name": "Generated slug"})), 201).await;
    s.call("POST", &or, Some(json!({"slug": "org-editor", "name": "Again"})), 409).await;
    s.call("POST", &or, Some(json!({"slug": "editor", "name": "Bad slug"})), 422).await;
    s.call("POST", "/authorization/organizations/org_missing/roles", Some(json!({"name": "x"})), 404).await;
    s.call("GET", &or, None, 200).await;
    s.call("GET", "/authorization/organizations/org_missing/roles", None, 404).await;
    s.call("GET", &format!("{or}/org-editor"), None, 200).await;
    s.call("GET", &format!("{or}/viewer"), None, 200).await;
    s.call("GET", &format!("{or}/org-missing"), None, 404).await;
    s.call("PATCH", &format!("{or}/org-editor"), Some(json!({"name": "Editors"})), 200).await;
    s.call("PATCH", &format!("{or}/org-missing"), Some(json!({"name": "x"})), 404).await;
    s.call("PATCH", &format!("{or}/org-editor"), Some(json!({"description": 1})), 422).await;
    s.call("POST", &format!("{or}/org-editor/permissions"), Some(json!({"slug": "docs:read"})), 200).await;
    s.call("POST", &format!("{or}/org-editor/permissions"), Some(json!({"slug": "missing"})), 404).await;
    s.call("POST", &format!("{or}/org-editor/permissions"), Some(json!({"slug": []})), 422).await;
    let set = json!({"permissions": ["docs:read", "docs:write", "docs:share"]});
    s.call("PUT", &format!("{or}/org-editor/permissions"), Some(set), 200).await;
    s.call("PUT", &format!("{or}/org-editor/permissions"), Some(json!({"permissions": ["nope"]})), 404).await;
    s.call("PUT", &format!("{or}/org-editor/permissions"), Some(json!({"permissions": "docs:read"})), 422)
        .await;
    s.call("DELETE", &format!("{or}/org-editor/permissions/docs:share"), None, 200).await;
    s.call("DELETE", &format!("{or}/org-editor/permissions/docs:share"), None, 404).await;
}

async fn users_and_memberships(s: &Scenario, made: &mut Made) {
    let org_id = made.org_id.clone();
    // Users.
    let u = "/user_management/users";
    made.user =
        id(&s.call("POST", u, Some(json!({"email": "ada@acme.test", "first_name": "Ada"})), 201).await);
    made.temp = id(&s.call("POST", u, Some(json!({"email": "tmp@acme.test"})), 201).await);
    let (user, temp) = (&made.user, &made.temp);
    s.call("POST", u, Some(json!({"email": "ada@acme.test"})), 400).await;
    s.call("POST", u, Some(json!({"first_name": "No email"})), 422).await;
    s.call("GET", u, None, 200).await;
    s.call("GET", &format!("{u}?email=ada@acme.test"), None, 200).await;
    s.call("GET", &format!("{u}?limit=0"), None, 422).await;
    s.call("GET", &format!("{u}/{user}"), None, 200).await;
    s.call("GET", &format!("{u}/user_missing"), None, 404).await;
    let updated = s
        .call(
            "PUT",
            &format!("{u}/{user}"),
            Some(json!({"last_name": "Lovelace", "external_id": "ada-1", "locale": "en-GB"})),
            200,
        )
        .await;
    assert_eq!(
        (updated["last_name"].as_str(), updated["locale"].as_str()),
        (Some("Lovelace"), Some("en-GB"))
    );
    s.call("PUT", &format!("{u}/{temp}"), Some(json!({"external_id": "ada-1"})), 400).await;
    s.call("PUT", &format!("{u}/{temp}"), Some(json!({"email": "not an email"})), 422).await;
    s.call("GET", &format!("{u}/external_id/ada-1"), None, 200).await;
    s.call("GET", &format!("{u}/external_id/nobody"), None, 404).await;

    // Organization memberships.
    let m = "/user_management/organization_memberships";
    let membership = s.call("POST", m, Some(json!({"user_id": user, "organization_id": org_id})), 201).await;
    assert_eq!(membership["role"]["slug"], "member");
    made.om = id(&membership);
    let om = &made.om;
    let promoted = s.call("PUT", &format!("{m}/{om}"), Some(json!({"role_slug": "org-editor"})), 200).await;
    assert_eq!(promoted["role"]["slug"], "org-editor");
    s.call("PUT", &format!("{m}/{om}"), Some(json!({"role_slug": "no-such-role"})), 422).await;
    s.call("PUT", &format!("{m}/{om}"), Some(json!({"role_slug": "member"})), 200).await;
    let inactive = s.call("PUT", &format!("{m}/{om}/deactivate"), None, 200).await;
    assert_eq!(inactive["status"], "inactive");
    let active = s.call("PUT", &format!("{m}/{om}/reactivate"), None, 200).await;
    assert_eq!(active["status"], "active");
    s.call("PUT", &format!("{m}/om_missing/deactivate"), None, 404).await;
}

async fn authkit(s: &Scenario, made: &Made) {
    let org_id = &made.org_id;
    // AuthKit: the browser redirect (not followed), the code and refresh exchanges, the JWKS.
    let browser =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");
    let login = browser
        .get(format!(
            "{}/user_management/authorize?client_id=client_1&redirect_uri=https%3A%2F%2Fapp.test%2Fcb&response_type=code&provider=authkit&login_hint=ada%40acme.test&state=s",
            s.emu.base_url()
        ))
        .send()
        .await
        .expect("authorize");
    assert_eq!(login.status(), 302);
    let location = login.headers()["location"].to_str().expect("location").to_owned();
    let code = location.split("code=").nth(1).and_then(|c| c.split('&').next()).expect("a code").to_owned();
    let auth = "/user_management/authenticate";
    let grant = |extra: Value| {
        let mut body = json!({"client_id": "client_1", "client_secret": s.emu.api_key()});
        body.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        body
    };
    let tokens = s
        .call("POST", auth, Some(grant(json!({"grant_type": "authorization_code", "code": code}))), 200)
        .await;
    assert_eq!(tokens["organization_id"], org_id.as_str());
    s.call("POST", auth, Some(grant(json!({"grant_type": "authorization_code", "code": code}))), 400).await;
    let refresh = tokens["refresh_token"].as_str().expect("refresh token");
    s.call("POST", auth, Some(grant(json!({"grant_type": "refresh_token", "refresh_token": refresh}))), 200)
        .await;
    s.call("POST", auth, Some(grant(json!({"grant_type": "refresh_token", "refresh_token": refresh}))), 400)
        .await;
    s.call("GET", "/sso/jwks/client_1", None, 200).await;
}

async fn directory_sync(s: &Scenario) {
    // Directory sync, read side: seeded.
    let mut seed = workos_emulator::Seed { organizations: vec!["Dir Corp".to_owned()], ..Default::default() };
    let mut directory = workos_emulator::SeedDirectory::default();
    directory.name = "Dir Corp SCIM".to_owned();
    directory.organization = "Dir Corp".to_owned();
    directory.domain = Some("dircorp.test".to_owned());
    directory.groups = vec!["Engineering".to_owned()];
    let mut member = workos_emulator::SeedDirectoryUser::default();
    member.email = "lin@dircorp.test".to_owned();
    member.first_name = Some("Lin".to_owned());
    member.groups = vec!["Engineering".to_owned()];
    directory.users = vec![member];
    seed.directories = vec![directory];
    s.emu.seed(&seed).expect("seed a directory");
    let dirs = s.call("GET", "/directories?search=scim", None, 200).await;
    let dir = dirs["data"][0]["id"].as_str().expect("a directory").to_owned();
    s.call("GET", "/directories?domain=dircorp.test&limit=101", None, 422).await;
    s.call("GET", &format!("/directories/{dir}"), None, 200).await;
    s.call("GET", "/directories/directory_missing", None, 404).await;
    let sync = s.call("POST", &format!("/directories/{dir}/sync"), None, 202).await;
    assert_eq!(sync["status"], "queued");
    s.call("POST", "/directories/directory_missing/sync", None, 404).await;
    let users = s.call("GET", &format!("/directory_users?directory={dir}"), None, 200).await;
    let lin = users["data"][0]["id"].as_str().expect("a user").to_owned();
    s.call("GET", "/directory_users", None, 422).await;
    s.call("GET", "/directory_users?directory=directory_missing", None, 404).await;
    s.call("GET", &format!("/directory_users/{lin}"), None, 200).await;
    s.call("GET", "/directory_users/directory_user_missing", None, 404).await;
    let groups = s.call("GET", &format!("/directory_groups?user={lin}"), None, 200).await;
    let group = groups["data"][0]["id"].as_str().expect("a group").to_owned();
    s.call("GET", &format!("/directory_users?group={group}"), None, 200).await;
    s.call("GET", &format!("/directory_groups?directory={dir}"), None, 200).await;
    s.call("GET", "/directory_groups", None, 422).await;
    s.call("GET", &format!("/directory_groups/{group}"), None, 200).await;
    s.call("GET", "/directory_groups/directory_group_missing", None, 404).await;
    s.call("DELETE", &format!("/directories/{dir}"), None, 202).await;
    s.call("GET", &format!("/directory_users/{lin}"), None, 404).await;
}

async fn events(s: &Scenario, made: &mut Made) {
    let (m, org_id, other, user, temp, om) = (
        "/user_management/organization_memberships",
        &made.org_id,
        &made.other,
        &made.user,
        &made.temp,
        &made.om,
    );
    // Events: what the writes above produced.
    let events = s.call("GET", "/events?limit=100&order=asc", None, 200).await;
    let names: Vec<&str> =
        events["data"].as_array().expect("data").iter().filter_map(|e| e["event"].as_str()).collect();
    for expected in [
        "permission.created",
        "role.created",
        "organization.created",
        "user.created",
        "organization_membership.created",
        "organization_role.created",
    ] {
        assert!(names.contains(&expected), "{expected} missing from {names:?}");
    }
    s.call("GET", "/events?events=role.created&events=organization.created&limit=2", None, 200).await;
    s.call("GET", &format!("/events?organization_id={org_id}"), None, 200).await;
    s.call("GET", "/events?range_start=yesterday", None, 422).await;
    let temp_om = id(&s
        .call(
            "POST",
            m,
            Some(json!({"user_id": temp, "organization_id": org_id, "role_slugs": ["viewer"]})),
            201,
        )
        .await);
    s.call("POST", m, Some(json!({"user_id": "user_missing", "organization_id": org_id})), 404).await;
    s.call("POST", m, Some(json!({"user_id": user, "organization_id": other, "role_slug": "nope"})), 422)
        .await;
    s.call("GET", &format!("{m}?organization_id={org_id}&statuses=active,pending"), None, 200).await;
    s.call("GET", m, None, 400).await;
    s.call("GET", &format!("{m}?user_id={user}&limit=101"), None, 422).await;
    s.call("GET", &format!("{m}/{om}"), None, 200).await;
    s.call("GET", &format!("{m}/om_missing"), None, 404).await;
    made.temp_om = temp_om;
}

async fn resources(s: &Scenario, made: &mut Made) {
    let org_id = &made.org_id;
    // Resources.
    let res = "/authorization/resources";
    let project = json!({"external_id": "p1", "name": "Project", "resource_type_slug": "project", "organization_id": org_id});
    let project_id = id(&s.call("POST", res, Some(project.clone()), 201).await);
    let doc = json!({"external_id": "d1", "name": "Doc", "resource_type_slug": "document", "organization_id": org_id,
        "parent_resource_external_id": "p1", "parent_resource_type_slug": "project"});
    let doc_id = id(&s.call("POST", res, Some(doc), 201).await);
    s.call("POST", res, Some(project), 409).await;
    let orphan =
        json!({"external_id": "x", "name": "X", "resource_type_slug": "t", "organization_id": "org_missing"});
    s.call("POST", res, Some(orphan), 404).await;
    s.call("POST", res, Some(json!({"name": "no ids"})), 422).await;
    s.call("GET", res, None, 200).await;
    s.call("GET", &format!("{res}?organization_id={org_id}&resource_type_slug=document&limit=1"), None, 200)
        .await;
    s.call("GET", &format!("{res}?order=random"), None, 422).await;
    s.call("GET", &format!("{res}/{doc_id}"), None, 200).await;
    s.call("GET", &format!("{res}/authz_resource_missing"), None, 404).await;
    s.call("PATCH", &format!("{res}/{doc_id}"), Some(json!({"description": "Design doc"})), 200).await;
    s.call("PATCH", &format!("{res}/{project_id}"), Some(json!({"parent_resource_id": doc_id})), 422).await;
    s.call("PATCH", &format!("{res}/authz_resource_missing"), Some(json!({})), 404).await;
    s.call("DELETE", &format!("{res}/{project_id}"), None, 409).await;
    made.project_id = project_id;
    made.doc_id = doc_id;
}

async fn role_assignments(s: &Scenario, made: &Made) {
    let (om, doc_id, or) = (&made.om, &made.doc_id, organization_roles_path(made));
    // Role assignments and the access check.
    let ra = format!("/authorization/organization_memberships/{om}/role_assignments");
    let check = format!("/authorization/organization_memberships/{om}/check");
    let can = |perm: &str| json!({"permission_slug": perm, "resource_id": doc_id});
    assert_eq!(s.call("POST", &check, Some(can("docs:write")), 200).await["authorized"], false);
    let assignment = s
        .call("POST", &ra, Some(json!({"role_slug": "org-editor", "resource_external_id": "p1", "resource_type_slug": "project"})), 201)
        .await;
    assert_eq!(
        s.call("POST", &check, Some(can("docs:write")), 200).await["authorized"],
        true,
        "inherited from the project"
    );
    s.call("POST", &ra, Some(json!({"role_slug": "nope", "resource_id": doc_id})), 404).await;
    s.call("POST", &ra, Some(json!({"role_slug": "viewer"})), 422).await;
    s.call(
        "POST",
        "/authorization/organization_memberships/om_missing/role_assignments",
        Some(json!({"role_slug": "viewer", "resource_id": doc_id})),
        404,
    )
    .await;
    s.call("POST", &ra, Some(json!({"role_slug": "viewer", "resource_id": doc_id})), 201).await;
    s.call("GET", &ra, None, 200).await;
    s.call("GET", &format!("{ra}?limit=1&order=asc"), None, 200).await;
    s.call("GET", "/authorization/organization_memberships/om_missing/role_assignments", None, 404).await;
    s.call(
        "POST",
        &check,
        Some(json!({"permission_slug": "docs:read", "resource_id": "authz_resource_missing"})),
        404,
    )
    .await;
    s.call("POST", &check, Some(json!({"resource_id": doc_id})), 422).await;
    s.call("POST", "/authorization/organization_memberships/om_missing/check", Some(can("docs:read")), 404)
        .await;
    s.call("DELETE", &ra, Some(json!({"role_slug": "viewer", "resource_id": doc_id})), 204).await;
    s.call("DELETE", &ra, Some(json!({"role_slug": "viewer", "resource_id": doc_id})), 404).await;
    s.call("DELETE", &ra, Some(json!({"resource_id": doc_id})), 422).await;
    s.call("DELETE", &format!("{or}/org-editor"), None, 409).await;
    s.call("DELETE", &format!("{ra}/{}", id(&assignment)), None, 204).await;
    s.call("DELETE", &format!("{ra}/role_assignment_missing"), None, 404).await;
    assert_eq!(s.call("POST", &check, Some(can("docs:write")), 200).await["authorized"], false);
}

async fn clean_up(s: &Scenario, made: &Made) {
    let (res, p, m, u, o) = (
        "/authorization/resources",
        "/authorization/permissions",
        "/user_management/organization_memberships",
        "/user_management/users",
        "/organizations",
    );
    let (project_id, doc_id, or) = (&made.project_id, &made.doc_id, organization_roles_path(made));
    let (temp_om, temp, other) = (&made.temp_om, &made.temp, &made.other);
    // Clean-up, through every delete route.
    s.call("DELETE", &format!("{res}/{project_id}?cascade_delete=true"), None, 204).await;
    s.call("DELETE", &format!("{res}/{doc_id}"), None, 404).await;
    s.call("DELETE", &format!("{or}/org-editor"), None, 204).await;
    s.call("DELETE", &format!("{or}/org-editor"), None, 404).await;
    s.call("DELETE", &format!("{p}/docs:write"), None, 204).await;
    s.call("DELETE", &format!("{p}/docs:write"), None, 404).await;
    s.call("DELETE", &format!("{m}/{temp_om}"), None, 200).await;
    s.call("DELETE", &format!("{m}/{temp_om}"), None, 404).await;
    s.call("DELETE", &format!("{u}/{temp}"), None, 200).await;
    s.call("DELETE", &format!("{u}/{temp}"), None, 404).await;
    s.call("DELETE", &format!("{o}/{other}"), None, 202).await;
    s.call("DELETE", &format!("{o}/{other}"), None, 404).await;
}

/// The schema of one answer, with the document's components beside it so `$ref`s resolve.
fn response_schema(
    doc: &Value,
    route: &str,
    method: &str,
    status: u16,
) -> Option<Result<Option<Value>, String>> {
    let responses = &doc["paths"][route][method]["responses"];
    let declared = responses
        .get(status.to_string())
        .or_else(|| responses.get(format!("{}XX", status / 100)))
        .or_else(|| responses.get("default"))?;
    let Some(schema) = declared.pointer("/content/application~1json/schema") else {
        return Some(Ok(None));
    };
    let mut root = schema.as_object().cloned().unwrap_or_default();
    if root.contains_key("components") {
        return Some(Err("schema has its own `components`".into()));
    }
    root.insert("components".into(), doc["components"].clone());
    let mut root = Value::Object(root);
    dedupe_required(&mut root);
    Some(Ok(Some(root)))
}

/// The document repeats names in some `required` arrays (`OrganizationList` lists
/// `list_metadata` twice); JSON Schema wants them unique, and the validator misreports
/// otherwise. The codegen's `dedupe_required` pass does the same.
fn dedupe_required(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(names)) = map.get_mut("required") {
                let mut seen = BTreeSet::new();
                names.retain(|n| seen.insert(n.to_string()));
            }
            map.values_mut().for_each(dedupe_required);
        }
        Value::Array(items) => items.iter_mut().for_each(dedupe_required),
        _ => {}
    }
}

#[tokio::test]
async fn emulator_answers_match_the_document() {
    let doc = document();

    // 1. Served routes are the document's.
    let served = workos_emulator::routes();
    let missing: Vec<String> = served
        .iter()
        .filter(|(m, p)| doc["paths"][*p].get(m.to_ascii_lowercase()).is_none())
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(missing.is_empty(), "the emulator serves routes the document does not have: {missing:?}");

    // 2. Drive them and validate every answer.
    let scenario = Scenario { emu: Emulator::start().await.expect("start"), http: reqwest::Client::new() };
    run(&scenario).await;
    areas::run(&scenario).await;
    identity::run(&scenario).await;
    pipes_of_organizations::run(&scenario).await;
    connections_and_contacts::run(&scenario).await;
    waitlists_and_more::run(&scenario).await;
    agents::run(&scenario).await;
    generic::run(&scenario, &doc).await;
    let log = scenario.emu.requests();
    let mut validators = BTreeMap::new();
    let mut failures = Vec::new();
    let mut exercised = BTreeSet::new();
    let mut checked = 0;
    for r in &log {
        let where_ = format!("{} {}", r.method, r.path);
        let Some(route) = &r.route else {
            failures.push(format!("{where_}: matched no route"));
            continue;
        };
        // The emulator's own routes (an audit log export's download) are not the document's.
        if route.starts_with("/_emulator/") {
            continue;
        }
        let status = r.status.expect("every scenario request was answered");
        let method = r.method.to_ascii_lowercase();
        match response_schema(&doc, route, &method, status) {
            None if undeclared_allowed(&r.method, route, status) => {}
            None => {
                failures.push(format!("{where_} ({route}): status {status} is not declared by the document"))
            }
            Some(Err(e)) => failures.push(format!("{where_}: {e}")),
            Some(Ok(None)) if r.response.is_some() => {
                failures.push(format!(
                    "{where_}: {status} is declared without content but the answer has a body"
                ));
            }
            Some(Ok(None)) => {}
            Some(Ok(Some(schema))) => {
                let key = (route.clone(), method.clone(), status);
                let validator = validators.entry(key).or_insert_with(|| {
                    jsonschema::draft202012::options()
                        .should_validate_formats(true)
                        .build(&schema)
                        .unwrap_or_else(|e| panic!("schema of {route} {status}: {e}"))
                });
                let body = r.response.clone().unwrap_or(Value::Null);
                for error in validator.iter_errors(&body) {
                    failures.push(format!("{where_} -> {status}: {error} at {}", error.instance_path()));
                }
                checked += 1;
            }
        }
        // A success, or the redirect a browser-facing route answers with.
        if (200..300).contains(&status) || (status == 302 && r.method == "GET") {
            exercised.insert((r.method.clone(), route.clone()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} answers differ from the document:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // Fields a newer document requires that the emulator answers from the document, not from
    // its model (validated above like every other field). `spec upgrade` lists them in its report.
    let from_document = scenario.emu.served_from_document();
    if !from_document.is_empty() {
        eprintln!("served from the document, not modelled:\n  {}", from_document.join("\n  "));
    }
    if let Some(path) = std::env::var_os("WORKOS_EMULATOR_FROM_DOCUMENT") {
        std::fs::write(&path, from_document.join("\n")).expect("write the served-from-document list");
    }

    // 3. Every route answered a success at least once.
    let idle: Vec<String> = served
        .iter()
        .filter(|(m, p)| !exercised.contains(&((*m).to_owned(), (*p).to_owned())))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(idle.is_empty(), "routes the scenario never exercised successfully: {idle:?}");
    assert!(checked >= 100, "validated only {checked} bodies");
}

/// The validation above is not vacuous: the same schemas reject a role without its
/// permissions, with a timestamp that is not ISO 8601, or with the wrong `object`.
#[test]
fn the_validator_rejects_answers_off_the_document() {
    let doc = document();
    let schema = response_schema(&doc, "/authorization/roles/{slug}", "get", 200)
        .expect("declared")
        .expect("schema")
        .expect("content");
    let validator =
        jsonschema::draft202012::options().should_validate_formats(true).build(&schema).expect("compile");
    let good = json!({"slug": "admin", "object": "role", "id": "role_01", "name": "Admin", "description": null,
        "type": "EnvironmentRole", "resource_type_slug": "organization", "permissions": [],
        "created_at": "2026-01-15T12:00:00.000Z", "updated_at": "2026-01-15T12:00:00.000Z"});
    assert!(validator.is_valid(&good));
    let mut no_permissions = good.clone();
    no_permissions.as_object_mut().expect("object").remove("permissions");
    let mut bad_time = good.clone();
    bad_time["created_at"] = json!("yesterday");
    let mut bad_object = good.clone();
    bad_object["object"] = json!("permission");
    for bad in [no_permissions, bad_time, bad_object] {
        assert!(!validator.is_valid(&bad), "{bad}");
    }
    assert!(
        response_schema(&doc, "/authorization/roles/{slug}", "get", 409).is_none(),
        "409 is not declared there"
    );
}

/// The coverage table of `emulator/README.md`: the operations the emulator serves, grouped by
/// the first segment of their path, derived from its router (`workos_emulator::routes()`), never
/// kept by hand. (It does not count the document's operations, so a document upgrade leaves it
/// current; the contract test checks every route is the document's.)
fn coverage_table() -> String {
    use std::fmt::Write as _;
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let generic = workos_emulator::generic_routes();
    for (method, path) in workos_emulator::routes() {
        let prefix = path.trim_start_matches('/').split('/').next().unwrap_or_default();
        let mark = if generic.contains(&(method, path)) { " †" } else { "" };
        groups.entry(format!("/{prefix}")).or_default().push(format!("`{method} {path}`{mark}"));
    }
    let total: usize = groups.values().map(Vec::len).sum();
    let mut out = format!(
        "{total} operations, {} of them (marked †) served from the document: no model yet.\n\n\
         | path | served | operations |\n|---|---|---|\n",
        generic.len()
    );
    for (prefix, ops) in &groups {
        let _ = writeln!(out, "| `{prefix}` | {} | {} |", ops.len(), ops.join(", "));
    }
    out
}

/// `emulator/README.md` shows the coverage the router has. `WORKOS_BLESS=1` rewrites the table.
#[test]
fn the_emulator_readme_shows_what_the_router_serves() {
    let (begin, end) = (
        "<!-- coverage:begin (generated by tests/emulator_contract.rs; WORKOS_BLESS=1 rewrites it) -->\n",
        "<!-- coverage:end -->",
    );
    let path = workspace_root().join("emulator/README.md");
    let readme = std::fs::read_to_string(&path).expect("emulator/README.md");
    let (Some(start), Some(stop)) = (readme.find(begin), readme.find(end)) else {
        panic!("emulator/README.md has no coverage markers");
    };
    let table = coverage_table();
    let current = &readme[start + begin.len()..stop];
    if current == table {
        return;
    }
    if std::env::var_os("WORKOS_BLESS").is_some() {
        let updated = format!("{}{begin}{table}{}", &readme[..start], &readme[stop..]);
        std::fs::write(&path, updated).expect("write emulator/README.md");
        return;
    }
    panic!("emulator/README.md's coverage table is stale; rerun with WORKOS_BLESS=1. Expected:\n{table}");
}
