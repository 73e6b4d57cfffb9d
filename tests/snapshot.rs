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
