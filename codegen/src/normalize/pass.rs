//! What a pass is given and what it gives back: the state of one run ([`Ctx`]), and what the
//! passes report besides the rewritten document ([`Outputs`]), which later stages read.

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::naming::NameOverrides;

/// A pass: rewrites the document, returns how many rewrites it made.
pub(crate) type PassFn = fn(&mut Value, &mut Ctx<'_>) -> Result<usize>;

/// State shared by the passes of one run.
pub(crate) struct Ctx<'a> {
    /// The document's file, which errors name.
    file: &'a Path,
    /// Method-name overrides (`workos-spec/method-names.toml`).
    pub(super) names: &'a NameOverrides,
    /// Schemas every document gets (`workos-spec/overlay-schemas.yaml`).
    pub(super) schemas: &'a Map<String, Value>,
    /// What the passes report so far.
    pub(super) out: Outputs,
}

impl<'a> Ctx<'a> {
    /// A run over the document read from `file`.
    pub(super) fn new(file: &'a Path, names: &'a NameOverrides, schemas: &'a Map<String, Value>) -> Self {
        Ctx { file, names, schemas, out: Outputs::default() }
    }

    /// An error at `pointer` in the document.
    pub(super) fn error(&self, pointer: &str, message: impl Into<String>) -> Error {
        Error::Spec { file: self.file.to_owned(), pointer: pointer.to_owned(), message: message.into() }
    }
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

/// One redirect operation, as the URL-builder emitter needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Redirect {
    /// Method name (already derived), e.g. `get_sso_authorize`.
    pub name: String,
    /// HTTP method, lower case.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Summary and description, for docs.
    pub doc: String,
    /// Path and query parameters.
    pub params: Vec<RedirectParam>,
}

/// A parameter of a redirect operation.
#[derive(Debug, Clone, PartialEq)]
pub struct RedirectParam {
    /// Wire name.
    pub name: String,
    /// `path` or `query`.
    pub location: String,
    /// Whether the document requires it.
    pub required: bool,
    /// JSON type: `string`, `integer`, `number`, `boolean`, `array` (of strings) or `object`
    /// (string values).
    pub kind: String,
    /// OpenAPI `explode` (default `true` for query parameters): an array is sent as repeated
    /// `name=v` pairs, or else as one comma-separated `name=v1,v2`.
    pub explode: bool,
    /// Description and allowed values, for docs.
    pub doc: String,
    /// The one value a string parameter can take (`const`, or an `enum` of one), which the
    /// parameters' constructor fills in.
    pub fixed: Option<String>,
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A context for the passes' fixture documents.

    use std::sync::LazyLock;

    use super::*;

    static NO_NAMES: NameOverrides = NameOverrides { overrides: std::collections::BTreeMap::new() };

    static SCHEMAS: LazyLock<Map<String, Value>> = LazyLock::new(|| {
        let error_body = serde_json::json!({"type": "object", "properties": {"message": {"type": "string"}}});
        Map::from_iter([("ErrorBody".to_owned(), error_body)])
    });

    /// A fresh context: no method-name overrides, and an `ErrorBody` to add.
    pub(crate) fn ctx() -> Ctx<'static> {
        Ctx::new(Path::new("fixture.yaml"), &NO_NAMES, &SCHEMAS)
    }

    /// A document with one operation, `GET /things/{id}`, answering `responses`.
    pub(crate) fn operation(responses: Value) -> Value {
        serde_json::json!({"openapi": "3.1.1", "components": {"schemas": {}}, "paths": {"/things/{id}": {"get": {
            "operationId": "Things_get",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": responses
        }}}})
    }

    /// `doc` after `pass`, which must succeed.
    pub(crate) fn run_pass(pass: PassFn, mut doc: Value) -> Value {
        pass(&mut doc, &mut ctx()).unwrap();
        doc
    }
}
