//! `cargo xtask`: the project's developer commands. A thin CLI over `workos-codegen`.
#![allow(clippy::print_stdout, reason = "a command-line tool: stdout is its output")]

mod bench;
mod compat_cmd;
mod features_cmd;
mod package_cmd;
mod spec_cmd;
mod upgrade_check;

/// typify clones schemas by the thousand; glibc's allocator made that the largest part of a
/// codegen run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use clap::error::ErrorKind;
use clap::{Parser, Subcommand};
use workos_codegen::load::spec;
use workos_codegen::{Input, Project, emit};

/// The project's developer commands. Exit codes: 0 success; 1 a command failed; `spec diff`:
/// 1 non-breaking changes only, 2 breaking or possibly breaking changes; 3 unreadable or invalid
/// input, a usage error included.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate workos-api/ from the pinned document (fetched into workos-spec/.cache/ if needed).
    Codegen {
        /// Fail with a diff if workos-api/ is out of date, writing nothing.
        #[arg(long)]
        check: bool,
        /// Print the time of each phase.
        #[arg(long)]
        timings: bool,
        /// Generate from this document instead, into a copy of workos-api/ at --out.
        #[arg(long, requires = "out", conflicts_with = "check")]
        spec: Option<PathBuf>,
        /// Where --spec's copy of workos-api/ goes.
        #[arg(long, requires = "spec")]
        out: Option<PathBuf>,
    },
    /// Generate every DIR/*.yaml into target/history/ and compile each with -D warnings (all
    /// failures reported together).
    History {
        /// A folder of documents (.ci/run passes ../shared/workos-spec/history).
        dir: PathBuf,
    },
    /// Compile a caller's use of every operation of the crate for OLD against the crate for
    /// NEW; fail on a break the spec diff does not call breaking.
    Compat {
        /// A file, or `pinned`.
        old: String,
        /// A file, or `pinned`.
        new: String,
    },
    /// `compat` DOC (the pinned document) -> newest document of DIR, then each consecutive pair.
    CompatHistory {
        /// A folder of documents.
        dir: PathBuf,
        /// The document the history starts from: `pinned`, a published version or a file. A
        /// document with the same bytes as one of DIR's starts the pairs there instead.
        #[arg(long, default_value = "pinned")]
        from: String,
    },
    /// Check workos-api with no feature, each feature alone and all features, -D warnings.
    Features,
    /// Package the published crates (workos-emulator, workos-api) with `cargo publish --dry-run`,
    /// review their file lists, and run their tests from the packages.
    Package {
        /// Package uncommitted changes too (passed to cargo as --allow-dirty).
        #[arg(long)]
        allow_dirty: bool,
    },
    /// Speed figures for BENCHMARKS.md (run from a release build:
    /// cargo run --release -p xtask -- bench).
    Bench {
        #[command(subcommand)]
        what: Option<BenchCommand>,
    },
    /// List every operation's method name, derived or overridden.
    Names {
        /// Another document than the pinned one.
        file: Option<PathBuf>,
    },
    /// The pinned document: fetch, diff, upgrade.
    Spec {
        #[command(subcommand)]
        command: SpecCommand,
    },
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Time `spec diff` on OLD and NEW padded to 1.4 MB.
    Diff {
        /// The older document.
        old: PathBuf,
        /// The newer document.
        new: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum SpecCommand {
    /// Download and verify the pinned document into workos-spec/.cache/.
    Fetch,
    /// What changed between two documents, classified for users of the Rust crate, with the
    /// crate's public API impact. Exit: 0 no change, 1 non-breaking only, 2 breaking or possibly
    /// breaking (with --fail-on breaking: 0 unless breaking), 3 unreadable or invalid input.
    Diff(spec_cmd::DiffArgs),
    /// Fetch and verify a new document (a published version or a file), update the lock,
    /// regenerate workos-api/, check the workspace, and write workos-spec/CHANGES.md (a summary,
    /// with what is left to fix at the top) and CHANGES-full.md. Exit 1 when a check failed.
    Upgrade(spec_cmd::UpgradeArgs),
    /// Diff pinned -> oldest document in DIR and each consecutive pair; compare the counts with
    /// the expectations file.
    DiffHistory {
        /// A folder of documents.
        dir: PathBuf,
        /// The document the history starts from: `pinned`, a published version or a file. A
        /// document with the same bytes as one of DIR's starts the pairs there instead.
        #[arg(long, default_value = "pinned")]
        from: String,
        /// The reviewed counts (workos-spec/diff-expectations.toml).
        #[arg(long)]
        expect: PathBuf,
        /// Rewrite the expectations file with what the diff finds.
        #[arg(long)]
        bless: bool,
    },
    /// The classification rules, as a Markdown table.
    Rules,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(spec_cmd::EXIT_BAD_INPUT);
        }
    };
    // Tests point the commands at a scratch copy of the project.
    let root =
        std::env::var_os("XTASK_PROJECT_ROOT").map_or_else(workos_codegen::workspace_root, PathBuf::from);
    let project = Project { root };
    let result = match cli.command {
        Command::Spec { command: SpecCommand::Diff(args) } => spec_cmd::diff(&project, &args),
        Command::Spec { command: SpecCommand::Upgrade(args) } => spec_cmd::upgrade(&project, &args),
        Command::Spec { command: SpecCommand::DiffHistory { dir, from, expect, bless } } => {
            spec_cmd::diff_history(&project, &dir, &from, &expect, bless)
        }
        other => run(&project, other).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) if e.downcast_ref::<spec_cmd::BadInput>().is_some() => {
            eprintln!("error: {e:#}");
            ExitCode::from(spec_cmd::EXIT_BAD_INPUT)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(project: &Project, command: Command) -> Result<()> {
    match command {
        Command::Codegen { spec: Some(file), out: Some(out), .. } => {
            codegen_other(project, file, out).map(drop)
        }
        Command::Codegen { check, timings, .. } => codegen(project, check, timings),
        Command::History { dir } => history(project, &dir),
        Command::Compat { old, new } => compat_cmd::compat(project, &old, &new),
        Command::CompatHistory { dir, from } => compat_cmd::history(project, &dir, &from),
        Command::Features => features_cmd::run(project),
        Command::Package { allow_dirty } => package_cmd::run(project, allow_dirty),
        Command::Bench { what: None } => bench::run(project),
        Command::Bench { what: Some(BenchCommand::Diff { old, new }) } => bench::diff(project, &old, &new),
        Command::Names { file } => names(project, file),
        Command::Spec { command: SpecCommand::Rules } => {
            print!("{}", spec_cmd::rules_table());
            Ok(())
        }
        Command::Spec { command: SpecCommand::Fetch } => {
            let input = project.pinned_input()?;
            eprintln!("{}: {} bytes, sha256 verified", input.file.display(), input.bytes.len());
            Ok(())
        }
        Command::Spec {
            command: SpecCommand::Diff(_) | SpecCommand::Upgrade { .. } | SpecCommand::DiffHistory { .. },
        } => {
            unreachable!("handled in main")
        }
    }
}

fn codegen(project: &Project, check: bool, timings: bool) -> Result<()> {
    let (output, changed) = workos_codegen::codegen(project, check)?;
    eprint!("{}", output.coverage.summary());
    if timings {
        for (phase, time) in &output.timings {
            eprintln!("  {phase:<12} {:>7.1} ms", time.as_secs_f64() * 1e3);
        }
    }
    if check {
        eprintln!("the emitted files are up to date");
    } else if changed.is_empty() {
        eprintln!("the emitted files are unchanged");
    } else {
        eprintln!("wrote {}", changed.join(", "));
    }
    Ok(())
}

/// The OpenAPI documents (`.yaml`, `.yml`, `.json`) in `dir`, sorted by name; an error if none.
pub(crate) fn documents_in(dir: &std::path::Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml" || x == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no documents in {}", dir.display());
    }
    Ok(files)
}

/// Every document in `dir` must generate and compile; method names of operations the pinned
/// document also has must not change.
fn history(project: &Project, dir: &std::path::Path) -> Result<()> {
    let files = documents_in(dir)?;
    let overlays = project.overlays()?;
    let pinned = project.pinned_input()?;
    let pinned_doc = workos_codegen::overlaid(&pinned, &overlays)?.0;
    let pinned_names = workos_codegen::naming::method_names(&pinned_doc, &overlays.names);
    // Every document is checked; the failures are reported together at the end.
    let mut failures = Vec::new();
    for file in &files {
        match history_one(project, &overlays, &pinned_names, file) {
            Ok(()) => eprintln!("ok: {} generates and compiles", file.display()),
            Err(e) => {
                eprintln!("FAILED: {}: {e:#}", file.display());
                failures.push(format!("{}: {e:#}", file.display()));
            }
        }
    }
    if !failures.is_empty() {
        bail!("{} of {} documents failed:\n{}", failures.len(), files.len(), failures.join("\n"));
    }
    eprintln!("history: {} documents generate and compile", files.len());
    Ok(())
}

/// Generates `file` into `target/history/<stem>`, checks its method names against the pinned
/// document's, and compiles it with `-D warnings` and every feature the document supports (its
/// areas, and the helpers whose operations it has).
fn history_one(
    project: &Project,
    overlays: &workos_codegen::Overlays,
    pinned_names: &[workos_codegen::naming::NamedOperation],
    file: &std::path::Path,
) -> Result<()> {
    let target_dir = project.root.join("target/history-target");
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let out = project.root.join("target/history").join(&stem);
    if out.exists() {
        std::fs::remove_dir_all(&out).with_context(|| format!("clearing {}", out.display()))?;
    }
    let output = codegen_other(project, file.to_owned(), out.clone())?;
    let features = supported_features(&output.coverage).join(",");
    let input = Input { file: file.to_owned(), bytes: std::fs::read(file)?, source: String::new() };
    let doc = workos_codegen::overlaid(&input, overlays)?.0;
    for named in workos_codegen::naming::method_names(&doc, &overlays.names) {
        if let Some(old) = pinned_names.iter().find(|p| p.key == named.key && p.name != named.name) {
            bail!("{} is `{}` here but `{}` in the pinned document", named.key, named.name, old.name);
        }
    }
    let status = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "--no-default-features", "--features", &features, "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target_dir)
        .env("RUSTFLAGS", "-D warnings")
        .status()
        .context("running cargo check")?;
    if !status.success() {
        bail!("the generated crate does not compile (cargo check in {})", out.display());
    }
    Ok(())
}

fn names(project: &Project, file: Option<PathBuf>) -> Result<()> {
    let input = match file {
        Some(file) => Input { bytes: std::fs::read(&file)?, source: String::new(), file },
        None => project.pinned_input()?,
    };
    let overlays = project.overlays()?;
    let document = workos_codegen::overlaid(&input, &overlays)?.0;
    let names = workos_codegen::naming::method_names(&document, &overlays.names);
    let mut out = String::new();
    for n in names {
        let mark = if n.overridden { "override" } else { "derived" };
        out.push_str(&format!("{:<9} {:<50} {:<90} {}\n", mark, n.name, n.key, n.operation_id));
    }
    std::io::Write::write_all(&mut std::io::stdout(), out.as_bytes())?;
    Ok(())
}

/// Generates from any document into a scratch copy of the generated crate, which then builds on
/// its own (`cargo check --manifest-path DIR/Cargo.toml`).
fn codegen_other(project: &Project, file: PathBuf, out: PathBuf) -> Result<workos_codegen::Output> {
    let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
    let source = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let input = Input { file: file.clone(), bytes, source };
    let output = workos_codegen::generate(&input, &project.overlays()?)?;
    copy_crate(&project.out_dir(), &out)?;
    emit::ensure_files(&out, &output.files, false)?;
    eprint!("{}", output.coverage.summary());
    eprintln!(
        "generated {} into {} (sha256 {})",
        file.display(),
        out.display(),
        spec::sha256_hex(&input.bytes)
    );
    Ok(output)
}

/// The hand-written helper features and the operations they call: a document without those
/// operations (a test fixture) is checked without the feature.
const HELPER_FEATURES: &[(&str, &[&str])] = &[("sessions", &["authenticate", "get_sso_jwks"])];

/// The features a crate generated from a document can be built with: each of its areas, and each
/// helper feature whose operations it has.
fn supported_features(coverage: &workos_codegen::emit::Coverage) -> Vec<String> {
    let mut features = coverage.area_names();
    let has = |method: &str| coverage.areas.iter().any(|(_, m)| m == method);
    for (feature, needs) in HELPER_FEATURES {
        if needs.iter().all(|m| has(m)) {
            features.push((*feature).to_owned());
        }
    }
    features
}

/// Copies the hand-written part of the generated crate, and makes its manifest a workspace of its
/// own so its library builds outside this one.
pub(crate) fn copy_crate(from: &std::path::Path, to: &std::path::Path) -> Result<()> {
    copy_tree(from, to, |rel| !rel.starts_with("src/emitted") && !rel.starts_with("target"))?;
    let manifest = to.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)?;
    let root: toml::Table =
        toml::from_str(&std::fs::read_to_string(workos_codegen::workspace_root().join("Cargo.toml"))?)?;
    let inherited = root.get("workspace").and_then(|w| w.get("package")).and_then(toml::Value::as_table);
    // Dev-dependencies on sibling workspace crates (the emulator) cannot resolve outside the
    // workspace; the copy is checked as a library, so they go. Fields the package inherits
    // from the workspace (`edition.workspace = true`) get the workspace's values.
    let text: String = text
        .replace("[lints]\nworkspace = true\n", "")
        .lines()
        .filter(|l| !l.contains("path = \"../"))
        .map(|l| {
            match l.strip_suffix(".workspace = true").and_then(|key| Some((key, inherited?.get(key)?))) {
                Some((key, value)) => format!("{key} = {value}\n"),
                None => format!("{l}\n"),
            }
        })
        .collect();
    std::fs::write(&manifest, format!("{text}\n[workspace]\n"))?;
    let lock = workos_codegen::workspace_root().join("Cargo.lock");
    if lock.exists() {
        std::fs::copy(&lock, to.join("Cargo.lock"))?;
    }
    Ok(())
}

/// Copies the files under `from` whose relative path `keep` accepts to the same places under `to`.
pub(crate) fn copy_tree(
    from: &std::path::Path,
    to: &std::path::Path,
    keep: impl Fn(&std::path::Path) -> bool,
) -> Result<()> {
    for entry in walk(from)? {
        let rel = entry.strip_prefix(from)?;
        if !keep(rel) {
            continue;
        }
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap_or(to))?;
        std::fs::copy(&entry, &dest).with_context(|| format!("copying {}", entry.display()))?;
    }
    Ok(())
}

fn walk(dir: &std::path::Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(walk(&path)?);
        } else {
            out.push(path);
        }
    }
    Ok(out)
}
