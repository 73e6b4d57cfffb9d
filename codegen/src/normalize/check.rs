//! Up-front validation: everything that would make `openapiv3`, progenitor or typify fail or
//! panic is reported here, with a JSON pointer, before any of them runs.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::pass::Ctx;
use crate::error::Result;
use crate::openapi::{HTTP_METHODS, escape_token, for_each_operation, resolve};

/// Media types progenitor can send as a request body.
const BODY_MEDIA_TYPES: &[&str] =
    &["application/json", "application/x-www-form-urlencoded", "application/octet-stream", "text/plain"];

/// Structure, versions, operation ids, references and parameters.
pub(super) fn check_document(doc: &mut Value, ctx: &mut Ctx<'_>) -> Result<usize> {
    let Some(root) = doc.as_object() else {
        return Err(ctx.error("", "the document is not a mapping"));
    };
    match root.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.1.") || v.starts_with("3.0.") => {}
        Some(v) => {
            return Err(ctx.error("/openapi", format!("unsupported OpenAPI version {v:?} (3.0.x or 3.1.x)")));
        }
        None => return Err(ctx.error("/openapi", "missing `openapi` version field")),
    }
    let Some(paths) = root.get("paths").and_then(Value::as_object) else {
        return Err(ctx.error("/paths", "missing or invalid `paths` (a mapping of path templates)"));
    };
    if let Some(schemas) = doc.pointer("/components/schemas")
        && !schemas.is_object()
    {
        return Err(ctx.error("/components/schemas", "must be a mapping of schema names"));
    }
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut count = 0;
    for (path, item) in paths {
        let item_ptr = format!("/paths/{}", escape_token(path));
        if !path.starts_with('/') {
            return Err(ctx.error(&item_ptr, "a path must start with `/`"));
        }
        let Some(item) = item.as_object() else {
            return Err(ctx.error(&item_ptr, "a path item must be a mapping"));
        };
        if item.contains_key("$ref") {
            return Err(ctx.error(&item_ptr, "path item references are not supported"));
        }
        let template: BTreeSet<&str> =
            path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
        for (method, op) in item.iter().filter(|(m, _)| HTTP_METHODS.contains(&m.as_str())) {
            count += 1;
            let ptr = format!("{item_ptr}/{method}");
            let Some(op) = op.as_object() else {
                return Err(ctx.error(&ptr, "an operation must be a mapping"));
            };
            let id = match op.get("operationId") {
                Some(Value::String(id)) if !id.is_empty() => id,
                _ => return Err(ctx.error(&format!("{ptr}/operationId"), "missing operationId")),
            };
            if let Some(first) = ids.insert(id.clone(), ptr.clone()) {
                return Err(ctx.error(
                    &format!("{ptr}/operationId"),
                    format!("duplicate operationId {id:?} (also at {first})"),
                ));
            }
            let declared = check_parameters(doc, ctx, [(item, item_ptr.as_str()), (op, ptr.as_str())])?;
            for name in &template {
                if !declared.contains(*name) {
                    return Err(ctx.error(&ptr, format!("path parameter {{{name}}} is not declared")));
                }
            }
            if let Some(extra) = declared.iter().find(|d| !template.contains(d.as_str())) {
                return Err(ctx.error(&ptr, format!("path parameter {extra:?} is not in the path template")));
            }
            check_body_and_responses(doc, ctx, op, &ptr)?;
        }
    }
    check_refs(doc, "", doc, ctx)?;
    check_schema_shapes(doc, ctx)?;
    Ok(count)
}

/// The `parameters` lists of a path item and of its operation (each with its pointer): every
/// parameter named, in the path, query or a header, with a schema. Returns the names of the
/// path parameters.
fn check_parameters(
    doc: &Value,
    ctx: &Ctx<'_>,
    holders: [(&serde_json::Map<String, Value>, &str); 2],
) -> Result<BTreeSet<String>> {
    let mut declared = BTreeSet::new();
    for (holder, holder_ptr) in holders {
        let Some(list) = holder.get("parameters") else { continue };
        let base = format!("{holder_ptr}/parameters");
        let Some(list) = list.as_array() else {
            return Err(ctx.error(&base, "parameters must be a list"));
        };
        for (i, p) in list.iter().enumerate() {
            let p_ptr = format!("{base}/{i}");
            let p = resolve(doc, p);
            let name = p.get("name").and_then(Value::as_str);
            let location = p.get("in").and_then(Value::as_str);
            match (name, location) {
                (Some(n), Some("path")) => {
                    declared.insert(n.to_owned());
                }
                (Some(_), Some("query" | "header")) => {}
                (Some(_), Some(other)) => {
                    return Err(
                        ctx.error(&format!("{p_ptr}/in"), format!("{other} parameters are not supported"))
                    );
                }
                _ => return Err(ctx.error(&p_ptr, "a parameter needs `name` and `in`")),
            }
            if p.get("schema").is_none() && p.get("content").is_none() {
                return Err(ctx.error(&p_ptr, "a parameter needs a `schema`"));
            }
        }
    }
    Ok(declared)
}

/// An operation's request body (content of a media type progenitor sends) and its responses
/// (valid statuses, a schema for a JSON body).
fn check_body_and_responses(
    doc: &Value,
    ctx: &Ctx<'_>,
    op: &serde_json::Map<String, Value>,
    ptr: &str,
) -> Result<()> {
    if let Some(body) = op.get("requestBody") {
        let body = resolve(doc, body);
        let content = body.get("content").and_then(Value::as_object);
        let Some(content) = content.filter(|c| !c.is_empty()) else {
            return Err(ctx.error(&format!("{ptr}/requestBody"), "a request body needs `content`"));
        };
        if !content.keys().any(|k| BODY_MEDIA_TYPES.contains(&k.as_str())) {
            let kinds: Vec<&String> = content.keys().collect();
            return Err(ctx.error(
                &format!("{ptr}/requestBody/content"),
                format!("unsupported request media types {kinds:?}"),
            ));
        }
        no_encoding(content, &format!("{ptr}/requestBody/content"), ctx)?;
    }
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return Err(ctx.error(&format!("{ptr}/responses"), "missing `responses`"));
    };
    for (code, response) in responses {
        let r_ptr = format!("{ptr}/responses/{}", escape_token(code));
        if code != "default" && !valid_status(code) {
            return Err(ctx.error(&r_ptr, format!("invalid status code {code:?}")));
        }
        let response = resolve(doc, response);
        if let Some(content) = response.get("content").and_then(Value::as_object) {
            no_encoding(content, &format!("{r_ptr}/content"), ctx)?;
            for (media, mt) in content {
                if media.starts_with("application/json") && mt.get("schema").is_none() {
                    return Err(ctx.error(
                        &format!("{r_ptr}/content/{}", escape_token(media)),
                        "a JSON response needs a `schema`",
                    ));
                }
            }
        }
    }
    Ok(())
}

/// progenitor panics on a media type with an `encoding` object.
fn no_encoding(content: &serde_json::Map<String, Value>, ptr: &str, ctx: &Ctx<'_>) -> Result<()> {
    for (media, mt) in content {
        if mt.get("encoding").and_then(Value::as_object).is_some_and(|e| !e.is_empty()) {
            return Err(ctx.error(
                &format!("{ptr}/{}/encoding", escape_token(media)),
                "media type `encoding` is not supported",
            ));
        }
    }
    Ok(())
}

/// A request body offering several media types keeps the one the client sends best
/// (JSON, then form, then bytes, then text); progenitor accepts exactly one.
pub(super) fn single_request_media_type(doc: &mut Value, _: &mut Ctx<'_>) -> Result<usize> {
    let mut count = 0;
    for_each_operation::<crate::error::Error>(doc, &mut |_, _, _, op| {
        let Some(Value::Object(content)) = op.get_mut("requestBody").and_then(|b| b.get_mut("content"))
        else {
            return Ok(());
        };
        if content.len() < 2 {
            return Ok(());
        }
        let keep = BODY_MEDIA_TYPES.iter().find(|m| content.contains_key(**m)).map(|m| (*m).to_owned());
        if let Some(keep) = keep {
            content.retain(|k, _| *k == keep);
            count += 1;
        }
        Ok(())
    })?;
    Ok(count)
}

fn valid_status(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 3
        && (b'1'..=b'5').contains(&b[0])
        && ((b[1].is_ascii_digit() && b[2].is_ascii_digit()) || code[1..].eq_ignore_ascii_case("xx"))
}

fn check_refs(doc: &Value, ptr: &str, value: &Value, ctx: &Ctx<'_>) -> Result<()> {
    match value {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref") {
                let r_ptr = format!("{ptr}/$ref");
                let Some(target) = r.as_str() else {
                    return Err(ctx.error(&r_ptr, "`$ref` must be a string"));
                };
                let Some(local) = target.strip_prefix('#') else {
                    return Err(ctx.error(&r_ptr, format!("external reference {target:?} is not supported")));
                };
                if doc.pointer(local).is_none() {
                    return Err(ctx.error(&r_ptr, format!("dangling reference {target:?}")));
                }
            }
            for (k, v) in map {
                check_refs(doc, &format!("{ptr}/{}", escape_token(k)), v, ctx)?;
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_refs(doc, &format!("{ptr}/{i}"), v, ctx)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Keyword values of the wrong JSON type, which `openapiv3` would reject without a location.
fn check_schema_shapes(doc: &mut Value, ctx: &Ctx<'_>) -> Result<()> {
    const TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object", "null"];
    super::walk::for_each_schema(doc, &mut |schema, ptr| {
        let at = |k: &str| format!("{ptr}/{k}");
        if let Some(t) = schema.get("type") {
            let ok = match t {
                Value::String(s) => TYPES.contains(&s.as_str()),
                Value::Array(list) => list.iter().all(|v| v.as_str().is_some_and(|s| TYPES.contains(&s))),
                _ => false,
            };
            if !ok {
                return Err(ctx.error(&at("type"), format!("invalid type {t}")));
            }
        }
        for (key, want_object) in [("properties", true), ("required", false), ("enum", false)] {
            if let Some(v) = schema.get(key)
                && ((want_object && !v.is_object()) || (!want_object && !v.is_array()))
            {
                return Err(ctx.error(&at(key), format!("`{key}` has the wrong shape: {v}")));
            }
        }
        if let Some(Value::Array(req)) = schema.get("required")
            && req.iter().any(|r| !r.is_string())
        {
            return Err(ctx.error(&at("required"), "`required` must list property names"));
        }
        if schema.get("enum").is_some_and(|e| e.as_array().is_some_and(Vec::is_empty)) {
            return Err(ctx.error(&at("enum"), "an empty `enum` admits no value"));
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            match schema.get(key) {
                Some(Value::Array(list)) if !list.is_empty() => {}
                Some(_) => return Err(ctx.error(&at(key), format!("`{key}` must be a non-empty list"))),
                None => {}
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::pass::fixture;

    #[test]
    fn request_body_keeps_json_among_media_types() {
        let doc = json!({"openapi": "3.1.1", "paths": {"/a": {"post": {"operationId": "a",
            "requestBody": {"content": {"text/plain": {"schema": {"type": "string"}},
                                        "application/json": {"schema": {"type": "object"}}}},
            "responses": {}}}}});
        let out = fixture::run_pass(single_request_media_type, doc);
        let content = out.pointer("/paths/~1a/post/requestBody/content").unwrap().as_object().unwrap();
        assert_eq!(content.keys().collect::<Vec<_>>(), ["application/json"]);
    }
}
