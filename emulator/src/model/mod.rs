//! The emulator's model: every area's records (shaped exactly as the document's response
//! schemas), rules and typed operations. Nothing here knows HTTP: the route handlers of
//! [`crate::routes`] parse a request, call the model and render what it returns.

pub(crate) mod error;
#[macro_use]
pub(crate) mod table;
pub(crate) mod admin_portal;
pub(crate) mod agents;
pub(crate) mod api_keys;
pub(crate) mod audit_logs;
pub(crate) mod authorization;
pub(crate) mod connect;
pub(crate) mod directory_sync;
pub(crate) mod events;
pub(crate) mod feature_flags;
pub(crate) mod generic;
pub(crate) mod groups;
pub(crate) mod ids;
pub(crate) mod list;
pub(crate) mod mfa;
pub(crate) mod organization_domains;
pub(crate) mod organizations;
pub(crate) mod persist;
pub(crate) mod pipes;
pub(crate) mod platform_teams;
pub(crate) mod radar;
pub(crate) mod seed;
pub(crate) mod sso;
#[cfg(test)]
pub(crate) mod testing;
pub(crate) mod urls;
pub(crate) mod user_management;
pub(crate) mod vault;
pub(crate) mod webhooks;
pub(crate) mod widgets;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::ids::IdGen;
use crate::model::table::Table;

pub(crate) use api_keys::ApiKey;
pub(crate) use audit_logs::AuditLogs;
pub(crate) use authorization::{
    Assignment, AssignmentSource, DEFAULT_ROLE, GroupAssignment, ORGANIZATION_TYPE, Permission, Resource,
    ResourceRef, Role, SlimRole,
};
pub(crate) use directory_sync::{Directory, DirectoryGroup, DirectoryUser};
pub(crate) use feature_flags::Flag;
pub(crate) use groups::Group;
pub(crate) use organization_domains::Domain;
pub(crate) use organizations::Organization;
pub use seed::{
    Seed, SeedAuthentication, SeedConnection, SeedDirectory, SeedDirectoryUser, SeedFeatureFlag,
    SeedMembership, SeedPermission, SeedRecord, SeedRole, SeedUser,
};
pub(crate) use user_management::{
    AuthCode, AuthSession, AuthkitSettings, EmailChange, Invitation, Membership, OneTimeCode, PasswordReset,
    PendingAuth, User,
};
pub(crate) use webhooks::WebhookEndpoint;

/// A fixed name in a record (`object`, a status, a type): interned when read back from a data
/// file (a plain `&'static str` would make serde borrow from the input).
pub(crate) type Name = &'static str;

/// An email WorkOS would have sent (the emulator sends none): tests read the codes and links
/// from [`crate::Emulator::emails`] or `GET /_emulator/emails`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SentEmail {
    /// The address it went to.
    pub to: String,
    /// What it is: `invitation`, `magic_auth`, `email_verification`, `email_change`,
    /// `password_reset`, `passwordless_session` (a Magic Link), `waitlist_confirmation` or
    /// `team_invitation` (a platform team's admin), among others.
    #[serde(deserialize_with = "crate::model::persist::interned")]
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

/// Everything the emulator holds. Collections are kept in creation order, which is id order.
/// A clone is a snapshot: it copies the data and the event log, not the webhook endpoints.
/// A data file without some collection (written before it existed) reads it as empty.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Store {
    pub(crate) ids: IdGen,
    pub(crate) permissions: Table<Permission>,
    /// Permission ids by slug.
    pub(crate) permission_ids: std::collections::HashMap<String, String>,
    pub(crate) roles: Table<Role>,
    pub(crate) organizations: Table<Organization>,
    pub(crate) users: Table<User>,
    pub(crate) memberships: Table<Membership>,
    pub(crate) assignments: Table<Assignment>,
    pub(crate) resources: Table<Resource>,
    /// Passwords of users created with one, by user id.
    pub(crate) passwords: BTreeMap<String, String>,
    /// Authorization codes not yet exchanged (single use, ten minutes).
    pub(crate) auth_codes: Vec<AuthCode>,
    /// Sessions by refresh token (rotated at each refresh).
    pub(crate) auth_sessions: Vec<AuthSession>,
    /// Sign-ins waiting for email verification or an organization (ten minutes).
    pub(crate) pending_auths: Vec<PendingAuth>,
    /// Directory sync, seeded: directories, their groups and users.
    pub(crate) directories: Table<Directory>,
    pub(crate) directory_groups: Table<DirectoryGroup>,
    pub(crate) directory_users: Table<DirectoryUser>,
    /// Invitations, one-time codes and tokens of the user management flows.
    pub(crate) invitations: Table<Invitation>,
    pub(crate) magic_auths: Table<OneTimeCode>,
    pub(crate) email_verifications: Table<OneTimeCode>,
    pub(crate) password_resets: Table<PasswordReset>,
    pub(crate) email_changes: Vec<EmailChange>,
    pub(crate) authkit: AuthkitSettings,
    /// Webhook endpoints made through the API.
    pub(crate) webhook_endpoints: Table<WebhookEndpoint>,
    /// Organization and user API keys.
    pub(crate) api_keys: Table<ApiKey>,
    /// The emails WorkOS would have sent, newest last, at most [`MAX_EMAILS`].
    pub(crate) outbox: std::collections::VecDeque<SentEmail>,
    /// Audit logs.
    pub(crate) audit: AuditLogs,
    /// Feature flags (seeded).
    pub(crate) flags: Table<Flag>,
    /// Groups of organization memberships.
    pub(crate) groups: Table<Group>,
    /// Roles granted to groups; their members' derived assignments are in `assignments`.
    pub(crate) group_assignments: Table<GroupAssignment>,
    /// Vault's key-value objects and data keys.
    pub(crate) vault: crate::model::vault::VaultData,
    /// Pipes: users' connected accounts of data providers.
    pub(crate) pipes: crate::model::pipes::PipesData,
    /// Organizations' IT contacts.
    pub(crate) it_contacts: Table<crate::model::organizations::it_contacts::ItContact>,
    /// SSO: connections, profiles, and the flow's codes and tokens.
    pub(crate) sso: crate::model::sso::SsoData,
    /// MFA factors and challenges.
    pub(crate) mfa: crate::model::mfa::MfaData,
    /// Device authorizations waiting for their user.
    pub(crate) device: crate::model::user_management::signin::device::DeviceData,
    /// Radar's attempts and allow and block lists.
    pub(crate) radar: crate::model::radar::RadarData,
    /// Connect: applications, secrets, users' grants, external authentication sessions.
    pub(crate) connect: crate::model::connect::ConnectData,
    /// Pipes' data integrations and organizations' configurations of them.
    pub(crate) integrations: crate::model::pipes::IntegrationsData,
    /// Agents' registrations.
    pub(crate) agents: crate::model::agents::AgentsData,
    /// Waitlists (seeded) and the people on them.
    pub(crate) waitlists: crate::model::user_management::waitlists::WaitlistsData,
    /// AuthKit OAuth resources (MCP resource indicators).
    pub(crate) oauth_resources: Table<crate::model::user_management::oauth_resources::OAuthResource>,
    /// Platform teams.
    pub(crate) teams: Table<crate::model::platform_teams::Team>,
    /// Admin Portal links generated for an admin (`external_user_id`), for revoking them.
    pub(crate) portal_links: Vec<crate::model::admin_portal::IssuedLink>,
    /// Records of the operations served from the document (no model yet).
    pub(crate) generic: crate::model::generic::GenericRecords,
    /// Lookups by user, organization and email (not in the data file: rebuilt from it).
    #[serde(skip)]
    pub(crate) indexes: Indexes,
    /// The events the writes above produced.
    pub(crate) events: crate::model::events::Events,
}

impl Store {
    /// Puts back the data of `copy` (a clone, see [`crate::Snapshot`]). Ids keep increasing (no
    /// id is issued twice) and the webhook endpoints stay.
    pub(crate) fn restore(&mut self, copy: &Self) {
        let mut events = std::mem::take(&mut self.events);
        events.restore_log(&copy.events);
        *self = Self { ids: self.ids.clone(), events, ..copy.clone() };
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
            sent_at: crate::model::ids::now(),
        };
        push_back_bounded(&mut self.outbox, email, MAX_EMAILS);
    }

    /// Records event `name` with `data` (and queues it for the webhook endpoints).
    pub(crate) fn emit(&mut self, name: &str, data: Value) {
        let subscribers: Vec<crate::model::events::Subscriber<'_>> = self
            .webhook_endpoints
            .iter()
            .filter(|e| e.status == "enabled" && e.events.iter().any(|x| x == name))
            .map(|e| crate::model::events::Subscriber { id: &e.id, url: &e.endpoint_url, secret: &e.secret })
            .collect();
        self.events.emit(&mut self.ids, name, data, &subscribers);
    }

    /// [`Store::emit`] with the JSON of a record.
    pub(crate) fn emit_record(&mut self, name: &str, record: &impl Serialize) {
        let data = serde_json::to_value(record).unwrap_or(Value::Null);
        self.emit(name, data);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The indexes the writes keep equal the ones built from scratch, through creates, an email
    /// change and deletes of users, memberships and organizations.
    #[test]
    fn kept_indexes_match_rebuilt_ones() {
        let mut store = Store::default();
        for o in 0..3 {
            store
                .create_organization(organizations::CreateOrganization::named(format!("O{o}")))
                .expect("org");
        }
        for u in 0..6 {
            store.create_user(user_management::CreateUser::with_email(format!("u{u}@x.test"))).expect("user");
        }
        let (orgs, users): (Vec<String>, Vec<String>) = (
            store.organizations.iter().map(|o| o.id.clone()).collect(),
            store.users.iter().map(|u| u.id.clone()).collect(),
        );
        for (i, user) in users.iter().enumerate() {
            for org in orgs.iter().take(1 + i % 3) {
                let new = user_management::CreateMembership {
                    user_id: user.clone(),
                    organization_id: org.clone(),
                    ..Default::default()
                };
                store.create_membership(new).expect("membership");
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
