//! The document overlay: corrections and additions to WorkOS's document, in the OpenAPI
//! Overlay 1.0.0 format (`workos-spec/overlay.yaml`), applied to every document the codegen
//! reads before any other step (generation, the emulator's fill table, the spec diff, compat).
//!
//! Each action says, in its `description`, what it corrects and the evidence for it (which
//! recorded body, which SDK, which date): an action without one is refused. Applying reports,
//! per action, how many nodes its JSONPath matched and whether it changed the document; an
//! action that changes nothing in the vendored document is stale (the target is gone, or
//! WorkOS fixed the document), and `spec upgrade` drops it and says so.
//!
//! An action that adds to the document (an operation WorkOS's SDKs ship but the document lacks,
//! a schema, a property) is not applied to a document that already has everything it adds: the
//! document's own description wins, the action is reported superseded, and `spec upgrade`
//! drops it; `xtask compat` then reports any difference between the two shapes as a change of
//! the crate like any other. An addition that refers to a schema the document lacks (an older
//! document, or one that is not WorkOS's) is not applied either, so it leaves no dangling
//! reference.
//!
//! The format and RFC 9535 JSONPath come from `roas-overlay` (over `serde_json_path`); this
//! module only adds the per-action report and the project's rules.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use enumset::EnumSet;
use roas_overlay::apply::Apply as _;
use roas_overlay::v1_0::Overlay;
use serde_json::Value;

use super::yaml;
use crate::error::{Error, Result};
use crate::openapi::{HTTP_METHODS, operation_shape, unescape_token};

/// The file in `workos-spec/`.
pub const FILE: &str = "overlay.yaml";

/// The overlay's root extension naming the `info.title` of the documents it applies to.
pub const DOCUMENT_TITLE: &str = "x-document-title";

/// The extension [`DocumentOverlay::apply`] sets (`true`) on every operation it adds, so every
/// stage can tell them from the document's own (the coverage report marks them).
pub const FROM_OVERLAY: &str = "x-workos-from-overlay";

/// A parsed overlay document.
#[derive(Debug, Clone)]
pub struct DocumentOverlay {
    /// Where it was read from (named by errors).
    pub file: PathBuf,
    overlay: Overlay,
}

/// What one action did to a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionOutcome {
    /// Its position in the overlay, from 0.
    pub index: usize,
    /// Its JSONPath.
    pub target: String,
    /// The first line of its description.
    pub summary: String,
    /// Nodes its target matched.
    pub matched: usize,
    /// Whether it changed the document.
    pub changed: bool,
    /// What it adds to the document: operations, schemas, properties (empty for a correction).
    pub adds: Vec<Addition>,
    /// Whether the document already had everything it adds (WorkOS now describes it): the
    /// action was not applied, so the document's own description is the one generated.
    pub superseded: bool,
    /// Schemas an addition refers to that the document lacks (an older document, or one that is
    /// not WorkOS's): the action was not applied, so it leaves no dangling reference.
    pub missing: Vec<String>,
}

/// Something an action adds to the document, named as a reader would look for it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Addition {
    /// An operation: upper-case method and path template.
    Operation {
        /// `GET`, `POST`...
        method: String,
        /// The path template, as the overlay spells it.
        path: String,
    },
    /// A component schema.
    Schema(String),
    /// A tag of the document's `tags` list.
    Tag(String),
    /// A property of the object at a JSON pointer.
    Property {
        /// The object's JSON pointer.
        at: String,
        /// The property's name.
        name: String,
    },
}

impl std::fmt::Display for Addition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Addition::Operation { method, path } => write!(f, "{method} {path}"),
            Addition::Schema(name) => write!(f, "schema `{name}`"),
            Addition::Tag(name) => write!(f, "tag `{name}`"),
            Addition::Property { at, name } => write!(f, "property `{name}` at `{at}`"),
        }
    }
}

impl Addition {
    /// Whether `document` has it: an operation with the same method and the same path up to
    /// parameter names (`{id}` and `{connectionId}` are one), a schema or property of that name.
    pub fn is_in(&self, document: &Value) -> bool {
        match self {
            Addition::Operation { method, path } => {
                let shape = operation_shape(method, path);
                let method = method.to_ascii_lowercase();
                document
                    .get("paths")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .any(|(p, item)| item.get(&method).is_some() && operation_shape(&method, p) == shape)
            }
            Addition::Schema(name) => {
                document.pointer("/components/schemas").and_then(|s| s.get(name)).is_some()
            }
            Addition::Tag(name) => document
                .get("tags")
                .and_then(Value::as_array)
                .is_some_and(|tags| tags.iter().any(|t| t.get("name").and_then(Value::as_str) == Some(name))),
            Addition::Property { at, name } => {
                document.pointer(at).and_then(|o| o.get("properties")).and_then(|p| p.get(name)).is_some()
            }
        }
    }
}

/// The component schemas `value` refers to (`$ref: '#/components/schemas/X'`).
fn schema_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            let name =
                map.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"));
            out.extend(name.map(str::to_owned));
            map.values().for_each(|v| schema_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| schema_refs(v, out)),
        _ => {}
    }
}

/// The component schemas `update` refers to that neither `document`, `update` itself (a schema
/// it adds) nor the overlay's schema additions (`provided`) have.
fn missing_schemas(update: &Value, document: &Value, provided: &BTreeSet<String>) -> Vec<String> {
    let mut found = Vec::new();
    schema_refs(update, &mut found);
    let schemas = document.pointer("/components/schemas");
    let mut missing: Vec<String> = found
        .into_iter()
        .filter(|name| {
            schemas.and_then(|s| s.get(name)).is_none()
                && update.get(name).is_none()
                && !provided.contains(name)
        })
        .collect();
    missing.sort();
    missing.dedup();
    missing
}

/// What an update adds at the places it targets (see [`Addition`]).
fn additions(update: &Value, places: &[String]) -> Vec<Addition> {
    let methods = |path: &str, item: &Value| -> Vec<Addition> {
        item.as_object()
            .into_iter()
            .flatten()
            .filter(|(m, _)| HTTP_METHODS.contains(&m.as_str()))
            .map(|(m, _)| Addition::Operation { method: m.to_ascii_uppercase(), path: path.to_owned() })
            .collect()
    };
    // An update of an array is the entry it appends (a tag of `tags`).
    if places.iter().any(|p| p == "/tags") {
        return update
            .get("name")
            .and_then(Value::as_str)
            .map(|n| Addition::Tag(n.to_owned()))
            .into_iter()
            .collect();
    }
    let Some(fields) = update.as_object() else { return Vec::new() };
    let mut out = Vec::new();
    for place in places {
        let tokens: Vec<String> = place.split('/').skip(1).map(unescape_token).collect();
        match tokens.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            ["paths"] => out.extend(fields.iter().flat_map(|(path, item)| methods(path, item))),
            ["paths", path] => out.extend(methods(path, update)),
            ["components", "schemas"] => out.extend(fields.keys().map(|k| Addition::Schema(k.clone()))),
            _ => {}
        }
        for name in fields.get("properties").and_then(Value::as_object).into_iter().flat_map(|p| p.keys()) {
            out.push(Addition::Property { at: place.clone(), name: name.clone() });
        }
    }
    out
}

/// What an overlay did to a document, action by action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// One entry per action, in order.
    pub actions: Vec<ActionOutcome>,
    /// Why no action applied: the document is not the one the overlay describes (its
    /// `info.title` is not the overlay's `x-document-title`).
    pub not_applicable: Option<String>,
}

impl Applied {
    /// Actions that changed the document.
    pub fn changed(&self) -> usize {
        self.actions.iter().filter(|a| a.changed).count()
    }

    /// Actions that changed nothing: their target is gone, the document already says what
    /// they would make it say, or it already has what they add. None when the overlay does not
    /// apply to the document at all ([`not_applicable`](Self::not_applicable)).
    pub fn stale(&self) -> impl Iterator<Item = &ActionOutcome> {
        self.actions.iter().filter(|a| !a.changed && self.not_applicable.is_none())
    }

    /// The operations the overlay added (`POST /connections`), in overlay order.
    pub fn added_operations(&self) -> Vec<String> {
        self.actions
            .iter()
            .filter(|a| a.changed)
            .flat_map(|a| &a.adds)
            .filter(|a| matches!(a, Addition::Operation { .. }))
            .map(ToString::to_string)
            .collect()
    }
}

impl DocumentOverlay {
    /// An overlay with no action (a document generated as it is).
    pub fn empty() -> Self {
        let overlay = serde_json::from_value(serde_json::json!({
            "overlay": "1.0.0",
            "info": {"title": "none", "version": "0"},
            "actions": [],
        }))
        .unwrap_or_else(|e| unreachable!("a valid empty overlay: {e}"));
        DocumentOverlay { file: PathBuf::from("(no overlay)"), overlay }
    }

    /// Reads and checks `file`: Overlay 1.0.0, every target a valid JSONPath, every action with
    /// a description.
    ///
    /// # Errors
    /// An unreadable file, invalid YAML, a document that is not an overlay, an invalid target or
    /// a missing description, each naming the file and the action.
    pub fn read(file: &Path) -> Result<Self> {
        let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
        Self::parse(file, &bytes)
    }

    /// [`read`](Self::read) from bytes.
    ///
    /// # Errors
    /// As [`read`](Self::read).
    pub fn parse(file: &Path, bytes: &[u8]) -> Result<Self> {
        let value = yaml::parse(file, bytes)?;
        let spec = |pointer: String, message: String| Error::Spec { file: file.to_owned(), pointer, message };
        let version = value.get("overlay").and_then(Value::as_str);
        if version != Some("1.0.0") {
            return Err(spec("/overlay".into(), format!("expected `overlay: 1.0.0`, found {version:?}")));
        }
        let overlay: Overlay = serde_path_to_error::deserialize(&value).map_err(|e| {
            spec(format!("/{}", e.path().to_string().replace('.', "/")), e.inner().to_string())
        })?;
        for (i, action) in overlay.actions.iter().enumerate() {
            let at = format!("/actions/{i}");
            if action.description.as_deref().is_none_or(|d| d.trim().is_empty()) {
                return Err(spec(
                    at,
                    format!(
                        "the action on `{}` has no description: say what it corrects and the evidence",
                        action.target
                    ),
                ));
            }
            roas_overlay::common::apply::compile_path(&action.target).map_err(|e| {
                spec(format!("{at}/target"), format!("`{}` is not a JSONPath: {e}", action.target))
            })?;
            if action.update.is_none() && !action.is_remove() {
                return Err(spec(at, "an action needs `update` or `remove: true`".into()));
            }
        }
        Ok(DocumentOverlay { file: file.to_owned(), overlay })
    }

    /// How many actions it has.
    pub fn len(&self) -> usize {
        self.overlay.actions.len()
    }

    /// Whether it has no action.
    pub fn is_empty(&self) -> bool {
        self.overlay.actions.is_empty()
    }

    /// Applies every action to `document`, in order, and reports what each did. A target that
    /// matches nothing is not an error (an older document may lack it): it is reported as
    /// unchanged.
    ///
    /// An action counts as changing the document when, at one of the places it matched, the
    /// overlaid document differs from the original: a pair that removes a `required` list and
    /// sets a corrected one is unchanged when the document already had the corrected list.
    ///
    /// # Errors
    /// An action the format refuses (a target that selects a value that is not an object or an
    /// array), naming the overlay file and the action; the document is then unchanged.
    pub fn apply(&self, document: &mut Value) -> Result<Applied> {
        if let Some(reason) = self.not_for(document) {
            return Ok(Applied { actions: Vec::new(), not_applicable: Some(reason) });
        }
        let mut working = document.clone();
        let provided = self.schemas_provided(document);
        let mut places = Vec::with_capacity(self.len());
        for (index, action) in self.overlay.actions.iter().enumerate() {
            let path =
                roas_overlay::common::apply::compile_path(&action.target).map_err(|e| Error::Spec {
                    file: self.file.clone(),
                    pointer: format!("/actions/{index}/target"),
                    message: e,
                })?;
            let at = roas_overlay::common::apply::locate(&working, &path);
            let adds = action.update.as_ref().map(|u| additions(u, &at)).unwrap_or_default();
            let superseded = !adds.is_empty() && adds.iter().all(|a| a.is_in(&working));
            let missing = if adds.is_empty() {
                Vec::new()
            } else {
                action.update.as_ref().map(|u| missing_schemas(u, &working, &provided)).unwrap_or_default()
            };
            let skip = superseded || !missing.is_empty();
            places.push((at, adds, superseded, missing));
            if skip {
                continue;
            }
            let one = Overlay {
                overlay: self.overlay.overlay.clone(),
                info: self.overlay.info.clone(),
                extends: None,
                actions: vec![action.clone()],
                extensions: None,
            };
            one.apply(&mut working, EnumSet::empty()).map_err(|e| Error::Spec {
                file: self.file.clone(),
                pointer: format!("/actions/{index}"),
                message: e.kind.to_string(),
            })?;
        }
        let actions: Vec<ActionOutcome> = self
            .overlay
            .actions
            .iter()
            .zip(places)
            .enumerate()
            .map(|(index, (action, (places, adds, superseded, missing)))| {
                let summary =
                    action.description.as_deref().unwrap_or_default().lines().next().unwrap_or_default();
                ActionOutcome {
                    index,
                    target: action.target.clone(),
                    summary: summary.trim().to_owned(),
                    matched: places.len(),
                    changed: !superseded
                        && missing.is_empty()
                        && places.iter().any(|at| document.pointer(at) != working.pointer(at)),
                    adds,
                    superseded,
                    missing,
                }
            })
            .collect();
        for action in actions.iter().filter(|a| a.changed) {
            for addition in &action.adds {
                if let Addition::Operation { method, path } = addition
                    && let Some(Value::Object(op)) = working
                        .get_mut("paths")
                        .and_then(|p| p.get_mut(path))
                        .and_then(|i| i.get_mut(method.to_ascii_lowercase()))
                {
                    op.insert(FROM_OVERLAY.to_owned(), Value::Bool(true));
                }
            }
        }
        *document = working;
        Ok(Applied { actions, not_applicable: None })
    }

    /// The schemas the overlay's schema additions provide to `document`: each one whose
    /// references the document or other provided schemas satisfy (a fixed point, so an addition
    /// may refer to one written after it).
    fn schemas_provided(&self, document: &Value) -> BTreeSet<String> {
        let mut added: Vec<(String, Vec<String>)> = Vec::new();
        for action in self.overlay.actions.iter().filter(|a| a.target == "$.components.schemas") {
            for (name, schema) in action.update.as_ref().and_then(Value::as_object).into_iter().flatten() {
                let mut refs = Vec::new();
                schema_refs(schema, &mut refs);
                added.push((name.clone(), refs));
            }
        }
        let existing = document.pointer("/components/schemas");
        let mut provided: BTreeSet<String> = added.iter().map(|(n, _)| n.clone()).collect();
        loop {
            let unmet: Vec<String> = added
                .iter()
                .filter(|(n, refs)| {
                    provided.contains(n)
                        && refs
                            .iter()
                            .any(|r| existing.and_then(|s| s.get(r)).is_none() && !provided.contains(r))
                })
                .map(|(n, _)| n.clone())
                .collect();
            if unmet.is_empty() {
                return provided;
            }
            for n in unmet {
                provided.remove(&n);
            }
        }
    }

    /// Why the overlay does not describe `document`, if it does not: the overlay's root
    /// extension `x-document-title` names the `info.title` of the documents it applies to
    /// (WorkOS's: a test fixture or another API's document is generated as it is).
    fn not_for(&self, document: &Value) -> Option<String> {
        let wanted = self.overlay.extensions.as_ref()?.get(DOCUMENT_TITLE)?.as_str()?;
        let title = document.pointer("/info/title").and_then(Value::as_str);
        (title != Some(wanted)).then(|| {
            format!(
                "the overlay describes documents titled {wanted:?}, this one is titled {:?}",
                title.unwrap_or("")
            )
        })
    }

    /// The overlay's text with the actions at `drop` removed, for `spec upgrade`: the rest of
    /// the file (comments included) is kept as it was. Actions are found as the `- target:`
    /// items of the top-level `actions:` list.
    ///
    /// # Errors
    /// A file whose actions are not laid out one `- target:` item each.
    pub fn without_actions(&self, text: &str, drop: &[usize]) -> Result<String> {
        let lines: Vec<&str> = text.lines().collect();
        let starts: Vec<usize> =
            lines.iter().enumerate().filter(|(_, l)| l.starts_with("  - target:")).map(|(i, _)| i).collect();
        if starts.len() != self.len() {
            return Err(Error::Spec {
                file: self.file.clone(),
                pointer: "/actions".into(),
                message: format!(
                    "{} actions, but {} lines start with `  - target:`: write each action as one such item",
                    self.len(),
                    starts.len()
                ),
            });
        }
        let mut out = String::with_capacity(text.len());
        for (i, line) in lines.iter().enumerate() {
            let action = starts.iter().rposition(|s| *s <= i);
            if action.is_some_and(|a| drop.contains(&a)) {
                continue;
            }
            out.push_str(line);
            out.push('\n');
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(text: &str) -> Result<DocumentOverlay> {
        DocumentOverlay::parse(Path::new("overlay.yaml"), text.as_bytes())
    }

    const OVERLAY: &str = "overlay: 1.0.0
info: {title: t, version: '1'}
actions:
  - target: $.components.schemas.Organization.properties.metadata
    description: |
      Organization.metadata is not sent.
      Evidence: a recorded body.
    remove: true
  - target: $.components.schemas.Organization.properties
    description: Adds `kind`.
    update:
      kind: {type: string}
  - target: $.components.schemas.Gone
    description: A schema an older document lacks.
    update:
      x: 1
";

    fn document() -> Value {
        json!({"components": {"schemas": {"Organization": {
            "type": "object", "required": ["id", "metadata"],
            "properties": {"id": {"type": "string"}, "metadata": {"type": "object"}}
        }}}})
    }

    #[test]
    fn actions_apply_in_order_and_report_what_they_changed() {
        let overlay = overlay(OVERLAY).expect("valid");
        let mut doc = document();
        let applied = overlay.apply(&mut doc).expect("applies");
        assert_eq!(doc.pointer("/components/schemas/Organization/properties/metadata"), None);
        assert_eq!(
            doc.pointer("/components/schemas/Organization/properties/kind/type"),
            Some(&json!("string"))
        );
        assert_eq!(applied.changed(), 2);
        let stale: Vec<usize> = applied.stale().map(|a| a.index).collect();
        assert_eq!(stale, [2]);
        assert_eq!(applied.actions[0].summary, "Organization.metadata is not sent.");
        // Applied again, the first changes nothing: the document already says it.
        let again = overlay.apply(&mut doc).expect("applies");
        assert!(!again.actions[0].changed);
    }

    #[test]
    fn a_required_list_replaced_by_the_same_list_is_stale() {
        let pair = "overlay: 1.0.0
info: {title: t, version: '1'}
actions:
  - target: $.components.schemas.Organization.required
    description: metadata is left out (1 of 2)
    remove: true
  - target: $.components.schemas.Organization
    description: metadata is left out (2 of 2)
    update:
      required: [id]
";
        let overlay = overlay(pair).expect("valid");
        let mut doc = document();
        let applied = overlay.apply(&mut doc).expect("applies");
        assert_eq!(applied.changed(), 2);
        assert_eq!(doc.pointer("/components/schemas/Organization/required"), Some(&json!(["id"])));
        // WorkOS fixes the document: both actions are stale together.
        let fixed = overlay.apply(&mut doc).expect("applies");
        assert_eq!(fixed.changed(), 0, "{fixed:?}");
        assert_eq!(doc.pointer("/components/schemas/Organization/required"), Some(&json!(["id"])));
    }

    #[test]
    fn an_addition_the_document_already_has_is_superseded_and_not_applied() {
        let adds = "overlay: 1.0.0
info: {title: t, version: '1'}
actions:
  - target: $.paths
    description: Adds POST /connections/{connectionId}/certs (an SDK ships it).
    update:
      /connections/{connectionId}/certs:
        post: {operationId: addCert, responses: {'201': {description: overlay}}}
  - target: $.components.schemas
    description: Adds Cert.
    update:
      Cert: {type: object}
  - target: $.components.schemas.Organization
    description: Adds `kind`.
    update:
      properties:
        kind: {type: string}
";
        let overlay = overlay(adds).expect("valid");
        let mut doc = document();
        doc["paths"] = json!({});
        let applied = overlay.apply(&mut doc).expect("applies");
        assert_eq!(applied.changed(), 3);
        assert_eq!(applied.added_operations(), ["POST /connections/{connectionId}/certs"]);
        assert_eq!(
            doc.pointer("/paths/~1connections~1{connectionId}~1certs/post/x-workos-from-overlay"),
            Some(&json!(true))
        );
        assert_eq!(
            applied.actions[2].adds,
            [Addition::Property { at: "/components/schemas/Organization".into(), name: "kind".into() }]
        );
        // A newer document describes all three, under its own parameter name and shapes.
        let mut newer = document();
        newer["paths"] =
            json!({"/connections/{id}/certs": {"post": {"responses": {"201": {"description": "upstream"}}}}});
        newer["components"]["schemas"]["Cert"] =
            json!({"type": "object", "properties": {"id": {"type": "string"}}});
        newer["components"]["schemas"]["Organization"]["properties"]["kind"] = json!({"type": "integer"});
        let upstream = newer.clone();
        let applied = overlay.apply(&mut newer).expect("applies");
        assert!(applied.actions.iter().all(|a| a.superseded && !a.changed), "{applied:?}");
        assert_eq!(applied.stale().count(), 3);
        assert!(applied.added_operations().is_empty());
        assert_eq!(newer, upstream, "the document's own descriptions are kept, not merged over");
    }

    #[test]
    fn an_overlay_for_another_documents_title_changes_nothing_and_drops_nothing() {
        let text = OVERLAY.replace(
            "info: {title: t, version: '1'}",
            "info: {title: t, version: '1'}\nx-document-title: WorkOS",
        );
        let overlay = overlay(&text).expect("valid");
        let mut doc = document();
        doc["info"] = json!({"title": "kitchen sink"});
        let before = doc.clone();
        let applied = overlay.apply(&mut doc).expect("applies");
        assert_eq!(doc, before);
        assert_eq!(applied.stale().count(), 0, "nothing to drop from an overlay that does not apply");
        assert!(
            applied.not_applicable.as_deref().is_some_and(|r| r.contains("\"kitchen sink\"")),
            "{applied:?}"
        );
        doc["info"]["title"] = json!("WorkOS");
        assert_eq!(overlay.apply(&mut doc).expect("applies").changed(), 2);
    }

    #[test]
    fn an_addition_whose_references_the_document_lacks_is_not_applied() {
        let adds = "overlay: 1.0.0
info: {title: t, version: '1'}
actions:
  - target: $.paths
    description: Adds GET /teams, answered with a Team.
    update:
      /teams:
        get: {responses: {'200': {content: {application/json: {schema: {$ref: '#/components/schemas/Team'}}}}}}
  - target: $.components.schemas
    description: Adds Member, which refers to the document's Organization.
    update:
      Member: {type: object, properties: {org: {$ref: '#/components/schemas/Organization'}}}
";
        let overlay = overlay(adds).expect("valid");
        let mut doc = document();
        doc["paths"] = json!({});
        let before = doc.clone();
        let applied = overlay.apply(&mut doc).expect("applies");
        assert_eq!(applied.actions[0].missing, ["Team"]);
        assert!(!applied.actions[0].changed && applied.actions[1].changed);
        assert_eq!(doc["paths"], before["paths"], "no operation with a dangling reference");
        assert!(doc.pointer("/components/schemas/Member").is_some());
    }

    #[test]
    fn stale_actions_are_dropped_from_the_text_and_the_rest_is_kept() {
        let overlay = overlay(OVERLAY).expect("valid");
        let text = overlay.without_actions(OVERLAY, &[0, 2]).expect("laid out");
        assert!(!text.contains("metadata") && !text.contains("Gone"), "{text}");
        assert!(text.starts_with("overlay: 1.0.0\n") && text.contains("Adds `kind`."), "{text}");
        let rest = DocumentOverlay::parse(Path::new("o.yaml"), text.as_bytes()).expect("still valid");
        assert_eq!(rest.len(), 1);
    }

    #[test]
    fn bad_overlays_are_refused_naming_the_action() {
        let no_description = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    update: {x: 1}\n";
        let e = overlay(no_description).expect_err("refused").to_string();
        assert!(e.contains("/actions/0") && e.contains("no description"), "{e}");
        let bad_path = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $..[\n    description: d\n    update: {x: 1}\n";
        let e = overlay(bad_path).expect_err("refused").to_string();
        assert!(e.contains("/actions/0/target") && e.contains("not a JSONPath"), "{e}");
        let wrong_version = "overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: []\n";
        assert!(overlay(wrong_version).expect_err("refused").to_string().contains("1.0.0"));
        let neither = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    description: d\n";
        assert!(overlay(neither).expect_err("refused").to_string().contains("`update` or `remove: true`"));
    }

    #[test]
    fn an_action_on_a_primitive_fails_and_leaves_the_document_unchanged() {
        let text = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.components.schemas.Organization.properties\n    description: fine\n    update: {kind: {type: string}}\n  - target: $.components.schemas.Organization.type\n    description: a string\n    update: {x: 1}\n";
        let overlay = overlay(text).expect("parses");
        let mut doc = document();
        let e = overlay.apply(&mut doc).expect_err("refused").to_string();
        assert!(e.contains("/actions/1"), "{e}");
        assert_eq!(doc, document());
    }
}
