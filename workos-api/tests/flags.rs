//! Feature flags evaluated in process (`workos_api::flags`) against the emulator's
//! `GET /sdk/feature-flags`: readiness, the evaluation by environment, organization, user and
//! default, refreshes that pick up changes made through the API, and failures that keep the
//! last good configuration.
#![cfg(feature = "feature_flags")]

use std::time::Duration;

use workos_api::flags::{Context, Evaluation, Reason, RuntimeClient};
use workos_api::{Client, RetryPolicy};
use workos_emulator::{Emulator, Fault, Seed, SeedFeatureFlag, SeedUser};

const ROUTE: &str = "/sdk/feature-flags";

/// A client whose retries wait milliseconds, not the default hundreds.
fn client(emu: &Emulator) -> Client {
    let policy = RetryPolicy { base_delay: Duration::from_millis(5), ..RetryPolicy::default() };
    Client::builder()
        .api_key(emu.api_key())
        .base_url(emu.base_url())
        .retry_policy(policy)
        .build()
        .expect("client")
}

/// Ids of what [`seeded`] made.
struct Ids {
    acme: String,
    globex: String,
    ada: String,
    bob: String,
}

/// An emulator with two organizations, two users and five flags: `everyone` (on by default),
/// `nobody` (off by default), `off` (disabled, though on by default), `acme-beta` (targets Acme),
/// `ada-beta` (targets Ada).
async fn seeded() -> (Emulator, Client, Ids) {
    let emu = Emulator::start().await.expect("emulator");
    let mut everyone = SeedFeatureFlag::new("everyone");
    everyone.default_value = true;
    let mut off = SeedFeatureFlag::new("off");
    off.enabled = Some(false);
    off.default_value = true;
    let mut acme_beta = SeedFeatureFlag::new("acme-beta");
    acme_beta.organizations = vec!["Acme".to_owned()];
    let mut ada_beta = SeedFeatureFlag::new("ada-beta");
    ada_beta.users = vec!["ada@example.com".to_owned()];
    let seed = Seed {
        organizations: vec!["Acme".to_owned(), "Globex".to_owned()],
        users: vec![SeedUser::new("ada@example.com"), SeedUser::new("bob@example.com")],
        feature_flags: vec![everyone, SeedFeatureFlag::new("nobody"), off, acme_beta, ada_beta],
        ..Seed::default()
    };
    emu.seed(&seed).expect("seeded");
    let client = client(&emu);
    let orgs = client.organizations().list_organizations().await.expect("organizations").data;
    let org = |name: &str| orgs.iter().find(|o| o.name == name).expect("seeded organization").id.clone();
    let users = client.user_management().list_users().await.expect("users").data;
    let user = |email: &str| users.iter().find(|u| u.email == email).expect("seeded user").id.clone();
    let ids = Ids {
        acme: org("Acme"),
        globex: org("Globex"),
        ada: user("ada@example.com"),
        bob: user("bob@example.com"),
    };
    (emu, client, ids)
}

fn decided(enabled: bool, reason: Reason) -> Evaluation {
    Evaluation::Decided { enabled, reason }
}

fn rule_matched(evaluation: &Evaluation) -> bool {
    matches!(evaluation, Evaluation::Decided { enabled: true, reason: Reason::RuleMatched { .. } })
}

#[tokio::test]
async fn pending_until_the_first_fetch_then_evaluated_in_process() {
    let (emu, client, ids) = seeded().await;
    emu.on("GET", ROUTE).next(1, Fault::delay(Duration::from_millis(400)));
    let flags = client.feature_flags().runtime_client().start();
    let acme = Context::new().organization_id(&ids.acme);

    // The first fetch is slow: the answer is there at once, and says so.
    assert_eq!(flags.is_enabled("everyone", &acme), Evaluation::Pending);
    assert!(!flags.is_enabled("everyone", &acme).unwrap_or(false));
    assert!(!flags.status().is_ready());
    assert!(flags.all_flags(&acme).is_empty());

    flags.wait_until_ready(Duration::from_secs(10)).await.expect("ready");
    let status = flags.status();
    assert!(status.is_ready() && !status.is_stale(), "{status:?}");
    assert_eq!((status.refreshes, status.flag_count()), (1, 5));
    assert!(status.cache_age().is_some_and(|age| age < Duration::from_secs(10)));
    let request = emu.requests().into_iter().find(|r| r.path == ROUTE).expect("a fetch");
    assert_eq!(request.query.as_deref(), Some("payload_version=2"));

    let nobody = Context::new();
    // By environment: on or off for everyone, whatever the context.
    assert_eq!(flags.is_enabled("everyone", &nobody), decided(true, Reason::Default));
    assert_eq!(flags.is_enabled("nobody", &acme), decided(false, Reason::Default));
    assert_eq!(flags.is_enabled("off", &acme), decided(false, Reason::FlagOff), "off beats its default");
    // By organization target.
    assert!(rule_matched(&flags.is_enabled("acme-beta", &acme)));
    let globex = Context::new().organization_id(&ids.globex);
    assert_eq!(flags.is_enabled("acme-beta", &globex), decided(false, Reason::Default));
    // By user target; an organization target needs the organization in the context.
    let ada = Context::new().user_id(&ids.ada);
    let bob_at_acme = Context::new().user_id(&ids.bob).organization_id(&ids.acme);
    assert!(rule_matched(&flags.is_enabled("ada-beta", &ada)));
    assert_eq!(flags.is_enabled("ada-beta", &bob_at_acme), decided(false, Reason::Default));
    assert!(rule_matched(&flags.is_enabled("acme-beta", &bob_at_acme)));
    assert_eq!(
        flags.is_enabled("acme-beta", &Context::new().user_id(&ids.bob)),
        decided(false, Reason::Default)
    );
    // A slug the environment does not have: the caller's default.
    assert_eq!(flags.is_enabled("missing", &ada), Evaluation::UnknownFlag);
    assert!(flags.is_enabled("missing", &ada).unwrap_or(true));

    let all = flags.all_flags(&ada);
    assert_eq!(
        all.iter().filter(|(_, on)| **on).map(|(slug, _)| slug.as_str()).collect::<Vec<_>>(),
        ["ada-beta", "everyone"]
    );
    assert_eq!(emu.count("GET", ROUTE), 1, "evaluations send nothing");
}

#[tokio::test]
async fn a_refresh_picks_up_changes_made_through_the_api() {
    let (_emu, client, ids) = seeded().await;
    let flags = RuntimeClient::start(&client);
    flags.wait_until_ready(Duration::from_secs(10)).await.expect("ready");
    let ada = Context::new().user_id(&ids.ada).organization_id(&ids.globex);
    let api = client.feature_flags();
    api.disable_feature_flag("everyone").await.expect("disabled");
    api.add_feature_flag_target("acme-beta", &ids.globex).await.expect("targeted");
    api.remove_feature_flag_target("ada-beta", &ids.ada).await.expect("untargeted");

    // Until the next fetch, the answers are the configuration's in memory.
    assert_eq!(flags.is_enabled("everyone", &ada), decided(true, Reason::Default));
    flags.refresh().await.expect("refreshed");
    assert_eq!(flags.is_enabled("everyone", &ada), decided(false, Reason::FlagOff));
    assert!(rule_matched(&flags.is_enabled("acme-beta", &ada)));
    assert_eq!(flags.is_enabled("ada-beta", &ada), decided(false, Reason::Default));
}

#[tokio::test]
async fn the_background_task_refreshes_every_polling_interval() {
    let (emu, client, _ids) = seeded().await;
    let interval = Duration::from_secs(1); // raised to the 5 s minimum, as in the SDKs
    let flags = client.feature_flags().runtime_client().polling_interval(interval).start();
    flags.wait_until_ready(Duration::from_secs(10)).await.expect("ready");
    client.feature_flags().enable_feature_flag("off").await.expect("enabled");
    let started = std::time::Instant::now();
    while flags.is_enabled("off", &Context::new()) != decided(true, Reason::Default) {
        assert!(started.elapsed() < Duration::from_secs(9), "no refresh within 5 s ± 10 %");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(3), "the interval is at least 5 s (less jitter): {waited:?}");
    assert_eq!(emu.count("GET", ROUTE), 2);
    assert_eq!(flags.status().refreshes, 2);
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_last_good_configuration_and_reports_it_stale() {
    let (emu, client, ids) = seeded().await;
    let flags = RuntimeClient::start(&client);
    flags.wait_until_ready(Duration::from_secs(10)).await.expect("ready");
    let acme = Context::new().organization_id(&ids.acme);
    client.feature_flags().disable_feature_flag("acme-beta").await.expect("disabled");

    // The API fails (every retry of the client too): the flags answer from the last good fetch.
    emu.on("GET", ROUTE).always(Fault::status(503));
    let error = flags.refresh().await.expect_err("503");
    assert_eq!(error.api_error().and_then(|e| e.status()).map(|s| s.as_u16()), Some(503), "{error}");
    assert!(rule_matched(&flags.is_enabled("acme-beta", &acme)), "the last good configuration");
    let status = flags.status();
    assert!(status.is_ready() && status.is_stale(), "{status:?}");
    assert_eq!((status.consecutive_failures, status.failed_refreshes, status.refreshes), (1, 1, 2));
    assert!(!status.polling_stopped);

    // It recovers on the next good fetch.
    emu.on("GET", ROUTE).clear();
    flags.refresh().await.expect("refreshed");
    assert_eq!(flags.is_enabled("acme-beta", &acme), decided(false, Reason::FlagOff));
    let status = flags.status();
    assert!(!status.is_stale() && status.last_error.is_none() && status.consecutive_failures == 0);

    // The API goes away altogether: no response at all.
    emu.shutdown(Duration::from_millis(100)).await;
    let error = flags.refresh().await.expect_err("no emulator");
    assert!(error.api_error().is_some_and(|e| e.is_transport()), "{error}");
    assert_eq!(flags.is_enabled("acme-beta", &acme), decided(false, Reason::FlagOff));
    assert!(flags.status().is_stale());
}

#[tokio::test]
async fn unavailable_while_no_fetch_has_succeeded() {
    let (emu, client, ids) = seeded().await;
    emu.on("GET", ROUTE).always(Fault::status(500));
    let flags = RuntimeClient::start(&client);
    // A manual refresh waits for the background one and fails like it.
    flags.refresh().await.expect_err("500");
    let ada = Context::new().user_id(&ids.ada);
    assert_eq!(flags.is_enabled("ada-beta", &ada), Evaluation::Unavailable);
    assert!(flags.is_enabled("ada-beta", &ada).unwrap_or(true), "the caller's default");
    let not_ready = flags.wait_until_ready(Duration::from_millis(50)).await.expect_err("no configuration");
    assert!(not_ready.is_timed_out(), "{not_ready}");
    assert!(not_ready.last_error().is_some_and(|e| !e.is_unauthorized()), "{not_ready}");
    assert!(not_ready.to_string().contains("the last fetch failed"), "{not_ready}");

    emu.on("GET", ROUTE).clear();
    flags.refresh().await.expect("refreshed");
    assert!(rule_matched(&flags.is_enabled("ada-beta", &ada)));
}

#[tokio::test]
async fn a_401_stops_polling_for_good() {
    let (emu, _client, ids) = seeded().await;
    let stranger =
        Client::builder().api_key("sk_test_wrong").base_url(emu.base_url()).build().expect("client");
    let flags = RuntimeClient::start(&stranger);
    let not_ready = flags.wait_until_ready(Duration::from_secs(10)).await.expect_err("refused");
    assert!(not_ready.is_polling_stopped(), "{not_ready}");
    assert!(not_ready.last_error().is_some_and(|e| e.is_unauthorized()));
    let status = flags.status();
    assert!(status.polling_stopped && !status.is_ready());
    assert_eq!(
        flags.is_enabled("everyone", &Context::new().organization_id(&ids.acme)),
        Evaluation::Unavailable
    );
    assert_eq!(emu.count("GET", ROUTE), 1, "a 401 is not retried");
}

#[tokio::test]
async fn a_bootstrap_answers_before_the_first_fetch() {
    let (emu, client, ids) = seeded().await;
    let first = RuntimeClient::start(&client);
    first.wait_until_ready(Duration::from_secs(10)).await.expect("ready");
    let kept = first.configuration().expect("a configuration");
    drop(first);

    emu.on("GET", ROUTE).always(Fault::status(503));
    let flags = client.feature_flags().runtime_client().bootstrap((*kept).clone()).start();
    flags.wait_until_ready(Duration::ZERO).await.expect("ready at once");
    let ada = Context::new().user_id(&ids.ada);
    assert!(rule_matched(&flags.is_enabled("ada-beta", &ada)));
    flags.refresh().await.expect_err("503");
    let status = flags.status();
    assert!(status.is_stale() && status.last_success_at.is_none(), "{status:?}");
    assert!(rule_matched(&flags.is_enabled("ada-beta", &ada)));
}
