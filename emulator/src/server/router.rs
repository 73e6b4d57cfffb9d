//! The router: every route the emulator serves, from one table, and the emulator's own routes,
//! wrapped in the middleware.

use std::sync::Arc;

use axum::Router;

use axum::routing::{MethodRouter, delete, get, patch, post, put};

use super::shared::Shared;
use super::{control, generic};
use crate::routes::{
    admin_portal, agents, api_keys, audit_logs, authorization, connect, directory_sync, events,
    feature_flags, groups, mfa, organization_domains, organizations, pipes, platform_teams, radar, sso,
    user_management, vault, webhooks, widgets,
};

type Route = (&'static str, &'static str, MethodRouter<Arc<Shared>>);

/// Every route the emulator serves: method, the document's path template, handler.
// Kept whole: a table: one row a route, in the document's order of areas; split, a reader
// would look in several places for the route a path takes.
fn table() -> Vec<Route> {
    vec![
        // Environment roles.
        ("GET", "/authorization/roles", get(authorization::roles::list_environment)),
        ("POST", "/authorization/roles", post(authorization::roles::create_environment)),
        ("GET", "/authorization/roles/{slug}", get(authorization::roles::get_environment)),
        ("PATCH", "/authorization/roles/{slug}", patch(authorization::roles::update_environment)),
        (
            "POST",
            "/authorization/roles/{slug}/permissions",
            post(authorization::roles::add_environment_permission),
        ),
        (
            "PUT",
            "/authorization/roles/{slug}/permissions",
            put(authorization::roles::set_environment_permissions),
        ),
        // Organization roles.
        (
            "GET",
            "/authorization/organizations/{organizationId}/roles",
            get(authorization::roles::list_organization),
        ),
        (
            "POST",
            "/authorization/organizations/{organizationId}/roles",
            post(authorization::roles::create_organization),
        ),
        (
            "GET",
            "/authorization/organizations/{organizationId}/roles/{slug}",
            get(authorization::roles::get_organization),
        ),
        (
            "PATCH",
            "/authorization/organizations/{organizationId}/roles/{slug}",
            patch(authorization::roles::update_organization),
        ),
        (
            "DELETE",
            "/authorization/organizations/{organizationId}/roles/{slug}",
            delete(authorization::roles::delete_organization),
        ),
        (
            "POST",
            "/authorization/organizations/{organizationId}/roles/{slug}/permissions",
            post(authorization::roles::add_organization_permission),
        ),
        (
            "PUT",
            "/authorization/organizations/{organizationId}/roles/{slug}/permissions",
            put(authorization::roles::set_organization_permissions),
        ),
        (
            "DELETE",
            "/authorization/organizations/{organizationId}/roles/{slug}/permissions/{permissionSlug}",
            delete(authorization::roles::remove_organization_permission),
        ),
        // Permissions.
        ("GET", "/authorization/permissions", get(authorization::permissions::list)),
        ("POST", "/authorization/permissions", post(authorization::permissions::create)),
        ("GET", "/authorization/permissions/{slug}", get(authorization::permissions::get)),
        ("PATCH", "/authorization/permissions/{slug}", patch(authorization::permissions::update)),
        ("DELETE", "/authorization/permissions/{slug}", delete(authorization::permissions::delete)),
        // Organizations.
        ("GET", "/organizations", get(organizations::list)),
        ("POST", "/organizations", post(organizations::create)),
        ("GET", "/organizations/{id}", get(organizations::get)),
        ("PUT", "/organizations/{id}", put(organizations::update)),
        ("DELETE", "/organizations/{id}", delete(organizations::delete)),
        // An organization's IT contacts and their Admin Portal invitation.
        ("GET", "/organizations/{organization_id}/it_contacts", get(organizations::list_it_contacts)),
        ("POST", "/organizations/{organization_id}/it_contacts", post(organizations::create_it_contact)),
        (
            "DELETE",
            "/organizations/{organization_id}/it_contacts/{contact_id}",
            delete(organizations::delete_it_contact),
        ),
        (
            "POST",
            "/organizations/{organization_id}/it_contacts/{contact_id}/invite",
            post(organizations::invite_it_contact),
        ),
        (
            "POST",
            "/organizations/{organization_id}/it_contacts/{contact_id}/revoke",
            post(organizations::revoke_it_contact),
        ),
        // Users.
        ("GET", "/user_management/users", get(user_management::users::list)),
        ("POST", "/user_management/users", post(user_management::users::create)),
        ("GET", "/user_management/users/{id}", get(user_management::users::get)),
        ("DELETE", "/user_management/users/{id}", delete(user_management::users::delete)),
        // Organization memberships.
        ("GET", "/user_management/organization_memberships", get(user_management::memberships::list)),
        ("POST", "/user_management/organization_memberships", post(user_management::memberships::create)),
        ("GET", "/user_management/organization_memberships/{id}", get(user_management::memberships::get)),
        (
            "DELETE",
            "/user_management/organization_memberships/{id}",
            delete(user_management::memberships::delete),
        ),
        // Role assignments.
        (
            "GET",
            "/authorization/organization_memberships/{organization_membership_id}/role_assignments",
            get(authorization::access::list_assignments),
        ),
        (
            "POST",
            "/authorization/organization_memberships/{organization_membership_id}/role_assignments",
            post(authorization::access::assign_role),
        ),
        (
            "DELETE",
            "/authorization/organization_memberships/{organization_membership_id}/role_assignments",
            delete(authorization::access::remove_role_by_criteria),
        ),
        (
            "DELETE",
            "/authorization/organization_memberships/{organization_membership_id}/role_assignments/{role_assignment_id}",
            delete(authorization::access::remove_role_by_id),
        ),
        // Lookups by external id, updates, membership status.
        ("GET", "/organizations/external_id/{external_id}", get(organizations::get_by_external_id)),
        (
            "GET",
            "/user_management/users/external_id/{external_id}",
            get(user_management::users::get_by_external_id),
        ),
        ("PUT", "/user_management/users/{id}", put(user_management::users::update)),
        ("PUT", "/user_management/organization_memberships/{id}", put(user_management::memberships::update)),
        (
            "PUT",
            "/user_management/organization_memberships/{id}/deactivate",
            put(user_management::memberships::deactivate),
        ),
        (
            "PUT",
            "/user_management/organization_memberships/{id}/reactivate",
            put(user_management::memberships::reactivate),
        ),
        // Group role assignments, and the role assignments on a resource.
        ("GET", "/authorization/groups/{group_id}/role_assignments", get(authorization::group_roles::list)),
        (
            "POST",
            "/authorization/groups/{group_id}/role_assignments",
            post(authorization::group_roles::create),
        ),
        (
            "PUT",
            "/authorization/groups/{group_id}/role_assignments",
            put(authorization::group_roles::replace),
        ),
        (
            "PATCH",
            "/authorization/groups/{group_id}/role_assignments",
            patch(authorization::group_roles::patch),
        ),
        (
            "DELETE",
            "/authorization/groups/{group_id}/role_assignments",
            delete(authorization::group_roles::delete_by_criteria),
        ),
        (
            "GET",
            "/authorization/groups/{group_id}/role_assignments/{role_assignment_id}",
            get(authorization::group_roles::get),
        ),
        (
            "DELETE",
            "/authorization/groups/{group_id}/role_assignments/{role_assignment_id}",
            delete(authorization::group_roles::delete),
        ),
        (
            "GET",
            "/authorization/resources/{resource_id}/role_assignments",
            get(authorization::group_roles::list_for_resource),
        ),
        (
            "GET",
            "/authorization/organizations/{organization_id}/resources/{resource_type_slug}/{external_id}/role_assignments",
            get(authorization::group_roles::list_for_resource_by_external),
        ),
        // Pipes: connected accounts and their provider access tokens.
        (
            "POST",
            "/user_management/users/{user_id}/connected_accounts/{slug}",
            post(pipes::connected_accounts::install),
        ),
        (
            "PUT",
            "/user_management/users/{user_id}/connected_accounts/{slug}",
            put(pipes::connected_accounts::update),
        ),
        (
            "GET",
            "/user_management/users/{user_id}/connected_accounts/{slug}",
            get(pipes::connected_accounts::get),
        ),
        (
            "DELETE",
            "/user_management/users/{user_id}/connected_accounts/{slug}",
            delete(pipes::connected_accounts::uninstall),
        ),
        ("POST", "/data-integrations/{slug}/token", post(pipes::connected_accounts::token)),
        // Pipes: an organization's connected accounts.
        (
            "GET",
            "/organizations/{organization_id}/connected_accounts/{slug}",
            get(pipes::connected_accounts::get_for_organization),
        ),
        (
            "POST",
            "/organizations/{organization_id}/connected_accounts/{slug}",
            post(pipes::connected_accounts::install_for_organization),
        ),
        (
            "PUT",
            "/organizations/{organization_id}/connected_accounts/{slug}",
            put(pipes::connected_accounts::update_for_organization),
        ),
        (
            "DELETE",
            "/organizations/{organization_id}/connected_accounts/{slug}",
            delete(pipes::connected_accounts::uninstall_for_organization),
        ),
        // Vault: objects and data keys.
        ("POST", "/vault/v1/keys/data-key", post(vault::create_data_key)),
        ("POST", "/vault/v1/keys/decrypt", post(vault::decrypt)),
        ("POST", "/vault/v1/keys/rekey", post(vault::rekey)),
        ("GET", "/vault/v1/kv", get(vault::list_objects)),
        ("POST", "/vault/v1/kv", post(vault::create_object)),
        ("GET", "/vault/v1/kv/name/{name}", get(vault::get_object_by_name)),
        ("GET", "/vault/v1/kv/{id}", get(vault::get_object)),
        ("PUT", "/vault/v1/kv/{id}", put(vault::update_object)),
        ("DELETE", "/vault/v1/kv/{id}", delete(vault::delete_object)),
        ("GET", "/vault/v1/kv/{id}/metadata", get(vault::get_metadata)),
        ("GET", "/vault/v1/kv/{id}/versions", get(vault::list_versions)),
        // Organization domains.
        ("POST", "/organization_domains", post(organization_domains::create)),
        ("GET", "/organization_domains/{id}", get(organization_domains::get)),
        ("DELETE", "/organization_domains/{id}", delete(organization_domains::delete)),
        ("POST", "/organization_domains/{id}/verify", post(organization_domains::verify)),
        // Directory sync (read side, seeded).
        ("GET", "/directories", get(directory_sync::list_directories)),
        ("GET", "/directories/{id}", get(directory_sync::get_directory)),
        ("DELETE", "/directories/{id}", delete(directory_sync::delete_directory)),
        ("POST", "/directories/{id}/sync", post(directory_sync::sync_directory)),
        ("GET", "/directory_users", get(directory_sync::list_users)),
        ("GET", "/directory_users/{id}", get(directory_sync::get_user)),
        ("GET", "/directory_groups", get(directory_sync::list_groups)),
        ("GET", "/directory_groups/{id}", get(directory_sync::get_group)),
        // Groups.
        ("GET", "/organizations/{organizationId}/groups", get(groups::list)),
        ("POST", "/organizations/{organizationId}/groups", post(groups::create)),
        ("GET", "/organizations/{organizationId}/groups/{groupId}", get(groups::get)),
        ("PATCH", "/organizations/{organizationId}/groups/{groupId}", patch(groups::update)),
        ("DELETE", "/organizations/{organizationId}/groups/{groupId}", delete(groups::delete)),
        (
            "GET",
            "/organizations/{organizationId}/groups/{groupId}/organization-memberships",
            get(groups::list_members),
        ),
        (
            "POST",
            "/organizations/{organizationId}/groups/{groupId}/organization-memberships",
            post(groups::add_member),
        ),
        (
            "PATCH",
            "/organizations/{organizationId}/groups/{groupId}/organization-memberships",
            patch(groups::patch_members),
        ),
        (
            "DELETE",
            "/organizations/{organizationId}/groups/{groupId}/organization-memberships/{omId}",
            delete(groups::remove_member),
        ),
        ("GET", "/user_management/organization_memberships/{omId}/groups", get(groups::list_for_membership)),
        // Feature flags and their targets.
        ("GET", "/feature-flags", get(feature_flags::list)),
        ("GET", "/feature-flags/{slug}", get(feature_flags::get)),
        ("PUT", "/feature-flags/{slug}/enable", put(feature_flags::enable)),
        ("PUT", "/feature-flags/{slug}/disable", put(feature_flags::disable)),
        ("POST", "/feature-flags/{slug}/targets/{resourceId}", post(feature_flags::add_target)),
        ("DELETE", "/feature-flags/{slug}/targets/{resourceId}", delete(feature_flags::remove_target)),
        ("GET", "/organizations/{organizationId}/feature-flags", get(feature_flags::list_for_organization)),
        ("GET", "/user_management/users/{userId}/feature-flags", get(feature_flags::list_for_user)),
        ("GET", "/sdk/feature-flags", get(feature_flags::runtime_configuration)),
        // Audit logs, and each organization's audit log configuration and retention.
        ("GET", "/audit_logs/actions", get(audit_logs::list_actions)),
        ("GET", "/audit_logs/actions/{actionName}/schemas", get(audit_logs::list_schemas)),
        ("POST", "/audit_logs/actions/{actionName}/schemas", post(audit_logs::create_schema)),
        ("POST", "/audit_logs/events", post(audit_logs::create_event)),
        ("POST", "/audit_logs/exports", post(audit_logs::create_export)),
        ("GET", "/audit_logs/exports/{auditLogExportId}", get(audit_logs::get_export)),
        ("GET", "/organizations/{id}/audit_log_configuration", get(audit_logs::get_configuration)),
        ("GET", "/organizations/{id}/audit_logs_retention", get(audit_logs::get_retention)),
        ("PUT", "/organizations/{id}/audit_logs_retention", put(audit_logs::set_retention)),
        // Invitations.
        ("GET", "/user_management/invitations", get(user_management::invitations::list)),
        ("POST", "/user_management/invitations", post(user_management::invitations::create)),
        ("GET", "/user_management/invitations/{id}", get(user_management::invitations::get)),
        (
            "GET",
            "/user_management/invitations/by_token/{token}",
            get(user_management::invitations::get_by_token),
        ),
        ("POST", "/user_management/invitations/{id}/accept", post(user_management::invitations::accept)),
        ("POST", "/user_management/invitations/{id}/revoke", post(user_management::invitations::revoke)),
        ("POST", "/user_management/invitations/{id}/resend", post(user_management::invitations::resend)),
        // Waitlists (seeded) and their entries.
        ("GET", "/user_management/waitlists", get(user_management::waitlists::list)),
        ("GET", "/user_management/waitlists/{id}", get(user_management::waitlists::get)),
        ("GET", "/user_management/waitlists/{id}/entries", get(user_management::waitlists::list_entries)),
        ("POST", "/user_management/waitlists/{id}/entries", post(user_management::waitlists::create_entry)),
        ("POST", "/user_management/waitlist_entries/{id}/approve", post(user_management::waitlists::approve)),
        ("POST", "/user_management/waitlist_entries/{id}/deny", post(user_management::waitlists::deny)),
        (
            "DELETE",
            "/user_management/waitlist_entries/{id}",
            delete(user_management::waitlists::delete_entry),
        ),
        // AuthKit OAuth resources.
        ("GET", "/user_management/authkit_oauth_resources", get(user_management::oauth_resources::list)),
        ("POST", "/user_management/authkit_oauth_resources", post(user_management::oauth_resources::create)),
        (
            "DELETE",
            "/user_management/authkit_oauth_resources/{id}",
            delete(user_management::oauth_resources::delete),
        ),
        // Platform teams.
        ("POST", "/platform/teams", post(platform_teams::create)),
        ("GET", "/platform/teams/{team_id}", get(platform_teams::get)),
        // Passwordless (Magic Link) sessions.
        ("POST", "/passwordless/sessions", post(sso::create_passwordless_session)),
        ("POST", "/passwordless/sessions/{session_id}/send", post(sso::send_passwordless_session)),
        // Magic auth, email verification and change, password reset.
        ("POST", "/user_management/magic_auth", post(user_management::flows::create_magic_auth)),
        ("GET", "/user_management/magic_auth/{id}", get(user_management::flows::get_magic_auth)),
        (
            "POST",
            "/user_management/users/{id}/email_verification/send",
            post(user_management::flows::send_verification),
        ),
        (
            "POST",
            "/user_management/users/{id}/email_verification/confirm",
            post(user_management::flows::confirm_verification),
        ),
        ("GET", "/user_management/email_verification/{id}", get(user_management::flows::get_verification)),
        (
            "POST",
            "/user_management/users/{id}/email_change/send",
            post(user_management::flows::send_email_change),
        ),
        (
            "POST",
            "/user_management/users/{id}/email_change/confirm",
            post(user_management::flows::confirm_email_change),
        ),
        ("POST", "/user_management/password_reset", post(user_management::flows::create_password_reset)),
        ("GET", "/user_management/password_reset/{id}", get(user_management::flows::get_password_reset)),
        (
            "POST",
            "/user_management/password_reset/confirm",
            post(user_management::flows::confirm_password_reset),
        ),
        // Sign-in identities and sessions.
        (
            "GET",
            "/user_management/users/{id}/identities",
            get(user_management::authenticate::list_identities),
        ),
        ("GET", "/user_management/users/{id}/sessions", get(user_management::authenticate::list_sessions)),
        ("POST", "/user_management/sessions/revoke", post(user_management::authenticate::revoke_session)),
        ("GET", "/user_management/sessions/logout", get(user_management::authenticate::logout)),
        // AuthKit settings.
        ("GET", "/user_management/jwt_template", get(user_management::authkit_settings::get_jwt_template)),
        ("PUT", "/user_management/jwt_template", put(user_management::authkit_settings::set_jwt_template)),
        (
            "POST",
            "/user_management/redirect_uris",
            post(user_management::authkit_settings::create_redirect_uri),
        ),
        ("GET", "/user_management/redirect_uris", get(user_management::authkit_settings::list_redirect_uris)),
        (
            "DELETE",
            "/user_management/redirect_uris/{id}",
            delete(user_management::authkit_settings::delete_redirect_uri),
        ),
        (
            "POST",
            "/user_management/cors_origins",
            post(user_management::authkit_settings::create_cors_origin),
        ),
        ("GET", "/user_management/cors_origins", get(user_management::authkit_settings::list_cors_origins)),
        // Webhook endpoints.
        ("GET", "/webhook_endpoints", get(webhooks::list)),
        ("POST", "/webhook_endpoints", post(webhooks::create)),
        ("PATCH", "/webhook_endpoints/{id}", patch(webhooks::update)),
        ("DELETE", "/webhook_endpoints/{id}", delete(webhooks::delete)),
        // API keys.
        ("GET", "/organizations/{organizationId}/api_keys", get(api_keys::list_for_organization)),
        ("POST", "/organizations/{organizationId}/api_keys", post(api_keys::create_for_organization)),
        ("GET", "/user_management/users/{userId}/api_keys", get(api_keys::list_for_user)),
        ("POST", "/user_management/users/{userId}/api_keys", post(api_keys::create_for_user)),
        ("DELETE", "/api_keys/{id}", delete(api_keys::delete)),
        ("POST", "/api_keys/{id}/expire", post(api_keys::expire)),
        ("POST", "/api_keys/validations", post(api_keys::validate)),
        // Events.
        ("GET", "/events", get(events::list)),
        // AuthKit: keys, the browser redirect, token exchanges.
        ("GET", "/sso/jwks/{clientId}", get(user_management::authenticate::jwks)),
        // Agents.
        ("GET", "/agents/registrations/{id}", get(agents::get)),
        ("POST", "/agents/registrations/{id}/revoke", post(agents::revoke)),
        ("POST", "/agents/credentials/validate", post(agents::validate)),
        ("PATCH", "/agents/claims/attempts", patch(agents::link)),
        ("GET", "/agents/blueprints", get(agents::list_blueprints)),
        ("POST", "/agents/blueprints", post(agents::create_blueprint)),
        ("GET", "/agents/blueprints/{agent_blueprint_id}", get(agents::get_blueprint)),
        ("PATCH", "/agents/blueprints/{agent_blueprint_id}", patch(agents::update_blueprint)),
        ("DELETE", "/agents/blueprints/{agent_blueprint_id}", delete(agents::delete_blueprint)),
        ("POST", "/agents/blueprints/{agent_blueprint_id}/tokens", post(agents::mint_token)),
        ("POST", "/agents/blueprints/{agent_blueprint_id}/tokens/validate", post(agents::validate_token)),
        ("GET", "/agents/instances", get(agents::list_instances)),
        ("GET", "/agents/instances/{agent_instance_id}", get(agents::get_instance)),
        ("DELETE", "/agents/instances/{agent_instance_id}", delete(agents::delete_instance)),
        ("GET", "/agents/sessions", get(agents::list_sessions)),
        ("GET", "/agents/sessions/{agent_instance_session_id}", get(agents::get_session)),
        ("POST", "/agents/sessions/{agent_instance_session_id}/revoke", post(agents::revoke_session)),
        // Pipes: data integrations, credentials, organizations' configurations, providers.
        ("POST", "/data-integrations", post(pipes::integrations::create)),
        ("GET", "/data-integrations", get(pipes::integrations::list)),
        ("GET", "/data-integrations/{slug}", get(pipes::integrations::get)),
        ("PUT", "/data-integrations/{slug}", put(pipes::integrations::update)),
        ("DELETE", "/data-integrations/{slug}", delete(pipes::integrations::delete)),
        ("PUT", "/data-integrations/{slug}/api-key", put(pipes::integrations::upsert_api_key)),
        (
            "PUT",
            "/data-integrations/{slug}/client-credentials",
            put(pipes::integrations::upsert_client_credentials),
        ),
        ("POST", "/data-integrations/{slug}/credentials", post(pipes::integrations::credentials_for)),
        ("POST", "/data-integrations/{slug}/authorize", post(pipes::integrations::authorize_url)),
        ("POST", "/data-integrations/finish", post(pipes::integrations::finish)),
        (
            "GET",
            "/organizations/{organizationId}/data_integration_configurations",
            get(pipes::integrations::list_configurations),
        ),
        (
            "PUT",
            "/organizations/{organizationId}/data_integration_configurations/{slug}",
            put(pipes::integrations::configure),
        ),
        (
            "GET",
            "/user_management/users/{user_id}/data_providers",
            get(pipes::integrations::providers_for_user),
        ),
        (
            "GET",
            "/organizations/{organization_id}/data_providers",
            get(pipes::integrations::providers_for_organization),
        ),
        ("GET", "/data-integrations/{slug}/organization", get(pipes::integrations::get_organization_owned)),
        (
            "PUT",
            "/data-integrations/{slug}/organization",
            put(pipes::integrations::update_organization_owned),
        ),
        (
            "DELETE",
            "/data-integrations/{slug}/organization",
            delete(pipes::integrations::delete_organization_owned),
        ),
        ("POST", "/data-integrations/{slug}/api-key", post(pipes::integrations::add_api_key)),
        (
            "POST",
            "/data-integrations/{slug}/client-credentials",
            post(pipes::integrations::add_client_credentials),
        ),
        // Connect: applications, client secrets, authorized applications, external auth.
        ("GET", "/connect/applications", get(connect::list)),
        ("POST", "/connect/applications", post(connect::create)),
        ("GET", "/connect/applications/{id}", get(connect::get)),
        ("PUT", "/connect/applications/{id}", put(connect::update)),
        ("DELETE", "/connect/applications/{id}", delete(connect::delete)),
        ("GET", "/connect/applications/{id}/client_secrets", get(connect::list_secrets)),
        ("POST", "/connect/applications/{id}/client_secrets", post(connect::create_secret)),
        ("DELETE", "/connect/client_secrets/{id}", delete(connect::delete_secret)),
        ("GET", "/user_management/users/{user_id}/authorized_applications", get(connect::list_for_user)),
        (
            "DELETE",
            "/user_management/users/{user_id}/authorized_applications/{application_id}",
            delete(connect::revoke),
        ),
        (
            "GET",
            "/organizations/{organization_id}/authorized_applications",
            get(connect::list_for_organization),
        ),
        ("POST", "/authkit/oauth2/complete", post(connect::complete)),
        // Admin Portal, Widgets and client tokens; Radar.
        ("POST", "/portal/generate_link", post(admin_portal::generate_link)),
        ("POST", "/portal/revoke_link", post(admin_portal::revoke_link)),
        ("POST", "/widgets/token", post(widgets::token)),
        ("POST", "/client/token", post(user_management::client_token::create)),
        ("POST", "/radar/attempts", post(radar::create_attempt)),
        ("PUT", "/radar/attempts/{id}", put(radar::update_attempt)),
        ("POST", "/radar/lists/{type}/{action}", post(radar::add_entry)),
        ("DELETE", "/radar/lists/{type}/{action}", delete(radar::remove_entry)),
        ("POST", "/user_management/radar_challenges", post(radar::send_sms_challenge)),
        ("GET", "/user_management/radar_challenges/{id}", get(radar::get_challenge)),
        // MFA: factors, challenges, users' factors.
        ("POST", "/auth/factors/enroll", post(mfa::enroll)),
        ("GET", "/auth/factors/{id}", get(mfa::get)),
        ("DELETE", "/auth/factors/{id}", delete(mfa::delete)),
        ("POST", "/auth/factors/{id}/challenge", post(mfa::challenge)),
        ("POST", "/auth/challenges/{id}/verify", post(mfa::verify)),
        ("POST", "/user_management/users/{userlandUserId}/auth_factors", post(mfa::enroll_for_user)),
        ("GET", "/user_management/users/{userlandUserId}/auth_factors", get(mfa::list_for_user)),
        // SSO: connections, the browser redirect, the code exchange, the profile, logout.
        ("GET", "/connections", get(sso::list)),
        ("POST", "/connections", post(sso::create)),
        ("GET", "/connections/{id}", get(sso::get)),
        ("PATCH", "/connections/{id}", patch(sso::update)),
        ("DELETE", "/connections/{id}", delete(sso::delete)),
        // A SAML connection's certificates: the identity provider's signing certificates, and
        // WorkOS's encryption and request signing certificates.
        ("GET", "/connections/{connectionId}/saml_idp_signing_certs", get(sso::list_idp_signing_certs)),
        ("POST", "/connections/{connectionId}/saml_idp_signing_certs", post(sso::add_idp_signing_cert)),
        (
            "DELETE",
            "/connections/{connectionId}/saml_idp_signing_certs/{certificateId}",
            delete(sso::delete_idp_signing_cert),
        ),
        ("GET", "/connections/{connectionId}/saml_sp_encryption_certs", get(sso::list_sp_encryption_certs)),
        (
            "POST",
            "/connections/{connectionId}/saml_sp_encryption_certs",
            post(sso::create_sp_encryption_cert),
        ),
        (
            "DELETE",
            "/connections/{connectionId}/saml_sp_encryption_certs/{certificateId}",
            delete(sso::delete_sp_encryption_cert),
        ),
        ("GET", "/connections/{connectionId}/saml_sp_signing_cert", get(sso::get_sp_signing_cert)),
        ("POST", "/connections/{connectionId}/saml_sp_signing_cert", post(sso::create_sp_signing_cert)),
        (
            "DELETE",
            "/connections/{connectionId}/saml_sp_signing_cert/{certificateId}",
            delete(sso::delete_sp_signing_cert),
        ),
        ("GET", "/sso/authorize", get(sso::authorize)),
        ("POST", "/sso/token", post(sso::token)),
        ("GET", "/sso/profile", get(sso::profile)),
        ("POST", "/sso/logout/authorize", post(sso::logout_authorize)),
        ("GET", "/sso/logout", get(sso::logout)),
        ("GET", "/user_management/authorize", get(user_management::authenticate::authorize)),
        ("POST", "/user_management/authenticate", post(user_management::authenticate::authenticate)),
        ("POST", "/user_management/authorize/device", post(user_management::device::authorize)),
        // Resources and the access check.
        ("GET", "/authorization/resources", get(authorization::access::list_resources)),
        ("POST", "/authorization/resources", post(authorization::access::create_resource)),
        ("GET", "/authorization/resources/{resource_id}", get(authorization::access::get_resource)),
        ("PATCH", "/authorization/resources/{resource_id}", patch(authorization::access::update_resource)),
        ("DELETE", "/authorization/resources/{resource_id}", delete(authorization::access::delete_resource)),
        (
            "POST",
            "/authorization/organization_memberships/{organization_membership_id}/check",
            post(authorization::access::check),
        ),
        // Resources by external id, and who holds what on which resource.
        (
            "GET",
            "/authorization/organizations/{organization_id}/resources/{resource_type_slug}/{external_id}",
            get(authorization::access::get_resource_by_external),
        ),
        (
            "PATCH",
            "/authorization/organizations/{organization_id}/resources/{resource_type_slug}/{external_id}",
            patch(authorization::access::update_resource_by_external),
        ),
        (
            "DELETE",
            "/authorization/organizations/{organization_id}/resources/{resource_type_slug}/{external_id}",
            delete(authorization::access::delete_resource_by_external),
        ),
        (
            "GET",
            "/authorization/organizations/{organization_id}/resources/{resource_type_slug}/{external_id}/organization_memberships",
            get(authorization::access::list_resource_memberships_by_external),
        ),
        (
            "GET",
            "/authorization/resources/{resource_id}/organization_memberships",
            get(authorization::access::list_resource_memberships),
        ),
        (
            "GET",
            "/authorization/organization_memberships/{organization_membership_id}/resources",
            get(authorization::access::list_membership_resources),
        ),
        (
            "GET",
            "/authorization/organization_memberships/{organization_membership_id}/resources/{resource_id}/permissions",
            get(authorization::access::list_membership_resource_permissions),
        ),
        (
            "GET",
            "/authorization/organization_memberships/{organization_membership_id}/resources/{resource_type_slug}/{external_id}/permissions",
            get(authorization::access::list_membership_external_resource_permissions),
        ),
    ]
}

/// The API routes the emulator serves, as (method, path template) pairs spelled as in the
/// document. `GET /health` is not among them: it is the emulator's own readiness probe.
pub fn routes() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&'static str, &'static str)> = table().into_iter().map(|(m, p, _)| (m, p)).collect();
    out.extend(generic_routes());
    out
}

/// The routes among [`routes`] the emulator serves from the document because it has no model
/// for them yet (operations WorkOS's SDKs ship that it does not model, or a newer document's):
/// a create stores the body with an id and timestamps, get, list, update and delete work by id,
/// an unknown id is a 404 and a missing required field a 422.
pub fn generic_routes() -> Vec<(&'static str, &'static str)> {
    let modelled: Vec<(&'static str, &'static str)> = table().into_iter().map(|(m, p, _)| (m, p)).collect();
    generic::unmodelled(&modelled)
}

/// The router's spelling of a document path template: each parameter named by its position
/// (`/organizations/{organizationId}/groups/{groupId}` → `/organizations/{p0}/groups/{p1}`).
/// The document names one position differently in different paths (`{organizationId}` beside
/// `{organization_id}`), which the router refuses; handlers take parameters by position.
fn router_path(template: &str) -> String {
    let mut position = 0;
    template
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                position += 1;
                format!("{{p{}}}", position - 1)
            } else {
                segment.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The document's path template for a request with `method` matched to the router's
/// `matched` path (see [`router_path`]); the first template of that path when the method is
/// not served on it.
pub(crate) fn template_of(method: &str, matched: &str) -> Option<&'static str> {
    static TEMPLATES: std::sync::LazyLock<Vec<(&'static str, String, &'static str)>> =
        std::sync::LazyLock::new(|| routes().into_iter().map(|(m, p)| (m, router_path(p), p)).collect());
    let same_path = || TEMPLATES.iter().filter(|(_, r, _)| r == matched);
    same_path().find(|(m, _, _)| *m == method).or_else(|| same_path().next()).map(|(_, _, t)| *t)
}

/// The emulator's own readiness probe.
pub(crate) const HEALTH: &str = "/health";

/// Every route: the emulator's own (control, the browser pages it plays, downloads), the
/// table's, and those served from the document; without the middleware.
pub(crate) fn routed() -> Router<Arc<Shared>> {
    let mut router = Router::new()
        .route(HEALTH, get(|| async { "ok" }))
        .route("/_emulator/seed", post(control::seed))
        .route("/_emulator/snapshots", post(control::snapshot))
        .route("/_emulator/snapshots/{id}/restore", post(control::restore))
        .route("/_emulator/reset", post(control::reset))
        .route("/_emulator/emails", get(control::emails))
        .route(user_management::device::VERIFY_PATH, get(user_management::device::verify))
        .route("/_emulator/connect/external_auth", post(connect::start_external_auth))
        .route(pipes::integrations::CONSENT_PATH, get(pipes::integrations::consent))
        .route("/_emulator/agents/registrations", post(agents::register))
        .route(&format!("{}{{id}}", audit_logs::DOWNLOAD_PREFIX), get(audit_logs::download_export));
    for (_, path, handler) in table() {
        router = router.route(&router_path(path), handler);
    }
    for (method, path) in generic_routes() {
        router = router.route(&router_path(path), generic::handler(method, path));
    }
    router
}
