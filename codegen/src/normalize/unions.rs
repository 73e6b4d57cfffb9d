//! `name_union_variants`: union components get variants named after what distinguishes them,
//! never `Variant0`, `Variant1`...
//!
//! A union component is a `oneOf`/`anyOf`, or an `allOf` of shared parts and one such union
//! (WorkOS writes "the common fields, and one of these"). Each branch is merged with the shared
//! parts. Then:
//!
//! - when every merged branch has a required property with a single allowed value, distinct per
//!   branch (a discriminator such as `event` or `grant_type`), the component becomes a plain
//!   `oneOf` of the merged objects, which typify turns into an internally tagged enum whose
//!   variants are named after the values and carry their fields;
//! - otherwise each object branch becomes a component of its own, `<Union><Variant>`, named
//!   after the required property only that branch has (`ResourceId`, `Password`...), or `Base`
//!   for the branch that adds nothing to the shared fields. Those structs get `new` and setters
//!   like every request type, and the post-pass `union_variants` gives the enum's variants
//!   these names.

use std::collections::BTreeSet;

use heck::ToPascalCase;
use serde_json::{Map, Value, json};

use super::pass::{Constants, Ctx, Outputs};
use super::union_names::{
    constant, discriminator, is_empty_object, repeated_tag, tag_names, tell_apart, variant_names,
};
use crate::error::Result;
use crate::naming::unique_name;
use crate::openapi::{
    HTTP_METHODS, canonical, component_names, escape_token, has_structure, resolve, single_value,
};

/// A union component's branches, merged with its shared parts.
struct Union {
    /// Merged branches, in document order.
    branches: Vec<Value>,
}

/// Rewrites every union component as the module docs say; returns how many.
pub(super) fn name_union_variants(doc: &mut Value, ctx: &mut Ctx<'_>) -> Result<usize> {
    let bodies = request_bodies(doc);
    let names: Vec<String> = component_names(doc).into_iter().collect();
    let mut taken = component_names(doc);
    let mut count = 0;
    for name in names {
        let Some(schema) = doc.pointer(&format!("/components/schemas/{}", escape_token(&name))) else {
            continue;
        };
        let Some(mut union) = union_of(doc, schema) else { continue };
        let description = schema.get("description").cloned();
        if let Some((tag, repeated)) = repeated_tag(&union.branches) {
            // One name twice would leave no discriminator, and every variant untyped: keep the
            // first branch of each value, and say which repeat.
            let mut seen = Vec::new();
            union.branches.retain(|b| {
                let value = constant(b, &tag).unwrap_or_default();
                let first = !seen.contains(&value);
                seen.push(value);
                first
            });
            ctx.out.warnings.push(format!(
                "`{name}` names {} twice under `{tag}`; the first branch of each is generated, the others are dropped",
                repeated.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
            ));
        }
        if union.branches.iter().all(|b| b.get("$ref").is_some()) {
            // Named branches: typify names the variants after the referenced types.
            continue;
        }
        let objects = union.branches.iter().filter(|b| b.get("properties").is_some()).count();
        let tagged = discriminator(&union.branches).filter(|_| objects == union.branches.len());
        let mut rewrite = Rewrite { doc: &mut *doc, taken: &mut taken, out: &mut ctx.out, name: &name };
        let branches = match tagged {
            // A request body's variants must be built through `new` and setters (a field WorkOS
            // adds must not break a caller's struct literal), so its branches become structs of
            // their own (the discriminator a constant that `new` fills in), named after the
            // discriminator value.
            Some(tag) if bodies.contains(&name) => rewrite.tagged_body(union.branches, &tag),
            Some(tag) => rewrite.tagged(union.branches, &tag),
            None if objects == 0 => continue,
            None => rewrite.untagged(union.branches),
        };
        let mut rewritten = Map::new();
        if let Some(d) = description {
            rewritten.insert("description".into(), d);
        }
        rewritten.insert("oneOf".into(), Value::Array(branches));
        rewrite.add_component(name.clone(), Value::Object(rewritten));
        count += 1;
    }
    Ok(count)
}

/// One union component being rewritten: the document, the component names taken so far, and
/// what the pass reports.
struct Rewrite<'a> {
    doc: &'a mut Value,
    taken: &'a mut BTreeSet<String>,
    out: &'a mut Outputs,
    /// The union component.
    name: &'a str,
}

impl Rewrite<'_> {
    /// Sets component `name` to `schema`.
    fn add_component(&mut self, name: String, schema: Value) {
        if let Some(Value::Object(schemas)) = self.doc.pointer_mut("/components/schemas") {
            schemas.insert(name, schema);
        }
    }

    /// `branch` as a component of its own, `<Union><variant>`; returns the reference to it.
    fn branch_component(&mut self, variant: &str, branch: Value) -> Value {
        let component = unique_name(self.taken, &format!("{}{variant}", self.name));
        let reference = json!({ "$ref": format!("#/components/schemas/{component}") });
        self.add_component(component, branch);
        reference
    }

    /// A request body's tagged branches, each a component named after its tag value; returns
    /// the references to them.
    fn tagged_body(&mut self, branches: Vec<Value>, tag: &str) -> Vec<Value> {
        let values: Vec<String> = branches.iter().map(|b| constant(b, tag).unwrap_or_default()).collect();
        let variants = tag_names(&values);
        let refs = branches.into_iter().zip(&variants).map(|(b, v)| self.branch_component(v, b)).collect();
        self.out.union_variants.push((self.name.to_pascal_case(), variants));
        refs
    }

    /// A received union's tagged branches, inline (typify makes an internally tagged enum of
    /// them). Each variant's inline object properties (an event's `data`) become components
    /// named after the variant, so every variant has types of its own, under names that do
    /// not depend on the order of the variants. Variants whose data has the same shape
    /// (`organization.created`, `.updated` and `.deleted`) share the first one's type; the
    /// others' names become aliases of it.
    fn tagged(&mut self, mut branches: Vec<Value>, tag: &str) -> Vec<Value> {
        let values: Vec<String> = branches.iter().map(|b| constant(b, tag).unwrap_or_default()).collect();
        let variants = tag_names(&values);
        for prop in optional_constants(&branches, tag) {
            self.out.optional_constants.push((self.name.to_pascal_case(), prop));
        }
        let mut hoisted_shapes: Vec<(String, String)> = Vec::new();
        for (branch, variant) in branches.iter_mut().zip(&variants) {
            let Some(Value::Object(props)) = branch.get_mut("properties") else { continue };
            for (prop, schema) in props.iter_mut() {
                let single_value = schema.get("enum").and_then(Value::as_array).is_some_and(|e| e.len() == 1);
                if *prop == tag
                    || single_value
                    || schema.get("$ref").is_some()
                    || !schema.as_object().is_some_and(has_structure)
                {
                    continue;
                }
                let name = unique_name(self.taken, &format!("{variant}{}", prop.to_pascal_case()));
                let shape = canonical(schema);
                if let Some((_, first)) = hoisted_shapes.iter().find(|(s, _)| *s == shape) {
                    *schema = json!({ "$ref": format!("#/components/schemas/{first}") });
                    self.out.type_aliases.push((name.to_pascal_case(), first.to_pascal_case()));
                    continue;
                }
                let hoisted =
                    std::mem::replace(schema, json!({ "$ref": format!("#/components/schemas/{name}") }));
                hoisted_shapes.push((shape, name.clone()));
                self.add_component(name, hoisted);
            }
        }
        self.out.union_variants.push((self.name.to_pascal_case(), variants));
        branches
    }

    /// An untagged union's branches, most specific first, each object branch a component of
    /// its own named after what tells it apart; returns the branches as the union lists them.
    fn untagged(&mut self, branches: Vec<Value>) -> Vec<Value> {
        let branches = most_specific_first(self.doc, branches);
        let constants: Vec<Constants> = branches.iter().map(|b| required_constants(self.doc, b)).collect();
        let variants = variant_names(&branches, &constants);
        if branches.iter().all(|b| b.get("properties").is_some() || b.get("$ref").is_some())
            && tell_apart(&constants)
        {
            // Only the constants that tell branches apart: one every branch has (`object`)
            // decides nothing, and a payload that leaves it out should still decode.
            let telling: Vec<Constants> = constants
                .iter()
                .map(|mine| {
                    let differs = |(p, v): &&(String, Value)| {
                        constants.iter().any(|c| c.iter().any(|(q, w)| q == p && w != v))
                    };
                    mine.iter().filter(differs).cloned().collect()
                })
                .collect();
            let by_variant = variants.iter().cloned().zip(telling).collect();
            self.out.constant_unions.push((self.name.to_pascal_case(), by_variant));
        }
        let mut refs = Vec::new();
        for (branch, variant) in branches.into_iter().zip(&variants) {
            if branch.get("properties").is_some() || is_empty_object(&branch) {
                refs.push(self.branch_component(variant, branch));
            } else {
                refs.push(branch);
            }
        }
        self.out.union_variants.push((self.name.to_pascal_case(), variants));
        refs
    }
}

/// The constant fields of a received union's variants other than its tag (an event's
/// `object: "event"`): they say nothing the tag does not, and WorkOS's documented payloads leave
/// them out, so the post-pass `optional_constants` lets a payload without one decode to the same
/// typed variant (the field keeps its type and is always serialized).
fn optional_constants(branches: &[Value], tag: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for branch in branches {
        for name in branch.get("properties").and_then(Value::as_object).into_iter().flat_map(|p| p.keys()) {
            if name != tag && constant(branch, name).is_some() && !out.contains(name) {
                out.push(name.clone());
            }
        }
    }
    out
}

/// The components that are an operation's JSON request body.
fn request_bodies(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for item in doc.get("paths").and_then(Value::as_object).into_iter().flat_map(|p| p.values()) {
        for op in HTTP_METHODS.iter().filter_map(|m| item.get(*m)) {
            let schema =
                op.pointer("/requestBody/content/application~1json/schema/$ref").and_then(Value::as_str);
            if let Some(name) = schema.and_then(|r| r.strip_prefix("#/components/schemas/")) {
                out.insert(name.to_owned());
            }
        }
    }
    out
}

/// The union a component is, merged with its shared parts; `None` for anything else.
fn union_of(doc: &Value, schema: &Value) -> Option<Union> {
    let direct = |s: &Value| s.get("oneOf").or_else(|| s.get("anyOf")).and_then(Value::as_array).cloned();
    if let Some(branches) = direct(schema) {
        if schema.get("properties").is_some() || schema.get("allOf").is_some() {
            return None;
        }
        return Some(Union { branches: branches.iter().map(|b| flatten(doc, &[], b)).collect() });
    }
    // The union part may be a reference to a union component.
    let parts = schema.get("allOf")?.as_array()?;
    let unions: Vec<&Value> = parts.iter().map(|p| resolve(doc, p)).filter(|p| direct(p).is_some()).collect();
    let [union] = unions.as_slice() else { return None };
    let shared: Vec<&Value> = parts.iter().filter(|p| direct(resolve(doc, p)).is_none()).collect();
    if shared.iter().any(|p| resolve(doc, p).get("properties").is_none() && resolve(doc, p) != &json!({})) {
        return None;
    }
    let branches = direct(union)?;
    Some(Union { branches: branches.iter().map(|b| flatten(doc, &shared, b)).collect() })
}

/// `branch` merged with the `shared` objects: properties (shared first) and required names.
/// A `$ref` branch with nothing shared stays a reference; `not` (which says which fields the
/// others have) is dropped. A branch that is itself "these fields, and one of those" (an OAuth
/// application: first-party, third-party or dynamically registered) is merged loosely, so no
/// field it can carry is dropped: see [`merge`].
fn flatten(doc: &Value, shared: &[&Value], branch: &Value) -> Value {
    let composite = ["allOf", "oneOf", "anyOf"].iter().any(|k| branch.get(*k).is_some());
    if shared.is_empty()
        && (branch.get("$ref").is_some() || (branch.get("properties").is_none() && !composite))
    {
        let mut b = branch.clone();
        if let Some(map) = b.as_object_mut() {
            map.remove("not");
        }
        return b;
    }
    let mut merged = Merged::default();
    for part in shared.iter().copied().chain(std::iter::once(branch)) {
        merge(doc, part, &mut merged, 0);
    }
    let mut out = Map::new();
    out.insert("type".into(), json!("object"));
    if let Some(d) = merged.description {
        out.insert("description".into(), d);
    }
    out.insert("properties".into(), Value::Object(merged.properties));
    if !merged.required.is_empty() {
        out.insert("required".into(), Value::Array(merged.required));
    }
    Value::Object(out)
}

/// An object schema being assembled from parts.
#[derive(Default)]
struct Merged {
    properties: Map<String, Value>,
    required: Vec<Value>,
    description: Option<Value>,
}

/// How deep [`merge`] follows nested `allOf`s and unions.
const MAX_MERGE_DEPTH: usize = 8;

/// Adds `part` (through `$ref`) to `into`: its properties and required names, each `allOf`
/// member, and a nested union loosely: every property any branch has (a property the branches
/// fix to different constants keeps its type without the constant), required only where every
/// branch requires it. The variant keeps every field the document names for it; which of the
/// nested shapes a value is stays readable from those fields.
fn merge(doc: &Value, part: &Value, into: &mut Merged, depth: usize) {
    let part = resolve(doc, part);
    if let Some(props) = part.get("properties").and_then(Value::as_object) {
        for (k, v) in props {
            into.properties.insert(k.clone(), v.clone());
        }
    }
    for r in part.get("required").and_then(Value::as_array).into_iter().flatten() {
        if !into.required.contains(r) {
            into.required.push(r.clone());
        }
    }
    if let Some(d) = part.get("description") {
        into.description = Some(d.clone());
    }
    if depth >= MAX_MERGE_DEPTH {
        return;
    }
    for member in part.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        merge(doc, member, into, depth + 1);
    }
    let Some(branches) = part.get("oneOf").or_else(|| part.get("anyOf")).and_then(Value::as_array) else {
        return;
    };
    let merged: Vec<Merged> = branches
        .iter()
        .filter(|b| resolve(doc, b).get("type").is_none_or(|t| t != "null"))
        .map(|b| {
            let mut m = Merged::default();
            merge(doc, b, &mut m, depth + 1);
            m
        })
        .collect();
    let mut loose = Map::new();
    for branch in &merged {
        for (k, v) in &branch.properties {
            match loose.get_mut(k) {
                None => {
                    loose.insert(k.clone(), v.clone());
                }
                Some(Value::Object(existing))
                    if ["const", "enum"].iter().any(|c| existing.get(*c) != v.get(*c)) =>
                {
                    existing.remove("const");
                    existing.remove("enum");
                }
                Some(_) => {}
            }
        }
    }
    into.properties.extend(loose);
    let Some((first, rest)) = merged.split_first() else { return };
    for r in &first.required {
        if rest.iter().all(|b| b.required.contains(r)) && !into.required.contains(r) {
            into.required.push(r.clone());
        }
    }
}

/// The branches of an untagged union in the order serde should try them: serde takes the first
/// variant that fits, so a branch comes before every earlier one whose required properties it
/// includes and more (a base variant would take every value); the rest keep document order.
fn most_specific_first(doc: &Value, branches: Vec<Value>) -> Vec<Value> {
    let required = |b: &Value| {
        let mut merged = Merged::default();
        merge(doc, b, &mut merged, 0);
        merged.required
    };
    let mut ordered: Vec<(Vec<Value>, Value)> = Vec::new();
    for branch in branches {
        let mine = required(&branch);
        let narrower =
            |theirs: &Vec<Value>| theirs.len() < mine.len() && theirs.iter().all(|r| mine.contains(r));
        let at = ordered.iter().position(|(theirs, _)| narrower(theirs)).unwrap_or(ordered.len());
        ordered.insert(at, (mine, branch));
    }
    ordered.into_iter().map(|(_, b)| b).collect()
}

/// How deep [`required_constants`] looks into required object properties.
const CONSTANT_DEPTH: usize = 2;

/// The constants a branch requires, at its top level and inside its required object properties
/// (`/active`, `/credential/auth_method`), in property order.
fn required_constants(doc: &Value, branch: &Value) -> Constants {
    fn collect(doc: &Value, schema: &Value, at: &str, depth: usize, out: &mut Constants) {
        let mut merged = Merged::default();
        merge(doc, schema, &mut merged, 0);
        for (name, prop) in &merged.properties {
            if !merged.required.iter().any(|r| r == name) {
                continue;
            }
            let here = format!("{at}/{}", escape_token(name));
            let prop = resolve(doc, prop);
            match single_value(prop).cloned() {
                Some(v) => out.push((here, v)),
                None if depth + 1 < CONSTANT_DEPTH && prop.get("properties").is_some() => {
                    collect(doc, prop, &here, depth + 1, out)
                }
                None => {}
            }
        }
    }
    let mut out = Vec::new();
    collect(doc, branch, "", 0, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::pass::fixture::{ctx, run_pass};

    fn doc(schema: Value) -> Value {
        json!({"openapi": "3.1.1", "paths": {}, "components": {"schemas": {"Check": schema}}})
    }

    #[test]
    fn branches_are_named_after_what_only_they_require() {
        let schema = json!({"allOf": [
            {"type": "object", "properties": {"permission_slug": {"type": "string"}}, "required": ["permission_slug"]},
            {"oneOf": [
                {"type": "object", "properties": {"resource_id": {"type": "string"}}, "required": ["resource_id"],
                 "not": {"anyOf": [{"required": ["resource_external_id"]}]}},
                {"type": "object", "properties": {"resource_external_id": {"type": "string"},
                    "resource_type_slug": {"type": "string"}}, "required": ["resource_external_id", "resource_type_slug"]}
            ]}
        ]});
        let mut ctx = ctx();
        let mut d = doc(schema);
        assert_eq!(name_union_variants(&mut d, &mut ctx).unwrap(), 1);
        let schemas = &d["components"]["schemas"];
        assert_eq!(
            schemas["Check"]["oneOf"],
            json!([{"$ref": "#/components/schemas/CheckResourceId"}, {"$ref": "#/components/schemas/CheckResourceExternalId"}])
        );
        assert_eq!(schemas["CheckResourceId"]["required"], json!(["permission_slug", "resource_id"]));
        assert!(schemas["CheckResourceId"].get("not").is_none());
        assert_eq!(
            ctx.out.union_variants,
            [("Check".to_owned(), vec!["ResourceId".to_owned(), "ResourceExternalId".to_owned()])]
        );
    }

    #[test]
    fn a_branch_adding_nothing_is_base() {
        let schema = json!({"oneOf": [
            {"type": "object"},
            {"type": "object", "properties": {"role_slug": {"type": "string"}}, "required": ["role_slug"]},
            {"type": "object", "properties": {"role_slugs": {"type": "array", "items": {"type": "string"}}}, "required": ["role_slugs"]}
        ]});
        let out = run_pass(name_union_variants, doc(schema));
        let refs: Vec<&str> = out["components"]["schemas"]["Check"]["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["$ref"].as_str().unwrap())
            .collect();
        assert_eq!(
            refs,
            [
                "#/components/schemas/CheckRoleSlug",
                "#/components/schemas/CheckRoleSlugs",
                "#/components/schemas/CheckBase"
            ],
            "the base variant, which fits every value, is tried last"
        );
    }

    #[test]
    fn a_discriminated_union_is_flattened_for_a_tagged_enum() {
        let schema = json!({"allOf": [
            {"type": "object", "properties": {"id": {"type": "string"}, "event": {"type": "string"}}, "required": ["id", "event"]},
            {"oneOf": [
                {"type": "object", "properties": {"event": {"type": "string", "enum": ["a.created"]}, "data": {"type": "object"}}},
                {"type": "object", "properties": {"event": {"type": "string", "enum": ["a.deleted"]}, "data": {"type": "object"}}}
            ]}
        ]});
        let out = run_pass(name_union_variants, doc(schema));
        let branches = out["components"]["schemas"]["Check"]["oneOf"].as_array().unwrap();
        assert_eq!(branches.len(), 2);
        assert_eq!(branches[0]["properties"]["event"]["enum"], json!(["a.created"]));
        assert_eq!(branches[0]["required"], json!(["id", "event"]));
        assert!(branches[0]["properties"].get("id").is_some());
        assert_eq!(branches[0]["properties"]["event"]["enum"], json!(["a.created"]), "a scalar stays inline");
    }

    #[test]
    fn each_tagged_variant_gets_its_own_nested_types() {
        let data = |field: &str| json!({"type": "object", "properties": {field: {"type": "string"}}});
        let schema = json!({"oneOf": [
            {"type": "object", "properties": {"event": {"type": "string", "enum": ["a.created"]}, "data": data("x")}, "required": ["event"]},
            {"type": "object", "properties": {"event": {"type": "string", "enum": ["b.deleted"]}, "data": data("y")}, "required": ["event"]}
        ]});
        let out = run_pass(name_union_variants, doc(schema));
        let schemas = &out["components"]["schemas"];
        assert_eq!(
            schemas["Check"]["oneOf"][0]["properties"]["data"]["$ref"],
            "#/components/schemas/ACreatedData"
        );
        assert_eq!(schemas["BDeletedData"]["properties"]["y"]["type"], "string");
    }

    #[test]
    fn variants_with_the_same_data_share_a_type_under_aliases() {
        let data = |doc: &str| json!({"type": "object", "description": doc, "properties": {"x": {"type": "string", "description": doc}}});
        let schema = json!({"oneOf": [
            {"type": "object", "properties": {"event": {"type": "string", "enum": ["a.created"]}, "data": data("one")}, "required": ["event"]},
            {"type": "object", "properties": {"event": {"type": "string", "enum": ["a.deleted"]}, "data": data("two")}, "required": ["event"]}
        ]});
        let mut ctx = ctx();
        let mut d = doc(schema);
        name_union_variants(&mut d, &mut ctx).unwrap();
        let schemas = &d["components"]["schemas"];
        assert_eq!(
            schemas["Check"]["oneOf"][1]["properties"]["data"]["$ref"],
            "#/components/schemas/ACreatedData"
        );
        assert!(schemas.get("ADeletedData").is_none());
        assert_eq!(ctx.out.type_aliases, [("ADeletedData".to_owned(), "ACreatedData".to_owned())]);
    }

    #[test]
    fn a_discriminated_request_body_gets_a_struct_per_variant() {
        let schema = json!({"oneOf": [
            {"type": "object", "properties": {"grant_type": {"type": "string", "enum": ["password"]}, "email": {"type": "string"}}, "required": ["grant_type", "email"]},
            {"type": "object", "properties": {"grant_type": {"type": "string", "enum": ["refresh_token"]}, "refresh_token": {"type": "string"}}, "required": ["grant_type", "refresh_token"]}
        ]});
        let mut d = doc(schema);
        d["paths"] = json!({"/authenticate": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Check"}}}}}}});
        let out = run_pass(name_union_variants, d);
        let schemas = &out["components"]["schemas"];
        assert_eq!(
            schemas["Check"]["oneOf"],
            json!([{"$ref": "#/components/schemas/CheckPassword"}, {"$ref": "#/components/schemas/CheckRefreshToken"}])
        );
        assert_eq!(schemas["CheckPassword"]["properties"]["grant_type"]["enum"], json!(["password"]));
    }

    #[test]
    fn discriminator_values_name_tagged_variants_by_their_telling_tail() {
        let values: Vec<String> = [
            "authorization_code",
            "urn:workos:oauth:grant-type:magic-auth:code",
            "urn:workos:oauth:grant-type:email-verification:code",
            "urn:ietf:params:oauth:grant-type:device_code",
            "dsync.user.created",
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(
            tag_names(&values),
            ["AuthorizationCode", "MagicAuthCode", "EmailVerificationCode", "DeviceCode", "DsyncUserCreated"]
        );
    }

    #[test]
    fn a_nested_union_is_merged_loosely_and_its_discriminator_tags_the_variants() {
        // ConnectApplication's shape: shared fields, and either an OAuth application (its own
        // fields, and one of three kinds) or an M2M one.
        let kind = |first: bool, extra: Value| {
            let mut props = json!({"is_first_party": {"type": "boolean", "const": first}});
            props.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            let required: Vec<&String> = props.as_object().unwrap().keys().collect();
            json!({"type": "object", "properties": props, "required": required})
        };
        let schema = json!({"allOf": [
            {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
            {"oneOf": [
                {"allOf": [
                    {"type": "object", "properties": {"application_type": {"type": "string", "const": "oauth"},
                        "uses_pkce": {"type": "boolean"}}, "required": ["application_type", "uses_pkce"]},
                    {"oneOf": [
                        kind(true, json!({})),
                        kind(false, json!({"organization_id": {"type": "string"}})),
                        kind(false, json!({"was_dynamically_registered": {"type": "boolean", "const": true}}))
                    ]}
                ]},
                {"type": "object", "properties": {"application_type": {"type": "string", "const": "m2m"},
                    "organization_id": {"type": "string"}}, "required": ["application_type", "organization_id"]}
            ]}
        ]});
        let mut ctx = ctx();
        let mut d = doc(schema);
        name_union_variants(&mut d, &mut ctx).unwrap();
        let oauth = &d["components"]["schemas"]["Check"]["oneOf"][0];
        let props: Vec<&String> = oauth["properties"].as_object().unwrap().keys().collect();
        assert_eq!(
            props,
            [
                "id",
                "application_type",
                "uses_pkce",
                "is_first_party",
                "organization_id",
                "was_dynamically_registered"
            ]
        );
        assert_eq!(oauth["required"], json!(["id", "application_type", "uses_pkce", "is_first_party"]));
        assert!(oauth["properties"]["is_first_party"].get("const").is_none(), "the kinds disagree");
        assert_eq!(oauth["properties"]["application_type"]["const"], "oauth");
        assert_eq!(
            ctx.out.union_variants,
            [("Check".to_owned(), vec!["Oauth".to_owned(), "M2m".to_owned()])]
        );
    }

    #[test]
    fn an_untagged_union_tries_the_variant_that_requires_more_first() {
        let schema = json!({"oneOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "required": ["a", "b"]},
            {"type": "string"}
        ]});
        let out = run_pass(name_union_variants, doc(schema));
        assert_eq!(
            out["components"]["schemas"]["Check"]["oneOf"],
            json!([{"$ref": "#/components/schemas/CheckB"}, {"$ref": "#/components/schemas/CheckBase"}, {"type": "string"}])
        );
    }

    #[test]
    fn a_tag_named_twice_keeps_the_rest_typed_and_says_which() {
        let event = |name: &str, field: &str| {
            json!({"type": "object", "properties": {"event": {"type": "string", "const": name},
                "data": {"type": "object", "properties": {field: {"type": "string"}}}}, "required": ["event", "data"]})
        };
        let schema = json!({"oneOf": [event("a.created", "x"), event("b.deleted", "y"), event("a.created", "z"), event("c.updated", "w")]});
        let mut ctx = ctx();
        let mut d = doc(schema);
        name_union_variants(&mut d, &mut ctx).unwrap();
        assert_eq!(
            ctx.out.union_variants,
            [("Check".to_owned(), vec!["ACreated".to_owned(), "BDeleted".to_owned(), "CUpdated".to_owned()])]
        );
        assert_eq!(d["components"]["schemas"]["ACreatedData"]["properties"]["x"]["type"], "string");
        assert_eq!(
            ctx.out.warnings,
            [
                "`Check` names `a.created` twice under `event`; the first branch of each is generated, the others are dropped"
            ]
        );
    }

    #[test]
    fn unions_of_references_or_scalars_are_left_to_typify() {
        let refs =
            doc(json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}));
        assert_eq!(run_pass(name_union_variants, refs.clone()), refs);
        let scalars = doc(json!({"oneOf": [{"type": "string"}, {"type": "number"}]}));
        assert_eq!(run_pass(name_union_variants, scalars.clone()), scalars);
    }
}
