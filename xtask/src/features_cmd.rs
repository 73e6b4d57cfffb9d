//! `cargo xtask features`: the feature combinations of `workos-api` that matter compile without
//! a warning: no feature, each area (and each helper feature such as `sessions`) alone, and all
//! (the default).
//!
//! Each combination is a `cargo rustc` of the library with `-D warnings` passed to that crate
//! only, so the dependencies are built once and shared with the rest of the workspace.

use std::process::Command;

use anyhow::{Result, bail};
use workos_codegen::Project;

pub(crate) fn run(project: &Project) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Every area, and every other feature of the manifest (`sessions`), alone.
    let mut features = project.overlays()?.areas.names();
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(project.out_dir().join("Cargo.toml"))?)?;
    if let Some(declared) = manifest.get("features").and_then(toml::Value::as_table) {
        features.extend(declared.keys().filter(|k| *k != "default").cloned());
    }
    let mut combos: Vec<(String, Vec<String>)> =
        vec![("no feature".into(), vec!["--no-default-features".into()])];
    for feature in &features {
        combos.push((
            format!("`{feature}` alone"),
            vec!["--no-default-features".into(), "--features".into(), feature.clone()],
        ));
    }
    combos.push(("all features (default)".into(), Vec::new()));
    let mut failed = Vec::new();
    for (label, args) in &combos {
        let status = Command::new(&cargo)
            .args(["rustc", "--quiet", "-p", "workos-api", "--lib"])
            .args(args)
            .args(["--", "-D", "warnings"])
            .current_dir(&project.root)
            .status()?;
        if status.success() {
            println!("ok      {label}");
        } else {
            println!("FAILED  {label}");
            failed.push(label.clone());
        }
    }
    if !failed.is_empty() {
        bail!(
            "{} of {} feature combinations do not compile cleanly: {}",
            failed.len(),
            combos.len(),
            failed.join(", ")
        );
    }
    println!("{} feature combinations compile without warnings", combos.len());
    Ok(())
}
