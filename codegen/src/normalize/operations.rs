//! Operation-level naming: method names, and unique names for inline bodies.

use std::collections::BTreeMap;

use heck::ToPascalCase;
use serde_json::{Value, json};

use super::pass::Ctx;
use crate::error::Result;
use crate::naming::{derive_method_name, unique_name};
use crate::openapi::{component_names, escape_token, for_each_operation, operation_key};

/// Replaces each `operationId` with the Rust method name: the override from
/// `workos-spec/method-names.toml`, or the name derived from method and path. The original id
/// is kept in `x-workos-operation-id`. Two operations with one name is an error.
pub(super) fn name_operations(doc: &mut Value, ctx: &mut Ctx<'_>) -> Result<usize> {
    let overrides = ctx.names.overrides.clone();
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    let mut used_overrides = 0;
    let mut clash = None;
    for_each_operation(doc, &mut |ptr, method, path, op| {
        let key = operation_key(method, path);
        let name = match overrides.get(&key) {
            Some(n) => {
                used_overrides += 1;
                n.clone()
            }
            None => derive_method_name(method, path),
        };
        if let Some(other) = taken.insert(name.clone(), key.clone()) {
            clash.get_or_insert((format!("{ptr}/operationId"), name.clone(), other, key.clone()));
        }
        let original = op.insert("operationId".into(), json!(name));
        if let Some(original) = original {
            op.insert("x-workos-operation-id".into(), original);
        }
        Ok(())
    })?;
    if let Some((ptr, name, a, b)) = clash {
        return Err(ctx.error(
            &ptr,
            format!(
                "method name `{name}` derived for both `{a}` and `{b}`; \
                 add an entry to workos-spec/method-names.toml"
            ),
        ));
    }
    ctx.out.name_overrides_used = used_overrides;
    Ok(taken.len())
}

/// Inline request and 2xx response schemas move to `components/schemas` under names unique in
/// the document: `{Method}Body`, `{Method}Response`. progenitor would otherwise name every
/// inline response `{OpId}Response` whatever its status, and typify would silently reuse a
/// same-named type of another shape.
pub(super) fn hoist_inline_schemas(doc: &mut Value, ctx: &mut Ctx<'_>) -> Result<usize> {
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    let mut names = component_names(doc);
    let mut fresh = |base: String| unique_name(&mut names, &base);
    for_each_operation(doc, &mut |_, _, _, op| {
        let method = op.get("operationId").and_then(Value::as_str).unwrap_or_default().to_pascal_case();
        let mut slots: Vec<(String, &mut Value)> = Vec::new();
        let responses = op.get_mut("responses").and_then(Value::as_object_mut);
        let mut response_slots = Vec::new();
        for (code, r) in responses.into_iter().flatten() {
            if code.starts_with('2')
                && let Some(s) = r.pointer_mut("/content/application~1json/schema")
            {
                response_slots.push((code.clone(), s));
            }
        }
        let shared = response_slots.windows(2).all(|w| w[0].1 == w[1].1);
        for (code, s) in response_slots {
            let suffix = if shared { "Response".to_owned() } else { format!("{code}Response") };
            slots.push((format!("{method}{suffix}"), s));
        }
        for (name, schema) in slots {
            if schema.get("$ref").is_some() || !is_named_type(schema) {
                continue;
            }
            let name = fresh(name);
            hoisted.push((name.clone(), schema.clone()));
            *schema = json!({ "$ref": format!("#/components/schemas/{name}") });
        }
        Ok(())
    })?;
    hoist_bodies(doc, &mut fresh, &mut hoisted);
    let count = hoisted.len();
    match doc.pointer_mut("/components/schemas") {
        Some(Value::Object(schemas)) => schemas.extend(hoisted),
        _ => return Err(ctx.error("/components/schemas", "missing components/schemas")),
    }
    Ok(count)
}

fn hoist_bodies(
    doc: &mut Value,
    fresh: &mut dyn FnMut(String) -> String,
    hoisted: &mut Vec<(String, Value)>,
) {
    let _ = for_each_operation::<()>(doc, &mut |_, _, _, op| {
        let method = op.get("operationId").and_then(Value::as_str).unwrap_or_default().to_pascal_case();
        let Some(body) = op.get_mut("requestBody") else { return Ok(()) };
        let Some(Value::Object(content)) = body.get_mut("content") else { return Ok(()) };
        for (_, mt) in content.iter_mut() {
            let Some(schema) = mt.get_mut("schema") else { continue };
            if schema.get("$ref").is_some() || !is_named_type(schema) {
                continue;
            }
            let name = fresh(format!("{method}Body"));
            hoisted.push((name.clone(), schema.clone()));
            *schema = json!({ "$ref": format!("#/components/schemas/{name}") });
        }
        Ok(())
    });
}

/// The names typify derives for the inline types directly under each component's properties
/// (`{Component}{Property}`, and `{Component}{Property}Item` for array items), with the JSON
/// pointer of each inline schema.
pub(super) fn typify_inline_names(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) else { return out };
    for (component, schema) in schemas {
        let Some(props) = schema.get("properties").and_then(Value::as_object) else { continue };
        for (prop, value) in props {
            let base =
                format!("/components/schemas/{}/properties/{}", escape_token(component), escape_token(prop));
            if value.get("$ref").is_none() && is_named_type(value) {
                out.push((format!("{component}-{prop}").to_pascal_case(), base.clone()));
            }
            if value.get("items").is_some_and(|i| i.get("$ref").is_none() && is_named_type(i)) {
                out.push((format!("{component}-{prop}-item").to_pascal_case(), format!("{base}/items")));
            }
        }
    }
    out
}

/// An inline type whose derived name is already a component's: typify would emit two types of
/// one name. The inline schema moves to its own component, `{DerivedName}Value`.
pub(super) fn inline_name_collisions(doc: &mut Value, _: &mut Ctx<'_>) -> Result<usize> {
    let mut names = component_names(doc);
    let collisions: Vec<(String, String)> =
        typify_inline_names(doc).into_iter().filter(|(name, _)| names.contains(name)).collect();
    let mut hoisted = Vec::new();
    for (name, pointer) in &collisions {
        let fresh = unique_name(&mut names, &format!("{name}Value"));
        if let Some(slot) = doc.pointer_mut(pointer) {
            let schema = std::mem::replace(slot, json!({ "$ref": format!("#/components/schemas/{fresh}") }));
            hoisted.push((fresh, schema));
        }
    }
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        schemas.extend(hoisted);
    }
    Ok(collisions.len())
}

/// Schemas that typify turns into a named type (structs, enums, unions), as opposed to
/// `String`, `Vec<String>`, ... which need no name.
fn is_named_type(schema: &Value) -> bool {
    ["properties", "enum", "oneOf", "anyOf", "allOf", "additionalProperties"]
        .iter()
        .any(|k| schema.get(k).is_some())
        || schema.get("type").is_some_and(|t| t == "object")
}

/// Sets `openapi: 3.0.3`, the version `openapiv3` 2.x and progenitor read.
pub(super) fn downgrade_version(doc: &mut Value, _: &mut Ctx<'_>) -> Result<usize> {
    if let Some(root) = doc.as_object_mut() {
        root.insert("openapi".into(), json!("3.0.3"));
    }
    Ok(1)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::pass::fixture;

    #[test]
    fn inline_responses_get_distinct_names() {
        let mut doc = fixture::operation(json!({
            "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}},
            "201": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"b": {"type": "string"}}}}}}
        }));
        doc["components"]["schemas"]["ThingsGet200Response"] = json!({"type": "string"});
        let out = fixture::run_pass(hoist_inline_schemas, doc);
        let r = out.pointer("/paths/~1things~1{id}/get/responses").unwrap();
        assert_eq!(
            r["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ThingsGet200Response2"
        );
        assert_eq!(
            r["201"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ThingsGet201Response"
        );
    }

    #[test]
    fn inline_type_named_like_a_component_moves_out() {
        let doc = json!({"openapi": "3.1.1", "paths": {}, "components": {"schemas": {
            "Role": {"type": "object", "properties": {"type": {"type": "string", "enum": ["a", "b"]}}},
            "RoleType": {"type": "object", "properties": {"x": {"type": "string"}}}
        }}});
        let out = fixture::run_pass(inline_name_collisions, doc);
        let schemas = &out["components"]["schemas"];
        assert_eq!(schemas["Role"]["properties"]["type"]["$ref"], "#/components/schemas/RoleTypeValue");
        assert_eq!(schemas["RoleTypeValue"]["enum"], json!(["a", "b"]));
        assert_eq!(schemas["RoleType"]["properties"]["x"]["type"], "string");
    }

    #[test]
    fn duplicate_method_names_are_an_error() {
        let doc = json!({"openapi": "3.1.1", "paths": {
            "/a/{id}": {"get": {"operationId": "x", "responses": {}}},
            "/a/{slug}/": {"get": {"operationId": "y", "responses": {}}}
        }});
        let mut ctx = fixture::ctx();
        let mut doc = doc;
        let err = name_operations(&mut doc, &mut ctx).unwrap_err().to_string();
        assert!(err.contains("`get_a` derived for both `GET /a/{id}` and `GET /a/{slug}/`"), "{err}");
    }
}
