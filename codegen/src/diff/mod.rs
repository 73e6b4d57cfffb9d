//! The spec diff: what changed between two OpenAPI documents, classified for users of the
//! generated Rust crate (see [`rules`]), with the crate's public API impact.

pub mod compat;
mod operations;
mod reach;
mod render;
pub mod rules;
pub mod rust_api;
mod schemas;

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

pub use render::{cell, folded, markdown, summary};
use rules::Severity;
use schemas::{At, Differ};

/// `a` and `b` without the names only one of them has, each in its own order: the same names
/// in another order are a reordering of a function's arguments.
pub(crate) fn common_order(a: &[String], b: &[String]) -> (Vec<String>, Vec<String>) {
    let kept = |names: &[String], other: &[String]| -> Vec<String> {
        names.iter().filter(|n| other.contains(n)).cloned().collect()
    };
    (kept(a, b), kept(b, a))
}

/// `GET /organizations/{id}`.
pub fn operation_key(method: &str, path: &str) -> String {
    format!("{} {path}", method.to_ascii_uppercase())
}

/// `GET /users/{}` for `GET /users/{id}`: the operation whatever its parameters are named
/// (renaming a path parameter changes no call).
pub(crate) fn operation_shape(method: &str, path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    format!("{} {out}", method.to_ascii_uppercase())
}

/// Every operation of a document: (method, path, path item, operation).
pub fn operations_of(doc: &Value) -> Vec<(&str, &str, &Value, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if crate::passes::HTTP_METHODS.contains(&method.as_str()) {
                out.push((method.as_str(), path.as_str(), item, op));
            }
        }
    }
    out
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Classification for users of the Rust crate.
    pub severity: Severity,
    /// The rule applied ([`rules::RULES`]).
    pub rule: &'static str,
    /// Where: an operation (`GET /x`, `GET /x response 200`, `POST /x request body`) or a
    /// schema (`schema Role`).
    pub location: String,
    /// What changed, with the path inside the location when there is one.
    pub detail: String,
    /// Operations that reach the change.
    pub operations: Vec<String>,
}

/// A document's name and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    /// What the user named (file or version).
    pub name: String,
    /// `info.version`.
    pub version: String,
    /// Number of operations.
    pub operations: usize,
    /// Number of component schemas.
    pub schemas: usize,
}

impl Side {
    fn of(name: &str, doc: &Value) -> Self {
        Self {
            name: name.to_owned(),
            version: doc.pointer("/info/version").and_then(Value::as_str).unwrap_or("?").to_owned(),
            operations: operations_of(doc).len(),
            schemas: doc.pointer("/components/schemas").and_then(Value::as_object).map_or(0, |m| m.len()),
        }
    }
}

/// Counts by severity and of operations added and removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Breaking changes.
    pub breaking: usize,
    /// Possibly breaking changes.
    pub possibly_breaking: usize,
    /// Non-breaking changes.
    pub non_breaking: usize,
    /// Operations added.
    pub operations_added: usize,
    /// Operations removed.
    pub operations_removed: usize,
}

/// The whole diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The old document.
    pub old: Side,
    /// The new document.
    pub new: Side,
    /// Totals.
    pub counts: Counts,
    /// Every change, most severe first.
    pub changes: Vec<Change>,
    /// The generated crate's public API change, when both documents could be generated.
    pub rust_api: Option<RustApi>,
    /// The area (`client.<area>()`) of every operation of either document, by operation key.
    pub areas: std::collections::BTreeMap<String, String>,
}

/// The Rust API impact, or why it could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RustApi {
    /// Items added, removed and changed.
    Diff(rust_api::ApiDiff),
    /// A document could not be generated.
    Unavailable(String),
}

impl Report {
    /// The most severe change, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.changes.iter().map(|c| c.severity).min()
    }
}

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
    pub areas: Option<&'a crate::surface::areas::AreaTable>,
    /// `workos-spec/overlay-schemas.yaml`: components the generator adds to every document, so
    /// an inline schema of the same shape already had that component's type.
    pub overlay_schemas: Option<&'a serde_json::Map<String, Value>>,
}

/// The area of each operation of `doc`: the table's area for its first tag, else the tag's
/// first segment in snake case, else `untagged`.
fn areas_of(doc: &Value, table: Option<&crate::surface::areas::AreaTable>) -> Vec<(String, String)> {
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
        differ.known_old.entry(name.clone()).or_insert_with(|| crate::passes::reuse::canonical(schema));
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
            old.pointer(&format!("/components/schemas/{}", escape(name))),
            new.pointer(&format!("/components/schemas/{}", escape(name))),
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

/// JSON pointer escaping of one segment.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
