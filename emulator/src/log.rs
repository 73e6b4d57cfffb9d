//! The request log: what the emulator saw and answered, for assertions in tests.

use std::collections::VecDeque;

use serde_json::Value;

/// How many requests the log keeps; older ones are forgotten (counters are not).
const CAPACITY: usize = 10_000;

/// One request the emulator received.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// HTTP method, upper case.
    pub method: String,
    /// The request path, without the query string.
    pub path: String,
    /// The document's path template the request matched (`/organizations/{id}`), if any.
    pub route: Option<String>,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The request body, when it was JSON.
    pub body: Option<Value>,
    /// The status answered; `None` when the connection was dropped (by a fault) or the answer
    /// is still being written.
    pub status: Option<u16>,
    /// The answer's body, when it was JSON.
    pub response: Option<Value>,
}

#[derive(Debug, Default)]
pub(crate) struct Log {
    entries: VecDeque<(u64, RecordedRequest)>,
    next: u64,
    /// Requests per (method, route or path), never trimmed.
    counts: std::collections::HashMap<(String, String), usize>,
}

impl Log {
    pub(crate) fn push(&mut self, request: RecordedRequest) -> u64 {
        let key = (request.method.clone(), request.route.clone().unwrap_or_else(|| request.path.clone()));
        *self.counts.entry(key).or_default() += 1;
        if request.route.as_ref().is_some_and(|r| *r != request.path) {
            *self.counts.entry((request.method.clone(), request.path.clone())).or_default() += 1;
        }
        let seq = self.next;
        self.next += 1;
        if self.entries.len() == CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back((seq, request));
        seq
    }

    pub(crate) fn complete(&mut self, seq: u64, status: u16, response: Option<Value>) {
        if let Some((_, r)) = self.entries.iter_mut().rev().find(|(s, _)| *s == seq) {
            r.status = Some(status);
            r.response = response;
        }
    }

    pub(crate) fn entries(&self) -> Vec<RecordedRequest> {
        self.entries.iter().map(|(_, r)| r.clone()).collect()
    }

    pub(crate) fn count(&self, method: &str, route: &str) -> usize {
        let method = method.to_ascii_uppercase();
        if method == "*" {
            return self.counts.iter().filter(|((_, r), _)| r == route).map(|(_, n)| n).sum();
        }
        self.counts.get(&(method, route.to_owned())).copied().unwrap_or(0)
    }

    pub(crate) fn clear(&mut self) {
        *self = Self { next: self.next, ..Self::default() };
    }
}
