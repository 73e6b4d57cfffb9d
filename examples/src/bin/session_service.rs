//! A service that trusts WorkOS sessions and receives WorkOS webhooks.
//!
//! - `GET /reports` needs `Authorization: Bearer <access token>`: the token is verified against
//!   the client's JWKS ([`SessionVerifier`]), and the `reports:read` permission is read from its
//!   claims (no call to WorkOS per request). 401 without or with a bad token, 403 without the
//!   permission.
//! - `POST /webhooks/workos` accepts a delivery only when its `WorkOS-Signature` verifies
//!   ([`webhooks::verify_event`]), and acts on the typed event; `GET /webhooks/seen` lists what
//!   it received.
//!
//! `cargo run -p workos-examples --bin session_service` plays it through against the embedded
//! emulator: it sets up an organization, a role with `reports:read`, two members (one with the
//! role), has the emulator deliver its events to the service, logs both members in through
//! AuthKit (PKCE, code exchange) and calls `/reports` with each token. The login needs the
//! emulator (WorkOS's login page needs a browser); `-- --serve` keeps serving.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use workos_api::sessions::{AuthKit, Pkce, SessionVerifier};
use workos_api::types::{
    AddRolePermissionDto, CreateOrganizationRoleDto, CreateUserlandUserDtoBase,
    CreateUserlandUserOrganizationMembershipDtoRoleSlug,
};
use workos_api::{Client, Event, webhooks};
use workos_examples::{BoxError, connect, organization, permission, run_id, say};

const CLIENT_ID: &str = "client_example";
const WEBHOOK_SECRET: &str = "whsec_example_secret";

#[derive(Debug)]
struct App {
    verifier: SessionVerifier,
    permission: String,
    webhook_secret: String,
    seen: Mutex<Vec<String>>,
}

async fn reports(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<String, (StatusCode, String)> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or((StatusCode::UNAUTHORIZED, "send Authorization: Bearer <access token>".to_owned()))?;
    let claims = app.verifier.verify(token).await.map_err(|e| (StatusCode::UNAUTHORIZED, e.to_string()))?;
    if !claims.has_permission(&app.permission) {
        return Err((StatusCode::FORBIDDEN, format!("{} lacks {}", claims.sub, app.permission)));
    }
    Ok(format!("reports for {} in {}", claims.sub, claims.org_id.unwrap_or_default()))
}

async fn receive_webhook(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, (StatusCode, String)> {
    let signature = headers.get(webhooks::SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let event = webhooks::verify_event(&body, signature, &app.webhook_secret)
        .map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
    let line = match &event {
        Event::OrganizationMembershipCreated { data, .. } => {
            format!("organization_membership.created: {} joined {}", data.user_id, data.organization_id)
        }
        Event::OrganizationCreated { data, .. } => format!("organization.created: {}", data.name),
        other => other.event_name().to_owned(),
    };
    app.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(line);
    Ok(StatusCode::OK)
}

async fn seen(State(app): State<Arc<App>>) -> String {
    app.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner).join("\n")
}

/// Creates the organization, the `reports:read` role and two members; returns their emails.
async fn set_up(client: &Client, run: &str, permission_slug: &str) -> Result<(String, String), BoxError> {
    client.authorization().create_permission(permission(permission_slug, "Read reports")).await?;
    let org =
        client.organizations().create_organization(organization(format!("Reports Org {run}"))).await?.id;
    let role = format!("org-analyst-{run}");
    let authorization = client.authorization();
    authorization
        .create_organization_role(&org, CreateOrganizationRoleDto::new("Analyst").slug(&role))
        .await?;
    authorization
        .add_organization_role_permission(&org, &role, AddRolePermissionDto::new(permission_slug))
        .await?;
    let mut emails = Vec::new();
    for (name, role) in [("ana", role.as_str()), ("bob", "member")] {
        let email = format!("{name}-{run}@example.com");
        let user = client.user_management().create_user(CreateUserlandUserDtoBase::new(&email)).await?.id;
        client
            .user_management()
            .create_organization_membership(CreateUserlandUserOrganizationMembershipDtoRoleSlug::new(
                &user, &org, role,
            ))
            .await?;
        emails.push(email);
    }
    say(&format!(
        "set up: organization {org}; {} has {role} (reports:read), {} is a plain member",
        emails[0], emails[1]
    ));
    Ok((emails.remove(0), emails.remove(0)))
}

/// Logs `email` in through AuthKit, as a browser would against the emulator.
async fn log_in(authkit: &AuthKit, email: &str) -> Result<String, BoxError> {
    let pkce = Pkce::new()?;
    let url = authkit
        .authorization_url("http://127.0.0.1/callback")
        .state("demo")
        .pkce(&pkce)
        .login_hint(email)
        .build()?;
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let redirect = browser.get(url.url).send().await?;
    let location = redirect.headers().get("location").and_then(|v| v.to_str().ok()).ok_or("no redirect")?;
    let location = reqwest::Url::parse(location)?;
    let code =
        location.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned()).ok_or("no code")?;
    Ok(authkit.authenticate_with_code(&code, Some(&pkce)).await?.access_token)
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let serve_forever = std::env::args().any(|a| a == "--serve");
    let connection = connect().await?;
    let client = connection.client.clone();
    let run = run_id();
    let permission_slug = format!("reports-{run}:read");
    let app = Arc::new(App {
        verifier: SessionVerifier::new(client.clone(), CLIENT_ID),
        permission: permission_slug.clone(),
        webhook_secret: WEBHOOK_SECRET.to_owned(),
        seen: Mutex::default(),
    });
    let router = Router::new()
        .route("/reports", get(reports))
        .route("/webhooks/workos", post(receive_webhook))
        .route("/webhooks/seen", get(seen))
        .with_state(app.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    say(&format!("service listening on {base}"));
    let Some(emulator) = &connection.emulator else {
        say(
            "with WorkOS itself, point a webhook endpoint at /webhooks/workos and send access tokens to /reports",
        );
        tokio::signal::ctrl_c().await?;
        return Ok(());
    };
    emulator.deliver_webhooks(format!("{base}/webhooks/workos"), WEBHOOK_SECRET);
    let (analyst, member) = set_up(&client, &run, &permission_slug).await?;

    let authkit = AuthKit::new(client.clone(), CLIENT_ID);
    let http = reqwest::Client::new();
    for (who, email, expected) in [("analyst", &analyst, 200), ("member", &member, 403)] {
        let token = log_in(&authkit, email).await?;
        let resp = http.get(format!("{base}/reports")).bearer_auth(&token).send().await?;
        let status = resp.status().as_u16();
        say(&format!("GET /reports as the {who}: {status} {}", resp.text().await?));
        if status != expected {
            return Err(format!("expected {expected}, got {status}").into());
        }
    }
    let forged = http.get(format!("{base}/reports")).bearer_auth("not-a-token").send().await?;
    say(&format!("GET /reports with a forged token: {}", forged.status().as_u16()));
    let unsigned = http.post(format!("{base}/webhooks/workos")).body("{}").send().await?;
    say(&format!("POST /webhooks/workos without a signature: {}", unsigned.status().as_u16()));

    // The deliveries run beside the calls: wait until the membership events are in.
    for _ in 0..100 {
        if app
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .filter(|l| l.contains("joined"))
            .count()
            >= 2
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    say(&format!(
        "webhooks received and verified:\n{}",
        http.get(format!("{base}/webhooks/seen")).send().await?.text().await?
    ));
    if serve_forever {
        tokio::signal::ctrl_c().await?;
    }
    server.abort();
    Ok(())
}
