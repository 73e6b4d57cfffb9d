//! Pagination streams against a local server that pages a list the way the document describes:
//! `after=X` gives the items after X, `before=X` the items just before X, and
//! `list_metadata.before`/`after` are null at the start/end of the list.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use futures::StreamExt as _;
use support::{Reply, Seen, Server};
use workos_api::PageOptions;
use workos_api::prelude::*;

fn id(n: usize) -> String {
    format!("perm_{n:04}")
}

fn permission(id: &str) -> serde_json::Value {
    serde_json::json!({
        "object": "permission", "id": id, "slug": id, "name": id, "description": null,
        "resource_type_slug": "organization", "system": false,
        "created_at": "2026-01-15T12:00:00.000Z", "updated_at": "2026-01-15T12:00:00.000Z"
    })
}

fn page(ids: &[String], before: Option<&String>, after: Option<&String>) -> Reply {
    let data: Vec<serde_json::Value> = ids.iter().map(|i| permission(i)).collect();
    let body = serde_json::json!({"object": "list", "data": data, "list_metadata": {"before": before, "after": after}});
    Reply::Json(200, body.to_string())
}

/// Serves `GET /authorization/permissions` over `perm_0001..=perm_{total}`.
fn list_of(total: usize) -> impl Fn(&Seen) -> Option<Reply> + Send + Sync + 'static {
    let all: Vec<String> = (1..=total).map(id).collect();
    move |request| {
        assert!(request.path.starts_with("/authorization/permissions"), "{}", request.path);
        let limit: usize = request.query("limit").and_then(|l| l.parse().ok()).unwrap_or(10);
        let (start, end) = match (request.query("after"), request.query("before")) {
            (Some(after), _) => {
                let start = all.iter().position(|i| *i > after).unwrap_or(all.len());
                (start, (start + limit).min(all.len()))
            }
            (None, Some(before)) => {
                let end = all.iter().position(|i| *i >= before).unwrap_or(all.len());
                (end.saturating_sub(limit), end)
            }
            (None, None) => (0, limit.min(all.len())),
        };
        let items = &all[start..end];
        let before = (start > 0).then(|| items.first()).flatten();
        let after = (end < all.len()).then(|| items.last()).flatten();
        Some(page(items, before, after))
    }
}

fn cursors(seen: &[Seen], name: &str) -> Vec<Option<String>> {
    seen.iter().map(|s| s.query(name)).collect()
}

#[tokio::test]
async fn forward_over_1000_items_seven_at_a_time() {
    let server = Server::serve(list_of(1000)).await;
    let client = server.client();
    let ids: Vec<String> = client
        .authorization()
        .list_permissions()
        .stream_with(PageOptions::new().limit(7))
        .map(|item| item.expect("item").id)
        .collect()
        .await;
    let expected: Vec<String> = (1..=1000).map(id).collect();
    assert_eq!(ids, expected, "every item exactly once, in order");
    let seen = server.seen();
    assert_eq!(seen.len(), 143);
    let after = cursors(&seen, "after");
    assert_eq!(after.iter().collect::<HashSet<_>>().len(), seen.len(), "a page was fetched twice");
    assert!(seen.iter().all(|s| s.query("limit").as_deref() == Some("7")));
}

#[tokio::test]
async fn backward_over_1000_items_seven_at_a_time() {
    let server = Server::serve(list_of(1001)).await;
    let options = PageOptions::new().limit(7).backward().starting_at(id(1001));
    let ids: Vec<String> = server
        .client()
        .authorization()
        .list_permissions()
        .stream_with(options)
        .map(|item| item.expect("item").id)
        .collect()
        .await;
    let expected: Vec<String> = (1..=1000).rev().map(id).collect();
    assert_eq!(ids, expected, "every item exactly once, in reverse order");
    let seen = server.seen();
    assert_eq!(seen.len(), 143);
    assert!(cursors(&seen, "after").iter().all(Option::is_none));
    let before = cursors(&seen, "before");
    assert_eq!(before.iter().collect::<HashSet<_>>().len(), seen.len(), "a page was fetched twice");
}

#[tokio::test]
async fn pages_resume_from_a_cursor_and_end_on_a_null_cursor() {
    let server = Server::serve(list_of(20)).await;
    let options = PageOptions::new().limit(7).starting_at(id(6));
    let pages: Vec<_> =
        server.client().authorization().list_permissions().pages_with(options).collect().await;
    let pages: Vec<_> = pages.into_iter().map(|p| p.expect("page")).collect();
    let sizes: Vec<usize> = pages.iter().map(|p| p.data.len()).collect();
    assert_eq!(sizes, [7, 7]);
    assert_eq!(pages[0].data[0].id, id(7));
    assert_eq!(pages[1].after, None);
}

#[tokio::test]
async fn an_empty_page_ends_the_stream() {
    let first: Vec<String> = (1..=3).map(id).collect();
    let server = Server::start(vec![page(&first, None, first.last()), page(&[], None, Some(&id(99)))]).await;
    let items: Vec<_> =
        server.client().authorization().list_permissions().stream_with(PageOptions::new()).collect().await;
    assert_eq!(items.len(), 3);
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn an_error_is_an_item_and_ends_the_stream() {
    let first: Vec<String> = (1..=3).map(id).collect();
    let server = Server::start(vec![
        page(&first, None, first.last()),
        Reply::Json(404, r#"{"code": "entity_not_found", "message": "gone"}"#.into()),
    ])
    .await;
    let items: Vec<_> =
        server.client().authorization().list_permissions().stream_with(PageOptions::new()).collect().await;
    assert_eq!(items.len(), 4);
    assert!(items[..3].iter().all(Result::is_ok));
    let err = items[3].as_ref().expect_err("the 404");
    assert!(err.is_not_found() && err.code() == Some("entity_not_found"));
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn page_size_is_capped_at_100() {
    let server = Server::serve(list_of(5)).await;
    let _: Vec<_> = server
        .client()
        .authorization()
        .list_permissions()
        .stream_with(PageOptions::new().limit(500))
        .collect()
        .await;
    assert_eq!(server.seen()[0].query("limit").as_deref(), Some("100"));
}

#[tokio::test]
async fn prefetch_requests_the_next_page_before_it_is_asked_for() {
    let server = Server::serve(list_of(21)).await;
    let client = server.client();
    let mut pages =
        client.authorization().list_permissions().pages_with(PageOptions::new().limit(7).prefetch(true));
    let first = pages.next().await.expect("a page").expect("ok");
    assert_eq!(first.data.len(), 7);
    let mut waited = Duration::ZERO;
    while server.seen().len() < 2 && waited < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(10)).await;
        waited += Duration::from_millis(10);
    }
    assert_eq!(server.seen().len(), 2, "the second page was not requested ahead");
    let rest: Vec<_> = pages.collect().await;
    assert_eq!(rest.len(), 2);
    assert_eq!(server.seen().len(), 3, "no page was fetched twice");

    let server = Server::serve(list_of(21)).await;
    let client = server.client();
    let mut pages = client.authorization().list_permissions().pages_with(PageOptions::new().limit(7));
    pages.next().await.expect("a page").expect("ok");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.seen().len(), 1, "without prefetch, pages are fetched on demand");
}

#[test]
fn streams_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client = workos_api::Client::builder().api_key("sk_test_1").build().expect("client");
    assert_send(&client.authorization().list_permissions().stream_with(PageOptions::new()));
    assert_send(&client.groups().list_organization_groups("org_1").pages_with(PageOptions::new()));
}
