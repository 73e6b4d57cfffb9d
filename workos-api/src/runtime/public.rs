//! What a public client (no API key) may send. Everything else fails before sending, with
//! [`ApiError::is_missing_api_key`](super::ApiError::is_missing_api_key), rather than reaching
//! WorkOS without credentials and coming back as a 401.
//!
//! The rules, from the WorkOS document and the Node SDK's public client (`createWorkOS({
//! clientId })`, whose calls skip its API-key check exactly for these):
//!
//! - calls the document marks as needing no API key (`security: []`) that are API calls rather
//!   than browser redirects: the JWKS and the device authorization;
//! - the token endpoints when the body carries its own credential: a `client_secret`, a PKCE
//!   `code_verifier`, or a grant whose token is the credential (a refresh token, a device code).
//!   The document's `authorization_code` and `refresh_token` grants say `client_secret` "may be
//!   omitted by public clients", and its device-code grant has none; the other grants (password,
//!   Magic Auth, email verification, organization selection, TOTP, Radar) require it;
//! - any call given its own `Authorization` header (`GET /sso/profile` with an access token).

use super::OperationMeta;

/// `security: []` in the document, and sent as API calls (`(method, path template)`).
const OPEN: [(&str, &str); 2] =
    [("GET", "/sso/jwks/{clientId}"), ("POST", "/user_management/authorize/device")];

/// The token endpoints: the credential is in the body.
const TOKEN: [(&str, &str); 2] = [("POST", "/user_management/authenticate"), ("POST", "/sso/token")];

/// Grants whose own token authenticates them (RFC 6749 section 6 for a public client's refresh,
/// RFC 8628 section 3.4).
const SELF_AUTHENTICATING_GRANTS: [&str; 2] =
    ["refresh_token", "urn:ietf:params:oauth:grant-type:device_code"];

/// Whether a public client may send `op` with this JSON `body` and no API key.
pub(super) fn may_send(op: &OperationMeta, body: Option<&[u8]>) -> bool {
    let key = (op.method, op.path);
    if OPEN.contains(&key) {
        return true;
    }
    if !TOKEN.contains(&key) {
        return false;
    }
    let Some(serde_json::Value::Object(body)) = body.and_then(|b| serde_json::from_slice(b).ok()) else {
        return false;
    };
    let given =
        |name: &str| body.get(name).and_then(serde_json::Value::as_str).is_some_and(|v| !v.is_empty());
    given("client_secret")
        || given("code_verifier")
        || body
            .get("grant_type")
            .and_then(serde_json::Value::as_str)
            .is_some_and(|grant| SELF_AUTHENTICATING_GRANTS.contains(&grant))
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn op(method: &'static str, path: &'static str) -> OperationMeta {
        OperationMeta { id: "op", method, path, idempotency_key: false }
    }

    const AUTHENTICATE: OperationMeta = op("POST", "/user_management/authenticate");

    fn with(body: serde_json::Value) -> bool {
        may_send(&AUTHENTICATE, Some(body.to_string().as_bytes()))
    }

    #[test]
    fn the_open_calls_go_without_a_body_check() {
        assert!(may_send(&op("GET", "/sso/jwks/{clientId}"), None));
        assert!(may_send(&op("POST", "/user_management/authorize/device"), Some(b"{}")));
    }

    #[test]
    fn other_calls_need_the_key() {
        assert!(!may_send(&op("GET", "/organizations"), None));
        assert!(!may_send(&op("GET", "/user_management/users/{id}"), None));
        assert!(!may_send(&op("POST", "/sso/logout/authorize"), Some(b"{}")));
        // The same path with another method is another operation.
        assert!(!may_send(&op("DELETE", "/sso/jwks/{clientId}"), None));
    }

    #[test]
    fn the_token_endpoints_need_a_credential_in_the_body() {
        let code = serde_json::json!({"grant_type": "authorization_code", "client_id": "c", "code": "x"});
        assert!(!with(code.clone()));
        let mut pkce = code.clone();
        pkce["code_verifier"] = "v".repeat(43).into();
        assert!(with(pkce));
        let mut empty = code.clone();
        empty["code_verifier"] = "".into();
        assert!(!with(empty));
        let mut secret = code;
        secret["client_secret"] = "sk_test_1".into();
        assert!(with(secret));
        assert!(with(
            serde_json::json!({"grant_type": "refresh_token", "client_id": "c", "refresh_token": "r"})
        ));
        assert!(with(serde_json::json!({
            "grant_type": "urn:ietf:params:oauth:grant-type:device_code", "client_id": "c", "device_code": "d"
        })));
        assert!(!with(
            serde_json::json!({"grant_type": "password", "client_id": "c", "email": "a", "password": "p"})
        ));
        assert!(!may_send(&AUTHENTICATE, None));
        assert!(!may_send(&AUTHENTICATE, Some(b"not json")));
        assert!(!may_send(&op("POST", "/sso/token"), Some(br#"{"client_secret": ""}"#)));
    }
}
