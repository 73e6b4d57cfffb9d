//! The request log: what the emulator saw and answered, for assertions in tests. It is bounded
//! in bytes, not entries: a body over [`MAX_LOGGED_BODY`] is kept truncated (as text, with
//! [`RecordedRequest::truncated`] set), and the oldest entries go once the bodies kept exceed
//! the budget ([`crate::Builder::request_log_bytes`], default [`DEFAULT_LOG_BYTES`]).

use std::collections::VecDeque;

use serde_json::Value;

/// The default budget of the request log: the bytes of the bodies it keeps.
pub const DEFAULT_LOG_BYTES: usize = 16 << 20;

/// The most of one request or response body the log keeps.
pub const MAX_LOGGED_BODY: usize = 256 << 10;

/// What an entry costs beyond its bodies (method, path, route, query, bookkeeping).
const ENTRY_OVERHEAD: usize = 256;

/// One request the emulator received.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// HTTP method, upper case.
    pub method: String,
    /// The request path, without the query string.
    pub path: String,
    /// The document's path template the request matched (`/organizations/{id}`), if any.
    pub route: Option<String>,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The request body, when it was JSON (a truncated body is its first bytes, as a string).
    pub body: Option<Value>,
    /// The status answered; `None` when the connection was dropped (by a fault) or the answer
    /// is still being written.
    pub status: Option<u16>,
    /// The answer's body, when it was JSON (truncated like `body`).
    pub response: Option<Value>,
    /// A body or the response was larger than [`MAX_LOGGED_BODY`] and is kept truncated.
    pub truncated: bool,
}

impl RecordedRequest {
    pub(crate) fn new(method: String, path: String, route: Option<String>, query: Option<String>) -> Self {
        Self { method, path, route, query, body: None, status: None, response: None, truncated: false }
    }
}

/// A body as the log keeps it: parsed JSON when it fits, else its first bytes as text; with the
/// bytes it costs and whether it was cut.
pub(crate) fn logged_body(bytes: &[u8]) -> (Option<Value>, usize, bool) {
    if bytes.len() <= MAX_LOGGED_BODY {
        return (serde_json::from_slice(bytes).ok(), bytes.len(), false);
    }
    let mut cut = MAX_LOGGED_BODY;
    while cut > 0 && !is_char_boundary(bytes, cut) {
        cut -= 1;
    }
    let text = format!("{}… ({} bytes in all)", String::from_utf8_lossy(&bytes[..cut]), bytes.len());
    let size = text.len();
    (Some(Value::String(text)), size, true)
}

fn is_char_boundary(bytes: &[u8], i: usize) -> bool {
    i >= bytes.len() || (bytes[i] as i8) >= -0x40
}

#[derive(Debug)]
pub(crate) struct Log {
    entries: VecDeque<(u64, usize, RecordedRequest)>,
    next: u64,
    /// Bytes the kept entries cost.
    bytes: usize,
    budget: usize,
    /// Requests per (method, route or path), never trimmed.
    counts: std::collections::HashMap<(String, String), usize>,
}

impl Log {
    pub(crate) fn with_budget(budget: usize) -> Self {
        Self { entries: VecDeque::new(), next: 0, bytes: 0, budget, counts: Default::default() }
    }

    /// Records a request whose body cost `body_bytes` (see [`logged_body`]).
    pub(crate) fn push(&mut self, request: RecordedRequest, body_bytes: usize) -> u64 {
        let key = (request.method.clone(), request.route.clone().unwrap_or_else(|| request.path.clone()));
        *self.counts.entry(key).or_default() += 1;
        if request.route.as_ref().is_some_and(|r| *r != request.path) {
            *self.counts.entry((request.method.clone(), request.path.clone())).or_default() += 1;
        }
        let seq = self.next;
        self.next += 1;
        let cost =
            ENTRY_OVERHEAD + body_bytes + request.path.len() + request.query.as_ref().map_or(0, String::len);
        self.bytes += cost;
        self.entries.push_back((seq, cost, request));
        self.trim();
        seq
    }

    /// The answer to request `seq`, whose body cost `bytes`.
    pub(crate) fn complete(
        &mut self,
        seq: u64,
        status: u16,
        response: Option<Value>,
        bytes: usize,
        truncated: bool,
    ) {
        if let Some((_, cost, r)) = self.entries.iter_mut().rev().find(|(s, _, _)| *s == seq) {
            r.status = Some(status);
            r.response = response;
            r.truncated |= truncated;
            *cost += bytes;
            self.bytes += bytes;
        }
        self.trim();
    }

    /// Drops the oldest entries while over budget; the newest entry always stays.
    fn trim(&mut self) {
        while self.bytes > self.budget && self.entries.len() > 1 {
            if let Some((_, cost, _)) = self.entries.pop_front() {
                self.bytes -= cost;
            }
        }
    }

    pub(crate) fn entries(&self) -> Vec<RecordedRequest> {
        self.entries.iter().map(|(_, _, r)| r.clone()).collect()
    }

    pub(crate) fn count(&self, method: &str, route: &str) -> usize {
        let method = method.to_ascii_uppercase();
        if method == "*" {
            return self.counts.iter().filter(|((_, r), _)| r == route).map(|(_, n)| n).sum();
        }
        self.counts.get(&(method, route.to_owned())).copied().unwrap_or(0)
    }

    pub(crate) fn clear(&mut self) {
        *self = Self { next: self.next, ..Self::with_budget(self.budget) };
    }

    /// The bytes the kept entries cost (at most the budget, plus the newest entry).
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(n: usize) -> RecordedRequest {
        RecordedRequest::new("POST".into(), format!("/things/{n}"), Some("/things/{id}".into()), None)
    }

    #[test]
    fn the_log_stays_within_its_byte_budget_and_keeps_the_newest() {
        let mut log = Log::with_budget(1 << 20);
        let big = vec![b'x'; 100_000];
        for n in 0..100 {
            let (body, bytes, _) = logged_body(&big);
            let mut r = request(n);
            r.body = body;
            let seq = log.push(r, bytes);
            log.complete(seq, 201, Some(serde_json::json!({"ok": true})), 11, false);
        }
        assert!(log.bytes() <= 1 << 20, "{} bytes kept", log.bytes());
        let kept = log.entries();
        assert!((5..=10).contains(&kept.len()), "{} entries", kept.len());
        assert_eq!(kept.last().map(|r| r.path.as_str()), Some("/things/99"));
        assert_eq!(log.count("POST", "/things/{id}"), 100, "counters are not trimmed");
    }

    #[test]
    fn a_large_body_is_kept_truncated_and_marked() {
        let body = format!(r#"{{"name": "{}"}}"#, "é".repeat(MAX_LOGGED_BODY));
        let (value, bytes, truncated) = logged_body(body.as_bytes());
        assert!(truncated && bytes <= MAX_LOGGED_BODY + 64);
        let text = value.and_then(|v| v.as_str().map(str::to_owned)).expect("text");
        assert!(
            text.starts_with(r#"{"name": "éé"#) && text.ends_with(&format!("({} bytes in all)", body.len()))
        );
        let (value, _, truncated) = logged_body(br#"{"a": 1}"#);
        assert_eq!((value, truncated), (Some(serde_json::json!({"a": 1})), false));
    }
}
