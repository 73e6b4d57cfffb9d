//! `generated/` must be exactly what the codegen emits from the pinned document.
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
    let c = &output.coverage;
    assert_eq!(c.operations, 170);
    assert_eq!(c.methods + c.url_builders.len(), 170);
    assert_eq!(c.url_builders.len(), 4, "{:?}", c.url_builders);
}
