//! The environment's AuthKit settings: the JWT template (and the claims it adds to access
//! tokens), redirect URIs and CORS origins, and the sign-in steps a seed turns on.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::error::{ApiError, ApiResult, non_empty};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::table::Table;
use crate::model::{Name, Store};

records!(
    RedirectUri => "Redirect URI",
    CorsOrigin => "CORS origin",
);

/// AuthKit settings of the environment: the JWT template, redirect URIs and CORS origins.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct AuthkitSettings {
    /// `JwtTemplate`: its content and when it was set (`None`: the default, `{}`).
    pub(crate) jwt_template: Option<(String, String, String)>,
    pub(crate) redirect_uris: Table<RedirectUri>,
    pub(crate) cors_origins: Table<CorsOrigin>,
    /// Sign-ins of users whose email is not verified stop at `email_verification_required`.
    #[serde(default)]
    pub(crate) email_verification_required: bool,
    /// Sign-ins without an organization, by users in several, stop at
    /// `organization_selection_required`.
    #[serde(default)]
    pub(crate) organization_selection_required: bool,
    /// Sign-ins stop at `mfa_challenge` (a user with a TOTP factor) or `mfa_enrollment`.
    #[serde(default)]
    pub(crate) mfa_required: bool,
    /// The device flow's polling interval, when a seed sets one.
    #[serde(default)]
    pub(crate) device_interval_secs: Option<u64>,
    /// Sign-ins stop at a Radar challenge: `email` or `sms`.
    #[serde(default)]
    pub(crate) radar_challenge: Option<String>,
}

/// `RedirectUri`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RedirectUri {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) uri: String,
    /// The first one added is the default.
    pub(crate) default: bool,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `CorsOrigin`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CorsOrigin {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) origin: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `JwtTemplate`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct JwtTemplate {
    pub(crate) object: Name,
    pub(crate) content: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

impl JwtTemplate {
    fn new(content: &str, created_at: &str, updated_at: &str) -> Self {
        Self {
            object: "jwt_template",
            content: content.to_owned(),
            created_at: created_at.to_owned(),
            updated_at: updated_at.to_owned(),
        }
    }
}

/// The body of `PUT /user_management/jwt_template`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct SetJwtTemplate {
    pub(crate) content: String,
}

/// The body of `POST /user_management/redirect_uris`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CreateRedirectUri {
    pub(crate) uri: String,
}

/// The body of `POST /user_management/cors_origins`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CreateCorsOrigin {
    pub(crate) origin: String,
}

/// The content of the template an environment starts with.
const DEFAULT_TEMPLATE: &str = "{}";

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

/// Whether `uri` may receive an authorization code: any URI while none is set (the emulator's
/// convenience), else one of them exactly, or one whose `*.` wildcard stands for one label.
pub(crate) fn redirect_allowed(store: &Store, uri: &str) -> bool {
    let set = &store.authkit.redirect_uris;
    set.is_empty()
        || set.iter().map(|r| r.uri.as_str()).any(|allowed| match allowed.split_once("*.") {
            None => allowed == uri,
            Some((scheme, rest)) => uri
                .strip_prefix(scheme)
                .and_then(|u| u.split_once('.'))
                .is_some_and(|(label, tail)| !label.is_empty() && !label.contains('/') && tail == rest),
        })
}

/// A redirect URI: an absolute `http(s)` URL without a fragment (a wildcard `*` may stand for
/// one subdomain label), or a native app's custom scheme; else a 422 naming `uri`.
fn check_redirect_uri(uri: &str) -> ApiResult<()> {
    non_empty("uri", uri)?;
    let parsed = reqwest::Url::parse(&uri.replacen("*.", "wildcard.", 1))
        .map_err(|e| ApiError::invalid_field("uri", "invalid", format!("'{uri}' is not a URL: {e}.")))?;
    if parsed.fragment().is_some() || (matches!(parsed.scheme(), "http" | "https") && parsed.host().is_none())
    {
        return Err(ApiError::invalid_field(
            "uri",
            "invalid",
            format!("'{uri}' is not a valid redirect URI."),
        ));
    }
    Ok(())
}

/// An origin, `scheme://host[:port]` and nothing more, as the browser writes it; else a 422
/// naming `origin`.
fn check_origin(given: &str) -> ApiResult<String> {
    non_empty("origin", given)?;
    let invalid = || {
        ApiError::invalid_field(
            "origin",
            "invalid",
            format!("'{given}' is not an origin (scheme://host[:port])."),
        )
    };
    let parsed = reqwest::Url::parse(given).map_err(|_| invalid())?;
    let bare = parsed.host().is_some()
        && parsed.path() == "/"
        && !given.ends_with('/')
        && parsed.query().is_none()
        && parsed.fragment().is_none()
        && parsed.username().is_empty();
    if !bare {
        return Err(invalid());
    }
    Ok(parsed.origin().ascii_serialization())
}

impl Store {
    /// `GET /user_management/jwt_template`: until one is set, the default (`{}`), dated now.
    pub(crate) fn jwt_template(&self) -> JwtTemplate {
        match &self.authkit.jwt_template {
            Some((content, created_at, updated_at)) => JwtTemplate::new(content, created_at, updated_at),
            None => {
                let at = now();
                JwtTemplate::new(DEFAULT_TEMPLATE, &at, &at)
            }
        }
    }

    /// `PUT /user_management/jwt_template`: a JSON object (its string values may hold
    /// `{{ user.email }}`-style placeholders), else a 422 naming where it fails to parse.
    /// Access tokens issued afterwards carry its claims (see [`apply_template`]).
    pub(crate) fn set_jwt_template(&mut self, template: SetJwtTemplate) -> ApiResult<JwtTemplate> {
        match serde_json::from_str::<Value>(&template.content) {
            Ok(Value::Object(_)) => {}
            Ok(_) => {
                return Err(ApiError::invalid_field("content", "invalid", "content must be a JSON object."));
            }
            Err(e) => {
                return Err(ApiError::invalid_field(
                    "content",
                    "invalid",
                    format!("content is not valid JSON: {e}."),
                ));
            }
        }
        let at = now();
        let created_at = self.authkit.jwt_template.as_ref().map_or_else(|| at.clone(), |(_, c, _)| c.clone());
        let answer = JwtTemplate::new(&template.content, &created_at, &at);
        self.authkit.jwt_template = Some((template.content, created_at, at));
        Ok(answer)
    }

    /// `POST /user_management/redirect_uris`: the first one is the default; one already added
    /// is a 400.
    pub(crate) fn create_redirect_uri(&mut self, new: CreateRedirectUri) -> ApiResult<RedirectUri> {
        check_redirect_uri(&new.uri)?;
        if self.authkit.redirect_uris.iter().any(|r| r.uri == new.uri) {
            return Err(ApiError::bad_request(
                "redirect_uri_already_exists",
                format!("'{}' is already a redirect URI.", new.uri),
            ));
        }
        let at = now();
        let record = RedirectUri {
            object: "redirect_uri",
            id: self.ids.next("redirect_uri"),
            uri: new.uri,
            default: self.authkit.redirect_uris.is_empty(),
            created_at: at.clone(),
            updated_at: at,
        };
        self.authkit.redirect_uris.push(record.clone());
        Ok(record)
    }

    /// `GET /user_management/redirect_uris`: a page, in creation order as every list.
    pub(crate) fn list_redirect_uris(&self, query: &Query) -> Value {
        query.page_sorted(&self.authkit.redirect_uris, |r| &r.id)
    }

    /// `DELETE /user_management/redirect_uris/{id}`: the default one stays while it is not the
    /// only one (409).
    pub(crate) fn delete_redirect_uri(&mut self, id: &str) -> ApiResult<RedirectUri> {
        let uris = &mut self.authkit.redirect_uris;
        if uris.get(id)?.default && uris.len() > 1 {
            return Err(ApiError::conflict(
                "default_redirect_uri",
                "Cannot delete the default redirect URI.",
            ));
        }
        uris.take(id)
    }

    /// `POST /user_management/cors_origins`: one already added is a 409.
    pub(crate) fn create_cors_origin(&mut self, new: CreateCorsOrigin) -> ApiResult<CorsOrigin> {
        let origin = check_origin(&new.origin)?;
        if self.authkit.cors_origins.iter().any(|o| o.origin == origin) {
            return Err(ApiError::conflict(
                "cors_origin_already_exists",
                format!("'{origin}' is already a CORS origin."),
            ));
        }
        let at = now();
        let record = CorsOrigin {
            object: "cors_origin",
            id: self.ids.next("cors_origin"),
            origin,
            created_at: at.clone(),
            updated_at: at,
        };
        self.authkit.cors_origins.push(record.clone());
        Ok(record)
    }

    /// `GET /user_management/cors_origins`: a page.
    pub(crate) fn list_cors_origins(&self, query: &Query) -> Value {
        query.page_sorted(&self.authkit.cors_origins, |o| &o.id)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn uri(u: &str) -> CreateRedirectUri {
        CreateRedirectUri { uri: u.into() }
    }

    #[test]
    fn redirect_uris_match_exactly_or_by_one_wildcard_label() {
        let mut store = Store::default();
        assert!(redirect_allowed(&store, "https://anything.test/cb"), "none set: any");
        for u in ["https://app.test/cb", "https://*.preview.test/cb"] {
            store.create_redirect_uri(uri(u)).expect("added");
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

    #[test]
    fn a_template_is_a_json_object_that_keeps_its_creation_date() {
        let mut store = Store::default();
        assert_eq!(store.jwt_template().content, DEFAULT_TEMPLATE);
        for bad in ["[1]", "{not json"] {
            let e = store.set_jwt_template(SetJwtTemplate { content: bad.into() }).unwrap_err();
            assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "content"), "{bad}");
        }
        let first = store.set_jwt_template(SetJwtTemplate { content: "{}".into() }).expect("set");
        let second = store.set_jwt_template(SetJwtTemplate { content: r#"{"a": 1}"#.into() }).expect("set");
        assert_eq!((second.created_at, second.content.as_str()), (first.created_at, r#"{"a": 1}"#));
        assert_eq!(store.jwt_template().content, r#"{"a": 1}"#);
    }

    #[test]
    fn redirect_uris_are_urls_added_once_and_the_default_goes_last() {
        let mut store = Store::default();
        for bad in ["", "not a url", "https://app.test/cb#frag", "https://"] {
            assert_eq!(store.create_redirect_uri(uri(bad)).unwrap_err().status.as_u16(), 422, "{bad}");
        }
        let first = store.create_redirect_uri(uri("https://app.test/cb")).expect("added");
        let second = store.create_redirect_uri(uri("myapp://callback")).expect("a native app's");
        assert!(first.default && !second.default);
        let e = store.create_redirect_uri(uri("https://app.test/cb")).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (400, Some("redirect_uri_already_exists")));
        let e = store.delete_redirect_uri(&first.id).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (409, Some("default_redirect_uri")));
        assert_eq!(
            store.delete_redirect_uri("redirect_uri_x").unwrap_err().message,
            "Redirect URI not found: 'redirect_uri_x'."
        );
        store.delete_redirect_uri(&second.id).expect("deleted");
        store.delete_redirect_uri(&first.id).expect("the only one left");
        assert!(store.authkit.redirect_uris.is_empty());
    }

    #[test]
    fn cors_origins_are_bare_origins_added_once() {
        let mut store = Store::default();
        let origin = |o: &str| CreateCorsOrigin { origin: o.into() };
        for bad in ["", "app.test", "https://app.test/", "https://app.test/path", "https://u@app.test"] {
            assert_eq!(store.create_cors_origin(origin(bad)).unwrap_err().status.as_u16(), 422, "{bad}");
        }
        let added = store.create_cors_origin(origin("https://App.test:8443")).expect("added");
        assert_eq!(added.origin, "https://app.test:8443");
        let e = store.create_cors_origin(origin("https://app.test:8443")).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (409, Some("cors_origin_already_exists")));
        let page = store.list_cors_origins(&Query::parse(None).expect("query"));
        assert_eq!(page["data"][0]["id"], added.id.as_str());
    }
}
