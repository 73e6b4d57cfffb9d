//! Access tokens: WorkOS signs them with RS256 under the keys of `GET /sso/jwks/{clientId}`.
//! [`SessionVerifier`] fetches those keys (through the generated operation), caches them, and
//! refetches when a token names a key it does not have (at most once per
//! [`SessionVerifier::refetch_interval`]). A failed fetch is not retried per token: it starts a
//! backoff ([`SessionVerifier::jwks_backoff`]) during which unknown keys are refused without a
//! request, while cached keys keep verifying.
//!
//! A token is accepted when its signature, `exp` and `nbf` hold, it is a **user access token**
//! (by the rules of WorkOS's Node and Python SDKs: `sub`, `sid`, `iss`, `exp`, `iat` and
//! `auth_time` present; no `sub_type`, which widget tokens carry; `sub_profile` absent or
//! `user`, which excludes agent tokens), and its `iss` is one WorkOS issues for the client:
//! `{base URL}/user_management/{client id}`, or an issuer added with
//! [`SessionVerifier::issuer`] (a custom authentication domain). Each refusal is its own
//! [`TokenError`], which names the check and never the token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::runtime::RequestExt as _;
use crate::{ApiError, Client, RetryMode};

/// The claims of a WorkOS user access token. A token [`SessionVerifier::verify`] accepts has
/// `sid`, `iat`, `iss` and `auth_time`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccessTokenClaims {
    /// The user id.
    pub sub: String,
    /// The session id.
    pub sid: String,
    /// The organization the session is in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    /// The user's role in that organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// All of the user's roles in that organization.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// The permissions those roles grant.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<String>,
    /// The organization's entitlements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entitlements: Vec<String>,
    /// Feature flags enabled for the session.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feature_flags: Vec<String>,
    /// Expiry, in seconds since the epoch.
    pub exp: i64,
    /// Issued at, in seconds since the epoch (always present on a verified token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// The issuer (always present on a verified token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// When the user signed in, in seconds since the epoch (always present on a verified token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
    /// Every other claim, as JSON.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl AccessTokenClaims {
    /// Whether the token grants `permission` (`"posts:read"`).
    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p == permission)
    }
}

/// Why an access token was rejected. Each cause has its own variant and predicate; none holds
/// the token, a key or the API key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Not a JWT (three base64url parts with a JSON header and claims).
    #[error("access token rejected: malformed: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: String,
    },
    /// Signed with an algorithm other than RS256 (`none`, or HS256 keyed with the public key).
    #[error("access token rejected: algorithm `{alg}` is not accepted (RS256 only)")]
    Algorithm {
        /// The header's `alg`.
        alg: String,
    },
    /// Signed with a key the JWKS does not have, even after a refetch.
    #[error("access token rejected: unknown signing key `{kid}`")]
    UnknownKey {
        /// The header's `kid`.
        kid: String,
    },
    /// The signature does not verify with the key it names.
    #[error("access token rejected: bad signature")]
    BadSignature,
    /// Past its `exp` (beyond the leeway).
    #[error("access token rejected: expired")]
    Expired,
    /// Before its `nbf` (beyond the leeway).
    #[error("access token rejected: not valid yet")]
    NotYetValid,
    /// The `iss` is neither the client's WorkOS issuer nor one added with
    /// [`SessionVerifier::issuer`].
    #[error("access token rejected: `iss` is not an accepted issuer")]
    Issuer,
    /// A claim every user access token has is missing (or `null`).
    #[error("access token rejected: no `{claim}` claim")]
    MissingClaim {
        /// The claim's name: `sub`, `sid`, `iss`, `exp`, `iat` or `auth_time`.
        claim: &'static str,
    },
    /// Signed by the environment's key, but another kind of token than a user access token: a
    /// widget token (it has `sub_type`) or an agent token (`sub_profile` other than `user`).
    #[error("access token rejected: not a user access token (by its `{claim}` claim)")]
    WrongKind {
        /// The claim that tells: `sub_type` or `sub_profile`.
        claim: &'static str,
    },
    /// The claims are not those of a WorkOS access token (a claim of the wrong type).
    #[error("access token rejected: claims: {reason}")]
    Claims {
        /// What is wrong with them (names the claim, not its value).
        reason: String,
    },
    /// The JWKS could not be fetched (the fetch is not retried; a backoff starts).
    #[error("fetching the JWKS: {0}")]
    Jwks(#[source] ApiError),
    /// The token names a key that is not cached, and the JWKS is not fetched again yet: the
    /// last fetch failed, and its backoff has not ended.
    #[error("access token not verified: the JWKS is unavailable (last fetch failed; next try in {}ms)", retry_in.as_millis())]
    JwksUnavailable {
        /// How long until the next fetch may be tried.
        retry_in: Duration,
    },
}

impl TokenError {
    /// Not a JWT.
    pub fn is_malformed(&self) -> bool {
        matches!(self, TokenError::Malformed { .. })
    }
    /// A rejected algorithm.
    pub fn is_algorithm(&self) -> bool {
        matches!(self, TokenError::Algorithm { .. })
    }
    /// A key the JWKS does not have.
    pub fn is_unknown_key(&self) -> bool {
        matches!(self, TokenError::UnknownKey { .. })
    }
    /// A signature that does not verify.
    pub fn is_bad_signature(&self) -> bool {
        matches!(self, TokenError::BadSignature)
    }
    /// Expired.
    pub fn is_expired(&self) -> bool {
        matches!(self, TokenError::Expired)
    }
    /// Not valid yet.
    pub fn is_not_yet_valid(&self) -> bool {
        matches!(self, TokenError::NotYetValid)
    }
    /// An `iss` that is not accepted.
    pub fn is_wrong_issuer(&self) -> bool {
        matches!(self, TokenError::Issuer)
    }
    /// A required claim missing; [`missing_claim`](Self::missing_claim) names it.
    pub fn is_missing_claim(&self) -> bool {
        matches!(self, TokenError::MissingClaim { .. })
    }
    /// The name of the missing claim, for [`TokenError::MissingClaim`].
    pub fn missing_claim(&self) -> Option<&'static str> {
        match self {
            TokenError::MissingClaim { claim } => Some(claim),
            _ => None,
        }
    }
    /// A token of another kind (widget, agent) than a user access token.
    pub fn is_wrong_kind(&self) -> bool {
        matches!(self, TokenError::WrongKind { .. })
    }
    /// A claim of the wrong type.
    pub fn is_claims(&self) -> bool {
        matches!(self, TokenError::Claims { .. })
    }
    /// The key set could not be consulted: its fetch failed ([`TokenError::Jwks`]) or is in its
    /// backoff ([`TokenError::JwksUnavailable`]). Not the token's fault (answer 503, not 401).
    pub fn is_jwks_unavailable(&self) -> bool {
        matches!(self, TokenError::Jwks(_) | TokenError::JwksUnavailable { .. })
    }
    /// Refused without a request, during the backoff after a failed JWKS fetch.
    pub fn is_jwks_backoff(&self) -> bool {
        matches!(self, TokenError::JwksUnavailable { .. })
    }
}

/// Verifies WorkOS user access tokens for one client id. Cheap to clone (the key cache is
/// shared).
///
/// ```no_run
/// # async fn demo(client: workos_api::Client, bearer: &str) -> Result<(), workos_api::sessions::TokenError> {
/// let verifier = workos_api::sessions::SessionVerifier::new(client, "client_123")
///     // With a custom authentication domain, its issuer too.
///     .issuer("https://auth.example.com");
/// let claims = verifier.verify(bearer).await?;
/// if claims.has_permission("reports:read") { /* ... */ }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SessionVerifier {
    client: Client,
    client_id: String,
    issuers: Vec<String>,
    leeway: Duration,
    refetch_interval: Duration,
    backoff: (Duration, Duration),
    cache: Arc<Mutex<KeyCache>>,
    fetch: Arc<tokio::sync::Mutex<()>>,
}

#[derive(Default)]
struct KeyCache {
    keys: HashMap<String, Arc<DecodingKey>>,
    /// The last successful fetch.
    fetched_at: Option<Instant>,
    /// Failed fetches in a row.
    failures: u32,
    /// No fetch before then (after a failure).
    retry_at: Option<Instant>,
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCache")
            .field("kids", &self.keys.keys().collect::<Vec<_>>())
            .field("failures", &self.failures)
            .finish_non_exhaustive()
    }
}

/// A claim's name, its type check, and the type in words.
type ClaimShape = (&'static str, fn(&Value) -> bool, &'static str);

/// The claims every user access token has, in the order they are checked.
const REQUIRED_CLAIMS: [ClaimShape; 6] = [
    ("sub", Value::is_string, "a string"),
    ("sid", Value::is_string, "a string"),
    ("iss", Value::is_string, "a string"),
    ("exp", Value::is_i64, "an integer"),
    ("iat", Value::is_i64, "an integer"),
    ("auth_time", Value::is_i64, "an integer"),
];

/// The optional claims [`AccessTokenClaims`] types, checked so that a wrong type is named.
const OPTIONAL_CLAIMS: [ClaimShape; 6] = [
    ("org_id", Value::is_string, "a string"),
    ("role", Value::is_string, "a string"),
    ("roles", is_string_list, "a list of strings"),
    ("permissions", is_string_list, "a list of strings"),
    ("entitlements", is_string_list, "a list of strings"),
    ("feature_flags", is_string_list, "a list of strings"),
];

fn is_string_list(v: &Value) -> bool {
    v.as_array().is_some_and(|items| items.iter().all(Value::is_string))
}

impl SessionVerifier {
    /// A verifier for tokens of `client_id`, fetching keys through `client`. Defaults: 30 s
    /// leeway on `exp` and `nbf`; the accepted issuer is the one WorkOS issues for the client,
    /// `{client.base_url()}/user_management/{client_id}`; unknown keys refetch the JWKS at most
    /// every 60 s; a failed fetch waits 1 s, doubling on each failure in a row up to 60 s.
    pub fn new(client: Client, client_id: impl Into<String>) -> Self {
        let client_id = client_id.into();
        let issuer = format!("{}/user_management/{client_id}", client.base_url());
        SessionVerifier {
            client,
            client_id,
            issuers: vec![issuer],
            leeway: Duration::from_secs(30),
            refetch_interval: Duration::from_secs(60),
            backoff: (Duration::from_secs(1), Duration::from_secs(60)),
            cache: Arc::default(),
            fetch: Arc::default(),
        }
    }

    /// A verifier for tokens of the client's own client id ([`Client::client_id`]), fetching
    /// keys through `client`; a public client can verify too (the JWKS needs no API key).
    ///
    /// # Errors
    /// [`ConfigError::MissingClientId`](crate::ConfigError::MissingClientId) when the client
    /// has no client id.
    pub fn from_client(client: &Client) -> Result<Self, crate::ConfigError> {
        let client_id = client.client_id().ok_or(crate::ConfigError::MissingClientId)?;
        Ok(Self::new(client.clone(), client_id))
    }

    /// Also accepts `issuer` as `iss` (a custom authentication domain's issuer, exactly as it
    /// appears in the tokens). The client's WorkOS issuer stays accepted.
    #[must_use]
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuers.push(issuer.into());
        self
    }

    /// Also accepts each of `issuers` as `iss`, like [`issuer`](Self::issuer).
    #[must_use]
    pub fn issuers<I: Into<String>>(mut self, issuers: impl IntoIterator<Item = I>) -> Self {
        self.issuers.extend(issuers.into_iter().map(Into::into));
        self
    }

    /// The issuers accepted as `iss`: the client's WorkOS issuer first, then those added.
    pub fn accepted_issuers(&self) -> &[String] {
        &self.issuers
    }

    /// The clock leeway on `exp` and `nbf`.
    #[must_use]
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// The least time between two JWKS fetches caused by unknown key ids.
    #[must_use]
    pub fn refetch_interval(mut self, interval: Duration) -> Self {
        self.refetch_interval = interval;
        self
    }

    /// How long a failed JWKS fetch blocks the next one: `initial` after the first failure,
    /// doubling on each failure in a row, never more than `max` (defaults: 1 s and 60 s).
    /// Meanwhile tokens signed by cached keys verify, and others are refused with
    /// [`TokenError::JwksUnavailable`] without a request.
    #[must_use]
    pub fn jwks_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.backoff = (initial, max.max(initial));
        self
    }

    /// Verifies `token` and returns its claims.
    ///
    /// # Errors
    /// A [`TokenError`] saying which check the token fails.
    pub async fn verify(&self, token: &str) -> Result<AccessTokenClaims, TokenError> {
        let verified = self.verify_inner(token).await;
        if let Err(e) = &verified {
            tracing::debug!(error = %e, "access token not accepted");
        }
        verified
    }

    async fn verify_inner(&self, token: &str) -> Result<AccessTokenClaims, TokenError> {
        let header = Header::parse(token)?;
        if header.alg != "RS256" {
            return Err(TokenError::Algorithm { alg: header.alg });
        }
        let kid =
            header.kid.ok_or_else(|| TokenError::Malformed { reason: "the header has no `kid`".into() })?;
        let key = match self.cached(&kid) {
            Some(key) => key,
            None => self.refetch(&kid).await?,
        };
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = self.leeway.as_secs();
        validation.validate_nbf = true;
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp"]);
        let data =
            jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation).map_err(map_jwt_error)?;
        check_claims(data.claims, &self.issuers)
    }

    fn lock(&self) -> MutexGuard<'_, KeyCache> {
        self.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn cached(&self, kid: &str) -> Option<Arc<DecodingKey>> {
        self.lock().keys.get(kid).cloned()
    }

    /// The delay before the next fetch after `failures` failed fetches in a row.
    fn backoff_after(&self, failures: u32) -> Duration {
        let (initial, max) = self.backoff;
        let factor = 1u32.checked_shl(failures.saturating_sub(1)).unwrap_or(u32::MAX);
        initial.saturating_mul(factor).min(max)
    }

    async fn refetch(&self, kid: &str) -> Result<Arc<DecodingKey>, TokenError> {
        let _one_at_a_time = self.fetch.lock().await;
        // Another task may have fetched while this one waited.
        if let Some(key) = self.cached(kid) {
            return Ok(key);
        }
        {
            let cache = self.lock();
            let now = Instant::now();
            if let Some(retry_at) = cache.retry_at
                && retry_at > now
            {
                return Err(TokenError::JwksUnavailable { retry_in: retry_at - now });
            }
            if cache.fetched_at.is_some_and(|at| at.elapsed() < self.refetch_interval) {
                return Err(TokenError::UnknownKey { kid: kid.to_owned() });
            }
        }
        // One attempt: the backoff below, not the client's retry loop, paces the next ones.
        let fetched =
            self.client.user_management().get_sso_jwks(&self.client_id).retry_mode(RetryMode::Never).await;
        let mut cache = self.lock();
        let jwks = match fetched {
            Ok(jwks) => jwks,
            Err(e) => {
                cache.failures = cache.failures.saturating_add(1);
                let wait = self.backoff_after(cache.failures);
                cache.retry_at = Some(Instant::now() + wait);
                tracing::warn!(
                    failures = cache.failures,
                    next_try_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    error = %e,
                    "the JWKS fetch failed; unknown signing keys are refused until the next try"
                );
                return Err(TokenError::Jwks(e));
            }
        };
        let mut keys = HashMap::new();
        for jwk in jwks.keys {
            // A key that is not a usable RSA key is skipped: a token naming it is then unknown.
            if let Ok(key) = DecodingKey::from_rsa_components(&jwk.n, &jwk.e) {
                keys.insert(jwk.kid, Arc::new(key));
            }
        }
        cache.keys = keys;
        cache.fetched_at = Some(Instant::now());
        cache.failures = 0;
        cache.retry_at = None;
        cache.keys.get(kid).cloned().ok_or_else(|| TokenError::UnknownKey { kid: kid.to_owned() })
    }
}

/// The checks on verified claims, as the Node and Python SDKs make them (kind, then required
/// claims), then the issuer; then the typed claims.
fn check_claims(claims: Map<String, Value>, issuers: &[String]) -> Result<AccessTokenClaims, TokenError> {
    // Widget session tokens carry `sub_type`; agent tokens a `sub_profile` other than `user`.
    if claims.contains_key("sub_type") {
        return Err(TokenError::WrongKind { claim: "sub_type" });
    }
    if claims.get("sub_profile").is_some_and(|p| p != "user") {
        return Err(TokenError::WrongKind { claim: "sub_profile" });
    }
    for (claim, is_typed, expected) in REQUIRED_CLAIMS {
        match claims.get(claim) {
            None | Some(Value::Null) => return Err(TokenError::MissingClaim { claim }),
            Some(v) if !is_typed(v) => {
                return Err(TokenError::Claims { reason: format!("`{claim}` is not {expected}") });
            }
            Some(_) => {}
        }
    }
    for (claim, is_typed, expected) in OPTIONAL_CLAIMS {
        if claims.get(claim).is_some_and(|v| !is_typed(v)) {
            return Err(TokenError::Claims { reason: format!("`{claim}` is not {expected}") });
        }
    }
    if !claims.get("iss").and_then(Value::as_str).is_some_and(|iss| issuers.iter().any(|i| i == iss)) {
        return Err(TokenError::Issuer);
    }
    // The shapes are checked above; a failure here names no value all the same.
    serde_json::from_value(Value::Object(claims))
        .map_err(|_| TokenError::Claims { reason: "not the claims of a WorkOS access token".into() })
}

fn map_jwt_error(e: jsonwebtoken::errors::Error) -> TokenError {
    use jsonwebtoken::errors::ErrorKind;
    match e.kind() {
        ErrorKind::ExpiredSignature => TokenError::Expired,
        ErrorKind::ImmatureSignature => TokenError::NotYetValid,
        ErrorKind::InvalidSignature => TokenError::BadSignature,
        ErrorKind::InvalidIssuer => TokenError::Issuer,
        ErrorKind::InvalidAlgorithm => TokenError::Algorithm { alg: "?".into() },
        ErrorKind::MissingRequiredClaim(claim) => match REQUIRED_CLAIMS.iter().find(|(c, ..)| c == claim) {
            Some((claim, ..)) => TokenError::MissingClaim { claim },
            None => TokenError::Claims { reason: e.to_string() },
        },
        ErrorKind::Json(_) => TokenError::Claims { reason: "the claims are not a JSON object".into() },
        _ => TokenError::Malformed { reason: e.to_string() },
    }
}

/// The `sid` claim of `token`, read without verifying it: for a token this crate already holds
/// as authenticated (a session unsealed from its cookie, or WorkOS's answer), where the session
/// id must be read even once the token has expired (`Session::logout_url`).
pub(super) fn unverified_session_id(token: &str) -> Result<String, TokenError> {
    let malformed = |reason: &str| TokenError::Malformed { reason: reason.to_owned() };
    let mut parts = token.split('.');
    let (Some(_), Some(claims), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("expected three `.`-separated parts"));
    };
    let bytes = B64.decode(claims).map_err(|_| malformed("the claims are not base64url"))?;
    let claims: Map<String, Value> =
        serde_json::from_slice(&bytes).map_err(|_| malformed("the claims are not a JSON object"))?;
    match claims.get("sid") {
        None | Some(Value::Null) => Err(TokenError::MissingClaim { claim: "sid" }),
        Some(Value::String(sid)) if !sid.is_empty() => Ok(sid.clone()),
        Some(_) => Err(TokenError::Claims { reason: "`sid` is not a non-empty string".into() }),
    }
}

/// The parts of a JWT header this checks before trusting anything: read by hand so that an
/// algorithm the JWT crate does not know (`none`) is still reported as an algorithm.
struct Header {
    alg: String,
    kid: Option<String>,
}

impl Header {
    fn parse(token: &str) -> Result<Header, TokenError> {
        let malformed = |reason: &str| TokenError::Malformed { reason: reason.to_owned() };
        let mut parts = token.split('.');
        let (Some(header), Some(_), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed("expected three `.`-separated parts"));
        };
        let bytes = B64.decode(header).map_err(|_| malformed("the header is not base64url"))?;
        #[derive(Deserialize)]
        struct Raw {
            alg: String,
            kid: Option<String>,
        }
        let raw: Raw = serde_json::from_slice(&bytes).map_err(|e| malformed(&format!("header: {e}")))?;
        Ok(Header { alg: raw.alg, kid: raw.kid })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_on_each_failure_up_to_its_cap() {
        let client = Client::builder().api_key("sk_test_backoff").build().expect("client");
        let verifier = SessionVerifier::new(client, "client_1")
            .jwks_backoff(Duration::from_millis(500), Duration::from_secs(4));
        let waits: Vec<u64> = [1, 2, 3, 4, 5, 6, 40, u32::MAX]
            .into_iter()
            .map(|n| u64::try_from(verifier.backoff_after(n).as_millis()).expect("fits"))
            .collect();
        assert_eq!(waits, [500, 1000, 2000, 4000, 4000, 4000, 4000, 4000]);
    }

    fn token_with(claims: &Value) -> String {
        let header = B64.encode(br#"{"alg":"RS256","kid":"k"}"#);
        format!("{header}.{}.c2ln", B64.encode(claims.to_string()))
    }

    #[test]
    fn the_session_id_is_read_from_the_claims_even_when_expired() {
        let expired = serde_json::json!({"sid": "session_01", "sub": "user_1", "exp": 1});
        assert_eq!(unverified_session_id(&token_with(&expired)).unwrap(), "session_01");
        let none = unverified_session_id(&token_with(&serde_json::json!({"sub": "user_1"}))).unwrap_err();
        assert_eq!(none.missing_claim(), Some("sid"));
        assert!(unverified_session_id(&token_with(&serde_json::json!({"sid": 7}))).unwrap_err().is_claims());
        assert!(unverified_session_id(&token_with(&serde_json::json!({"sid": ""}))).unwrap_err().is_claims());
        assert!(unverified_session_id("not.a-jwt").unwrap_err().is_malformed());
        assert!(unverified_session_id("a.!!!.c").unwrap_err().is_malformed());
        let not_object = format!("a.{}.c", B64.encode("[1]"));
        assert!(unverified_session_id(&not_object).unwrap_err().is_malformed());
    }

    #[test]
    fn the_default_issuer_is_the_clients_user_management_issuer() {
        let client = Client::builder().api_key("sk_test_issuer").build().expect("client");
        let verifier = SessionVerifier::new(client, "client_1").issuer("https://auth.example.com");
        assert_eq!(
            verifier.accepted_issuers(),
            ["https://api.workos.com/user_management/client_1", "https://auth.example.com"]
        );
    }
}
