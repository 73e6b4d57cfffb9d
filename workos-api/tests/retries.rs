//! Retries against a scripted server on 127.0.0.1 that counts what it receives.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use support::{Reply, Server, ok, status};
use workos_api::prelude::*;
use workos_api::{Client, RetryMode, RetryPolicy, types};

const ROLES: &str = r#"{"object": "list", "data": []}"#;
const PERMISSION: &str = r#"{"object": "permission", "id": "perm_1", "slug": "posts:read", "name": "Read posts",
    "description": null, "resource_type_slug": "organization", "system": false,
    "created_at": "2026-01-15T12:00:00.000Z", "updated_at": "2026-01-15T12:00:00.000Z"}"#;

fn new_permission() -> types::CreateAuthorizationPermissionDto {
    serde_json::from_value(serde_json::json!({"slug": "posts:read", "name": "Read posts"})).expect("body")
}

#[tokio::test]
async fn rate_limit_with_retry_after_in_seconds_then_as_a_date() {
    // HTTP dates have whole seconds: floor(now + 3 s) is at least 2 s after `started`.
    let started = Instant::now();
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3));
    let server = Server::start(vec![
        Reply::Http(429, vec![("retry-after", "1".into())], "Ratelimited", Duration::ZERO),
        Reply::Http(429, vec![("retry-after", date)], "Ratelimited", Duration::ZERO),
        ok(ROLES),
    ])
    .await;
    let client = server.client();
    client.authorization().list_environment_roles().max_attempts(3).await.expect("third attempt succeeds");
    assert_eq!(server.seen().len(), 3);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "Retry-After was not honoured: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn server_errors_then_success() {
    let server = Server::start(vec![status(500), status(502), ok(ROLES), status(503), ok(ROLES)]).await;
    let client = server.client();
    client.authorization().list_environment_roles().await.expect("500, 502, then success");
    client.authorization().list_environment_roles().await.expect("503, then success");
    assert_eq!(server.seen().len(), 5);
}

#[tokio::test]
async fn persistent_503_fails_after_max_attempts_with_the_last_status() {
    let server = Server::start(vec![status(503); 10]).await;
    let err = server.client().authorization().list_environment_roles().await.expect_err("always 503");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.request_id(), Some("req_503"));
    assert!(err.is_server_error());
    assert_eq!(server.seen().len(), RetryPolicy::default().max_attempts as usize);
}

#[tokio::test]
async fn connection_reset_then_success() {
    let server = Server::start(vec![Reply::Reset, ok(ROLES)]).await;
    server.client().authorization().list_environment_roles().await.expect("retried after the reset");
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn response_slower_than_the_timeout_is_retried() {
    let server =
        Server::start(vec![Reply::Http(200, vec![], ROLES, Duration::from_secs(2)), ok(ROLES)]).await;
    let policy = RetryPolicy { base_delay: Duration::from_millis(5), ..RetryPolicy::default() };
    let client = Client::builder()
        .api_key("sk_test_retries")
        .base_url(&server.base_url)
        .timeout(Duration::from_millis(300))
        .retry_policy(policy)
        .build()
        .expect("client");
    client.authorization().list_environment_roles().await.expect("the second attempt is fast");
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn post_create_that_gets_500_is_not_retried_unless_opted_in() {
    let server =
        Server::start(vec![status(500), status(500), Reply::Http(201, vec![], PERMISSION, Duration::ZERO)])
            .await;
    let err = server.client().authorization().create_permission(new_permission()).await.expect_err("500");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(server.seen().len(), 1, "exactly one create reached the server");

    let opted_in =
        server.client().authorization().create_permission(new_permission()).retry_mode(RetryMode::Always);
    opted_in.await.expect("the caller opted in");
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn post_create_that_gets_429_is_retried_once_processed() {
    let server = Server::start(vec![status(429), Reply::Http(201, vec![], PERMISSION, Duration::ZERO)]).await;
    let created =
        server.client().authorization().create_permission(new_permission()).await.expect("retried after 429");
    assert_eq!(created.slug, "posts:read");
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| s.method == "POST" && s.path == "/authorization/permissions"));
}

#[tokio::test]
async fn an_idempotency_key_is_kept_across_attempts_and_allows_retrying_a_post() {
    let server = Server::start(vec![status(500), Reply::Http(201, vec![], PERMISSION, Duration::ZERO)]).await;
    let client = server.client();
    client
        .authorization()
        .create_permission(new_permission())
        .idempotency_key("key-123")
        .await
        .expect("retried with its key");
    let keys: Vec<Option<String>> =
        server.seen().iter().map(|s| s.header("idempotency-key").map(str::to_owned)).collect();
    assert_eq!(keys, [Some("key-123".to_owned()), Some("key-123".to_owned())]);
}

#[tokio::test]
async fn never_mode_and_non_json_error_bodies() {
    let server =
        Server::start(vec![Reply::Http(502, vec![], "<html>bad gateway</html>", Duration::ZERO)]).await;
    let err = server
        .client()
        .authorization()
        .list_environment_roles()
        .retry_mode(RetryMode::Never)
        .await
        .expect_err("502");
    assert_eq!(server.seen().len(), 1);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.message(), Some("<html>bad gateway</html>"));
    assert_eq!(err.request_id(), Some("req_502"));
}

#[tokio::test]
async fn requests_carry_the_key_and_user_agent() {
    let server = Server::start(vec![ok(ROLES)]).await;
    server.client().authorization().list_environment_roles().await.expect("ok");
    let seen = server.seen();
    assert_eq!(seen[0].header("authorization"), Some("Bearer sk_test_retries"));
    assert!(seen[0].header("user-agent").is_some_and(|ua| ua.starts_with("workos-api/")));
}

/// Collects everything a `tracing` subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_api_key_stays_out_of_traces_errors_and_debug() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = Server::start(vec![status(503), status(401)]).await;
    let client = server.client();
    let err = client.authorization().list_environment_roles().await.expect_err("401 after a retried 503");
    assert!(err.is_unauthorized());

    let logs = String::from_utf8(captured.0.lock().expect("buffer").clone()).expect("utf-8");
    assert!(logs.contains("list_environment_roles"), "the span was not captured: {logs}");
    assert!(logs.contains("retrying") && logs.contains("request_id=\"req_401\""), "{logs}");
    assert_eq!(logs.matches(" attempt ").count(), 2, "one event per attempt: {logs}");
    for text in [logs, format!("{err}"), format!("{err:?}"), format!("{client:?}")] {
        assert!(!text.contains("sk_test_retries"), "the API key leaked: {text}");
    }
}

fn audit_event() -> types::AuditLogEventIngestionDto {
    serde_json::from_value(serde_json::json!({
        "organization_id": "org_1",
        "event": {
            "action": "user.signed_in", "occurred_at": "2026-01-15T12:00:00.000Z",
            "actor": {"id": "user_1", "type": "user"}, "targets": [{"id": "team_1", "type": "team"}],
            "context": {"location": "203.0.113.1"}
        }
    }))
    .expect("event")
}

#[tokio::test]
async fn declared_idempotency_key_is_generated_once_and_kept_across_attempts() {
    let success = || Reply::Http(200, vec![], r#"{"success": true}"#, Duration::ZERO);
    let server = Server::start(vec![status(500), success(), success()]).await;
    let client = server.client();
    client.audit_logs().create_audit_log_event(audit_event()).await.expect("retried: the key makes it safe");
    client
        .audit_logs()
        .create_audit_log_event(audit_event())
        .idempotency_key("caller-key")
        .await
        .expect("the caller's key");
    let keys: Vec<String> =
        server.seen().iter().map(|s| s.header("idempotency-key").expect("a key").to_owned()).collect();
    assert_eq!(keys.len(), 3);
    assert_eq!(keys[0], keys[1], "one key across the attempts of a call");
    assert!(uuid::Uuid::parse_str(&keys[0]).is_ok_and(|u| u.get_version_num() == 4), "{}", keys[0]);
    assert_eq!(keys[2], "caller-key");
}

#[tokio::test]
async fn predicates_follow_the_workos_error_table() {
    type Check = fn(&workos_api::ApiError) -> bool;
    let table: [(u16, Check); 8] = [
        (400, |e| e.is_validation()),
        (401, |e| e.is_unauthorized()),
        (403, |e| e.is_forbidden()),
        (404, |e| e.is_not_found()),
        (409, |e| e.is_conflict()),
        (422, |e| e.is_validation()),
        (429, |e| e.is_rate_limited()),
        (500, |e| e.is_server_error()),
    ];
    for (code, check) in table {
        let server = Server::start(vec![Reply::Http(
            code,
            vec![("retry-after", "7".into())],
            r#"{"code": "some_code", "message": "some message", "errors": [{"field": "slug", "code": "taken"}]}"#,
            Duration::ZERO,
        )])
        .await;
        let err = server
            .client()
            .authorization()
            .list_environment_roles()
            .retry_mode(RetryMode::Never)
            .await
            .expect_err("error");
        assert!(check(&err), "{code}: {err:?}");
        assert_eq!(err.code(), Some("some_code"));
        assert_eq!(err.message(), Some("some message"));
        assert_eq!(err.field_errors()[0].field.as_deref(), Some("slug"));
        assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(err.request_id(), Some(format!("req_{code}").as_str()));
        assert!(!err.is_transport() && !err.is_decode() && !err.is_timeout());
    }
    let refused = {
        let port =
            std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
        let client = Client::builder()
            .api_key("sk_test_1")
            .base_url(format!("http://127.0.0.1:{port}"))
            .retry_policy(RetryPolicy::disabled())
            .build()
            .expect("client");
        client.authorization().list_environment_roles().await.expect_err("nothing listens")
    };
    assert!(refused.is_transport() && refused.status().is_none());
}
