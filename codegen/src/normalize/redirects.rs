//! 3xx operations (SSO authorize/logout) are browser redirects: a client does not call them,
//! it builds their URL. They are taken out of progenitor's input and emitted as URL builders.

use serde_json::Value;

use super::pass::{Ctx, Redirect, RedirectParam};
use crate::error::Result;
use crate::openapi::{HTTP_METHODS, for_each_operation, resolve};

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
                let p = resolve(&snapshot, p);
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
            item.as_object().is_some_and(|i| i.keys().any(|k| HTTP_METHODS.contains(&k.as_str())))
        });
    }
    Ok(found.len())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::pass::fixture;

    #[test]
    fn redirect_operation_becomes_url_builder_input() {
        let doc = json!({"openapi": "3.1.1", "paths": {"/sso/authorize": {"get": {
            "operationId": "get_sso_authorize", "summary": "Initiate SSO",
            "parameters": [{"name": "client_id", "in": "query", "required": true, "schema": {"type": "string"}},
                           {"name": "state", "in": "query", "schema": {"type": "string"}}],
            "responses": {"302": {"description": "redirect"}}
        }}}});
        let mut ctx = fixture::ctx();
        let mut doc = doc;
        assert_eq!(extract_redirects(&mut doc, &mut ctx).unwrap(), 1);
        assert_eq!(doc["paths"], json!({}));
        let r = &ctx.out.redirects[0];
        assert_eq!(
            (r.name.as_str(), r.params.len(), r.params[0].required, r.params[1].required),
            ("get_sso_authorize", 2, true, false)
        );
    }
}
