//! 3xx operations (SSO authorize/logout) are browser redirects: a client does not call them,
//! it builds their URL. They are taken out of progenitor's input and emitted as URL builders.

use serde_json::Value;

use super::{Ctx, for_each_operation};
use crate::error::Result;

/// One redirect operation, as the URL-builder emitter needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Redirect {
    /// Method name (already derived), e.g. `get_sso_authorize`.
    pub name: String,
    /// HTTP method, lower case.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Summary and description, for docs.
    pub doc: String,
    /// Path and query parameters.
    pub params: Vec<RedirectParam>,
}

/// A parameter of a redirect operation.
#[derive(Debug, Clone, PartialEq)]
pub struct RedirectParam {
    /// Wire name.
    pub name: String,
    /// `path` or `query`.
    pub location: String,
    /// Whether the document requires it.
    pub required: bool,
    /// JSON type: `string`, `integer`, `number`, `boolean`, `array` (of strings) or `object`
    /// (string values).
    pub kind: String,
    /// OpenAPI `explode` (default `true` for query parameters): an array is sent as repeated
    /// `name=v` pairs, or else as one comma-separated `name=v1,v2`.
    pub explode: bool,
    /// Description and allowed values, for docs.
    pub doc: String,
    /// The one value a string parameter can take (`const`, or an `enum` of one), which the
    /// parameters' constructor fills in.
    pub fixed: Option<String>,
}

/// Removes every operation that declares a 3xx response, recording it. (WorkOS documents these
/// with a `200` too, whose body is the URL its SDKs build locally: a URL builder replaces both.)
pub(super) fn extract_redirects(doc: &mut Value, ctx: &mut Ctx<'_>) -> Result<usize> {
    let snapshot = doc.clone();
    let mut found = Vec::new();
    for_each_operation(doc, &mut |ptr, method, path, op| {
        let Some(responses) = op.get("responses").and_then(Value::as_object) else { return Ok(()) };
        if responses.keys().any(|c| c.starts_with('3')) {
            found.push((ptr.to_owned(), method.to_owned(), path.to_owned(), op.clone()));
        }
        Ok(())
    })?;
    for (ptr, method, path, op) in &found {
        let mut params = Vec::new();
        let lists = snapshot
            .pointer(&ptr[..ptr.rfind('/').unwrap_or(0)])
            .and_then(|item| item.get("parameters"))
            .into_iter()
            .chain(op.get("parameters"));
        for list in lists {
            for p in list.as_array().into_iter().flatten() {
                let p = super::resolve(&snapshot, p);
                let location = p["in"].as_str().unwrap_or("query").to_owned();
                if location == "header" {
                    continue;
                }
                let schema = &p["schema"];
                let kind = schema["type"].as_str().unwrap_or("string");
                let mut doc = p["description"].as_str().unwrap_or_default().to_owned();
                let values = schema.get("enum").or_else(|| schema.pointer("/items/enum"));
                if let Some(Value::Array(values)) = values {
                    let list: Vec<String> =
                        values.iter().map(|v| format!("`{}`", v.as_str().unwrap_or_default())).collect();
                    doc = format!("{doc}\n\nOne of: {}.", list.join(", ")).trim().to_owned();
                }
                let fixed = match (schema.get("const"), values) {
                    (Some(Value::String(one)), _) => Some(one.clone()),
                    (None, Some(Value::Array(values))) if kind == "string" && values.len() == 1 => {
                        values[0].as_str().map(str::to_owned)
                    }
                    _ => None,
                };
                params.push(RedirectParam {
                    fixed,
                    explode: p["explode"].as_bool().unwrap_or(true),
                    name: p["name"].as_str().unwrap_or_default().to_owned(),
                    required: location == "path" || p["required"].as_bool().unwrap_or(false),
                    location,
                    kind: kind.to_owned(),
                    doc,
                });
            }
        }
        let summary = op.get("summary").and_then(Value::as_str).unwrap_or_default();
        let description = op.get("description").and_then(Value::as_str).unwrap_or_default();
        ctx.out.redirects.push(Redirect {
            name: op.get("operationId").and_then(Value::as_str).unwrap_or_default().to_owned(),
            method: method.clone(),
            path: path.clone(),
            doc: format!("{summary}\n\n{description}").trim().to_owned(),
            params,
        });
        let item_ptr = &ptr[..ptr.rfind('/').unwrap_or(0)];
        if let Some(Value::Object(item)) = doc.pointer_mut(item_ptr) {
            item.shift_remove(method.as_str());
        }
    }
    // Drop path items left without operations.
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        paths.retain(|_, item| {
            item.as_object().is_some_and(|i| i.keys().any(|k| super::HTTP_METHODS.contains(&k.as_str())))
        });
    }
    Ok(found.len())
}
