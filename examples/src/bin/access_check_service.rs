//! A small axum service that authorizes every request with the WorkOS access-check API.
//!
//! `GET /documents/{id}` needs the `read` permission on that document, `PUT /documents/{id}`
//! the `write` one. The caller names their organization membership in `X-Membership-Id` (in a
//! real service it would come from the session). Answers: 200 when WorkOS says yes, 403 when
//! it says no, 401 without a membership, 502 when the check itself fails.
//!
//! `cargo run -p workos-examples --bin access_check_service` sets up an organization, a role
//! with `read` only, a member and a document, then serves on 127.0.0.1 and makes a few
//! requests to itself. `-- --serve` keeps serving (Ctrl-C stops). Set `WORKOS_API_KEY` to use
//! WorkOS; otherwise it starts the embedded emulator.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use workos_api::Client;
use workos_api::types::{
    AddRolePermissionDto, CheckAuthorizationDtoResourceExternalId, CreateAuthorizationResourceDtoBase,
    CreateOrganizationRoleDto, CreateUserlandUserDtoBase,
    CreateUserlandUserOrganizationMembershipDtoRoleSlug,
};
use workos_examples::{BoxError, connect, organization, permission, run_id, say};

/// The resource type of the documents this service guards.
const DOCUMENT: &str = "document";

#[derive(Debug)]
struct App {
    client: Client,
    read: String,
    write: String,
}

/// Asks WorkOS whether the caller's membership holds `permission` on document `id`.
async fn authorize(
    app: &App,
    headers: &HeaderMap,
    permission: &str,
    id: &str,
) -> Result<(), (StatusCode, String)> {
    let membership = headers
        .get("x-membership-id")
        .and_then(|v| v.to_str().ok())
        .ok_or((StatusCode::UNAUTHORIZED, "send X-Membership-Id".to_owned()))?;
    let check = CheckAuthorizationDtoResourceExternalId::new(permission, id, DOCUMENT);
    match app.client.authorization().check_authorization(membership, check).await {
        Ok(answer) if answer.authorized => Ok(()),
        Ok(_) => Err((StatusCode::FORBIDDEN, format!("{permission} denied on document {id}"))),
        Err(e) if e.is_not_found() => {
            Err((StatusCode::NOT_FOUND, format!("no such document or membership: {id}")))
        }
        Err(e) => Err((
            StatusCode::BAD_GATEWAY,
            format!("access check failed: {}", e.message().unwrap_or("transport error")),
        )),
    }
}

async fn read_document(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<String, (StatusCode, String)> {
    authorize(&app, &headers, &app.read, &id).await?;
    Ok(format!("contents of document {id}"))
}

async fn write_document(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<String, (StatusCode, String)> {
    authorize(&app, &headers, &app.write, &id).await?;
    Ok(format!("document {id} saved"))
}

/// What the demo creates, to clean up afterwards.
struct Setup {
    org: String,
    user: String,
    membership: String,
    document: String,
    permissions: Vec<String>,
}

async fn set_up(client: &Client, run: &str) -> Result<Setup, BoxError> {
    let (read, write) = (format!("documents-{run}:read"), format!("documents-{run}:write"));
    for slug in [&read, &write] {
        client.authorization().create_permission(permission(slug, slug)).await?;
    }
    let org = client.organizations().create_organization(organization(format!("Docs Org {run}"))).await?.id;
    let role = format!("org-reader-{run}");
    let authorization = client.authorization();
    authorization
        .create_organization_role(&org, CreateOrganizationRoleDto::new("Reader").slug(&role))
        .await?;
    authorization.add_organization_role_permission(&org, &role, AddRolePermissionDto::new(&read)).await?;
    let user = client
        .user_management()
        .create_user(CreateUserlandUserDtoBase::new(format!("reader-{run}@example.com")).first_name("Rita"))
        .await?
        .id;
    let membership = client
        .user_management()
        .create_organization_membership(CreateUserlandUserOrganizationMembershipDtoRoleSlug::new(
            &user, &org, role,
        ))
        .await?
        .id;
    let document = format!("doc-{run}");
    authorization
        .create_resource(CreateAuthorizationResourceDtoBase::new(
            &document,
            "Quarterly report",
            DOCUMENT,
            &org,
        ))
        .await?;
    say(&format!(
        "set up: organization {org}, member {membership} with role org-reader-{run} (read only), document {document}"
    ));
    Ok(Setup { org, user, membership, document, permissions: vec![read, write] })
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let serve_forever = std::env::args().any(|a| a == "--serve");
    let connection = connect().await?;
    let run = run_id();
    let setup = set_up(&connection.client, &run).await?;
    let app = Arc::new(App {
        client: connection.client.clone(),
        read: setup.permissions[0].clone(),
        write: setup.permissions[1].clone(),
    });
    let router =
        Router::new().route("/documents/{id}", get(read_document).put(write_document)).with_state(app);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    say(&format!("service listening on {base}"));

    if serve_forever {
        say(&format!(
            "try: curl -H 'X-Membership-Id: {}' {base}/documents/{}   (Ctrl-C stops)",
            setup.membership, setup.document
        ));
        tokio::signal::ctrl_c().await?;
    } else {
        let http = reqwest::Client::new();
        let doc = format!("{base}/documents/{}", setup.document);
        let requests = [
            ("GET", Some(setup.membership.as_str()), 200),
            ("PUT", Some(setup.membership.as_str()), 403),
            ("GET", None, 401),
        ];
        for (method, membership, expected) in requests {
            let mut req = http.request(method.parse()?, &doc);
            if let Some(m) = membership {
                req = req.header("x-membership-id", m);
            }
            let resp = req.send().await?;
            let status = resp.status().as_u16();
            let text = resp.text().await?;
            say(&format!(
                "{method} /documents/{} as {}: {status} {text}",
                setup.document,
                membership.unwrap_or("nobody")
            ));
            if status != expected {
                return Err(format!("expected {expected}, got {status}").into());
            }
        }
    }
    server.abort();

    let client = &connection.client;
    client.organizations().delete_organization(&setup.org).await?;
    client.user_management().delete_user(&setup.user).await?;
    for slug in &setup.permissions {
        client.authorization().delete_permission(slug).await?;
    }
    say("cleaned up: organization (with its role, membership and document), user and permissions deleted");
    Ok(())
}
