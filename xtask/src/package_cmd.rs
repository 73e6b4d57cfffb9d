//! `cargo xtask package`: the published crates (`workos-emulator`, `workos-api`) are what
//! crates.io would get, and work from there.
//!
//! 1. `cargo publish --dry-run` packages both (in dependency order, so `workos-api`'s
//!    dev-dependency on `workos-emulator` resolves to the packaged one) and builds each package
//!    from its packaged sources.
//! 2. Each package's file list is reviewed against [`RULES`]: every file it must have is there,
//!    and none it must not ship (the Dockerfile, scripts, keys that are not marked test-only,
//!    the workspace's own files) is.
//! 3. The unpacked packages become a scratch workspace of their own, where `cargo test` runs
//!    their tests, examples and doc tests: a test that reads a file outside its crate fails here.

use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, Result, bail};
use workos_codegen::Project;

/// What one published crate's package must hold, and must not.
struct Rule {
    name: &'static str,
    /// Its folder in the workspace.
    dir: &'static str,
    /// Files it must contain.
    required: &'static [&'static str],
    /// What no file of it may be: a path prefix, or a `*`-suffix pattern.
    forbidden: &'static [&'static str],
}

/// The published crates, in the order they are published.
const RULES: &[Rule] = &[
    Rule {
        name: "workos-emulator",
        dir: "emulator",
        required: &[
            "Cargo.toml",
            "README.md",
            "CHANGELOG.md",
            "LICENSE",
            "src/lib.rs",
            "src/bin/workos-emulator.rs",
            "src/emitted/fill.json",
            "src/emitted/generic.json",
            "keys/README.md",
            "keys/test-only-signing-key.pem",
            "keys/test-only-signing-key.jwk.json",
        ],
        forbidden: &["Dockerfile", "*.sh", "target/", "keys/signing", "*.der", "*.key"],
    },
    Rule {
        name: "workos-api",
        dir: "workos-api",
        required: &[
            "Cargo.toml",
            "README.md",
            "CHANGELOG.md",
            "LICENSE",
            "LICENSE-openapi-spec.txt",
            "src/lib.rs",
            "src/emitted/mod.rs",
            "src/emitted/COVERAGE.md",
            "tests/fixtures/node-vectors.json",
        ],
        forbidden: &["Dockerfile", "*.sh", "target/", "*.pem", "*.yaml", "emulator-fill.json"],
    },
];

pub(crate) fn run(project: &Project, allow_dirty: bool) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let dirty: &[&str] = if allow_dirty { &["--allow-dirty"] } else { &[] };
    let mut publish = Command::new(&cargo);
    publish.args(["publish", "--dry-run", "--locked"]).args(dirty).current_dir(&project.root);
    for rule in RULES {
        publish.args(["-p", rule.name]);
    }
    let status = publish.status().context("running cargo publish --dry-run")?;
    if !status.success() {
        bail!("cargo publish --dry-run failed (its output is above)");
    }
    let mut problems = Vec::new();
    for rule in RULES {
        let out = Command::new(&cargo)
            .args(["package", "--list", "--locked", "-p", rule.name])
            .args(dirty)
            .current_dir(&project.root)
            .output()
            .context("running cargo package --list")?;
        if !out.status.success() {
            bail!("cargo package --list -p {}: {}", rule.name, String::from_utf8_lossy(&out.stderr));
        }
        let files: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect();
        problems.extend(review(rule, &files));
        println!("{}: {} files, reviewed", rule.name, files.len());
    }
    if !problems.is_empty() {
        bail!("the packages do not hold what they should:\n  {}", problems.join("\n  "));
    }
    test_unpacked(project, &cargo)
}

/// What is wrong with one package's file list.
fn review(rule: &Rule, files: &[String]) -> Vec<String> {
    let mut problems: Vec<String> = rule
        .required
        .iter()
        .filter(|r| !files.iter().any(|f| f == *r))
        .map(|r| format!("{}: `{r}` is missing", rule.name))
        .collect();
    for file in files {
        if let Some(pattern) = rule.forbidden.iter().find(|p| matches(p, file)) {
            problems.push(format!("{}: `{file}` must not be published (rule `{pattern}`)", rule.name));
        }
    }
    problems
}

/// `*.ext` matches a file name's end; anything else a path prefix or a file name.
fn matches(pattern: &str, file: &str) -> bool {
    let name = file.rsplit('/').next().unwrap_or(file);
    match pattern.strip_prefix('*') {
        Some(suffix) => name.ends_with(suffix),
        None => file.starts_with(pattern) || name == pattern,
    }
}

/// Runs the packaged crates' own tests in a workspace made of nothing but the unpacked packages
/// (`target/package/<name>-<version>/`, copied to `target/package-check/`), with the workspace's
/// lock file.
fn test_unpacked(project: &Project, cargo: &str) -> Result<()> {
    let scratch = project.root.join("target/package-check");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch).with_context(|| format!("clearing {}", scratch.display()))?;
    }
    let mut members = Vec::new();
    let mut patch = String::new();
    for rule in RULES {
        let version = package_version(&project.root.join(rule.dir))?;
        let dir = format!("{}-{version}", rule.name);
        let unpacked = project.root.join("target/package").join(&dir);
        crate::copy_tree(&unpacked, &scratch.join(&dir), |_| true)
            .with_context(|| format!("copying the unpacked package {}", unpacked.display()))?;
        members.push(format!("{dir:?}"));
        patch.push_str(&format!("{} = {{ path = {dir:?} }}\n", rule.name));
    }
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n# The packaged crates stand for their crates.io releases.\n[patch.crates-io]\n{patch}",
        members.join(", ")
    );
    std::fs::write(scratch.join("Cargo.toml"), manifest)?;
    std::fs::copy(project.root.join("Cargo.lock"), scratch.join("Cargo.lock"))?;
    let status = Command::new(cargo)
        .args(["test", "--workspace", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", project.root.join("target"))
        .current_dir(scratch)
        .status()
        .context("running cargo test in the unpacked packages")?;
    if !status.success() {
        bail!("the packaged crates' tests fail when built from their packages (output above)");
    }
    println!("the packaged crates' tests, examples and doc tests pass from their packages");
    Ok(())
}

/// A workspace package's version, from its manifest.
fn package_version(dir: &Path) -> Result<String> {
    let path = dir.join("Cargo.toml");
    let manifest: toml::Table = toml::from_str(&std::fs::read_to_string(&path)?)?;
    manifest
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(toml::Value::as_str)
        .map(str::to_owned)
        .with_context(|| format!("{} has no package.version", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_package_without_its_license_or_with_a_dockerfile_is_refused() {
        let rule = &RULES[0];
        let mut files: Vec<String> = rule.required.iter().map(|f| (*f).to_owned()).collect();
        assert!(review(rule, &files).is_empty());
        files.retain(|f| f != "LICENSE");
        files.push("Dockerfile".into());
        files.push("keys/generate.sh".into());
        files.push("keys/signing-key.pem".into());
        let problems = review(rule, &files);
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].contains("`LICENSE` is missing"));
        assert!(problems.iter().any(|p| p.contains("`Dockerfile` must not be published")));
        assert!(problems.iter().any(|p| p.contains("`keys/generate.sh`")));
        assert!(problems.iter().any(|p| p.contains("`keys/signing-key.pem`")));
    }

    #[test]
    fn patterns_match_suffixes_prefixes_and_names() {
        assert!(matches("*.sh", "keys/generate.sh"));
        assert!(matches("Dockerfile", "Dockerfile"));
        assert!(matches("target/", "target/debug/x"));
        assert!(!matches("*.pem", "src/pem.rs"));
        assert!(!matches("Dockerfile", "src/dockerfile.rs"));
    }
}
