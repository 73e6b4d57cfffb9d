//! `cargo run --release -p xtask -- bench`: the speed figures reported in BENCHMARKS.md.
//!
//! 1. Codegen wall time: the release `xtask codegen --check` process, end to end, repeated.
//! 2. `cargo check` of the generated crate with its dependencies already built, next to the
//!    official `workos` crate measured the same way in the same run: `cargo clean -p <crate>`,
//!    then a timed `cargo check`. The two alternate run by run, so a change in the machine's
//!    load affects both; medians are compared.
//! 3. The same for a debug `cargo build` (code generation included).
//!
//! Items 2 and 3 also time `workos-api` with only the `authorization` feature, in the same
//! alternation, for the feature budgets (against all areas, and against the official crate).
//!
//! `bench diff OLD NEW`: the release `xtask spec diff` process on two documents padded to at
//! least 1.4 MB, without and with the Rust API impact (the old document's surface cached, the
//! new one's generated in every run).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use workos_codegen::Project;

/// The official SDK release the issue names as the bar.
const OFFICIAL: &str = "workos";
const OFFICIAL_VERSION: &str = "3.5.0";
const RUNS: usize = 5;
const CHECK_RUNS: usize = 5;
const BUILD_RUNS: usize = 3;

pub(crate) fn run(project: &Project) -> Result<()> {
    let exe = std::env::current_exe()?;
    if !exe.to_string_lossy().contains("release") {
        bail!("run the benchmark from a release build: cargo run --release -p xtask -- bench");
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());

    let mut codegen = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let status = Command::new(&exe).args(["codegen", "--check"]).current_dir(&project.root).output()?;
        if !status.status.success() {
            bail!("codegen --check failed: {}", String::from_utf8_lossy(&status.stderr));
        }
        codegen.push(start.elapsed());
    }
    report("codegen --check of the pinned document (release xtask, whole process)", &codegen);

    let official_dir = project.root.join("target/bench/official");
    write_official_project(&official_dir)?;
    let auth_args: &[&str] =
        &["-p", "workos-api", "--lib", "--no-default-features", "--features", "authorization"];
    for (command, runs) in [("check", CHECK_RUNS), ("build", BUILD_RUNS)] {
        let targets = [
            Check {
                dir: &project.root,
                args: &["-p", "workos-api", "--lib"],
                package: "workos-api",
                command,
            },
            Check { dir: &project.root, args: auth_args, package: "workos-api", command },
            Check { dir: &official_dir, args: &["--lib"], package: OFFICIAL, command },
        ];
        let labels = [
            "workos-api, all areas (default features)".to_owned(),
            "workos-api, authorization only".to_owned(),
            format!("{OFFICIAL} {OFFICIAL_VERSION}"),
        ];
        for t in &targets {
            t.run(&cargo, false).with_context(|| format!("warming up {}", t.package))?;
        }
        let mut times: [Vec<Duration>; 3] = Default::default();
        for _ in 0..runs {
            for (t, out) in targets.iter().zip(times.iter_mut()) {
                out.push(t.run(&cargo, true)?);
            }
        }
        for (label, t) in labels.iter().zip(&times) {
            report(&format!("cargo {command} of {label} (debug, dependencies built)"), t);
        }
        let [all, auth, official] = times.map(|t| median(&t).as_secs_f64());
        println!("cargo {command}: all areas / {OFFICIAL}: {:.2}", all / official);
        println!("cargo {command}: authorization only / all areas: {:.2}", auth / all);
        println!("cargo {command}: authorization only / {OFFICIAL}: {:.2}", auth / official);
    }
    let emitted = lines(&project.out_dir().join("src/emitted"))?;
    println!("emitted lines: {emitted}");
    Ok(())
}

/// One crate to check or build: where, with which arguments, and its package name for
/// `cargo clean -p`.
struct Check<'a> {
    dir: &'a Path,
    args: &'a [&'a str],
    package: &'a str,
    /// `check` or `build`.
    command: &'a str,
}

impl Check<'_> {
    /// A `cargo check` (or `build`), after cleaning the crate itself when `timed` (its
    /// dependencies stay built).
    fn run(&self, cargo: &str, timed: bool) -> Result<Duration> {
        if timed {
            let clean = Command::new(cargo)
                .args(["clean", "--quiet", "-p", self.package])
                .current_dir(self.dir)
                .status()?;
            if !clean.success() {
                bail!("cargo clean -p {} failed", self.package);
            }
        }
        let start = Instant::now();
        let status = Command::new(cargo)
            .args([self.command, "--quiet"])
            .args(self.args)
            .current_dir(self.dir)
            .status()?;
        if !status.success() {
            bail!("cargo {} in {} failed", self.command, self.dir.display());
        }
        Ok(start.elapsed())
    }
}

fn write_official_project(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"official-bench\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\n{OFFICIAL} = \"={OFFICIAL_VERSION}\"\n\n[workspace]\n"
        ),
    )?;
    std::fs::write(dir.join("src/lib.rs"), format!("pub use {OFFICIAL} as sdk;\n"))?;
    Ok(())
}

/// The size the spec-diff budget is stated for.
const DIFF_DOC_BYTES: usize = 1_400_000;

/// `bench diff OLD NEW`: pads both documents to at least [`DIFF_DOC_BYTES`] with copies of their
/// own schemas (the same copies on both sides, so the changes found are the real ones), then
/// times the whole `spec diff` process.
pub(crate) fn diff(project: &Project, old: &Path, new: &Path) -> Result<()> {
    let exe = std::env::current_exe()?;
    if !exe.to_string_lossy().contains("release") {
        bail!("run the benchmark from a release build: cargo run --release -p xtask -- bench diff OLD NEW");
    }
    let dir = project.root.join("target/bench/diff");
    std::fs::create_dir_all(&dir)?;
    let padded_old = pad(old, &dir.join("old.yaml"))?;
    let padded_new = pad(new, &dir.join("new.yaml"))?;
    // As on upgrade day: the old (pinned) document's surface is cached from an earlier diff;
    // the new document's is generated in every timed run.
    let new_cache = crate::spec_cmd::surface_cache_path(project, &std::fs::read(&padded_new.0)?);
    let warm = Command::new(&exe).args(["spec", "diff"]).arg(&padded_old.0).arg(&padded_old.0).output()?;
    if !matches!(warm.status.code(), Some(0..=2)) {
        bail!("spec diff failed: {}", String::from_utf8_lossy(&warm.stderr));
    }
    for (label, extra) in
        [("spec diff --no-rust", &["--no-rust"][..]), ("spec diff (with the Rust API impact)", &[][..])]
    {
        let mut times = Vec::new();
        for _ in 0..RUNS {
            if let Some(path) = &new_cache {
                let _ = std::fs::remove_file(path);
            }
            let start = Instant::now();
            let out = Command::new(&exe)
                .args(["spec", "diff"])
                .arg(&padded_old.0)
                .arg(&padded_new.0)
                .args(extra)
                .current_dir(&project.root)
                .output()?;
            times.push(start.elapsed());
            if !matches!(out.status.code(), Some(0..=2)) {
                bail!("spec diff failed: {}", String::from_utf8_lossy(&out.stderr));
            }
        }
        report(
            &format!("{label}, {} + {} bytes (release xtask, whole process)", padded_old.1, padded_new.1),
            &times,
        );
    }
    Ok(())
}

/// Writes `from` padded to at least [`DIFF_DOC_BYTES`]; returns the path and its size.
fn pad(from: &Path, to: &Path) -> Result<(PathBuf, usize)> {
    let bytes = std::fs::read(from).with_context(|| format!("reading {}", from.display()))?;
    let mut doc = workos_codegen::load::parse(from, &bytes)?;
    let originals: Vec<(String, serde_json::Value)> = doc
        .pointer("/components/schemas")
        .and_then(serde_json::Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let mut text = serde_norway::to_string(&doc)?;
    let mut round = 0;
    while text.len() < DIFF_DOC_BYTES && !originals.is_empty() {
        if let Some(schemas) =
            doc.pointer_mut("/components/schemas").and_then(serde_json::Value::as_object_mut)
        {
            for (name, schema) in originals.iter().take(20) {
                schemas.insert(format!("BenchPad{round}{name}"), schema.clone());
            }
        }
        round += 1;
        text = serde_norway::to_string(&doc)?;
    }
    std::fs::write(to, &text)?;
    Ok((to.to_owned(), text.len()))
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn report(what: &str, times: &[Duration]) {
    let secs: Vec<String> = times.iter().map(|t| format!("{:.2}", t.as_secs_f64())).collect();
    println!("{what}: median {:.2} s (runs: {})", median(times).as_secs_f64(), secs.join(", "));
}

fn lines(dir: &Path) -> Result<usize> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let path: PathBuf = entry?.path();
        if path.is_dir() {
            total += lines(&path)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            total += std::fs::read_to_string(&path)?.lines().count();
        }
    }
    Ok(total)
}
