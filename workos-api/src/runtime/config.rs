//! Building a client: from the environment or a builder, with every default documented.

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
    /// `WORKOS_API_KEY` is not set (or empty), and no key was given.
    #[error("no API key: set WORKOS_API_KEY or call ClientBuilder::api_key")]
    MissingApiKey,
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
/// [`RetryPolicy::default`], TLS through rustls, plain http refused except on loopback.
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
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
    /// A missing or malformed API key, an invalid or insecure base URL, or a TLS setup failure.
    pub fn build(self) -> Result<crate::Client, ConfigError> {
        let api_key = self.api_key.filter(|k| !k.expose().is_empty()).ok_or(ConfigError::MissingApiKey)?;
        if reqwest::header::HeaderValue::from_str(&format!("Bearer {}", api_key.expose())).is_err() {
            return Err(ConfigError::InvalidApiKey);
        }
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
        Ok(crate::Client::from_parts(&self.base_url, http, runtime))
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

    /// A client configured from `WORKOS_API_KEY` (required) and `WORKOS_BASE_URL` (optional),
    /// with every other setting at its default.
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
