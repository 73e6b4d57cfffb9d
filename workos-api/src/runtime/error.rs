//! What a failed call tells: every call fails with [`ApiError`], which reads the same way
//! whatever the operation and status.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::types::{ErrorBody, ErrorDetail};

/// Error bodies longer than this are cut when kept as a message.
pub(crate) const MAX_RAW_ERROR_BODY: usize = 4096;

/// Why a call failed.
///
/// `Display` is one line, e.g. `422 invalid_request_parameters: name must not be empty
/// (request req_123)`; the field errors, headers and raw body are reachable through methods
/// and `Debug`. The predicates follow the WorkOS error table (400 bad request, 401 invalid key,
/// 403 missing permission, 404 not found, 409 conflict, 422 invalid, 429 rate limited, 5xx
/// server error).
///
/// ```
/// # fn handle(e: workos_api::ApiError) {
/// if e.is_not_found() {
///     // create it
/// } else if e.is_conflict() {
///     eprintln!("already exists: {e}"); // one line, with the request id
/// }
/// # }
/// ```
pub struct ApiError {
    inner: Box<Inner>,
}

struct Inner {
    kind: Kind,
    operation: &'static str,
    status: Option<StatusCode>,
    headers: Option<HeaderMap>,
    body: Option<ErrorBody>,
    raw: Option<Bytes>,
    detail: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A 4xx or 5xx response.
    Response,
    /// A status that is neither success nor error (1xx).
    Unexpected,
    /// A redirect (3xx), never followed; or a response from another URL than the one called
    /// (a caller's HTTP client followed one).
    Redirect,
    /// The request could not be sent or the response not read.
    Transport,
    /// A success response whose body did not decode.
    Decode,
    /// The request could not be built (a header value, for instance).
    InvalidRequest,
    /// The call needs the API key, and the client is public (it has none): nothing was sent.
    MissingApiKey,
}

impl ApiError {
    fn new(kind: Kind, operation: &'static str) -> Self {
        ApiError {
            inner: Box::new(Inner {
                kind,
                operation,
                status: None,
                headers: None,
                body: None,
                raw: None,
                detail: String::new(),
                source: None,
            }),
        }
    }

    /// An error response (4xx, 5xx) with its decoded body.
    pub(crate) fn response(
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: ErrorBody,
        raw: Bytes,
    ) -> Self {
        let mut e = Self::new(Kind::Response, operation);
        e.inner.status = Some(status);
        e.inner.headers = Some(headers);
        e.inner.body = Some(body);
        e.inner.raw = Some(raw);
        e
    }

    /// A response with a status that is neither success nor an error.
    pub(crate) fn unexpected(operation: &'static str, status: StatusCode, headers: HeaderMap) -> Self {
        let mut e = Self::new(Kind::Unexpected, operation);
        e.inner.status = Some(status);
        e.inner.headers = Some(headers);
        e
    }

    /// A redirect answer (3xx), not followed: `detail` is where it pointed (origin and path).
    pub(crate) fn redirect(operation: &'static str, status: StatusCode, headers: HeaderMap) -> Self {
        let target = headers.get(reqwest::header::LOCATION).and_then(|l| l.to_str().ok()).map(shown_url);
        let mut e = Self::new(Kind::Redirect, operation);
        e.inner.detail = match target {
            Some(target) => format!("refused to follow a {} redirect to {target}", status.as_u16()),
            None => format!("refused to follow a {} redirect", status.as_u16()),
        };
        e.inner.status = Some(status);
        e.inner.headers = Some(headers);
        e
    }

    /// A response from `url`, which is not the URL called: the caller's HTTP client followed a
    /// redirect.
    pub(crate) fn followed_redirect(
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        url: &reqwest::Url,
    ) -> Self {
        let mut e = Self::new(Kind::Redirect, operation);
        e.inner.detail = format!(
            "the response came from {} after a redirect: build the HTTP client with redirect::Policy::none()",
            shown_url(url.as_str())
        );
        e.inner.status = Some(status);
        e.inner.headers = Some(headers);
        e
    }

    /// No response: the connection failed, broke or timed out.
    pub(crate) fn transport(operation: &'static str, error: reqwest::Error) -> Self {
        let mut e = Self::new(Kind::Transport, operation);
        e.inner.detail = if error.is_timeout() { "timed out".into() } else { "connection failed".into() };
        e.inner.source = Some(Box::new(error));
        e
    }

    /// A success response whose body did not decode as `expected` (a type name); `path` is
    /// where in the body (`data[3].domains[0]`, empty for the top level).
    pub(crate) fn decode(
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        raw: Bytes,
        expected: String,
        path: &str,
        error: serde_json::Error,
    ) -> Self {
        let mut e = Self::new(Kind::Decode, operation);
        e.inner.status = Some(status);
        e.inner.headers = Some(headers);
        e.inner.raw = Some(raw);
        e.inner.detail = format!("did not decode as {expected}: {}", located(path, &error));
        e.inner.source = Some(Box::new(error));
        e
    }

    /// A request that could not be built; `what` says what was wrong.
    pub(crate) fn invalid_request(operation: &'static str, what: impl Into<String>) -> Self {
        let mut e = Self::new(Kind::InvalidRequest, operation);
        e.inner.detail = what.into();
        e
    }

    /// A call that needs the API key, made on a public client: refused before sending.
    pub(crate) fn missing_api_key(operation: &'static str) -> Self {
        Self::new(Kind::MissingApiKey, operation)
    }

    /// The operation (the method name, e.g. `list_users`).
    pub fn operation(&self) -> &'static str {
        self.inner.operation
    }

    /// The response status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status
    }

    /// The response headers, when a response arrived.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.inner.headers.as_ref()
    }

    /// The decoded error body of a 4xx or 5xx response.
    pub fn body(&self) -> Option<&ErrorBody> {
        self.inner.body.as_ref()
    }

    /// WorkOS's machine-readable `code` (or OAuth `error`), e.g. `role_slug_conflict`.
    pub fn code(&self) -> Option<&str> {
        self.body().and_then(|b| b.code.as_deref().or(b.error.as_deref()))
    }

    /// The human-readable `message` (or OAuth `error_description`).
    pub fn message(&self) -> Option<&str> {
        self.body().and_then(|b| b.message.as_deref().or(b.error_description.as_deref()))
    }

    /// Per-field validation errors.
    pub fn field_errors(&self) -> &[ErrorDetail] {
        self.body().map(|b| b.errors.as_slice()).unwrap_or_default()
    }

    /// The `X-Request-ID` header, to quote to WorkOS support.
    pub fn request_id(&self) -> Option<&str> {
        self.headers()?.get("x-request-id")?.to_str().ok()
    }

    /// The `Retry-After` header, as a delay from now.
    pub fn retry_after(&self) -> Option<Duration> {
        let value = self.headers()?.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
        super::retry::parse_retry_after(value, SystemTime::now())
    }

    /// The body as received: the error body of an error response, or the undecodable body of a
    /// success response.
    pub fn raw_body(&self) -> Option<&[u8]> {
        self.inner.raw.as_deref()
    }

    fn status_is(&self, code: u16) -> bool {
        self.inner.kind == Kind::Response && self.inner.status.is_some_and(|s| s.as_u16() == code)
    }

    /// 404.
    pub fn is_not_found(&self) -> bool {
        self.status_is(404)
    }

    /// 409 (a slug that already exists, for instance).
    pub fn is_conflict(&self) -> bool {
        self.status_is(409)
    }

    /// 401: the API key is missing or invalid.
    pub fn is_unauthorized(&self) -> bool {
        self.status_is(401)
    }

    /// 403: the key lacks a permission.
    pub fn is_forbidden(&self) -> bool {
        self.status_is(403)
    }

    /// 429.
    pub fn is_rate_limited(&self) -> bool {
        self.status_is(429)
    }

    /// 400 or 422: the request was invalid.
    pub fn is_validation(&self) -> bool {
        self.status_is(400) || self.status_is(422)
    }

    /// 5xx.
    pub fn is_server_error(&self) -> bool {
        self.inner.kind == Kind::Response && self.inner.status.is_some_and(|s| s.is_server_error())
    }

    /// No response: the connection failed, broke or timed out.
    pub fn is_transport(&self) -> bool {
        self.inner.kind == Kind::Transport
    }

    /// No response in time.
    pub fn is_timeout(&self) -> bool {
        self.reqwest_source().is_some_and(reqwest::Error::is_timeout)
    }

    /// A success response arrived but its body did not decode.
    pub fn is_decode(&self) -> bool {
        self.inner.kind == Kind::Decode
    }

    /// The server answered with a redirect (3xx), which is never followed: the WorkOS API
    /// does not redirect API calls, and following one would re-send the request's body and
    /// credentials elsewhere. The `Location` is in [`headers`](Self::headers).
    pub fn is_redirect(&self) -> bool {
        self.inner.kind == Kind::Redirect
    }

    /// The request was not sent: it could not be built (an invalid header value, or a path
    /// parameter that is empty, `.` or `..`, for instance).
    pub fn is_invalid_request(&self) -> bool {
        self.inner.kind == Kind::InvalidRequest
    }

    /// The call needs the API key, and the client is public
    /// ([`Client::public`](crate::Client::public)), so nothing was sent: a public client sends
    /// only the calls a public OAuth client may make (see
    /// [`ClientBuilder::public_client`](crate::ClientBuilder::public_client)). Also the error of
    /// a sign-in helper whose grant needs the client secret (the API key), such as the password
    /// grant, on a public client.
    pub fn is_missing_api_key(&self) -> bool {
        self.inner.kind == Kind::MissingApiKey
    }

    /// Whether repeating the call may succeed: 408, 429, 5xx, or no response.
    pub fn is_retryable(&self) -> bool {
        match self.inner.kind {
            Kind::Transport => true,
            Kind::Response => self.inner.status.is_some_and(|s| matches!(s.as_u16(), 408 | 429 | 500..=599)),
            _ => false,
        }
    }

    fn reqwest_source(&self) -> Option<&reqwest::Error> {
        self.inner.source.as_ref()?.downcast_ref::<reqwest::Error>()
    }
}

/// Where a body failed to decode and why, in one line: `data[3].domains[0].created_at: missing
/// field` (a missing field is named in the path), `data[0].state: unknown variant ...`, without
/// serde's line and column.
fn located(path: &str, error: &serde_json::Error) -> String {
    let message = error.to_string();
    let message = match message.rfind(" at line ") {
        Some(at) if error.line() > 0 => message[..at].to_owned(),
        _ => message,
    };
    let join = |field: &str| match path {
        "" | "." => field.to_owned(),
        _ => format!("{path}.{field}"),
    };
    if let Some(field) = message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`')) {
        return format!("{}: missing field", join(field));
    }
    match path {
        "" | "." => message,
        _ => format!("{path}: {message}"),
    }
}

/// A URL as an error shows it: its origin and path, at most 200 characters; no query or
/// fragment, which may carry codes or tokens.
fn shown_url(url: &str) -> String {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let kept = &url[..end];
    match kept.char_indices().nth(200) {
        Some((cut, _)) => format!("{}...", &kept[..cut]),
        None => kept.to_owned(),
    }
}

/// One line with no line breaks, however the server wrote it.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = &self.inner;
        let status = inner.status.map(|s| s.as_u16());
        match inner.kind {
            Kind::Response => {
                write!(f, "{}", status.unwrap_or_default())?;
                match (self.code(), self.message().map(one_line)) {
                    (Some(code), Some(message)) => write!(f, " {code}: {message}")?,
                    (Some(code), None) => write!(f, " {code}")?,
                    (None, Some(message)) => write!(f, ": {message}")?,
                    (None, None) => {
                        let reason = inner.status.and_then(|s| s.canonical_reason()).unwrap_or("error");
                        write!(f, " {reason}")?;
                    }
                }
            }
            Kind::Unexpected => {
                write!(f, "{}: unexpected status for {}", status.unwrap_or_default(), inner.operation)?;
            }
            Kind::Transport => write!(f, "{} {}: {}", inner.operation, inner.detail, transport_cause(self))?,
            Kind::Decode => write!(
                f,
                "{} response of {} {}",
                status.unwrap_or_default(),
                inner.operation,
                one_line(&inner.detail)
            )?,
            Kind::InvalidRequest => write!(f, "{}: invalid request: {}", inner.operation, inner.detail)?,
            Kind::Redirect => write!(f, "{}: {}", inner.operation, one_line(&inner.detail))?,
            Kind::MissingApiKey => write!(
                f,
                "{}: needs an API key, and this is a public client (it has none): not sent",
                inner.operation
            )?,
        }
        if let Some(id) = self.request_id() {
            write!(f, " (request {id})")?;
        }
        Ok(())
    }
}

/// The innermost cause of a transport error, in one line (reqwest's own message says only
/// "error sending request").
fn transport_cause(error: &ApiError) -> String {
    let mut cause: Option<&(dyn std::error::Error + 'static)> =
        error.inner.source.as_deref().map(|s| s as &(dyn std::error::Error + 'static));
    let mut last = String::new();
    while let Some(e) = cause {
        last = one_line(&e.to_string());
        cause = e.source();
    }
    last
}

impl std::fmt::Debug for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = &self.inner;
        let mut d = f.debug_struct("ApiError");
        d.field("kind", &inner.kind).field("operation", &inner.operation);
        if let Some(status) = inner.status {
            d.field("status", &status.as_u16());
        }
        if let Some(body) = &inner.body {
            d.field("body", body);
        }
        if let Some(headers) = &inner.headers {
            d.field("headers", headers);
        }
        if let Some(raw) = &inner.raw {
            let shown = &raw[..raw.len().min(MAX_RAW_ERROR_BODY)];
            d.field("raw_body", &String::from_utf8_lossy(shown));
        }
        if !inner.detail.is_empty() {
            d.field("detail", &inner.detail);
        }
        if let Some(source) = &inner.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source.as_deref().map(|s| s as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_body(json: serde_json::Value) -> ErrorBody {
        serde_json::from_value(json).expect("an error body")
    }

    fn response(status: u16, json: serde_json::Value, request_id: Option<&str>) -> ApiError {
        let mut headers = HeaderMap::new();
        if let Some(id) = request_id {
            headers.insert("x-request-id", id.parse().expect("a header value"));
        }
        let raw = Bytes::from(json.to_string());
        ApiError::response(
            "create_permission",
            StatusCode::from_u16(status).expect("a status"),
            headers,
            error_body(json),
            raw,
        )
    }

    #[test]
    fn display_is_one_line_with_code_message_and_request_id() {
        let e = response(
            422,
            serde_json::json!({"code": "invalid_request_parameters", "message": "name must not\nbe empty",
                "errors": [{"field": "name", "code": "required"}]}),
            Some("req_123"),
        );
        assert_eq!(e.to_string(), "422 invalid_request_parameters: name must not be empty (request req_123)");
        assert_eq!(e.field_errors().len(), 1);
        assert!(format!("{e:?}").contains("required"), "{e:?}");
        assert!(e.is_validation() && !e.is_not_found());
    }

    #[test]
    fn display_without_code_or_message_names_the_status() {
        assert_eq!(response(404, serde_json::json!({}), None).to_string(), "404 Not Found");
        assert_eq!(response(409, serde_json::json!({"message": "taken"}), None).to_string(), "409: taken");
        let oauth = response(
            400,
            serde_json::json!({"error": "invalid_grant", "error_description": "bad code"}),
            None,
        );
        assert_eq!(oauth.to_string(), "400 invalid_grant: bad code");
    }

    #[test]
    fn predicates_follow_the_error_table() {
        let table = [
            (400, "is_validation"),
            (401, "is_unauthorized"),
            (403, "is_forbidden"),
            (404, "is_not_found"),
            (409, "is_conflict"),
            (422, "is_validation"),
            (429, "is_rate_limited"),
            (500, "is_server_error"),
            (503, "is_server_error"),
        ];
        for (status, expected) in table {
            let e = response(status, serde_json::json!({}), None);
            let hits: Vec<&str> = [
                ("is_validation", e.is_validation()),
                ("is_unauthorized", e.is_unauthorized()),
                ("is_forbidden", e.is_forbidden()),
                ("is_not_found", e.is_not_found()),
                ("is_conflict", e.is_conflict()),
                ("is_rate_limited", e.is_rate_limited()),
                ("is_server_error", e.is_server_error()),
                ("is_transport", e.is_transport()),
                ("is_decode", e.is_decode()),
            ]
            .into_iter()
            .filter(|(_, hit)| *hit)
            .map(|(name, _)| name)
            .collect();
            assert_eq!(hits, [expected], "status {status}");
        }
    }

    fn decode_error(path: &str, json: &str) -> ApiError {
        let error = serde_json::from_str::<Vec<u8>>(json).expect_err("does not decode");
        ApiError::decode(
            "list_organizations",
            StatusCode::OK,
            HeaderMap::new(),
            Bytes::from_static(b"{}"),
            "OrganizationList".into(),
            path,
            error,
        )
    }

    #[test]
    fn a_decode_error_names_the_operation_the_type_and_the_path() {
        let e = decode_error("data[3].domains[0]", r#""text""#);
        assert!(e.is_decode());
        assert_eq!(
            e.to_string(),
            "200 response of list_organizations did not decode as OrganizationList: data[3].domains[0]: \
             invalid type: string \"text\", expected a sequence"
        );
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Domain {
            created_at: String,
        }
        let missing = serde_json::from_str::<Domain>("{}").expect_err("missing");
        assert_eq!(located("data[3].domains[0]", &missing), "data[3].domains[0].created_at: missing field");
        assert_eq!(located("", &missing), "created_at: missing field");
        assert_eq!(e.raw_body(), Some(&b"{}"[..]));
    }

    #[test]
    fn missing_api_key_names_the_operation_and_is_its_own_kind() {
        let e = ApiError::missing_api_key("list_users");
        assert_eq!(
            e.to_string(),
            "list_users: needs an API key, and this is a public client (it has none): not sent"
        );
        assert!(e.is_missing_api_key());
        assert!(!e.is_invalid_request() && !e.is_retryable() && !e.is_unauthorized() && e.status().is_none());
    }

    #[test]
    fn invalid_request_names_what_was_wrong() {
        let e = ApiError::invalid_request("list_users", "header `x-a` has an invalid value");
        assert_eq!(e.to_string(), "list_users: invalid request: header `x-a` has an invalid value");
        assert!(e.is_invalid_request() && !e.is_retryable());
    }
}
