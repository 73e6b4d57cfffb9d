//! WorkOS Actions: verifying the request WorkOS sends an action endpoint during authentication or
//! user registration, and signing the endpoint's answer (allow, or deny with a message).
//!
//! WorkOS signs an action request as it signs a webhook delivery: the
//! [`WorkOS-Signature`](SIGNATURE_HEADER) header is
//! `t=<timestamp in milliseconds>, v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with the action
//! endpoint's secret. [`verify`] checks it with the same code as [`webhooks`](crate::webhooks)
//! (bounded header: at most [`MAX_HEADER_LEN`](crate::webhooks::MAX_HEADER_LEN) bytes and
//! [`MAX_SIGNATURES`](crate::webhooks::MAX_SIGNATURES) entries; HMAC compared in constant time),
//! with a tolerance of [30 seconds](DEFAULT_TOLERANCE) **in both directions**, the default of the
//! Node SDK's `constructAction`. The verified body is read as a typed [`Action`]; a kind this
//! version does not know is [`Action::Unknown`] with its JSON, and fields it does not know are
//! ignored.
//!
//! The endpoint answers with a [`Response`] signed for the action's [kind](ActionKind), the JSON
//! the Node SDK's `signResponse` makes, byte for byte:
//! `{"object":"<kind>_action_response","payload":{"timestamp":<ms>,"verdict":"Allow"|"Deny"[,"error_message":"..."]},"signature":"<hex>"}`,
//! where the signature is the HMAC-SHA256 of `"<timestamp>.<payload JSON>"`.
//! `tests/node_interop.rs` checks both directions against vectors made by `@workos-inc/node`.
//!
//! Errors say which check failed, never the secret, the header or a signature.
//!
//! ```
//! use workos_api::actions::{self, Action, ActionError, Response};
//!
//! /// The body of the endpoint's `200 OK`, or `None` for a kind this version cannot answer
//! /// (WorkOS then applies the endpoint's configured error handling).
//! fn answer(body: &[u8], signature: &str, secret: &str) -> Result<Option<String>, ActionError> {
//!     let action = actions::verify(body, signature, secret)?;
//!     let response = match &action {
//!         Action::UserRegistration(registration) if registration.user_data.email.ends_with("@gmail.com") => {
//!             Response::deny("Please sign up with your work email address.")
//!         }
//!         Action::Authentication(authentication) if authentication.organization.is_none() => {
//!             Response::deny("Please sign in through your organization.")
//!         }
//!         _ => Response::allow(),
//!     };
//!     Ok(action.kind().map(|kind| response.sign(kind, secret).to_json()))
//! }
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use hmac::Mac as _;
use serde::{Deserialize, Serialize};

use crate::webhooks::{SignatureFailure, check_signature, millis, signed};

pub use crate::webhooks::SIGNATURE_HEADER;

/// How far from the current time an action request's timestamp may be, by default, in either
/// direction: 30 seconds, the default `tolerance` of the Node SDK's `constructAction` (WorkOS
/// waits for the answer while the user waits, so a request is answered at once).
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(30);

/// Verifies an action request's `body` against its [`WorkOS-Signature`](SIGNATURE_HEADER) header
/// with the action endpoint's `secret` ([`DEFAULT_TOLERANCE`], the system clock), and reads it
/// as an [`Action`].
///
/// # Errors
/// An [`ActionError`] saying which check failed.
pub fn verify(body: &[u8], signature_header: &str, secret: &str) -> Result<Action, ActionError> {
    verify_with(body, signature_header, secret, DEFAULT_TOLERANCE, SystemTime::now())
}

/// [`verify`] with a tolerance and the current time given (for tests and replays). To test an
/// endpoint, sign a body as WorkOS does with [`webhooks::sign`](crate::webhooks::sign):
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use workos_api::actions::{self, Action, DEFAULT_TOLERANCE};
///
/// let body = br#"{"id":"action_01","object":"password_reset_action_context","user_id":"user_01"}"#;
/// let now = SystemTime::now();
/// let header = workos_api::webhooks::sign(body, "secret", now);
/// let action = actions::verify_with(body, &header, "secret", DEFAULT_TOLERANCE, now).unwrap();
/// assert!(matches!(action, Action::Unknown(_)));
/// assert_eq!(action.object(), "password_reset_action_context");
///
/// let later = now + Duration::from_secs(31);
/// let late = actions::verify_with(body, &header, "secret", DEFAULT_TOLERANCE, later).unwrap_err();
/// assert!(late.is_stale());
/// ```
///
/// # Errors
/// An [`ActionError`] saying which check failed.
pub fn verify_with(
    body: &[u8],
    signature_header: &str,
    secret: &str,
    tolerance: Duration,
    now: SystemTime,
) -> Result<Action, ActionError> {
    check_signature(body, signature_header, secret, tolerance, now)?;
    Action::from_json(body)
}

/// Why an action request was rejected. Each cause has its own variant and predicate; none holds
/// the secret, the header or a signature.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ActionError {
    /// The request had no signature header (or an empty one).
    #[error("action rejected: no {SIGNATURE_HEADER} header")]
    MissingHeader,
    /// The header is not `t=<milliseconds>, v1=<hex>`, or goes beyond the limits
    /// ([`MAX_HEADER_LEN`](crate::webhooks::MAX_HEADER_LEN),
    /// [`MAX_SIGNATURES`](crate::webhooks::MAX_SIGNATURES)).
    #[error("action rejected: malformed {SIGNATURE_HEADER} header: {reason}")]
    MalformedHeader {
        /// Which rule it breaks (never the header's text).
        reason: String,
    },
    /// The signature's timestamp is older than the tolerance (a replay, or a request held too
    /// long).
    #[error("action rejected: signed {age:?} ago, beyond the {tolerance:?} tolerance")]
    StaleTimestamp {
        /// How long ago it was signed.
        age: Duration,
        /// The tolerance it was checked against.
        tolerance: Duration,
    },
    /// The signature's timestamp is further in the future than the tolerance (a signer's clock
    /// set ahead, a timestamp in microseconds, a request prepared for a later replay).
    #[error("action rejected: signed {ahead:?} in the future, beyond the {tolerance:?} tolerance")]
    FutureTimestamp {
        /// How far ahead of the current time it claims to be signed.
        ahead: Duration,
        /// The tolerance it was checked against.
        tolerance: Duration,
    },
    /// The HMAC does not match: a wrong secret or a body changed on the way.
    #[error("action rejected: the signature does not match the body and secret")]
    BadSignature,
    /// The signature holds, but the body is not an action: not a JSON object with an `object`
    /// string, or a known kind whose fields do not decode.
    #[error("action rejected: the signed body is not an action (at {path}): {source}")]
    MalformedBody {
        /// Where in the body decoding failed (`.` for the body itself).
        path: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
}

impl ActionError {
    /// No signature header.
    pub fn is_missing_header(&self) -> bool {
        matches!(self, ActionError::MissingHeader)
    }
    /// A header that is not `t=..., v1=...`, or one too long or with too many entries.
    pub fn is_malformed_header(&self) -> bool {
        matches!(self, ActionError::MalformedHeader { .. })
    }
    /// A timestamp older than the tolerance (see [`is_outside_tolerance`](Self::is_outside_tolerance)
    /// for both directions).
    pub fn is_stale(&self) -> bool {
        matches!(self, ActionError::StaleTimestamp { .. })
    }
    /// A timestamp further in the future than the tolerance.
    pub fn is_from_the_future(&self) -> bool {
        matches!(self, ActionError::FutureTimestamp { .. })
    }
    /// A timestamp outside the tolerance, in the past or in the future.
    pub fn is_outside_tolerance(&self) -> bool {
        self.is_stale() || self.is_from_the_future()
    }
    /// An HMAC that does not match the body and secret.
    pub fn is_bad_signature(&self) -> bool {
        matches!(self, ActionError::BadSignature)
    }
    /// A correctly signed body that is not an action.
    pub fn is_malformed_body(&self) -> bool {
        matches!(self, ActionError::MalformedBody { .. })
    }
}

impl From<SignatureFailure> for ActionError {
    fn from(failure: SignatureFailure) -> Self {
        match failure {
            SignatureFailure::MissingHeader => ActionError::MissingHeader,
            SignatureFailure::MalformedHeader(reason) => ActionError::MalformedHeader { reason },
            SignatureFailure::Stale { age, tolerance } => ActionError::StaleTimestamp { age, tolerance },
            SignatureFailure::FromTheFuture { ahead, tolerance } => {
                ActionError::FutureTimestamp { ahead, tolerance }
            }
            SignatureFailure::Mismatch => ActionError::BadSignature,
        }
    }
}

/// The kind of an action, which names the objects of its request and of its response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ActionKind {
    /// Runs after a user authenticates, before they are redirected to the application.
    Authentication,
    /// Runs when a user registers, before they are provisioned.
    UserRegistration,
}

impl ActionKind {
    /// The kind as the Node SDK's `signResponse` takes it (`type`): `authentication` or
    /// `user_registration`.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Authentication => "authentication",
            ActionKind::UserRegistration => "user_registration",
        }
    }

    /// The `object` of a request of this kind: `authentication_action_context` or
    /// `user_registration_action_context`.
    pub fn request_object(self) -> &'static str {
        match self {
            ActionKind::Authentication => "authentication_action_context",
            ActionKind::UserRegistration => "user_registration_action_context",
        }
    }

    /// The `object` of a response to this kind: `authentication_action_response` or
    /// `user_registration_action_response`.
    pub fn response_object(self) -> &'static str {
        match self {
            ActionKind::Authentication => "authentication_action_response",
            ActionKind::UserRegistration => "user_registration_action_response",
        }
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A verified action request: what WorkOS asks the endpoint to decide on, by its `object`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Action {
    /// `authentication_action_context`: a user has authenticated.
    Authentication(Box<AuthenticationAction>),
    /// `user_registration_action_context`: a user is registering.
    UserRegistration(Box<UserRegistrationAction>),
    /// A kind this version does not know: the verified body as JSON (an object with a string
    /// `object`).
    Unknown(serde_json::Value),
}

impl Action {
    /// The kind to [sign a response](Response::sign) for; `None` for an unknown kind.
    pub fn kind(&self) -> Option<ActionKind> {
        match self {
            Action::Authentication(_) => Some(ActionKind::Authentication),
            Action::UserRegistration(_) => Some(ActionKind::UserRegistration),
            Action::Unknown(_) => None,
        }
    }

    /// The request's `object`, such as `authentication_action_context`.
    pub fn object(&self) -> &str {
        match self {
            Action::Authentication(_) => ActionKind::Authentication.request_object(),
            Action::UserRegistration(_) => ActionKind::UserRegistration.request_object(),
            Action::Unknown(raw) => raw["object"].as_str().unwrap_or_default(),
        }
    }

    /// The request's `id` (an unknown kind's, when it has a string `id`).
    pub fn id(&self) -> Option<&str> {
        match self {
            Action::Authentication(action) => Some(&action.id),
            Action::UserRegistration(action) => Some(&action.id),
            Action::Unknown(raw) => raw["id"].as_str(),
        }
    }

    /// Reads a (verified) body: dispatches on its `object`, keeps an unknown kind as JSON.
    fn from_json(body: &[u8]) -> Result<Action, ActionError> {
        let malformed = |path: String, source| ActionError::MalformedBody { path, source };
        let value: serde_json::Value =
            serde_json::from_slice(body).map_err(|source| malformed(".".into(), source))?;
        let object = value.get("object").and_then(serde_json::Value::as_str).ok_or_else(|| {
            malformed(".".into(), serde::de::Error::custom("not a JSON object with an `object` string"))
        })?;
        fn typed<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<Box<T>, ActionError> {
            serde_path_to_error::deserialize(value).map(Box::new).map_err(|e| ActionError::MalformedBody {
                path: e.path().to_string(),
                source: e.into_inner(),
            })
        }
        if object == ActionKind::Authentication.request_object() {
            typed(value).map(Action::Authentication)
        } else if object == ActionKind::UserRegistration.request_object() {
            typed(value).map(Action::UserRegistration)
        } else {
            Ok(Action::Unknown(value))
        }
    }
}

/// The request of an authentication action (`authentication_action_context`), with the fields
/// of the Node SDK's `AuthenticationActionPayload`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct AuthenticationAction {
    /// The action's id.
    pub id: String,
    /// The user who authenticated.
    pub user: User,
    /// The organization the user is signing in to, if any.
    #[serde(default)]
    pub organization: Option<Organization>,
    /// The user's membership in that organization, if any.
    #[serde(default)]
    pub organization_membership: Option<OrganizationMembership>,
    /// How the user authenticated.
    #[serde(default)]
    pub authentication_method: Option<AuthenticationMethod>,
    /// The IP address the request came from.
    #[serde(default)]
    pub ip_address: Option<String>,
    /// The user agent of the request.
    #[serde(default)]
    pub user_agent: Option<String>,
    /// The device's fingerprint.
    #[serde(default)]
    pub device_fingerprint: Option<String>,
    /// The issuer of the authentication.
    #[serde(default)]
    pub issuer: Option<String>,
}

/// The request of a user-registration action (`user_registration_action_context`), with the
/// fields of the Node SDK's `UserRegistrationActionPayload`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct UserRegistrationAction {
    /// The action's id.
    pub id: String,
    /// Who is registering (no user exists yet).
    pub user_data: UserData,
    /// The invitation being accepted, if any.
    #[serde(default)]
    pub invitation: Option<Invitation>,
    /// How the user is registering.
    #[serde(default)]
    pub authentication_method: Option<AuthenticationMethod>,
    /// The IP address the request came from.
    #[serde(default)]
    pub ip_address: Option<String>,
    /// The user agent of the request.
    #[serde(default)]
    pub user_agent: Option<String>,
    /// The device's fingerprint.
    #[serde(default)]
    pub device_fingerprint: Option<String>,
}

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

/// The endpoint's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Verdict {
    /// `Allow`: the authentication or registration goes on.
    Allow,
    /// `Deny`: it stops, with the response's error message if it has one.
    Deny,
}

/// The endpoint's answer before it is signed: [`allow`](Self::allow) or
/// [`deny`](Self::deny) with a message for the user. Sign it with [`sign`](Self::sign) for the
/// action's [kind](Action::kind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    verdict: Verdict,
    error_message: Option<String>,
}

impl Response {
    /// Allows the authentication or registration.
    pub fn allow() -> Self {
        Response { verdict: Verdict::Allow, error_message: None }
    }

    /// Denies it, with a message WorkOS shows the user. An empty message is left out of the
    /// response, as the Node SDK leaves it out.
    pub fn deny(message: impl Into<String>) -> Self {
        let message = message.into();
        Response { verdict: Verdict::Deny, error_message: (!message.is_empty()).then_some(message) }
    }

    /// Denies it without a message.
    pub fn deny_without_message() -> Self {
        Response { verdict: Verdict::Deny, error_message: None }
    }

    /// Allow or deny.
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }

    /// The message of a denial, if it has one.
    pub fn error_message(&self) -> Option<&str> {
        self.error_message.as_deref()
    }

    /// Signs the response to an action of `kind` with the action endpoint's `secret`, timestamped
    /// with the system clock.
    pub fn sign(&self, kind: ActionKind, secret: &str) -> SignedResponse {
        self.sign_at(kind, secret, SystemTime::now())
    }

    /// [`sign`](Self::sign) with the timestamp given: the same bytes as the Node SDK's
    /// `signResponse` at the same millisecond.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use workos_api::actions::{ActionKind, Response};
    ///
    /// let at = UNIX_EPOCH + Duration::from_millis(1_768_478_400_000);
    /// let signed = Response::deny("Use your work email.").sign_at(ActionKind::UserRegistration, "secret", at);
    /// assert!(signed.to_json().starts_with(concat!(
    ///     r#"{"object":"user_registration_action_response","#,
    ///     r#""payload":{"timestamp":1768478400000,"verdict":"Deny","error_message":"Use your work email."},"#,
    ///     r#""signature":""#,
    /// )));
    /// ```
    pub fn sign_at(&self, kind: ActionKind, secret: &str, at: SystemTime) -> SignedResponse {
        let payload = ResponsePayload {
            timestamp: millis(at),
            verdict: self.verdict,
            error_message: self.error_message.clone(),
        };
        let mac = signed(secret, &payload.timestamp.to_string(), payload.to_json().as_bytes());
        SignedResponse {
            object: kind.response_object(),
            payload,
            signature: hex::encode(mac.finalize().into_bytes()),
        }
    }
}

/// A signed answer to an action: the JSON body of the endpoint's `200 OK`
/// ([`to_json`](Self::to_json), or serialize it with serde).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignedResponse {
    object: &'static str,
    payload: ResponsePayload,
    signature: String,
}

impl SignedResponse {
    /// `authentication_action_response` or `user_registration_action_response`.
    pub fn object(&self) -> &str {
        self.object
    }

    /// What is signed.
    pub fn payload(&self) -> &ResponsePayload {
        &self.payload
    }

    /// The hex HMAC-SHA256 of `"<timestamp>.<payload JSON>"`.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// The response body: `{"object":..,"payload":{..},"signature":..}`, in that order, as
    /// `JSON.stringify` writes the Node SDK's response.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| unreachable!("strings and numbers serialize"))
    }
}

/// The signed part of a [`SignedResponse`]: `{"timestamp":..,"verdict":..[,"error_message":..]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponsePayload {
    timestamp: u64,
    verdict: Verdict,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<String>,
}

impl ResponsePayload {
    /// When it was signed, in milliseconds since the Unix epoch.
    pub fn timestamp_ms(&self) -> u64 {
        self.timestamp
    }

    /// Allow or deny.
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }

    /// The message of a denial, if it has one.
    pub fn error_message(&self) -> Option<&str> {
        self.error_message.as_deref()
    }

    /// The bytes signed: the payload as `JSON.stringify` writes it (keys in this order, no
    /// spaces).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| unreachable!("strings and numbers serialize"))
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;
    use crate::webhooks::{MAX_HEADER_LEN, MAX_SIGNATURES, sign};

    const SECRET: &str = "action_secret_test";
    const NOW_MS: u64 = 1_768_478_400_000;

    fn at(ms: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(ms)
    }

    fn registration(extra: &str) -> String {
        format!(
            r#"{{"id":"action_01","object":"user_registration_action_context",
            "user_data":{{"object":"user_data","email":"ada@example.com","name":null,"first_name":"Ada","last_name":"Lovelace"}},
            "ip_address":"192.0.2.1"{extra}}}"#
        )
    }

    fn verify_at(body: &[u8], header: &str, now_ms: u64) -> Result<Action, ActionError> {
        verify_with(body, header, SECRET, DEFAULT_TOLERANCE, at(now_ms))
    }

    #[test]
    fn a_signed_registration_reads_as_its_kind() {
        let body = registration("");
        let header = sign(body.as_bytes(), SECRET, at(NOW_MS));
        let action = verify_at(body.as_bytes(), &header, NOW_MS).unwrap();
        assert_eq!(action.kind(), Some(ActionKind::UserRegistration));
        assert_eq!((action.object(), action.id()), ("user_registration_action_context", Some("action_01")));
        let Action::UserRegistration(registration) = action else { panic!("{action:?}") };
        assert_eq!(registration.user_data.email, "ada@example.com");
        assert_eq!(registration.user_data.first_name.as_deref(), Some("Ada"));
        assert_eq!(registration.ip_address.as_deref(), Some("192.0.2.1"));
        assert!(registration.invitation.is_none() && registration.authentication_method.is_none());
    }

    #[test]
    fn the_tolerance_is_30_seconds_in_both_directions() {
        let body = registration("");
        let header = sign(body.as_bytes(), SECRET, at(NOW_MS));
        verify_at(body.as_bytes(), &header, NOW_MS + 30_000).unwrap();
        verify_at(body.as_bytes(), &header, NOW_MS - 30_000).unwrap();
        let stale = verify_at(body.as_bytes(), &header, NOW_MS + 30_001).unwrap_err();
        assert!(stale.is_stale() && stale.is_outside_tolerance() && !stale.is_from_the_future(), "{stale}");
        assert_eq!(stale.to_string(), "action rejected: signed 30.001s ago, beyond the 30s tolerance");
        let ahead = verify_at(body.as_bytes(), &header, NOW_MS - 30_001).unwrap_err();
        assert!(ahead.is_from_the_future() && ahead.is_outside_tolerance() && !ahead.is_stale(), "{ahead}");
        assert_eq!(
            ahead.to_string(),
            "action rejected: signed 30.001s in the future, beyond the 30s tolerance"
        );
        // A wider tolerance is the caller's choice.
        verify_with(body.as_bytes(), &header, SECRET, Duration::from_secs(180), at(NOW_MS + 179_000))
            .unwrap();
    }

    #[test]
    fn the_header_is_bounded_before_any_hashing() {
        let body = registration("");
        let v1 = "0".repeat(64);
        let long = format!("t={NOW_MS}, v1={v1}, {}", "x=y, ".repeat(MAX_HEADER_LEN / 4));
        let many = format!("t={NOW_MS}{}", format!(", v1={v1}").repeat(MAX_SIGNATURES + 1));
        let cases = [
            long.as_str(),
            many.as_str(),
            "t=1768478400000",
            "v1=00",
            "t=soon, v1=00",
            "t=12345678901234567, v1=00",
            "t=1, t=2, v1=00",
            "garbage",
        ];
        for bad in cases {
            let e = verify_at(body.as_bytes(), bad, NOW_MS).unwrap_err();
            assert!(e.is_malformed_header(), "{e}");
        }
        assert!(verify_at(body.as_bytes(), "", NOW_MS).unwrap_err().is_missing_header());
        assert!(verify_at(body.as_bytes(), "  ", NOW_MS).unwrap_err().is_missing_header());
        // Up to MAX_SIGNATURES entries, one of which matches, verify.
        let good = sign(body.as_bytes(), SECRET, at(NOW_MS));
        let padded = format!("{good}{}", format!(", v1={v1}").repeat(MAX_SIGNATURES - 1));
        verify_at(body.as_bytes(), &padded, NOW_MS).unwrap();
    }

    #[test]
    fn errors_name_the_check_never_the_secret_or_signature() {
        let body = registration("");
        let header = sign(body.as_bytes(), SECRET, at(NOW_MS));
        let v1 = header.rsplit('=').next().unwrap().to_owned();
        let tampered = body.replace("ada@", "eve@");
        let errors = [
            verify_at(tampered.as_bytes(), &header, NOW_MS).unwrap_err(),
            verify_with(body.as_bytes(), &header, "other_secret", DEFAULT_TOLERANCE, at(NOW_MS)).unwrap_err(),
            verify_at(body.as_bytes(), &format!("t=x, v1={v1}"), NOW_MS).unwrap_err(),
            verify_at(body.as_bytes(), &header, NOW_MS + 60_000).unwrap_err(),
        ];
        assert!(errors[0].is_bad_signature() && errors[1].is_bad_signature());
        assert!(errors[2].is_malformed_header() && errors[3].is_stale());
        for e in errors {
            let text = format!("{e} {e:?}");
            assert!(!text.contains(SECRET) && !text.contains(&v1), "{text}");
        }
    }

    #[test]
    fn unknown_kinds_are_kept_as_json_and_unknown_fields_ignored() {
        let body = br#"{"id":"action_09","object":"password_reset_action_context","user_id":"user_01"}"#;
        let header = sign(body, SECRET, at(NOW_MS));
        let action = verify_at(body, &header, NOW_MS).unwrap();
        assert_eq!(action.kind(), None);
        assert_eq!((action.object(), action.id()), ("password_reset_action_context", Some("action_09")));
        let Action::Unknown(raw) = action else { panic!("{action:?}") };
        assert_eq!(raw["user_id"], "user_01");

        let body = registration(r#","risk":{"score":3},"authentication_method":"TelepathyOAuth""#);
        let header = sign(body.as_bytes(), SECRET, at(NOW_MS));
        let Action::UserRegistration(registration) = verify_at(body.as_bytes(), &header, NOW_MS).unwrap()
        else {
            panic!("a registration")
        };
        assert_eq!(
            registration.authentication_method,
            Some(AuthenticationMethod::Unknown("TelepathyOAuth".into()))
        );
    }

    #[test]
    fn a_signed_body_that_is_not_an_action_is_a_malformed_body() {
        let cases: [(&[u8], &str); 5] = [
            (b"not json", "."),
            (b"[1, 2]", "."),
            (br#"{"id":"action_01"}"#, "."),
            (br#"{"object":"authentication_action_context","id":"action_01"}"#, "."),
            (
                br#"{"object":"authentication_action_context","id":"action_01","user":{"id":"user_01","email":"a@b.c","email_verified":"yes","created_at":"2026-01-15T12:00:00Z","updated_at":"2026-01-15T12:00:00Z"}}"#,
                "user.email_verified",
            ),
        ];
        for (body, path) in cases {
            let header = sign(body, SECRET, at(NOW_MS));
            let e = verify_at(body, &header, NOW_MS).unwrap_err();
            assert!(e.is_malformed_body(), "{e}");
            let ActionError::MalformedBody { path: at, .. } = &e else { unreachable!() };
            assert_eq!(at, path, "{e}");
        }
    }

    #[test]
    fn responses_are_signed_over_their_payload_json() {
        let now = at(NOW_MS);
        let allow = Response::allow().sign_at(ActionKind::Authentication, SECRET, now);
        let payload = r#"{"timestamp":1768478400000,"verdict":"Allow"}"#;
        assert_eq!(allow.payload().to_json(), payload);
        let expected =
            hex::encode(signed(SECRET, "1768478400000", payload.as_bytes()).finalize().into_bytes());
        assert_eq!(
            allow.to_json(),
            format!(
                r#"{{"object":"authentication_action_response","payload":{payload},"signature":"{expected}"}}"#
            )
        );
        // The signature is the one a webhook header would carry for the same bytes and time.
        assert_eq!(sign(payload.as_bytes(), SECRET, now), format!("t=1768478400000, v1={expected}"));

        let deny =
            Response::deny("Nope \"quoted\"\n\u{1} ✓").sign_at(ActionKind::UserRegistration, SECRET, now);
        assert_eq!(deny.object(), "user_registration_action_response");
        assert_eq!(
            deny.payload().to_json(),
            r#"{"timestamp":1768478400000,"verdict":"Deny","error_message":"Nope \"quoted\"\n\u0001 ✓"}"#
        );
        for silent in [Response::deny(""), Response::deny_without_message()] {
            assert_eq!(silent.error_message(), None);
            let signed = silent.sign_at(ActionKind::UserRegistration, SECRET, now);
            assert_eq!(signed.payload().to_json(), r#"{"timestamp":1768478400000,"verdict":"Deny"}"#);
        }
    }

    #[test]
    fn an_invitation_token_is_not_in_debug() {
        let body = registration(
            r#","invitation":{"object":"invitation","id":"invitation_01","email":"ada@example.com","state":"pending",
            "accepted_at":null,"revoked_at":null,"expires_at":"2026-01-22T12:00:00.000Z","organization_id":"org_01",
            "inviter_user_id":null,"accepted_user_id":null,"role_slug":"member","token":"Z1uX3RbwcIl5fIGJJJCXXisdI",
            "accept_invitation_url":"https://example.com/invite?invitation_token=Z1uX3RbwcIl5fIGJJJCXXisdI","created_at":"2026-01-15T12:00:00.000Z",
            "updated_at":"2026-01-15T12:00:00.000Z"}"#,
        );
        let header = sign(body.as_bytes(), SECRET, at(NOW_MS));
        let action = verify_at(body.as_bytes(), &header, NOW_MS).unwrap();
        let Action::UserRegistration(registration) = &action else { panic!("{action:?}") };
        let invitation = registration.invitation.as_ref().unwrap();
        assert_eq!(
            (invitation.state.as_str(), invitation.token.as_str()),
            ("pending", "Z1uX3RbwcIl5fIGJJJCXXisdI")
        );
        assert!(!format!("{action:?}").contains("Z1uX3Rbw"));
    }

    /// The documentation's examples, as written there (the doc tests are not run with the unit
    /// tests).
    #[test]
    fn the_doc_examples_hold() {
        use crate as workos_api;
        use workos_api::actions::{self, Action, ActionError, ActionKind, Response};

        // The module's example.
        fn answer(body: &[u8], signature: &str, secret: &str) -> Result<Option<String>, ActionError> {
            let action = actions::verify(body, signature, secret)?;
            let response = match &action {
                Action::UserRegistration(registration)
                    if registration.user_data.email.ends_with("@gmail.com") =>
                {
                    Response::deny("Please sign up with your work email address.")
                }
                Action::Authentication(authentication) if authentication.organization.is_none() => {
                    Response::deny("Please sign in through your organization.")
                }
                _ => Response::allow(),
            };
            Ok(action.kind().map(|kind| response.sign(kind, secret).to_json()))
        }
        let body = registration("").replace("ada@example.com", "ada@gmail.com");
        let header = sign(body.as_bytes(), SECRET, SystemTime::now());
        let json = answer(body.as_bytes(), &header, SECRET).unwrap().unwrap();
        assert!(
            json.contains(
                r#""verdict":"Deny","error_message":"Please sign up with your work email address.""#
            )
        );
        assert!(answer(body.as_bytes(), &header, "other").unwrap_err().is_bad_signature());

        // verify_with's.
        let body = br#"{"id":"action_01","object":"password_reset_action_context","user_id":"user_01"}"#;
        let now = SystemTime::now();
        let header = workos_api::webhooks::sign(body, "secret", now);
        let action = actions::verify_with(body, &header, "secret", DEFAULT_TOLERANCE, now).unwrap();
        assert!(matches!(action, Action::Unknown(_)));
        assert_eq!(action.object(), "password_reset_action_context");
        let later = now + Duration::from_secs(31);
        let late = actions::verify_with(body, &header, "secret", DEFAULT_TOLERANCE, later).unwrap_err();
        assert!(late.is_stale());

        // sign_at's.
        let at = UNIX_EPOCH + Duration::from_millis(1_768_478_400_000);
        let signed =
            Response::deny("Use your work email.").sign_at(ActionKind::UserRegistration, "secret", at);
        assert!(signed.to_json().starts_with(concat!(
            r#"{"object":"user_registration_action_response","#,
            r#""payload":{"timestamp":1768478400000,"verdict":"Deny","error_message":"Use your work email."},"#,
            r#""signature":""#,
        )));
    }
}
