//! `workos-api/` must be exactly what the codegen emits from the pinned document.
//! Uses the same code path as `cargo xtask codegen --check`.

use workos_codegen::{Project, workspace_root};

#[test]
fn generated_crate_matches_codegen() {
    let project = Project { root: workspace_root() };
    match workos_codegen::codegen(&project, true) {
        Ok(_) => {}
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn generation_is_deterministic() {
    let project = Project { root: workspace_root() };
    let input = project.pinned_input().expect("pinned document");
    let overlays = project.overlays().expect("overlays");
    let first = workos_codegen::generate(&input, &overlays).expect("first run");
    let second = workos_codegen::generate(&input, &overlays).expect("second run");
    assert_eq!(first.files, second.files);
}

#[test]
fn every_operation_is_callable() {
    let project = Project { root: workspace_root() };
    let input = project.pinned_input().expect("pinned document");
    let output = workos_codegen::generate(&input, &project.overlays().expect("overlays")).expect("generate");
    // Counted from the document, so a document with more operations needs no edit here.
    let doc = project.pinned_document().expect("the overlaid document");
    let operations = workos_codegen::openapi::operations_of(&doc);
    let redirects = operations
        .iter()
        .filter(|(_, _, _, op)| {
            op["responses"].as_object().is_some_and(|r| r.keys().any(|status| status.starts_with('3')))
        })
        .count();
    let c = &output.coverage;
    assert!(operations.len() >= 100, "the pinned document has {} operations", operations.len());
    assert_eq!(c.operations, operations.len());
    assert_eq!(c.methods + c.url_builders.len(), operations.len());
    assert_eq!(c.url_builders.len(), redirects, "{:?}", c.url_builders);
    // The spec diff reads the public surface from the syntax trees, unformatted: the same
    // surface as the formatted files give.
    let from_text = workos_codegen::review::diff::rust_api::surface(&output.files).expect("surface");
    let from_syntax = workos_codegen::review::diff::rust_api::surface_of_syntax(&output.syntax);
    assert!(from_text.0.len() > 1000, "{} public items", from_text.0.len());
    assert_eq!(from_syntax, from_text);
}

/// Counts the cursor-paginated list operations straight from the document (`before`, `after`
/// and `limit` query parameters, a response with `data` and `list_metadata`) and checks that each
/// has its streams in the generated crate.
#[test]
fn every_paginated_list_operation_streams() {
    use serde_json::Value;
    let project = Project { root: workspace_root() };
    let doc = project.pinned_document().expect("the overlaid document");
    let resolve = |v: &Value| -> Value {
        match v.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
            Some(ptr) => doc.pointer(ptr).cloned().unwrap_or(Value::Null),
            None => v.clone(),
        }
    };
    let names = workos_codegen::naming::method_names(&doc, &project.overlays().expect("overlays").names);
    let mut paginated = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let Some(op) = item.get("get") else { continue };
        let params: Vec<String> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| resolve(p)["name"].as_str().unwrap_or_default().to_owned())
            .collect();
        let has = |n: &str| params.iter().any(|p| p == n);
        let props = properties(&doc, &op["responses"]["200"]["content"]["application/json"]["schema"]);
        if has("before")
            && has("after")
            && has("limit")
            && props.contains("data")
            && props.contains("list_metadata")
        {
            let key = format!("GET {path}");
            paginated.push(names.iter().find(|n| n.key == key).expect("named").name.clone());
        }
    }
    // Every list the document pages is streamable, and nothing else claims to be.
    let mut emitted = Vec::new();
    for entry in std::fs::read_dir(workspace_root().join("workos-api/src/emitted")).expect("emitted dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            continue; // `types/`: no builders
        }
        let text = std::fs::read_to_string(path).expect("read");
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("impl crate::runtime::ListRequest for ") {
                emitted.push(rest.trim_end_matches(" {").to_owned());
            }
        }
    }
    let mut expected: Vec<String> =
        paginated.iter().map(|n| heck::ToPascalCase::to_pascal_case(n.as_str())).collect();
    expected.sort();
    emitted.sort();
    assert!(!expected.is_empty(), "the document pages some lists");
    assert_eq!(emitted, expected, "list builders implementing ListRequest");
}

/// The property names of a schema, through `$ref` and `allOf`.
fn properties(doc: &serde_json::Value, schema: &serde_json::Value) -> std::collections::BTreeSet<String> {
    let schema = match schema.get("$ref").and_then(|r| r.as_str()).and_then(|r| r.strip_prefix('#')) {
        Some(ptr) => doc.pointer(ptr).unwrap_or(&serde_json::Value::Null),
        None => schema,
    };
    let mut names: std::collections::BTreeSet<String> =
        schema["properties"].as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default();
    for member in schema["allOf"].as_array().into_iter().flatten() {
        names.extend(properties(doc, member));
    }
    names
}

/// Every action of the committed overlay changes the vendored document: a stale one (its target
/// gone, or the document fixed upstream) is dropped, never kept (`spec upgrade` drops it).
#[test]
fn every_overlay_action_changes_the_vendored_document() {
    let project = Project { root: workspace_root() };
    let input = project.pinned_input().expect("pinned document");
    let overlays = project.overlays().expect("overlays");
    let (_, applied) = workos_codegen::overlaid(&input, &overlays).expect("applies");
    let stale: Vec<String> =
        applied.stale().map(|a| format!("actions[{}] `{}`: {}", a.index, a.target, a.summary)).collect();
    assert!(stale.is_empty(), "stale overlay actions:\n{}", stale.join("\n"));
    assert_eq!(applied.actions.len(), overlays.document.len());
}
