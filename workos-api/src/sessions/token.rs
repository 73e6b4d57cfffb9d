//! Access tokens: WorkOS signs them with RS256 under the keys of `GET /sso/jwks/{clientId}`.
//! [`SessionVerifier`] fetches those keys (through the generated operation), caches them,
//! refetches when a token names a key it does not have (at most once per
//! [`SessionVerifier::refetch_interval`]), and checks signature, `exp`, `nbf` and, when
//! configured, `iss`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};

use crate::{ApiError, Client};

/// The claims of a WorkOS access token.
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
    /// Issued at, in seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// The issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// Every other claim, as JSON.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl AccessTokenClaims {
    /// Whether the token grants `permission` (`"posts:read"`).
    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p == permission)
    }
}

/// Why an access token was rejected. Each cause has its own variant and predicate.
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
    /// The `iss` is not the configured issuer.
    #[error("access token rejected: wrong issuer")]
    Issuer,
    /// The claims are not those of a WorkOS access token.
    #[error("access token rejected: claims: {reason}")]
    Claims {
        /// What is wrong with them.
        reason: String,
    },
    /// The JWKS could not be fetched.
    #[error("fetching the JWKS: {0}")]
    Jwks(#[source] ApiError),
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
}

/// Verifies WorkOS access tokens for one client id. Cheap to clone (the key cache is shared).
///
/// ```no_run
/// # async fn demo(client: workos_api::Client, bearer: &str) -> Result<(), workos_api::sessions::TokenError> {
/// let verifier = workos_api::sessions::SessionVerifier::new(client, "client_123");
/// let claims = verifier.verify(bearer).await?;
/// if claims.has_permission("reports:read") { /* ... */ }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SessionVerifier {
    client: Client,
    client_id: String,
    issuer: Option<String>,
    leeway: Duration,
    refetch_interval: Duration,
    cache: Arc<Mutex<KeyCache>>,
    fetch: Arc<tokio::sync::Mutex<()>>,
}

#[derive(Default)]
struct KeyCache {
    keys: HashMap<String, Arc<DecodingKey>>,
    fetched_at: Option<Instant>,
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCache").field("kids", &self.keys.keys().collect::<Vec<_>>()).finish()
    }
}

impl SessionVerifier {
    /// A verifier for tokens of `client_id`, fetching keys through `client`. Defaults: 30 s
    /// leeway on `exp` and `nbf`, no issuer check, refetch at most every 60 s.
    pub fn new(client: Client, client_id: impl Into<String>) -> Self {
        SessionVerifier {
            client,
            client_id: client_id.into(),
            issuer: None,
            leeway: Duration::from_secs(30),
            refetch_interval: Duration::from_secs(60),
            cache: Arc::default(),
            fetch: Arc::default(),
        }
    }

    /// Also requires `iss` to be `issuer`.
    #[must_use]
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
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

    /// Verifies `token` and returns its claims.
    ///
    /// # Errors
    /// A [`TokenError`] saying why the token is rejected.
    pub async fn verify(&self, token: &str) -> Result<AccessTokenClaims, TokenError> {
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
        validation.set_required_spec_claims(&["exp", "sub"]);
        if let Some(iss) = &self.issuer {
            validation.set_issuer(&[iss]);
        }
        let data =
            jsonwebtoken::decode::<AccessTokenClaims>(token, &key, &validation).map_err(map_jwt_error)?;
        Ok(data.claims)
    }

    fn cached(&self, kid: &str) -> Option<Arc<DecodingKey>> {
        self.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner).keys.get(kid).cloned()
    }

    async fn refetch(&self, kid: &str) -> Result<Arc<DecodingKey>, TokenError> {
        let _one_at_a_time = self.fetch.lock().await;
        // Another task may have fetched while this one waited.
        if let Some(key) = self.cached(kid) {
            return Ok(key);
        }
        let recent = {
            let cache = self.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            cache.fetched_at.is_some_and(|at| at.elapsed() < self.refetch_interval)
        };
        if recent {
            return Err(TokenError::UnknownKey { kid: kid.to_owned() });
        }
        let jwks =
            self.client.user_management().get_sso_jwks(&self.client_id).await.map_err(TokenError::Jwks)?;
        let mut keys = HashMap::new();
        for jwk in jwks.keys {
            // A key that is not a usable RSA key is skipped: a token naming it is then unknown.
            if let Ok(key) = DecodingKey::from_rsa_components(&jwk.n, &jwk.e) {
                keys.insert(jwk.kid, Arc::new(key));
            }
        }
        let mut cache = self.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.keys = keys;
        cache.fetched_at = Some(Instant::now());
        cache.keys.get(kid).cloned().ok_or_else(|| TokenError::UnknownKey { kid: kid.to_owned() })
    }
}

fn map_jwt_error(e: jsonwebtoken::errors::Error) -> TokenError {
    use jsonwebtoken::errors::ErrorKind;
    match e.kind() {
        ErrorKind::ExpiredSignature => TokenError::Expired,
        ErrorKind::ImmatureSignature => TokenError::NotYetValid,
        ErrorKind::InvalidSignature => TokenError::BadSignature,
        ErrorKind::InvalidIssuer => TokenError::Issuer,
        ErrorKind::InvalidAlgorithm => TokenError::Algorithm { alg: "?".into() },
        ErrorKind::Json(_) | ErrorKind::MissingRequiredClaim(_) => {
            TokenError::Claims { reason: e.to_string() }
        }
        _ => TokenError::Malformed { reason: e.to_string() },
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
