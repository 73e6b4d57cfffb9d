//! The state every handler, the middleware and the [`Emulator`] handle share: the data behind
//! a lock that marks it changed, the request log, the faults, snapshots and the data file.
//!
//! [`Emulator`]: crate::Emulator

use std::io;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::faults::FaultTable;
use super::log::Log;
use crate::model::Store;

/// Largest request body the emulator reads.
pub(crate) const MAX_BODY: usize = 1 << 20;

/// State shared by the handlers, the middleware and the [`Emulator`] handle.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(super) store: Mutex<Store>,
    pub(super) faults: Mutex<FaultTable>,
    pub(super) log: Mutex<Log>,
    pub(super) api_key: String,
    pub(super) token_ttl: Duration,
    pub(super) webhook_tasks: Mutex<Vec<JoinHandle<()>>>,
    /// Response fields served from the document, not modelled (see `fill`).
    pub(super) from_document: Mutex<std::collections::BTreeSet<String>>,
    /// `X-Request-ID`s.
    pub(super) request_ids: Mutex<crate::model::ids::IdGen>,
    /// The data right after start (the seed), for [`Emulator::reset`].
    pub(super) initial: Mutex<Option<Arc<Store>>>,
    /// Where the data is kept, if anywhere ([`Builder::data_file`]).
    pub(super) persistence: Option<Persistence>,
    /// Snapshots taken over HTTP (`POST /_emulator/snapshots`), newest last, at most
    /// [`MAX_SNAPSHOTS`].
    pub(super) snapshots: Mutex<std::collections::VecDeque<(String, Arc<Store>)>>,
}

/// How often, at most, the data file is written while requests change the data.
pub const FLUSH_INTERVAL: Duration = Duration::from_secs(1);

/// The data file and whether the data changed since it was last written.
#[derive(Debug)]
pub(super) struct Persistence {
    pub(super) path: std::path::PathBuf,
    pub(super) dirty: std::sync::atomic::AtomicBool,
    /// Held while writing: one write at a time, in order.
    pub(super) writing: Mutex<()>,
}

/// How many snapshots taken over HTTP the emulator keeps (the oldest go first).
pub const MAX_SNAPSHOTS: usize = 16;

/// A copy of an emulator's data at one moment
/// ([`Emulator::snapshot`](crate::Emulator::snapshot)), to put back with
/// [`Emulator::restore`](crate::Emulator::restore): permissions, roles, organizations, users,
/// memberships, role assignments, resources, sessions and events.
#[derive(Debug, Clone)]
pub struct Snapshot(pub(super) Arc<Store>);

/// Locks a mutex; a panic in another handler does not make the data unusable for the next.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The locked data. Reaching it mutably marks it changed, so the data file (if any) is written
/// after every write, whichever request, method or Rust call made it.
pub(crate) struct StoreGuard<'a> {
    pub(super) store: MutexGuard<'a, Store>,
    pub(super) dirty: Option<&'a std::sync::atomic::AtomicBool>,
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
    /// A fresh state: no data, no faults, an empty log of at most `log_bytes`, and the data
    /// file `data_file` (written on the first flush) when there is one.
    pub(crate) fn new(
        api_key: String,
        token_ttl: Duration,
        log_bytes: usize,
        data_file: Option<std::path::PathBuf>,
    ) -> Self {
        Self {
            store: Mutex::default(),
            faults: Mutex::default(),
            log: Mutex::new(Log::with_budget(log_bytes)),
            api_key,
            token_ttl,
            webhook_tasks: Mutex::default(),
            from_document: Mutex::default(),
            request_ids: Mutex::default(),
            initial: Mutex::default(),
            snapshots: Mutex::default(),
            persistence: data_file.map(|path| Persistence {
                path,
                dirty: std::sync::atomic::AtomicBool::new(true),
                writing: Mutex::new(()),
            }),
        }
    }

    pub(crate) fn store(&self) -> StoreGuard<'_> {
        StoreGuard { store: lock(&self.store), dirty: self.persistence.as_ref().map(|p| &p.dirty) }
    }

    /// Writes the data file if the data changed since the last write.
    pub(super) fn flush(&self) -> io::Result<()> {
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
pub(crate) struct DropSignal(pub(super) Arc<Notify>);
