//! The sign-in's rules, grant by grant, on a `Store` without HTTP.

use super::fixtures::{add_member, add_org, add_user, status_and_code};
use super::*;
use crate::model::{ResourceRef, Role};

const ISSUER: Issuer<'static> = Issuer { api_key: "sk_test", host: Some("emu.test"), token_ttl_secs: 300 };

fn sign_in(store: &mut Store, body: Value) -> ApiResult<SignIn> {
    authenticate(store, serde_json::from_value(body).expect("body"), ISSUER)
}

fn tokens_of(answer: ApiResult<SignIn>) -> Authenticated {
    match answer.expect("answered") {
        SignIn::Authenticated(tokens) => *tokens,
        other => panic!("not signed in: {other:?}"),
    }
}

fn step_of(answer: ApiResult<SignIn>) -> StepRequired {
    match answer.expect("answered") {
        SignIn::StepRequired(step) => *step,
        other => panic!("no step: {other:?}"),
    }
}

fn password(email: &str, secret: &str) -> Value {
    json!({ "grant_type": "password", "client_id": "client_1", "client_secret": secret,
            "email": email, "password": "pw" })
}

/// A user with password `pw`, a member of `orgs` new organizations; their id and the orgs.
fn member(store: &mut Store, orgs: usize) -> (String, Vec<String>) {
    let user = add_user(store, "ada@x.test");
    store.passwords.insert(user.clone(), "pw".into());
    let orgs: Vec<String> = (0..orgs).map(|i| add_org(store, &format!("Org {i}"))).collect();
    for org in &orgs {
        add_member(store, &user, org);
    }
    (user, orgs)
}

fn claims(tokens: &Authenticated) -> Value {
    tokens::verify(&tokens.access_token, None).expect("the emulator's token")
}

#[test]
fn a_code_is_for_its_client_once_with_its_pkce_verifier() {
    let mut store = Store::default();
    let (user, orgs) = member(&mut store, 1);
    let verifier = "a-verifier-of-enough-length";
    let challenge = B64.encode(Sha256::digest(verifier.as_bytes()));
    let raw = format!(
        "client_id=client_1&redirect_uri=https://app.test/cb&login_hint=ADA@x.test&state=s1&code_challenge={challenge}"
    );
    let request = Authorize::from_query(&Query::parse(Some(&raw)).unwrap()).expect("query");
    let location = authorize(&mut store, request).expect("redirect");
    let code = location.split("code=").nth(1).and_then(|c| c.split('&').next()).expect("code").to_owned();
    assert!(location.starts_with("https://app.test/cb?code=code_") && location.ends_with("&state=s1"));
    let exchange = |client: &str, verifier: &str| json!({ "grant_type": "authorization_code", "client_id": client, "code": code, "code_verifier": verifier });
    let e = sign_in(&mut store, exchange("client_1", "wrong")).expect_err("wrong verifier");
    assert_eq!((e.code, e.oauth), (Some("invalid_grant"), true));
    let e = sign_in(&mut store, exchange("client_1", verifier)).expect_err("used up by the failure");
    assert_eq!(e.message, "The code is invalid or expired.");
    let request = Authorize::from_query(&Query::parse(Some(&raw)).unwrap()).expect("query");
    let location = authorize(&mut store, request).expect("redirect");
    let code = location.split("code=").nth(1).and_then(|c| c.split('&').next()).expect("code").to_owned();
    let exchange = json!({ "grant_type": "authorization_code", "client_id": "client_1", "code": code, "code_verifier": verifier });
    let tokens = tokens_of(sign_in(&mut store, exchange));
    let c = claims(&tokens);
    assert_eq!((c["sub"].as_str(), c["org_id"].as_str()), (Some(user.as_str()), Some(orgs[0].as_str())));
    assert_eq!(c["iss"], "http://emu.test/user_management/client_1");
    let raw = "client_id=client_1&redirect_uri=https://app.test/cb&login_hint=nobody@x.test";
    let request = Authorize::from_query(&Query::parse(Some(raw)).unwrap()).expect("query");
    assert_eq!(authorize(&mut store, request).expect_err("no user").status.as_u16(), 404);
}

#[test]
fn a_password_sign_in_needs_the_secret_and_the_password() {
    let mut store = Store::default();
    member(&mut store, 0);
    let e = sign_in(&mut store, password("ada@x.test", "sk_wrong")).expect_err("no secret");
    assert_eq!(e.status.as_u16(), 401);
    let mut wrong = password("ada@x.test", "sk_test");
    wrong["password"] = json!("not it");
    assert_eq!(sign_in(&mut store, wrong).expect_err("wrong password").code, Some("invalid_grant"));
    let tokens = tokens_of(sign_in(&mut store, password("ADA@x.test", "sk_test")));
    assert_eq!((tokens.organization_id.as_deref(), tokens.authentication_method), (None, "Password"));
    assert!(claims(&tokens).get("org_id").is_none(), "no organization, no organization claims");
    let e =
        sign_in(&mut store, json!({ "grant_type": "implicit", "client_id": "c" })).expect_err("unsupported");
    assert_eq!((e.code, e.oauth), (Some("unsupported_grant_type"), true));
}

#[test]
fn a_refresh_rotates_the_token_and_keeps_the_session() {
    let mut store = Store::default();
    member(&mut store, 1);
    let mut first = password("ada@x.test", "sk_test");
    first["ip_address"] = json!("10.0.0.1");
    let signed_in = tokens_of(sign_in(&mut store, first));
    let refresh = |token: &str| json!({ "grant_type": "refresh_token", "client_id": "client_1", "refresh_token": token });
    let refreshed = tokens_of(sign_in(&mut store, refresh(&signed_in.refresh_token)));
    assert_eq!(claims(&refreshed)["sid"], claims(&signed_in)["sid"]);
    assert_eq!(store.auth_sessions.len(), 1);
    let session = &store.auth_sessions[0];
    assert_eq!(
        (session.refresh_token.as_str(), session.ip_address.as_deref()),
        (refreshed.refresh_token.as_str(), Some("10.0.0.1"))
    );
    let e = sign_in(&mut store, refresh(&signed_in.refresh_token)).expect_err("rotated away");
    assert_eq!(e.code, Some("invalid_grant"));
    let mut elsewhere = refresh(&refreshed.refresh_token);
    elsewhere["organization_id"] = json!("org_x");
    let e = sign_in(&mut store, elsewhere).expect_err("not a member there");
    assert_eq!(status_and_code(&e), (400, Some("organization_membership_not_found")));
}

#[test]
fn the_tokens_carry_the_roles_assigned_on_the_organization_and_their_permissions() {
    let mut store = Store::default();
    let (user, orgs) = member(&mut store, 1);
    let at = crate::model::ids::now();
    store.roles.push(Role {
        object: "role",
        id: store.ids.next("role"),
        slug: "admin".into(),
        name: "Admin".into(),
        description: None,
        kind: "EnvironmentRole",
        resource_type_slug: "organization".into(),
        permissions: vec!["docs:write".into(), "docs:read".into()],
        created_at: at.clone(),
        updated_at: at,
        organization_id: None,
    });
    let membership = store.membership_of(&user, &orgs[0]).expect("member").id.clone();
    let root: ResourceRef = store.organization_resource(&orgs[0]).expect("root").as_ref();
    store.assign(&membership, "admin", root);
    let (role, roles, permissions) = access_of(&store, &user, Some(&orgs[0]));
    assert_eq!((role.as_deref(), roles), (Some("admin"), vec!["admin".to_owned()]));
    assert_eq!(permissions, ["docs:read", "docs:write"]);
    assert_eq!(access_of(&store, &user, None), (None, vec![], vec![]));
    let c = claims(&tokens_of(sign_in(&mut store, password("ada@x.test", "sk_test"))));
    assert_eq!(
        (c["role"].clone(), c["permissions"].clone()),
        (json!("admin"), json!(["docs:read", "docs:write"]))
    );
}

#[test]
fn a_sign_in_stops_at_email_verification_then_at_the_organization_choice() {
    let mut store = Store::default();
    let (_, orgs) = member(&mut store, 2);
    store.authkit.email_verification_required = true;
    store.authkit.organization_selection_required = true;
    let step = step_of(sign_in(&mut store, password("ada@x.test", "sk_test")));
    assert_eq!(step.code, "email_verification_required");
    let code = store.outbox.back().and_then(|e| e.code.clone()).expect("code emailed");
    let verify = |token: &str, code: &str| {
        json!({
        "grant_type": "urn:workos:oauth:grant-type:email-verification:code", "client_id": "client_1",
        "client_secret": "sk_test", "pending_authentication_token": token, "code": code })
    };
    let e =
        sign_in(&mut store, verify(&step.pending_authentication_token, "000000x")).expect_err("wrong code");
    assert_eq!(status_and_code(&e), (400, Some("invalid_one_time_code")));
    let next = step_of(sign_in(&mut store, verify(&step.pending_authentication_token, &code)));
    assert_eq!(next.code, "organization_selection_required");
    let Some(steps::StepDetail::OrganizationSelection { organizations }) = &next.detail else {
        panic!("choices")
    };
    assert_eq!(organizations.iter().map(|o| o.id.clone()).collect::<Vec<_>>(), orgs);
    let e = sign_in(&mut store, verify(&step.pending_authentication_token, &code)).expect_err("token used");
    assert_eq!(e.code, Some("invalid_pending_authentication_token"));
    let choose = |org: &str| {
        json!({
        "grant_type": "urn:workos:oauth:grant-type:organization-selection", "client_id": "client_1",
        "client_secret": "sk_test", "pending_authentication_token": next.pending_authentication_token,
        "organization_id": org })
    };
    assert_eq!(
        sign_in(&mut store, choose("org_x")).expect_err("not theirs").code,
        Some("invalid_organization_id")
    );
    let tokens = tokens_of(sign_in(&mut store, choose(&orgs[1])));
    assert_eq!(tokens.organization_id.as_deref(), Some(orgs[1].as_str()));
    assert!(store.pending_auths.is_empty());
}

#[test]
fn a_sign_in_stops_at_mfa_enrollment_then_at_the_challenge_of_the_users_factor() {
    let mut store = Store::default();
    let (user, _) = member(&mut store, 0);
    store.authkit.mfa_required = true;
    let step = step_of(sign_in(&mut store, password("ada@x.test", "sk_test")));
    assert_eq!((step.code, &step.detail), ("mfa_enrollment", &None));
    let dto = serde_json::from_value(json!({ "type": "generic_otp", "user_id": user })).unwrap();
    let factor = crate::model::mfa::enroll(&mut store, dto).expect("enrolled");
    let challenge = serde_json::from_value(json!({})).unwrap();
    let c = crate::model::mfa::challenge(&mut store, &factor.id, challenge).expect("challenge");
    let code = serde_json::to_value(&c).unwrap()["code"].as_str().expect("generic code").to_owned();
    let totp = |code: &str| {
        json!({
        "grant_type": "urn:workos:oauth:grant-type:mfa-totp", "client_id": "client_1",
        "client_secret": "sk_test", "pending_authentication_token": step.pending_authentication_token,
        "authentication_challenge_id": c.id, "code": code })
    };
    assert_eq!(sign_in(&mut store, totp("nope")).expect_err("wrong").code, Some("invalid_one_time_code"));
    let tokens = tokens_of(sign_in(&mut store, totp(&code)));
    assert_eq!(claims(&tokens)["sub"].as_str(), Some(user.as_str()));
    let other = add_user(&mut store, "bob@x.test");
    crate::model::user_management::signin::fixtures::hold(&mut store, &other, "mfa_challenge", "tok");
    let mut theirs = totp(&code);
    theirs["pending_authentication_token"] = json!("tok");
    assert_eq!(sign_in(&mut store, theirs).expect_err("not bob's factor").code, Some("user_mismatch"));
}
