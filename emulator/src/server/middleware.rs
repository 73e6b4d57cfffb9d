//! The middleware every request passes, outermost first: the request log, fault injection, and
//! bearer authentication.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

use super::faults::{Decision, FaultKind};
use super::log::RecordedRequest;
use super::router::{self, HEALTH};
use super::{DropSignal, MAX_BODY, Shared, lock};
use crate::model::error::ApiError;

/// The document's path template the request matched (the emulator's own admin routes are
/// spelled as registered).
fn route_of(req: &Request) -> Option<String> {
    let matched = req.extensions().get::<MatchedPath>()?.as_str();
    Some(router::template_of(req.method().as_str(), matched).unwrap_or(matched).to_owned())
}

/// Outermost layer: records each request, then its answer.
pub(crate) async fn record(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    if req.uri().path() == HEALTH {
        return next.run(req).await;
    }
    let request_id = shared.request_id();
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            let too_large = ApiError::with_status(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request_too_large",
                format!("The request body is larger than {MAX_BODY} bytes or could not be read."),
            );
            return with_request_id(too_large.into_response(), &request_id);
        }
    };
    if let Some(refused) = refuse_content_type(&parts, &bytes) {
        return with_request_id(refused.into_response(), &request_id);
    }
    let req = Request::from_parts(parts, Body::from(bytes.clone()));
    let (method, route, path) = (req.method().to_string(), route_of(&req), req.uri().path().to_owned());
    let (body, body_bytes, truncated) = crate::server::log::logged_body(&bytes);
    let mut recorded = RecordedRequest::new(
        method.clone(),
        path.clone(),
        route.clone(),
        req.uri().query().map(str::to_owned),
    );
    recorded.body = body;
    recorded.truncated = truncated;
    let seq = lock(&shared.log).push(recorded, body_bytes);
    let (mut parts, body) = next.run(req).await.into_parts();
    let mut bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let mut json: Option<serde_json::Value> = serde_json::from_slice(&bytes).ok();
    // Axum's own refusals (a method the path does not serve, a path that does not decode) come
    // as plain text or nothing: answer them in the API's JSON error shape too.
    if json.is_none() && (parts.status.is_client_error() || parts.status.is_server_error()) {
        let error = plain_error_as_json(&parts, &method, &path, &bytes);
        let (_, error_body) = error.into_response().into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if parts.status == StatusCode::METHOD_NOT_ALLOWED
            && let Ok(allow) = HeaderValue::from_str(&allowed_methods(&path).join(", "))
        {
            parts.headers.insert(header::ALLOW, allow);
        }
        bytes = axum::body::to_bytes(error_body, usize::MAX).await.unwrap_or_default();
        json = serde_json::from_slice(&bytes).ok();
    }
    if let (Some(route), Some(value)) = (&route, json.as_mut())
        && parts.status.is_success()
    {
        let added = crate::server::fill::fill(&method, route, parts.status.as_u16(), value);
        if !added.is_empty() {
            lock(&shared.from_document).extend(added);
            bytes = serde_json::to_vec(value).unwrap_or_default().into();
            parts.headers.remove(header::CONTENT_LENGTH);
        }
    }
    let (logged, logged_bytes, truncated) = if bytes.len() <= crate::server::log::MAX_LOGGED_BODY {
        (json, bytes.len(), false)
    } else {
        crate::server::log::logged_body(&bytes)
    };
    lock(&shared.log).complete(seq, parts.status.as_u16(), logged, logged_bytes, truncated);
    with_request_id(Response::from_parts(parts, Body::from(bytes)), &request_id)
}

/// `X-Request-ID`, on every answer, as WorkOS sends it (clients report it with errors).
fn with_request_id(mut response: Response, id: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// A body sent with a `Content-Type` that is not JSON: 400, before any handler reads it. The
/// OAuth token endpoint (`POST /sso/token`) also takes a form, as OAuth clients send one.
fn refuse_content_type(parts: &http::request::Parts, body: &[u8]) -> Option<ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if form && parts.uri.path() == "/sso/token" {
        return None;
    }
    let given = parts.headers.get(header::CONTENT_TYPE)?.to_str().unwrap_or("(not text)");
    let media = given.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if media == "application/json" || media.ends_with("+json") {
        return None;
    }
    Some(ApiError::bad_request(
        "invalid_content_type",
        format!("The request body must be JSON (`Content-Type: application/json`), not `{given}`."),
    ))
}

/// The methods the emulator serves on `path` (its routes' templates matched segment by segment).
fn allowed_methods(path: &str) -> Vec<&'static str> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut methods: Vec<&'static str> = router::routes()
        .into_iter()
        .filter(|(_, template)| {
            let t: Vec<&str> = template.trim_matches('/').split('/').collect();
            t.len() == segments.len() && t.iter().zip(&segments).all(|(t, s)| t.starts_with('{') || t == s)
        })
        .map(|(m, _)| m)
        .collect();
    methods.sort_unstable();
    methods.dedup();
    methods
}

/// The JSON error for an answer the router made in plain text (or empty).
fn plain_error_as_json(parts: &http::response::Parts, method: &str, path: &str, body: &[u8]) -> ApiError {
    let text = String::from_utf8_lossy(body).trim().to_owned();
    let (code, message) = match parts.status {
        StatusCode::METHOD_NOT_ALLOWED => {
            let allowed = allowed_methods(path).join(", ");
            (
                "method_not_allowed",
                format!("The emulator serves {path} but not with {method} (allowed: {allowed})."),
            )
        }
        StatusCode::BAD_REQUEST => {
            ("invalid_request", format!("The request to {path} is malformed: {text}."))
        }
        StatusCode::NOT_FOUND => ("route_not_found", format!("The emulator does not serve {method} {path}.")),
        status => (
            "emulator_error",
            format!(
                "{} for {method} {path}{}",
                status,
                if text.is_empty() { String::new() } else { format!(": {text}") }
            ),
        ),
    };
    ApiError::with_status(parts.status, code, message)
}

/// Applies the programmed faults.
pub(crate) async fn inject_faults(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let decision =
        lock(&shared.faults).decide(req.method().as_str(), route_of(&req).as_deref(), req.uri().path());
    match decision {
        Decision::Proceed => next.run(req).await,
        Decision::Fault(FaultKind::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            next.run(req).await
        }
        Decision::Fault(FaultKind::Drop) => {
            if let Some(signal) = req.extensions().get::<DropSignal>() {
                signal.0.notify_one();
            }
            std::future::pending().await
        }
        Decision::Fault(FaultKind::Status { status, retry_after }) => {
            let code = match status.as_u16() {
                429 => "rate_limit_exceeded",
                500 => "internal_server_error",
                502 => "bad_gateway",
                503 => "service_unavailable",
                504 => "gateway_timeout",
                _ => "injected_fault",
            };
            let message =
                format!("Injected by the emulator: {}.", status.canonical_reason().unwrap_or("error"));
            let mut response = ApiError::with_status(status, code, message).into_response();
            if let Some(value) = retry_after.and_then(|r| HeaderValue::from_str(&r.header_value()).ok()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
    }
}

/// Bearer authentication: 401 when the key is missing or wrong (the key is never echoed).
pub(crate) async fn authenticate(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    // The readiness probe, and what a browser or a token verifier reaches without the API key.
    let path = req.uri().path();
    if path == HEALTH
        || path == "/user_management/authorize"
        || path == "/user_management/sessions/logout"
        // SSO's browser steps, the code exchange (the client secret is in the request) and
        // the profile (its bearer is the SSO access token).
        || matches!(path, "/sso/authorize" | "/sso/token" | "/sso/profile" | "/sso/logout")
        // The sign-in itself: WorkOS authenticates it by the body's client secret, or by PKCE,
        // a refresh token or a device code for a public client, and the handler checks those.
        || path == "/user_management/authenticate"
        // The device flow: a public client, and the page the user approves it at.
        || path == "/user_management/authorize/device"
        || path == crate::routes::user_management::device::VERIFY_PATH
        || path == crate::routes::pipes::integrations::CONSENT_PATH
        || path.starts_with("/sso/jwks/")
        || path.starts_with(crate::routes::audit_logs::DOWNLOAD_PREFIX)
    {
        return next.run(req).await;
    }
    let given = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let message = match given.and_then(|v| v.strip_prefix("Bearer ")) {
        Some(key) if key == shared.api_key => return next.run(req).await,
        Some(_) => "Invalid API key provided.",
        None if given.is_some() => "The Authorization header must be `Bearer <your API key>`.",
        None => "No API key provided: send `Authorization: Bearer <your API key>`.",
    };
    ApiError::unauthorized(message).into_response()
}
