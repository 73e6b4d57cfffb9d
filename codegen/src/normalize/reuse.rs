//! `reuse_components`: an inline schema that is structurally a named component (ignoring
//! descriptions, titles and examples) becomes a `$ref` to it, so each shape has one Rust type:
//! an operation answering an inline copy of `Role` returns `Role`, not a twin
//! `CreateOrganizationRoleResponse` with its own `...Type` enum.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::pass::Ctx;
use super::walk::for_each_schema;
use crate::error::Result;
use crate::openapi::{canonical, escape_token, has_structure};

pub(crate) fn reuse_components(doc: &mut Value, _ctx: &mut Ctx<'_>) -> Result<usize> {
    let mut total = 0;
    // Replacing inner schemas changes the shape of outer ones (an inline copy of `Role` whose
    // `type` became a `$ref` now equals `Role`), so repeat until nothing changes.
    for _ in 0..8 {
        let mut components: BTreeMap<String, String> = BTreeMap::new();
        for (name, schema) in
            doc.pointer("/components/schemas").and_then(Value::as_object).into_iter().flatten()
        {
            if schema.as_object().is_some_and(has_structure) {
                components.entry(canonical(schema)).or_insert_with(|| name.clone());
            }
        }
        let mut replaced = 0;
        for_each_schema::<std::convert::Infallible>(doc, &mut |schema, pointer| {
            // A component is a type of its own, even when another has the same shape.
            let is_component =
                pointer.strip_prefix("/components/schemas/").is_some_and(|rest| !rest.contains('/'));
            if is_component || schema.contains_key("$ref") || !has_structure(schema) {
                return Ok(());
            }
            let text = canonical(&Value::Object(schema.clone()));
            let Some(name) = components.get(&text) else { return Ok(()) };
            let root = format!("/components/schemas/{}", escape_token(name));
            // The component itself, or a schema inside it (a recursive copy), stays.
            if pointer == root || pointer.starts_with(&format!("{root}/")) {
                return Ok(());
            }
            let mut reference = Map::new();
            reference.insert("$ref".into(), Value::String(format!("#{root}")));
            *schema = reference;
            replaced += 1;
            Ok(())
        })
        .unwrap_or_else(|never| match never {});
        total += replaced;
        if replaced == 0 {
            break;
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::pass::fixture::run_pass;
    use serde_json::json;

    #[test]
    fn an_inline_copy_of_a_component_becomes_a_reference() {
        let role = json!({"type": "object", "required": ["slug", "type"], "properties": {
            "slug": {"type": "string", "description": "The slug."},
            "type": {"type": "string", "enum": ["EnvironmentRole", "OrganizationRole"]}}});
        let mut copy = role.clone();
        copy["properties"]["slug"]["description"] = json!("Another wording.");
        copy["required"] = json!(["slug", "type", "slug"]);
        let doc = |copy: &Value| {
            json!({"openapi": "3.1.1", "components": {"schemas": {"Role": role}},
            "paths": {"/roles": {"post": {"operationId": "create_role", "responses": {"201": {
                "description": "ok", "content": {"application/json": {"schema": copy}}}}}}}})
        };
        let pointer = "/paths/~1roles/post/responses/201/content/application~1json/schema";
        let out = run_pass(reuse_components, doc(&copy));
        assert_eq!(out.pointer(pointer).unwrap(), &json!({"$ref": "#/components/schemas/Role"}));
        // The same names required in another order would give `new` another argument order:
        // not the same type.
        copy["required"] = json!(["type", "slug"]);
        let out = run_pass(reuse_components, doc(&copy));
        assert_eq!(out.pointer(pointer).unwrap(), &copy);
    }

    #[test]
    fn a_different_shape_or_a_bare_type_is_left_alone() {
        let doc = json!({"openapi": "3.1.1", "components": {"schemas": {
                "Role": {"type": "object", "properties": {"slug": {"type": "string"}}},
                "Slug": {"type": "string"}}},
            "paths": {"/roles": {"get": {"operationId": "list_roles", "responses": {"200": {
                "description": "ok", "content": {"application/json": {"schema": {"type": "object",
                    "properties": {"slug": {"type": "string"}, "extra": {"type": "string"}}}}}}}}}}});
        let out = run_pass(reuse_components, doc.clone());
        assert_eq!(out, doc);
    }

    #[test]
    fn components_of_the_same_shape_stay_apart() {
        let shape = json!({"type": "object", "properties": {"name": {"type": "string"}}});
        let doc =
            json!({"openapi": "3.1.1", "paths": {}, "components": {"schemas": {"A": shape, "B": shape}}});
        assert_eq!(run_pass(reuse_components, doc.clone()), doc);
    }

    #[test]
    fn inner_matches_make_outer_ones() {
        let doc = json!({"openapi": "3.1.1", "components": {"schemas": {
                "Kind": {"type": "string", "enum": ["a", "b"]},
                "Thing": {"type": "object", "properties": {"kind": {"$ref": "#/components/schemas/Kind"}}}}},
            "paths": {"/things": {"get": {"operationId": "get_thing", "responses": {"200": {
                "description": "ok", "content": {"application/json": {"schema": {"type": "object",
                    "properties": {"kind": {"type": "string", "enum": ["a", "b"]}}}}}}}}}}});
        let out = run_pass(reuse_components, doc);
        let schema =
            out.pointer("/paths/~1things/get/responses/200/content/application~1json/schema").unwrap();
        assert_eq!(schema, &json!({"$ref": "#/components/schemas/Thing"}));
    }
}
