//! The coverage summary: what every operation of the document became.

use std::fmt::Write as _;

use serde_json::Value;

use crate::load::overlay::FROM_OVERLAY;
use crate::normalize::Normalized;
use crate::openapi::escape_token;
use crate::postprocess::{PostCounts, TolerantCounts};
use crate::surface::{Surface, url_builders};

/// Figures of one generation run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// Operations in the input document.
    pub operations: usize,
    /// Operations generated as `Client` methods.
    pub methods: usize,
    /// Redirect operations generated as URL builders: (method path, function).
    pub url_builders: Vec<(String, String)>,
    /// What a typed method does not cover, and how it surfaces.
    pub notes: Vec<String>,
    /// Problems in the document the codegen worked around (printed as warnings).
    pub warnings: Vec<String>,
    /// Method names taken from the override table.
    pub name_overrides: usize,
    /// Rewrites per normalization pass.
    pub pass_counts: Vec<(&'static str, usize)>,
    /// What the post-passes counted: enums made forward-compatible, `deny_unknown_fields`
    /// attributes removed, types whose `Debug` redacts a secret field.
    pub post: PostCounts,
    /// Fields that read an absent key as `None` or empty (the tolerant-reading policy).
    pub tolerant: TolerantCounts,
    /// Overlay actions that changed the document, of all its actions (`None` when the
    /// document came in already overlaid).
    pub overlay: Option<(usize, usize)>,
    /// Operations the document overlay adds (WorkOS's SDKs ship them, the document lacks them):
    /// (method name, `METHOD /path`).
    pub from_overlay: Vec<(String, String)>,
    /// List operations whose builders stream (`.stream()`, `.pages()`).
    pub paginated: Vec<String>,
    /// (area, method) of every operation with a builder, by area.
    pub areas: Vec<(String, String)>,
    /// Request types with `new` and setters.
    pub body_builders: usize,
    /// Types that no area reaches (always compiled; a warning).
    pub unreached_types: Vec<String>,
    /// How many types each area's feature compiles.
    pub types_per_area: Vec<(String, usize)>,
}

impl Coverage {
    /// The figures of a run: what the passes, the post-passes and the surface did.
    pub(crate) fn new(n: &Normalized, post: PostCounts, surface: &Surface) -> Self {
        let url_builders: Vec<(String, String)> = n
            .outputs
            .redirects
            .iter()
            .map(|r| (format!("{} {}", r.method.to_uppercase(), r.path), url_builders::function_name(r)))
            .collect();
        let from_overlay = surface
            .operations
            .iter()
            .filter(|o| {
                let at = format!("/paths/{}/{}", escape_token(&o.path), o.method.to_ascii_lowercase());
                n.document.pointer(&at).and_then(|op| op.get(FROM_OVERLAY)) == Some(&Value::Bool(true))
            })
            .map(|o| (o.name.to_string(), format!("{} {}", o.method, o.path)))
            .collect();
        let reach = &surface.reach;
        Coverage {
            operations: n.operations,
            methods: n.operations - url_builders.len(),
            url_builders,
            notes: n.outputs.notes.clone(),
            warnings: n.outputs.warnings.clone(),
            name_overrides: n.outputs.name_overrides_used,
            pass_counts: n.pass_counts.clone(),
            post,
            tolerant: surface.tolerant,
            overlay: None,
            from_overlay,
            paginated: surface.paginated.iter().map(|p| p.method.to_string()).collect(),
            areas: surface.operations.iter().map(|o| (o.area.clone(), o.name.to_string())).collect(),
            unreached_types: reach.unreached.clone(),
            types_per_area: surface
                .areas
                .keys()
                .map(|a| (a.clone(), reach.areas.values().filter(|set| set.contains(a)).count()))
                .collect(),
            body_builders: surface.body_builders,
        }
    }

    /// Every operation is reachable: as a method or as a URL builder.
    pub fn is_complete(&self) -> bool {
        self.methods + self.url_builders.len() == self.operations
    }

    /// The areas, in order.
    pub fn area_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.areas.iter().map(|(a, _)| a.clone()).collect();
        names.dedup();
        names
    }

    /// A few lines for the terminal.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "coverage: {}/{} operations callable ({} request builders in {} areas, {} URL builders, {} streamable lists); \
             {} method names from overrides\n",
            self.methods + self.url_builders.len(),
            self.operations,
            self.methods,
            self.area_names().len(),
            self.url_builders.len(),
            self.paginated.len(),
            self.name_overrides,
        );
        let _ = writeln!(
            s,
            "forward-compatible enums: {} string, {} tagged, {} untagged; {} deny_unknown_fields removed; \
             {} types redact secrets in Debug",
            self.post.open_enums.string_enums,
            self.post.open_enums.tagged_enums,
            self.post.open_enums.untagged_enums,
            self.post.lenient_types,
            self.post.redacted_types
        );
        let _ = writeln!(
            s,
            "tolerant reading: {} required nullable fields read an absent key as None, {} required arrays and maps as empty, {} required constants as their value",
            self.tolerant.absent_as_none, self.tolerant.absent_as_empty, self.tolerant.absent_as_constant
        );
        let _ = writeln!(
            s,
            "operations: {} from the document, {} from the overlay",
            self.operations - self.from_overlay.len(),
            self.from_overlay.len()
        );
        if let Some((changed, total)) = self.overlay {
            let _ = writeln!(s, "overlay: {changed} of {total} actions applied (workos-spec/overlay.yaml)");
        }
        for (route, f) in &self.url_builders {
            let _ = writeln!(s, "  url builder: {route} -> redirects::{f}");
        }
        for note in &self.notes {
            let _ = writeln!(s, "  note: {note}");
        }
        for warning in &self.warnings {
            let _ = writeln!(s, "  warning: {warning}");
        }
        for ty in &self.unreached_types {
            let _ = writeln!(
                s,
                "  warning: type `{ty}` is reached by no area's operations; it is compiled whatever the features"
            );
        }
        s
    }

    /// The Markdown report committed as `workos-api/src/emitted/COVERAGE.md`.
    pub fn markdown(&self) -> String {
        let mut s = String::from("# Coverage of the WorkOS API\n\n");
        let _ = writeln!(
            s,
            "{} of {} operations are callable: {} as request builders (`client.<area>().<method>(..)`), {} as URL builders. \
             {} list operations stream (`.stream()`, `.pages()`).\n",
            self.methods + self.url_builders.len(),
            self.operations,
            self.methods,
            self.url_builders.len(),
            self.paginated.len()
        );
        s.push_str(
            "## Operations by area\n\nEach area is a Cargo feature of `workos-api` (all on by default); a feature compiles its \
             operations and the types they reach.\n\n| area (feature) | operations | types | methods |\n|---|---|---|---|\n",
        );
        for area in self.area_names() {
            let methods: Vec<String> = self
                .areas
                .iter()
                .filter(|(a, _)| *a == area)
                .map(|(_, m)| {
                    let stream = if self.paginated.contains(m) { " (stream)" } else { "" };
                    let overlay = if self.from_overlay.iter().any(|(n, _)| n == m) { " †" } else { "" };
                    format!("`{m}`{stream}{overlay}")
                })
                .collect();
            let types = self.types_per_area.iter().find(|(a, _)| *a == area).map_or(0, |(_, n)| *n);
            let _ = writeln!(s, "| `{area}()` | {} | {types} | {} |", methods.len(), methods.join(", "));
        }
        let _ = writeln!(
            s,
            "\n{} operations come from the document, {} from the overlay (`workos-spec/overlay.yaml`), marked †: \
             WorkOS's SDKs ship them and its public document lacks them.\n",
            self.operations - self.from_overlay.len(),
            self.from_overlay.len()
        );
        for warning in &self.warnings {
            let _ = writeln!(s, "**Warning:** {warning}.\n");
        }
        if !self.unreached_types.is_empty() {
            s.push_str(
                "**Warning:** types reached by no area's operations (compiled whatever the features): ",
            );
            let list: Vec<String> = self.unreached_types.iter().map(|t| format!("`{t}`")).collect();
            s.push_str(&list.join(", "));
            s.push_str(".\n\n");
        }
        s.push_str("## Not generated as ordinary methods\n\n");
        s.push_str("| operation | reason | use instead |\n|---|---|---|\n");
        for (route, f) in &self.url_builders {
            let _ = writeln!(
                s,
                "| `{route}` | answers with a 3xx redirect meant for a browser | `workos_api::redirects::{f}` builds the URL |"
            );
        }
        if !self.notes.is_empty() {
            s.push_str("\n## Success statuses without a body\n\n");
            for note in &self.notes {
                let _ = writeln!(s, "- {note}");
            }
        }
        s.push_str("\n## Normalization passes\n\n| pass | rewrites |\n|---|---|\n");
        for (name, count) in &self.pass_counts {
            let _ = writeln!(s, "| `{name}` | {count} |");
        }
        let _ = writeln!(
            s,
            "\n{} request types have `new(required fields)` and a setter per optional field.\n",
            self.body_builders
        );
        let _ = writeln!(
            s,
            "Forward-compatible enums: {} string enums with `Unknown(String)`, {} tagged unions with `Unknown`, \
             {} untagged unions with `Unknown(serde_json::Value)`. `deny_unknown_fields` removed from {} types. \
             {} types print `<redacted>` for their secret fields in `Debug`.",
            self.post.open_enums.string_enums,
            self.post.open_enums.tagged_enums,
            self.post.open_enums.untagged_enums,
            self.post.lenient_types,
            self.post.redacted_types
        );
        let _ = writeln!(
            s,
            "\nTolerant reading: {} required nullable fields read an absent key as `None`, {} required arrays and \
             maps read it as empty, and {} required constants as their only value (every other required field stays \
             required).",
            self.tolerant.absent_as_none, self.tolerant.absent_as_empty, self.tolerant.absent_as_constant
        );
        s
    }
}
