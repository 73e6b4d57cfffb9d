//! `cargo xtask`: the project's developer commands. A thin CLI over `workos-codegen`.
#![allow(clippy::print_stdout, reason = "a command-line tool: stdout is its output")]

mod bench;
mod compat_cmd;
mod features_cmd;
mod spec_cmd;

/// typify clones schemas by the thousand; glibc's allocator made that the largest part of a
/// codegen run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use workos_codegen::{Input, Project, emit, spec};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check] [--timings]  generate generated/ from the pinned document
                                 (--check: fail with a diff if generated/ is out of date;
                                  --timings: print the time of each phase)
  codegen --spec FILE --out DIR  generate from another document into a copy of generated/ at DIR
  history DIR                    generate every DIR/*.yaml into target/history/ and `cargo check` each
                                 (robustness against newer WorkOS documents; .ci/run passes the upstream history)
  compat OLD NEW                 compile a caller's use of every operation of the crate for OLD (files or
                                 `pinned`) against the crate for NEW; fail on a break the spec diff does
                                 not call breaking
  compat-history DIR             compat pinned -> newest of DIR and each consecutive pair
  features                       check workos-api with no area, each area alone and all areas, -D warnings
  bench                          speed figures for BENCHMARKS.md (cargo run --release -p xtask -- bench)
  bench diff OLD NEW             spec diff time on OLD and NEW padded to 1.4 MB (release build)
  names [FILE]                   list every operation's method name (derived or overridden)
  spec fetch                     download and verify the pinned document into workos-spec/.cache/
  spec diff OLD NEW [--format markdown|json] [--fail-on breaking|any] [--no-rust] [--output FILE]
                                 what changed between two documents (files, published versions such
                                 as 0.1.0, or `pinned`), classified for users of the Rust crate, with
                                 the crate's public API impact. Exit: 0 no change, 1 non-breaking only,
                                 2 breaking or possibly breaking (--fail-on breaking: 0 unless breaking),
                                 3 unreadable or invalid input
  spec upgrade VERSION|PATH      fetch and verify a new document, write workos-spec/CHANGES.md, update
                                 the lock and regenerate generated/
  spec diff-history DIR --expect FILE [--bless]
                                 diff pinned -> oldest in DIR and each consecutive pair; compare the
                                 counts with FILE (--bless rewrites FILE)
  spec rules                     the classification rules, as a Markdown table
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Tests point the commands at a scratch copy of the project.
    let root =
        std::env::var_os("XTASK_PROJECT_ROOT").map_or_else(workos_codegen::workspace_root, PathBuf::from);
    let project = Project { root };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["spec", "diff", rest @ ..] => spec_cmd::diff(&project, rest),
        ["spec", "upgrade", target] => spec_cmd::upgrade(&project, target),
        ["spec", "diff-history", dir, "--expect", file] => {
            spec_cmd::diff_history(&project, std::path::Path::new(dir), std::path::Path::new(file), false)
        }
        ["spec", "diff-history", dir, "--expect", file, "--bless"] => {
            spec_cmd::diff_history(&project, std::path::Path::new(dir), std::path::Path::new(file), true)
        }
        _ => run(&project, &args).map(|()| ExitCode::SUCCESS),
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

fn run(project: &Project, args: &[&str]) -> Result<()> {
    match args {
        ["codegen"] => codegen(project, false, false),
        ["codegen", "--check"] => codegen(project, true, false),
        ["codegen", "--timings"] => codegen(project, false, true),
        ["codegen", "--check", "--timings"] => codegen(project, true, true),
        ["codegen", "--spec", file, "--out", out] => codegen_other(project, file.into(), out.into()),
        ["history", dir] => history(project, std::path::Path::new(dir)),
        ["compat", old, new] => compat_cmd::compat(project, old, new),
        ["compat-history", dir] => compat_cmd::history(project, std::path::Path::new(dir)),
        ["features"] => features_cmd::run(project),
        ["bench"] => bench::run(project),
        ["bench", "diff", old, new] => {
            bench::diff(project, std::path::Path::new(old), std::path::Path::new(new))
        }
        ["names"] => names(project, None),
        ["names", file] => names(project, Some(file.into())),
        ["spec", "rules"] => {
            print!("{}", spec_cmd::rules_table());
            Ok(())
        }
        ["spec", "fetch"] => {
            let input = project.pinned_input()?;
            eprintln!("{}: {} bytes, sha256 verified", input.file.display(), input.bytes.len());
            Ok(())
        }
        ["help" | "--help" | "-h"] => {
            eprint!("{USAGE}");
            Ok(())
        }
        _ => bail!("unknown command {:?}\n{USAGE}", args.join(" ")),
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
        eprintln!("generated/ is up to date");
    } else if changed.is_empty() {
        eprintln!("generated/ unchanged");
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
    let pinned_doc = workos_codegen::load::parse(&pinned.file, &pinned.bytes)?;
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
/// document's, and compiles it with `-D warnings`.
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
    codegen_other(project, file.to_owned(), out.clone())?;
    let doc = workos_codegen::load::parse(file, &std::fs::read(file)?)?;
    for named in workos_codegen::naming::method_names(&doc, &overlays.names) {
        if let Some(old) = pinned_names.iter().find(|p| p.key == named.key && p.name != named.name) {
            bail!("{} is `{}` here but `{}` in the pinned document", named.key, named.name, old.name);
        }
    }
    let status = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "--manifest-path"])
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
    let document = workos_codegen::load::parse(&input.file, &input.bytes)?;
    let names = workos_codegen::naming::method_names(&document, &project.overlays()?.names);
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
fn codegen_other(project: &Project, file: PathBuf, out: PathBuf) -> Result<()> {
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
    Ok(())
}

/// Copies the hand-written part of the generated crate, and makes its manifest a workspace of its
/// own so its library builds outside this one.
pub(crate) fn copy_crate(from: &std::path::Path, to: &std::path::Path) -> Result<()> {
    for entry in walk(from)? {
        let rel = entry.strip_prefix(from)?;
        if rel.starts_with("src/emitted") || rel.starts_with("target") {
            continue;
        }
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap_or(to))?;
        std::fs::copy(&entry, &dest).with_context(|| format!("copying {}", entry.display()))?;
    }
    let manifest = to.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)?;
    // Dev-dependencies on sibling workspace crates (the emulator) cannot resolve outside the
    // workspace; the copy is checked as a library, so they go.
    let text: String = text
        .replace("[lints]\nworkspace = true\n", "")
        .lines()
        .filter(|l| !l.contains("path = \"../"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&manifest, format!("{text}\n[workspace]\n"))?;
    let lock = workos_codegen::workspace_root().join("Cargo.lock");
    if lock.exists() {
        std::fs::copy(&lock, to.join("Cargo.lock"))?;
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
