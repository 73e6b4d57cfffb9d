//! The emulator's fill table, `emulator/src/emitted/fill.json`: for every operation and success status, the response fields
//! the document requires, each with a value taken from the document (its `const`, `default`,
//! `null` when nullable, `[]` for a list, else its `example` or first `enum` value). The emulator
//! adds the ones its model does not produce, so a field WorkOS starts requiring is served (and
//! reported as "served from the document, not modelled") instead of failing every test.

use serde_json::{Map, Value, json};

use crate::openapi::{operation_key, operations_of, resolve};

/// Where the table goes, relative to the emulator crate.
pub const PATH: &str = "src/emitted/fill.json";

/// How deep the table follows nested objects and lists.
const MAX_DEPTH: usize = 8;

/// `{"POST /users/{id}": {"201": NODE}}`, keyed by method and the document's path template (which
/// the emulator's routes spell the same way), where NODE is `{"required": {name: value},
/// "properties": {name: NODE}, "items": NODE}` (empty parts left out).
pub fn table(doc: &Value) -> Value {
    let mut out = Map::new();
    for (method, path, _, op) in operations_of(doc) {
        let mut statuses = Map::new();
        for (status, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
            if !status.starts_with('2') {
                continue;
            }
            let schema = resolve(doc, response)
                .get("content")
                .and_then(Value::as_object)
                .and_then(|c| c.iter().find(|(media, _)| media.contains("json")))
                .and_then(|(_, m)| m.get("schema"));
            if let Some(node) = schema.and_then(|s| node(doc, s, 0)) {
                statuses.insert(status.clone(), node);
            }
        }
        if !statuses.is_empty() {
            out.insert(operation_key(method, path), Value::Object(statuses));
        }
    }
    Value::Object(out)
}

/// Properties and required names of an object schema, through `$ref` and `allOf`.
fn object_parts<'v>(
    doc: &'v Value,
    schema: &'v Value,
    props: &mut Map<String, Value>,
    required: &mut Vec<String>,
    depth: usize,
) {
    let schema = resolve(doc, schema);
    for (name, p) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
        props.entry(name.clone()).or_insert_with(|| p.clone());
    }
    required.extend(
        schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned),
    );
    if depth < MAX_DEPTH {
        for member in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            object_parts(doc, member, props, required, depth + 1);
        }
    }
}

fn node(doc: &Value, schema: &Value, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    let schema = resolve(doc, schema);
    if let Some(items) = schema.get("items") {
        return node(doc, items, depth + 1).map(|n| json!({ "items": n }));
    }
    // A nullable wrapper (`oneOf: [X, {type: null}]`): a value that is there is an X.
    if let Some(only) = single_non_null_branch(schema) {
        return node(doc, only, depth + 1);
    }
    let (mut props, mut required) = (Map::new(), Vec::new());
    object_parts(doc, schema, &mut props, &mut required, 0);
    if props.is_empty() {
        return None;
    }
    let mut fills = Map::new();
    let mut nested = Map::new();
    for (name, p) in &props {
        if required.contains(name)
            && let Some(value) = fill_value(doc, p)
        {
            fills.insert(name.clone(), value);
        }
        if let Some(n) = node(doc, p, depth + 1) {
            nested.insert(name.clone(), n);
        }
    }
    let mut out = Map::new();
    if !fills.is_empty() {
        out.insert("required".into(), Value::Object(fills));
    }
    if !nested.is_empty() {
        out.insert("properties".into(), Value::Object(nested));
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// The one branch of a `oneOf`/`anyOf` that is not `null`, when there is exactly one.
fn single_non_null_branch(schema: &Value) -> Option<&Value> {
    let branches = ["oneOf", "anyOf"].iter().find_map(|k| schema.get(*k).and_then(Value::as_array))?;
    let mut others = branches
        .iter()
        .filter(|b| b.get("type") != Some(&json!("null")) && b.get("const") != Some(&Value::Null));
    match (others.next(), others.next()) {
        (Some(only), None) if branches.len() > 1 => Some(only),
        _ => None,
    }
}

fn nullable(schema: &Value) -> bool {
    let null_type = match schema.get("type") {
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "null"),
        Some(t) => t == "null",
        None => false,
    };
    null_type
        || schema.get("nullable") == Some(&Value::Bool(true))
        || ["oneOf", "anyOf"].iter().any(|k| {
            schema.get(*k).and_then(Value::as_array).is_some_and(|bs| {
                bs.iter()
                    .any(|b| b.get("type") == Some(&json!("null")) || b.get("const") == Some(&Value::Null))
            })
        })
}

/// The value the document gives a required field, if it gives one the schema accepts: an
/// object is built from its own required fields' values.
fn fill_value(doc: &Value, schema: &Value) -> Option<Value> {
    fill_value_at(doc, schema, 0)
}

fn fill_value_at(doc: &Value, schema: &Value, depth: usize) -> Option<Value> {
    let schema = resolve(doc, schema);
    if let Some(c) = schema.get("const") {
        return Some(c.clone());
    }
    if let Some(d) = schema.get("default") {
        return Some(d.clone());
    }
    if nullable(schema) {
        return Some(Value::Null);
    }
    if schema.get("type") == Some(&json!("array")) {
        return Some(json!([]));
    }
    if let Some(e) = schema.get("example") {
        return Some(e.clone());
    }
    if let Some(first) = schema.get("enum").and_then(Value::as_array).and_then(|e| e.first()) {
        return Some(first.clone());
    }
    let (mut props, mut required) = (Map::new(), Vec::new());
    object_parts(doc, schema, &mut props, &mut required, 0);
    if !props.is_empty() && depth < MAX_DEPTH {
        let mut object = Map::new();
        for name in &required {
            object.insert(name.clone(), fill_value_at(doc, props.get(name)?, depth + 1)?);
        }
        return Some(Value::Object(object));
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("boolean") => Some(json!(false)),
        Some("integer" | "number") => Some(json!(0)),
        Some("string") if schema.get("format").is_none() => Some(json!("")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_fields_get_the_documents_values_and_lists_are_followed() {
        let doc = json!({"openapi": "3.1.0", "paths": {"/memberships/{id}": {"get": {"responses": {
            "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/List"}}}},
            "404": {"content": {"application/json": {"schema": {"type": "object"}}}}}}}},
            "components": {"schemas": {
                "List": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/M"}}}, "required": ["data"]},
                "M": {"allOf": [{"type": "object", "properties": {"id": {"type": "string", "example": "om_1"}}, "required": ["id"]},
                    {"type": "object", "properties": {
                        "roles": {"type": "array", "items": {"type": "object", "properties": {"slug": {"type": "string"}}}},
                        "ended_at": {"type": ["string", "null"], "format": "date-time"},
                        "kind": {"const": "membership"},
                        "source": {"type": "object", "properties": {"type": {"type": "string", "enum": ["direct", "group"]}, "group_id": {"type": ["string", "null"]}}, "required": ["type", "group_id"]},
                        "note": {"type": "string", "format": "date-time"},
                        "key": {"oneOf": [{"$ref": "#/components/schemas/Key"}, {"type": "null"}]}},
                    "required": ["roles", "source", "ended_at", "kind", "note", "key"]}]},
                "Key": {"type": "object", "properties": {"expires_at": {"type": ["string", "null"]}}, "required": ["expires_at"]}}}});
        let t = table(&doc);
        let m = &t["GET /memberships/{id}"]["200"]["properties"]["data"]["items"]["required"];
        assert_eq!(m["id"], "om_1");
        assert_eq!(m["roles"], json!([]));
        assert_eq!(m["source"], json!({"type": "direct", "group_id": null}));
        assert_eq!(m["ended_at"], Value::Null);
        assert_eq!(m["kind"], "membership");
        // No value the document vouches for: left for the contract test to report.
        assert!(m.get("note").is_none());
        assert!(t["GET /memberships/{id}"].get("404").is_none());
        // Through a nullable wrapper: a key that is there gets its required fields.
        let key = &t["GET /memberships/{id}"]["200"]["properties"]["data"]["items"]["properties"]["key"];
        assert_eq!(key["required"]["expires_at"], Value::Null);
    }
}
