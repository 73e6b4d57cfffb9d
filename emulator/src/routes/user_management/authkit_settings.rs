//! The environment's AuthKit settings: the JWT template, redirect URIs and CORS origins.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::model::error::{ApiError, ApiResult, non_empty, parse_body};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::routes::{Db, created, empty, ok};

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

/// The claims WorkOS sets itself, which a template cannot replace.
const RESERVED_CLAIMS: &[&str] =
    &["iss", "sub", "sid", "jti", "iat", "exp", "nbf", "aud", "org_id", "role", "roles", "permissions"];

/// Adds the claims of a JWT template to `claims`: each `{{ path }}` in a string is replaced by
/// the value at that dotted path of `context` (`user.email`, `user.metadata.department`,
/// `organization.name`); a string that is only a placeholder takes the value as it is (a number,
/// an object); a path with no value gives `null`. Reserved claims are left as they are.
pub(crate) fn apply_template(template: &str, context: &Value, claims: &mut Value) {
    let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(template) else { return };
    for (name, value) in fields {
        if !RESERVED_CLAIMS.contains(&name.as_str()) {
            claims[name] = render(&value, context);
        }
    }
}

fn lookup<'c>(context: &'c Value, path: &str) -> Option<&'c Value> {
    path.split('.').try_fold(context, |v, key| v.get(key.trim()))
}

fn render(value: &Value, context: &Value) -> Value {
    match value {
        Value::String(text) => {
            let trimmed = text.trim();
            if let Some(path) = trimmed.strip_prefix("{{").and_then(|t| t.strip_suffix("}}"))
                && !path.contains("{{")
            {
                return lookup(context, path.trim()).cloned().unwrap_or(Value::Null);
            }
            let mut out = String::new();
            let mut rest = text.as_str();
            while let Some(start) = rest.find("{{") {
                let Some(end) = rest[start..].find("}}") else { break };
                out.push_str(&rest[..start]);
                match lookup(context, rest[start + 2..start + end].trim()) {
                    Some(Value::String(s)) => out.push_str(s),
                    Some(Value::Null) | None => {}
                    Some(other) => out.push_str(&other.to_string()),
                }
                rest = &rest[start + end + 2..];
            }
            out.push_str(rest);
            Value::String(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| render(v, context)).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), render(v, context))).collect())
        }
        other => other.clone(),
    }
}

/// The template; until one is set, the default (`{}`), dated now.
pub(crate) async fn get_jwt_template(State(db): Db) -> ApiResult<Response> {
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
/// placeholders), else a 422 naming where it fails to parse. Access tokens issued afterwards
/// carry its claims (see [`apply_template`]).
pub(crate) async fn set_jwt_template(State(db): Db, body: Bytes) -> ApiResult<Response> {
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
pub(crate) async fn create_redirect_uri(State(db): Db, body: Bytes) -> ApiResult<Response> {
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

/// The redirect URIs, paginated (oldest first in creation order, as every list).
pub(crate) async fn list_redirect_uris(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    Ok(ok(query.page_sorted(&store.authkit.redirect_uris, record_id)))
}

/// Removes a redirect URI; the default one stays while it is not the only one (409).
pub(crate) async fn delete_redirect_uri(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    let uris = &mut store.authkit.redirect_uris;
    let i = uris
        .iter()
        .position(|r| r["id"] == id.as_str())
        .ok_or_else(|| ApiError::not_found("Redirect URI", &id))?;
    if uris[i]["default"] == true && uris.len() > 1 {
        return Err(ApiError::conflict("default_redirect_uri", "Cannot delete the default redirect URI."));
    }
    uris.remove(i);
    Ok(empty(http::StatusCode::NO_CONTENT))
}

/// The CORS origins, paginated.
pub(crate) async fn list_cors_origins(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    Ok(ok(query.page_sorted(&store.authkit.cors_origins, record_id)))
}

/// The `id` of a record kept as JSON.
fn record_id(record: &Value) -> &str {
    record["id"].as_str().unwrap_or_default()
}

/// Whether `uri` may receive an authorization code: any URI while none is set (the emulator's
/// convenience), else one of them exactly, or one whose `*.` wildcard stands for one label.
pub(crate) fn redirect_allowed(store: &crate::model::Store, uri: &str) -> bool {
    let set = &store.authkit.redirect_uris;
    set.is_empty()
        || set.iter().filter_map(|r| r["uri"].as_str()).any(|allowed| match allowed.split_once("*.") {
            None => allowed == uri,
            Some((scheme, rest)) => uri
                .strip_prefix(scheme)
                .and_then(|u| u.split_once('.'))
                .is_some_and(|(label, tail)| !label.is_empty() && !label.contains('/') && tail == rest),
        })
}

/// Adds a CORS origin: `scheme://host[:port]`, nothing more; one already added is a 409.
pub(crate) async fn create_cors_origin(State(db): Db, body: Bytes) -> ApiResult<Response> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_match_exactly_or_by_one_wildcard_label() {
        let mut store = crate::model::Store::default();
        assert!(redirect_allowed(&store, "https://anything.test/cb"), "none set: any");
        for uri in ["https://app.test/cb", "https://*.preview.test/cb"] {
            store.authkit.redirect_uris.push(json!({ "uri": uri }));
        }
        assert!(redirect_allowed(&store, "https://app.test/cb"));
        assert!(redirect_allowed(&store, "https://pr-7.preview.test/cb"));
        for refused in [
            "https://app.test/other",
            "https://preview.test/cb",
            "https://a.b.preview.test/cb",
            "http://app.test/cb",
        ] {
            assert!(!redirect_allowed(&store, refused), "{refused}");
        }
    }

    #[test]
    fn templates_fill_claims_from_the_user_and_organization() {
        let context = json!({"user": {"email": "ada@acme.test", "metadata": {"tier": "gold"}, "n": 3},
            "organization": {"name": "Acme"}});
        let mut claims = json!({"sub": "user_1"});
        let template = r#"{"email": "{{ user.email }}", "n": "{{user.n}}", "label": "{{ organization.name }}/{{ user.metadata.tier }}",
            "missing": "{{ user.nope }}", "nested": {"tier": "{{ user.metadata.tier }}"}, "sub": "{{ user.email }}", "fixed": 7}"#;
        apply_template(template, &context, &mut claims);
        assert_eq!(
            claims,
            json!({"sub": "user_1", "email": "ada@acme.test", "n": 3, "label": "Acme/gold", "missing": null,
                "nested": {"tier": "gold"}, "fixed": 7})
        );
    }
}
