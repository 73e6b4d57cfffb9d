//! The environment's AuthKit settings: the JWT template, redirect URIs and CORS origins.

use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Db, created, ok};
use crate::error::{ApiError, ApiResult, non_empty, parse_body};
use crate::ids::now;

/// The content of the template an environment starts with.
const DEFAULT_TEMPLATE: &str = "{}";

#[derive(Deserialize)]
struct TemplateDto {
    content: String,
}

#[derive(Deserialize)]
struct RedirectUriDto {
    uri: String,
}

#[derive(Deserialize)]
struct CorsOriginDto {
    origin: String,
}

fn template_json(content: &str, created_at: &str, updated_at: &str) -> Value {
    json!({ "object": "jwt_template", "content": content, "created_at": created_at, "updated_at": updated_at })
}

/// The template; until one is set, the default (`{}`), dated now.
pub(super) async fn get_jwt_template(State(db): Db) -> ApiResult<Response> {
    let store = db.store();
    Ok(ok(match &store.authkit.jwt_template {
        Some((content, created_at, updated_at)) => template_json(content, created_at, updated_at),
        None => {
            let at = now();
            template_json(DEFAULT_TEMPLATE, &at, &at)
        }
    }))
}

/// Sets the template: a JSON object (its string values may hold `{{ user.email }}`-style
/// placeholders), else a 422 naming where it fails to parse.
pub(super) async fn set_jwt_template(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: TemplateDto = parse_body(&body)?;
    match serde_json::from_str::<Value>(&dto.content) {
        Ok(Value::Object(_)) => {}
        Ok(_) => return Err(ApiError::invalid_field("content", "invalid", "content must be a JSON object.")),
        Err(e) => {
            return Err(ApiError::invalid_field(
                "content",
                "invalid",
                format!("content is not valid JSON: {e}."),
            ));
        }
    }
    let mut store = db.store();
    let at = now();
    let created_at = store.authkit.jwt_template.as_ref().map_or_else(|| at.clone(), |(_, c, _)| c.clone());
    let answer = template_json(&dto.content, &created_at, &at);
    store.authkit.jwt_template = Some((dto.content, created_at, at));
    Ok(ok(answer))
}

/// Adds a redirect URI: an absolute `http(s)` URL without a fragment (a wildcard `*` may stand
/// for one subdomain label), or a native app's custom scheme. The first one is the default.
pub(super) async fn create_redirect_uri(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: RedirectUriDto = parse_body(&body)?;
    non_empty("uri", &dto.uri)?;
    let parsed = reqwest::Url::parse(&dto.uri.replacen("*.", "wildcard.", 1)).map_err(|e| {
        ApiError::invalid_field("uri", "invalid", format!("'{}' is not a URL: {e}.", dto.uri))
    })?;
    if parsed.fragment().is_some() || (matches!(parsed.scheme(), "http" | "https") && parsed.host().is_none())
    {
        return Err(ApiError::invalid_field(
            "uri",
            "invalid",
            format!("'{}' is not a valid redirect URI.", dto.uri),
        ));
    }
    let mut store = db.store();
    if store.authkit.redirect_uris.iter().any(|r| r["uri"] == dto.uri.as_str()) {
        return Err(ApiError::bad_request(
            "redirect_uri_already_exists",
            format!("'{}' is already a redirect URI.", dto.uri),
        ));
    }
    let at = now();
    let record = json!({
        "object": "redirect_uri",
        "id": store.ids.next("redirect_uri"),
        "uri": dto.uri,
        "default": store.authkit.redirect_uris.is_empty(),
        "created_at": at,
        "updated_at": at,
    });
    store.authkit.redirect_uris.push(record.clone());
    Ok(created(record))
}

/// Adds a CORS origin: `scheme://host[:port]`, nothing more; one already added is a 409.
pub(super) async fn create_cors_origin(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: CorsOriginDto = parse_body(&body)?;
    non_empty("origin", &dto.origin)?;
    let invalid = || {
        ApiError::invalid_field(
            "origin",
            "invalid",
            format!("'{}' is not an origin (scheme://host[:port]).", dto.origin),
        )
    };
    let parsed = reqwest::Url::parse(&dto.origin).map_err(|_| invalid())?;
    let bare = parsed.host().is_some()
        && parsed.path() == "/"
        && !dto.origin.ends_with('/')
        && parsed.query().is_none()
        && parsed.fragment().is_none()
        && parsed.username().is_empty();
    if !bare {
        return Err(invalid());
    }
    let origin = parsed.origin().ascii_serialization();
    let mut store = db.store();
    if store.authkit.cors_origins.iter().any(|o| o["origin"] == origin.as_str()) {
        return Err(ApiError::conflict(
            "cors_origin_already_exists",
            format!("'{origin}' is already a CORS origin."),
        ));
    }
    let at = now();
    let record = json!({
        "object": "cors_origin",
        "id": store.ids.next("cors_origin"),
        "origin": origin,
        "created_at": at,
        "updated_at": at,
    });
    store.authkit.cors_origins.push(record.clone());
    Ok(created(record))
}
