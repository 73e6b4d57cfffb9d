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
//! The format and RFC 9535 JSONPath come from `roas-overlay` (over `serde_json_path`); this
//! module only adds the per-action report and the project's rules.

use std::path::{Path, PathBuf};

use enumset::EnumSet;
use roas_overlay::apply::Apply as _;
use roas_overlay::v1_0::Overlay;
use serde_json::Value;

use crate::error::{Error, Result};

/// The file in `workos-spec/`.
pub const FILE: &str = "overlay.yaml";

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
}

/// What an overlay did to a document, action by action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// One entry per action, in order.
    pub actions: Vec<ActionOutcome>,
}

impl Applied {
    /// Actions that changed the document.
    pub fn changed(&self) -> usize {
        self.actions.iter().filter(|a| a.changed).count()
    }

    /// Actions that changed nothing: their target is gone, or the document already says what
    /// they would make it say.
    pub fn stale(&self) -> impl Iterator<Item = &ActionOutcome> {
        self.actions.iter().filter(|a| !a.changed)
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
        let value = crate::load::parse(file, bytes)?;
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
        let mut working = document.clone();
        let mut places = Vec::with_capacity(self.len());
        for (index, action) in self.overlay.actions.iter().enumerate() {
            let path =
                roas_overlay::common::apply::compile_path(&action.target).map_err(|e| Error::Spec {
                    file: self.file.clone(),
                    pointer: format!("/actions/{index}/target"),
                    message: e,
                })?;
            places.push(roas_overlay::common::apply::locate(&working, &path));
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
        let actions = self
            .overlay
            .actions
            .iter()
            .zip(places)
            .enumerate()
            .map(|(index, (action, places))| {
                let summary =
                    action.description.as_deref().unwrap_or_default().lines().next().unwrap_or_default();
                ActionOutcome {
                    index,
                    target: action.target.clone(),
                    summary: summary.trim().to_owned(),
                    matched: places.len(),
                    changed: places.iter().any(|at| document.pointer(at) != working.pointer(at)),
                }
            })
            .collect();
        *document = working;
        Ok(Applied { actions })
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
