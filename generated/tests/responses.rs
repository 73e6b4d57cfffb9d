//! Generated methods against a local server: body-less success statuses, and error statuses the
//! document does not declare.

use std::io::{BufRead, BufReader, Read, Write};

use workos_api::{Client, Error};

fn client_for(base_url: &str) -> Client {
    Client::builder().api_key("sk_test_responses").base_url(base_url).build().expect("client")
}

/// Answers one request on 127.0.0.1 with `status` and `body`, then stops.
fn one_response(status: u16, body: &'static str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut content_length = 0;
        let mut line = String::new();
        while reader.read_line(&mut line).expect("read") > 2 {
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                content_length = v.trim().parse().expect("length");
            }
            line.clear();
        }
        let mut body_in = vec![0; content_length];
        reader.read_exact(&mut body_in).expect("body");
        let kind = if body.starts_with('{') { "application/json" } else { "text/html" };
        let head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nx-request-id: req_1\r\nconnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).expect("write");
        stream.write_all(body.as_bytes()).expect("write");
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn bodyless_200_beside_a_json_202_is_a_success() {
    let client = client_for(&one_response(200, ""));
    let done = client.delete_directory("directory_1").await.expect("200 with no body is a success");
    assert_eq!(done.status(), 200);
    assert_eq!(done.into_inner(), serde_json::Value::Null);

    let client = client_for(&one_response(202, r#"{"id": "directory_1"}"#));
    let accepted = client.delete_directory("directory_1").await.expect("202 with a body");
    assert_eq!(accepted.into_inner()["id"], "directory_1");
}

#[tokio::test]
async fn bodyless_201_gives_none() {
    let client = client_for(&one_response(201, ""));
    let body: workos_api::types::TokenQueryDto = serde_json::from_value(serde_json::json!({
        "client_id": "client_1", "client_secret": "sk_test_1", "code": "c", "grant_type": "authorization_code"
    }))
    .expect("body");
    let grant = workos_api::types::GetSsoProfileAndTokenGrantType::AuthorizationCode;
    let response = client
        .get_sso_profile_and_token("client_1", "sk_test_1", "c", grant, &body)
        .await
        .expect("201 with no body is a success");
    assert_eq!(response.status(), 201);
    assert!(response.into_inner().0.is_none());
}

#[tokio::test]
async fn undeclared_error_status_decodes_into_error_body() {
    let client = client_for(&one_response(
        409,
        r#"{"code": "organization_domain_conflict", "message": "Domain taken."}"#,
    ));
    let err = client.get_organization("org_1").await.expect_err("409 is an error");
    let Error::ErrorResponse(response) = err else { panic!("expected an error response, got {err:?}") };
    assert_eq!(response.status(), 409);
    assert_eq!(response.headers()["x-request-id"], "req_1");
    assert_eq!(response.code.as_deref(), Some("organization_domain_conflict"));
}
