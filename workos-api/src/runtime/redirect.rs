//! A browser sign-in's first step: the authorization URL and the `state` it carries, which the
//! callback must bring back unchanged (OAuth 2.0's CSRF protection, RFC 6749 section 10.12).
//! AuthKit's and SSO's URL builders generate the state when the caller sets none, so the caller
//! always has one to check.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

/// An authorization URL with its `state`: send the browser to [`url`](Self::url), keep
/// [`state`](Self::state) (in the session, or a cookie) and compare it with the callback's
/// `state` parameter before exchanging the code.
///
/// Made by `AuthKit::authorization_url(..).build()` and `client.sso().authorization_url(..)`.
/// The state is the caller's when it set one, otherwise 43 URL-safe characters (base64url of
/// 32 bytes from the operating system's generator, 244 of them random bits), the length of the
/// Node SDK's generated state.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthorizationRequest {
    /// The URL to send the browser to; its `state` query parameter is [`state`](Self::state).
    pub url: url::Url,
    /// The state to expect back on the callback.
    pub state: String,
}

impl AuthorizationRequest {
    #[cfg_attr(not(any(feature = "sso", feature = "sessions")), allow(dead_code))]
    pub(crate) fn new(url: url::Url, state: String) -> Self {
        AuthorizationRequest { url, state }
    }

    /// Whether `returned` (the callback's `state` parameter) is this request's state, compared
    /// in constant time. `None` (no parameter) is never a match.
    pub fn state_matches(&self, returned: Option<&str>) -> bool {
        returned.is_some_and(|r| constant_time_eq(r.as_bytes(), self.state.as_bytes()))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// A fresh state: 32 bytes from the operating system's generator, base64url without padding
/// (43 characters of `[A-Za-z0-9_-]`).
///
/// The bytes are two version-4 UUIDs' random bits: `uuid` draws them from the operating
/// system's CSPRNG (through `getrandom`), and it is compiled with every feature set, where this
/// crate's own `getrandom` dependency is not (`sso` alone does not enable it). The version and
/// variant bits are fixed, so the state holds 244 random bits, well above the 128 asked of
/// a state.
#[cfg_attr(not(any(feature = "sso", feature = "sessions")), allow(dead_code))]
pub(crate) fn random_state() -> String {
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    bytes[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    B64.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_state_is_long_url_safe_and_fresh() {
        let states: Vec<String> = (0..64).map(|_| random_state()).collect();
        for state in &states {
            assert_eq!(state.len(), 43, "{state}");
            assert!(state.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{state}");
        }
        let mut unique = states.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), states.len());
    }

    #[test]
    fn the_state_matches_only_itself() {
        let request = AuthorizationRequest::new(url::Url::parse("https://x.test/a").unwrap(), "abc".into());
        assert!(request.state_matches(Some("abc")));
        assert!(!request.state_matches(Some("abd")) && !request.state_matches(Some("ab")));
        assert!(!request.state_matches(None) && !request.state_matches(Some("")));
    }
}
