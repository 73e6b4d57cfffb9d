//! The emulator's data: records shaped exactly as the document's response schemas.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::ids::{IdGen, now};

/// A fixed name in a record (`object`, a status, a type): interned when read back from a data
/// file (a plain `&'static str` would make serde borrow from the input).
pub(crate) type Name = &'static str;

/// The role a membership gets when none is given, and reports when it has none left.
pub(crate) const DEFAULT_ROLE: &str = "member";

/// The resource type of an organization's own resource (the root of its resource tree).
pub(crate) const ORGANIZATION_TYPE: &str = "organization";

/// `AuthorizationPermission`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Permission {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) slug: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) system: bool,
    pub(crate) resource_type_slug: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `Role`: an environment role, or an organization (custom) role when `organization_id` is set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Role {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) slug: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    #[serde(deserialize_with = "crate::persist::interned")]
    #[serde(rename = "type")]
    pub(crate) kind: Name,
    pub(crate) resource_type_slug: String,
    pub(crate) permissions: Vec<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    #[serde(default, skip_serializing_if = "crate::persist::answering")]
    pub(crate) organization_id: Option<String>,
}

/// An item of `Organization.domains`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Domain {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) domain: String,
    pub(crate) state: String,
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) verification_strategy: Name,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) verification_prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) verification_token: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `Organization`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Organization {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) domains: Vec<Domain>,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) external_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) stripe_customer_id: Option<String>,
    pub(crate) allow_profiles_outside_organization: bool,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `UserlandUser`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct User {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) profile_picture_url: Option<String>,
    pub(crate) email: String,
    pub(crate) email_verified: bool,
    pub(crate) external_id: Option<String>,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) last_sign_in_at: Option<String>,
    pub(crate) locale: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// An organization membership; its answer (`UserlandUserOrganizationMembership`) embeds the user,
/// the organization's name and the primary role, see [`Store::membership_json`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Membership {
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) organization_id: String,
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) status: Name,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `Group`: an organization's group of memberships.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Group {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    /// Ids of the member organization memberships.
    #[serde(default, skip_serializing_if = "crate::persist::answering")]
    pub(crate) members: Vec<String>,
}

/// `Flag`: a feature flag, with the organizations and users it targets.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Flag {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) slug: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) owner: Option<Value>,
    pub(crate) tags: Vec<String>,
    pub(crate) enabled: bool,
    pub(crate) default_value: bool,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    /// Organization and user ids the flag is on for.
    #[serde(default, skip_serializing_if = "crate::persist::answering")]
    pub(crate) targets: Vec<String>,
}

/// Audit logs: actions with their schema versions, the events received, exports, and each
/// organization's retention.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct AuditLogs {
    /// Actions in creation (id) order.
    pub(crate) actions: Vec<AuditAction>,
    /// The newest events, at most `routes::audit::MAX_EVENTS`.
    pub(crate) events: std::collections::VecDeque<AuditEvent>,
    /// `Idempotency-Key`s of `POST /audit_logs/events`: key, the request body's hash, when
    /// (seconds since the epoch). Newest last, at most `routes::audit::MAX_KEYS`.
    pub(crate) idempotency: std::collections::VecDeque<(String, [u8; 32], u64)>,
    pub(crate) exports: Vec<AuditExport>,
    /// Retention in days, by organization id (30 when not set).
    pub(crate) retention: BTreeMap<String, u32>,
}

/// `AuditLogActionJson`, with its schema versions (`AuditLogSchemaJson`, version `i + 1`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AuditAction {
    /// Internal: list cursors.
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) schemas: Vec<AuditSchema>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `AuditLogSchemaJson`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AuditSchema {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) actor: Option<Value>,
    pub(crate) targets: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) metadata: Option<Value>,
    pub(crate) created_at: String,
    /// Internal: list cursors.
    #[serde(default, skip_serializing_if = "crate::persist::answering")]
    pub(crate) id: String,
}

/// An audit log event as received, for exports.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AuditEvent {
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) event: Value,
}

/// `AuditLogExportJson`, and what it selects.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AuditExport {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) state: Name,
    pub(crate) url: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    /// The events it holds, as CSV.
    #[serde(default, skip_serializing_if = "crate::persist::answering")]
    pub(crate) csv: String,
}

/// `UserlandUserInvite`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Invitation {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) email: String,
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) state: Name,
    pub(crate) accepted_at: Option<String>,
    pub(crate) revoked_at: Option<String>,
    pub(crate) expires_at: String,
    pub(crate) organization_id: Option<String>,
    pub(crate) inviter_user_id: Option<String>,
    pub(crate) accepted_user_id: Option<String>,
    pub(crate) role_slug: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) token: String,
    pub(crate) accept_invitation_url: String,
}

/// A one-time code sent to a user: `MagicAuth` and `EmailVerification` (their `object`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct OneTimeCode {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) email: String,
    pub(crate) expires_at: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) code: String,
    /// Whether it was used (a code is single use).
    #[serde(default, skip_serializing_if = "crate::persist::answering")]
    pub(crate) used: bool,
}

/// `PasswordReset`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PasswordReset {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) email: String,
    pub(crate) expires_at: String,
    pub(crate) created_at: String,
    pub(crate) password_reset_token: String,
    pub(crate) password_reset_url: String,
    #[serde(default, skip_serializing_if = "crate::persist::answering")]
    pub(crate) used: bool,
}

/// A pending email change: the new address and its code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct EmailChange {
    pub(crate) user_id: String,
    pub(crate) new_email: String,
    pub(crate) code: String,
    pub(crate) expires_at: String,
    pub(crate) created_at: String,
}

/// AuthKit settings of the environment: the JWT template, redirect URIs and CORS origins.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct AuthkitSettings {
    /// `JwtTemplate`: its content and when it was set (`None`: the default, `{}`).
    pub(crate) jwt_template: Option<(String, String, String)>,
    pub(crate) redirect_uris: Vec<Value>,
    pub(crate) cors_origins: Vec<Value>,
    /// Sign-ins of users whose email is not verified stop at `email_verification_required`.
    #[serde(default)]
    pub(crate) email_verification_required: bool,
    /// Sign-ins without an organization, by users in several, stop at
    /// `organization_selection_required`.
    #[serde(default)]
    pub(crate) organization_selection_required: bool,
    /// Sign-ins stop at `mfa_challenge` (a user with a TOTP factor) or `mfa_enrollment`.
    #[serde(default)]
    pub(crate) mfa_required: bool,
    /// The device flow's polling interval, when a seed sets one.
    #[serde(default)]
    pub(crate) device_interval_secs: Option<u64>,
    /// Sign-ins stop at a Radar challenge: `email` or `sms`.
    #[serde(default)]
    pub(crate) radar_challenge: Option<String>,
}

/// `WebhookEndpointJson`: where events are delivered (see `events`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct WebhookEndpoint {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) endpoint_url: String,
    pub(crate) secret: String,
    pub(crate) status: String,
    pub(crate) events: Vec<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// An API key (`OrganizationApiKey`, `UserApiKey`); its value is shown once, at creation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ApiKey {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) owner: Value,
    pub(crate) name: String,
    pub(crate) obfuscated_value: String,
    pub(crate) last_used_at: Option<String>,
    /// When it stops working (`POST /api_keys/{id}/expire`); `None`: never.
    #[serde(default)]
    pub(crate) expires_at: Option<String>,
    pub(crate) permissions: Vec<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    /// SHA-256 of the value, hex.
    #[serde(default, skip_serializing_if = "crate::persist::answering")]
    pub(crate) value_hash: String,
}

/// An email WorkOS would have sent (the emulator sends none): tests read the codes and links
/// from [`crate::Emulator::emails`] or `GET /_emulator/emails`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SentEmail {
    /// The address it went to.
    pub to: String,
    /// What it is: `invitation`, `magic_auth`, `email_verification`, `email_change` or
    /// `password_reset`.
    #[serde(deserialize_with = "crate::persist::interned")]
    pub kind: Name,
    /// The one-time code it carries, if any.
    pub code: Option<String>,
    /// The link it carries (an invitation's or a password reset's), if any.
    pub link: Option<String>,
    /// When it was sent (ISO 8601).
    pub sent_at: String,
}

/// How many of each kind of one-time code and token (magic auth, email verification, email
/// change, password reset) the emulator keeps; the oldest go first (long expired by then).
pub(crate) const MAX_CODES: usize = 10_000;

/// Adds `item` at the end of `list`, dropping the oldest items beyond `max`.
pub(crate) fn push_bounded<T>(list: &mut Vec<T>, item: T, max: usize) {
    if list.len() >= max {
        list.drain(..=list.len() - max);
    }
    list.push(item);
}

/// Appends `item` to a queue kept to the newest `max` items (the oldest go first).
pub(crate) fn push_back_bounded<T>(queue: &mut std::collections::VecDeque<T>, item: T, max: usize) {
    while queue.len() >= max {
        queue.pop_front();
    }
    queue.push_back(item);
}

/// How many sent emails the emulator keeps (the oldest go first).
pub const MAX_EMAILS: usize = 1_000;

/// `RoleAssignment.resource`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct ResourceRef {
    pub(crate) id: String,
    pub(crate) external_id: String,
    pub(crate) resource_type_slug: String,
}

/// `RoleAssignment.role` (`SlimRole`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct SlimRole {
    pub(crate) slug: String,
}

/// `RoleAssignment`. The API also sends `organization_membership_id` and `source` (newer
/// documents require them, and current SDKs read them), so the emulator does too.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Assignment {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    #[serde(rename = "organization_membership_id")]
    pub(crate) membership_id: String,
    pub(crate) role: SlimRole,
    pub(crate) resource: ResourceRef,
    pub(crate) source: AssignmentSource,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `RoleAssignment.source`: direct, or through a group role assignment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct AssignmentSource {
    #[serde(deserialize_with = "crate::persist::interned")]
    #[serde(rename = "type")]
    pub(crate) kind: Name,
    pub(crate) group_role_assignment_id: Option<String>,
}

impl AssignmentSource {
    pub(crate) const DIRECT: Self = Self { kind: "direct", group_role_assignment_id: None };

    /// Through the group role assignment `id`.
    pub(crate) fn group(id: &str) -> Self {
        Self { kind: "group", group_role_assignment_id: Some(id.to_owned()) }
    }
}

/// `GroupRoleAssignment`: a role a group's members hold on a resource, each through an
/// assignment of its own (`source.type = "group"`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct GroupAssignment {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) group_id: String,
    pub(crate) role: SlimRole,
    pub(crate) resource: ResourceRef,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `AuthorizationResource`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Resource {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) organization_id: String,
    pub(crate) parent_resource_id: Option<String>,
    pub(crate) id: String,
    pub(crate) external_id: String,
    pub(crate) resource_type_slug: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

impl Resource {
    pub(crate) fn as_ref(&self) -> ResourceRef {
        ResourceRef {
            id: self.id.clone(),
            external_id: self.external_id.clone(),
            resource_type_slug: self.resource_type_slug.clone(),
        }
    }
}

/// `Directory` (directory sync): read only, seeded.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Directory {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) external_key: String,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) state: Name,
    pub(crate) name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) domain: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `DirectoryGroup`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DirectoryGroup {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) idp_id: String,
    pub(crate) directory_id: String,
    pub(crate) organization_id: String,
    pub(crate) name: String,
    pub(crate) raw_attributes: BTreeMap<String, Value>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `DirectoryUser` (its answer adds `groups`, see [`Store::directory_user_json`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DirectoryUser {
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) directory_id: String,
    pub(crate) organization_id: String,
    pub(crate) idp_id: String,
    pub(crate) email: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) state: String,
    pub(crate) raw_attributes: BTreeMap<String, Value>,
    pub(crate) custom_attributes: BTreeMap<String, Value>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    /// Ids of the groups the user is in.
    #[serde(default, skip_serializing_if = "crate::persist::answering")]
    pub(crate) group_ids: Vec<String>,
}

/// Lookups that lists and writes would otherwise scan for: memberships by user and by
/// organization, role assignments by membership (ids in creation order); users by email;
/// organizations, users and resources by external id. Kept by the writes that change
/// them; rebuilt after a data file is read ([`Store::reindex`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Indexes {
    pub(crate) memberships_by_user: HashMap<String, Vec<String>>,
    pub(crate) memberships_by_org: HashMap<String, Vec<String>>,
    pub(crate) user_by_email: HashMap<String, String>,
    pub(crate) assignments_by_membership: HashMap<String, Vec<String>>,
    /// Organization and user ids by external id.
    pub(crate) organization_by_external: HashMap<String, String>,
    pub(crate) user_by_external: HashMap<String, String>,
    /// Resource ids by (organization, type, external id).
    pub(crate) resource_by_external: HashMap<(String, String, String), String>,
}

/// The record with `id` in `records`, by binary search: every collection is kept in creation
/// order, which is id order (ids increase strictly, see `ids`), so lookups by id cost O(log n).
pub(crate) fn by_id<'a, T>(records: &'a [T], id: &str, key: impl Fn(&T) -> &String) -> Option<&'a T> {
    records.binary_search_by(|r| key(r).as_str().cmp(id)).ok().map(|i| &records[i])
}

/// Everything the emulator holds. Collections are kept in creation order, which is id order.
/// A clone is a snapshot: it copies the data and the event log, not the webhook endpoints.
/// A data file without some collection (written before it existed) reads it as empty.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Store {
    pub(crate) ids: IdGen,
    pub(crate) permissions: Vec<Permission>,
    /// Permission ids by slug.
    pub(crate) permission_ids: std::collections::HashMap<String, String>,
    pub(crate) roles: Vec<Role>,
    pub(crate) organizations: Vec<Organization>,
    pub(crate) users: Vec<User>,
    pub(crate) memberships: Vec<Membership>,
    pub(crate) assignments: Vec<Assignment>,
    pub(crate) resources: Vec<Resource>,
    /// Passwords of users created with one, by user id.
    pub(crate) passwords: BTreeMap<String, String>,
    /// Authorization codes not yet exchanged (single use, ten minutes).
    pub(crate) auth_codes: Vec<AuthCode>,
    /// Sessions by refresh token (rotated at each refresh).
    pub(crate) auth_sessions: Vec<AuthSession>,
    /// Sign-ins waiting for email verification or an organization (ten minutes).
    pub(crate) pending_auths: Vec<PendingAuth>,
    /// Directory sync, seeded: directories, their groups and users.
    pub(crate) directories: Vec<Directory>,
    pub(crate) directory_groups: Vec<DirectoryGroup>,
    pub(crate) directory_users: Vec<DirectoryUser>,
    /// Invitations, one-time codes and tokens of the user management flows.
    pub(crate) invitations: Vec<Invitation>,
    pub(crate) magic_auths: Vec<OneTimeCode>,
    pub(crate) email_verifications: Vec<OneTimeCode>,
    pub(crate) password_resets: Vec<PasswordReset>,
    pub(crate) email_changes: Vec<EmailChange>,
    pub(crate) authkit: AuthkitSettings,
    /// Webhook endpoints made through the API.
    pub(crate) webhook_endpoints: Vec<WebhookEndpoint>,
    /// Organization and user API keys.
    pub(crate) api_keys: Vec<ApiKey>,
    /// The emails WorkOS would have sent, newest last, at most [`MAX_EMAILS`].
    pub(crate) outbox: std::collections::VecDeque<SentEmail>,
    /// Audit logs.
    pub(crate) audit: AuditLogs,
    /// Feature flags (seeded).
    pub(crate) flags: Vec<Flag>,
    /// Groups of organization memberships.
    pub(crate) groups: Vec<Group>,
    /// Roles granted to groups; their members' derived assignments are in `assignments`.
    pub(crate) group_assignments: Vec<GroupAssignment>,
    /// Vault's key-value objects and data keys.
    pub(crate) vault: crate::routes::vault::VaultData,
    /// Pipes: users' connected accounts of data providers.
    pub(crate) pipes: crate::routes::pipes::PipesData,
    /// SSO: connections, profiles, and the flow's codes and tokens.
    pub(crate) sso: crate::routes::sso::SsoData,
    /// MFA factors and challenges.
    pub(crate) mfa: crate::routes::mfa::MfaData,
    /// Device authorizations waiting for their user.
    pub(crate) device: crate::routes::device::DeviceData,
    /// Radar's attempts and allow and block lists.
    pub(crate) radar: crate::routes::portal::RadarData,
    /// Connect: applications, secrets, users' grants, external authentication sessions.
    pub(crate) connect: crate::routes::connect::ConnectData,
    /// Pipes' data integrations and organizations' configurations of them.
    pub(crate) integrations: crate::routes::integrations::IntegrationsData,
    /// Agents' registrations.
    pub(crate) agents: crate::routes::agents::AgentsData,
    /// Records of the operations served from the document (no model yet).
    pub(crate) generic: crate::generic::GenericRecords,
    /// Lookups by user, organization and email (not in the data file: rebuilt from it).
    #[serde(skip)]
    pub(crate) indexes: Indexes,
    /// The events the writes above produced.
    pub(crate) events: crate::events::Events,
}

/// An authorization code from `GET /user_management/authorize`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AuthCode {
    pub(crate) code: String,
    pub(crate) client_id: String,
    pub(crate) user_id: String,
    pub(crate) organization_id: Option<String>,
    /// The PKCE S256 challenge, when the URL had one.
    pub(crate) challenge: Option<String>,
    /// Seconds since the epoch.
    pub(crate) expires_at: u64,
}

/// A sign-in waiting for one more step: what its `pending_authentication_token` stands for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PendingAuth {
    pub(crate) token: String,
    /// `email_verification_required`, `mfa_challenge`, `mfa_enrollment` or
    /// `organization_selection_required`.
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) step: Name,
    pub(crate) client_id: String,
    pub(crate) user_id: String,
    pub(crate) organization_id: Option<String>,
    /// The `authentication_method` of the sign-in it continues.
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) method: Name,
    /// Seconds since the epoch.
    pub(crate) expires_at: u64,
    /// The sign-in already passed its MFA step.
    #[serde(default)]
    pub(crate) mfa_verified: bool,
    /// The sign-in already passed its Radar challenge.
    #[serde(default)]
    pub(crate) radar_verified: bool,
}

/// A signed-in session: what its refresh token stands for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AuthSession {
    pub(crate) id: String,
    pub(crate) client_id: String,
    pub(crate) user_id: String,
    pub(crate) organization_id: Option<String>,
    pub(crate) refresh_token: String,
    /// The `authentication_method` of the sign-in that started it.
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) method: Name,
    /// `active` or `revoked`.
    #[serde(deserialize_with = "crate::persist::interned")]
    pub(crate) status: Name,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) ended_at: Option<String>,
    /// The `ip_address` and `user_agent` of the sign-in (or the latest refresh that gave them).
    #[serde(default)]
    pub(crate) ip_address: Option<String>,
    #[serde(default)]
    pub(crate) user_agent: Option<String>,
}

impl AuthSession {
    /// How long a session lasts without activity, in minutes (its `expires_at`).
    pub(crate) const LIFETIME_MINUTES: i64 = 30 * 24 * 60;

    /// `UserlandSession`.
    pub(crate) fn json(&self) -> Value {
        let auth_method = match self.method {
            "MagicAuth" => "magic_code",
            "Password" => "password",
            _ => "unknown",
        };
        let expires_at = chrono::DateTime::parse_from_rfc3339(&self.updated_at)
            .map(|t| t + chrono::Duration::minutes(Self::LIFETIME_MINUTES))
            .map(|t| t.to_utc().to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_else(|_| self.updated_at.clone());
        let mut v = json!({
            "object": "session",
            "id": self.id,
            "ip_address": self.ip_address,
            "user_agent": self.user_agent,
            "user_id": self.user_id,
            "auth_method": auth_method,
            "status": self.status,
            "expires_at": expires_at,
            "ended_at": self.ended_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        });
        if let Some(org) = &self.organization_id {
            v["organization_id"] = json!(org);
        }
        v
    }
}

impl Store {
    /// Puts back the data of `copy` (a clone, see [`crate::Snapshot`]). Ids keep increasing (no
    /// id is issued twice) and the webhook endpoints stay.
    pub(crate) fn restore(&mut self, copy: &Self) {
        let mut events = std::mem::take(&mut self.events);
        events.restore_log(&copy.events);
        *self = Self { ids: self.ids.clone(), events, ..copy.clone() };
    }

    /// A directory user's answer: the record with its groups.
    pub(crate) fn directory_user_json(&self, u: &DirectoryUser) -> Value {
        let mut v = serde_json::to_value(u).unwrap_or(Value::Null);
        let groups: Vec<&DirectoryGroup> =
            u.group_ids.iter().filter_map(|id| by_id(&self.directory_groups, id, |g| &g.id)).collect();
        v["groups"] = serde_json::to_value(groups).unwrap_or(Value::Null);
        v
    }

    /// A directory's answer, with its user and group counts.
    pub(crate) fn directory_json(&self, d: &Directory) -> Value {
        let mut v = serde_json::to_value(d).unwrap_or(Value::Null);
        let users = self.directory_users.iter().filter(|u| u.directory_id == d.id);
        let (active, inactive) =
            users.fold((0, 0), |(a, i), u| if u.state == "active" { (a + 1, i) } else { (a, i + 1) });
        let groups = self.directory_groups.iter().filter(|g| g.directory_id == d.id).count();
        v["metadata"] = json!({ "users": { "active": active, "inactive": inactive }, "groups": groups });
        v
    }

    /// Records an email WorkOS would have sent.
    pub(crate) fn send_email(
        &mut self,
        to: &str,
        kind: &'static str,
        code: Option<&str>,
        link: Option<&str>,
    ) {
        let email = SentEmail {
            to: to.to_owned(),
            kind,
            code: code.map(str::to_owned),
            link: link.map(str::to_owned),
            sent_at: crate::ids::now(),
        };
        push_back_bounded(&mut self.outbox, email, MAX_EMAILS);
    }

    /// Records event `name` with `data` (and queues it for the webhook endpoints).
    pub(crate) fn emit(&mut self, name: &str, data: Value) {
        let subscribers: Vec<crate::events::Subscriber<'_>> = self
            .webhook_endpoints
            .iter()
            .filter(|e| e.status == "enabled" && e.events.iter().any(|x| x == name))
            .map(|e| crate::events::Subscriber { id: &e.id, url: &e.endpoint_url, secret: &e.secret })
            .collect();
        self.events.emit(&mut self.ids, name, data, &subscribers);
    }

    /// [`Store::emit`] with the JSON of a record.
    pub(crate) fn emit_record(&mut self, name: &str, record: &impl Serialize) {
        let data = serde_json::to_value(record).unwrap_or(Value::Null);
        self.emit(name, data);
    }

    /// The data of an `organization_role.*` event: the role and its organization.
    pub(crate) fn organization_role_event(&mut self, name: &str, role: &Role) {
        let data = json!({
            "object": "organization_role",
            "organization_id": role.organization_id,
            "slug": role.slug,
            "name": role.name,
            "description": role.description,
            "resource_type_slug": role.resource_type_slug,
            "permissions": role.permissions,
            "created_at": role.created_at,
            "updated_at": role.updated_at,
        });
        self.emit(name, data);
    }

    /// Drops the authorization codes that expired before `now` (seconds since the epoch).
    pub(crate) fn expire_codes(&mut self, now: u64) {
        self.auth_codes.retain(|c| c.expires_at > now);
        self.pending_auths.retain(|p| p.expires_at > now);
    }

    pub(crate) fn permission(&self, slug: &str) -> ApiResult<&Permission> {
        self.permission_ids
            .get(slug)
            .and_then(|id| by_id(&self.permissions, id, |p| &p.id))
            .ok_or_else(|| ApiError::not_found("Permission", slug))
    }

    /// Records a new permission (its id the newest), indexed by slug.
    pub(crate) fn insert_permission(&mut self, permission: Permission) {
        self.permission_ids.insert(permission.slug.clone(), permission.id.clone());
        self.permissions.push(permission);
    }

    /// Removes the permission `slug`.
    pub(crate) fn remove_permission(&mut self, slug: &str) {
        if let Some(id) = self.permission_ids.remove(slug)
            && let Ok(i) = self.permissions.binary_search_by(|p| p.id.as_str().cmp(&id))
        {
            self.permissions.remove(i);
        }
    }

    pub(crate) fn organization(&self, id: &str) -> ApiResult<&Organization> {
        by_id(&self.organizations, id, |o| &o.id).ok_or_else(|| ApiError::not_found("Organization", id))
    }

    pub(crate) fn user(&self, id: &str) -> ApiResult<&User> {
        by_id(&self.users, id, |u| &u.id).ok_or_else(|| ApiError::not_found("User", id))
    }

    pub(crate) fn membership(&self, id: &str) -> ApiResult<&Membership> {
        by_id(&self.memberships, id, |m| &m.id)
            .ok_or_else(|| ApiError::not_found("Organization membership", id))
    }

    pub(crate) fn resource(&self, id: &str) -> ApiResult<&Resource> {
        by_id(&self.resources, id, |r| &r.id).ok_or_else(|| ApiError::not_found("Resource", id))
    }

    /// A resource of `organization_id` by its type and external id.
    pub(crate) fn resource_by_external(
        &self,
        org: &str,
        kind: &str,
        external_id: &str,
    ) -> ApiResult<&Resource> {
        let key = (org.to_owned(), kind.to_owned(), external_id.to_owned());
        self.indexes
            .resource_by_external
            .get(&key)
            .and_then(|id| by_id(&self.resources, id, |r| &r.id))
            .ok_or_else(|| ApiError::not_found("Resource", &format!("{kind}/{external_id}")))
    }

    /// The resource that stands for the organization itself: assignments on it apply to every
    /// resource of the organization.
    pub(crate) fn organization_resource(&self, org: &str) -> ApiResult<&Resource> {
        self.resource_by_external(org, ORGANIZATION_TYPE, org)
    }

    /// An environment role by slug.
    pub(crate) fn environment_role(&self, slug: &str) -> ApiResult<&Role> {
        self.roles
            .iter()
            .find(|r| r.organization_id.is_none() && r.slug == slug)
            .ok_or_else(|| ApiError::not_found("Role", slug))
    }

    /// The roles available to an organization in priority order: environment roles, then the
    /// organization's own, each in creation order.
    pub(crate) fn organization_roles(&self, org: &str) -> impl Iterator<Item = &Role> {
        let env = self.roles.iter().filter(|r| r.organization_id.is_none());
        env.chain(self.roles.iter().filter(move |r| r.organization_id.as_deref() == Some(org)))
    }

    /// A role visible to an organization (its own, or an environment role).
    pub(crate) fn role_for(&self, org: &str, slug: &str) -> ApiResult<&Role> {
        self.organization_roles(org).find(|r| r.slug == slug).ok_or_else(|| ApiError::not_found("Role", slug))
    }

    /// Index of an organization's own (custom) role.
    pub(crate) fn custom_role_index(&self, org: &str, slug: &str) -> ApiResult<usize> {
        self.organization(org)?;
        self.roles
            .iter()
            .position(|r| r.organization_id.as_deref() == Some(org) && r.slug == slug)
            .ok_or_else(|| ApiError::not_found("Organization role", slug))
    }

    /// Index of an environment role.
    pub(crate) fn environment_role_index(&self, slug: &str) -> ApiResult<usize> {
        self.roles
            .iter()
            .position(|r| r.organization_id.is_none() && r.slug == slug)
            .ok_or_else(|| ApiError::not_found("Role", slug))
    }

    /// 404 unless every slug names a permission.
    pub(crate) fn check_permissions<'a>(&self, slugs: impl IntoIterator<Item = &'a String>) -> ApiResult<()> {
        slugs.into_iter().try_for_each(|s| self.permission(s).map(drop))
    }

    /// `UserlandUserOrganizationMembership`: the membership with its user, organization name
    /// and primary role (the first role assigned on the organization itself).
    pub(crate) fn membership_json(&self, m: &Membership) -> Value {
        let user = by_id(&self.users, &m.user_id, |u| &u.id);
        let org_name = by_id(&self.organizations, &m.organization_id, |o| &o.id).map(|o| o.name.clone());
        let root = self.organization_resource(&m.organization_id).ok().map(|r| r.id.clone());
        let primary = self
            .assignments_of(&m.id)
            .find(|a| Some(&a.resource.id) == root.as_ref())
            .or_else(|| self.assignments_of(&m.id).next())
            .map(|a| a.role.slug.clone())
            // Every membership has a role: with its assignments gone, the default one.
            .unwrap_or_else(|| DEFAULT_ROLE.to_owned());
        // Every role the membership holds on its organization, the primary one first.
        let mut roles: Vec<Value> = vec![json!({ "slug": primary })];
        for a in self.assignments_of(&m.id).filter(|a| Some(&a.resource.id) == root.as_ref()) {
            if a.role.slug != primary {
                roles.push(json!({ "slug": a.role.slug }));
            }
        }
        json!({
            "object": "organization_membership",
            "id": m.id,
            "user_id": m.user_id,
            "organization_id": m.organization_id,
            "status": m.status,
            "directory_managed": false,
            "organization_name": org_name,
            "custom_attributes": {},
            "created_at": m.created_at,
            "updated_at": m.updated_at,
            "role": { "slug": primary },
            "roles": roles,
            "user": user,
        })
    }

    /// Whether the membership holds `permission` on `resource`: through a role assigned on the
    /// resource, on one of its ancestors, or on the organization itself.
    pub(crate) fn authorized(&self, m: &Membership, permission: &str, resource: &Resource) -> bool {
        self.permissions_on(m, resource, None).contains(permission)
    }

    /// The permission slugs the membership holds on `resource`. `direct`: `Some(true)` counts
    /// only roles assigned on the resource itself, `Some(false)` only those inherited from its
    /// ancestors and the organization, `None` both.
    pub(crate) fn permissions_on(
        &self,
        m: &Membership,
        resource: &Resource,
        direct: Option<bool>,
    ) -> std::collections::BTreeSet<String> {
        let mut chain = vec![resource.id.clone()];
        let mut parent = resource.parent_resource_id.clone();
        while let Some(id) = parent.take() {
            if chain.contains(&id) {
                break;
            }
            parent = by_id(&self.resources, &id, |r| &r.id).and_then(|r| r.parent_resource_id.clone());
            chain.push(id);
        }
        if let Ok(root) = self.organization_resource(&m.organization_id)
            && !chain.contains(&root.id)
        {
            chain.push(root.id.clone());
        }
        let counted = |id: &String| match direct {
            None => chain.contains(id),
            Some(true) => *id == resource.id,
            Some(false) => *id != resource.id && chain.contains(id),
        };
        self.assignments_of(&m.id)
            .filter(|a| counted(&a.resource.id))
            .filter_map(|a| self.role_for(&m.organization_id, &a.role.slug).ok())
            .flat_map(|role| role.permissions.iter().cloned())
            .collect()
    }

    /// Creates an organization and the resource that stands for it.
    pub(crate) fn insert_organization(&mut self, org: Organization) -> &Organization {
        let at = now();
        let resource = Resource {
            object: "authorization_resource",
            name: org.name.clone(),
            description: None,
            organization_id: org.id.clone(),
            parent_resource_id: None,
            id: self.ids.next("authz_resource"),
            external_id: org.id.clone(),
            resource_type_slug: ORGANIZATION_TYPE.to_owned(),
            created_at: at.clone(),
            updated_at: at,
        };
        self.insert_resource(resource);
        if let Some(ext) = &org.external_id {
            self.indexes.organization_by_external.insert(ext.clone(), org.id.clone());
        }
        self.organizations.push(org);
        self.organizations.last().expect("just pushed")
    }

    /// Adds a resource (its id is the newest) and indexes its external id.
    pub(crate) fn insert_resource(&mut self, r: Resource) {
        let key = (r.organization_id.clone(), r.resource_type_slug.clone(), r.external_id.clone());
        self.indexes.resource_by_external.insert(key, r.id.clone());
        self.resources.push(r);
    }

    /// Removes the resources `doomed` picks (not their role assignments).
    pub(crate) fn remove_resources(&mut self, doomed: impl Fn(&Resource) -> bool) {
        let index = &mut self.indexes.resource_by_external;
        self.resources.retain(|r| {
            let gone = doomed(r);
            if gone {
                index.remove(&(
                    r.organization_id.clone(),
                    r.resource_type_slug.clone(),
                    r.external_id.clone(),
                ));
            }
            !gone
        });
    }

    /// The organization with external id `ext`.
    pub(crate) fn organization_by_external(&self, ext: &str) -> Option<&Organization> {
        let id = self.indexes.organization_by_external.get(ext)?;
        by_id(&self.organizations, id, |o| &o.id)
    }

    /// The user with external id `ext`.
    pub(crate) fn user_by_external(&self, ext: &str) -> Option<&User> {
        let id = self.indexes.user_by_external.get(ext)?;
        by_id(&self.users, id, |u| &u.id)
    }

    /// Sets the external id of the organization at `index` (the caller checked it is free).
    pub(crate) fn set_organization_external(&mut self, index: usize, ext: Option<String>) {
        let org = &mut self.organizations[index];
        if let Some(old) = org.external_id.take() {
            self.indexes.organization_by_external.remove(&old);
        }
        if let Some(new) = &ext {
            self.indexes.organization_by_external.insert(new.clone(), org.id.clone());
        }
        org.external_id = ext;
    }

    /// Sets the external id of the user at `index` (the caller checked it is free).
    pub(crate) fn set_user_external(&mut self, index: usize, ext: Option<String>) {
        let user = &mut self.users[index];
        if let Some(old) = user.external_id.take() {
            self.indexes.user_by_external.remove(&old);
        }
        if let Some(new) = &ext {
            self.indexes.user_by_external.insert(new.clone(), user.id.clone());
        }
        user.external_id = ext;
    }

    /// Assigns `role` to a membership on `resource`, directly, unless it already is (then
    /// returns that).
    pub(crate) fn assign(&mut self, membership_id: &str, role: &str, resource: ResourceRef) -> Assignment {
        self.assign_from(membership_id, role, resource, AssignmentSource::DIRECT)
    }

    /// [`Store::assign`] with its source: direct, or through a group's role assignment (a
    /// member's own assignment, kept beside any direct one of the same role).
    pub(crate) fn assign_from(
        &mut self,
        membership_id: &str,
        role: &str,
        resource: ResourceRef,
        source: AssignmentSource,
    ) -> Assignment {
        if let Some(a) = self
            .assignments_of(membership_id)
            .find(|a| a.role.slug == role && a.resource == resource && a.source == source)
        {
            return a.clone();
        }
        let at = now();
        let a = Assignment {
            object: "role_assignment",
            id: self.ids.next("role_assignment"),
            role: SlimRole { slug: role.to_owned() },
            resource,
            source,
            created_at: at.clone(),
            updated_at: at,
            membership_id: membership_id.to_owned(),
        };
        self.indexes.assignments_by_membership.entry(a.membership_id.clone()).or_default().push(a.id.clone());
        self.assignments.push(a.clone());
        a
    }

    /// A membership's role assignments, in creation order, through the index.
    pub(crate) fn assignments_of<'s>(
        &'s self,
        membership_id: &str,
    ) -> impl Iterator<Item = &'s Assignment> + 's {
        let ids = self.indexes.assignments_by_membership.get(membership_id).map_or(&[][..], Vec::as_slice);
        ids.iter().filter_map(|id| by_id(&self.assignments, id, |a| &a.id))
    }

    /// Removes the role assignments `doomed` picks (and their index entries); how many.
    pub(crate) fn remove_assignments(&mut self, doomed: impl Fn(&Assignment) -> bool) -> usize {
        let gone: Vec<(String, String)> = self
            .assignments
            .iter()
            .filter(|a| doomed(a))
            .map(|a| (a.membership_id.clone(), a.id.clone()))
            .collect();
        if gone.is_empty() {
            return 0;
        }
        let ids: std::collections::HashSet<&String> = gone.iter().map(|(_, id)| id).collect();
        self.assignments.retain(|a| !ids.contains(&a.id));
        for (membership, id) in &gone {
            if let Some(list) = self.indexes.assignments_by_membership.get_mut(membership) {
                list.retain(|x| x != id);
                if list.is_empty() {
                    self.indexes.assignments_by_membership.remove(membership);
                }
            }
        }
        gone.len()
    }

    /// Removes an organization and everything that belongs to it.
    pub(crate) fn remove_organization(&mut self, id: &str) {
        self.remove_memberships(|m| m.organization_id == id);
        self.api_keys.retain(|k| k.owner["id"] != id && k.owner["organization_id"] != id);
        for flag in &mut self.flags {
            flag.targets.retain(|t| t != id);
        }
        self.roles.retain(|r| r.organization_id.as_deref() != Some(id));
        self.remove_resources(|r| r.organization_id == id);
        if let Some(ext) = by_id(&self.organizations, id, |o| &o.id).and_then(|o| o.external_id.clone()) {
            self.indexes.organization_by_external.remove(&ext);
        }
        let groups: std::collections::HashSet<String> =
            self.groups.iter().filter(|g| g.organization_id == id).map(|g| g.id.clone()).collect();
        self.group_assignments.retain(|g| !groups.contains(&g.group_id));
        self.groups.retain(|g| g.organization_id != id);
        self.organizations.retain(|o| o.id != id);
    }

    /// Removes a user and their memberships.
    pub(crate) fn remove_user(&mut self, id: &str) {
        self.remove_memberships(|m| m.user_id == id);
        if let Some(user) = by_id(&self.users, id, |u| &u.id) {
            let (email, ext) = (user.email.clone(), user.external_id.clone());
            self.indexes.user_by_email.remove(&email);
            if let Some(ext) = ext {
                self.indexes.user_by_external.remove(&ext);
            }
        }
        self.api_keys.retain(|k| k.owner["id"] != id);
        self.auth_sessions.retain(|s| s.user_id != id);
        for flag in &mut self.flags {
            flag.targets.retain(|t| t != id);
        }
        self.users.retain(|u| u.id != id);
    }

    /// Removes the memberships `doomed` picks, with their role assignments and their places in
    /// groups.
    pub(crate) fn remove_memberships(&mut self, doomed: impl Fn(&Membership) -> bool) {
        let ids: std::collections::HashSet<String> =
            self.memberships.iter().filter(|m| doomed(m)).map(|m| m.id.clone()).collect();
        if ids.is_empty() {
            return;
        }
        self.remove_assignments(|a| ids.contains(&a.membership_id));
        for group in &mut self.groups {
            group.members.retain(|m| !ids.contains(m));
        }
        self.memberships.retain(|m| !ids.contains(&m.id));
        for index in [&mut self.indexes.memberships_by_user, &mut self.indexes.memberships_by_org] {
            index.retain(|_, list| {
                list.retain(|id| !ids.contains(id));
                !list.is_empty()
            });
        }
    }

    /// Adds a membership (its id is the newest) and indexes it.
    pub(crate) fn insert_membership(&mut self, m: Membership) {
        self.indexes.memberships_by_user.entry(m.user_id.clone()).or_default().push(m.id.clone());
        self.indexes.memberships_by_org.entry(m.organization_id.clone()).or_default().push(m.id.clone());
        self.memberships.push(m);
    }

    /// Ids of the memberships of a user (`by_user`) or an organization, in creation order.
    pub(crate) fn membership_ids(&self, by_user: bool, key: &str) -> &[String] {
        let index =
            if by_user { &self.indexes.memberships_by_user } else { &self.indexes.memberships_by_org };
        index.get(key).map_or(&[], Vec::as_slice)
    }

    /// The memberships of a user (`by_user`) or an organization, in creation order.
    pub(crate) fn memberships_by(&self, by_user: bool, key: &str) -> impl Iterator<Item = &Membership> {
        self.membership_ids(by_user, key).iter().filter_map(|id| by_id(&self.memberships, id, |m| &m.id))
    }

    /// The membership of `user` in `org`, through the user's memberships.
    pub(crate) fn membership_of(&self, user: &str, org: &str) -> Option<&Membership> {
        self.memberships_by(true, user).find(|m| m.organization_id == org)
    }

    /// The user with `email` (lower case).
    pub(crate) fn user_by_email(&self, email: &str) -> Option<&User> {
        let id = self.indexes.user_by_email.get(email)?;
        by_id(&self.users, id, |u| &u.id)
    }

    /// Adds a user (its id is the newest) and indexes their email and external id.
    pub(crate) fn insert_user(&mut self, user: User) {
        self.indexes.user_by_email.insert(user.email.clone(), user.id.clone());
        if let Some(ext) = &user.external_id {
            self.indexes.user_by_external.insert(ext.clone(), user.id.clone());
        }
        self.users.push(user);
    }

    /// Changes the email of the user at `index` (the caller checked it is free).
    pub(crate) fn set_email(&mut self, index: usize, email: String) {
        let user = &mut self.users[index];
        self.indexes.user_by_email.remove(&user.email);
        self.indexes.user_by_email.insert(email.clone(), user.id.clone());
        user.email = email;
    }

    /// Builds the indexes from the records (after reading a data file).
    pub(crate) fn reindex(&mut self) {
        let mut indexes = Indexes::default();
        for m in &self.memberships {
            indexes.memberships_by_user.entry(m.user_id.clone()).or_default().push(m.id.clone());
            indexes.memberships_by_org.entry(m.organization_id.clone()).or_default().push(m.id.clone());
        }
        for u in &self.users {
            indexes.user_by_email.insert(u.email.clone(), u.id.clone());
        }
        for a in &self.assignments {
            indexes.assignments_by_membership.entry(a.membership_id.clone()).or_default().push(a.id.clone());
        }
        for o in &self.organizations {
            if let Some(ext) = &o.external_id {
                indexes.organization_by_external.insert(ext.clone(), o.id.clone());
            }
        }
        for u in &self.users {
            if let Some(ext) = &u.external_id {
                indexes.user_by_external.insert(ext.clone(), u.id.clone());
            }
        }
        for r in &self.resources {
            let key = (r.organization_id.clone(), r.resource_type_slug.clone(), r.external_id.clone());
            indexes.resource_by_external.insert(key, r.id.clone());
        }
        self.indexes = indexes;
    }
}

/// Data to load into a new emulator (see [`crate::Builder::seed`]); also read from JSON by the
/// binary's `--seed FILE`. Seeding goes through the same rules as the API (unique slugs,
/// existing permissions).
///
/// Build one with `..Seed::default()` after the fields you set, so a field added later
/// (like `directories`) does not break your code; or load it from JSON or YAML.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// Permissions to create.
    #[serde(default)]
    pub permissions: Vec<SeedPermission>,
    /// Environment roles to create, with their permission slugs.
    #[serde(default)]
    pub environment_roles: Vec<SeedRole>,
    /// Organizations to create, by name.
    #[serde(default)]
    pub organizations: Vec<String>,
    /// Users to create (with a password, they can sign in with the password grant), and their
    /// memberships in the organizations above.
    #[serde(default)]
    pub users: Vec<SeedUser>,
    /// Directories (directory sync) of the organizations above, with their groups and users.
    #[serde(default)]
    pub directories: Vec<SeedDirectory>,
    /// Feature flags (the API reads and toggles them; flags are made in the dashboard).
    #[serde(default)]
    pub feature_flags: Vec<SeedFeatureFlag>,
    /// AuthKit sign-in settings (WorkOS sets them in the dashboard); absent, they stay as they
    /// are.
    #[serde(default)]
    pub authentication: Option<SeedAuthentication>,
    /// SSO connections of the organizations above (made in the dashboard or the Admin Portal),
    /// with their domains.
    #[serde(default)]
    pub connections: Vec<SeedConnection>,
    /// Records of operations the emulator serves from the document
    /// ([`generic_routes`](crate::generic_routes)) that no operation creates (an agent instance,
    /// a waitlist): each stored in the collection its path names.
    #[serde(default)]
    pub records: Vec<SeedRecord>,
}

/// A record of a [`Seed`] for an operation served from the document: stored in the collection
/// at `path` (`/user_management/waitlists`), with an id, `object` and timestamps added.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SeedRecord {
    /// The collection's path, as a list operation of the document reads it.
    pub path: String,
    /// The record's fields.
    #[serde(default)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

impl SeedRecord {
    /// A record of the collection at `path` with `fields`.
    pub fn new(path: impl Into<String>, fields: serde_json::Map<String, serde_json::Value>) -> Self {
        SeedRecord { path: path.into(), fields }
    }
}

/// An SSO connection of a [`Seed`]. `GET /sso/authorize` finds it by id, organization or
/// domain, and its identity provider signs in whoever `login_hint` names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SeedConnection {
    /// Its name.
    pub name: String,
    /// The organization of the seed (by name) it belongs to.
    pub organization: String,
    /// One of the document's connection types (default `GenericSAML`).
    #[serde(default)]
    pub connection_type: Option<String>,
    /// `active` (default), `inactive`, `draft` or `validating`; only an active one signs in.
    #[serde(default)]
    pub state: Option<String>,
    /// The email domains it signs in.
    #[serde(default)]
    pub domains: Vec<String>,
    /// Users whose email is at one of its domains must sign in through it: a password or
    /// Magic Auth sign-in gets a 400 `sso_required` naming the connection.
    #[serde(default)]
    pub required: bool,
}

/// The AuthKit sign-in settings of a [`Seed`]. Both are off unless set, and the emulator then
/// signs users in without the extra step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SeedAuthentication {
    /// A user whose email is not verified gets a 403 `email_verification_required` at sign-in
    /// (with a `pending_authentication_token`, and a code emailed to them); the
    /// email-verification grant with the code finishes the sign-in. Magic auth verifies the
    /// email itself.
    #[serde(default)]
    pub email_verification_required: bool,
    /// A user in several organizations who signs in without naming one gets a 403
    /// `organization_selection_required` (with the token and the organizations); the
    /// organization-selection grant finishes the sign-in in the chosen one.
    #[serde(default)]
    pub organization_selection_required: bool,
    /// Every sign-in needs a second factor: a user with a TOTP factor gets a 403
    /// `mfa_challenge` (with the token and their factors), one without gets `mfa_enrollment`
    /// (they enroll with `POST /user_management/users/{id}/auth_factors`); the `mfa-totp` grant
    /// with a challenge of the factor and its code finishes the sign-in.
    #[serde(default)]
    pub mfa_required: bool,
    /// The device flow's polling interval in seconds (default 5, as WorkOS's).
    #[serde(default)]
    pub device_poll_interval_secs: Option<u64>,
    /// Radar challenges every sign-in (as it does a suspicious one): `email` stops it at a 403
    /// `radar_challenge` (a code is emailed; `GET /user_management/radar_challenges/{id}` shows
    /// it) and `sms` at `radar_sms_sign_in_challenge` (`POST /user_management/radar_challenges`
    /// texts a code to the user's phone); the matching Radar grant with the code continues it.
    #[serde(default)]
    pub radar_challenge: Option<String>,
}

/// A feature flag of a [`Seed`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SeedFeatureFlag {
    /// Unique slug, e.g. `new-billing`.
    pub slug: String,
    /// Display name (default: the slug).
    #[serde(default)]
    pub name: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether the flag is on in the environment (default `true`).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// What an organization or user that is not a target gets (default `false`).
    #[serde(default)]
    pub default_value: bool,
    /// Labels.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Organizations of the seed (by name) the flag is on for.
    #[serde(default)]
    pub organizations: Vec<String>,
    /// Users of the seed (by email) the flag is on for.
    #[serde(default)]
    pub users: Vec<String>,
}

impl SeedFeatureFlag {
    /// A flag with `slug`, on, targeting nobody.
    pub fn new(slug: impl Into<String>) -> Self {
        SeedFeatureFlag { slug: slug.into(), ..Self::default() }
    }
}

/// A directory of a [`Seed`]: served read-only by the directory-sync endpoints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct SeedDirectory {
    /// Its name.
    pub name: String,
    /// The organization of the seed (by name) it belongs to.
    pub organization: String,
    /// The provider type, one of the document's (default `generic scim v2.0`).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Its domain.
    #[serde(default)]
    pub domain: Option<String>,
    /// Group names.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Users, each in some of the groups above.
    #[serde(default)]
    pub users: Vec<SeedDirectoryUser>,
}

/// A user of a [`SeedDirectory`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct SeedDirectoryUser {
    /// Their email.
    pub email: String,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// `active` (default), `suspended` or `inactive`.
    #[serde(default)]
    pub state: Option<String>,
    /// Names of the directory's groups they are in.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Custom attributes, as the provider maps them.
    #[serde(default)]
    pub custom_attributes: BTreeMap<String, Value>,
}

impl Eq for SeedDirectoryUser {}

/// A user of a [`Seed`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct SeedUser {
    /// Their email.
    pub email: String,
    /// A password for `authenticate`'s password grant.
    #[serde(default)]
    pub password: Option<String>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Memberships: an organization of the seed (by name) and the role slug there.
    #[serde(default)]
    pub memberships: Vec<SeedMembership>,
}

impl SeedUser {
    /// A user with `email` and nothing else.
    pub fn new(email: impl Into<String>) -> Self {
        SeedUser { email: email.into(), ..Self::default() }
    }
    /// With a password.
    #[must_use]
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }
    /// A member of organization `organization` (by name) with `role`.
    #[must_use]
    pub fn member_of(mut self, organization: impl Into<String>, role: impl Into<String>) -> Self {
        self.memberships.push(SeedMembership { organization: organization.into(), role: role.into() });
        self
    }
}

/// A membership of a [`SeedUser`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SeedMembership {
    /// The organization's name (one of the seed's).
    pub organization: String,
    /// The role slug (default `member`).
    #[serde(default = "member")]
    pub role: String,
}

fn member() -> String {
    "member".to_owned()
}

/// A permission in a [`Seed`].
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SeedPermission {
    /// Unique slug, e.g. `posts:read`.
    pub slug: String,
    /// Display name.
    pub name: String,
}

/// An environment role in a [`Seed`].
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SeedRole {
    /// Unique slug, e.g. `admin`.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Slugs of permissions in the same seed (or created earlier).
    #[serde(default)]
    pub permissions: Vec<String>,
}

impl Seed {
    /// What every WorkOS environment starts with: the `member` environment role, which new
    /// organization memberships get by default.
    pub fn workos_default() -> Self {
        Self {
            environment_roles: vec![SeedRole {
                slug: "member".to_owned(),
                name: "Member".to_owned(),
                permissions: Vec::new(),
            }],
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The indexes the writes keep equal the ones built from scratch, through creates, an email
    /// change and deletes of users, memberships and organizations.
    #[test]
    fn kept_indexes_match_rebuilt_ones() {
        let mut store = Store::default();
        let mut call = |f: &dyn Fn(&mut Store) -> ApiResult<()>| f(&mut store).expect("write");
        for o in 0..3 {
            call(&|s| {
                crate::routes::create_organization(s, format!(r#"{{"name": "O{o}"}}"#).as_bytes()).map(drop)
            });
        }
        for u in 0..6 {
            call(&|s| {
                crate::routes::create_user_in(s, format!(r#"{{"email": "u{u}@x.test"}}"#).as_bytes())
                    .map(drop)
            });
        }
        let (orgs, users): (Vec<String>, Vec<String>) = (
            store.organizations.iter().map(|o| o.id.clone()).collect(),
            store.users.iter().map(|u| u.id.clone()).collect(),
        );
        for (i, user) in users.iter().enumerate() {
            for org in orgs.iter().take(1 + i % 3) {
                let body = format!(r#"{{"user_id": "{user}", "organization_id": "{org}"}}"#);
                crate::routes::create_membership_in(&mut store, body.as_bytes()).expect("membership");
            }
        }
        store.set_email(2, "renamed@x.test".into());
        store.set_user_external(3, Some("ext-3".into()));
        store.set_organization_external(2, Some("org-ext".into()));
        store.set_organization_external(2, Some("org-ext-2".into()));
        store.remove_user(&users[0]);
        store.remove_organization(&orgs[1]);
        let first = store.memberships[0].id.clone();
        store.remove_memberships(|m| m.id == first);
        let some = store.assignments[1].id.clone();
        assert_eq!(store.remove_assignments(|a| a.id == some), 1);
        let kept = store.indexes.clone();
        store.reindex();
        assert_eq!(kept, store.indexes);
        assert!(
            store.user_by_email("renamed@x.test").is_some() && store.user_by_email("u2@x.test").is_none()
        );
        assert!(store.membership_ids(false, &orgs[1]).is_empty());
        assert!(
            store.organization_by_external("org-ext-2").is_some()
                && store.organization_by_external("org-ext").is_none()
        );
        assert!(store.user_by_external("ext-3").is_some());
    }

    #[test]
    fn bounded_lists_keep_the_newest() {
        let mut list = Vec::new();
        for i in 0..25 {
            push_bounded(&mut list, i, 10);
        }
        assert_eq!(list, (15..25).collect::<Vec<_>>());
    }
}
