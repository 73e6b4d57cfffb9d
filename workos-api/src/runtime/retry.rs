//! Retries: which attempts may be repeated, and after how long.
//!
//! Retried: 408, 429, 500, 502, 503, 504, connection errors and timeouts, for GET, HEAD,
//! OPTIONS, PUT and DELETE. POST and PATCH only when the request provably was not processed (a
//! 429, or a connection refused before anything was sent), when the call carries an
//! `Idempotency-Key` (sent on every attempt), or when the caller opted in with
//! [`RetryMode::Always`]. Delays: exponential backoff with full jitter, or the server's
//! `Retry-After` (seconds or HTTP date) up to a cap; never past the deadline; and only while the
//! shared retry budget lasts, so an outage does not multiply the load.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// How a client retries. Every field is public; [`RetryPolicy::default`] documents the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (default 3). 1 disables retries.
    pub max_attempts: u32,
    /// Backoff before the first retry, before jitter (default 200 ms).
    pub base_delay: Duration,
    /// Growth of the backoff per retry (default 2).
    pub multiplier: f64,
    /// Largest backoff, before jitter (default 20 s).
    pub max_delay: Duration,
    /// Largest `Retry-After` honoured (default 60 s); a longer one stops the retries.
    pub max_retry_after: Duration,
    /// Time from the first attempt after which no retry starts (default 120 s).
    pub deadline: Duration,
    /// Retry budget shared by a client and its clones: tokens in a full bucket (default 100). A
    /// retry takes 5 (a timeout 10); a success puts 1 back.
    pub budget_capacity: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            multiplier: 2.0,
            max_delay: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
            deadline: Duration::from_secs(120),
            budget_capacity: 100,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn disabled() -> Self {
        RetryPolicy { max_attempts: 1, ..Self::default() }
    }

    /// The default policy with `attempts` attempts in all (the first included).
    pub fn with_max_attempts(attempts: u32) -> Self {
        RetryPolicy { max_attempts: attempts.max(1), ..Self::default() }
    }

    /// Backoff before retry number `retry` (1-based), before jitter.
    fn backoff(&self, retry: u32) -> Duration {
        let factor = self.multiplier.max(1.0).powi(retry.saturating_sub(1).min(64) as i32);
        let secs = (self.base_delay.as_secs_f64() * factor).min(self.max_delay.as_secs_f64());
        Duration::from_secs_f64(secs.max(0.0))
    }
}

/// A call's retry mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RetryMode {
    /// The rules above.
    #[default]
    Default,
    /// Never retry.
    Never,
    /// The caller knows the call is safe to repeat: retry POST and PATCH like idempotent methods.
    Always,
}

/// What one attempt ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A response with this status; `retry_after` is its `Retry-After` header, parsed.
    Status { status: u16, retry_after: Option<Duration> },
    /// No response: `connect` when the connection was refused before anything was sent.
    Transport { connect: bool, timeout: bool },
}

/// The request, as far as retry decisions go.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Request<'a> {
    pub(crate) method: &'a str,
    pub(crate) has_idempotency_key: bool,
    pub(crate) mode: RetryMode,
    pub(crate) max_attempts: u32,
}

/// Retry after this delay, or stop for this reason.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Decision {
    Retry(Duration),
    Stop(&'static str),
}

/// Whether attempt number `attempt` (1-based) should be followed by another, given `elapsed`
/// since the first attempt. `jitter` is a number in `[0, 1)`.
pub(crate) fn decide(
    policy: &RetryPolicy,
    request: Request<'_>,
    outcome: Outcome,
    attempt: u32,
    elapsed: Duration,
    jitter: f64,
) -> Decision {
    let retryable = match outcome {
        Outcome::Status { status, .. } => matches!(status, 408 | 429 | 500 | 502 | 503 | 504),
        Outcome::Transport { .. } => true,
    };
    if !retryable {
        return Decision::Stop("not retryable");
    }
    if request.mode == RetryMode::Never {
        return Decision::Stop("retries disabled for this call");
    }
    let idempotent = matches!(request.method, "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE");
    let not_processed =
        matches!(outcome, Outcome::Status { status: 429, .. } | Outcome::Transport { connect: true, .. });
    let repeatable = idempotent || request.has_idempotency_key || request.mode == RetryMode::Always;
    if !repeatable && !not_processed {
        return Decision::Stop("not safe to repeat (POST/PATCH without an idempotency key)");
    }
    if attempt >= request.max_attempts {
        return Decision::Stop("attempts exhausted");
    }
    let delay = match outcome {
        Outcome::Status { retry_after: Some(wait), .. } => {
            if wait > policy.max_retry_after {
                return Decision::Stop("Retry-After beyond the cap");
            }
            wait
        }
        _ => policy.backoff(attempt).mul_f64(jitter.clamp(0.0, 1.0)),
    };
    if elapsed + delay > policy.deadline {
        return Decision::Stop("deadline");
    }
    Decision::Retry(delay)
}

/// `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A token bucket shared by a client and its clones.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    capacity: u32,
    tokens: Mutex<u32>,
}

impl RetryBudget {
    const RETRY_COST: u32 = 5;
    const TIMEOUT_COST: u32 = 10;

    pub(crate) fn new(capacity: u32) -> Self {
        RetryBudget { capacity, tokens: Mutex::new(capacity) }
    }

    /// Takes the cost of one retry; `false` when the bucket cannot pay it.
    pub(crate) fn withdraw(&self, timeout: bool) -> bool {
        let cost = if timeout { Self::TIMEOUT_COST } else { Self::RETRY_COST };
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        if *tokens < cost {
            return false;
        }
        *tokens -= cost;
        true
    }

    /// A success puts one token back.
    pub(crate) fn deposit(&self) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        *tokens = (*tokens + 1).min(self.capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GET: Request<'static> =
        Request { method: "GET", has_idempotency_key: false, mode: RetryMode::Default, max_attempts: 3 };
    const POST: Request<'static> = Request { method: "POST", ..GET };

    fn status(status: u16) -> Outcome {
        Outcome::Status { status, retry_after: None }
    }

    #[test]
    fn idempotent_methods_retry_transient_failures() {
        let p = RetryPolicy::default();
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(matches!(decide(&p, GET, status(s), 1, Duration::ZERO, 0.5), Decision::Retry(_)), "{s}");
        }
        for s in [400, 401, 403, 404, 409, 422, 501] {
            assert_eq!(
                decide(&p, GET, status(s), 1, Duration::ZERO, 0.5),
                Decision::Stop("not retryable"),
                "{s}"
            );
        }
        let reset = Outcome::Transport { connect: false, timeout: false };
        assert!(matches!(decide(&p, GET, reset, 1, Duration::ZERO, 0.5), Decision::Retry(_)));
    }

    #[test]
    fn post_is_retried_only_when_provably_not_processed() {
        let p = RetryPolicy::default();
        assert!(matches!(decide(&p, POST, status(500), 1, Duration::ZERO, 0.5), Decision::Stop(_)));
        let sent_then_timed_out = Outcome::Transport { connect: false, timeout: true };
        assert!(matches!(decide(&p, POST, sent_then_timed_out, 1, Duration::ZERO, 0.5), Decision::Stop(_)));
        assert!(matches!(decide(&p, POST, status(429), 1, Duration::ZERO, 0.5), Decision::Retry(_)));
        let refused = Outcome::Transport { connect: true, timeout: false };
        assert!(matches!(decide(&p, POST, refused, 1, Duration::ZERO, 0.5), Decision::Retry(_)));
        let keyed = Request { has_idempotency_key: true, ..POST };
        assert!(matches!(decide(&p, keyed, status(500), 1, Duration::ZERO, 0.5), Decision::Retry(_)));
        let opted_in = Request { mode: RetryMode::Always, ..POST };
        assert!(matches!(decide(&p, opted_in, status(503), 1, Duration::ZERO, 0.5), Decision::Retry(_)));
        let never = Request { mode: RetryMode::Never, ..GET };
        assert!(matches!(decide(&p, never, status(503), 1, Duration::ZERO, 0.5), Decision::Stop(_)));
    }

    #[test]
    fn attempts_deadline_and_retry_after() {
        let p = RetryPolicy::default();
        assert_eq!(
            decide(&p, GET, status(503), 3, Duration::ZERO, 0.5),
            Decision::Stop("attempts exhausted")
        );
        let wait = Outcome::Status { status: 429, retry_after: Some(Duration::from_secs(7)) };
        assert_eq!(decide(&p, GET, wait, 1, Duration::ZERO, 0.5), Decision::Retry(Duration::from_secs(7)));
        let too_long = Outcome::Status { status: 429, retry_after: Some(Duration::from_secs(3600)) };
        assert_eq!(
            decide(&p, GET, too_long, 1, Duration::ZERO, 0.5),
            Decision::Stop("Retry-After beyond the cap")
        );
        assert_eq!(decide(&p, GET, wait, 1, Duration::from_secs(119), 0.5), Decision::Stop("deadline"));
    }

    #[test]
    fn backoff_is_exponential_capped_and_fully_jittered() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1), Duration::from_millis(200));
        assert_eq!(p.backoff(2), Duration::from_millis(400));
        assert_eq!(p.backoff(30), Duration::from_secs(20));
        assert_eq!(decide(&p, GET, status(503), 2, Duration::ZERO, 0.0), Decision::Retry(Duration::ZERO));
        assert_eq!(
            decide(&p, GET, status(503), 2, Duration::ZERO, 0.5),
            Decision::Retry(Duration::from_millis(200))
        );
    }

    #[test]
    fn retry_after_in_seconds_and_as_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_784_000_000);
        assert_eq!(parse_retry_after(" 12 ", now), Some(Duration::from_secs(12)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(30)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn budget_runs_out_and_refills() {
        let budget = RetryBudget::new(10);
        assert!(budget.withdraw(false));
        assert!(budget.withdraw(false));
        assert!(!budget.withdraw(false));
        for _ in 0..5 {
            budget.deposit();
        }
        assert!(budget.withdraw(false));
        assert!(!budget.withdraw(true));
    }
}
