//! Response rewrites: progenitor accepts one success type and one error type per operation.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::pass::Ctx;
use super::schema_keywords::append_description;
use crate::error::Result;
use crate::openapi::{canonical, for_each_operation};

/// Name of the shared WorkOS error-body schema (from `workos-spec/overlay-schemas.yaml`).
pub const ERROR_BODY: &str = "ErrorBody";

/// Every 4xx/5xx response (and `default`) becomes the shared `ErrorBody`, through the ranges
/// `4XX` and `5XX`, so statuses the document does not declare (401, 403, 429, 5xx) decode too.
/// The statuses and error codes the document declared are kept in the operation's description.
pub(super) fn unify_errors(doc: &mut Value, ctx: &mut Ctx<'_>) -> Result<usize> {
    let schemas = doc
        .as_object_mut()
        .and_then(|d| d.entry("components").or_insert_with(|| json!({})).as_object_mut())
        .and_then(|c| c.entry("schemas").or_insert_with(|| json!({})).as_object_mut());
    if let Some(schemas) = schemas {
        for (name, schema) in ctx.schemas {
            match schemas.get(name) {
                // The document has it too, in the same shape: the document's copy stays.
                Some(existing) if canonical(existing) == canonical(schema) => {}
                Some(_) => {
                    return Err(ctx.error(
                        &format!("/components/schemas/{name}"),
                        format!(
                            "the document defines its own {name} in another shape; rename the overlay schema"
                        ),
                    ));
                }
                None => {
                    schemas.insert(name.clone(), schema.clone());
                }
            }
        }
    }
    let snapshot = doc.clone();
    let mut count = 0;
    for_each_operation(doc, &mut |_, _, _, op| {
        let Some(Value::Object(responses)) = op.get_mut("responses") else { return Ok(()) };
        let mut documented = Vec::new();
        let keys: Vec<String> = responses.keys().cloned().collect();
        for code in keys {
            if !(code.starts_with('4') || code.starts_with('5') || code == "default") {
                continue;
            }
            let response = responses.shift_remove(&code).unwrap_or(Value::Null);
            count += 1;
            let mut codes = BTreeSet::new();
            collect_error_codes(&snapshot, &response, &mut codes);
            documented.push(if codes.is_empty() {
                code
            } else {
                let list: Vec<String> = codes.into_iter().map(|c| format!("`{c}`")).collect();
                format!("{code} ({})", list.join(", "))
            });
        }
        for range in ["4XX", "5XX"] {
            responses.insert(
                range.into(),
                json!({
                    "description": "WorkOS error",
                    "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{ERROR_BODY}")}}}
                }),
            );
        }
        if !documented.is_empty() {
            let text = format!("Documented error responses: {}.", documented.join("; "));
            append_description(op, &text);
        }
        Ok(())
    })?;
    Ok(count)
}

/// The `code`/`error` constants an error body declares (after `const_to_enum`).
fn collect_error_codes(doc: &Value, value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(target) = map.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#'))
                && let Some(t) = doc.pointer(target)
            {
                collect_error_codes(doc, t, out);
            }
            if let Some(Value::Object(props)) = map.get("properties") {
                for key in ["code", "error"] {
                    if let Some(Value::Array(values)) = props.get(key).and_then(|p| p.get("enum")) {
                        out.extend(values.iter().filter_map(Value::as_str).map(str::to_owned));
                    }
                }
            }
            for (k, v) in map {
                if k != "properties" && k != "$ref" {
                    collect_error_codes(doc, v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_error_codes(doc, v, out)),
        _ => {}
    }
}

/// 2xx responses of different kinds. Several JSON bodies become one `anyOf` shared by all of
/// them. A body-less 2xx beside a JSON one makes the JSON schema nullable (the method returns
/// `Option<T>`); the body-less statuses are recorded, and a post-pass adds them to the method as
/// arms that return `None`.
pub(super) fn unify_success(doc: &mut Value, ctx: &mut Ctx<'_>) -> Result<usize> {
    let mut count = 0;
    let mut empty = Vec::new();
    for_each_operation(doc, &mut |_, method, path, op| {
        let name = op.get("operationId").and_then(Value::as_str).unwrap_or_default().to_owned();
        let Some(Value::Object(responses)) = op.get_mut("responses") else { return Ok(()) };
        let success: Vec<String> = responses.keys().filter(|c| c.starts_with('2')).cloned().collect();
        let json_schema = |r: &Value| r.pointer("/content/application~1json/schema").cloned();
        let schemas: Vec<(String, Value)> =
            success.iter().filter_map(|c| json_schema(&responses[c]).map(|s| (c.clone(), s))).collect();
        if schemas.is_empty() || schemas.len() == success.len() && all_equal(&schemas) {
            return Ok(());
        }
        count += 1;
        let mut unified = if all_equal(&schemas) {
            schemas[0].1.clone()
        } else {
            json!({ "anyOf": schemas.iter().map(|(_, s)| s.clone()).collect::<Vec<_>>() })
        };
        let bodiless: Vec<u16> = success
            .iter()
            .filter(|c| json_schema(&responses[c.as_str()]).is_none())
            .filter_map(|c| c.parse().ok())
            .collect();
        if !bodiless.is_empty() {
            unified = nullable(unified);
            for code in &bodiless {
                responses.shift_remove(&code.to_string());
            }
            let codes: Vec<String> = bodiless.iter().map(u16::to_string).collect();
            ctx.out.notes.push(format!(
                "{} {path}: status {} has no body; `{name}` returns `None` for it",
                method.to_uppercase(),
                codes.join(", ")
            ));
            empty.push((name.clone(), bodiless));
        }
        for (_, response) in responses.iter_mut().filter(|(c, _)| c.starts_with('2')) {
            if let Some(response) = response.as_object_mut() {
                set_json_schema(response, unified.clone());
            }
        }
        Ok(())
    })?;
    ctx.out.empty_success.extend(empty);
    Ok(count)
}

/// The schema, admitting `null` too (a reference is wrapped in `allOf`, the 3.0 way).
fn nullable(schema: Value) -> Value {
    match schema {
        Value::Object(mut map) if !map.contains_key("$ref") => {
            map.insert("nullable".into(), json!(true));
            Value::Object(map)
        }
        other => json!({ "allOf": [other], "nullable": true }),
    }
}

fn all_equal(schemas: &[(String, Value)]) -> bool {
    schemas.windows(2).all(|w| w[0].1 == w[1].1)
}

fn set_json_schema(response: &mut Map<String, Value>, schema: Value) {
    response.insert("content".into(), json!({ "application/json": { "schema": schema } }));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::pass::fixture;

    #[test]
    fn errors_become_shared_ranges() {
        let doc = fixture::operation(json!({
            "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}},
            "404": {"description": "nf", "content": {"application/json": {"schema": {"type": "object",
                "properties": {"code": {"type": "string", "enum": ["thing_missing"]}}}}}},
            "422": {"description": "bad"}
        }));
        let out = fixture::run_pass(unify_errors, doc);
        let op = out.pointer("/paths/~1things~1{id}/get").unwrap();
        let codes: Vec<&String> = op["responses"].as_object().unwrap().keys().collect();
        assert_eq!(codes, ["200", "4XX", "5XX"]);
        assert_eq!(
            op["responses"]["5XX"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody"
        );
        assert_eq!(op["description"], "Documented error responses: 404 (`thing_missing`); 422.");
        assert!(out.pointer("/components/schemas/ErrorBody").is_some());
    }

    #[test]
    fn bodiless_success_beside_json_makes_the_body_optional() {
        let doc = fixture::operation(json!({
            "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}},
            "204": {"description": "none"}
        }));
        let mut ctx = fixture::ctx();
        let mut doc = doc;
        assert_eq!(unify_success(&mut doc, &mut ctx).unwrap(), 1);
        let responses = doc.pointer("/paths/~1things~1{id}/get/responses").unwrap();
        assert_eq!(responses.as_object().unwrap().keys().collect::<Vec<_>>(), ["200"]);
        assert_eq!(
            responses["200"]["content"]["application/json"]["schema"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(ctx.out.empty_success, [("Things_get".to_owned(), vec![204])]);
        assert!(ctx.out.notes[0].contains("GET /things/{id}: status 204 has no body"), "{:?}", ctx.out.notes);
    }
}
