//! The second stage, normalization: named passes that rewrite the OpenAPI 3.1.1 document, as a
//! JSON value, into the OpenAPI 3.0.3 subset `openapiv3` 2.x and progenitor 0.15 accept. Each
//! pass is small and has its own fixture tests; `PASSES` is the order they run in, and a pass
//! reports what later stages need in [`Outputs`].

mod check;
mod constants;
mod operations;
mod pass;
mod redirects;
mod responses;
mod reuse;
mod schema_keywords;
mod union_names;
mod unions;
mod walk;

use std::path::Path;

use serde_json::{Map, Value};

pub use pass::{Constants, Outputs, Redirect, RedirectParam};
pub use responses::ERROR_BODY;

use crate::error::Result;
use crate::naming::NameOverrides;
use pass::{Ctx, PassFn};

/// The passes, in the order they run, by name. The first validates; the others rewrite.
const PASSES: &[(&str, PassFn)] = &[
    ("check_document", check::check_document),
    ("single_request_media_type", check::single_request_media_type),
    ("dedupe_required", schema_keywords::dedupe_required),
    ("ref_siblings", schema_keywords::ref_siblings),
    ("type_arrays", schema_keywords::type_arrays),
    ("null_branches", schema_keywords::null_branches),
    ("const_to_enum", schema_keywords::const_to_enum),
    ("unsupported_assertions", schema_keywords::unsupported_assertions),
    ("string_limits", schema_keywords::string_limits),
    ("enum_collisions", schema_keywords::enum_collisions),
    ("property_collisions", schema_keywords::property_collisions),
    ("name_operations", operations::name_operations),
    ("extract_redirects", redirects::extract_redirects),
    ("unify_errors", responses::unify_errors),
    ("unify_success", responses::unify_success),
    ("reuse_components", reuse::reuse_components),
    ("hoist_inline_schemas", operations::hoist_inline_schemas),
    ("name_union_variants", unions::name_union_variants),
    ("share_constants", constants::share_constants),
    ("inline_name_collisions", operations::inline_name_collisions),
    ("downgrade_version", operations::downgrade_version),
];

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

/// Runs every pass over `document` (read from `file`, which errors name), with the project's
/// method-name overrides and the schemas every document gets (`ErrorBody`).
pub fn run(
    file: &Path,
    mut document: Value,
    names: &NameOverrides,
    schemas: &Map<String, Value>,
) -> Result<Normalized> {
    let mut ctx = Ctx::new(file, names, schemas);
    let mut pass_counts = Vec::with_capacity(PASSES.len());
    for (name, pass) in PASSES {
        pass_counts.push((*name, pass(&mut document, &mut ctx)?));
    }
    Ok(Normalized { document, operations: pass_counts[0].1, pass_counts, outputs: ctx.out })
}
