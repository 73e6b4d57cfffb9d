//! WorkOS-style identifiers and timestamps.
//!
//! Ids are a prefix (`org_`, `perm_`, `role_`...) followed by a 26-character ULID. Within one
//! emulator they increase strictly with creation order, so comparing two ids of one collection
//! compares their creation times: the list endpoints rely on that for cursors, which stay valid
//! after the record they name is deleted.

use std::time::{SystemTime, UNIX_EPOCH};

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RANDOM_BITS: u32 = 80;
const RANDOM_MASK: u128 = (1 << RANDOM_BITS) - 1;

/// A monotonic ULID source.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct IdGen {
    #[serde(with = "crate::model::persist::u128_text")]
    last: u128,
}

impl IdGen {
    /// The next id with `prefix` (given without the underscore).
    pub(crate) fn next(&mut self, prefix: &str) -> String {
        let ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis()) & ((1 << 48) - 1);
        let fresh = (ms << RANDOM_BITS)
            | ((u128::from(fastrand::u64(..)) << 16 | u128::from(fastrand::u16(..))) & RANDOM_MASK);
        // Same millisecond (or a clock step back): keep increasing from the last id.
        self.last = if fresh > self.last { fresh } else { self.last + 1 };
        let mut out = String::with_capacity(prefix.len() + 27);
        out.push_str(prefix);
        out.push('_');
        for i in (0..26).rev() {
            out.push(CROCKFORD[((self.last >> (i * 5)) & 31) as usize] as char);
        }
        out
    }
}

/// The current time as WorkOS writes it: ISO 8601, UTC, milliseconds (`2026-01-15T12:00:00.000Z`).
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Seconds since the Unix epoch (expiries of codes and tokens, JWT claims).
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The time `minutes` from now, as [`now`] writes it.
pub(crate) fn in_minutes(minutes: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::minutes(minutes))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Whether a timestamp [`now`] or [`in_minutes`] wrote is in the past (an unreadable one is).
pub(crate) fn is_past(at: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(at).map_or(true, |at| at < chrono::Utc::now())
}

/// A random token of `len` letters and digits (invitation and password reset tokens).
pub(crate) fn token(len: usize) -> String {
    (0..len).map(|_| fastrand::alphanumeric()).collect()
}

/// A random six-digit one-time code (magic auth, email verification and change).
pub(crate) fn code() -> String {
    format!("{:06}", fastrand::u32(..1_000_000))
}

/// A random lowercase suffix, for generated slugs.
pub(crate) fn suffix() -> String {
    (0..6).map(|_| fastrand::lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_prefixed_and_strictly_increasing() {
        let mut ids = IdGen::default();
        let all: Vec<String> = (0..1000).map(|_| ids.next("perm")).collect();
        assert!(all.iter().all(|id| id.starts_with("perm_") && id.len() == 31));
        assert!(all.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn timestamps_are_iso_8601_with_milliseconds() {
        let t = now();
        assert_eq!(t.len(), 24, "{t}");
        assert!(t.ends_with('Z') && t.as_bytes()[10] == b'T' && t.as_bytes()[19] == b'.');
    }
}
