//! Webhooks: verifying the `WorkOS-Signature` of a delivery and reading its typed event, and,
//! with the `webhooks` feature, the webhook-endpoint operations ([`Webhooks`]).
//!
//! WorkOS signs each delivery with the endpoint's secret. The header is
//! `t=<timestamp in milliseconds>, v1=<hex HMAC-SHA256 of "<t>.<body>">`; a delivery is trusted
//! when the HMAC matches (compared in constant time) and the timestamp is within the tolerance
//! of the current time, 180 seconds by default, **in both directions**: a delivery signed too
//! long ago is [stale](WebhookError::is_stale), one signed too far ahead (a clock set to the
//! future, a timestamp in microseconds) is [from the future](WebhookError::is_from_the_future).
//! This is how the official Node SDK verifies, and `tests/node_interop.rs` checks vectors signed
//! by it.
//!
//! The work a header can cause is bounded before any hashing: at most [`MAX_HEADER_LEN`] bytes,
//! at most [`MAX_SIGNATURES`] `v1=` entries of 64 hexadecimal digits each, and a timestamp of 1
//! to 16 decimal digits; anything else is a [malformed header](WebhookError::is_malformed_header).
//! The body is hashed once per verification, and each `v1=` entry is compared with that one
//! HMAC in constant time.
//!
//! Errors say which check failed, never the secret, the header or a signature.
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

use hmac::digest::{CtOutput, Output};
use hmac::{Hmac, Mac};
use sha2::Sha256;

#[cfg(feature = "webhooks")]
pub use crate::emitted::webhooks::*;

/// The name of the header WorkOS sends the signature in.
pub const SIGNATURE_HEADER: &str = "WorkOS-Signature";

/// How far from the current time a delivery's timestamp may be, by default, in either
/// direction: 180 seconds, as the Node SDK.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(180);

/// The longest signature header accepted, in bytes. WorkOS sends one `v1=` entry (about 90
/// bytes in all); 1 KiB leaves room for [`MAX_SIGNATURES`] entries and other schemes.
pub const MAX_HEADER_LEN: usize = 1024;

/// The most `v1=` entries a header may carry. Each is compared with the one HMAC of the body.
pub const MAX_SIGNATURES: usize = 5;

/// The most digits of the `t=` timestamp: milliseconds need 13 until the year 2286; 16 lets a
/// timestamp in microseconds parse, to be refused as from the future.
const MAX_TIMESTAMP_DIGITS: usize = 16;

/// The length of a `v1=` entry: a hex SHA-256.
const SIGNATURE_HEX_LEN: usize = 64;

/// Why a webhook delivery was rejected. Each cause has its own variant and predicate; none
/// holds the secret, the header or a signature.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The request had no signature header (or an empty one).
    #[error("webhook rejected: no {SIGNATURE_HEADER} header")]
    MissingHeader,
    /// The header is not `t=<milliseconds>, v1=<hex>`, or goes beyond the limits
    /// ([`MAX_HEADER_LEN`], [`MAX_SIGNATURES`]).
    #[error("webhook rejected: malformed {SIGNATURE_HEADER} header: {reason}")]
    MalformedHeader {
        /// Which rule it breaks (never the header's text).
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
    /// The signature's timestamp is further in the future than the tolerance (a signer's clock
    /// set ahead, a timestamp in microseconds, a delivery prepared for a later replay).
    #[error(
        "webhook rejected: signed {}s in the future, beyond the {}s tolerance",
        ahead.as_secs(),
        tolerance.as_secs()
    )]
    FutureTimestamp {
        /// How far ahead of the current time it claims to be signed.
        ahead: Duration,
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
    /// A header that is not `t=..., v1=...`, or one too long or with too many entries.
    pub fn is_malformed_header(&self) -> bool {
        matches!(self, WebhookError::MalformedHeader { .. })
    }
    /// A timestamp older than the tolerance (see [`is_outside_tolerance`](Self::is_outside_tolerance)
    /// for both directions).
    pub fn is_stale(&self) -> bool {
        matches!(self, WebhookError::StaleTimestamp { .. })
    }
    /// A timestamp further in the future than the tolerance.
    pub fn is_from_the_future(&self) -> bool {
        matches!(self, WebhookError::FutureTimestamp { .. })
    }
    /// A timestamp outside the tolerance, in the past or in the future.
    pub fn is_outside_tolerance(&self) -> bool {
        self.is_stale() || self.is_from_the_future()
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

/// Checks the signature of `payload` only (the body may then be read as anything): the header's
/// shape and limits, then its timestamp against `now` (at most `tolerance` away, before or
/// after), then the HMAC, computed once and compared with each `v1=` entry in constant time.
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
    check_signature(payload, signature_header, secret, tolerance, now).map_err(WebhookError::from)
}

/// Why a `WorkOS-Signature` check failed. Webhooks and [Actions](crate::actions) are signed the
/// same way; each turns this into its own public error.
#[derive(Debug)]
pub(crate) enum SignatureFailure {
    MissingHeader,
    /// Which rule the header breaks (never its text).
    MalformedHeader(String),
    Stale {
        age: Duration,
        tolerance: Duration,
    },
    FromTheFuture {
        ahead: Duration,
        tolerance: Duration,
    },
    Mismatch,
}

impl From<SignatureFailure> for WebhookError {
    fn from(failure: SignatureFailure) -> Self {
        match failure {
            SignatureFailure::MissingHeader => WebhookError::MissingHeader,
            SignatureFailure::MalformedHeader(reason) => WebhookError::MalformedHeader { reason },
            SignatureFailure::Stale { age, tolerance } => WebhookError::StaleTimestamp { age, tolerance },
            SignatureFailure::FromTheFuture { ahead, tolerance } => {
                WebhookError::FutureTimestamp { ahead, tolerance }
            }
            SignatureFailure::Mismatch => WebhookError::SignatureMismatch,
        }
    }
}

/// The checks of [`verify_signature`], shared with [`crate::actions`]: the header's shape and
/// limits, the timestamp within `tolerance` of `now` in both directions, then one HMAC of the
/// payload compared with each `v1=` entry in constant time.
pub(crate) fn check_signature(
    payload: &[u8],
    signature_header: &str,
    secret: &str,
    tolerance: Duration,
    now: SystemTime,
) -> Result<(), SignatureFailure> {
    let header = parse_header(signature_header)?;
    let now_ms = millis(now);
    if header.timestamp_ms > now_ms {
        let ahead_ms = header.timestamp_ms - now_ms;
        if u128::from(ahead_ms) > tolerance.as_millis() {
            return Err(SignatureFailure::FromTheFuture {
                ahead: Duration::from_millis(ahead_ms),
                tolerance,
            });
        }
    } else {
        let age_ms = now_ms - header.timestamp_ms;
        if u128::from(age_ms) > tolerance.as_millis() {
            return Err(SignatureFailure::Stale { age: Duration::from_millis(age_ms), tolerance });
        }
    }
    // One HMAC of the body, whatever the number of entries; `CtOutput`'s equality is constant
    // time. Every entry is compared (no early exit).
    let expected = signed(secret, header.timestamp, payload).finalize();
    let matched = header
        .signatures
        .iter()
        .fold(false, |matched, v1| matched | (expected == CtOutput::new(Output::<Hmac<Sha256>>::from(*v1))));
    if matched { Ok(()) } else { Err(SignatureFailure::Mismatch) }
}

/// The `WorkOS-Signature` header value for `payload` signed with `secret` at `at`: what WorkOS
/// (and the emulator) send.
pub fn sign(payload: &[u8], secret: &str, at: SystemTime) -> String {
    let timestamp = millis(at).to_string();
    let mac = signed(secret, &timestamp, payload).finalize().into_bytes();
    format!("t={timestamp}, v1={}", hex::encode(mac))
}

/// The HMAC-SHA256, keyed with `secret` (any length), of `"<timestamp>.<payload>"`; also what
/// signs an [Actions](crate::actions) response.
pub(crate) fn signed(secret: &str, timestamp: &str, payload: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac
}

/// Milliseconds since the Unix epoch (0 before it, `u64::MAX` beyond).
pub(crate) fn millis(t: SystemTime) -> u64 {
    let ms = t.duration_since(UNIX_EPOCH).unwrap_or_default().as_millis();
    u64::try_from(ms).unwrap_or(u64::MAX)
}

struct Header<'a> {
    /// As sent (it is part of the signed text).
    timestamp: &'a str,
    timestamp_ms: u64,
    signatures: Vec<[u8; SIGNATURE_HEX_LEN / 2]>,
}

/// Reads `t=..., v1=...` within the limits; entries of other schemes are ignored, as by WorkOS's
/// SDKs. The reasons name the rule broken, never the header's text.
fn parse_header(header: &str) -> Result<Header<'_>, SignatureFailure> {
    let malformed = SignatureFailure::MalformedHeader;
    if header.len() > MAX_HEADER_LEN {
        return Err(malformed(format!("longer than {MAX_HEADER_LEN} bytes")));
    }
    let header = header.trim();
    if header.is_empty() {
        return Err(SignatureFailure::MissingHeader);
    }
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let Some((key, value)) = part.split_once('=') else {
            return Err(malformed("an entry is not key=value".into()));
        };
        let value = value.trim();
        match key.trim() {
            "t" => {
                if timestamp.is_some() {
                    return Err(malformed("more than one t= timestamp".into()));
                }
                if value.is_empty()
                    || value.len() > MAX_TIMESTAMP_DIGITS
                    || !value.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(malformed(format!(
                        "t= is not a timestamp in milliseconds (1 to {MAX_TIMESTAMP_DIGITS} digits)"
                    )));
                }
                timestamp = Some(value);
            }
            "v1" => {
                if signatures.len() == MAX_SIGNATURES {
                    return Err(malformed(format!("more than {MAX_SIGNATURES} v1= signatures")));
                }
                let mut bytes = [0; SIGNATURE_HEX_LEN / 2];
                hex::decode_to_slice(value, &mut bytes)
                    .map_err(|_| malformed(format!("v1= is not {SIGNATURE_HEX_LEN} hexadecimal digits")))?;
                signatures.push(bytes);
            }
            _ => {} // other schemes are ignored, as by WorkOS's SDKs
        }
    }
    let timestamp = timestamp.ok_or_else(|| malformed("no t= timestamp".into()))?;
    // At most 16 digits: fits in a u64.
    let timestamp_ms =
        timestamp.parse::<u64>().map_err(|_| malformed("t= is not a timestamp in milliseconds".into()))?;
    if signatures.is_empty() {
        return Err(malformed("no v1= signature".into()));
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
        assert!(stale.is_outside_tolerance() && !stale.is_from_the_future());
    }

    #[test]
    fn the_tolerance_applies_to_the_future_too() {
        let body = br#"{"id":"event_1"}"#;
        let header = sign(body, SECRET, at(1_700_000_181_000));
        verify_signature(body, &header, SECRET, DEFAULT_TOLERANCE, at(1_700_000_001_000)).unwrap();
        let ahead =
            verify_signature(body, &header, SECRET, DEFAULT_TOLERANCE, at(1_700_000_000_000)).unwrap_err();
        assert!(ahead.is_from_the_future() && ahead.is_outside_tolerance() && !ahead.is_stale(), "{ahead}");
        assert_eq!(
            ahead.to_string(),
            "webhook rejected: signed 181s in the future, beyond the 180s tolerance"
        );
    }

    #[test]
    fn the_timestamp_is_digits_of_bounded_length() {
        let body = b"{}";
        let v1 = "0".repeat(64);
        for t in ["+1700000000000", "-1", "1e12", "1_700", " ", "12345678901234567", "１２"] {
            let e = verify_signature(body, &format!("t={t}, v1={v1}"), SECRET, DEFAULT_TOLERANCE, at(0))
                .unwrap_err();
            assert!(e.is_malformed_header(), "{t}: {e}");
        }
        let twice = format!("t=1, t=2, v1={v1}");
        let e = verify_signature(body, &twice, SECRET, DEFAULT_TOLERANCE, at(0)).unwrap_err();
        assert!(e.is_malformed_header(), "{e}");
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
