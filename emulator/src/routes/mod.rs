//! The HTTP surface: the document's routes, served from one table.

mod access;
mod admin;
mod auth;
mod directory;
mod domains;
mod dsync;
mod events;
mod permissions;
mod roles;

use std::sync::Arc;

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, patch, post, put};
use http::StatusCode;
use serde::Serialize;

use crate::server::Shared;

pub(crate) use directory::{create_membership_in, create_organization, create_user_in};
pub(crate) use dsync::seed_directory;
pub(crate) use permissions::create_permission;
pub(crate) use roles::create_environment_role;

/// State handed to every handler.
pub(crate) type Db = axum::extract::State<Arc<Shared>>;

type Route = (&'static str, &'static str, MethodRouter<Arc<Shared>>);

/// Every route the emulator serves: method, the document's path template, handler.
fn table() -> Vec<Route> {
    vec![
        // Environment roles.
        ("GET", "/authorization/roles", get(roles::list_environment)),
        ("POST", "/authorization/roles", post(roles::create_environment)),
        ("GET", "/authorization/roles/{slug}", get(roles::get_environment)),
        ("PATCH", "/authorization/roles/{slug}", patch(roles::update_environment)),
        ("POST", "/authorization/roles/{slug}/permissions", post(roles::add_environment_permission)),
        ("PUT", "/authorization/roles/{slug}/permissions", put(roles::set_environment_permissions)),
        // Organization roles.
        ("GET", "/authorization/organizations/{organizationId}/roles", get(roles::list_organization)),
        ("POST", "/authorization/organizations/{organizationId}/roles", post(roles::create_organization)),
        ("GET", "/authorization/organizations/{organizationId}/roles/{slug}", get(roles::get_organization)),
        (
            "PATCH",
            "/authorization/organizations/{organizationId}/roles/{slug}",
            patch(roles::update_organization),
        ),
        (
            "DELETE",
            "/authorization/organizations/{organizationId}/roles/{slug}",
            delete(roles::delete_organization),
        ),
        (
            "POST",
            "/authorization/organizations/{organizationId}/roles/{slug}/permissions",
            post(roles::add_organization_permission),
        ),
        (
            "PUT",
            "/authorization/organizations/{organizationId}/roles/{slug}/permissions",
            put(roles::set_organization_permissions),
        ),
        (
            "DELETE",
            "/authorization/organizations/{organizationId}/roles/{slug}/permissions/{permissionSlug}",
            delete(roles::remove_organization_permission),
        ),
        // Permissions.
        ("GET", "/authorization/permissions", get(permissions::list)),
        ("POST", "/authorization/permissions", post(permissions::create)),
        ("GET", "/authorization/permissions/{slug}", get(permissions::get)),
        ("PATCH", "/authorization/permissions/{slug}", patch(permissions::update)),
        ("DELETE", "/authorization/permissions/{slug}", delete(permissions::delete)),
        // Organizations.
        ("GET", "/organizations", get(directory::list_organizations)),
        ("POST", "/organizations", post(directory::create_organization_handler)),
        ("GET", "/organizations/{id}", get(directory::get_organization)),
        ("PUT", "/organizations/{id}", put(directory::update_organization)),
        ("DELETE", "/organizations/{id}", delete(directory::delete_organization)),
        // Users.
        ("GET", "/user_management/users", get(directory::list_users)),
        ("POST", "/user_management/users", post(directory::create_user)),
        ("GET", "/user_management/users/{id}", get(directory::get_user)),
        ("DELETE", "/user_management/users/{id}", delete(directory::delete_user)),
        // Organization memberships.
        ("GET", "/user_management/organization_memberships", get(directory::list_memberships)),
        ("POST", "/user_management/organization_memberships", post(directory::create_membership)),
        ("GET", "/user_management/organization_memberships/{id}", get(directory::get_membership)),
        ("DELETE", "/user_management/organization_memberships/{id}", delete(directory::delete_membership)),
        // Role assignments.
        (
            "GET",
            "/authorization/organization_memberships/{organization_membership_id}/role_assignments",
            get(access::list_assignments),
        ),
        (
            "POST",
            "/authorization/organization_memberships/{organization_membership_id}/role_assignments",
            post(access::assign_role),
        ),
        (
            "DELETE",
            "/authorization/organization_memberships/{organization_membership_id}/role_assignments",
            delete(access::remove_role_by_criteria),
        ),
        (
            "DELETE",
            "/authorization/organization_memberships/{organization_membership_id}/role_assignments/{role_assignment_id}",
            delete(access::remove_role_by_id),
        ),
        // Lookups by external id, updates, membership status.
        ("GET", "/organizations/external_id/{external_id}", get(directory::get_organization_by_external_id)),
        ("GET", "/user_management/users/external_id/{external_id}", get(directory::get_user_by_external_id)),
        ("PUT", "/user_management/users/{id}", put(directory::update_user)),
        ("PUT", "/user_management/organization_memberships/{id}", put(directory::update_membership)),
        (
            "PUT",
            "/user_management/organization_memberships/{id}/deactivate",
            put(directory::deactivate_membership),
        ),
        (
            "PUT",
            "/user_management/organization_memberships/{id}/reactivate",
            put(directory::reactivate_membership),
        ),
        // Organization domains.
        ("POST", "/organization_domains", post(domains::create)),
        ("GET", "/organization_domains/{id}", get(domains::get)),
        ("DELETE", "/organization_domains/{id}", delete(domains::delete)),
        ("POST", "/organization_domains/{id}/verify", post(domains::verify)),
        // Directory sync (read side, seeded).
        ("GET", "/directories", get(dsync::list_directories)),
        ("GET", "/directories/{id}", get(dsync::get_directory)),
        ("DELETE", "/directories/{id}", delete(dsync::delete_directory)),
        ("GET", "/directory_users", get(dsync::list_users)),
        ("GET", "/directory_users/{id}", get(dsync::get_user)),
        ("GET", "/directory_groups", get(dsync::list_groups)),
        ("GET", "/directory_groups/{id}", get(dsync::get_group)),
        // Events.
        ("GET", "/events", get(events::list)),
        // AuthKit: keys, the browser redirect, token exchanges.
        ("GET", "/sso/jwks/{clientId}", get(auth::jwks)),
        ("GET", "/user_management/authorize", get(auth::authorize)),
        ("POST", "/user_management/authenticate", post(auth::authenticate)),
        // Resources and the access check.
        ("GET", "/authorization/resources", get(access::list_resources)),
        ("POST", "/authorization/resources", post(access::create_resource)),
        ("GET", "/authorization/resources/{resource_id}", get(access::get_resource)),
        ("PATCH", "/authorization/resources/{resource_id}", patch(access::update_resource)),
        ("DELETE", "/authorization/resources/{resource_id}", delete(access::delete_resource)),
        (
            "POST",
            "/authorization/organization_memberships/{organization_membership_id}/check",
            post(access::check),
        ),
    ]
}

/// The API routes the emulator serves, as (method, path template) pairs spelled as in the
/// document. `GET /health` is not among them: it is the emulator's own readiness probe.
pub fn routes() -> Vec<(&'static str, &'static str)> {
    table().into_iter().map(|(m, p, _)| (m, p)).collect()
}

/// The emulator's own readiness probe.
pub(crate) const HEALTH: &str = "/health";

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let mut router = Router::new()
        .route(HEALTH, get(|| async { "ok" }))
        .route("/_emulator/snapshots", post(admin::snapshot))
        .route("/_emulator/snapshots/{id}/restore", post(admin::restore))
        .route("/_emulator/reset", post(admin::reset));
    for (_, path, handler) in table() {
        router = router.route(path, handler);
    }
    router
        .fallback(not_served)
        .layer(axum::middleware::from_fn_with_state(shared.clone(), crate::server::authenticate))
        .layer(axum::middleware::from_fn_with_state(shared.clone(), crate::server::inject_faults))
        .layer(axum::middleware::from_fn_with_state(shared.clone(), crate::server::record))
        .with_state(shared)
}

async fn not_served(method: http::Method, uri: http::Uri) -> Response {
    crate::error::ApiError {
        status: StatusCode::NOT_FOUND,
        code: Some("route_not_found"),
        message: format!("The emulator does not serve {method} {}.", uri.path()),
        errors: Vec::new(),
        oauth: false,
    }
    .into_response()
}

/// 200 with a JSON body.
pub(crate) fn ok(body: impl Serialize) -> Response {
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// 201 with a JSON body.
pub(crate) fn created(body: impl Serialize) -> Response {
    (StatusCode::CREATED, axum::Json(body)).into_response()
}

/// An empty answer with `status` (204, or the document's empty 200 / 202).
pub(crate) fn empty(status: StatusCode) -> Response {
    status.into_response()
}
