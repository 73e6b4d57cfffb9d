//! Data to load into a new emulator: [`Seed`] and its parts.

use serde::{Deserialize, Serialize};

use super::authorization::permissions::CreatePermission;
use super::authorization::roles::CreateRole;
use super::error::ApiError;
use super::organizations::CreateOrganization;
use super::user_management::memberships::CreateMembership;
use super::user_management::users::CreateUser;

use super::*;

/// Where a seed's waitlists go ([`SeedRecord::path`]).
const WAITLISTS: &str = "/user_management/waitlists";

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

/// A record of a [`Seed`] that no operation creates: stored in the collection at `path`, with an
/// id, `object` and timestamps added. A waitlist (`/user_management/waitlists`, no fields) goes
/// to the waitlists' model; any other to the operations served from the document.
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

/// A seed that could not be applied: which item, and what the API said about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    /// The seed item, e.g. `permission 'posts:read'`.
    pub item: String,
    /// The emulator's error message for it.
    pub message: String,
}

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot seed {}: {}", self.item, self.message)
    }
}

impl std::error::Error for SeedError {}

/// A [`SeedError`] for `item` from the API's error.
fn refused(item: impl Into<String>) -> impl FnOnce(ApiError) -> SeedError {
    let item = item.into();
    move |e| SeedError { item, message: e.message }
}

impl Store {
    /// Seeds through the same typed operations, and so the same rules, as the API (unique slugs,
    /// existing permissions...). Items are applied in order; the first refusal stops the seed
    /// (the caller puts the data back as it was).
    pub(crate) fn apply_seed(&mut self, seed: &Seed) -> Result<(), SeedError> {
        for p in &seed.permissions {
            let new = CreatePermission { slug: p.slug.clone(), name: p.name.clone(), ..Default::default() };
            self.create_permission(new).map_err(refused(format!("permission '{}'", p.slug)))?;
        }
        for r in &seed.environment_roles {
            let item = format!("environment role '{}'", r.slug);
            self.check_permissions(&r.permissions).map_err(refused(item.clone()))?;
            let new = CreateRole { slug: Some(r.slug.clone()), name: r.name.clone(), ..Default::default() };
            self.create_environment_role(new).map_err(refused(item))?;
            let role = self.roles.last_mut().expect("just created");
            role.permissions.clone_from(&r.permissions);
        }
        for name in &seed.organizations {
            self.create_organization(CreateOrganization::named(name))
                .map_err(refused(format!("organization '{name}'")))?;
        }
        for u in &seed.users {
            self.seed_user(u)?;
        }
        for d in &seed.directories {
            let item = format!("directory '{}'", d.name);
            let org = self.seeded_organization(&item, &d.organization)?;
            super::directory_sync::seed_directory(self, &org, d).map_err(refused(item))?;
        }
        for c in &seed.connections {
            let item = format!("connection '{}'", c.name);
            let org = self.seeded_organization(&item, &c.organization)?;
            super::sso::seed_connection(self, &org, c).map_err(refused(item))?;
        }
        for r in &seed.records {
            self.seed_record(r)?;
        }
        for f in &seed.feature_flags {
            super::feature_flags::seed_flag(self, f)
                .map_err(refused(format!("feature flag '{}'", f.slug)))?;
        }
        match &seed.authentication {
            Some(settings) => self.seed_authentication(settings),
            None => Ok(()),
        }
    }

    /// A record no operation creates: a waitlist into the waitlists' model (it has no fields
    /// but its id and timestamps, which the emulator sets), any other into the collection of
    /// the operations served from the document.
    fn seed_record(&mut self, r: &SeedRecord) -> Result<(), SeedError> {
        if r.path == WAITLISTS {
            self.add_waitlist();
            return Ok(());
        }
        super::generic::seed(self, &r.path, r.fields.clone())
            .map(drop)
            .map_err(refused(format!("record at '{}'", r.path)))
    }

    /// A user of the seed, with its memberships of organizations named in the seed.
    fn seed_user(&mut self, u: &SeedUser) -> Result<(), SeedError> {
        let item = format!("user '{}'", u.email);
        let new = CreateUser {
            password: u.password.clone(),
            first_name: u.first_name.clone(),
            ..CreateUser::with_email(&u.email)
        };
        let user = self.create_user(new).map_err(refused(item.clone()))?;
        for m in &u.memberships {
            let item = format!("{item} in '{}'", m.organization);
            let Some(org) =
                self.organizations.iter().find(|o| o.name == m.organization).map(|o| o.id.clone())
            else {
                return Err(SeedError { item, message: "no organization of that name in the seed".into() });
            };
            let new = CreateMembership {
                user_id: user.id.clone(),
                organization_id: org,
                role_slug: Some(m.role.clone()),
                ..Default::default()
            };
            self.create_membership(new).map_err(refused(item))?;
        }
        Ok(())
    }

    /// The id of the seeded organization named `name`, for `item`.
    fn seeded_organization(&self, item: &str, name: &str) -> Result<String, SeedError> {
        self.organizations.iter().find(|o| o.name == name).map(|o| o.id.clone()).ok_or_else(|| SeedError {
            item: item.to_owned(),
            message: format!("no organization '{name}' in the seed"),
        })
    }

    /// The environment's sign-in settings of the seed.
    fn seed_authentication(&mut self, settings: &SeedAuthentication) -> Result<(), SeedError> {
        if let Some(kind) = settings.radar_challenge.as_deref()
            && !matches!(kind, "email" | "sms")
        {
            return Err(SeedError {
                item: "authentication.radar_challenge".into(),
                message: format!("'{kind}' is not email or sms"),
            });
        }
        let authkit = &mut self.authkit;
        authkit.email_verification_required = settings.email_verification_required;
        authkit.organization_selection_required = settings.organization_selection_required;
        authkit.mfa_required = settings.mfa_required;
        authkit.device_interval_secs = settings.device_poll_interval_secs;
        authkit.radar_challenge.clone_from(&settings.radar_challenge);
        Ok(())
    }
}
