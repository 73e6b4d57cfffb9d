//! Start-up, shutdown, snapshots and seeding; the middleware every request passes (log, faults,
//! authentication) is in [`middleware`].

pub(crate) mod control;
pub(crate) mod faults;
pub(crate) mod fill;
pub(crate) mod generic;
pub(crate) mod idle;
pub(crate) mod log;
pub(crate) mod middleware;

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Body;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

use crate::model::seed::SeedError;
use crate::model::{Seed, Store};
use crate::routes;
use crate::server::faults::{Fault, FaultTable, Target};
use crate::server::log::{Log, RecordedRequest};

/// The API key WorkOS's own emulator accepts, so existing setups work unchanged.
pub const DEFAULT_API_KEY: &str = "sk_test_default";

/// The binary's default port.
pub const DEFAULT_PORT: u16 = 4100;

/// Largest request body the emulator reads.
pub(crate) const MAX_BODY: usize = 1 << 20;

/// State shared by the handlers, the middleware and the [`Emulator`] handle.
#[derive(Debug)]
pub(crate) struct Shared {
    store: Mutex<Store>,
    faults: Mutex<FaultTable>,
    log: Mutex<Log>,
    api_key: String,
    token_ttl: Duration,
    webhook_tasks: Mutex<Vec<JoinHandle<()>>>,
    /// Response fields served from the document, not modelled (see `fill`).
    from_document: Mutex<std::collections::BTreeSet<String>>,
    /// `X-Request-ID`s.
    request_ids: Mutex<crate::model::ids::IdGen>,
    /// The data right after start (the seed), for [`Emulator::reset`].
    initial: Mutex<Option<Arc<Store>>>,
    /// Where the data is kept, if anywhere ([`Builder::data_file`]).
    persistence: Option<Persistence>,
    /// Snapshots taken over HTTP (`POST /_emulator/snapshots`), newest last, at most
    /// [`MAX_SNAPSHOTS`].
    snapshots: Mutex<std::collections::VecDeque<(String, Arc<Store>)>>,
}

/// How often, at most, the data file is written while requests change the data.
pub const FLUSH_INTERVAL: Duration = Duration::from_secs(1);

/// The data file and whether the data changed since it was last written.
#[derive(Debug)]
struct Persistence {
    path: std::path::PathBuf,
    dirty: std::sync::atomic::AtomicBool,
    /// Held while writing: one write at a time, in order.
    writing: Mutex<()>,
}

/// How many snapshots taken over HTTP the emulator keeps (the oldest go first).
pub const MAX_SNAPSHOTS: usize = 16;

/// A copy of an emulator's data at one moment ([`Emulator::snapshot`]), to put back with
/// [`Emulator::restore`]: permissions, roles, organizations, users, memberships, role
/// assignments, resources, sessions and events.
#[derive(Debug, Clone)]
pub struct Snapshot(Arc<Store>);

/// Locks a mutex; a panic in another handler does not make the data unusable for the next.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The locked data. Reaching it mutably marks it changed, so the data file (if any) is written
/// after every write, whichever request, method or Rust call made it.
pub(crate) struct StoreGuard<'a> {
    store: MutexGuard<'a, Store>,
    dirty: Option<&'a std::sync::atomic::AtomicBool>,
}

impl std::ops::Deref for StoreGuard<'_> {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.store
    }
}

impl std::ops::DerefMut for StoreGuard<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        if let Some(dirty) = self.dirty {
            dirty.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        &mut self.store
    }
}

impl Shared {
    pub(crate) fn store(&self) -> StoreGuard<'_> {
        StoreGuard { store: lock(&self.store), dirty: self.persistence.as_ref().map(|p| &p.dirty) }
    }

    /// Writes the data file if the data changed since the last write.
    fn flush(&self) -> io::Result<()> {
        let Some(p) = &self.persistence else { return Ok(()) };
        let _writing = lock(&p.writing);
        if !p.dirty.swap(false, std::sync::atomic::Ordering::SeqCst) {
            return Ok(());
        }
        let bytes = crate::model::persist::to_bytes(&self.store()).map_err(io::Error::other);
        let written = bytes.and_then(|b| crate::model::persist::write_atomic(&p.path, &b));
        if let Err(e) = &written {
            p.dirty.store(true, std::sync::atomic::Ordering::SeqCst);
            eprintln!("workos-emulator: cannot write the data file {}: {e}", p.path.display());
        }
        written.map_err(|e| io::Error::new(e.kind(), format!("data file {}: {e}", p.path.display())))
    }

    /// Takes a snapshot kept by the server; returns its id.
    pub(crate) fn keep_snapshot(&self) -> String {
        let copy = Arc::new(self.store().clone());
        let id = lock(&self.request_ids).next("snapshot");
        crate::model::push_back_bounded(&mut lock(&self.snapshots), (id.clone(), copy), MAX_SNAPSHOTS);
        id
    }

    /// Restores snapshot `id` taken by [`Shared::keep_snapshot`]; `false` if there is none.
    pub(crate) fn restore_kept(&self, id: &str) -> bool {
        let copy = lock(&self.snapshots).iter().find(|(k, _)| k == id).map(|(_, c)| c.clone());
        copy.map(|c| self.store().restore(&c)).is_some()
    }

    /// Back to the data right after start.
    pub(crate) fn reset(&self) {
        let initial = lock(&self.initial).clone();
        if let Some(initial) = initial {
            self.store().restore(&initial);
        }
    }

    /// A new `X-Request-ID`.
    pub(crate) fn request_id(&self) -> String {
        lock(&self.request_ids).next("req")
    }

    /// The API key, which is also the client secret of `authenticate`.
    pub(crate) fn api_key(&self) -> &str {
        &self.api_key
    }

    /// How long the access tokens it issues live.
    pub(crate) fn token_ttl(&self) -> Duration {
        self.token_ttl
    }
}

/// Tells a connection's task to close the connection without answering.
#[derive(Debug, Clone)]
pub(crate) struct DropSignal(Arc<Notify>);

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
        let shared = Arc::new(Shared {
            store: Mutex::new(Store::default()),
            faults: Mutex::new(FaultTable::default()),
            log: Mutex::new(Log::with_budget(self.log_bytes)),
            api_key: self.api_key.clone(),
            token_ttl: self.token_ttl,
            webhook_tasks: Mutex::default(),
            from_document: Mutex::default(),
            request_ids: Mutex::default(),
            initial: Mutex::default(),
            snapshots: Mutex::default(),
            persistence: self.data_file.clone().map(|path| Persistence {
                path,
                dirty: std::sync::atomic::AtomicBool::new(true),
                writing: Mutex::new(()),
            }),
        });
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
        let task = tokio::spawn(serve(listener, routes::router(shared.clone()), self.timeouts, stopped));
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
