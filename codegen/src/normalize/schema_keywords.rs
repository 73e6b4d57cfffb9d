//! Schema-level rewrites from OpenAPI 3.1 (JSON Schema 2020-12) to what `openapiv3` 2.x and
//! typify accept. Each function is one named pass; see `super::PASSES`.

use serde_json::{Map, Value, json};

use super::pass::Ctx;
use super::walk::for_each_schema;
use crate::error::Result;

/// `required` listing a property twice: keep the first occurrence.
pub(super) fn dedupe_required(doc: &mut Value, _: &mut Ctx<'_>) -> Result<usize> {
    let mut count = 0;
    for_each_schema(doc, &mut |schema, _| {
        if let Some(Value::Array(required)) = schema.get_mut("required") {
            let before = required.len();
            let mut seen = std::collections::HashSet::new();
            required.retain(|v| seen.insert(v.to_string()));
            count += before - required.len();
        }
        Ok(())
    })?;
    Ok(count)
}

/// `$ref` with siblings (`description`, ...): OpenAPI 3.0 ignores the siblings and typify
/// would too; drop them so the reference stays a plain reference.
pub(super) fn ref_siblings(doc: &mut Value, _: &mut Ctx<'_>) -> Result<usize> {
    let mut count = 0;
    for_each_schema(doc, &mut |schema, _| {
        if schema.contains_key("$ref") && schema.len() > 1 {
            schema.retain(|k, _| k == "$ref");
            count += 1;
        }
        Ok(())
    })?;
    Ok(count)
}

/// `type: [X, "null"]` becomes `type: X, nullable: true`; a list of several non-null types
/// becomes an `anyOf` of one schema per type.
pub(super) fn type_arrays(doc: &mut Value, _: &mut Ctx<'_>) -> Result<usize> {
    let mut count = 0;
    for_each_schema(doc, &mut |schema, _| {
        let Some(Value::Array(types)) = schema.get("type") else { return Ok(()) };
        count += 1;
        let nullable = types.iter().any(|t| t == "null");
        let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        match rest.as_slice() {
            [] => {
                schema.insert("type".into(), json!("string"));
                schema.insert("nullable".into(), json!(true));
                schema.insert("enum".into(), json!([null]));
            }
            [one] => {
                schema.insert("type".into(), one.clone());
            }
            many => {
                schema.remove("type");
                let branches = many.iter().map(|t| json!({ "type": t })).collect();
                schema.insert("anyOf".into(), Value::Array(branches));
            }
        }
        if nullable {
            schema.insert("nullable".into(), json!(true));
        }
        Ok(())
    })?;
    Ok(count)
}

/// `{type: "null"}` branches of `oneOf`/`anyOf`: removed, and the union marked `nullable`.
/// A union left with one branch becomes that branch (a reference is wrapped in `allOf`,
/// the 3.0 way to give a reference `nullable`).
pub(super) fn null_branches(doc: &mut Value, _: &mut Ctx<'_>) -> Result<usize> {
    let mut count = 0;
    for_each_schema(doc, &mut |schema, _| {
        for key in ["oneOf", "anyOf"] {
            let Some(Value::Array(branches)) = schema.get_mut(key) else { continue };
            let before = branches.len();
            branches.retain(|b| !is_null_schema(b));
            let nulls = branches.len() < before;
            // A branch that only narrows a plain scalar branch (`string` beside `const: "null"`,
            // nullable or not) adds no shape: drop it, keeping its nullability.
            let plain: Vec<Value> =
                branches.iter().filter(|b| is_plain_scalar(b)).map(|b| b["type"].clone()).collect();
            let mut narrowed_nullable = false;
            branches.retain(|b| {
                let subsumed = !is_plain_scalar(b)
                    && b.get("type").is_some_and(|t| plain.contains(t))
                    && is_scalar_narrowing(b);
                narrowed_nullable |= subsumed && b.get("nullable").is_some_and(|n| n == true);
                !subsumed
            });
            if branches.len() == before {
                continue;
            }
            count += 1;
            if nulls || narrowed_nullable {
                schema.insert("nullable".into(), json!(true));
            }
            if let Some(Value::Array(branches)) = schema.get(key)
                && let [only] = branches.as_slice()
            {
                let only = only.clone();
                schema.remove(key);
                merge_single_branch(schema, only);
            }
        }
        Ok(())
    })?;
    Ok(count)
}

/// `{type: T}` for a scalar `T`, with nothing but annotations beside it.
fn is_plain_scalar(v: &Value) -> bool {
    let Some(map) = v.as_object() else { return false };
    let scalar = map
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| matches!(t, "string" | "integer" | "number" | "boolean"));
    scalar
        && map.keys().all(|k| matches!(k.as_str(), "type" | "description" | "example" | "examples" | "title"))
}

/// A scalar schema that only narrows its type's values (`const`, `enum`, `format`, `nullable`).
fn is_scalar_narrowing(v: &Value) -> bool {
    v.as_object().is_some_and(|map| {
        map.keys().all(|k| {
            matches!(
                k.as_str(),
                "type"
                    | "const"
                    | "enum"
                    | "format"
                    | "nullable"
                    | "description"
                    | "example"
                    | "examples"
                    | "title"
            )
        })
    })
}

fn is_null_schema(v: &Value) -> bool {
    v.get("type").is_some_and(|t| t == "null") || v.get("enum").is_some_and(|e| e == &json!([null]))
}

fn merge_single_branch(schema: &mut Map<String, Value>, branch: Value) {
    match branch {
        Value::Object(b) if b.contains_key("$ref") => {
            schema.insert("allOf".into(), json!([b]));
        }
        Value::Object(b) => {
            for (k, v) in b {
                schema.entry(k).or_insert(v);
            }
        }
        _ => {}
    }
}

/// `const: v` becomes `enum: [v]` (with `type` inferred when absent). Without this the
/// keyword is silently dropped by `openapiv3`, and tagged unions lose their tags.
pub(super) fn const_to_enum(doc: &mut Value, _: &mut Ctx<'_>) -> Result<usize> {
    let mut count = 0;
    for_each_schema(doc, &mut |schema, _| {
        let Some(value) = schema.remove("const") else { return Ok(()) };
        count += 1;
        if !schema.contains_key("type") {
            let ty = match &value {
                Value::String(_) => Some("string"),
                Value::Bool(_) => Some("boolean"),
                Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
                Value::Number(_) => Some("number"),
                _ => None,
            };
            if let Some(ty) = ty {
                schema.insert("type".into(), json!(ty));
            }
        }
        schema.insert("enum".into(), json!([value]));
        Ok(())
    })?;
    Ok(count)
}

/// Keywords with no Rust type meaning, or unknown to 3.0: `not` (mutual exclusion, which the
/// `oneOf` branches already express), `propertyNames`, `example`/`examples` (the generated code
/// does not use them, and typify clones every schema many times over), `$schema`, `$id`,
/// `$comment`, `contentEncoding`, `contentMediaType`. Dropped, never enforced.
/// `patternProperties` becomes `additionalProperties` (a map keyed by string).
pub(super) fn unsupported_assertions(doc: &mut Value, _: &mut Ctx<'_>) -> Result<usize> {
    const DROPPED: &[&str] = &[
        "not",
        "propertyNames",
        "example",
        "examples",
        "$schema",
        "$id",
        "$comment",
        "contentEncoding",
        "contentMediaType",
        "unevaluatedProperties",
        "dependentRequired",
    ];
    let mut count = 0;
    for_each_schema(doc, &mut |schema, _| {
        for key in DROPPED {
            count += usize::from(schema.remove(*key).is_some());
        }
        if let Some(Value::Object(patterns)) = schema.remove("patternProperties") {
            count += 1;
            let mut values: Vec<Value> = patterns.into_iter().map(|(_, v)| v).collect();
            let value = if values.len() == 1 { values.remove(0) } else { json!({ "anyOf": values }) };
            let open = !matches!(schema.get("additionalProperties"), Some(v) if v != &json!(false));
            if open {
                schema.insert("additionalProperties".into(), value);
            }
        }
        for (bound, limit) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
            if let Some(n @ Value::Number(_)) = schema.get(bound).cloned() {
                count += 1;
                schema.insert(limit.into(), n);
                schema.insert(bound.into(), json!(true));
            }
        }
        Ok(())
    })?;
    Ok(count)
}

/// String length and pattern limits (`minLength`, `maxLength`, `pattern`): the server enforces
/// them. Enforced on the client they would make typify wrap each such string in a validating
/// newtype, and a response whose string outgrew a documented limit would fail to decode.
pub(super) fn string_limits(doc: &mut Value, _: &mut Ctx<'_>) -> Result<usize> {
    let mut count = 0;
    for_each_schema(doc, &mut |schema, _| {
        for key in ["minLength", "maxLength", "pattern"] {
            count += usize::from(schema.remove(key).is_some());
        }
        Ok(())
    })?;
    Ok(count)
}

/// Enum values that become the same Rust variant (`sign-up`, `sign_up`, `sign up`): the first
/// stays a variant; the others are aliases, still accepted and sent through the enum's
/// catch-all variant, and listed in the description.
pub(super) fn enum_collisions(doc: &mut Value, _: &mut Ctx<'_>) -> Result<usize> {
    let mut count = 0;
    for_each_schema(doc, &mut |schema, _| {
        let Some(Value::Array(values)) = schema.get_mut("enum") else { return Ok(()) };
        let mut seen = std::collections::HashMap::new();
        let mut aliases = Vec::new();
        values.retain(|v| {
            let Some(s) = v.as_str() else { return true };
            let key = crate::naming::variant_key(s);
            match seen.get(&key) {
                None => {
                    seen.insert(key, s.to_owned());
                    true
                }
                Some(first) => {
                    aliases.push(format!("`{s}` (alias of `{first}`)"));
                    false
                }
            }
        });
        if !aliases.is_empty() {
            count += aliases.len();
            append_description(schema, &format!("Also accepted: {}.", aliases.join(", ")));
        }
        Ok(())
    })?;
    Ok(count)
}

/// Properties that become the same Rust field (`createdAt` beside `created_at`): the snake_case
/// one stays; the other duplicates it and is dropped (response types ignore unknown fields).
pub(super) fn property_collisions(doc: &mut Value, _: &mut Ctx<'_>) -> Result<usize> {
    let mut count = 0;
    for_each_schema(doc, &mut |schema, _| {
        let Some(Value::Object(props)) = schema.get("properties") else { return Ok(()) };
        let mut by_field: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for name in props.keys() {
            by_field.entry(crate::naming::field_key(name)).or_default().push(name.clone());
        }
        let mut dropped = Vec::new();
        for (field, names) in by_field.into_iter().filter(|(_, n)| n.len() > 1) {
            let keep = names.iter().find(|n| **n == field).unwrap_or(&names[0]).clone();
            dropped.extend(names.into_iter().filter(|n| *n != keep).map(|n| (n, keep.clone())));
        }
        if dropped.is_empty() {
            return Ok(());
        }
        count += dropped.len();
        let notes: Vec<String> = dropped.iter().map(|(d, k)| format!("`{d}` (same as `{k}`)")).collect();
        if let Some(Value::Object(props)) = schema.get_mut("properties") {
            for (name, _) in &dropped {
                props.shift_remove(name);
            }
        }
        if let Some(Value::Array(required)) = schema.get_mut("required") {
            required.retain(|r| !dropped.iter().any(|(d, _)| r == d));
        }
        append_description(schema, &format!("Duplicate fields not modelled: {}.", notes.join(", ")));
        Ok(())
    })?;
    Ok(count)
}

pub(super) fn append_description(schema: &mut Map<String, Value>, text: &str) {
    let description = match schema.get("description").and_then(Value::as_str) {
        Some(d) if !d.is_empty() => format!("{d}\n\n{text}"),
        _ => text.to_owned(),
    };
    schema.insert("description".into(), Value::String(description));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::pass::fixture::run_pass;

    fn schema(s: Value) -> Value {
        json!({"openapi": "3.1.1", "paths": {}, "components": {"schemas": {"S": s}}})
    }

    #[test]
    fn dedupes_required() {
        let out = run_pass(dedupe_required, schema(json!({"type": "object", "required": ["a", "b", "a"]})));
        assert_eq!(out.pointer("/components/schemas/S/required").unwrap(), &json!(["a", "b"]));
    }

    #[test]
    fn drops_ref_siblings() {
        let out = run_pass(ref_siblings, schema(json!({"$ref": "#/x", "description": "d"})));
        assert_eq!(out.pointer("/components/schemas/S").unwrap(), &json!({"$ref": "#/x"}));
    }

    #[test]
    fn type_array_to_nullable() {
        let out = run_pass(type_arrays, schema(json!({"type": ["string", "null"]})));
        assert_eq!(
            out.pointer("/components/schemas/S").unwrap(),
            &json!({"type": "string", "nullable": true})
        );
        let out = run_pass(type_arrays, schema(json!({"type": ["string", "integer"]})));
        assert_eq!(
            out.pointer("/components/schemas/S").unwrap(),
            &json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
        );
    }

    #[test]
    fn a_branch_narrowing_a_plain_scalar_branch_is_dropped() {
        // A newer WorkOS document: a string, or the string "null", or null.
        let nested = json!({"description": "d", "oneOf": [
            {"type": "string"},
            {"oneOf": [{"type": "string", "const": "null"}, {"type": "null"}]}
        ]});
        let out = run_pass(null_branches, schema(nested));
        assert_eq!(
            out.pointer("/components/schemas/S").unwrap(),
            &json!({"description": "d", "type": "string", "nullable": true})
        );
        let distinct = json!({"oneOf": [{"type": "string"}, {"type": "integer", "const": 1}]});
        assert_eq!(run_pass(null_branches, schema(distinct.clone())), schema(distinct), "other types stay");
    }

    #[test]
    fn null_branch_of_ref_becomes_nullable_all_of() {
        let out = run_pass(
            null_branches,
            schema(json!({"oneOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]})),
        );
        assert_eq!(
            out.pointer("/components/schemas/S").unwrap(),
            &json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/T"}]})
        );
        let out = run_pass(
            null_branches,
            schema(json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]})),
        );
        assert_eq!(
            out.pointer("/components/schemas/S").unwrap(),
            &json!({"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
    }

    #[test]
    fn const_becomes_single_enum() {
        let out = run_pass(const_to_enum, schema(json!({"const": "role"})));
        assert_eq!(
            out.pointer("/components/schemas/S").unwrap(),
            &json!({"type": "string", "enum": ["role"]})
        );
    }

    #[test]
    fn property_named_const_is_left_alone() {
        let doc = schema(json!({"type": "object", "properties": {"const": {"type": "string"}}}));
        let out = run_pass(const_to_enum, doc.clone());
        assert_eq!(out, doc);
    }

    #[test]
    fn pattern_properties_become_a_map() {
        let out = run_pass(
            unsupported_assertions,
            schema(json!({"type": "object", "additionalProperties": false,
                "patternProperties": {"^a$": {"type": "string"}}, "not": {"required": ["x"]}})),
        );
        assert_eq!(
            out.pointer("/components/schemas/S").unwrap(),
            &json!({"type": "object", "additionalProperties": {"type": "string"}})
        );
    }

    #[test]
    fn string_limits_are_dropped() {
        let out =
            run_pass(string_limits, schema(json!({"type": "string", "maxLength": 40, "pattern": "^a"})));
        assert_eq!(out.pointer("/components/schemas/S").unwrap(), &json!({"type": "string"}));
    }

    #[test]
    fn colliding_enum_values_keep_the_first() {
        let out = run_pass(
            enum_collisions,
            schema(json!({"type": "string", "enum": ["sign-up", "sign_up", "login"]})),
        );
        assert_eq!(out.pointer("/components/schemas/S/enum").unwrap(), &json!(["sign-up", "login"]));
        let d = out.pointer("/components/schemas/S/description").unwrap().as_str().unwrap();
        assert!(d.contains("`sign_up` (alias of `sign-up`)"), "{d}");
    }

    #[test]
    fn colliding_properties_keep_snake_case() {
        let out = run_pass(
            property_collisions,
            schema(json!({"type": "object", "required": ["createdAt", "created_at"],
                "properties": {"createdAt": {"type": "string"}, "created_at": {"type": "string"}}})),
        );
        let s = out.pointer("/components/schemas/S").unwrap();
        assert_eq!(s["properties"], json!({"created_at": {"type": "string"}}));
        assert_eq!(s["required"], json!(["created_at"]));
    }
}
