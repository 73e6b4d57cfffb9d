//! The spec diff on fixture pairs: one case per kind of change, each with its expected rules
//! and severities (tests/diff-fixtures/cases.toml over base.yaml), and the Markdown report.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use workos_codegen::review::diff::{self, rules::RULES};
use workos_codegen::workspace_root;

#[derive(Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    /// Applied to both sides first, when the old side needs something the base lacks.
    #[serde(default)]
    old_patch: Vec<toml::Value>,
    patch: Vec<toml::Value>,
    expect: Vec<String>,
    #[serde(default)]
    operations: Option<Vec<String>>,
    /// Where the first change is reported, when given.
    #[serde(default)]
    location: Option<String>,
}

fn fixtures() -> std::path::PathBuf {
    workspace_root().join("tests/diff-fixtures")
}

fn base() -> Value {
    let file = fixtures().join("base.yaml");
    workos_codegen::load::parse(&file, &std::fs::read(&file).expect("base.yaml")).expect("parse base.yaml")
}

fn tokens(pointer: &str) -> Vec<String> {
    pointer.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect()
}

/// The JSON Patch operations the cases use: add, remove, replace, move.
fn apply(doc: &mut Value, op: &Value) {
    let take = |doc: &mut Value, pointer: &str| -> Value {
        let mut parts = tokens(pointer);
        let last = parts.pop().expect("a pointer with a last token");
        let parent =
            doc.pointer_mut(&pointer[..pointer.len() - last.replace('~', "~0").replace('/', "~1").len() - 1]);
        match parent.unwrap_or_else(|| panic!("no parent for {pointer}")) {
            Value::Object(m) => m.shift_remove(&last).unwrap_or_else(|| panic!("nothing at {pointer}")),
            Value::Array(a) => a.remove(last.parse().expect("index")),
            _ => panic!("{pointer}: parent is not a container"),
        }
    };
    let put = |doc: &mut Value, pointer: &str, value: Value, replace: bool| {
        let mut parts = tokens(pointer);
        let last = parts.pop().expect("a pointer with a last token");
        let parent_ptr: String =
            parts.iter().map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1"))).collect();
        match doc.pointer_mut(&parent_ptr).unwrap_or_else(|| panic!("no parent for {pointer}")) {
            Value::Object(m) => {
                m.insert(last, value);
            }
            Value::Array(a) if last == "-" => a.push(value),
            Value::Array(a) => {
                let i: usize = last.parse().expect("index");
                if replace { a[i] = value } else { a.insert(i, value) }
            }
            _ => panic!("{pointer}: parent is not a container"),
        }
    };
    let path = op["path"].as_str().expect("path");
    match op["op"].as_str().expect("op") {
        "add" => put(doc, path, op["value"].clone(), false),
        "replace" => put(doc, path, op["value"].clone(), true),
        "remove" => {
            take(doc, path);
        }
        "move" => {
            let value = take(doc, op["from"].as_str().expect("from"));
            put(doc, path, value, false);
        }
        other => panic!("unsupported patch op {other}"),
    }
}

fn patch(mut doc: Value, ops: &[toml::Value]) -> Value {
    for op in ops {
        let op: Value = serde_json::to_value(op).expect("patch as JSON");
        apply(&mut doc, &op);
    }
    doc
}

/// The (old, new) pair of a case.
fn pair(case: &Case) -> (Value, Value) {
    let old = patch(base(), &case.old_patch);
    let new = patch(old.clone(), &case.patch);
    (old, new)
}

fn patched(case: &Case) -> Value {
    pair(case).1
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(fixtures().join("cases.toml")).expect("cases.toml");
    toml::from_str::<Cases>(&text).expect("parse cases.toml").case
}

#[test]
fn every_fixture_pair_is_classified_as_expected() {
    let mut failures = Vec::new();
    let cases = cases();
    assert!(cases.len() >= 60, "one case per kind of change");
    for case in &cases {
        let (old, new) = pair(case);
        let report = diff::diff("base", &old, &case.name, &new);
        let mut got: Vec<String> = report
            .changes
            .iter()
            .map(|c| format!("{}:{}", c.rule, c.severity.label().replace(' ', "-")))
            .collect();
        let mut want = case.expect.clone();
        got.sort();
        want.sort();
        if got != want {
            let details: Vec<String> = report
                .changes
                .iter()
                .map(|c| format!("    {} {}: {}", c.rule, c.location, c.detail))
                .collect();
            failures.push(format!(
                "{}:\n  expected {want:?}\n  got      {got:?}\n{}",
                case.name,
                details.join("\n")
            ));
            continue;
        }
        if let Some(location) = &case.location
            && &report.changes[0].location != location
        {
            failures.push(format!(
                "{}: location {:?}, expected {location:?}",
                case.name, report.changes[0].location
            ));
        }
        if let Some(ops) = &case.operations {
            let first = &report.changes[0];
            if &first.operations != ops {
                failures.push(format!("{}: operations {:?}, expected {ops:?}", case.name, first.operations));
            }
        }
    }
    assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_rule_has_a_fixture() {
    let used: std::collections::BTreeSet<String> = cases()
        .iter()
        .flat_map(|c| c.expect.iter().map(|e| e.split(':').next().unwrap_or_default().to_owned()))
        .collect();
    let unused: Vec<&str> = RULES.iter().map(|r| r.id).filter(|id| !used.contains(*id)).collect();
    assert!(unused.is_empty(), "rules without a fixture in cases.toml: {unused:?}");
}

#[test]
fn identical_documents_have_no_changes_and_the_report_says_so() {
    let doc = base();
    let report = diff::diff("a", &doc, "b", &doc);
    assert!(report.changes.is_empty() && report.worst().is_none());
    let md = diff::markdown(&report);
    assert!(md.contains("**0 breaking, 0 possibly breaking, 0 non-breaking**"), "{md}");
}

#[test]
fn the_markdown_report_groups_by_severity_and_cites_its_rules() {
    let case = cases().into_iter().find(|c| c.name.starts_with("response property removed")).expect("case");
    let mut new = patched(&case);
    apply(
        &mut new,
        &serde_json::json!({"op": "add", "path": "/paths/~1teams", "value": {"get": {"responses": {"204": {"description": "x"}}}}}),
    );
    let report = diff::diff("base", &base(), "new", &new);
    let md = diff::markdown(&report);
    let breaking = md.find("## Breaking (1)").expect("breaking section");
    let non_breaking = md.find("## Non-breaking (1)").expect("non-breaking section");
    assert!(breaking < non_breaking);
    assert!(md.contains("| `schema Role` | `permissions`: property removed | `property-removed` |"), "{md}");
    assert!(md.contains("## Rules applied") && md.contains("| `operation-added` | non-breaking |"), "{md}");
    let json: BTreeMap<String, Value> =
        serde_json::from_value(serde_json::to_value(&report).expect("json")).expect("map");
    assert_eq!(json["counts"]["breaking"], 1);
    assert_eq!(json["changes"][0]["severity"], "breaking");
}

#[test]
fn the_readme_lists_every_rule() {
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).expect("README.md");
    let missing: Vec<&str> =
        RULES.iter().map(|r| r.id).filter(|id| !readme.contains(&format!("`{id}`"))).collect();
    assert!(
        missing.is_empty(),
        "README.md does not document rules {missing:?}; paste `cargo xtask spec rules`"
    );
}
