//! The generated methods call these hooks around every request: `pre` authenticates and tags
//! the request, `exec` sends it, with retries and one tracing span per call.

use std::time::{Instant, SystemTime};

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, USER_AGENT};
use tracing::Instrument as _;

use super::retry::{self, Decision, Outcome};
use super::{OperationMeta, Runtime};
use crate::Client;

/// Error bodies longer than this are cut when kept as a message.
const MAX_RAW_ERROR_BODY: usize = 4096;

impl ClientHooks<Runtime> for Client {
    async fn pre<E>(&self, request: &mut reqwest::Request, info: &OperationInfo) -> Result<(), Error<E>> {
        let runtime = self.inner();
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", runtime.api_key.expose()))
            .map_err(|_| Error::InvalidRequest("the API key is not a valid header value".into()))?;
        auth.set_sensitive(true);
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, auth);
        if let Ok(agent) = HeaderValue::from_str(&runtime.user_agent) {
            headers.insert(USER_AGENT, agent);
        }
        let declared = OperationMeta::find(info.operation_id).is_some_and(|m| m.idempotency_key);
        let key = match &runtime.call.idempotency_key {
            Some(key) => Some(key.to_string()),
            None if declared && !headers.contains_key("idempotency-key") => {
                Some(uuid::Uuid::new_v4().to_string())
            }
            None => None,
        };
        if let Some(key) = key {
            let value = HeaderValue::from_str(&key).map_err(|_| {
                Error::InvalidRequest("the idempotency key is not a valid header value".into())
            })?;
            headers.insert("idempotency-key", value);
        }
        if request.timeout().is_none() {
            *request.timeout_mut() = Some(runtime.timeout);
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::info_span!(
            "workos.request",
            operation = info.operation_id,
            method = %request.method(),
            path = request.url().path(),
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        self.send_with_retries(request).instrument(span).await
    }
}

impl Client {
    async fn send_with_retries(&self, request: reqwest::Request) -> reqwest::Result<reqwest::Response> {
        let runtime = self.inner();
        let span = tracing::Span::current();
        // Owned: the request itself moves into the attempt loop.
        let method = request.method().as_str().to_owned();
        let decision_request = retry::Request {
            method: &method,
            has_idempotency_key: request.headers().contains_key("idempotency-key"),
            mode: runtime.call.mode,
            max_attempts: runtime.call.max_attempts.unwrap_or(runtime.policy.max_attempts).max(1),
        };
        let start = Instant::now();
        let mut template = Some(request);
        let mut attempt = 1;
        loop {
            // A streaming body cannot be replayed: such a request gets exactly one attempt.
            let Some(current) =
                template.as_ref().and_then(reqwest::Request::try_clone).or_else(|| template.take())
            else {
                unreachable!("the request is taken only on its last attempt")
            };
            let replayable = template.is_some();
            span.record("attempt", attempt);
            let sent = Instant::now();
            let result = self.client().execute(current).await;
            span.record("latency_ms", sent.elapsed().as_millis() as u64);
            let outcome = match &result {
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    if let Some(id) = response.headers().get("x-request-id").and_then(|v| v.to_str().ok()) {
                        span.record("request_id", id);
                    }
                    let retry_after = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
                    Outcome::Status { status: response.status().as_u16(), retry_after }
                }
                Err(e) => Outcome::Transport { connect: e.is_connect(), timeout: e.is_timeout() },
            };
            tracing::debug!(attempt, ?outcome, latency_ms = sent.elapsed().as_millis() as u64, "attempt");
            let decision = if replayable {
                retry::decide(
                    &runtime.policy,
                    decision_request,
                    outcome,
                    attempt,
                    start.elapsed(),
                    fastrand::f64(),
                )
            } else {
                Decision::Stop("the body cannot be replayed")
            };
            let decision = match decision {
                Decision::Retry(delay) => {
                    let timeout = matches!(outcome, Outcome::Transport { timeout: true, .. });
                    if runtime.budget.withdraw(timeout) {
                        Decision::Retry(delay)
                    } else {
                        Decision::Stop("retry budget exhausted")
                    }
                }
                stop => stop,
            };
            match decision {
                Decision::Retry(delay) => {
                    tracing::warn!(attempt, ?outcome, delay_ms = delay.as_millis() as u64, "retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Decision::Stop(reason) => {
                    if matches!(outcome, Outcome::Status { status, .. } if status < 500 && status != 429) {
                        runtime.budget.deposit();
                    }
                    if attempt > 1 || !matches!(outcome, Outcome::Status { status, .. } if status < 400) {
                        tracing::debug!(attempt, ?outcome, reason, "not retrying");
                    }
                    return match result {
                        Ok(response) if response.status().as_u16() >= 400 => {
                            Ok(json_error_body(response).await)
                        }
                        other => other,
                    };
                }
            }
        }
    }
}

/// An error response whose body is not a JSON object (a proxy's HTML page, WorkOS's bare
/// `"Ratelimited"`) is given the body `{"message": "<the raw text>"}`, so that it still decodes
/// into `ErrorBody` with its status and headers instead of becoming a decode error.
async fn json_error_body(response: reqwest::Response) -> reqwest::Response {
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if is_json {
        return response;
    }
    let status = response.status();
    let version = response.version();
    let mut headers = response.headers().clone();
    let raw = match response.bytes().await {
        Ok(bytes) => bytes,
        Err(e) => bytes::Bytes::from(format!("the error body could not be read: {e}")),
    };
    let text = String::from_utf8_lossy(&raw[..raw.len().min(MAX_RAW_ERROR_BODY)]).into_owned();
    let body = serde_json::json!({ "message": text }).to_string();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.remove(reqwest::header::CONTENT_LENGTH);
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    reqwest::Response::from(rebuilt)
}
