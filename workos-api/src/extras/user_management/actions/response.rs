//! The endpoint's answer, signed as the Node SDK's `signResponse` signs it.

use std::time::SystemTime;

use hmac::Mac as _;
use serde::Serialize;

#[cfg(doc)] // for the documentation's links
use super::Action;
use super::ActionKind;
use crate::webhooks::{millis, signed};

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
