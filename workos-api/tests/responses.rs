//! Generated methods against a local server: body-less success statuses, and error statuses the
//! document does not declare.

mod support;

use std::time::Duration;

use support::{Reply, Server};

/// A client of a server that gives one scripted answer.
async fn answering(status: u16, body: &'static str) -> workos_api::Client {
    Server::start(vec![Reply::Http(status, vec![], body, Duration::ZERO)]).await.client()
}

#[tokio::test]
async fn bodyless_200_beside_a_json_202_is_a_success() {
    let client = answering(200, "").await;
    let done = client
        .directory_sync()
        .delete_directory("directory_1")
        .send_with_response()
        .await
        .expect("200 with no body is a success");
    assert_eq!(done.status(), 200);
    assert_eq!(*done.body(), serde_json::Value::Null);

    let client = answering(202, r#"{"id": "directory_1"}"#).await;
    let accepted = client.directory_sync().delete_directory("directory_1").await.expect("202 with a body");
    assert_eq!(accepted["id"], "directory_1");
}

#[tokio::test]
async fn bodyless_201_gives_none() {
    let client = answering(201, "").await;
    let body: workos_api::types::TokenQueryDto = serde_json::from_value(serde_json::json!({
        "client_id": "client_1", "client_secret": "sk_test_1", "code": "c", "grant_type": "authorization_code"
    }))
    .expect("body");
    let grant = workos_api::types::GetSsoProfileAndTokenGrantType::AuthorizationCode;
    let response = client
        .sso()
        .get_sso_profile_and_token("client_1", "sk_test_1", "c", grant, body)
        .send_with_response()
        .await
        .expect("201 with no body is a success");
    assert_eq!(response.status(), 201);
    assert!(response.into_body().0.is_none());
}

#[tokio::test]
async fn undeclared_error_status_decodes_into_error_body() {
    let client =
        answering(409, r#"{"code": "organization_domain_conflict", "message": "Domain taken."}"#).await;
    let err = client.organizations().get_organization("org_1").await.expect_err("409 is an error");
    assert!(err.is_conflict(), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(err.request_id(), Some("req_409"));
    assert_eq!(err.code(), Some("organization_domain_conflict"));
    assert_eq!(err.to_string(), "409 organization_domain_conflict: Domain taken. (request req_409)");
}
