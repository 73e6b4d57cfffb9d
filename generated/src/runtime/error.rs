//! What a failed call tells: every generated method fails with [`ApiError`], and
//! [`ApiErrorExt`] reads it the same way whatever the operation and status.

use std::time::{Duration, SystemTime};

use crate::types::{ErrorBody, ErrorDetail};

/// The error of every generated method: progenitor's error with WorkOS's error body.
/// progenitor provides `status()` and `is_retryable()`; [`ApiErrorExt`] adds the rest.
pub type ApiError = progenitor_client::Error<ErrorBody>;

/// Reading an [`ApiError`]: WorkOS's error fields, the request id, and predicates per the
/// WorkOS error table (400 bad request, 401 invalid key, 403 missing permission, 404 not found,
/// 409 conflict, 422 invalid, 429 rate limited, 5xx server error).
pub trait ApiErrorExt {
    /// The error body, for an error response.
    fn body(&self) -> Option<&ErrorBody>;
    /// WorkOS's machine-readable `code` (or OAuth `error`), e.g. `role_slug_conflict`.
    fn code(&self) -> Option<&str>;
    /// The human-readable `message` (or OAuth `error_description`).
    fn message(&self) -> Option<&str>;
    /// Per-field validation errors.
    fn field_errors(&self) -> &[ErrorDetail];
    /// The `X-Request-ID` header, to quote to WorkOS support.
    fn request_id(&self) -> Option<&str>;
    /// The `Retry-After` header, as a delay from now.
    fn retry_after(&self) -> Option<Duration>;
    /// The undecodable body of a response whose payload did not match its type.
    fn raw_body(&self) -> Option<&[u8]>;
    /// 404.
    fn is_not_found(&self) -> bool;
    /// 409 (a slug that already exists, for instance).
    fn is_conflict(&self) -> bool;
    /// 401: the API key is missing or invalid.
    fn is_unauthorized(&self) -> bool;
    /// 403: the key lacks a permission.
    fn is_forbidden(&self) -> bool;
    /// 429.
    fn is_rate_limited(&self) -> bool;
    /// 400 or 422: the request was invalid.
    fn is_validation(&self) -> bool;
    /// 5xx.
    fn is_server_error(&self) -> bool;
    /// No response: the connection failed or broke.
    fn is_transport(&self) -> bool;
    /// No response in time.
    fn is_timeout(&self) -> bool;
    /// A response arrived but its body did not decode.
    fn is_decode(&self) -> bool;
}

impl ApiErrorExt for ApiError {
    fn body(&self) -> Option<&ErrorBody> {
        match self {
            progenitor_client::Error::ErrorResponse(response) => Some(response.as_ref()),
            _ => None,
        }
    }

    fn code(&self) -> Option<&str> {
        self.body().and_then(|b| b.code.as_deref().or(b.error.as_deref()))
    }

    fn message(&self) -> Option<&str> {
        self.body().and_then(|b| b.message.as_deref().or(b.error_description.as_deref()))
    }

    fn field_errors(&self) -> &[ErrorDetail] {
        self.body().map(|b| b.errors.as_slice()).unwrap_or_default()
    }

    fn request_id(&self) -> Option<&str> {
        headers(self)?.get("x-request-id")?.to_str().ok()
    }

    fn retry_after(&self) -> Option<Duration> {
        let value = headers(self)?.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
        super::retry::parse_retry_after(value, SystemTime::now())
    }

    fn raw_body(&self) -> Option<&[u8]> {
        match self {
            progenitor_client::Error::InvalidResponsePayload(bytes, _) => Some(bytes),
            _ => None,
        }
    }

    fn is_not_found(&self) -> bool {
        status(self) == Some(404)
    }

    fn is_conflict(&self) -> bool {
        status(self) == Some(409)
    }

    fn is_unauthorized(&self) -> bool {
        status(self) == Some(401)
    }

    fn is_forbidden(&self) -> bool {
        status(self) == Some(403)
    }

    fn is_rate_limited(&self) -> bool {
        status(self) == Some(429)
    }

    fn is_validation(&self) -> bool {
        matches!(status(self), Some(400 | 422))
    }

    fn is_server_error(&self) -> bool {
        status(self).is_some_and(|s| s >= 500)
    }

    fn is_transport(&self) -> bool {
        matches!(
            self,
            progenitor_client::Error::CommunicationError(_) | progenitor_client::Error::ResponseBodyError(_)
        )
    }

    fn is_timeout(&self) -> bool {
        match self {
            progenitor_client::Error::CommunicationError(e)
            | progenitor_client::Error::ResponseBodyError(e) => e.is_timeout(),
            _ => false,
        }
    }

    fn is_decode(&self) -> bool {
        matches!(self, progenitor_client::Error::InvalidResponsePayload(..))
    }
}

fn status(error: &ApiError) -> Option<u16> {
    error.status().map(|s| s.as_u16())
}

fn headers(error: &ApiError) -> Option<&reqwest::header::HeaderMap> {
    match error {
        progenitor_client::Error::ErrorResponse(response) => Some(response.headers()),
        progenitor_client::Error::UnexpectedResponse(response) => Some(response.headers()),
        _ => None,
    }
}
