//! Example values of a schema, built from the document: each property's `example` (else its
//! `const`, first `enum` value, or a value of its type and format), one value per shape the
//! schema allows: every branch of every union is chosen once, the others at their first branch.
//!
//! The received-types test decodes each through the generated type: with every property
//! ([`Fill::Every`]) decoding and encoding again must keep every key, and with only the
//! required ones ([`Fill::Required`], nullable ones `null`) it must decode.

use serde_json::{Map, Value, json};

use crate::openapi::resolve;

/// Which properties an example object has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    /// Every property the schema names, none `null`.
    Every,
    /// The required properties only; a nullable one is `null`.
    Required,
}

/// An example and the union branches it takes (`"oneOf[1] at data[0].kind"`; empty for the
/// first branch everywhere).
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// Which branches of which unions this example takes.
    pub choices: String,
    /// The example.
    pub value: Value,
}

/// How deep examples follow nested schemas (a recursive schema ends in `null`).
const MAX_DEPTH: usize = 12;
/// The most examples one schema gets.
const MAX_EXAMPLES: usize = 64;

/// The examples of `schema`: the first takes the first branch of every union, each other one
/// another branch of one union.
pub fn examples(doc: &Value, schema: &Value, fill: Fill) -> Vec<Example> {
    let mut out = Builder { doc, fill }.value(schema, "", 0);
    out.truncate(MAX_EXAMPLES);
    out
}

/// The schema of a response's JSON body, if it has one.
fn json_body<'d>(doc: &'d Value, response: &'d Value) -> Option<&'d Value> {
    resolve(doc, response)
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.iter().find(|(media, _)| media.contains("json")))
        .and_then(|(_, m)| m.get("schema"))
}

/// An operation's first success status and the schema of its JSON body, if it has one.
pub fn success<'d>(doc: &'d Value, op: &'d Value) -> Option<(u16, Option<&'d Value>)> {
    let (status, response) = op.get("responses")?.as_object()?.iter().find(|(s, _)| s.starts_with('2'))?;
    Some((status.parse().ok()?, json_body(doc, response)))
}

/// The JSON body schema of the first success status of `METHOD /path` that has one (the body
/// its output type decodes).
pub fn success_schema<'d>(doc: &'d Value, key: &str) -> Option<&'d Value> {
    let (method, path) = key.split_once(' ')?;
    let op = doc.get("paths")?.get(path)?.get(method.to_lowercase())?;
    let responses = op.get("responses")?.as_object()?;
    responses.iter().filter(|(s, _)| s.starts_with('2')).find_map(|(_, r)| json_body(doc, r))
}

struct Builder<'d> {
    doc: &'d Value,
    fill: Fill,
}

/// Properties and required names of one shape of an object.
#[derive(Clone, Default)]
struct Shape {
    choices: String,
    properties: Map<String, Value>,
    required: Vec<String>,
}

impl Builder<'_> {
    fn value(&self, schema: &Value, at: &str, depth: usize) -> Vec<Example> {
        let schema = resolve(self.doc, schema);
        let one = |value: Value| vec![Example { choices: String::new(), value }];
        if depth > MAX_DEPTH {
            return one(Value::Null);
        }
        if let Some(c) = schema.get("const") {
            return one(c.clone());
        }
        if let Some(first) =
            schema.get("enum").and_then(Value::as_array).and_then(|e| e.iter().find(|v| !v.is_null()))
        {
            return one(first.clone());
        }
        let types = types(schema);
        let nullable = types.contains(&"null") || union(schema).iter().any(|b| is_null(resolve(self.doc, b)));
        if nullable && self.fill == Fill::Required {
            return one(Value::Null);
        }
        if schema.get("properties").is_some() || schema.get("allOf").is_some() {
            return self.objects(schema, at, depth);
        }
        let branches = self.branches(schema);
        if !branches.is_empty() {
            let mut out = Vec::new();
            for (i, branch) in branches.into_iter().enumerate() {
                for mut e in self.value(branch, at, depth + 1) {
                    e.choices = join(&[&choice(i, at), &e.choices]);
                    out.push(e);
                }
            }
            return out;
        }
        if types.contains(&"object") {
            return self.map(schema, at, depth);
        }
        if types.contains(&"array") {
            let items = schema.get("items").unwrap_or(&Value::Null);
            return self
                .value(items, &format!("{at}[0]"), depth + 1)
                .into_iter()
                .map(|e| Example { choices: e.choices, value: Value::Array(vec![e.value]) })
                .collect();
        }
        if let Some(example) =
            schema.get("example").filter(|e| !e.is_null() && !e.is_object() && !e.is_array())
        {
            return one(example.clone());
        }
        let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
        let value = match types.iter().find(|t| **t != "null").copied().unwrap_or("") {
            "string" => json!(match format {
                "date-time" => "2026-01-15T12:00:00.000Z",
                "date" => "2026-01-15",
                "uri" | "url" => "https://example.com/",
                "email" => "user@example.com",
                _ => "example",
            }),
            "integer" => json!(1),
            "number" => json!(1.5),
            "boolean" => json!(true),
            _ => Value::Null,
        };
        one(value)
    }

    /// The branches of a union schema that are not `null`.
    fn branches<'s>(&self, schema: &'s Value) -> Vec<&'s Value> {
        union(schema).iter().filter(|b| !is_null(resolve(self.doc, b))).collect()
    }

    /// A free-form object or a map: its example, or one entry of its value type.
    fn map(&self, schema: &Value, at: &str, depth: usize) -> Vec<Example> {
        if let Some(values) = schema.get("additionalProperties").filter(|a| a.is_object()) {
            return self
                .value(values, &format!("{at}.key"), depth + 1)
                .into_iter()
                .map(|e| Example { choices: e.choices, value: json!({ "key": e.value }) })
                .collect();
        }
        let example = schema.get("example").filter(|e| e.is_object()).cloned().unwrap_or_else(|| json!({}));
        vec![Example { choices: String::new(), value: example }]
    }

    /// An object: one example per shape, and per variation of a property's value.
    fn objects(&self, schema: &Value, at: &str, depth: usize) -> Vec<Example> {
        let mut out = Vec::new();
        for shape in self.shapes(schema, at, 0) {
            let mut base = Map::new();
            let mut variations: Vec<Example> = Vec::new();
            for (name, prop) in &shape.properties {
                if self.fill == Fill::Required && !shape.required.contains(name) {
                    continue;
                }
                let here = if at.is_empty() { name.clone() } else { format!("{at}.{name}") };
                let mut values = self.value(prop, &here, depth + 1).into_iter();
                let first = values.next().map_or(Value::Null, |e| e.value);
                base.insert(name.clone(), first);
                for other in values.take(MAX_EXAMPLES) {
                    let mut value = Map::new();
                    value.insert(name.clone(), other.value);
                    variations.push(Example { choices: other.choices, value: Value::Object(value) });
                }
            }
            out.push(Example { choices: shape.choices.clone(), value: Value::Object(base.clone()) });
            for variation in variations {
                let mut value = base.clone();
                if let Value::Object(changed) = variation.value {
                    value.extend(changed);
                }
                out.push(Example {
                    choices: join(&[&shape.choices, &variation.choices]),
                    value: Value::Object(value),
                });
            }
            if out.len() >= MAX_EXAMPLES {
                break;
            }
        }
        out
    }

    /// The shapes an object schema allows: its properties and `allOf` members, with each branch
    /// of each union taken once (the others at their first branch).
    fn shapes(&self, schema: &Value, at: &str, depth: usize) -> Vec<Shape> {
        let schema = resolve(self.doc, schema);
        let mut own = Shape::default();
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            own.properties = props.clone();
        }
        own.required = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        let mut shapes = vec![own];
        if depth > MAX_DEPTH {
            return shapes;
        }
        for member in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            shapes = combine(&shapes, &self.shapes(member, at, depth + 1));
        }
        let branches = self.branches(schema);
        if !branches.is_empty() {
            let mut alternatives = Vec::new();
            for (i, branch) in branches.into_iter().enumerate() {
                for mut shape in self.shapes(branch, at, depth + 1) {
                    shape.choices = join(&[&choice(i, at), &shape.choices]);
                    alternatives.push(shape);
                }
            }
            shapes = combine(&shapes, &alternatives);
        }
        shapes.truncate(MAX_EXAMPLES);
        shapes
    }
}

/// `a`'s shapes with `b`'s first, then `a`'s first with each other of `b`'s.
fn combine(a: &[Shape], b: &[Shape]) -> Vec<Shape> {
    let join = |x: &Shape, y: &Shape| {
        let mut shape = x.clone();
        shape.properties.extend(y.properties.clone());
        for r in &y.required {
            if !shape.required.contains(r) {
                shape.required.push(r.clone());
            }
        }
        shape.choices = join(&[&x.choices, &y.choices]);
        shape
    };
    let (Some(b0), Some(a0)) = (b.first(), a.first()) else { return a.to_vec() };
    let mut out: Vec<Shape> = a.iter().map(|x| join(x, b0)).collect();
    out.extend(b.iter().skip(1).map(|y| join(a0, y)));
    out
}

/// The name of taking branch `i` of the union at `at` (empty for the first branch).
fn choice(i: usize, at: &str) -> String {
    match (i, at) {
        (0, _) => String::new(),
        (i, "") => format!("oneOf[{i}]"),
        (i, at) => format!("oneOf[{i}] at {at}"),
    }
}

fn join(choices: &[&str]) -> String {
    choices.iter().filter(|c| !c.is_empty()).copied().collect::<Vec<_>>().join(", ")
}

fn union(schema: &Value) -> &[Value] {
    schema.get("oneOf").or_else(|| schema.get("anyOf")).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn is_null(schema: &Value) -> bool {
    types(schema) == ["null"]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({"components": {"schemas": {
            "App": {"allOf": [
                {"type": "object", "properties": {"id": {"type": "string", "example": "app_1"},
                    "description": {"type": ["string", "null"]}}, "required": ["id", "description"]},
                {"oneOf": [
                    {"type": "object", "properties": {"kind": {"const": "oauth"}, "uses_pkce": {"type": "boolean"},
                        "note": {"type": "string"}}, "required": ["kind", "uses_pkce"]},
                    {"type": "object", "properties": {"kind": {"const": "m2m"},
                        "created_at": {"type": "string", "format": "date-time"}}, "required": ["kind"]}
                ]}
            ]}
        }}})
    }

    #[test]
    fn each_branch_is_taken_once_with_the_documents_values() {
        let doc = doc();
        let every = examples(&doc, &json!({"$ref": "#/components/schemas/App"}), Fill::Every);
        assert_eq!(
            every,
            [
                Example {
                    choices: String::new(),
                    value: json!({"id": "app_1", "description": "example", "kind": "oauth", "uses_pkce": true, "note": "example"})
                },
                Example {
                    choices: "oneOf[1]".into(),
                    value: json!({"id": "app_1", "description": "example", "kind": "m2m", "created_at": "2026-01-15T12:00:00.000Z"})
                },
            ]
        );
        let required = examples(&doc, &json!({"$ref": "#/components/schemas/App"}), Fill::Required);
        assert_eq!(
            required[0].value,
            json!({"id": "app_1", "description": null, "kind": "oauth", "uses_pkce": true})
        );
        assert_eq!(required[1].value, json!({"id": "app_1", "description": null, "kind": "m2m"}));
    }

    #[test]
    fn lists_and_maps_hold_one_example_each() {
        let doc = json!({});
        let list = json!({"type": "object", "properties": {"data": {"type": "array", "items": {"oneOf": [
            {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
            {"type": "object", "properties": {"b": {"type": "number"}}, "required": ["b"]}
        ]}}, "metadata": {"type": "object", "additionalProperties": {"type": "string"}}}, "required": ["data"]});
        let every = examples(&doc, &list, Fill::Every);
        assert_eq!(every.len(), 2);
        assert_eq!(every[0].value, json!({"data": [{"a": 1}], "metadata": {"key": "example"}}));
        assert_eq!(
            every[1],
            Example {
                choices: "oneOf[1] at data[0]".into(),
                value: json!({"data": [{"b": 1.5}], "metadata": {"key": "example"}})
            }
        );
        assert_eq!(examples(&doc, &list, Fill::Required)[0].value, json!({"data": [{"a": 1}]}));
    }

    #[test]
    fn a_recursive_schema_ends() {
        let doc = json!({"components": {"schemas": {"Node": {"type": "object",
            "properties": {"child": {"$ref": "#/components/schemas/Node"}}}}}});
        let every = examples(&doc, &json!({"$ref": "#/components/schemas/Node"}), Fill::Every);
        assert_eq!(every.len(), 1);
        assert!(every[0].value.pointer("/child/child/child").is_some());
    }
}
