//! The records an action request carries (user, organization, membership, invitation), with
//! the Node SDK's fields, and their string enums.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// The user a registration would create (`user_data`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct UserData {
    /// The email address.
    pub email: String,
    /// The full name, if known.
    #[serde(default)]
    pub name: Option<String>,
    /// The first name. The Node SDK types it as a string; like a user's, it may be `null` or
    /// absent here, so that a registration without a name can still be answered.
    #[serde(default)]
    pub first_name: Option<String>,
    /// The last name (see [`first_name`](Self::first_name)).
    #[serde(default)]
    pub last_name: Option<String>,
}

/// A user, as in an authentication action (and a membership's `user`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// The user's id.
    pub id: String,
    /// The email address.
    pub email: String,
    /// Whether the email address is verified.
    pub email_verified: bool,
    /// The profile picture's URL.
    #[serde(default)]
    pub profile_picture_url: Option<String>,
    /// The full name.
    #[serde(default)]
    pub name: Option<String>,
    /// The first name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// The last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// When the user last signed in.
    #[serde(default)]
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// The user's locale, such as `en-US`.
    #[serde(default)]
    pub locale: Option<String>,
    /// The id of the user in the application's own system.
    #[serde(default)]
    pub external_id: Option<String>,
    /// The user's metadata (empty when absent, as the Node SDK reads it).
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// When the user was created.
    pub created_at: DateTime<Utc>,
    /// When the user was last updated.
    pub updated_at: DateTime<Utc>,
}

/// An organization, as in an authentication action.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Organization {
    /// The organization's id.
    pub id: String,
    /// The organization's name.
    pub name: String,
    /// Whether its users may sign in with profiles outside its domains.
    pub allow_profiles_outside_organization: bool,
    /// Its domains.
    pub domains: Vec<OrganizationDomain>,
    /// Its Stripe customer id.
    #[serde(default)]
    pub stripe_customer_id: Option<String>,
    /// The id of the organization in the application's own system.
    #[serde(default)]
    pub external_id: Option<String>,
    /// The organization's metadata (empty when absent, as the Node SDK reads it).
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// When the organization was created.
    pub created_at: DateTime<Utc>,
    /// When the organization was last updated.
    pub updated_at: DateTime<Utc>,
}

/// A domain of an [`Organization`]. The API leaves out `organization_id`, `created_at` and
/// `updated_at` of the domains it lists in an organization (see the crate's CHANGELOG), so they
/// are optional here, unlike in the Node SDK's type.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct OrganizationDomain {
    /// The domain's id.
    pub id: String,
    /// The domain name, such as `example.com`.
    pub domain: String,
    /// The organization's id.
    #[serde(default)]
    pub organization_id: Option<String>,
    /// Its verification state.
    pub state: OrganizationDomainState,
    /// How it is (or was) verified.
    #[serde(default)]
    pub verification_strategy: Option<OrganizationDomainVerificationStrategy>,
    /// The token of the DNS TXT record that verifies it.
    #[serde(default)]
    pub verification_token: Option<String>,
    /// The prefix of that DNS TXT record.
    #[serde(default)]
    pub verification_prefix: Option<String>,
    /// When the domain was added.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    /// When the domain was last updated.
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

/// A user's membership in an organization, as in an authentication action.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct OrganizationMembership {
    /// The membership's id.
    pub id: String,
    /// The user's id.
    pub user_id: String,
    /// The organization's id.
    pub organization_id: String,
    /// The organization's name.
    #[serde(default)]
    pub organization_name: Option<String>,
    /// Whether the membership is active, inactive or pending.
    pub status: OrganizationMembershipStatus,
    /// Whether a directory manages it (`false` when absent, as the Node SDK reads it).
    #[serde(default)]
    pub directory_managed: bool,
    /// The member's role.
    pub role: Role,
    /// All the member's roles (empty when absent).
    #[serde(default)]
    pub roles: Vec<Role>,
    /// The member, when WorkOS includes it.
    #[serde(default)]
    pub user: Option<User>,
    /// Custom attributes (empty when absent, as the Node SDK reads them).
    #[serde(default)]
    pub custom_attributes: serde_json::Map<String, serde_json::Value>,
    /// When the membership was created.
    pub created_at: DateTime<Utc>,
    /// When the membership was last updated.
    pub updated_at: DateTime<Utc>,
}

/// A role of an [`OrganizationMembership`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Role {
    /// The role's slug, such as `admin`.
    pub slug: String,
}

/// An invitation accepted by a registration. `Debug` leaves out its `token` and its
/// `accept_invitation_url` (which carries the token).
#[derive(Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Invitation {
    /// The invitation's id.
    pub id: String,
    /// The invited email address.
    pub email: String,
    /// Pending, accepted, expired or revoked.
    pub state: InvitationState,
    /// When it was accepted.
    #[serde(default)]
    pub accepted_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    #[serde(default)]
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// The organization it invites to, if any.
    #[serde(default)]
    pub organization_id: Option<String>,
    /// The user who sent it, if any.
    #[serde(default)]
    pub inviter_user_id: Option<String>,
    /// The user who accepted it, if any.
    #[serde(default)]
    pub accepted_user_id: Option<String>,
    /// The slug of the role it grants, if any.
    #[serde(default)]
    pub role_slug: Option<String>,
    /// The token that accepts it (a secret: never in `Debug`).
    pub token: String,
    /// The URL where it can be accepted (it carries the token: never in `Debug`).
    pub accept_invitation_url: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last updated.
    pub updated_at: DateTime<Utc>,
}

impl fmt::Debug for Invitation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Invitation")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("state", &self.state)
            .field("accepted_at", &self.accepted_at)
            .field("revoked_at", &self.revoked_at)
            .field("expires_at", &self.expires_at)
            .field("organization_id", &self.organization_id)
            .field("inviter_user_id", &self.inviter_user_id)
            .field("accepted_user_id", &self.accepted_user_id)
            .field("role_slug", &self.role_slug)
            .field("token", &"<redacted>")
            .field("accept_invitation_url", &"<redacted>")
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

/// A string enum that keeps the values it does not know (`Unknown`), as the emitted types do.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $wire:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!("`", $wire, "`")]
                $variant,
            )*
            /// A value this version of the crate does not know, as sent.
            Unknown(String),
        }

        impl $name {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(raw) => raw,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok(Self::from(&*value))
            }
        }
    };
}

open_enum! {
    /// How a user authenticated or is registering (the Node SDK's `AuthenticationMethod`).
    AuthenticationMethod {
        Sso => "SSO",
        Password => "Password",
        Passkey => "Passkey",
        AppleOAuth => "AppleOAuth",
        BitbucketOAuth => "BitbucketOAuth",
        DiscordOAuth => "DiscordOAuth",
        GitHubOAuth => "GitHubOAuth",
        GitLabOAuth => "GitLabOAuth",
        GoogleOAuth => "GoogleOAuth",
        GrokOAuth => "GrokOAuth",
        XOAuth => "XOAuth",
        IntuitOAuth => "IntuitOAuth",
        LinkedInOAuth => "LinkedInOAuth",
        MicrosoftOAuth => "MicrosoftOAuth",
        SalesforceOAuth => "SalesforceOAuth",
        SlackOAuth => "SlackOAuth",
        VercelMarketplaceOAuth => "VercelMarketplaceOAuth",
        VercelOAuth => "VercelOAuth",
        XeroOAuth => "XeroOAuth",
        MagicAuth => "MagicAuth",
        CrossAppAuth => "CrossAppAuth",
        ExternalAuth => "ExternalAuth",
        MigratedSession => "MigratedSession",
        Impersonation => "Impersonation",
    }
}

open_enum! {
    /// The status of an [`OrganizationMembership`].
    OrganizationMembershipStatus {
        Active => "active",
        Inactive => "inactive",
        Pending => "pending",
    }
}

open_enum! {
    /// The state of an [`Invitation`].
    InvitationState {
        Pending => "pending",
        Accepted => "accepted",
        Expired => "expired",
        Revoked => "revoked",
    }
}

open_enum! {
    /// The verification state of an [`OrganizationDomain`].
    OrganizationDomainState {
        Verified => "verified",
        Pending => "pending",
        Unverified => "unverified",
        Failed => "failed",
    }
}

open_enum! {
    /// How an [`OrganizationDomain`] is verified.
    OrganizationDomainVerificationStrategy {
        Dns => "dns",
        Manual => "manual",
    }
}
