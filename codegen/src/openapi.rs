//! The ground every stage stands on: reading an OpenAPI document as a JSON value. Its HTTP
//! methods and operations, the keys the reports name them by, `$ref` resolution, JSON pointers,
//! and the shape of a schema. It imports no stage.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// The HTTP methods a path item may hold.
pub(crate) const HTTP_METHODS: &[&str] =
    &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every operation of a document: (method, path, path item, operation), in document order.
pub fn operations_of(doc: &Value) -> Vec<(&str, &str, &Value, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if HTTP_METHODS.contains(&method.as_str()) {
                out.push((method.as_str(), path.as_str(), item, op));
            }
        }
    }
    out
}

/// A callback given each operation's pointer, method, path and object.
pub(crate) type OperationVisitor<'a, E> =
    dyn FnMut(&str, &str, &str, &mut Map<String, Value>) -> Result<(), E> + 'a;

/// Calls `f(pointer, method, path, operation)` for every operation, in document order: what
/// [`operations_of`] lists, for rewriting.
pub(crate) fn for_each_operation<E>(doc: &mut Value, f: &mut OperationVisitor<'_, E>) -> Result<(), E> {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else { return Ok(()) };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for (method, op) in item.iter_mut() {
            if !HTTP_METHODS.contains(&method.as_str()) {
                continue;
            }
            if let Value::Object(op) = op {
                let ptr = format!("/paths/{}/{method}", escape_token(path));
                f(&ptr, method, path, op)?;
            }
        }
    }
    Ok(())
}

/// `GET /organizations/{id}`: how reports, tables and overrides name an operation.
pub fn operation_key(method: &str, path: &str) -> String {
    format!("{} {path}", method.to_ascii_uppercase())
}

/// `GET /users/{}` for `GET /users/{id}`: the operation whatever its parameters are named
/// (renaming a path parameter changes no call).
pub(crate) fn operation_shape(method: &str, path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    format!("{} {out}", method.to_ascii_uppercase())
}

/// Where parameter `name` stands in path template `path` (`{name}`): path parameters are
/// passed in this order. One the path does not spell sorts last.
pub(crate) fn path_position(path: &str, name: &str) -> usize {
    path.find(&format!("{{{name}}}")).unwrap_or(usize::MAX)
}

/// `v`, or what its local `$ref` points to (the normalization rejects unresolvable references
/// up front; one left here resolves to itself).
pub(crate) fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(ptr) => doc.pointer(ptr).unwrap_or(v),
        None => v,
    }
}

/// The one value a schema allows: its `const`, or the only value of its `enum`.
pub(crate) fn single_value(schema: &Value) -> Option<&Value> {
    schema.get("const").or_else(|| match schema.get("enum").and_then(Value::as_array).map(Vec::as_slice) {
        Some([only]) => Some(only),
        _ => None,
    })
}

/// The names under `components/schemas`.
pub(crate) fn component_names(doc: &Value) -> BTreeSet<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default()
}

/// Escapes one JSON-pointer reference token (RFC 6901).
pub(crate) fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The reference token of a JSON pointer (RFC 6901) unescaped: `~1` is `/`, `~0` is `~`.
pub(crate) fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Keys that do not change what a schema accepts.
fn is_annotation(key: &str) -> bool {
    matches!(key, "description" | "title" | "example" | "examples" | "deprecated" | "readOnly" | "writeOnly")
        || key.starts_with("x-")
}

/// The schema without annotations, with object keys sorted, as text: two schemas with the same
/// text accept the same values and make one Rust type. `required` keeps its order (without
/// repeats): it is the order of a request type's `new`, so two schemas that list the same names
/// in another order are not one type.
pub(crate) fn canonical(schema: &Value) -> String {
    fn strip(v: &Value) -> Value {
        match v {
            Value::Object(map) => {
                let sorted: BTreeMap<&String, Value> = map
                    .iter()
                    .filter(|(k, _)| !is_annotation(k))
                    .map(|(k, v)| {
                        let value = match (k.as_str(), v) {
                            ("required", Value::Array(items)) => {
                                let mut names: Vec<&Value> = Vec::new();
                                for name in items {
                                    if !names.contains(&name) {
                                        names.push(name);
                                    }
                                }
                                Value::Array(names.into_iter().cloned().collect())
                            }
                            // Property names are data, not keywords: keep their schemas stripped.
                            _ => strip(v),
                        };
                        (k, value)
                    })
                    .collect();
                Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(strip).collect()),
            other => other.clone(),
        }
    }
    strip(schema).to_string()
}

/// Whether a schema has structure of its own (an object with properties, an enum, or a union),
/// as opposed to a bare `{"type": "string"}` that any alias component equals.
pub(crate) fn has_structure(schema: &Map<String, Value>) -> bool {
    ["properties", "enum", "oneOf", "anyOf", "allOf"].iter().any(|k| schema.contains_key(*k))
}
