//! The emulator's figures for BENCHMARKS.md (`cargo bench -p workos-emulator --bench emulator`):
//!
//! 1. throughput: 8 keep-alive clients on `GET /authorization/roles` for 3 s, requests/s;
//! 2. a list page at 100,000 objects: `GET /authorization/permissions?limit=10` (first page,
//!    and a page after a cursor in the middle), median of 200 requests, client-measured;
//! 3. memory: process RSS after 2,000 requests with 1 MiB bodies (the request log is bounded
//!    in bytes, so this stays flat);
//! 4. a filtered list at 100,000 memberships: `GET /user_management/organization_memberships`
//!    with `organization_id` (all 100,000 match) and with `user_id` (one matches), median of
//!    200 requests.
//!
//! Client and emulator share the process (and the 2 cores); the figures are for comparison
//! between versions on one machine.
#![allow(clippy::print_stdout, missing_docs, reason = "a benchmark report")]

use std::time::{Duration, Instant};

use workos_emulator::{Emulator, Seed, SeedPermission, SeedUser};

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

async fn throughput(emu: &Emulator) -> f64 {
    let url = format!("{}/authorization/roles", emu.base_url());
    let deadline = Instant::now() + Duration::from_secs(3);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (url, key) = (url.clone(), emu.api_key().to_owned());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut n = 0u64;
            while Instant::now() < deadline {
                let resp = http.get(&url).bearer_auth(&key).send().await.expect("answer");
                assert!(resp.status().is_success());
                let _ = resp.bytes().await.expect("body");
                n += 1;
            }
            n
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.expect("join");
    }
    total as f64 / start.elapsed().as_secs_f64()
}

/// A GET to the emulator, timed from the client: the time and the JSON answer.
async fn timed_get(http: &reqwest::Client, emu: &Emulator, path: String) -> (Duration, serde_json::Value) {
    let t = Instant::now();
    let resp = http
        .get(format!("{}{path}", emu.base_url()))
        .bearer_auth(emu.api_key())
        .send()
        .await
        .expect("answer");
    assert!(resp.status().is_success(), "{}", resp.status());
    let body: serde_json::Value = resp.json().await.expect("json");
    (t.elapsed(), body)
}

async fn list_latency(objects: usize) -> (Duration, Duration, Duration) {
    let seed = Seed {
        permissions: (0..objects)
            .map(|i| SeedPermission { slug: format!("p:{i:06}"), name: format!("Permission {i}") })
            .collect(),
        ..Seed::default()
    };
    let started = Instant::now();
    let emu = Emulator::builder().seed(seed).start().await.expect("start");
    let seeding = started.elapsed();
    let http = reqwest::Client::new();
    let get = |path: String| timed_get(&http, &emu, path);
    let (_, first) = get("/authorization/permissions?limit=100".to_owned()).await;
    let middle = first["data"][50]["id"].as_str().expect("an id").to_owned();
    let mut firsts = Vec::new();
    let mut afters = Vec::new();
    for _ in 0..200 {
        firsts.push(get("/authorization/permissions?limit=10".to_owned()).await.0);
        afters.push(get(format!("/authorization/permissions?limit=10&after={middle}")).await.0);
    }
    (seeding, median(firsts), median(afters))
}

async fn filtered_list_latency(members: usize) -> (Duration, Duration, Duration) {
    let seed = Seed {
        organizations: vec!["Big".to_owned()],
        users: (0..members)
            .map(|i| SeedUser::new(format!("u{i}@big.test")).member_of("Big", "member"))
            .collect(),
        ..Seed::workos_default()
    };
    let started = Instant::now();
    let emu = Emulator::builder().seed(seed).start().await.expect("start");
    let seeding = started.elapsed();
    let http = reqwest::Client::new();
    let get = |path: String| timed_get(&http, &emu, path);
    let (_, orgs) = get("/organizations".to_owned()).await;
    let org = orgs["data"][0]["id"].as_str().expect("the organization").to_owned();
    let (_, users) = get("/user_management/users?limit=1".to_owned()).await;
    let user = users["data"][0]["id"].as_str().expect("a user").to_owned();
    let mut by_org = Vec::new();
    let mut by_user = Vec::new();
    for _ in 0..200 {
        let (t, page) =
            get(format!("/user_management/organization_memberships?organization_id={org}&limit=10")).await;
        assert_eq!(page["data"].as_array().map(Vec::len), Some(10));
        by_org.push(t);
        let (t, page) = get(format!("/user_management/organization_memberships?user_id={user}")).await;
        assert_eq!(page["data"].as_array().map(Vec::len), Some(1));
        by_user.push(t);
    }
    (seeding, median(by_org), median(by_user))
}

async fn memory_after_large_bodies(emu: &Emulator) -> (u64, u64) {
    let before = rss_kib();
    let http = reqwest::Client::new();
    let url = format!("{}/authorization/permissions", emu.base_url());
    // Just under the 1 MiB body limit: a JSON object with one long string.
    let body =
        format!(r#"{{"slug": "big", "name": "Big", "description": "{}"}}"#, "x".repeat((1 << 20) - 100));
    for _ in 0..2_000 {
        let resp = http
            .post(&url)
            .bearer_auth(emu.api_key())
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .expect("answer");
        let _ = resp.bytes().await;
    }
    (before, rss_kib())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let emu = Emulator::start().await.expect("start");
    let rps = throughput(&emu).await;
    println!("throughput: {rps:.0} requests/s (GET /authorization/roles, 8 keep-alive clients, 3 s)");
    let (before, after) = memory_after_large_bodies(&emu).await;
    println!(
        "RSS: {} MiB before, {} MiB after 2,000 requests with 1 MiB bodies (request log kept: {} KiB)",
        before / 1024,
        after / 1024,
        emu.request_log_bytes() / 1024
    );
    drop(emu);
    let (seeding, first, after) = list_latency(100_000).await;
    println!(
        "list page at 100,000 permissions: first page {:.3} ms, page after a cursor {:.3} ms (median of 200; seeding took {:.1} s)",
        first.as_secs_f64() * 1e3,
        after.as_secs_f64() * 1e3,
        seeding.as_secs_f64()
    );
    let (seeding, by_org, by_user) = filtered_list_latency(100_000).await;
    println!(
        "filtered list at 100,000 memberships: by organization (all match) {:.3} ms, by user (one matches) {:.3} ms (median of 200; seeding took {:.1} s)",
        by_org.as_secs_f64() * 1e3,
        by_user.as_secs_f64() * 1e3,
        seeding.as_secs_f64()
    );
}
