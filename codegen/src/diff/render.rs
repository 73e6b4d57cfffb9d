//! The Markdown report, ready for a pull-request description.

use std::fmt::Write as _;

use super::rules::{RULES, Severity};
use super::{Report, RustApi};

/// How many operations a change lists before "and N more".
const SHOWN_OPERATIONS: usize = 5;

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Renders the report as Markdown.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let (o, n, c) = (&report.old, &report.new, &report.counts);
    let _ = writeln!(out, "# WorkOS OpenAPI changes: {} → {}\n", o.name, n.name);
    let _ = writeln!(
        out,
        "Documents: `{}` (version {}, {} operations, {} schemas) → `{}` (version {}, {} operations, {} schemas).\n",
        o.name, o.version, o.operations, o.schemas, n.name, n.version, n.operations, n.schemas
    );
    let _ = writeln!(
        out,
        "**{} breaking, {} possibly breaking, {} non-breaking** changes; {} operations added, {} removed.\n",
        c.breaking, c.possibly_breaking, c.non_breaking, c.operations_added, c.operations_removed
    );
    out.push_str(
        "Classified for users of the generated Rust crate: *breaking* means code that compiled against the old crate no longer compiles or fails at run time. Each change cites its rule; the rules are listed at the end.\n",
    );
    for (severity, title) in [
        (Severity::Breaking, "Breaking"),
        (Severity::PossiblyBreaking, "Possibly breaking"),
        (Severity::NonBreaking, "Non-breaking"),
    ] {
        let changes: Vec<_> = report.changes.iter().filter(|ch| ch.severity == severity).collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n## {title} ({})\n", changes.len());
        out.push_str("| where | change | rule | operations reaching it |\n|---|---|---|---|\n");
        for ch in changes {
            let mut ops: Vec<String> =
                ch.operations.iter().take(SHOWN_OPERATIONS).map(|o| format!("`{o}`")).collect();
            if ch.operations.len() > SHOWN_OPERATIONS {
                ops.push(format!("and {} more", ch.operations.len() - SHOWN_OPERATIONS));
            }
            let _ = writeln!(
                out,
                "| `{}` | {} | `{}` | {} |",
                cell(&ch.location),
                cell(&ch.detail),
                ch.rule,
                ops.join(", ")
            );
        }
    }
    out.push_str("\n## Rust API impact\n\n");
    match &report.rust_api {
        None => out.push_str("Not computed (`--no-rust`).\n"),
        Some(RustApi::Unavailable(why)) => {
            let _ = writeln!(out, "Not available: {why}");
        }
        Some(RustApi::Diff(d)) if d.is_empty() => {
            out.push_str("The generated crate's public API is unchanged.\n")
        }
        Some(RustApi::Diff(d)) => {
            let _ = writeln!(
                out,
                "Public items of `workos-api`: {} removed, {} changed, {} added.\n",
                d.removed.len(),
                d.changed.len(),
                d.added.len()
            );
            if !d.removed.is_empty() {
                out.push_str("### Removed\n\n| item | was |\n|---|---|\n");
                for (item, sig) in &d.removed {
                    let _ = writeln!(out, "| `{}` | `{}` |", cell(item), cell(sig));
                }
                out.push('\n');
            }
            if !d.changed.is_empty() {
                out.push_str("### Changed\n\n| item | old | new |\n|---|---|---|\n");
                for ch in &d.changed {
                    let _ =
                        writeln!(out, "| `{}` | `{}` | `{}` |", cell(&ch.item), cell(&ch.old), cell(&ch.new));
                }
                out.push('\n');
            }
            if !d.added.is_empty() {
                out.push_str("### Added\n\n| item | signature |\n|---|---|\n");
                for (item, sig) in &d.added {
                    let _ = writeln!(out, "| `{}` | `{}` |", cell(item), cell(sig));
                }
                out.push('\n');
            }
        }
    }
    let used: std::collections::BTreeSet<&str> = report.changes.iter().map(|ch| ch.rule).collect();
    if !used.is_empty() {
        out.push_str("\n## Rules applied\n\n| rule | request | response | why |\n|---|---|---|---|\n");
        for r in RULES.iter().filter(|r| used.contains(r.id)) {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                r.id,
                r.request.label(),
                r.response.label(),
                cell(r.why)
            );
        }
    }
    out
}
