//! `cargo bench -p workos-api --bench runtime`: the runtime's figures in BENCHMARKS.md.
//!
//! 1. Per-request overhead: the generated client (hooks, retry bookkeeping, tracing span,
//!    decoding) against a hand-written `reqwest` call decoding the same type, same local server,
//!    alternating blocks of requests.
//! 2. Memory of a stream: peak RSS after streaming 1,000 and then 100,000 items.
//! 3. Prefetch: pages served with 5 ms of latency, consumed with 5 ms of work a page,
//!    sequential against prefetching.
#![allow(clippy::print_stdout, missing_docs, reason = "a benchmark report")]

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use futures::StreamExt as _;
use support::{Reply, Seen, Server};
use workos_api::prelude::*;
use workos_api::{Client, PageOptions, types};

const ROLES: &str = r#"{"object": "list", "data": [{"object": "role", "id": "role_1", "slug": "admin",
    "name": "Admin", "description": null, "type": "EnvironmentRole", "resource_type_slug": "organization",
    "permissions": ["posts:read", "posts:write"], "created_at": "2026-01-15T12:00:00.000Z",
    "updated_at": "2026-01-15T12:00:00.000Z"}]}"#;

fn main() {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    runtime.block_on(async {
        memory().await;
        overhead().await;
        prefetch().await;
    });
}

/// Pages of `perm_N` permissions, generated on demand (the server holds no list).
fn permissions(total: usize, latency: Duration) -> impl Fn(&Seen) -> Option<Reply> + Send + Sync + 'static {
    move |request| {
        let limit: usize = request.query("limit").and_then(|l| l.parse().ok()).unwrap_or(10);
        let start: usize =
            request.query("after").and_then(|a| a.strip_prefix("perm_")?.parse().ok()).unwrap_or(0);
        let end = (start + limit).min(total);
        let data: Vec<serde_json::Value> = (start + 1..=end)
            .map(|n| {
                serde_json::json!({"object": "permission", "id": format!("perm_{n}"), "slug": format!("p{n}"),
                    "name": "Permission", "description": null, "resource_type_slug": "organization",
                    "system": false, "created_at": "2026-01-15T12:00:00.000Z",
                    "updated_at": "2026-01-15T12:00:00.000Z"})
            })
            .collect();
        let after = (end < total).then(|| format!("perm_{end}"));
        let body = serde_json::json!({"object": "list", "data": data,
            "list_metadata": {"before": null, "after": after}})
        .to_string();
        Some(if latency.is_zero() { Reply::Json(200, body) } else { Reply::JsonAfter(latency, body) })
    }
}

fn rss_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or(0)
}

async fn memory() {
    for total in [1_000, 100_000] {
        let server = Server::serve(permissions(total, Duration::ZERO)).await;
        let client = server.client();
        let started = Instant::now();
        let mut count = 0;
        let mut stream = client.authorization().list_permissions().stream_with(PageOptions::new().limit(100));
        while let Some(item) = stream.next().await {
            item.expect("item");
            count += 1;
        }
        assert_eq!(count, total);
        println!(
            "stream {total:>7} items: peak RSS {} KiB, RSS now {} KiB, {:.0} items/s",
            rss_kib("VmHWM:"),
            rss_kib("VmRSS:"),
            total as f64 / started.elapsed().as_secs_f64()
        );
    }
}

async fn overhead() {
    const BLOCK: usize = 500;
    const BLOCKS: usize = 4;
    let server = Server::serve(|_| Some(Reply::Json(200, ROLES.to_owned()))).await;
    let ours = server.client();
    let raw = reqwest::Client::new();
    let url = format!("{}/authorization/roles", server.base_url);
    let raw_call = || async {
        raw.get(&url)
            .bearer_auth("sk_test_bench")
            .send()
            .await
            .expect("send")
            .error_for_status()
            .expect("status")
            .json::<types::RoleList>()
            .await
            .expect("decode")
    };
    for _ in 0..200 {
        ours.authorization().list_environment_roles().await.expect("warm-up");
        raw_call().await;
    }
    let (mut ours_time, mut raw_time) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..BLOCKS {
        let started = Instant::now();
        for _ in 0..BLOCK {
            ours.authorization().list_environment_roles().await.expect("call");
        }
        ours_time += started.elapsed();
        let started = Instant::now();
        for _ in 0..BLOCK {
            raw_call().await;
        }
        raw_time += started.elapsed();
    }
    let n = (BLOCK * BLOCKS) as f64;
    let (ours_rps, raw_rps) = (n / ours_time.as_secs_f64(), n / raw_time.as_secs_f64());
    println!(
        "requests: generated client {ours_rps:.0}/s, hand-written reqwest {raw_rps:.0}/s, ratio {:.3}",
        ours_rps / raw_rps
    );
}

async fn prefetch() {
    const PAGES: usize = 100;
    const LATENCY: Duration = Duration::from_millis(5);
    let mut rates = Vec::new();
    for prefetch in [false, true] {
        let server = Server::serve(permissions(PAGES * 100, LATENCY)).await;
        let client: Client = server.client();
        let started = Instant::now();
        let mut pages = client
            .authorization()
            .list_permissions()
            .pages_with(PageOptions::new().limit(100).prefetch(prefetch));
        let mut items = 0;
        while let Some(page) = pages.next().await {
            items += page.expect("page").data.len();
            tokio::time::sleep(LATENCY).await; // the consumer's work on a page
        }
        let rate = items as f64 / started.elapsed().as_secs_f64();
        println!("pages with 5 ms latency and 5 ms of work a page, prefetch {prefetch}: {rate:.0} items/s");
        rates.push(rate);
    }
    println!("prefetch speed-up: {:.2}x", rates[1] / rates[0]);
}
