//! The diff's report: every change, the documents' sizes and the totals.

use serde::Serialize;
use serde_json::Value;

use super::rules::Severity;
use super::rust_api::ApiDiff;
use crate::openapi::operations_of;

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Classification for users of the Rust crate.
    pub severity: Severity,
    /// The rule applied ([`super::rules::RULES`]).
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
    pub(super) fn of(name: &str, doc: &Value) -> Self {
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
    Diff(ApiDiff),
    /// A document could not be generated.
    Unavailable(String),
}

impl Report {
    /// The most severe change, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.changes.iter().map(|c| c.severity).min()
    }
}
