//! The Markdown report, ready for a pull-request description.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::report::{Change, Report, RustApi};
use super::rules::{RULES, Severity};
use super::rust_api::ApiDiff;

/// How many operations a change lists before "and N more".
const SHOWN_OPERATIONS: usize = 5;

/// `text` as one Markdown table cell: `|` escaped, on one line.
pub fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The Rust API change to render, or `None` after writing why there is none to `out`.
fn rust_diff<'r>(report: &'r Report, out: &mut String) -> Option<&'r super::rust_api::ApiDiff> {
    match &report.rust_api {
        None => out.push_str("Not computed (`--no-rust`).\n"),
        Some(RustApi::Unavailable(why)) => {
            let _ = writeln!(out, "Not available: {why}");
        }
        Some(RustApi::Diff(d)) if d.is_empty() => {
            out.push_str("The generated crate's public API is unchanged.\n")
        }
        Some(RustApi::Diff(d)) => return Some(d),
    }
    None
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
    if let Some(d) = rust_diff(report, &mut out) {
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
                let _ = writeln!(out, "| `{}` | `{}` | `{}` |", cell(&ch.item), cell(&ch.old), cell(&ch.new));
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
    let used: BTreeSet<&str> = report.changes.iter().map(|ch| ch.rule).collect();
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

/// How many places a grouped row shows before folding the rest.
const SHOWN_PLACES: usize = 3;

/// A list of places on one line, each in backticks: the first few, the rest folded in
/// `<details>`.
pub fn folded(places: &[String]) -> String {
    let show = |ps: &[String]| ps.iter().map(|p| format!("`{}`", cell(p))).collect::<Vec<_>>().join(", ");
    if places.len() <= SHOWN_PLACES + 1 {
        return show(places);
    }
    format!(
        "<details><summary>{} and {} more</summary>{}</details>",
        show(&places[..SHOWN_PLACES]),
        places.len() - SHOWN_PLACES,
        show(&places[SHOWN_PLACES..])
    )
}

/// A change split into what happened (shared by identical changes) and where.
fn what_and_where(ch: &Change) -> (String, String) {
    let mut place = ch.location.clone();
    let mut what = ch.detail.clone();
    // "`path`: what" -> place `location path`.
    if let Some(rest) = what.strip_prefix('`')
        && let Some((path, tail)) = rest.split_once("`: ")
    {
        place = format!("{place} {path}");
        what = tail.to_owned();
    }
    // "operation added (OperationId)" and "... branch added: key" keep the specifics in the place.
    if let Some(open) = what.find(" (")
        && what.ends_with(')')
        && ch.rule.starts_with("operation-")
    {
        place = format!("{place} {}", &what[open + 1..]);
        what.truncate(open);
    }
    for marker in [" branch added: ", " branch removed: ", " variant added: "] {
        if let Some(at) = what.find(marker) {
            place = format!("{place} {}", &what[at + marker.len()..]);
            what = what[..at + marker.len() - 2].to_owned();
            break;
        }
    }
    (what, place)
}

/// The short report (`CHANGES.md`): identical changes grouped into one row with their places
/// folded, counts per area, the operations removed by name, and a summary of the Rust API
/// impact. `front` (e.g. what an upgrade left to fix) goes right after the totals.
/// [`markdown`] renders every change and item.
pub fn summary(report: &Report, front: &str) -> String {
    let mut out = String::new();
    let (o, n, c) = (&report.old, &report.new, &report.counts);
    let _ = writeln!(out, "# WorkOS OpenAPI changes: {} → {}\n", o.name, n.name);
    let _ = writeln!(
        out,
        "`{}` (version {}, {} operations) → `{}` (version {}, {} operations). **{} breaking, {} possibly breaking, {} non-breaking** changes; {} operations added, {} removed. Identical changes share a row; `--full` lists every change and item.\n",
        o.name,
        o.version,
        o.operations,
        n.name,
        n.version,
        n.operations,
        c.breaking,
        c.possibly_breaking,
        c.non_breaking,
        c.operations_added,
        c.operations_removed
    );
    out.push_str(front);
    by_area(report, &mut out);
    let removed: Vec<_> = report.changes.iter().filter(|ch| ch.rule == "operation-removed").collect();
    let _ = writeln!(out, "\n## Operations removed ({})\n", removed.len());
    if removed.is_empty() {
        out.push_str("None.\n");
    }
    for ch in removed {
        let area = report.areas.get(&ch.location).map_or("untagged", String::as_str);
        let _ = writeln!(out, "- `{}`: {} (area `{area}`)", ch.location, ch.detail);
    }
    for (severity, title) in [
        (Severity::Breaking, "Breaking"),
        (Severity::PossiblyBreaking, "Possibly breaking"),
        (Severity::NonBreaking, "Non-breaking"),
    ] {
        grouped(report, severity, title, &mut out);
    }
    out.push_str("\n## Rust API impact\n\n");
    if let Some(d) = rust_diff(report, &mut out) {
        rust_summary(d, &mut out);
    }
    let used: BTreeSet<&str> = report.changes.iter().map(|ch| ch.rule).collect();
    if !used.is_empty() {
        let rules: Vec<String> =
            RULES.iter().filter(|r| used.contains(r.id)).map(|r| format!("`{}`", r.id)).collect();
        let _ =
            writeln!(out, "\nRules applied: {}. `cargo xtask spec rules` explains each.", rules.join(", "));
    }
    out
}

/// The changes per area, by severity, and the operations added and removed in each.
fn by_area(report: &Report, out: &mut String) {
    let mut by_area: BTreeMap<&str, [usize; 5]> = BTreeMap::new();
    for ch in &report.changes {
        let areas: BTreeSet<&str> =
            ch.operations.iter().map(|op| report.areas.get(op).map_or("untagged", String::as_str)).collect();
        let areas = if areas.is_empty() { BTreeSet::from(["(no operation)"]) } else { areas };
        for area in areas {
            let row = by_area.entry(area).or_default();
            row[ch.severity as usize] += 1;
            match ch.rule {
                "operation-added" => row[3] += 1,
                "operation-removed" => row[4] += 1,
                _ => {}
            }
        }
    }
    if !by_area.is_empty() {
        out.push_str("\n## By area\n\nA change reaching several areas counts in each.\n\n| area | breaking | possibly breaking | non-breaking | operations added | operations removed |\n|---|---|---|---|---|---|\n");
        for (area, r) in &by_area {
            let _ = writeln!(out, "| `{area}` | {} | {} | {} | {} | {} |", r[0], r[1], r[2], r[3], r[4]);
        }
    }
}

/// Changes grouped into rows: what happened, the rule, its places, the operations reaching them.
type Group<'r> = (String, &'static str, Vec<String>, BTreeSet<&'r str>);

/// The changes of one severity, identical ones (and enum values added to the same places) in
/// one row, the row with the most places first.
fn grouped(report: &Report, severity: Severity, title: &str, out: &mut String) {
    let mut groups: Vec<Group<'_>> = Vec::new();
    let mut index: BTreeMap<(String, &str), usize> = BTreeMap::new();
    let mut total = 0;
    for ch in report.changes.iter().filter(|ch| ch.severity == severity) {
        total += 1;
        let (what, place) = what_and_where(ch);
        let i = *index.entry((what.clone(), ch.rule)).or_insert_with(|| {
            groups.push((what, ch.rule, Vec::new(), BTreeSet::new()));
            groups.len() - 1
        });
        groups[i].2.push(place);
        groups[i].3.extend(ch.operations.iter().map(String::as_str));
    }
    if groups.is_empty() {
        return;
    }
    let mut groups = merge_enum_values(groups);
    groups.sort_by(|a, b| b.2.len().cmp(&a.2.len()).then_with(|| (a.1, &a.0).cmp(&(b.1, &b.0))));
    let _ = writeln!(out, "\n## {title} ({total} changes in {} rows)\n", groups.len());
    out.push_str("| change | rule | places | where | operations reaching it |\n|---|---|---|---|---|\n");
    for (what, rule, places, ops) in &groups {
        let _ = writeln!(
            out,
            "| {} | `{rule}` | {} | {} | {} |",
            cell(what),
            places.len(),
            folded(places),
            ops.len()
        );
    }
}

/// Enum values added to (or removed from) the same places share a row.
fn merge_enum_values(groups: Vec<Group<'_>>) -> Vec<Group<'_>> {
    let mut merged: Vec<Group<'_>> = Vec::new();
    for g in groups {
        let value = |what: &str| {
            what.strip_prefix("enum value ")
                .and_then(|w| w.strip_suffix(" added").or_else(|| w.strip_suffix(" removed")))
                .map(str::to_owned)
        };
        match value(&g.0).and_then(|v| {
            merged
                .iter_mut()
                .find(|m| m.1 == g.1 && m.2 == g.2 && m.0.starts_with("enum value"))
                .map(|m| (m, v))
        }) {
            Some((m, v)) => {
                let (head, tail) =
                    m.0.rsplit_once(' ').map(|(h, t)| (h.to_owned(), t.to_owned())).unwrap_or_default();
                let head = head.replacen("enum value ", "enum values ", 1);
                m.0 = format!("{head}, {v} {tail}");
            }
            None => merged.push(g),
        }
    }
    merged
}

/// What kind of public item a surface path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Method,
    Setter,
    UrlBuilder,
    Type,
    Member,
    Other,
}

impl Kind {
    fn of(item: &str, signature: &str) -> Self {
        let parts: Vec<&str> = item.split("::").collect();
        match parts.as_slice() {
            ["Client", _] => Self::Method,
            ["redirects", _] => Self::UrlBuilder,
            ["types", _] if !item.contains('.') => Self::Type,
            ["types", ..] => Self::Member,
            [area, handle, _] if *handle == crate::surface::areas::handle_name(area) => Self::Method,
            [_, _, _] if signature.starts_with("fn ") => Self::Setter,
            _ => Self::Other,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Method => "methods (`client.<area>().<method>(..)`, area handles)",
            Self::Setter => "request-builder setters and `send`",
            Self::UrlBuilder => "URL builders (`redirects::`)",
            Self::Type => "types",
            Self::Member => "fields, variants, constructors and setters of types",
            Self::Other => "other items (builder types)",
        }
    }
}

/// `(a, b)` for `fn new(a: impl Into<String>, b: u64) -> Self`.
fn parameter_names(signature: &str) -> String {
    let Some(start) = signature.find('(') else { return signature.to_owned() };
    let (mut depth, mut names, mut current, mut in_name) = (0usize, Vec::new(), String::new(), true);
    for ch in signature[start + 1..].chars() {
        match ch {
            '(' | '<' | '[' => depth += 1,
            ')' if depth == 0 => break,
            ')' | '>' | ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                names.push(std::mem::take(&mut current));
                in_name = true;
                continue;
            }
            ':' if depth == 0 => in_name = false,
            _ => {}
        }
        if in_name && depth == 0 && ch != ':' {
            current.push(ch);
        }
    }
    names.push(current);
    let names: Vec<&str> = names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).collect();
    format!("({})", names.join(", "))
}

/// The Rust API change in figures by kind of item, and the lists a reviewer reads first.
fn rust_summary(d: &ApiDiff, out: &mut String) {
    let mut counts: BTreeMap<Kind, [usize; 3]> = BTreeMap::new();
    for (item, sig) in &d.added {
        counts.entry(Kind::of(item, sig)).or_default()[0] += 1;
    }
    for (item, sig) in &d.removed {
        counts.entry(Kind::of(item, sig)).or_default()[1] += 1;
    }
    for ch in &d.changed {
        counts.entry(Kind::of(&ch.item, &ch.new)).or_default()[2] += 1;
    }
    let _ = writeln!(
        out,
        "Public items of `workos-api`: {} added, {} removed, {} changed.\n\n| items | added | removed | changed |\n|---|---|---|---|",
        d.added.len(),
        d.removed.len(),
        d.changed.len()
    );
    for (kind, [a, r, c]) in &counts {
        let _ = writeln!(out, "| {} | {a} | {r} | {c} |", kind.label());
    }
    let methods = |list: &[(String, String)]| -> Vec<String> {
        list.iter().filter(|(i, s)| Kind::of(i, s) == Kind::Method).map(|(i, _)| i.clone()).collect()
    };
    let (added, removed) = (methods(&d.added), methods(&d.removed));
    let changed: Vec<String> = d
        .changed
        .iter()
        .filter(|c| Kind::of(&c.item, &c.new) == Kind::Method)
        .map(|c| c.item.clone())
        .collect();
    out.push('\n');
    for (label, list) in
        [("Methods added", &added), ("Methods removed", &removed), ("Methods changed in signature", &changed)]
    {
        let _ = writeln!(out, "- {label} ({}): {}", list.len(), folded_or_none(list));
    }
    construction(d, out);
    same_change(d, out);
    removed_from_types(d, out);
}

/// The places, folded, or `none`.
fn folded_or_none(places: &[String]) -> String {
    if places.is_empty() { "none".to_owned() } else { folded(places) }
}

/// `new` of a type added to, removed from, or changed in an existing type.
fn construction(d: &ApiDiff, out: &mut String) {
    let construction: Vec<String> = d
        .changed
        .iter()
        .filter(|c| c.item.ends_with("::new"))
        .map(|c| {
            let (before, after) = (parameter_names(&c.old), parameter_names(&c.new));
            if before == after {
                format!("{}{before}: argument types changed", c.item)
            } else {
                format!("{}{before} → {after}", c.item)
            }
        })
        .chain(d.removed.iter().filter(|(i, _)| i.ends_with("::new")).map(|(i, _)| format!("{i} removed")))
        .collect();
    let _ = writeln!(
        out,
        "- Types whose construction changes ({}): {}",
        construction.len(),
        folded_or_none(&construction)
    );
}

/// Identical signature changes of the same member, e.g. every `order` setter.
fn same_change(d: &ApiDiff, out: &mut String) {
    let mut same: BTreeMap<(String, &str), Vec<String>> = BTreeMap::new();
    for ch in &d.changed {
        let member = ch.item.rsplit(['.', ':']).next().unwrap_or(&ch.item).to_owned();
        same.entry((member, ch.new.as_str())).or_default().push(ch.item.clone());
    }
    let shared: Vec<_> = same.iter().filter(|(_, items)| items.len() > 1).collect();
    if !shared.is_empty() {
        out.push_str(
            "\nThe same change to many items:\n\n| member | now | count | items |\n|---|---|---|---|\n",
        );
        for ((member, now), items) in shared {
            let _ = writeln!(out, "| `{member}` | `{}` | {} | {} |", cell(now), items.len(), folded(items));
        }
    }
}

/// Types removed, and fields, variants and methods removed from types that remain.
fn removed_from_types(d: &ApiDiff, out: &mut String) {
    let removed_types: Vec<String> =
        d.removed.iter().filter(|(i, s)| Kind::of(i, s) == Kind::Type).map(|(i, _)| i.clone()).collect();
    let removed_members: Vec<String> = d
        .removed
        .iter()
        .filter(|(i, s)| {
            Kind::of(i, s) == Kind::Member
                && !removed_types
                    .iter()
                    .any(|t| i.starts_with(&format!("{t}::")) || i.starts_with(&format!("{t}.")))
        })
        .map(|(i, _)| i.clone())
        .collect();
    let _ = writeln!(out, "\n- Types removed ({}): {}", removed_types.len(), folded_or_none(&removed_types));
    let _ = writeln!(
        out,
        "- Fields, variants and methods removed from types that remain ({}): {}",
        removed_members.len(),
        folded_or_none(&removed_members)
    );
}
