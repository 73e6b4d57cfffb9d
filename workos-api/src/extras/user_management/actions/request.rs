//! What WorkOS asks an action endpoint: the kinds of action and their requests.

use std::fmt;

use serde::Deserialize;

#[cfg(doc)] // for the documentation's links
use super::Response;
use super::{
    ActionError, AuthenticationMethod, Invitation, Organization, OrganizationMembership, User, UserData,
};

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
    pub(super) fn from_json(body: &[u8]) -> Result<Action, ActionError> {
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
