//! The bad-input corpus: every broken document in `tests/bad-specs/` fails with an error that
//! names the file and the JSON pointer (or operation) at fault, without a panic and without
//! writing anything.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use workos_codegen::{Input, Project, workspace_root};

#[derive(serde::Deserialize)]
struct Expected {
    pointer: Option<String>,
    message: String,
}

fn corpus() -> (PathBuf, BTreeMap<String, Expected>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("bad-specs");
    let text = std::fs::read_to_string(dir.join("expected.toml")).expect("expected.toml");
    (dir, toml::from_str(&text).expect("expected.toml parses"))
}

#[test]
fn every_bad_document_is_listed_and_there_are_at_least_twenty() {
    let (dir, expected) = corpus();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("bad-specs")
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".yaml").map(str::to_owned))
        .collect();
    files.sort();
    let listed: Vec<String> = expected.keys().cloned().collect();
    assert_eq!(files, listed, "tests/bad-specs/*.yaml and expected.toml disagree");
    assert!(files.len() >= 20, "only {} bad documents", files.len());
}

#[test]
fn every_bad_document_fails_with_a_located_error() {
    let (dir, expected) = corpus();
    let overlays = Project { root: workspace_root() }.overlays().expect("overlays");
    let mut failures = Vec::new();
    for (name, want) in &expected {
        let file = dir.join(format!("{name}.yaml"));
        let input =
            Input { bytes: std::fs::read(&file).expect("read"), file: file.clone(), source: name.clone() };
        let result = std::panic::catch_unwind(|| workos_codegen::generate(&input, &overlays));
        let err = match result {
            Err(_) => {
                failures.push(format!("{name}: panicked"));
                continue;
            }
            Ok(Ok(_)) => {
                failures.push(format!("{name}: generated without error"));
                continue;
            }
            Ok(Err(err)) => err,
        };
        let text = err.to_string();
        if !text.starts_with(&file.display().to_string()) {
            failures.push(format!("{name}: error does not start with the file name: {text}"));
        }
        if !text.contains(&want.message) {
            failures.push(format!("{name}: expected {:?} in: {text}", want.message));
        }
        if err.pointer() != want.pointer.as_deref() {
            failures.push(format!("{name}: pointer {:?}, expected {:?}", err.pointer(), want.pointer));
        }
        if !err.is_bad_input() {
            failures.push(format!("{name}: not classified as bad input: {err:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
