//! Error responses in the WorkOS shape: `{"code", "message", "errors": [{"field", "code", "message"}]}`.

use http::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FieldError {
    pub(crate) field: String,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    /// The JSON pointer of the invalid part, where the document's error shape has one
    /// (audit log events).
    #[serde(rename = "instancePath", skip_serializing_if = "Option::is_none")]
    pub(crate) instance_path: Option<String>,
}

/// An error answer. `code` is omitted where the document's schema for the status has none.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: Option<&'static str>,
    pub(crate) message: String,
    pub(crate) errors: Vec<FieldError>,
    /// Answered in OAuth's shape (`error`, `error_description`), as `authenticate` does.
    pub(crate) oauth: bool,
}

#[derive(Serialize)]
struct Body<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
    message: &'a str,
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    errors: &'a [FieldError],
}

impl ApiError {
    /// The answer's JSON body: WorkOS's `{code, message, errors}`, or OAuth's
    /// `{error, error_description}` where [`Self::oauth`] is set.
    pub(crate) fn body(&self) -> serde_json::Value {
        if self.oauth {
            return serde_json::json!({ "error": self.code, "error_description": self.message });
        }
        serde_json::to_value(Body { code: self.code, message: &self.message, errors: &self.errors })
            .expect("an error body is plain JSON")
    }

    fn new(status: StatusCode, code: Option<&'static str>, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), errors: Vec::new(), oauth: false }
    }

    /// 401: the bearer key is missing or wrong.
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, None, message)
    }

    /// 404 for a record of `kind` (e.g. "Organization") that does not exist.
    pub(crate) fn not_found(kind: &str, key: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, Some("entity_not_found"), format!("{kind} not found: '{key}'."))
    }

    /// 409 with one of the document's conflict codes.
    pub(crate) fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, Some(code), message)
    }

    /// 400 with one of the document's codes.
    pub(crate) fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(code), message)
    }

    /// 422 with a specific code (e.g. `invalid_role`).
    pub(crate) fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, Some(code), message)
    }

    /// 422 `invalid_request_parameters` naming one field.
    pub(crate) fn invalid_field(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            errors: vec![FieldError {
                field: field.to_owned(),
                code,
                message: message.clone(),
                instance_path: None,
            }],
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_request_parameters"), message)
        }
    }

    /// 500: the emulator itself failed (its signing key, say); names what.
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, Some("emulator_error"), message)
    }

    /// 400 in OAuth's shape: `{"error": error, "error_description": message}`.
    pub(crate) fn oauth(error: &'static str, message: impl Into<String>) -> Self {
        Self { oauth: true, ..Self::new(StatusCode::BAD_REQUEST, Some(error), message) }
    }

    /// Any status with a code and message (fault injection).
    pub(crate) fn with_status(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self::new(status, Some(code), message)
    }
}

/// Result of a handler.
pub(crate) type ApiResult<T> = Result<T, ApiError>;

/// Parses a JSON request body into `T` where the document answers a malformed request with a
/// 400 (its 422 there means something else): [`parse_body`]'s error, as a 400.
pub(crate) fn parse_body_400<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    parse_body(bytes).map_err(|mut e| {
        e.status = StatusCode::BAD_REQUEST;
        e
    })
}

/// A phone number in E.164 (`+15555550100`), or a 422 naming `field`.
pub(crate) fn phone_number(field: &str, value: &str) -> ApiResult<()> {
    let digits = value.strip_prefix('+').unwrap_or_default();
    if (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    Err(ApiError::invalid_field(
        field,
        "invalid_phone_number",
        format!("'{value}' is not a phone number in E.164 format (+15555550100)."),
    ))
}

/// Parses a JSON request body into `T`. A missing, malformed or mistyped field becomes a 422
/// naming the field (JSON path) and what was wrong with it.
pub(crate) fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}".as_slice() } else { bytes };
    // serde reads a struct from a JSON array too (`["slug", "Name"]`); WorkOS wants an object.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::invalid_field(
            "body",
            "invalid_json",
            "The request body must be a JSON object.",
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let text = inner.to_string();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::invalid_field(
                "body",
                "invalid_json",
                format!("The request body is not valid JSON: {text}."),
            );
        }
        // serde reports a missing field at its parent's path with the name in the message.
        if let Some(name) = text.strip_prefix("missing field `").and_then(|t| t.split('`').next()) {
            let field = if path == "." { name.to_owned() } else { format!("{path}.{name}") };
            return ApiError::invalid_field(&field, "required", format!("{field} is required."));
        }
        let field = if path == "." { "body".to_owned() } else { path };
        let text = text.split(" at line ").next().unwrap_or(&text).to_owned();
        ApiError::invalid_field(&field, "invalid", format!("{field}: {text}."))
    })?;
    // Anything after the object but whitespace ("{...} garbage") is not JSON.
    de.end().map_err(|e| {
        ApiError::invalid_field("body", "invalid_json", format!("The request body is not valid JSON: {e}."))
    })?;
    // A NUL character (`\u0000`) is valid JSON but no valid value of any WorkOS field.
    if bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"))
        && let Ok(tree) = serde_json::from_slice::<serde_json::Value>(bytes)
        && let Some(field) = nul_in(&tree, String::new())
    {
        return Err(ApiError::invalid_field(
            &field,
            "invalid",
            format!("{field} must not contain a NUL character."),
        ));
    }
    Ok(value)
}

/// The path of the first string (value or key) holding a NUL character.
fn nul_in(v: &serde_json::Value, path: String) -> Option<String> {
    let at = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    match v {
        serde_json::Value::String(s) if s.contains('\0') => {
            Some(if path.is_empty() { "body".to_owned() } else { path })
        }
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| nul_in(x, format!("{}[{i}]", if path.is_empty() { "body" } else { &path }))),
        serde_json::Value::Object(map) => {
            map.iter().find_map(|(k, x)| if k.contains('\0') { Some(at(k)) } else { nul_in(x, at(k)) })
        }
        _ => None,
    }
}

/// 422 unless `value` has at most `max` characters (the document's `maxLength`).
pub(crate) fn max_len(field: &str, value: Option<&str>, max: usize) -> ApiResult<()> {
    match value {
        Some(v) if v.chars().count() > max => Err(ApiError::invalid_field(
            field,
            "too_long",
            format!("{field} must be at most {max} characters."),
        )),
        _ => Ok(()),
    }
}

/// 422 when a required string is empty.
pub(crate) fn non_empty(field: &str, value: &str) -> ApiResult<()> {
    if value.trim().is_empty() {
        return Err(ApiError::invalid_field(field, "required", format!("{field} must not be empty.")));
    }
    Ok(())
}

/// Deserializes a field that distinguishes "absent" (`None`) from "null" (`Some(None)`).
pub(crate) fn double_option<'de, D, T>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(de).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Dto {
        slug: String,
        limit: Option<u32>,
    }

    #[test]
    fn body_errors_name_the_field() {
        let e = parse_body::<Dto>(br#"{"limit": 3}"#).unwrap_err();
        assert_eq!(
            (e.status.as_u16(), e.errors[0].field.as_str(), e.errors[0].code),
            (422, "slug", "required")
        );
        let e = parse_body::<Dto>(br#"{"slug": 1}"#).unwrap_err();
        assert_eq!(e.errors[0].field, "slug");
        assert!(e.message.contains("invalid type"), "{}", e.message);
        let e = parse_body::<Dto>(b"{not json").unwrap_err();
        assert_eq!(e.errors[0].code, "invalid_json");
        let e = parse_body::<Dto>(b"").unwrap_err();
        assert_eq!(e.errors[0].field, "slug");
        let ok = parse_body::<Dto>(br#"{"slug": "a", "limit": 3}"#).expect("valid");
        assert_eq!((ok.slug.as_str(), ok.limit), ("a", Some(3)));
    }

    #[test]
    fn only_one_json_object_is_a_body() {
        // An array would fill the struct's fields in order; trailing text is not JSON.
        let e = parse_body::<Dto>(br#"["docs:read", 3]"#).unwrap_err();
        assert_eq!((e.status.as_u16(), e.errors[0].code), (422, "invalid_json"));
        assert!(e.message.contains("JSON object"), "{}", e.message);
        let e = parse_body::<Dto>(br#"{"slug": "a"} {"slug": "b"}"#).unwrap_err();
        assert_eq!(e.errors[0].code, "invalid_json");
        let e = parse_body::<Dto>(br#"{"slug": "a"}garbage"#).unwrap_err();
        assert!(e.message.contains("trailing"), "{}", e.message);
        assert_eq!(parse_body::<Dto>(b" {\"slug\": \"a\"} \n").expect("whitespace around is fine").slug, "a");
        let e = parse_body::<Dto>(br#"{"slug": "a\u0000b"}"#).unwrap_err();
        assert_eq!((e.errors[0].field.as_str(), e.errors[0].code), ("slug", "invalid"));
        assert!(e.message.contains("NUL"), "{}", e.message);
        // An escaped backslash followed by "u0000" is just text.
        assert_eq!(parse_body::<Dto>(br#"{"slug": "a\\u0000"}"#).expect("no NUL").slug, "a\\u0000");
    }
}
