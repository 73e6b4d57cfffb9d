//! After `spec upgrade` regenerated the crate: does the workspace still build, and does the
//! emulator still answer as the new document says? Each failure is reported with its place and,
//! where the diff explains it, the document change behind it.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use workos_codegen::review::diff::{Report, RustApi, cell, folded};

/// One thing the upgrade left broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// `file:line`, relative to the workspace, or the check's name.
    pub(crate) place: String,
    /// The compiler's or the test's message (first line).
    pub(crate) message: String,
    /// The change of the diff that explains it, when one matches.
    pub(crate) cause: Option<String>,
}

/// What the checks found.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// The checks that ran, with their verdict (`cargo check ...: passed`).
    pub(crate) ran: Vec<String>,
    pub(crate) failures: Vec<Failure>,
    /// Response fields the emulator served from the document, not from its model.
    pub(crate) from_document: Vec<String>,
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs `cargo check --workspace --all-targets`, then (when that compiles) the emulator's
/// contract test, in `root`.
pub(crate) fn run(root: &Path, report: &Report) -> std::io::Result<Outcome> {
    let mut outcome = Outcome::default();
    eprintln!("checking the workspace: cargo check --workspace --all-targets");
    let out = cargo()
        .current_dir(root)
        .args(["check", "--workspace", "--all-targets", "--message-format=json", "--quiet"])
        .output()?;
    let compile_errors = compiler_errors(&String::from_utf8_lossy(&out.stdout), root);
    if !out.status.success() && compile_errors.is_empty() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        outcome.failures.push(Failure {
            place: "cargo check".to_owned(),
            message: stderr.lines().find(|l| l.starts_with("error")).unwrap_or("failed").to_owned(),
            cause: None,
        });
    }
    let compiled = out.status.success();
    outcome.ran.push(format!(
        "`cargo check --workspace --all-targets`: {}",
        if compiled { "passed".to_owned() } else { format!("{} error(s)", compile_errors.len().max(1)) }
    ));
    outcome.failures.extend(compile_errors.into_iter().map(|(place, message)| {
        let cause = cause(&message, report);
        Failure { place, message, cause }
    }));
    if !compiled {
        outcome.ran.push("emulator contract test: not run (the workspace does not compile)".to_owned());
        return Ok(outcome);
    }
    eprintln!("checking the emulator: cargo test -p workspace-tests --test emulator_contract");
    let list = root.join("target/xtask/served-from-document.txt");
    if let Some(dir) = list.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let _ = std::fs::remove_file(&list);
    let out = cargo()
        .current_dir(root)
        .args([
            "test",
            "--quiet",
            "-p",
            "workspace-tests",
            "--test",
            "emulator_contract",
            "--",
            "--test-threads=2",
        ])
        .env("RUST_BACKTRACE", "0")
        .env("WORKOS_EMULATOR_FROM_DOCUMENT", &list)
        .output()?;
    outcome.from_document =
        std::fs::read_to_string(&list).unwrap_or_default().lines().map(str::to_owned).collect();
    let panics = test_panics(&String::from_utf8_lossy(&out.stdout));
    outcome.ran.push(format!(
        "emulator contract test: {}",
        if out.status.success() {
            "passed".to_owned()
        } else {
            format!("{} failure(s)", panics.len().max(1))
        }
    ));
    if !out.status.success() && panics.is_empty() {
        outcome.failures.push(Failure {
            place: "emulator contract test".to_owned(),
            message: String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("failed").to_owned(),
            cause: None,
        });
    }
    outcome.failures.extend(panics.into_iter().map(|(place, message)| {
        let cause = cause(&message, report);
        Failure { place, message, cause }
    }));
    Ok(outcome)
}

/// `(file:line, message)` of every error in cargo's JSON messages.
fn compiler_errors(stdout: &str, root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in stdout.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else { continue };
        if v["reason"] != "compiler-message" || v["message"]["level"] != "error" {
            continue;
        }
        let message = v["message"]["message"].as_str().unwrap_or_default().to_owned();
        let spans = v["message"]["spans"].as_array().cloned().unwrap_or_default();
        let Some(span) = spans.iter().find(|s| s["is_primary"] == true).or_else(|| spans.first()) else {
            continue;
        };
        let file = span["file_name"].as_str().unwrap_or("?");
        let file = Path::new(file).strip_prefix(root).map_or(file.to_owned(), |p| p.display().to_string());
        let place = format!("{file}:{}", span["line_start"]);
        // Cargo reports an error once per target that includes the file.
        if !out.iter().any(|(p, m)| *p == place && *m == message) {
            out.push((place, message));
        }
    }
    out
}

/// `(file:line, message)` of every panic in libtest's output.
fn test_panics(stdout: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = stdout.lines();
    while let Some(line) = lines.next() {
        let Some(rest) = line.split_once(" panicked at ").map(|(_, r)| r) else { continue };
        let place = rest.trim_end_matches(':');
        let place = place.rsplit_once(':').map_or(place, |(p, _col)| p).to_owned();
        // A message of several lines (one per mismatch) gives one failure per line after the
        // header, which ends with a colon.
        let mut message: Vec<&str> = Vec::new();
        for next in lines.by_ref() {
            if next.is_empty() || next.starts_with("note: ") || next.starts_with("stack backtrace") {
                break;
            }
            message.push(next);
        }
        match message.as_slice() {
            [header, details @ ..] if header.ends_with(':') && !details.is_empty() => {
                out.extend(details.iter().map(|d| (place.clone(), (*d).to_owned())));
            }
            _ => out.push((place, message.join(" "))),
        }
    }
    out
}

/// The names a message quotes: `` `types::Foo` `` gives `types::Foo` and `Foo`.
fn quoted(message: &str) -> Vec<&str> {
    let mut names = Vec::new();
    for (i, part) in message.split('`').enumerate() {
        if i % 2 == 1 && !part.is_empty() {
            names.push(part);
            if let Some(last) = part.rsplit("::").next().filter(|l| *l != part) {
                names.push(last);
            }
        }
    }
    names
}

/// The change of the diff that a failure message names, if any: first the Rust items (a field,
/// a type, a method), then the document changes.
pub(crate) fn cause(message: &str, report: &Report) -> Option<String> {
    let names = quoted(message);
    let names: Vec<&str> = if names.is_empty() {
        // Panics of the contract test quote JSON: `"field"`.
        message.split('"').skip(1).step_by(2).filter(|n| n.len() > 1).collect()
    } else {
        names
    };
    let segment_matches = |item: &str, name: &str| item.split(['.', ':']).any(|s| s == name);
    if let Some(RustApi::Diff(d)) = &report.rust_api {
        for name in &names {
            let added = d.added.iter().map(|(i, _)| (i, "added"));
            let removed = d.removed.iter().map(|(i, _)| (i, "removed"));
            let changed = d.changed.iter().map(|c| (&c.item, "changed"));
            let mut hits: Vec<(&String, &str)> =
                added.chain(removed).chain(changed).filter(|(i, _)| segment_matches(i, name)).collect();
            // The most specific item: a field or member before its type.
            hits.sort_by_key(|(i, _)| std::cmp::Reverse(i.len()));
            if let Some((item, what)) = hits.first() {
                let spec = report.changes.iter().find(|c| {
                    c.detail.contains(&format!("`{}`", item.rsplit(['.', ':']).next().unwrap_or(item)))
                });
                let mut text = format!("`{item}` {what}");
                if let Some(c) = spec {
                    let _ = write!(text, " ({}: {}, `{}`)", c.location, c.detail, c.rule);
                }
                return Some(text);
            }
        }
    }
    for name in &names {
        if let Some(c) = report.changes.iter().find(|c| c.detail.contains(&format!("`{name}`"))) {
            return Some(format!("{}: {} (`{}`)", c.location, c.detail, c.rule));
        }
    }
    None
}

/// The section at the top of the upgrade report.
pub(crate) fn markdown(outcome: &Outcome) -> String {
    let served_from_document = &outcome.from_document;
    let mut out = String::from("## After the upgrade\n\n");
    for line in &outcome.ran {
        let _ = writeln!(out, "- {line}");
    }
    if outcome.failures.is_empty() {
        out.push_str("\nNothing to fix by hand.\n");
    } else {
        let _ = writeln!(out, "\n**{} failure(s) to fix by hand:**\n", outcome.failures.len());
        out.push_str("| where | failure | caused by |\n|---|---|---|\n");
        for f in &outcome.failures {
            let cause = f.cause.as_deref().unwrap_or("no document change names it");
            let _ = writeln!(out, "| `{}` | {} | {} |", f.place, cell(&f.message), cell(cause));
        }
    }
    if !served_from_document.is_empty() {
        let _ = writeln!(
            out,
            "\n**Served from the document, not modelled** ({}): the emulator answers these response fields with the document's example, default or `null`, not with behaviour. Model them before relying on them in tests.\n",
            served_from_document.len()
        );
        let _ = writeln!(out, "{}", folded(served_from_document));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiler_errors_are_read_from_cargo_json_once_per_place() {
        let line = r#"{"reason":"compiler-message","message":{"level":"error","message":"missing field `prompt` in initializer of `types::Foo`","spans":[{"file_name":"/w/examples/a.rs","line_start":12,"is_primary":true}]}}"#;
        let warning = line.replace("\"error\"", "\"warning\"");
        let stdout = format!("{line}\n{line}\n{warning}\nnot json\n");
        let errors = compiler_errors(&stdout, Path::new("/w"));
        assert_eq!(
            errors,
            vec![(
                "examples/a.rs:12".to_owned(),
                "missing field `prompt` in initializer of `types::Foo`".to_owned()
            )]
        );
    }

    #[test]
    fn test_panics_give_place_and_message() {
        let stdout = "running 1 test\n\nthread 'x' (12) panicked at tests/emulator_contract.rs:88:9:\nGET /users: \"locale\" is a required property\nnote: run with\n";
        assert_eq!(
            test_panics(stdout),
            vec![(
                "tests/emulator_contract.rs:88".to_owned(),
                "GET /users: \"locale\" is a required property".to_owned()
            )]
        );
        let several = "thread 't' panicked at tests/c.rs:9:5:\n2 answers differ:\nA: \"roles\" missing\nB: \"source\" missing\n\n";
        let panics = test_panics(several);
        assert_eq!(panics.len(), 2);
        assert_eq!(panics[1], ("tests/c.rs:9".to_owned(), "B: \"source\" missing".to_owned()));
    }

    #[test]
    fn a_failure_is_traced_to_the_rust_item_and_the_document_change() {
        let mut report =
            workos_codegen::review::diff::diff("a", &serde_json::json!({}), "b", &serde_json::json!({}));
        report.changes.push(workos_codegen::review::diff::Change {
            severity: workos_codegen::review::diff::rules::Severity::Breaking,
            rule: "property-added-required",
            location: "schema Foo".to_owned(),
            detail: "`prompt`: required property added".to_owned(),
            operations: vec![],
        });
        report.rust_api = Some(RustApi::Diff(workos_codegen::review::diff::rust_api::ApiDiff {
            added: vec![("types::Foo.prompt".to_owned(), "String".to_owned())],
            ..Default::default()
        }));
        let found = cause("missing field `prompt` in initializer of `types::Foo`", &report).expect("a cause");
        assert!(found.starts_with("`types::Foo.prompt` added (schema Foo"), "{found}");
        assert_eq!(cause("mismatched types", &report), None);
    }
}
