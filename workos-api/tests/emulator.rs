//! The client's retries and pagination against the WorkOS emulator and its fault injection.

use std::time::{Duration, Instant};

use futures::StreamExt;
use workos_api::prelude::*;
use workos_api::{Client, PageOptions, RetryMode, RetryPolicy, types};
use workos_emulator::{Emulator, Fault, RetryAfter};

const PERMISSIONS: &str = "/authorization/permissions";

fn client(emu: &Emulator) -> Client {
    let policy = RetryPolicy { base_delay: Duration::from_millis(5), ..RetryPolicy::default() };
    Client::builder()
        .api_key(emu.api_key())
        .base_url(emu.base_url())
        .retry_policy(policy)
        .build()
        .expect("client")
}

fn permission(slug: &str) -> types::CreateAuthorizationPermissionDto {
    types::CreateAuthorizationPermissionDto::new(slug, slug)
}

#[tokio::test]
async fn a_create_that_fails_with_500_is_sent_exactly_once() {
    let emu = Emulator::start().await.expect("emulator");
    emu.on("POST", PERMISSIONS).next(1, Fault::status(500));
    let err = client(&emu).authorization().create_permission(permission("a:b")).await.expect_err("500");
    assert!(err.is_server_error());
    assert_eq!(emu.count("POST", PERMISSIONS), 1, "a POST is not retried after a 500");
    // Opting in retries it, and the retry creates the permission.
    emu.on("POST", PERMISSIONS).next(1, Fault::status(500));
    client(&emu)
        .authorization()
        .create_permission(permission("a:b"))
        .retry_mode(RetryMode::Always)
        .await
        .expect("second attempt");
    assert_eq!(emu.count("POST", PERMISSIONS), 3);
}

#[tokio::test]
async fn rate_limited_posts_wait_for_retry_after_and_succeed() {
    let emu = Emulator::start().await.expect("emulator");
    emu.on("POST", PERMISSIONS).next(1, Fault::status(429).retry_after(RetryAfter::Seconds(1)));
    let started = Instant::now();
    let created =
        client(&emu).authorization().create_permission(permission("c:d")).await.expect("retried after 1 s");
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(created.slug, "c:d");
    assert_eq!(emu.count("POST", PERMISSIONS), 2);
}

#[tokio::test]
async fn dropped_connections_and_503s_on_reads_are_retried() {
    let emu = Emulator::start().await.expect("emulator");
    emu.on("GET", "/authorization/roles")
        .next(1, Fault::drop_connection())
        .next(1, Fault::status(503).retry_after(RetryAfter::DateIn(Duration::from_secs(1))));
    let roles = client(&emu).authorization().list_environment_roles().await.expect("third attempt");
    assert_eq!(roles.data[0].slug, "member");
    let statuses: Vec<Option<u16>> = emu.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [None, Some(503), Some(200)]);
}

#[tokio::test]
async fn a_rate_limit_slows_a_burst_down_without_failing_it() {
    let emu = Emulator::start().await.expect("emulator");
    emu.on("GET", "*").rate_limit(3, Duration::from_secs(1));
    let client = client(&emu);
    for _ in 0..5 {
        client.authorization().list_environment_roles().await.expect("retried until let in");
    }
    let refused = emu.requests().iter().filter(|r| r.status == Some(429)).count();
    assert!(refused >= 1, "the burst hit the limit");
    assert_eq!(emu.count("GET", "/authorization/roles"), 5 + refused);
}

#[tokio::test]
async fn streams_walk_the_emulator_both_ways() {
    let emu = Emulator::start().await.expect("emulator");
    let client = client(&emu);
    for i in 0..30 {
        client.authorization().create_permission(permission(&format!("p:{i:02}"))).await.expect("create");
    }
    let forward: Vec<String> = client
        .authorization()
        .list_permissions()
        .order("asc")
        .stream_with(PageOptions::new().limit(7))
        .map(|p| p.expect("item").slug)
        .collect()
        .await;
    let expected: Vec<String> = (0..30).map(|i| format!("p:{i:02}")).collect();
    assert_eq!(forward, expected);
    assert_eq!(emu.count("GET", PERMISSIONS), 5, "ceil(30 / 7) pages, no extra fetch");
    let last_id = client.authorization().list_permissions().await.expect("newest").data[0].id.clone();
    let backward: Vec<String> = client
        .authorization()
        .list_permissions()
        .order("asc")
        .stream_with(PageOptions::new().limit(7).backward().starting_at(last_id))
        .map(|p| p.expect("item").slug)
        .collect()
        .await;
    assert_eq!(backward.len(), 29, "everything before the newest");
    assert!(backward.iter().all(|s| expected.contains(s)));
    let err = client.authorization().get_permission("nope").await.expect_err("404");
    assert!(err.is_not_found());
    assert!(err.message().is_some_and(|m| m.contains("nope")));
}
