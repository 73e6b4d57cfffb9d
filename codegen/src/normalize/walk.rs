//! Schema-aware traversal: visits every schema object in a document, children first.
//!
//! A generic walk over all JSON objects would mistake a property *named* `const` or `not` for
//! the keyword; this one only descends where OpenAPI puts schemas.

use serde_json::{Map, Value};

use crate::openapi::{HTTP_METHODS, escape_token};

/// Keywords whose value is a map from names to schemas.
const SCHEMA_MAPS: &[&str] = &["properties", "patternProperties", "$defs", "definitions"];
/// Keywords whose value is one schema.
const SCHEMA_SLOTS: &[&str] =
    &["additionalProperties", "items", "not", "propertyNames", "if", "then", "else", "contains"];
/// Keywords whose value is a list of schemas.
const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];

/// A callback given each schema object and its JSON pointer.
pub(crate) type SchemaVisitor<'a, E> = dyn FnMut(&mut Map<String, Value>, &str) -> Result<(), E> + 'a;

/// Calls `f(schema, pointer)` for every schema in the document, children before parents.
pub(crate) fn for_each_schema<E>(doc: &mut Value, f: &mut SchemaVisitor<'_, E>) -> Result<(), E> {
    for root in schema_roots(doc) {
        if let Some(schema) = doc.pointer_mut(&root) {
            visit(schema, &root, f)?;
        }
    }
    Ok(())
}

/// Pointers of every top-level schema position (components, parameters, bodies, responses).
pub(crate) fn schema_roots(doc: &Value) -> Vec<String> {
    let mut roots = Vec::new();
    if let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) {
        for name in schemas.keys() {
            roots.push(format!("/components/schemas/{}", escape_token(name)));
        }
    }
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else { return roots };
    for (path, item) in paths {
        let base = format!("/paths/{}", escape_token(path));
        params(item, &base, &mut roots);
        let Some(item) = item.as_object() else { continue };
        for (method, op) in item {
            if !HTTP_METHODS.contains(&method.as_str()) {
                continue;
            }
            let base = format!("{base}/{method}");
            params(op, &base, &mut roots);
            content(op.get("requestBody"), &format!("{base}/requestBody"), &mut roots);
            if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                for (code, response) in responses {
                    let base = format!("{base}/responses/{}", escape_token(code));
                    content(Some(response), &base, &mut roots);
                    if let Some(headers) = response.get("headers").and_then(Value::as_object) {
                        for name in headers.keys() {
                            roots.push(format!("{base}/headers/{}/schema", escape_token(name)));
                        }
                    }
                }
            }
        }
    }
    roots
}

fn params(holder: &Value, base: &str, roots: &mut Vec<String>) {
    if let Some(list) = holder.get("parameters").and_then(Value::as_array) {
        for i in 0..list.len() {
            roots.push(format!("{base}/parameters/{i}/schema"));
        }
    }
}

fn content(holder: Option<&Value>, base: &str, roots: &mut Vec<String>) {
    if let Some(content) = holder.and_then(|h| h.get("content")).and_then(Value::as_object) {
        for media in content.keys() {
            roots.push(format!("{base}/content/{}/schema", escape_token(media)));
        }
    }
}

fn visit<E>(value: &mut Value, pointer: &str, f: &mut SchemaVisitor<'_, E>) -> Result<(), E> {
    let Value::Object(map) = value else { return Ok(()) };
    for (key, child) in map.iter_mut() {
        let key_str = key.as_str();
        if SCHEMA_MAPS.contains(&key_str) {
            if let Value::Object(children) = child {
                for (name, schema) in children.iter_mut() {
                    visit(schema, &format!("{pointer}/{key}/{}", escape_token(name)), f)?;
                }
            }
        } else if SCHEMA_SLOTS.contains(&key_str) {
            match child {
                Value::Array(items) => {
                    for (i, schema) in items.iter_mut().enumerate() {
                        visit(schema, &format!("{pointer}/{key}/{i}"), f)?;
                    }
                }
                other => visit(other, &format!("{pointer}/{key}"), f)?,
            }
        } else if SCHEMA_LISTS.contains(&key_str)
            && let Value::Array(items) = child
        {
            for (i, schema) in items.iter_mut().enumerate() {
                visit(schema, &format!("{pointer}/{key}/{i}"), f)?;
            }
        }
    }
    f(map, pointer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn property_named_like_a_keyword_is_not_a_keyword() {
        let mut doc = json!({"components": {"schemas": {"A": {
            "type": "object",
            "properties": {"const": {"type": "string"}, "not": {"type": "integer"}}
        }}}});
        let mut seen = Vec::new();
        for_each_schema::<()>(&mut doc, &mut |_, p| {
            seen.push(p.to_owned());
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            [
                "/components/schemas/A/properties/const",
                "/components/schemas/A/properties/not",
                "/components/schemas/A"
            ]
        );
    }
}
