//! The generated types keep working when WorkOS adds values, variants and fields, and decode the
//! document's shapes exactly.

use workos_api::types::{ApiKeyOwner, ErrorBody, Role, RoleObject, RoleType};

fn role_json(kind: &str, description: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "object": "role",
        "id": "role_01EHQMYV6MBK39QC5PZXHY59C3",
        "slug": "admin",
        "name": "Admin",
        "description": description,
        "type": kind,
        "resource_type_slug": "organization",
        "permissions": ["posts:read", "posts:write"],
        "created_at": "2026-01-15T12:00:00.000Z",
        "updated_at": "2026-01-15T12:00:00.000Z"
    })
}

#[test]
fn role_matches_the_document() {
    let role: Role = serde_json::from_value(role_json("EnvironmentRole", "Can manage".into())).unwrap();
    assert_eq!(role.type_, RoleType::EnvironmentRole);
    assert_eq!(role.object, RoleObject::Role);
    assert_eq!(role.description.as_deref(), Some("Can manage"));
    assert_eq!(role.permissions, ["posts:read", "posts:write"]);
    assert_eq!(role.created_at.to_rfc3339(), "2026-01-15T12:00:00+00:00");
}

/// The tolerant-reading policy: a required nullable field that the live API leaves out reads
/// as `None`; a required field that is not nullable stays required.
#[test]
fn description_is_required_but_nullable_and_absent_reads_as_none() {
    let role: Role = serde_json::from_value(role_json("OrganizationRole", serde_json::Value::Null)).unwrap();
    assert_eq!(role.description, None);
    let mut missing = role_json("OrganizationRole", serde_json::Value::Null);
    missing.as_object_mut().unwrap().remove("description");
    let role: Role = serde_json::from_value(missing).expect("an absent nullable field is None");
    assert_eq!(role.description, None);
    for required in ["slug", "created_at"] {
        let mut missing = role_json("OrganizationRole", serde_json::Value::Null);
        missing.as_object_mut().unwrap().remove(required);
        let e = serde_json::from_value::<Role>(missing).expect_err("a required field may not be absent");
        assert!(e.to_string().contains(&format!("missing field `{required}`")), "{e}");
    }
}

#[test]
fn unknown_enum_value_is_kept_and_sent_back_unchanged() {
    let json = role_json("ResourceRole", serde_json::Value::Null);
    let role: Role = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(role.type_, RoleType::Unknown("ResourceRole".into()));
    assert_eq!(role.type_.as_str(), "ResourceRole");
    let written = serde_json::to_value(&role).unwrap();
    assert_eq!(written["type"], json["type"]);
    let again: Role = serde_json::from_value(written).unwrap();
    assert_eq!(again, role);
}

#[test]
fn enum_string_conversions() {
    assert_eq!(RoleType::from("EnvironmentRole"), RoleType::EnvironmentRole);
    assert_eq!("OrganizationRole".parse::<RoleType>(), Ok(RoleType::OrganizationRole));
    assert_eq!(RoleType::EnvironmentRole.to_string(), "EnvironmentRole");
    assert_eq!(serde_json::to_string(&RoleType::OrganizationRole).unwrap(), "\"OrganizationRole\"");
}

#[test]
fn unknown_response_fields_are_ignored() {
    let mut json = role_json("EnvironmentRole", serde_json::Value::Null);
    json["priority"] = 3.into();
    json["brand_new"] = serde_json::json!({"nested": true});
    let role: Role = serde_json::from_value(json).unwrap();
    assert_eq!(role.slug, "admin");
}

#[test]
fn unknown_tag_of_a_tagged_union_decodes_and_is_kept() {
    let raw = serde_json::json!({"type": "service_account", "id": "sa_1", "scopes": ["a"]});
    let owner: ApiKeyOwner = serde_json::from_value(raw.clone()).unwrap();
    assert!(matches!(&owner, ApiKeyOwner::Unknown(value) if *value == raw));
    assert_eq!(serde_json::to_value(&owner).unwrap(), raw, "written back exactly as it was read");
    let owner: ApiKeyOwner =
        serde_json::from_value(serde_json::json!({"type": "organization", "id": "org_1"})).unwrap();
    assert!(matches!(owner, ApiKeyOwner::Organization { ref id } if id == "org_1"));
    assert_eq!(
        serde_json::to_value(&owner).unwrap(),
        serde_json::json!({"type": "organization", "id": "org_1"}),
        "a known variant writes its tag"
    );
    let missing = serde_json::from_value::<ApiKeyOwner>(serde_json::json!({"id": "org_1"})).unwrap_err();
    assert_eq!(missing.to_string(), "ApiKeyOwner: missing field `type`");
    let bad =
        serde_json::from_value::<ApiKeyOwner>(serde_json::json!({"type": "user", "id": "u"})).unwrap_err();
    assert_eq!(bad.to_string(), "ApiKeyOwner `user`: missing field `organization_id`");
}

#[test]
fn every_error_shape_decodes_into_error_body() {
    let rest: ErrorBody = serde_json::from_value(serde_json::json!({
        "code": "role_slug_conflict", "message": "A role with this slug already exists.", "extra": 1
    }))
    .unwrap();
    assert_eq!(rest.code.as_deref(), Some("role_slug_conflict"));
    let oauth: ErrorBody = serde_json::from_value(serde_json::json!({
        "error": "invalid_grant", "error_description": "The code has expired."
    }))
    .unwrap();
    assert_eq!(oauth.error.as_deref(), Some("invalid_grant"));
    let validation: ErrorBody = serde_json::from_value(serde_json::json!({
        "message": "Validation failed", "errors": [{"code": "invalid", "field": "slug", "message": "bad"}]
    }))
    .unwrap();
    assert_eq!(validation.errors[0].field.as_deref(), Some("slug"));
}

#[test]
fn sso_authorize_url_is_built_not_requested() {
    use workos_api::redirects::{SsoAuthorizeUrlParams, sso_authorize_url};
    // `response_type` has one possible value, which `new` fills in.
    let params = SsoAuthorizeUrlParams::new("client_123", "https://app.example/callback")
        .state("a b&c")
        .provider_scopes(["openid", "email"])
        .provider_query_params(
            [("hd".to_owned(), "example.com".to_owned())]
                .into_iter()
                .collect::<std::collections::BTreeMap<_, _>>(),
        )
        .connection("conn_1");
    assert_eq!(params.response_type, "code");
    let url = sso_authorize_url("https://api.workos.com", &params).unwrap();
    assert_eq!(
        url.as_str(),
        "https://api.workos.com/sso/authorize?provider_scopes=openid%2Cemail&provider_query_params%5Bhd%5D=example.com\
         &client_id=client_123&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&response_type=code&state=a+b%26c\
         &connection=conn_1"
    );
    let under_prefix = sso_authorize_url("http://127.0.0.1:4100/api/", &params).unwrap();
    assert!(under_prefix.as_str().starts_with("http://127.0.0.1:4100/api/sso/authorize?"), "{under_prefix}");
    assert!(sso_authorize_url("not a url", &params).is_err());
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let body: workos_api::types::AuthenticateBody = serde_json::from_value(serde_json::json!({
        "grant_type": "password", "client_id": "client_1", "client_secret": "sk_test_TOPSECRET",
        "email": "a@example.com", "password": "hunter2-TOPSECRET"
    }))
    .unwrap();
    let text = format!("{body:?}");
    assert!(!text.contains("TOPSECRET"), "{text}");
    assert!(text.contains("client_1") && text.contains("<redacted>"), "{text}");

    let token: workos_api::types::TokenQueryDto = serde_json::from_value(serde_json::json!({
        "client_id": "client_1", "client_secret": "sk_test_TOPSECRET", "code": "TOPSECRET-code",
        "grant_type": "authorization_code"
    }))
    .unwrap();
    let text = format!("{token:?}");
    assert!(!text.contains("TOPSECRET"), "{text}");
}
