//! The client: a base URL, an HTTP client and the runtime state, shared by every clone.

use std::sync::Arc;

use super::Runtime;

/// A WorkOS API client. Cloning is cheap (the state is shared), so an area handle, a request
/// builder and a stream each own one and can outlive the place they were made in.
///
/// Calls are grouped by area: `client.authorization()`, `client.organizations()`,
/// `client.user_management()`... each returning a handle whose methods start a request.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let client = workos_api::Client::from_env()?;
/// let roles = client.authorization().list_environment_roles().await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    base_url: String,
    client_id: Option<String>,
    http: reqwest::Client,
    runtime: Runtime,
}

impl Client {
    pub(crate) fn from_parts(
        base_url: &str,
        client_id: Option<String>,
        http: reqwest::Client,
        runtime: Runtime,
    ) -> Self {
        let base_url = base_url.trim_end_matches('/').to_owned();
        Client { inner: Arc::new(Inner { base_url, client_id, http, runtime }) }
    }

    /// The base URL, without a trailing slash (`https://api.workos.com` by default).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The client id (`client_...`) given to the builder ([`ClientBuilder::client_id`] or
    /// [`ClientBuilder::public_client`]) or read from `WORKOS_CLIENT_ID` by
    /// [`from_env`](Self::from_env); `None` when there was none.
    ///
    /// [`ClientBuilder::client_id`]: crate::ClientBuilder::client_id
    /// [`ClientBuilder::public_client`]: crate::ClientBuilder::public_client
    pub fn client_id(&self) -> Option<&str> {
        self.inner.client_id.as_deref()
    }

    /// Whether this is a public client ([`Client::public`]): it has no API key, sends no
    /// `Authorization` header, and refuses the calls that need the key before sending them.
    pub fn is_public(&self) -> bool {
        self.inner.runtime.api_key().is_none()
    }

    /// The HTTP client the calls go through.
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub(crate) fn runtime(&self) -> &Runtime {
        &self.inner.runtime
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("client_id", &self.inner.client_id)
            .field("public", &self.is_public())
            .field("runtime", &self.inner.runtime)
            .finish_non_exhaustive()
    }
}
