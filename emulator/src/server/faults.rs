//! Fault injection: scripted failures, delays, dropped connections and rate limits, per route.

use std::collections::VecDeque;
use std::time::{Duration, Instant, SystemTime};

use http::StatusCode;

/// How a `Retry-After` header is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// `Retry-After: <seconds>`.
    Seconds(u64),
    /// `Retry-After: <HTTP date>`, this long from the moment of the answer.
    DateIn(Duration),
}

impl RetryAfter {
    pub(crate) fn header_value(self) -> String {
        match self {
            Self::Seconds(s) => s.to_string(),
            Self::DateIn(d) => httpdate::fmt_http_date(SystemTime::now() + d),
        }
    }
}

/// One injected behaviour. Build with [`Fault::status`], [`Fault::delay`] or
/// [`Fault::drop_connection`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub(crate) kind: FaultKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FaultKind {
    /// Answer with this status and a WorkOS error body instead of handling the request.
    Status { status: StatusCode, retry_after: Option<RetryAfter> },
    /// Wait, then handle the request normally.
    Delay(Duration),
    /// Close the connection without answering.
    Drop,
}

impl Fault {
    /// Answer with `status` (e.g. 429, 500, 503) and a WorkOS error body.
    ///
    /// # Panics
    /// If `status` is not a valid HTTP status code (100-999).
    pub fn status(status: u16) -> Self {
        let status = StatusCode::from_u16(status).expect("an HTTP status code between 100 and 999");
        Self { kind: FaultKind::Status { status, retry_after: None } }
    }

    /// Adds a `Retry-After` header to a [`Fault::status`] answer (no effect on other faults).
    pub fn retry_after(mut self, value: RetryAfter) -> Self {
        if let FaultKind::Status { retry_after, .. } = &mut self.kind {
            *retry_after = Some(value);
        }
        self
    }

    /// Wait `delay` before handling the request normally.
    pub fn delay(delay: Duration) -> Self {
        Self { kind: FaultKind::Delay(delay) }
    }

    /// Close the connection after reading the request, without answering.
    pub fn drop_connection() -> Self {
        Self { kind: FaultKind::Drop }
    }
}

/// Which requests a rule applies to: a method (or `*`) and a route. The route is the document's
/// path template (`/authorization/permissions/{slug}`), a concrete path, or `*` for every route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    method: String,
    route: String,
}

impl Target {
    pub(crate) fn new(method: &str, route: &str) -> Self {
        Self { method: method.to_ascii_uppercase(), route: route.to_owned() }
    }

    pub(crate) fn matches(&self, method: &str, template: Option<&str>, path: &str) -> bool {
        (self.method == "*" || self.method.eq_ignore_ascii_case(method))
            && (self.route == "*" || Some(self.route.as_str()) == template || self.route == path)
    }
}

#[derive(Debug)]
struct Rule {
    target: Target,
    fault: Fault,
    /// `None`: every matching request.
    remaining: Option<usize>,
}

#[derive(Debug)]
struct RateLimit {
    target: Target,
    max: usize,
    window: Duration,
    hits: VecDeque<Instant>,
}

/// The programmed faults of one emulator.
#[derive(Debug, Default)]
pub(crate) struct FaultTable {
    rules: Vec<Rule>,
    limits: Vec<RateLimit>,
}

/// What to do with one request.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    Proceed,
    Fault(FaultKind),
}

impl FaultTable {
    pub(crate) fn add(&mut self, target: Target, fault: Fault, times: Option<usize>) {
        self.rules.push(Rule { target, fault, remaining: times });
    }

    pub(crate) fn rate_limit(&mut self, target: Target, max: usize, window: Duration) {
        self.limits.retain(|l| l.target != target);
        self.limits.push(RateLimit { target, max, window, hits: VecDeque::new() });
    }

    pub(crate) fn clear(&mut self, target: Option<&Target>) {
        match target {
            None => *self = Self::default(),
            Some(t) => {
                self.rules.retain(|r| &r.target != t);
                self.limits.retain(|l| &l.target != t);
            }
        }
    }

    /// Decides the fate of a request, consuming one use of the rule that applies. Rate limits
    /// count every request they match (refused ones do not use up the window) and come first;
    /// then the oldest scripted rule with uses left.
    pub(crate) fn decide(&mut self, method: &str, template: Option<&str>, path: &str) -> Decision {
        let now = Instant::now();
        for limit in self.limits.iter_mut().filter(|l| l.target.matches(method, template, path)) {
            while limit.hits.front().is_some_and(|t| now.duration_since(*t) >= limit.window) {
                limit.hits.pop_front();
            }
            if limit.hits.len() >= limit.max {
                let free_at = limit.hits.front().map_or(now, |t| *t + limit.window);
                let wait = free_at.saturating_duration_since(now);
                // Whole seconds, rounded up, never 0: a client honouring it will be let in.
                let secs = wait.as_millis().div_ceil(1000).max(1) as u64;
                return Decision::Fault(FaultKind::Status {
                    status: StatusCode::TOO_MANY_REQUESTS,
                    retry_after: Some(RetryAfter::Seconds(secs)),
                });
            }
            limit.hits.push_back(now);
        }
        let Some(rule) = self
            .rules
            .iter_mut()
            .find(|r| r.remaining != Some(0) && r.target.matches(method, template, path))
        else {
            return Decision::Proceed;
        };
        if let Some(n) = &mut rule.remaining {
            *n -= 1;
        }
        let kind = rule.fault.kind.clone();
        self.rules.retain(|r| r.remaining != Some(0));
        Decision::Fault(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTE: &str = "/authorization/permissions/{slug}";

    fn status(d: Decision) -> Option<u16> {
        match d {
            Decision::Fault(FaultKind::Status { status, .. }) => Some(status.as_u16()),
            _ => None,
        }
    }

    #[test]
    fn scripted_faults_run_in_order_then_stop() {
        let mut t = FaultTable::default();
        t.add(Target::new("get", ROUTE), Fault::status(503), Some(2));
        t.add(Target::new("GET", ROUTE), Fault::status(500), Some(1));
        let seen: Vec<_> =
            (0..4).map(|_| status(t.decide("GET", Some(ROUTE), "/authorization/permissions/a"))).collect();
        assert_eq!(seen, [Some(503), Some(503), Some(500), None]);
        assert_eq!(t.decide("PATCH", Some(ROUTE), "/x"), Decision::Proceed);
    }

    #[test]
    fn targets_match_templates_concrete_paths_and_wildcards() {
        let t = Target::new("*", "/organizations/org_1");
        assert!(t.matches("DELETE", Some("/organizations/{id}"), "/organizations/org_1"));
        assert!(!t.matches("DELETE", Some("/organizations/{id}"), "/organizations/org_2"));
        assert!(Target::new("post", "*").matches("POST", None, "/anything"));
    }

    #[test]
    fn rate_limit_refuses_with_retry_after_until_the_window_moves() {
        let mut t = FaultTable::default();
        t.rate_limit(Target::new("GET", "*"), 2, Duration::from_millis(300));
        assert_eq!(t.decide("GET", None, "/a"), Decision::Proceed);
        assert_eq!(t.decide("GET", None, "/a"), Decision::Proceed);
        let Decision::Fault(FaultKind::Status { status, retry_after }) = t.decide("GET", None, "/a") else {
            panic!("expected a 429")
        };
        assert_eq!((status.as_u16(), retry_after), (429, Some(RetryAfter::Seconds(1))));
        std::thread::sleep(Duration::from_millis(320));
        assert_eq!(t.decide("GET", None, "/a"), Decision::Proceed);
    }

    #[test]
    fn retry_after_renders_seconds_and_http_dates() {
        assert_eq!(RetryAfter::Seconds(3).header_value(), "3");
        let date = RetryAfter::DateIn(Duration::from_secs(10)).header_value();
        assert!(httpdate::parse_http_date(&date).is_ok(), "{date}");
    }
}
