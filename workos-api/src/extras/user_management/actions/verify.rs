//! Verifying an action request: its signature (the webhooks' checks), then its body.

use std::time::{Duration, SystemTime};

use super::{Action, SIGNATURE_HEADER};
use crate::webhooks::{SignatureFailure, check_signature};

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
