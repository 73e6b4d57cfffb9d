//! Building a client: from the environment or a builder, with every default documented.
//!
//! Two kinds of client: a **confidential** client (a server's: it holds the API key, sent as
//! `Authorization: Bearer` on every call) and a **public** client (a CLI's, a desktop or mobile
//! app's: it holds only a client id, sends no `Authorization` header, and can do the sign-ins a
//! public OAuth client may do). Each kind has its own constructor, so a server that forgot its
//! key fails to build instead of turning public.

use std::sync::Arc;
use std::time::Duration;

use super::{Runtime, retry::RetryBudget, retry::RetryPolicy};

/// The WorkOS API.
pub const DEFAULT_BASE_URL: &str = "https://api.workos.com";
/// How long to wait for a TCP + TLS connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one attempt may take, response body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A WorkOS API key. Never shown: `Debug` prints `ApiKey(<redacted>)`.
#[derive(Clone)]
pub(crate) struct ApiKey(Arc<str>);

impl ApiKey {
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// A client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `WORKOS_API_KEY` is not set (or empty), and no key was given. (A client without an API
    /// key is built with [`Client::public`](crate::Client::public) instead.)
    #[error(
        "no API key: set WORKOS_API_KEY or call ClientBuilder::api_key (a public client, without one, is built with Client::public)"
    )]
    MissingApiKey,
    /// A client id is needed and none is set (or it is empty): a public client's, or a
    /// helper's (`client.authkit()`) on a client built without `WORKOS_CLIENT_ID` or
    /// [`ClientBuilder::client_id`].
    #[error("no client id: set WORKOS_CLIENT_ID or call ClientBuilder::client_id")]
    MissingClientId,
    /// An API key was given to a public client: a program that holds the key is a server,
    /// and builds a confidential client (`Client::builder().api_key(..)`).
    #[error(
        "an API key was given to a public client: build a confidential client with ClientBuilder::api_key instead"
    )]
    ApiKeyOnPublicClient,
    /// The key cannot be sent in a header (it holds control characters or spaces).
    #[error("the API key is not a valid HTTP header value")]
    InvalidApiKey,
    /// The base URL does not parse, or cannot hold a path.
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// A plain-http base URL that is not a loopback address.
    #[error(
        "refusing plain-http base URL {0:?}: use https, a loopback address, or ClientBuilder::allow_insecure_http"
    )]
    InsecureBaseUrl(String),
    /// reqwest could not build its client (TLS setup, for instance).
    #[error("building the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

/// Builds a [`Client`](crate::Client). Defaults: [`DEFAULT_BASE_URL`],
/// [`DEFAULT_CONNECT_TIMEOUT`], [`DEFAULT_TIMEOUT`], user agent `workos-api/<version>`,
/// [`RetryPolicy::default`], TLS through rustls, plain http refused except on loopback, no
/// client id.
///
/// A confidential client needs [`api_key`](Self::api_key); a public client is asked for with
/// [`public_client`](Self::public_client) and refuses one.
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    client_id: Option<String>,
    public: bool,
    base_url: String,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: String,
    policy: RetryPolicy,
    http: Option<reqwest::Client>,
    allow_insecure_http: bool,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("client_id", &self.client_id)
            .field("public", &self.public)
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("policy", &self.policy)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            api_key: None,
            client_id: None,
            public: false,
            base_url: DEFAULT_BASE_URL.to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned(),
            policy: RetryPolicy::default(),
            http: None,
            allow_insecure_http: false,
        }
    }
}

impl ClientBuilder {
    /// The API key (`sk_...`).
    #[must_use]
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(ApiKey(key.into().into()));
        self
    }

    /// The client id (`client_...`), kept on the client ([`Client::client_id`](crate::Client::client_id)):
    /// the helpers that need one (`client.authkit()`, `SessionVerifier::from_client`) take it
    /// from there. [`Client::from_env`](crate::Client::from_env) reads `WORKOS_CLIENT_ID`.
    #[must_use]
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// Makes a **public** client for `client_id`: no API key, no `Authorization` header. What
    /// a CLI, a desktop or a mobile app uses, as it cannot keep a secret. It can do what a public
    /// OAuth client may do: AuthKit's authorization URL with PKCE, the code exchange with the
    /// PKCE verifier, the refresh-token exchange, the device authorization flow, and the JWKS
    /// (access-token verification). Any other call fails before anything is sent, with an
    /// [`ApiError`](crate::ApiError) whose
    /// [`is_missing_api_key`](crate::ApiError::is_missing_api_key) is true, unless the call
    /// carries its own `Authorization` header.
    ///
    /// [`build`](Self::build) fails with [`ConfigError::ApiKeyOnPublicClient`] if an API key is
    /// set too, and with [`ConfigError::MissingClientId`] for an empty client id.
    #[must_use]
    pub fn public_client(mut self, client_id: impl Into<String>) -> Self {
        self.public = true;
        self.client_id = Some(client_id.into());
        self
    }

    /// The API's base URL (default [`DEFAULT_BASE_URL`]).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// TCP + TLS connection timeout (default [`DEFAULT_CONNECT_TIMEOUT`]); not applied to a
    /// caller's own [`http_client`](Self::http_client).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Timeout of one attempt (default [`DEFAULT_TIMEOUT`]).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `User-Agent` header (default `workos-api/<version>`).
    #[must_use]
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Use the caller's own `reqwest::Client` (its connection pool, proxy, TLS settings).
    ///
    /// Build it with `.redirect(reqwest::redirect::Policy::none())`: the WorkOS API never
    /// redirects an API call, and a client that follows a `307` or `308` re-sends the request's
    /// body (AuthKit's code exchange carries the API key as `client_secret`) to wherever the
    /// `Location` points. The client this builder makes itself follows no redirect. A response
    /// that arrives from another URL than the one called is refused all the same
    /// ([`ApiError::is_redirect`](crate::ApiError::is_redirect)), but by then the request has
    /// been re-sent.
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Accept a plain-http base URL that is not a loopback address (default `false`).
    #[must_use]
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// A confidential client without an API key ([`ConfigError::MissingApiKey`]) or with a
    /// malformed one; a public client with an API key or without a client id; an empty client
    /// id; an invalid or insecure base URL; a TLS setup failure.
    pub fn build(self) -> Result<crate::Client, ConfigError> {
        let client_id = match self.client_id {
            Some(id) if id.trim().is_empty() => return Err(ConfigError::MissingClientId),
            id => id,
        };
        let api_key = if self.public {
            if self.api_key.is_some() {
                return Err(ConfigError::ApiKeyOnPublicClient);
            }
            None
        } else {
            let api_key =
                self.api_key.filter(|k| !k.expose().is_empty()).ok_or(ConfigError::MissingApiKey)?;
            if reqwest::header::HeaderValue::from_str(&format!("Bearer {}", api_key.expose())).is_err() {
                return Err(ConfigError::InvalidApiKey);
            }
            Some(api_key)
        };
        check_base_url(&self.base_url, self.allow_insecure_http)?;
        let http = match self.http {
            Some(client) => client,
            // No redirect is followed: the API never redirects a call, and following one
            // would re-send the body (and its secrets) to another origin.
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(self.connect_timeout)
                .build()
                .map_err(ConfigError::Http)?,
        };
        let runtime = Runtime {
            api_key,
            user_agent: self.user_agent.into(),
            timeout: self.timeout,
            budget: RetryBudget::new(self.policy.budget_capacity),
            policy: self.policy,
        };
        Ok(crate::Client::from_parts(&self.base_url, client_id, http, runtime))
    }
}

fn check_base_url(url: &str, allow_insecure_http: bool) -> Result<(), ConfigError> {
    let invalid =
        |reason: &str| ConfigError::InvalidBaseUrl { url: url.to_owned(), reason: reason.to_owned() };
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
    if parsed.cannot_be_a_base() {
        return Err(invalid("it cannot hold a path"));
    }
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure_http || is_loopback(&parsed) => Ok(()),
        "http" => Err(ConfigError::InsecureBaseUrl(url.to_owned())),
        other => Err(invalid(&format!("unsupported scheme {other:?}"))),
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

impl crate::Client {
    /// A builder; see [`ClientBuilder`] for the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A public client for `client_id`, every other setting at its default:
    /// `Client::builder().public_client(client_id).build()` (see
    /// [`ClientBuilder::public_client`] for what it can do).
    ///
    /// ```no_run
    /// # async fn demo(code_from_the_callback: &str) -> Result<(), Box<dyn std::error::Error>> {
    /// use workos_api::sessions::Pkce;
    ///
    /// let client = workos_api::Client::public("client_123")?;
    /// let authkit = client.authkit()?;
    /// let pkce = Pkce::new()?;
    /// let request = authkit.authorization_url("http://127.0.0.1:8484/callback").pkce(&pkce).build()?;
    /// // Open request.url in the browser; keep request.state to check on the callback.
    /// let signed_in = authkit.authenticate_with_code(code_from_the_callback, Some(&pkce)).await?;
    /// # let _ = signed_in; Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`ConfigError::MissingClientId`] for an empty client id; a TLS setup failure.
    pub fn public(client_id: impl Into<String>) -> Result<Self, ConfigError> {
        Self::builder().public_client(client_id).build()
    }

    /// A confidential client configured from `WORKOS_API_KEY` (required), `WORKOS_CLIENT_ID`
    /// and `WORKOS_BASE_URL` (optional), with every other setting at its default. The client id
    /// is kept on the client ([`client_id`](Self::client_id)) for the helpers that need one.
    /// It never makes a public client: without `WORKOS_API_KEY` it fails.
    ///
    /// # Errors
    /// [`ConfigError::MissingApiKey`] when `WORKOS_API_KEY` is unset or empty; the errors of
    /// [`ClientBuilder::build`].
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with the variables read through `lookup`.
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let key =
            lookup("WORKOS_API_KEY").filter(|k| !k.trim().is_empty()).ok_or(ConfigError::MissingApiKey)?;
        let mut builder = Self::builder().api_key(key.trim());
        if let Some(id) = lookup("WORKOS_CLIENT_ID").filter(|id| !id.trim().is_empty()) {
            builder = builder.client_id(id.trim());
        }
        if let Some(url) = lookup("WORKOS_BASE_URL").filter(|u| !u.trim().is_empty()) {
            builder = builder.base_url(url.trim());
        }
        builder.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn from_env_needs_a_key() {
        assert!(matches!(crate::Client::from_lookup(env(&[])), Err(ConfigError::MissingApiKey)));
        assert!(matches!(
            crate::Client::from_lookup(env(&[("WORKOS_API_KEY", "  ")])),
            Err(ConfigError::MissingApiKey)
        ));
        let client = crate::Client::from_lookup(env(&[("WORKOS_API_KEY", "sk_test_123")])).unwrap();
        assert_eq!(client.base_url(), DEFAULT_BASE_URL);
        let client = crate::Client::from_lookup(env(&[
            ("WORKOS_API_KEY", "sk_test_123"),
            ("WORKOS_BASE_URL", "http://127.0.0.1:4100/"),
        ]))
        .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:4100");
        assert_eq!(client.client_id(), None);
    }

    #[test]
    fn from_env_keeps_the_client_id() {
        let client = crate::Client::from_lookup(env(&[
            ("WORKOS_API_KEY", "sk_test_123"),
            ("WORKOS_CLIENT_ID", " client_123 "),
        ]))
        .unwrap();
        assert_eq!(client.client_id(), Some("client_123"));
        assert!(!client.is_public());
        let blank =
            crate::Client::from_lookup(env(&[("WORKOS_API_KEY", "sk_test_123"), ("WORKOS_CLIENT_ID", " ")]));
        assert_eq!(blank.unwrap().client_id(), None);
        // A client id alone does not make a public client: the key is still required.
        assert!(matches!(
            crate::Client::from_lookup(env(&[("WORKOS_CLIENT_ID", "client_123")])),
            Err(ConfigError::MissingApiKey)
        ));
    }

    #[test]
    fn a_public_client_has_a_client_id_and_no_key() {
        let client = crate::Client::public("client_123").unwrap();
        assert!(client.is_public());
        assert_eq!(client.client_id(), Some("client_123"));
        assert!(client.runtime().api_key().is_none());
        assert!(format!("{client:?}").contains("client_123"));
        assert!(matches!(crate::Client::public(" "), Err(ConfigError::MissingClientId)));
        assert!(matches!(
            crate::Client::builder().api_key("sk_test_1").public_client("client_123").build(),
            Err(ConfigError::ApiKeyOnPublicClient)
        ));
        // A confidential client without a key is not silently public.
        assert!(matches!(
            crate::Client::builder().client_id("client_123").build(),
            Err(ConfigError::MissingApiKey)
        ));
        let confidential =
            crate::Client::builder().api_key("sk_test_1").client_id("client_123").build().unwrap();
        assert!(!confidential.is_public());
        assert_eq!(confidential.client_id(), Some("client_123"));
        assert!(matches!(
            crate::Client::builder().api_key("sk_test_1").client_id("").build(),
            Err(ConfigError::MissingClientId)
        ));
    }

    #[test]
    fn plain_http_only_on_loopback_or_when_allowed() {
        let build = |url: &str, allow| {
            crate::Client::builder().api_key("sk_test_1").base_url(url).allow_insecure_http(allow).build()
        };
        assert!(build("http://localhost:4100", false).is_ok());
        assert!(build("http://[::1]:4100", false).is_ok());
        assert!(matches!(build("http://api.example.com", false), Err(ConfigError::InsecureBaseUrl(_))));
        assert!(build("http://api.example.com", true).is_ok());
        assert!(matches!(build("ftp://x", false), Err(ConfigError::InvalidBaseUrl { .. })));
        assert!(matches!(build("not a url", false), Err(ConfigError::InvalidBaseUrl { .. })));
    }

    #[test]
    fn the_key_never_shows() {
        let builder = crate::Client::builder().api_key("sk_test_SECRET");
        let client = builder.clone().build().unwrap();
        for text in [format!("{builder:?}"), format!("{client:?}")] {
            assert!(!text.contains("SECRET"), "{text}");
        }
        assert!(matches!(
            crate::Client::builder().api_key("sk bad\nkey").build(),
            Err(ConfigError::InvalidApiKey)
        ));
    }
}
