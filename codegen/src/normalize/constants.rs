//! One type per constant: the same one-value enum (`object: "list"` on every list response)
//! would otherwise become a separate Rust enum at every use, each with its own impls.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToPascalCase;
use serde_json::{Value, json};

use super::operations::typify_inline_names;
use super::pass::Ctx;
use super::walk::for_each_schema;
use crate::error::Result;
use crate::naming::unique_name;
use crate::openapi::{component_names, escape_token};

/// Moves every one-value string enum held by an object property into a shared component named
/// `{Value}{Property}` (`ListObject`, `RoleObject`), one per (property, value). Constants inside
/// compositions (`oneOf`, `anyOf`, `allOf`, or a component referenced from one) stay where they
/// are: typify reads them as union tags and merges `allOf` members through them.
/// Runs after the error bodies are unified, so their constants do not become orphan types.
pub(super) fn share_constants(doc: &mut Value, _: &mut Ctx<'_>) -> Result<usize> {
    let members = composition_members(doc);
    // 1. The properties to share: (pointer, property, constant).
    let mut found: Vec<(String, String, String)> = Vec::new();
    for_each_schema::<()>(doc, &mut |schema, ptr| {
        if in_composition(ptr) || component_name(ptr).is_some_and(|c| members.contains(c)) {
            return Ok(());
        }
        for (prop, value) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
            if let Some(constant) = one_value_enum(value) {
                found.push((format!("{ptr}/properties/{}", escape_token(prop)), prop.clone(), constant));
            }
        }
        Ok(())
    })
    .ok();
    // 2. Names already taken: components, and the inline types typify will still name.
    let shared_ptrs: BTreeSet<&str> = found.iter().map(|(p, _, _)| p.as_str()).collect();
    let mut taken = component_names(doc);
    taken.extend(
        typify_inline_names(doc)
            .into_iter()
            .filter(|(_, ptr)| !shared_ptrs.contains(ptr.as_str()))
            .map(|(name, _)| name),
    );
    // 3. One component per (property, constant); each use becomes a reference to it.
    let mut shared: BTreeMap<(String, String), String> = BTreeMap::new();
    for (ptr, prop, constant) in &found {
        let name = shared.entry((prop.clone(), constant.clone())).or_insert_with(|| {
            unique_name(&mut taken, &format!("{}{}", constant.to_pascal_case(), prop.to_pascal_case()))
        });
        if let Some(slot) = doc.pointer_mut(ptr) {
            *slot = json!({ "$ref": format!("#/components/schemas/{name}") });
        }
    }
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for ((prop, constant), name) in shared {
            schemas.insert(
                name,
                json!({
                    "type": "string",
                    "enum": [constant],
                    "description": format!("The constant `{constant}` of an `{prop}` field."),
                }),
            );
        }
    }
    Ok(found.len())
}

/// `{type: string, enum: [v]}` with nothing else but docs: the constant `v`.
fn one_value_enum(schema: &Value) -> Option<String> {
    let map = schema.as_object()?;
    let only_docs = map.keys().all(|k| matches!(k.as_str(), "type" | "enum" | "description" | "example"));
    match (map.get("type"), map.get("enum")) {
        (Some(t), Some(Value::Array(values))) if t == "string" && values.len() == 1 && only_docs => {
            values[0].as_str().map(str::to_owned)
        }
        _ => None,
    }
}

fn in_composition(ptr: &str) -> bool {
    ["/oneOf/", "/anyOf/", "/allOf/"].iter().any(|k| ptr.contains(k))
}

fn component_name(ptr: &str) -> Option<&str> {
    ptr.strip_prefix("/components/schemas/").filter(|rest| !rest.contains('/'))
}

/// Components referenced directly as a member of `oneOf`, `anyOf` or `allOf`.
fn composition_members(doc: &mut Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let _ = for_each_schema::<()>(doc, &mut |schema, _| {
        for key in ["oneOf", "anyOf", "allOf"] {
            for branch in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
                if let Some(r) = branch.get("$ref").and_then(Value::as_str)
                    && let Some(name) = r.strip_prefix("#/components/schemas/")
                {
                    out.insert(name.replace("~1", "/").replace("~0", "~"));
                }
            }
        }
        Ok(())
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::pass::fixture::run_pass;

    #[test]
    fn equal_constants_share_one_component() {
        let doc = json!({"openapi": "3.1.1", "paths": {}, "components": {"schemas": {
            "RoleList": {"type": "object", "properties": {"object": {"type": "string", "enum": ["list"]}}},
            "UserList": {"type": "object", "properties": {"object": {"type": "string", "enum": ["list"], "description": "d"}}}
        }}});
        let out = run_pass(share_constants, doc);
        let schemas = &out["components"]["schemas"];
        assert_eq!(schemas["RoleList"]["properties"]["object"]["$ref"], "#/components/schemas/ListObject");
        assert_eq!(schemas["UserList"]["properties"]["object"]["$ref"], "#/components/schemas/ListObject");
        assert_eq!(schemas["ListObject"]["enum"], json!(["list"]));
    }

    #[test]
    fn union_tags_stay_in_place() {
        let tag = json!({"type": "object", "properties": {"type": {"type": "string", "enum": ["user"]}}});
        let doc = json!({"openapi": "3.1.1", "paths": {}, "components": {"schemas": {
            "Owner": {"oneOf": [tag, {"$ref": "#/components/schemas/Org"}]},
            "Org": {"type": "object", "properties": {"type": {"type": "string", "enum": ["org"]}}}
        }}});
        let out = run_pass(share_constants, doc.clone());
        assert_eq!(out, doc);
    }
}
