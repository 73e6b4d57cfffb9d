//! Webhooks: verifying the `WorkOS-Signature` of a delivery and reading its typed event, and,
//! with the `webhooks` feature, the webhook-endpoint operations ([`Webhooks`]).
//!
//! WorkOS signs each delivery with the endpoint's secret. The header is
//! `t=<timestamp in milliseconds>, v1=<hex HMAC-SHA256 of "<t>.<body>">`; a delivery is trusted
//! when the HMAC matches (compared in constant time) and the timestamp is no older than the
//! tolerance, 180 seconds by default. This is how the official Node SDK verifies, and
//! `tests/webhooks.rs` checks vectors signed by it.
//!
//! ```
//! # #[cfg(feature = "events")] {
//! use workos_api::webhooks::{self, WebhookError};
//!
//! fn receive(body: &[u8], signature: Option<&str>, secret: &str) -> Result<(), WebhookError> {
//!     let event = webhooks::verify_event(body, signature.unwrap_or_default(), secret)?;
//!     match event {
//!         workos_api::Event::OrganizationCreated { data, .. } => println!("new organization {}", data.name),
//!         other => println!("{}", other.event_name()),
//!     }
//!     Ok(())
//! }
//! # }
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::Sha256;

#[cfg(feature = "webhooks")]
pub use crate::emitted::webhooks::*;

/// The name of the header WorkOS sends the signature in.
pub const SIGNATURE_HEADER: &str = "WorkOS-Signature";

/// How old a delivery may be, by default: 180 seconds, as the Node SDK.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(180);

/// Why a webhook delivery was rejected. Each cause has its own variant and predicate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The request had no signature header (or an empty one).
    #[error("webhook rejected: no {SIGNATURE_HEADER} header")]
    MissingHeader,
    /// The header is not `t=<milliseconds>, v1=<hex>`.
    #[error("webhook rejected: malformed {SIGNATURE_HEADER} header: {reason}")]
    MalformedHeader {
        /// What is wrong with it.
        reason: String,
    },
    /// The signature's timestamp is older than the tolerance (a replay, or a delivery held too
    /// long).
    #[error("webhook rejected: signed {}s ago, beyond the {}s tolerance", age.as_secs(), tolerance.as_secs())]
    StaleTimestamp {
        /// How long ago it was signed.
        age: Duration,
        /// The tolerance it was checked against.
        tolerance: Duration,
    },
    /// The HMAC does not match: a wrong secret or a body changed on the way.
    #[error("webhook rejected: the signature does not match the body and secret")]
    SignatureMismatch,
    /// The signature holds, but the body is not a WorkOS event.
    #[error("webhook body is not an event: {source}")]
    NotAnEvent {
        /// The JSON error, with line and column.
        #[source]
        source: serde_json::Error,
    },
}

impl WebhookError {
    /// No signature header.
    pub fn is_missing_header(&self) -> bool {
        matches!(self, WebhookError::MissingHeader)
    }
    /// A header that is not `t=..., v1=...`.
    pub fn is_malformed_header(&self) -> bool {
        matches!(self, WebhookError::MalformedHeader { .. })
    }
    /// A timestamp older than the tolerance.
    pub fn is_stale(&self) -> bool {
        matches!(self, WebhookError::StaleTimestamp { .. })
    }
    /// An HMAC that does not match.
    pub fn is_signature_mismatch(&self) -> bool {
        matches!(self, WebhookError::SignatureMismatch)
    }
    /// A verified body that is not an event.
    pub fn is_not_an_event(&self) -> bool {
        matches!(self, WebhookError::NotAnEvent { .. })
    }
}

/// Verifies `payload` against `signature_header` with the endpoint `secret` (default tolerance,
/// the system clock) and decodes it as an [`Event`](crate::Event). The event's constant
/// `object: "event"` may be left out, as in WorkOS's documented payloads: the event is typed all
/// the same.
///
/// # Errors
/// A [`WebhookError`] saying which check failed.
#[cfg(feature = "events")]
pub fn verify_event(
    payload: &[u8],
    signature_header: &str,
    secret: &str,
) -> Result<crate::Event, WebhookError> {
    verify_event_with(payload, signature_header, secret, DEFAULT_TOLERANCE, SystemTime::now())
}

/// [`verify_event`] with a tolerance and the current time given (for tests and replays).
///
/// # Errors
/// A [`WebhookError`] saying which check failed.
#[cfg(feature = "events")]
pub fn verify_event_with(
    payload: &[u8],
    signature_header: &str,
    secret: &str,
    tolerance: Duration,
    now: SystemTime,
) -> Result<crate::Event, WebhookError> {
    verify_signature(payload, signature_header, secret, tolerance, now)?;
    serde_json::from_slice(payload).map_err(|source| WebhookError::NotAnEvent { source })
}

/// Checks the signature of `payload` only (the body may then be read as anything).
///
/// # Errors
/// A [`WebhookError`] saying which check failed.
pub fn verify_signature(
    payload: &[u8],
    signature_header: &str,
    secret: &str,
    tolerance: Duration,
    now: SystemTime,
) -> Result<(), WebhookError> {
    let header = parse_header(signature_header)?;
    let now_ms = millis(now);
    let age_ms = now_ms.saturating_sub(header.timestamp_ms);
    if u128::from(age_ms) > tolerance.as_millis() {
        return Err(WebhookError::StaleTimestamp { age: Duration::from_millis(age_ms), tolerance });
    }
    // `verify_slice` compares in constant time.
    if header.signatures.iter().any(|v1| signed(secret, &header.timestamp, payload).verify_slice(v1).is_ok())
    {
        return Ok(());
    }
    Err(WebhookError::SignatureMismatch)
}

/// The `WorkOS-Signature` header value for `payload` signed with `secret` at `at`: what WorkOS
/// (and the emulator) send.
pub fn sign(payload: &[u8], secret: &str, at: SystemTime) -> String {
    let timestamp = millis(at).to_string();
    let mac = signed(secret, &timestamp, payload).finalize().into_bytes();
    format!("t={timestamp}, v1={}", hex::encode(mac))
}

/// The HMAC-SHA256, keyed with `secret` (any length), of `"<timestamp>.<payload>"`.
fn signed(secret: &str, timestamp: &str, payload: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac
}

fn millis(t: SystemTime) -> u64 {
    let ms = t.duration_since(UNIX_EPOCH).unwrap_or_default().as_millis();
    u64::try_from(ms).unwrap_or(u64::MAX)
}

struct Header {
    /// As sent (it is part of the signed text).
    timestamp: String,
    timestamp_ms: u64,
    signatures: Vec<Vec<u8>>,
}

fn parse_header(header: &str) -> Result<Header, WebhookError> {
    let header = header.trim();
    if header.is_empty() {
        return Err(WebhookError::MissingHeader);
    }
    let malformed = |reason: &str| WebhookError::MalformedHeader { reason: reason.to_owned() };
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else {
            return Err(malformed(&format!("`{}` is not key=value", part.trim())));
        };
        match key.trim() {
            "t" => timestamp = Some(value.trim().to_owned()),
            "v1" => {
                let bytes = hex::decode(value.trim()).map_err(|_| malformed("v1 is not hexadecimal"))?;
                signatures.push(bytes);
            }
            _ => {} // other schemes are ignored, as by WorkOS's SDKs
        }
    }
    let timestamp = timestamp.ok_or_else(|| malformed("no t= timestamp"))?;
    let timestamp_ms =
        timestamp.parse::<u64>().map_err(|_| malformed("t= is not a timestamp in milliseconds"))?;
    if signatures.is_empty() {
        return Err(malformed("no v1= signature"));
    }
    Ok(Header { timestamp, timestamp_ms, signatures })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test";

    fn at(ms: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(ms)
    }

    #[test]
    fn a_signature_made_by_sign_verifies_within_the_tolerance() {
        let body = br#"{"id":"event_1"}"#;
        let header = sign(body, SECRET, at(1_700_000_000_000));
        assert!(header.starts_with("t=1700000000000, v1="), "{header}");
        verify_signature(body, &header, SECRET, DEFAULT_TOLERANCE, at(1_700_000_179_000)).unwrap();
        let stale =
            verify_signature(body, &header, SECRET, DEFAULT_TOLERANCE, at(1_700_000_181_000)).unwrap_err();
        assert!(stale.is_stale(), "{stale}");
        assert_eq!(stale.to_string(), "webhook rejected: signed 181s ago, beyond the 180s tolerance");
    }

    #[test]
    fn each_failure_has_its_own_error() {
        let body = br#"{"id":"event_1"}"#;
        let now = at(1_700_000_000_000);
        let header = sign(body, SECRET, now);
        let check = |body: &[u8], header: &str, secret: &str| {
            verify_signature(body, header, secret, DEFAULT_TOLERANCE, now).unwrap_err()
        };
        assert!(check(body, "", SECRET).is_missing_header());
        assert!(check(body, &header, "whsec_other").is_signature_mismatch());
        assert!(check(br#"{"id":"event_2"}"#, &header, SECRET).is_signature_mismatch());
        for bad in ["t=1700000000000", "v1=00", "t=soon, v1=00", "t=1, v1=zz", "garbage"] {
            let e = check(body, bad, SECRET);
            assert!(e.is_malformed_header(), "{bad}: {e}");
        }
    }
}
