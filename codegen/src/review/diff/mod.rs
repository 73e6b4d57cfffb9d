//! The spec diff: what changed between two OpenAPI documents, classified for users of the
//! generated Rust crate (see [`rules`]), with the crate's public API impact.

mod operations;
mod reach;
mod render;
mod report;
pub mod rules;
pub mod rust_api;
mod schemas;

use std::collections::BTreeSet;

use serde_json::Value;

pub use render::{cell, folded, markdown, summary};
pub use report::{Change, Counts, Report, RustApi, Side};
use rules::Severity;
use schemas::{At, Differ};

use crate::openapi::{canonical, escape_token, operation_key, operations_of};
use crate::surface::areas::AreaTable;

/// Diffs two parsed documents (see the module docs of [`rules`] for the classification). Areas
/// are named after the first segment of each operation's first tag; [`diff_with`] uses the
/// project's tables.
pub fn diff(old_name: &str, old: &Value, new_name: &str, new: &Value) -> Report {
    diff_with(old_name, old, new_name, new, &Context::default())
}

/// What the project adds to a bare document diff.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// `workos-spec/areas.toml`: names each operation's area.
    pub areas: Option<&'a AreaTable>,
    /// `workos-spec/overlay-schemas.yaml`: components the generator adds to every document, so
    /// an inline schema of the same shape already had that component's type.
    pub overlay_schemas: Option<&'a serde_json::Map<String, Value>>,
}

/// The area of each operation of `doc`: the table's area for its first tag, else the tag's
/// first segment in snake case, else `untagged`.
fn areas_of(doc: &Value, table: Option<&AreaTable>) -> Vec<(String, String)> {
    use heck::ToSnakeCase as _;
    operations_of(doc)
        .into_iter()
        .map(|(method, path, _, op)| {
            let tag = op.pointer("/tags/0").and_then(Value::as_str);
            let area = tag
                .and_then(|t| table.and_then(|table| table.area_of(t)))
                .or_else(|| tag.map(|t| t.split('.').next().unwrap_or(t).to_snake_case()))
                .unwrap_or_else(|| "untagged".to_owned());
            (operation_key(method, path), area)
        })
        .collect()
}

/// [`diff`], with the project's areas and overlay schemas.
pub fn diff_with(old_name: &str, old: &Value, new_name: &str, new: &Value, context: &Context<'_>) -> Report {
    let table = context.areas;
    let mut differ = Differ::new(old, new);
    // The components the old crate had a type for: the document's and the overlay's.
    let old_components = old.pointer("/components/schemas").and_then(Value::as_object);
    for (name, schema) in
        old_components.into_iter().flatten().chain(context.overlay_schemas.into_iter().flatten())
    {
        differ.known_old.entry(name.clone()).or_insert_with(|| canonical(schema));
    }
    operations::compare(&mut differ, old, new);
    let (old_reach, new_reach) = (reach::Reach::of(old), reach::Reach::of(new));
    let schemas = |doc: &Value| {
        doc.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default()
    };
    let (old_schemas, new_schemas) = (schemas(old), schemas(new));
    let names: BTreeSet<&String> = old_schemas.keys().chain(new_schemas.keys()).collect();
    for name in names {
        let at = At {
            location: format!("schema {name}"),
            path: String::new(),
            direction: reach::Reach::direction(&old_reach, &new_reach, name),
            operations: reach::Reach::operations(&old_reach, &new_reach, name),
        };
        match (
            old.pointer(&format!("/components/schemas/{}", escape_token(name))),
            new.pointer(&format!("/components/schemas/{}", escape_token(name))),
        ) {
            (Some(o), Some(n)) => differ.compare(o, n, &at, false),
            (None, Some(_)) => differ.push("schema-added", &at, "schema added".to_owned()),
            (Some(_), None) => differ.push("schema-removed", &at, "schema removed".to_owned()),
            (None, None) => {}
        }
    }
    let mut changes = differ.changes;
    changes.sort_by(|a, b| (a.severity, &a.location, &a.detail).cmp(&(b.severity, &b.location, &b.detail)));
    changes.dedup_by(|a, b| a.rule == b.rule && a.location == b.location && a.detail == b.detail);
    let count = |s: Severity| changes.iter().filter(|c| c.severity == s).count();
    let rule_count = |r: &str| changes.iter().filter(|c| c.rule == r).count();
    let counts = Counts {
        breaking: count(Severity::Breaking),
        possibly_breaking: count(Severity::PossiblyBreaking),
        non_breaking: count(Severity::NonBreaking),
        operations_added: rule_count("operation-added"),
        operations_removed: rule_count("operation-removed"),
    };
    let areas = areas_of(old, table).into_iter().chain(areas_of(new, table)).collect();
    Report {
        old: Side::of(old_name, old),
        new: Side::of(new_name, new),
        counts,
        changes,
        rust_api: None,
        areas,
    }
}
