//! A hostile server on 127.0.0.1: a redirect never takes a call (its body, its API key)
//! elsewhere, and an id never retargets a call.

mod support;

use std::time::Duration;

use support::{Reply, Server};
use workos_api::Client;
use workos_api::types::{OrganizationDto, UpdateOrganizationDto, UpdateOrganizationRoleDto};

/// A server that records what reaches it (the place a hostile redirect points to).
async fn elsewhere() -> Server {
    Server::serve(|_| Some(Reply::Http(200, vec![], r#"{"id": "stolen"}"#, Duration::ZERO))).await
}

/// A server that answers every request with `status` and a `Location` on `target`.
async fn redirecting(status: u16, target: &str) -> Server {
    let location = format!("{target}/collect?code=c_1");
    Server::serve(move |_| {
        Some(Reply::Http(status, vec![("location", location.clone())], "", Duration::ZERO))
    })
    .await
}

/// One call per HTTP method, through the generated builders and AuthKit's code exchange.
async fn call_each_method(client: &Client) -> Vec<(&'static str, workos_api::ApiError)> {
    let mut errors = Vec::new();
    let get = client.organizations().get_organization("org_1").await;
    errors.push(("GET", get.expect_err("a redirect is an error")));
    let post = client.organizations().create_organization(OrganizationDto::new("Acme")).await;
    errors.push(("POST", post.expect_err("a redirect is an error")));
    let put = client.organizations().update_organization("org_1", UpdateOrganizationDto::new()).await;
    errors.push(("PUT", put.expect_err("a redirect is an error")));
    let patch = client
        .authorization()
        .update_organization_role("org_1", "admin", UpdateOrganizationRoleDto::new())
        .await;
    errors.push(("PATCH", patch.expect_err("a redirect is an error")));
    let delete = client.organizations().delete_organization("org_1").await;
    errors.push(("DELETE", delete.expect_err("a redirect is an error")));
    let authkit = workos_api::sessions::AuthKit::new(client.clone(), "client_1");
    let exchange = authkit.authenticate_with_code("code_1", None).await;
    errors.push(("POST authenticate", exchange.expect_err("a redirect is an error")));
    errors
}

#[tokio::test]
async fn no_redirect_is_followed_whatever_the_method_and_status() {
    let thief = elsewhere().await;
    for status in [301, 302, 303, 307, 308] {
        let server = redirecting(status, &thief.base_url).await;
        for (method, e) in call_each_method(&server.client()).await {
            assert!(e.is_redirect(), "{method} {status}: {e:?}");
            assert!(!e.is_retryable() && !e.is_decode(), "{method} {status}: {e:?}");
            assert_eq!(e.status().map(|s| s.as_u16()), Some(status), "{method}");
            let location = e.headers().and_then(|h| h.get("location")).and_then(|l| l.to_str().ok());
            assert_eq!(location, Some(format!("{}/collect?code=c_1", thief.base_url).as_str()));
            let shown = e.to_string();
            assert!(
                shown.contains(&format!(
                    "refused to follow a {status} redirect to {}/collect",
                    thief.base_url
                )),
                "{shown}"
            );
            // The query of the Location is not repeated in the message; the key never is.
            assert!(!shown.contains("code=c_1") && !shown.contains("sk_test"), "{shown}");
            assert!(!format!("{e:?}").contains("sk_test_retries"), "{e:?}");
        }
        // One attempt each: a redirect is not retried.
        assert_eq!(server.seen().len(), 6, "{status}");
    }
    assert!(thief.seen().is_empty(), "a request reached the redirect's target: {:?}", thief.seen());
}

#[tokio::test]
async fn a_callers_client_that_follows_redirects_is_caught_after_the_fact() {
    let thief = elsewhere().await;
    let server = redirecting(307, &thief.base_url).await;
    let client = Client::builder()
        .api_key("sk_test_own_http")
        .base_url(&server.base_url)
        .http_client(reqwest::Client::new())
        .build()
        .expect("client");
    let e = client.organizations().get_organization("org_1").await.expect_err("refused");
    assert!(e.is_redirect(), "{e:?}");
    assert!(e.to_string().contains("redirect::Policy::none()"), "{e}");
    // reqwest drops the Authorization header on a redirect to another host, but the call itself
    // was repeated there: the documentation of `http_client` says to disable redirects.
    let stolen = thief.seen();
    assert_eq!(stolen.len(), 1);
    assert_eq!(stolen[0].header("authorization"), None);
}

/// Every position of a path parameter, in calls whose URL a `.`, `..` or empty id would
/// otherwise retarget once normalized.
#[tokio::test]
async fn dot_segments_and_empty_ids_are_refused_before_anything_is_sent() {
    let server = Server::serve(|_| Some(support::ok(""))).await;
    let client = server.client();
    for bad in ["", ".", ".."] {
        let errors = [
            client.organizations().get_organization(bad).await.map(drop).expect_err("refused"),
            client.user_management().delete_user_connected_account("user_1", bad).await.expect_err("refused"),
            client.user_management().delete_user_connected_account(bad, "github").await.expect_err("refused"),
            client
                .authorization()
                .update_organization_role(bad, "admin", UpdateOrganizationRoleDto::new())
                .await
                .map(drop)
                .expect_err("refused"),
            client
                .authorization()
                .update_organization_role("org_1", bad, UpdateOrganizationRoleDto::new())
                .await
                .map(drop)
                .expect_err("refused"),
        ];
        // The parameter is named as the path template names it.
        let names = ["id", "slug", "user_id", "organizationId", "slug"];
        for (e, name) in errors.iter().zip(names) {
            assert!(e.is_invalid_request(), "{bad:?}: {e:?}");
            assert!(e.to_string().contains(&format!("path parameter `{name}` is ")), "{bad:?}: {e}");
        }
    }
    assert!(server.seen().is_empty(), "a request was sent: {:?}", server.seen());
    // A dot inside an id, or an encoded one, is an ordinary id.
    for id in ["org.1", "%2e%2e"] {
        let sent = client.organizations().delete_organization(id).await;
        sent.unwrap_or_else(|e| panic!("{id}: {e:?}"));
    }
    let paths: Vec<String> = server.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(paths, ["/organizations/org.1", "/organizations/%252e%252e"]);
}
