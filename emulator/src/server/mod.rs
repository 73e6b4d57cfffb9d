//! Start-up, shutdown, snapshots and seeding; the middleware every request passes (log, faults,
//! authentication) is in [`middleware`].

pub(crate) mod control;
pub(crate) mod faults;
pub(crate) mod fill;
pub(crate) mod generic;
pub(crate) mod idle;
pub(crate) mod log;
pub(crate) mod middleware;
pub(crate) mod router;
pub(crate) mod shared;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::response::IntoResponse as _;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

use crate::model::Seed;
use crate::model::seed::SeedError;
use crate::server::faults::{Fault, Target};
use crate::server::log::RecordedRequest;
pub(crate) use shared::{DropSignal, MAX_BODY, Shared, lock};
pub use shared::{FLUSH_INTERVAL, MAX_SNAPSHOTS, Snapshot};

/// The API key WorkOS's own emulator accepts, so existing setups work unchanged.
pub const DEFAULT_API_KEY: &str = "sk_test_default";

/// The binary's default port.
pub const DEFAULT_PORT: u16 = 4100;

/// Configures an [`Emulator`] before it starts.
#[derive(Debug, Clone)]
pub struct Builder {
    api_key: String,
    port: u16,
    seed: Seed,
    token_ttl: Duration,
    log_bytes: usize,
    bind: std::net::IpAddr,
    timeouts: Timeouts,
    data_file: Option<std::path::PathBuf>,
}

/// How long a connection may take to send its request head, and stay open without traffic.
#[derive(Debug, Clone, Copy)]
struct Timeouts {
    header_read: Duration,
    idle: Duration,
}

/// Default of [`Builder::header_read_timeout`].
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default of [`Builder::idle_timeout`].
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

impl Default for Builder {
    fn default() -> Self {
        Self {
            api_key: DEFAULT_API_KEY.to_owned(),
            port: 0,
            seed: Seed::workos_default(),
            token_ttl: Duration::from_secs(300),
            log_bytes: crate::server::log::DEFAULT_LOG_BYTES,
            bind: std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
            timeouts: Timeouts { header_read: DEFAULT_HEADER_READ_TIMEOUT, idle: DEFAULT_IDLE_TIMEOUT },
            data_file: None,
        }
    }
}

impl Builder {
    /// The API key requests must present as `Authorization: Bearer <key>`
    /// (default [`DEFAULT_API_KEY`]).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// The port (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The address to listen on (default 127.0.0.1). Another address (`0.0.0.0` in a container)
    /// makes the emulator reachable from other hosts: [`Builder::start`] then refuses the
    /// default API key.
    pub fn bind(mut self, addr: std::net::IpAddr) -> Self {
        self.bind = addr;
        self
    }

    /// How long a client may take to send a request's head before the connection is closed
    /// (default [`DEFAULT_HEADER_READ_TIMEOUT`], 10 s): a slow client cannot hold a connection.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.header_read = timeout;
        self
    }

    /// How long a connection may stay open with no bytes in either direction (default
    /// [`DEFAULT_IDLE_TIMEOUT`], 60 s).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.idle = timeout;
        self
    }

    /// Keeps the data in `file` so a long-lived instance survives a restart: loaded at start
    /// when the file exists (the seed is then not applied), written within
    /// [`FLUSH_INTERVAL`] of each change and at [`Emulator::shutdown`], atomically (a crash
    /// leaves the previous file or the new one, never a torn one).
    pub fn data_file(mut self, file: impl Into<std::path::PathBuf>) -> Self {
        self.data_file = Some(file.into());
        self
    }

    /// The data to start with, instead of [`Seed::workos_default`] (the `member` role).
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed = seed;
        self
    }

    /// The request log's budget: the bytes of the request and response bodies it keeps
    /// (default [`crate::DEFAULT_LOG_BYTES`], 16 MiB). Older entries go first; a body over
    /// [`crate::MAX_LOGGED_BODY`] is kept truncated.
    pub fn request_log_bytes(mut self, bytes: usize) -> Self {
        self.log_bytes = bytes;
        self
    }

    /// How long the access tokens of `authenticate` live (default 5 minutes, as WorkOS).
    pub fn access_token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// Binds the address (127.0.0.1 unless [`Builder::bind`] says otherwise) and starts serving
    /// on the current Tokio runtime.
    ///
    /// # Errors
    /// The port cannot be bound; the seed is inconsistent (an [`io::Error`] of kind
    /// `InvalidInput` wrapping a [`SeedError`]); a non-loopback address with the default API key
    /// (`InvalidInput`: anyone who can reach it would know the key).
    pub async fn start(self) -> io::Result<Emulator> {
        if !self.bind.is_loopback() && self.api_key == DEFAULT_API_KEY {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "listening on {} (not loopback) needs an API key of your own, not the default {DEFAULT_API_KEY}",
                    self.bind
                ),
            ));
        }
        let shared = Arc::new(Shared::new(
            self.api_key.clone(),
            self.token_ttl,
            self.log_bytes,
            self.data_file.clone(),
        ));
        match self.data_file.as_deref().filter(|f| f.exists()) {
            Some(file) => {
                let bytes = std::fs::read(file)
                    .map_err(|e| io::Error::new(e.kind(), format!("data file {}: {e}", file.display())))?;
                let store = crate::model::persist::from_bytes(&bytes).map_err(|e| {
                    io::Error::new(io::ErrorKind::InvalidData, format!("data file {}: {e}", file.display()))
                })?;
                let deliveries = shared.store().events.deliveries.clone();
                let mut loaded = shared.store();
                *loaded = store;
                loaded.events.deliveries = deliveries;
            }
            None => {
                apply_seed(&shared, &self.seed).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?
            }
        }
        *lock(&shared.initial) = Some(Arc::new(shared.store().clone()));
        // Written once now: a data file that cannot be written stops the start, loudly.
        shared.flush()?;
        if shared.persistence.is_some() {
            let flusher = shared.clone();
            let task = tokio::spawn(async move {
                loop {
                    tokio::time::sleep(FLUSH_INTERVAL).await;
                    let shared = flusher.clone();
                    // The error is reported on stderr by `flush`; the next change tries again.
                    let _ = tokio::task::spawn_blocking(move || shared.flush()).await;
                }
            });
            lock(&shared.webhook_tasks).push(task);
        }
        let listener = TcpListener::bind((self.bind, self.port)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(serve(listener, app(shared.clone()), self.timeouts, stopped));
        let base_url = if addr.ip().is_unspecified() {
            format!("http://127.0.0.1:{}", addr.port())
        } else {
            format!("http://{addr}")
        };
        Ok(Emulator { addr, base_url, api_key: self.api_key, shared, task, stop })
    }
}

/// Applies a seed whole or not at all: on an error the data is as it was.
pub(crate) fn apply_seed(shared: &Shared, seed: &Seed) -> Result<(), SeedError> {
    let mut store = shared.store();
    let before = store.clone();
    let applied = store.apply_seed(seed);
    if applied.is_err() {
        *store = before;
    }
    applied
}

/// The router with the middleware around it, outermost first: the request log, faults,
/// authentication; a path it does not serve is a JSON 404.
fn app(shared: Arc<Shared>) -> axum::Router {
    router::routed()
        .fallback(not_served)
        .layer(axum::middleware::from_fn_with_state(shared.clone(), middleware::authenticate))
        .layer(axum::middleware::from_fn_with_state(shared.clone(), middleware::inject_faults))
        .layer(axum::middleware::from_fn_with_state(shared.clone(), middleware::record))
        .with_state(shared)
}

async fn not_served(method: http::Method, uri: http::Uri) -> axum::response::Response {
    crate::model::error::ApiError {
        status: http::StatusCode::NOT_FOUND,
        code: Some("route_not_found"),
        message: format!("The emulator does not serve {method} {}.", uri.path()),
        errors: Vec::new(),
        oauth: false,
    }
    .into_response()
}

/// Accepts connections until told to stop (then lets the open ones finish their requests) or
/// aborted (which drops every connection).
async fn serve(
    listener: TcpListener,
    router: axum::Router,
    timeouts: Timeouts,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: wait a little and go on.
                Err(_) => { tokio::time::sleep(Duration::from_millis(10)).await; continue; }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            _ = stop.changed() => break,
        };
        let _ = stream.set_nodelay(true);
        let signal = DropSignal(Arc::new(Notify::new()));
        let router = router.clone();
        let kill = signal.0.clone();
        let service = hyper::service::service_fn(move |mut req: http::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(signal.clone());
            router.clone().oneshot(req.map(Body::new))
        });
        let mut stop = stop.clone();
        connections.spawn(async move {
            let (io, last_activity) = crate::server::idle::Tracked::new(stream);
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(timeouts.header_read)
                .serve_connection(TokioIo::new(io), service);
            tokio::pin!(conn);
            let mut idle = tokio::time::interval((timeouts.idle / 4).max(Duration::from_millis(10)));
            loop {
                tokio::select! {
                    _ = conn.as_mut() => break,
                    () = kill.notified() => break,
                    _ = idle.tick() => {
                        if last_activity.idle_for() >= timeouts.idle {
                            break;
                        }
                    }
                    _ = stop.changed() => {
                        // Finish the request in flight, then close.
                        conn.as_mut().graceful_shutdown();
                        let _ = conn.as_mut().await;
                        break;
                    }
                }
            }
        });
    }
    while connections.join_next().await.is_some() {}
}

/// A running emulator. Dropping it stops the server and closes its connections.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    base_url: String,
    api_key: String,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
    stop: tokio::sync::watch::Sender<bool>,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // A last write, so a dropped emulator loses no change (errors go to stderr).
        let _ = self.shared.flush();
        self.task.abort();
        for task in lock(&self.shared.webhook_tasks).drain(..) {
            task.abort();
        }
    }
}

impl Emulator {
    /// A copy of the data now, to put back later with [`Emulator::restore`] (e.g. a fixture
    /// built once, restored before each test).
    pub fn snapshot(&self) -> Snapshot {
        Snapshot(Arc::new(self.shared.store().clone()))
    }

    /// Puts back the data of `snapshot`. Ids issued since keep increasing (none is issued twice),
    /// and registered webhook endpoints, faults and the request log stay.
    pub fn restore(&self, snapshot: &Snapshot) {
        self.shared.store().restore(&snapshot.0);
    }

    /// Back to the data right after start: the seed and nothing else (or, with a
    /// [`Builder::data_file`] that existed, what it held).
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Stops accepting connections, lets the requests in flight finish (for at most `grace`),
    /// then closes every connection.
    pub async fn shutdown(mut self, grace: Duration) {
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(grace, &mut self.task).await;
        let shared = self.shared.clone();
        let _ = tokio::task::spawn_blocking(move || shared.flush()).await;
    }

    /// Writes the data file now if the data changed since it was last written (it is also
    /// written within [`FLUSH_INTERVAL`] of a change, and at [`Emulator::shutdown`]).
    ///
    /// # Errors
    /// The file cannot be written (the error names it); the data stays marked as changed.
    pub fn flush(&self) -> io::Result<()> {
        self.shared.flush()
    }

    /// Delivers every event from now on to `url` as WorkOS does: a JSON `POST` signed with
    /// `secret` in the `WorkOS-Signature` header, in order. Call it once per endpoint.
    pub fn deliver_webhooks(&self, url: impl Into<String>, secret: impl Into<String>) {
        let (rx, deliveries) = {
            let mut store = self.shared.store();
            (store.events.subscribe(), store.events.deliveries.clone())
        };
        let task = tokio::spawn(crate::model::events::deliver(rx, url.into(), secret.into(), deliveries));
        lock(&self.shared.webhook_tasks).push(task);
    }

    /// The webhook deliveries made so far, in order (the newest [`MAX_EVENTS`]), to the
    /// endpoints of [`Emulator::deliver_webhooks`] and those made through
    /// `POST /webhook_endpoints`.
    ///
    /// [`MAX_EVENTS`]: crate::MAX_EVENTS
    pub fn webhook_deliveries(&self) -> Vec<crate::model::events::WebhookDelivery> {
        let deliveries = self.shared.store().events.deliveries.clone();
        lock(&deliveries).iter().cloned().collect()
    }

    /// Starts an emulator with the defaults: any free port on 127.0.0.1, the key
    /// [`DEFAULT_API_KEY`], the `member` environment role.
    ///
    /// # Errors
    /// The port cannot be bound.
    pub async fn start() -> io::Result<Self> {
        Builder::default().start().await
    }

    /// Configure before starting.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// `http://127.0.0.1:<port>`, to give the client as its base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The socket address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API key the emulator accepts.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// Adds data after start-up, with the same rules as the API.
    ///
    /// # Errors
    /// A seed item conflicts with existing data or names a missing permission; the items
    /// before it stay applied.
    pub fn seed(&self, seed: &Seed) -> Result<(), SeedError> {
        apply_seed(&self.shared, seed)
    }

    /// Faults for requests with `method` (or `*`) to `route`: the document's path template
    /// (`/authorization/permissions/{slug}`), a concrete path, or `*` for every route.
    pub fn on(&self, method: &str, route: &str) -> RouteFaults<'_> {
        RouteFaults { emulator: self, target: Target::new(method, route) }
    }

    /// Removes every fault and rate limit.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear(None);
    }

    /// Response fields this emulator served from the document instead of from its model, as
    /// `METHOD route status: field` (`POST /user_management/organization_memberships 201:
    /// roles`): fields a newer document requires that the emulator does not model yet. Their
    /// values are the document's (`default`, `null`, `[]`, `example`), not behaviour.
    pub fn served_from_document(&self) -> Vec<String> {
        lock(&self.shared.from_document).iter().cloned().collect()
    }

    /// The bytes the request log keeps now (within [`Builder::request_log_bytes`]).
    pub fn request_log_bytes(&self) -> usize {
        lock(&self.shared.log).bytes()
    }

    /// The emails WorkOS would have sent so far (invitations, magic auth and verification
    /// codes, email change codes, password reset links), oldest first; the newest
    /// [`MAX_EMAILS`](crate::MAX_EMAILS).
    pub fn emails(&self) -> Vec<crate::SentEmail> {
        self.shared.store().outbox.iter().cloned().collect()
    }

    /// The requests received so far, oldest first: the most recent ones within the log's byte
    /// budget ([`Builder::request_log_bytes`]).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.log).entries()
    }

    /// How many requests with `method` (or `*`) reached `route` (a path template or a concrete
    /// path), including ones answered by a fault. Counters are never trimmed.
    pub fn count(&self, method: &str, route: &str) -> usize {
        lock(&self.shared.log).count(method, route)
    }

    /// Forgets the recorded requests and counters.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }
}

/// Programs faults for one method and route; see [`Emulator::on`].
#[derive(Debug)]
pub struct RouteFaults<'a> {
    emulator: &'a Emulator,
    target: Target,
}

impl RouteFaults<'_> {
    /// Applies `fault` to the next `times` matching requests. Faults programmed for the same
    /// requests run one after the other, in the order they were added.
    pub fn next(&self, times: usize, fault: Fault) -> &Self {
        lock(&self.emulator.shared.faults).add(self.target.clone(), fault, Some(times));
        self
    }

    /// Applies `fault` to every matching request until [`RouteFaults::clear`].
    pub fn always(&self, fault: Fault) -> &Self {
        lock(&self.emulator.shared.faults).add(self.target.clone(), fault, None);
        self
    }

    /// Lets at most `max` matching requests through per sliding `window`; the others get a 429
    /// with `Retry-After` (whole seconds until a slot frees up).
    pub fn rate_limit(&self, max: usize, window: Duration) -> &Self {
        lock(&self.emulator.shared.faults).rate_limit(self.target.clone(), max, window);
        self
    }

    /// Removes the faults and rate limit programmed for exactly this method and route.
    pub fn clear(&self) -> &Self {
        lock(&self.emulator.shared.faults).clear(Some(&self.target));
        self
    }
}
