//! Normalization: named passes that rewrite the OpenAPI 3.1.1 document, as a JSON value, into
//! the OpenAPI 3.0.3 subset `openapiv3` 2.x and progenitor 0.15 accept. Each pass is small and
//! has its own fixture tests; `PASSES` is the order they run in.

mod check;
mod constants;
mod operations;
mod redirects;
mod responses;
pub(crate) mod reuse;
mod schema_keywords;
mod unions;
pub(crate) mod walk;

use std::path::Path;

use serde_json::{Map, Value};

pub use redirects::{Redirect, RedirectParam};
pub use responses::ERROR_BODY;

use crate::error::{Error, Result, escape_token};
use crate::naming::NameOverrides;

/// The HTTP methods a path item may hold.
pub(crate) const HTTP_METHODS: &[&str] =
    &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Project-authored inputs from `workos-spec/` that the passes apply.
#[derive(Debug, Clone)]
pub struct Overlays {
    /// Method-name overrides.
    pub names: NameOverrides,
    /// Schemas added to the components (`ErrorBody` and what it references).
    pub schemas: Map<String, Value>,
    /// Which area each tag goes to.
    pub areas: crate::surface::areas::AreaTable,
    /// Corrections and additions to the document (`workos-spec/overlay.yaml`), applied before
    /// any pass.
    pub document: crate::overlay::DocumentOverlay,
}

/// What the passes produced besides the rewritten document.
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    /// Redirect operations, emitted as URL builders.
    pub redirects: Vec<Redirect>,
    /// Notes for the coverage summary (what a typed method does not cover, and why).
    pub notes: Vec<String>,
    /// Problems in the document the codegen worked around, each naming what it did (a union
    /// that names one variant twice).
    pub warnings: Vec<String>,
    /// How many method names came from the override table.
    pub name_overrides_used: usize,
    /// Methods whose JSON success type became optional, with their body-less 2xx statuses.
    pub empty_success: Vec<(String, Vec<u16>)>,
    /// Union types and the names their variants get, in branch order.
    pub union_variants: Vec<(String, Vec<String>)>,
    /// Type names that stand for another type of the same shape (`alias`, `target`): the data
    /// of events that carry the same fields.
    pub type_aliases: Vec<(String, String)>,
    /// Received tagged unions and the constant fields of their variants other than the tag
    /// (`EventSchema`, `object`): decoded with the constant as the default when a payload
    /// leaves them out.
    pub optional_constants: Vec<(String, String)>,
    /// Untagged unions whose branches the constants they require tell apart (a credential's
    /// `active` and `credential.auth_method`): each variant with its constants, as JSON
    /// pointers and values, for the post-pass `constant_unions` to decode by.
    pub constant_unions: Vec<(String, Vec<(String, Constants)>)>,
}

/// The constants a union branch requires: JSON pointers and their single allowed values.
pub type Constants = Vec<(String, Value)>;

/// The normalized document and what the passes reported.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The OpenAPI 3.0.3 document.
    pub document: Value,
    /// Operations in the input document.
    pub operations: usize,
    /// Rewrites made by each pass, in order.
    pub pass_counts: Vec<(&'static str, usize)>,
    /// Redirects, notes and naming facts.
    pub outputs: Outputs,
}

/// State shared by the passes of one run.
pub(crate) struct Ctx<'a> {
    file: &'a Path,
    overlays: &'a Overlays,
    out: Outputs,
}

impl Ctx<'_> {
    fn error(&self, pointer: &str, message: impl Into<String>) -> Error {
        Error::Spec { file: self.file.to_owned(), pointer: pointer.to_owned(), message: message.into() }
    }
}

type PassFn = fn(&mut Value, &mut Ctx<'_>) -> Result<usize>;

/// The passes, in the order they run. The first validates; the others rewrite.
pub const PASS_NAMES: &[&str] = &[
    "check_document",
    "single_request_media_type",
    "dedupe_required",
    "ref_siblings",
    "type_arrays",
    "null_branches",
    "const_to_enum",
    "unsupported_assertions",
    "string_limits",
    "enum_collisions",
    "property_collisions",
    "name_operations",
    "extract_redirects",
    "unify_errors",
    "unify_success",
    "reuse_components",
    "hoist_inline_schemas",
    "name_union_variants",
    "share_constants",
    "inline_name_collisions",
    "downgrade_version",
];

const PASSES: &[PassFn] = &[
    check::check_document,
    check::single_request_media_type,
    schema_keywords::dedupe_required,
    schema_keywords::ref_siblings,
    schema_keywords::type_arrays,
    schema_keywords::null_branches,
    schema_keywords::const_to_enum,
    schema_keywords::unsupported_assertions,
    schema_keywords::string_limits,
    schema_keywords::enum_collisions,
    schema_keywords::property_collisions,
    operations::name_operations,
    redirects::extract_redirects,
    responses::unify_errors,
    responses::unify_success,
    reuse::reuse_components,
    operations::hoist_inline_schemas,
    unions::name_union_variants,
    constants::share_constants,
    operations::inline_name_collisions,
    operations::downgrade_version,
];

/// Runs every pass over `document` (read from `file`, which errors name).
pub fn normalize(file: &Path, mut document: Value, overlays: &Overlays) -> Result<Normalized> {
    let mut ctx = Ctx { file, overlays, out: Outputs::default() };
    let mut pass_counts = Vec::with_capacity(PASSES.len());
    for (name, pass) in PASS_NAMES.iter().zip(PASSES) {
        pass_counts.push((*name, pass(&mut document, &mut ctx)?));
    }
    Ok(Normalized { document, operations: pass_counts[0].1, pass_counts, outputs: ctx.out })
}

/// `v`, or what its local `$ref` points to (unresolvable references were rejected by
/// `check_document`; one left here resolves to itself).
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
pub(crate) fn component_names(doc: &Value) -> std::collections::BTreeSet<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default()
}

/// `base`, or else `base2`, `base3`, ...: the first name not in `taken`, which it joins.
pub(crate) fn unique_name(taken: &mut std::collections::BTreeSet<String>, base: &str) -> String {
    let mut name = base.to_owned();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

/// A callback given each operation's pointer, method, path and object.
pub(crate) type OperationVisitor<'a, E> =
    dyn FnMut(&str, &str, &str, &mut Map<String, Value>) -> Result<(), E> + 'a;

/// Calls `f(pointer, method, path, operation)` for every operation, in document order.
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) fn overlays() -> Overlays {
        Overlays {
            names: NameOverrides::default(),
            schemas: json!({"ErrorBody": {"type": "object", "properties": {"message": {"type": "string"}}}})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            areas: Default::default(),
            document: crate::overlay::DocumentOverlay::empty(),
        }
    }

    pub(crate) fn run_pass(pass: PassFn, mut doc: Value) -> Value {
        let overlays = overlays();
        let mut ctx = Ctx { file: Path::new("fixture.yaml"), overlays: &overlays, out: Outputs::default() };
        pass(&mut doc, &mut ctx).unwrap();
        doc
    }

    fn op(responses: Value) -> Value {
        json!({"openapi": "3.1.1", "components": {"schemas": {}}, "paths": {"/things/{id}": {"get": {
            "operationId": "Things_get",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": responses
        }}}})
    }

    #[test]
    fn request_body_keeps_json_among_media_types() {
        let doc = json!({"openapi": "3.1.1", "paths": {"/a": {"post": {"operationId": "a",
            "requestBody": {"content": {"text/plain": {"schema": {"type": "string"}},
                                        "application/json": {"schema": {"type": "object"}}}},
            "responses": {}}}}});
        let out = run_pass(check::single_request_media_type, doc);
        let content = out.pointer("/paths/~1a/post/requestBody/content").unwrap().as_object().unwrap();
        assert_eq!(content.keys().collect::<Vec<_>>(), ["application/json"]);
    }

    #[test]
    fn errors_become_shared_ranges() {
        let doc = op(json!({
            "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}},
            "404": {"description": "nf", "content": {"application/json": {"schema": {"type": "object",
                "properties": {"code": {"type": "string", "enum": ["thing_missing"]}}}}}},
            "422": {"description": "bad"}
        }));
        let out = run_pass(responses::unify_errors, doc);
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
        let doc = op(json!({
            "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}},
            "204": {"description": "none"}
        }));
        let overlays = overlays();
        let mut ctx = Ctx { file: Path::new("f.yaml"), overlays: &overlays, out: Outputs::default() };
        let mut doc = doc;
        assert_eq!(responses::unify_success(&mut doc, &mut ctx).unwrap(), 1);
        let responses = doc.pointer("/paths/~1things~1{id}/get/responses").unwrap();
        assert_eq!(responses.as_object().unwrap().keys().collect::<Vec<_>>(), ["200"]);
        assert_eq!(
            responses["200"]["content"]["application/json"]["schema"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(ctx.out.empty_success, [("Things_get".to_owned(), vec![204])]);
        assert!(ctx.out.notes[0].contains("GET /things/{id}: status 204 has no body"), "{:?}", ctx.out.notes);
    }

    #[test]
    fn redirect_operation_becomes_url_builder_input() {
        let doc = json!({"openapi": "3.1.1", "paths": {"/sso/authorize": {"get": {
            "operationId": "get_sso_authorize", "summary": "Initiate SSO",
            "parameters": [{"name": "client_id", "in": "query", "required": true, "schema": {"type": "string"}},
                           {"name": "state", "in": "query", "schema": {"type": "string"}}],
            "responses": {"302": {"description": "redirect"}}
        }}}});
        let overlays = overlays();
        let mut ctx = Ctx { file: Path::new("f.yaml"), overlays: &overlays, out: Outputs::default() };
        let mut doc = doc;
        assert_eq!(redirects::extract_redirects(&mut doc, &mut ctx).unwrap(), 1);
        assert_eq!(doc["paths"], json!({}));
        let r = &ctx.out.redirects[0];
        assert_eq!(
            (r.name.as_str(), r.params.len(), r.params[0].required, r.params[1].required),
            ("get_sso_authorize", 2, true, false)
        );
    }

    #[test]
    fn inline_responses_get_distinct_names() {
        let mut doc = op(json!({
            "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}},
            "201": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"b": {"type": "string"}}}}}}
        }));
        doc["components"]["schemas"]["ThingsGet200Response"] = json!({"type": "string"});
        let out = run_pass(operations::hoist_inline_schemas, doc);
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
        let out = run_pass(operations::inline_name_collisions, doc);
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
        let overlays = overlays();
        let mut ctx = Ctx { file: Path::new("f.yaml"), overlays: &overlays, out: Outputs::default() };
        let mut doc = doc;
        let err = operations::name_operations(&mut doc, &mut ctx).unwrap_err().to_string();
        assert!(err.contains("`get_a` derived for both `GET /a/{id}` and `GET /a/{slug}/`"), "{err}");
    }
}
