//! `cargo xtask spec diff | upgrade | diff-history | rules`: upgrade review.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use serde_json::Value;
use workos_codegen::load::spec;
use workos_codegen::review::diff::rules::{RULES, Severity};
use workos_codegen::review::diff::{Report, RustApi, rust_api};
use workos_codegen::{Input, Overlays, Project, fs};

/// Exit code for unreadable or invalid input (0, 1 and 2 report the changes).
pub(crate) const EXIT_BAD_INPUT: u8 = 3;

/// A document to compare, and where it came from.
pub(crate) struct Doc {
    pub(crate) name: String,
    pub(crate) input: Input,
    /// The document with the overlay applied.
    pub(crate) value: Value,
    /// What each overlay action did to it.
    pub(crate) applied: workos_codegen::load::overlay::Applied,
}

/// Input the user gave that cannot be used; reported with exit code 3.
#[derive(Debug)]
pub(crate) struct BadInput(pub(crate) String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

fn is_version(arg: &str) -> bool {
    let core = arg.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Parses and sanity-checks a document (YAML or JSON, an object with `openapi: 3.x` and
/// `paths`), then applies the project's document overlay: the diff compares what the codegen
/// generates from.
fn parse(project: &Project, name: String, input: Input) -> Result<Doc, BadInput> {
    let mut value =
        workos_codegen::load::parse(&input.file, &input.bytes).map_err(|e| BadInput(e.to_string()))?;
    let version = value.get("openapi").and_then(Value::as_str);
    if !version.is_some_and(|v| v.starts_with("3.")) {
        return Err(BadInput(format!(
            "{}: not an OpenAPI 3 document (`openapi` is {})",
            input.file.display(),
            version.map_or_else(|| "missing".to_owned(), |v| format!("{v:?}"))
        )));
    }
    if !value.get("paths").is_some_and(Value::is_object) {
        return Err(BadInput(format!(
            "{}: not an OpenAPI document: `paths` is missing or not an object",
            input.file.display()
        )));
    }
    let overlays = project.overlays().map_err(|e| BadInput(e.to_string()))?;
    let applied = overlays
        .document
        .apply(&mut value)
        .map_err(|e| BadInput(format!("{}: {e}", input.file.display())))?;
    Ok(Doc { name, input, value, applied })
}

/// `pinned`, a file, or a published version of the pinned package.
pub(crate) fn load(project: &Project, arg: &str) -> Result<Doc, BadInput> {
    if arg == "pinned" {
        let input = project.pinned_input().map_err(|e| BadInput(format!("the pinned document: {e}")))?;
        let name = format!("pinned ({})", input.source);
        return parse(project, name, input);
    }
    let path = Path::new(arg);
    if path.exists() {
        let bytes = std::fs::read(path).map_err(|e| BadInput(format!("cannot read {arg}: {e}")))?;
        let source = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        return parse(project, source.clone(), Input { file: path.to_owned(), bytes, source });
    }
    if is_version(arg) {
        let lock = spec::Lock::read(&project.lock_path()).map_err(|e| BadInput(e.to_string()))?;
        let (resolved, bytes) = spec::resolve_version(&lock.package, arg, &lock.file, &spec::registry())
            .map_err(|e| BadInput(format!("{} {arg}: {e}", lock.package)))?;
        let source = format!("{} {}", resolved.package, resolved.version);
        let file = PathBuf::from(format!("{}@{}/{}", resolved.package, resolved.version, resolved.file));
        return parse(project, source.clone(), Input { file, bytes, source });
    }
    Err(BadInput(format!("`{arg}` is not a file, a published version (like 0.1.0) or `pinned`")))
}

/// A document's generated crate surface, or why there is none.
type SurfaceResult = Result<rust_api::Surface, String>;

/// The generated crate's public surface for a document: from the cache in
/// `target/xtask/surfaces/` when this document was generated before with the same project
/// tables and the same build of xtask, else generated (and cached).
fn surface(project: &Project, doc: &Doc) -> SurfaceResult {
    let cache = surface_cache_path(project, &doc.input.bytes);
    if let Some(path) = &cache
        && let Ok(text) = std::fs::read_to_string(path)
        && let Ok(map) = serde_json::from_str(&text)
    {
        return Ok(rust_api::Surface(map));
    }
    let overlays = project.overlays().map_err(|e| e.to_string())?;
    let output = workos_codegen::generate_syntax(&doc.input, doc.value.clone(), &overlays)
        .map_err(|e| format!("{}: {e}", doc.name))?;
    let surface = rust_api::surface_of_syntax(&output.syntax);
    store_surface(cache.as_deref(), &surface);
    // A process that exits soon: freeing every syntax node one by one costs more than it saves.
    std::mem::forget(output);
    Ok(surface)
}

/// Writes a surface to the cache; a failure only costs the next run a code generation.
fn store_surface(path: Option<&Path>, surface: &rust_api::Surface) {
    if let Some(path) = path
        && let Ok(text) = serde_json::to_string(&surface.0)
    {
        let _ = path.parent().map(std::fs::create_dir_all);
        let _ = fs::write_atomic(path, text.as_bytes());
    }
}

/// The cache file of a document's surface, keyed by the document, the project's tables
/// (overlays, names, areas) and this xtask binary (size and modification time: a rebuilt
/// generator may emit another surface). `None` when the key cannot be formed.
pub(crate) fn surface_cache_path(project: &Project, document: &[u8]) -> Option<PathBuf> {
    let exe = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    let mut keyed = document.to_vec();
    for table in
        ["overlay-schemas.yaml", workos_codegen::load::overlay::FILE, "method-names.toml", "areas.toml"]
    {
        keyed.extend(std::fs::read(project.spec_dir().join(table)).unwrap_or_default());
    }
    keyed.extend(format!("{}:{:?}", exe.len(), exe.modified().ok()?).as_bytes());
    let key = spec::sha256_hex(&keyed);
    Some(project.root.join("target/xtask/surfaces").join(format!("{}.json", &key[..32])))
}

/// The Rust API impact from two surfaces.
fn rust_impact(old: &SurfaceResult, new: &SurfaceResult) -> RustApi {
    match (old, new) {
        (Ok(a), Ok(b)) => RustApi::Diff(rust_api::compare(a, b)),
        (Err(e), _) | (_, Err(e)) => RustApi::Unavailable(format!("the crate could not be generated: {e}")),
    }
}

/// The diff of two documents, its areas and overlay schemas from the project's tables.
fn report(
    overlays: &Overlays,
    old: &Doc,
    new: &Doc,
    surfaces: Option<(&SurfaceResult, &SurfaceResult)>,
) -> Report {
    let context = workos_codegen::review::diff::Context {
        areas: Some(&overlays.areas),
        overlay_schemas: Some(&overlays.schemas),
    };
    let mut report =
        workos_codegen::review::diff::diff_with(&old.name, &old.value, &new.name, &new.value, &context);
    report.rust_api = surfaces.map(|(a, b)| rust_impact(a, b));
    report
}

/// 0: no change; 1: non-breaking changes only; 2: breaking or possibly breaking changes.
fn level(report: &Report) -> u8 {
    match report.worst() {
        None => 0,
        Some(Severity::NonBreaking) => 1,
        Some(_) => 2,
    }
}

/// The arguments of `spec diff`.
#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// The older document: a file, a published version (0.1.0), or `pinned`.
    old: String,
    /// The newer document: a file, a published version, or `pinned`.
    new: String,
    /// The report's format.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// Which changes make the exit code non-zero: `breaking` (exit 2 for breaking or possibly
    /// breaking, else 0) or `any` (1 for non-breaking changes too).
    #[arg(long, value_enum, default_value_t = FailOn::Any)]
    fail_on: FailOn,
    /// Leave out the Rust API impact (no code generation).
    #[arg(long)]
    no_rust: bool,
    /// Every change and every Rust item on its own row, instead of the grouped summary.
    #[arg(long)]
    full: bool,
    /// Write the report to FILE instead of standard output.
    #[arg(long)]
    output: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    Breaking,
    Any,
}

/// `spec diff`: see [`DiffArgs`].
pub(crate) fn diff(project: &Project, args: &DiffArgs) -> Result<ExitCode> {
    let rust = !args.no_rust;
    // The project's tables name the areas: a report without them would be misleading.
    let overlays = match project.overlays() {
        Ok(overlays) => overlays,
        Err(e) => return bad(&format!("the project's tables ({}): {e}", project.spec_dir().display())),
    };
    // Two cores: one parses the new document and generates its surface while the other parses
    // the old one (whose surface is usually cached); the diff runs once both are in.
    let outcome = std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::channel();
        let generator = s.spawn(move || {
            let doc = match load(project, &args.new) {
                Ok(doc) => std::sync::Arc::new(doc),
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return None;
                }
            };
            let _ = tx.send(Ok(doc.clone()));
            rust.then(|| surface(project, &doc))
        });
        let old = load(project, &args.old).map(|doc| {
            let surface = rust.then(|| surface(project, &doc));
            (doc, surface)
        });
        let new = rx.recv().unwrap_or_else(|_| Err(BadInput("the new document's thread stopped".to_owned())));
        // The diff runs while the new crate's surface is still being generated.
        let result = match (old, new) {
            (Ok((old, old_surface)), Ok(new)) => {
                let report = report(&overlays, &old, &new, None);
                std::mem::forget((old, new));
                Ok((report, old_surface))
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        let new_surface = generator.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        result.map(|(mut report, old_surface)| {
            if let (Some(a), Some(b)) = (&old_surface, &new_surface) {
                report.rust_api = Some(rust_impact(a, b));
            }
            report
        })
    });
    let report = match outcome {
        Ok(report) => report,
        Err(e) => return bad(&e.0),
    };
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&report).context("serializing the report")? + "\n",
        Format::Markdown if args.full => workos_codegen::review::diff::markdown(&report),
        Format::Markdown => workos_codegen::review::diff::summary(&report, ""),
    };
    match &args.output {
        Some(path) => fs::write_atomic(path, text.as_bytes())?,
        None => print!("{text}"),
    }
    let c = &report.counts;
    eprintln!(
        "{} breaking, {} possibly breaking, {} non-breaking; {} operations added, {} removed",
        c.breaking, c.possibly_breaking, c.non_breaking, c.operations_added, c.operations_removed
    );
    let level = level(&report);
    let code = match args.fail_on {
        FailOn::Breaking if level < 2 => 0,
        _ => level,
    };
    Ok(ExitCode::from(code))
}

fn bad(message: &str) -> Result<ExitCode> {
    eprintln!("error: {message}");
    Ok(ExitCode::from(EXIT_BAD_INPUT))
}

/// The arguments of `spec upgrade`.
#[derive(Debug, clap::Args)]
pub(crate) struct UpgradeArgs {
    /// A published version of @workos/openapi-spec, or a path.
    target: String,
    /// Skip the checks after regenerating (`cargo check --workspace --all-targets` and the
    /// emulator contract test).
    #[arg(long)]
    no_check: bool,
    /// For a file: the upstream repository it was taken from, recorded in the lock.
    #[arg(long, requires = "commit")]
    repository: Option<String>,
    /// For a file: the upstream commit it was taken at.
    #[arg(long, requires = "repository")]
    commit: Option<String>,
    /// For a file: its path in the upstream repository.
    #[arg(long, default_value = "spec/open-api-spec.yaml")]
    upstream_file: String,
    /// For a file: the upstream release the commit belongs to (`v0.61.0`); also the lock's
    /// version.
    #[arg(long)]
    release: Option<String>,
    /// For a file: the revision of WorkOS's API spec the upstream commit carries.
    #[arg(long)]
    spec_revision: Option<String>,
    /// For a file: the upstream commit's date.
    #[arg(long)]
    date: Option<String>,
}

/// `spec upgrade VERSION|PATH`: verify the new document, vendor it as
/// `workos-spec/open-api-spec.yaml`, update the lock and regenerate workos-api/ (everything
/// computed before anything is written), then check the workspace and write
/// workos-spec/CHANGES.md (the summary, what is left to fix at the top) and CHANGES-full.md
/// (every change). Exit 1 when a check failed.
pub(crate) fn upgrade(project: &Project, args: &UpgradeArgs) -> Result<ExitCode> {
    let arg = args.target.as_str();
    let old_lock = spec::Lock::read(&project.lock_path())?;
    let old = match load(project, "pinned") {
        Ok(d) => d,
        Err(e) => return bad(&e.0),
    };
    let (lock, bytes) = match target(args, &old_lock) {
        Ok(t) => t,
        Err(e) => return bad(&e.0),
    };
    let source = format!("{} {}", lock.package, lock.version);
    let new = match parse(
        project,
        source.clone(),
        Input { file: PathBuf::from(arg), bytes: bytes.clone(), source },
    ) {
        Ok(d) => d,
        Err(e) => return bad(&e.0),
    };
    let overlays = project.overlays()?;
    let output = workos_codegen::generate_document(&new.input, new.value.clone(), &overlays)
        .with_context(|| format!("generating the crate from {arg}; nothing was written"))?;
    let old_surface = surface(project, &old);
    let new_surface: SurfaceResult = Ok(rust_api::surface_of_syntax(&output.syntax));
    if let Ok(new_surface) = &new_surface {
        store_surface(surface_cache_path(project, &bytes).as_deref(), new_surface);
    }
    let report = report(&overlays, &old, &new, Some((&old_surface, &new_surface)));
    // Everything is known: write.
    fs::write_atomic(&project.root.join(spec::VENDORED), &bytes)?;
    lock.write(&project.lock_path())?;
    let changed = project.write_output(&output, false)?;
    let c = &report.counts;
    eprintln!(
        "upgraded {} {} -> {}: {} breaking, {} possibly breaking, {} non-breaking; {} emitted file(s) rewritten",
        old_lock.package,
        old_lock.version,
        lock.version,
        c.breaking,
        c.possibly_breaking,
        c.non_breaking,
        changed.len()
    );
    let outcome = checks(project, args, &report)?;
    let mut front = crate::upgrade_check::markdown(&outcome);
    front.push_str(&drop_stale_actions(project, &overlays, &new.applied)?);
    front.push_str(&served_generically(&old.value, &new.value));
    let changes = project.spec_dir().join("CHANGES.md");
    let full = project.spec_dir().join("CHANGES-full.md");
    fs::write_atomic(&changes, workos_codegen::review::diff::summary(&report, &front).as_bytes())?;
    fs::write_atomic(&full, workos_codegen::review::diff::markdown(&report).as_bytes())?;
    eprintln!(
        "wrote {} (summary) and {} (every change), {}; review them with `git diff`",
        changes.display(),
        full.display(),
        project.lock_path().display()
    );
    eprintln!("vendored the document as {}: commit it with the lock", spec::VENDORED);
    if lock.tarball.is_empty() && lock.source.is_none() {
        eprintln!(
            "note: the lock records no provenance for this file; pass --repository and --commit (and --release) to say where it comes from"
        );
    }
    if outcome.failures.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("{} failure(s) remain after the upgrade:", outcome.failures.len());
    for f in &outcome.failures {
        eprintln!("  {}: {}", f.place, f.message);
    }
    eprintln!("(listed with their causes at the top of {})", changes.display());
    Ok(ExitCode::from(1))
}

/// The lock and the bytes of the document `spec upgrade` vendors: a published version of the
/// pinned package, or a file (with the provenance its arguments give).
fn target(args: &UpgradeArgs, old_lock: &spec::Lock) -> Result<(spec::Lock, Vec<u8>), BadInput> {
    let arg = args.target.as_str();
    let (mut lock, bytes) = if is_version(arg) && !Path::new(arg).exists() {
        spec::resolve_version(&old_lock.package, arg, &old_lock.file, &spec::registry())
            .map_err(|e| BadInput(format!("{} {arg}: {e}", old_lock.package)))?
    } else {
        let bytes = std::fs::read(arg).map_err(|e| BadInput(format!("cannot read {arg}: {e}")))?;
        (file_lock(args, old_lock, &bytes), bytes)
    };
    // The same document again (provenance not given anew) keeps its lock as it is.
    if lock.sha256 == old_lock.sha256 && lock.source.is_none() && lock.tarball.is_empty() {
        lock = old_lock.clone();
    }
    lock.path = Some(spec::VENDORED.to_owned());
    Ok((lock, bytes))
}

/// The lock of a file's `bytes`: its checksums, its provenance from `args`, and the version
/// its release names (else `local-` and the start of its sha256).
fn file_lock(args: &UpgradeArgs, old_lock: &spec::Lock, bytes: &[u8]) -> spec::Lock {
    let sha256 = spec::sha256_hex(bytes);
    let source = match (&args.repository, &args.commit) {
        (Some(repository), Some(commit)) => Some(spec::Source {
            repository: repository.clone(),
            commit: commit.clone(),
            file: args.upstream_file.clone(),
            release: args.release.clone(),
            spec_revision: args.spec_revision.clone(),
            date: args.date.clone(),
            license: spec::VENDORED_LICENSE.to_owned(),
        }),
        _ => None,
    };
    let version = match &args.release {
        Some(release) => release.trim_start_matches('v').to_owned(),
        None => format!("local-{}", &sha256[..12]),
    };
    spec::Lock {
        package: old_lock.package.clone(),
        version,
        tarball: String::new(),
        // The package's member name stays, for a later upgrade to a published version.
        file: old_lock.file.clone(),
        integrity: spec::integrity_of(bytes),
        sha256,
        path: None,
        source,
    }
}

/// The workspace's checks after an upgrade, unless `--no-check` or there is no workspace.
fn checks(project: &Project, args: &UpgradeArgs, report: &Report) -> Result<crate::upgrade_check::Outcome> {
    Ok(if args.no_check {
        crate::upgrade_check::Outcome {
            ran: vec!["checks skipped (`--no-check`)".to_owned()],
            ..Default::default()
        }
    } else if !project.root.join("Cargo.toml").exists() {
        let ran = vec![format!("checks skipped: {} is not a Cargo workspace", project.root.display())];
        crate::upgrade_check::Outcome { ran, ..Default::default() }
    } else {
        crate::upgrade_check::run(&project.root, report).context("running the checks after the upgrade")?
    })
}

/// The operations `new` adds to `old`, for CHANGES.md: the emulator has no model for them
/// yet (it models only operations of documents it was written against), so it serves them
/// generically from the document (`emulator/src/emitted/generic.json`) until someone does.
fn served_generically(old: &serde_json::Value, new: &serde_json::Value) -> String {
    use workos_codegen::openapi::{operation_key, operations_of};
    let before: std::collections::BTreeSet<String> =
        operations_of(old).into_iter().map(|(m, p, _, _)| operation_key(m, p)).collect();
    let added: Vec<String> = operations_of(new)
        .into_iter()
        .map(|(m, p, _, _)| operation_key(m, p))
        .filter(|k| !before.contains(k))
        .collect();
    let mut out = String::from("\n## The emulator\n\n");
    if added.is_empty() {
        out.push_str("No operation was added: the emulator serves the same operations as before.\n");
        return out;
    }
    let _ = writeln!(
        out,
        "{} operation(s) this document adds are served generically from the document (a create stores \
         the body with an id and timestamps; get, list, update and delete by id; 404 and 422 as elsewhere) \
         until the emulator models them:\n",
        added.len()
    );
    for key in added {
        let _ = writeln!(out, "- `{key}`");
    }
    out
}

/// Removes from `workos-spec/overlay.yaml` the actions that changed nothing in the new
/// document (their target is gone, or WorkOS fixed what they corrected), and says which in
/// Markdown for CHANGES.md. An action is never kept silently: a stale one is dropped and named.
fn drop_stale_actions(
    project: &Project,
    overlays: &Overlays,
    applied: &workos_codegen::load::overlay::Applied,
) -> Result<String> {
    let stale: Vec<&workos_codegen::load::overlay::ActionOutcome> = applied.stale().collect();
    let mut out = String::from("\n## The document overlay (workos-spec/overlay.yaml)\n\n");
    if let Some(reason) = &applied.not_applicable {
        let _ = writeln!(out, "The overlay did not apply ({reason}); none of its actions was dropped.");
        return Ok(out);
    }
    if stale.is_empty() {
        let _ = writeln!(out, "All {} actions still apply; none was dropped.", applied.actions.len());
        return Ok(out);
    }
    let path = project.spec_dir().join(workos_codegen::load::overlay::FILE);
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let indices: Vec<usize> = stale.iter().map(|a| a.index).collect();
    let kept = overlays.document.without_actions(&text, &indices)?;
    fs::write_atomic(&path, kept.as_bytes())?;
    let _ = writeln!(
        out,
        "{} of {} actions changed nothing in the new document and were dropped from the overlay:\n",
        stale.len(),
        applied.actions.len()
    );
    for action in &stale {
        let why = if action.superseded {
            let adds: Vec<String> = action.adds.iter().map(ToString::to_string).collect();
            format!(
                "the document now has what it added: {}; xtask compat reports how the two differ",
                adds.join(", ")
            )
        } else if !action.missing.is_empty() {
            format!("the document lacks what it builds on: {}", action.missing.join(", "))
        } else if action.matched == 0 {
            "its target is gone".to_owned()
        } else {
            "the document already says it".to_owned()
        };
        let _ = writeln!(out, "- `{}` ({why}): {}", action.target, action.summary);
    }
    eprintln!("dropped {} stale overlay action(s) from {}", stale.len(), path.display());
    Ok(out)
}

/// The expected counts of one pair, as recorded in the expectations file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
struct Expected {
    old: String,
    new: String,
    breaking: usize,
    possibly_breaking: usize,
    non_breaking: usize,
    operations_added: usize,
    operations_removed: usize,
    rust_removed: usize,
    rust_changed: usize,
    rust_added: usize,
}

#[derive(Debug, Default, serde::Deserialize, serde::Serialize)]
struct Expectations {
    pair: Vec<Expected>,
}

/// The documents a history runs through: `from`, then DIR's in order; when `from` has the same
/// bytes as one of DIR's (the pinned document is the newest), the pairs start there instead.
fn history_documents(project: &Project, dir: &Path, from: &str) -> Result<Vec<(String, Doc)>> {
    let mut out = Vec::new();
    let start = load(project, from).map_err(anyhow::Error::new)?;
    let mut rest = Vec::new();
    for file in crate::documents_in(dir)? {
        let name = file.to_string_lossy().into_owned();
        rest.push((name.clone(), load(project, &name).map_err(anyhow::Error::new)?));
    }
    if !rest.iter().any(|(_, d)| d.input.bytes == start.input.bytes) {
        out.push((from.to_owned(), start));
    } else {
        eprintln!("{from} is a document of {}: the history starts with it there", dir.display());
    }
    out.extend(rest);
    Ok(out)
}

/// `spec diff-history DIR [--from DOC] --expect FILE [--bless]`: diffs DOC (the pinned document)
/// against the oldest in DIR, then each consecutive pair, and compares the counts with FILE.
pub(crate) fn diff_history(
    project: &Project,
    dir: &Path,
    from: &str,
    expect: &Path,
    bless: bool,
) -> Result<ExitCode> {
    let (names, docs): (Vec<String>, Vec<Doc>) = history_documents(project, dir, from)?.into_iter().unzip();
    let overlays = project.overlays()?;
    let label = |d: &Doc, n: &str| if n == "pinned" { "pinned".to_owned() } else { d.name.clone() };
    // Each document's crate is generated once, though most documents are in two pairs.
    let surfaces: Vec<SurfaceResult> = docs.iter().map(|d| surface(project, d)).collect();
    let mut actual = Vec::new();
    for i in 0..docs.len() - 1 {
        let (old, new) = (&docs[i], &docs[i + 1]);
        let report = report(&overlays, old, new, Some((&surfaces[i], &surfaces[i + 1])));
        let (rr, rc, ra) = match &report.rust_api {
            Some(RustApi::Diff(d)) => (d.removed.len(), d.changed.len(), d.added.len()),
            Some(RustApi::Unavailable(why)) => bail!("{} -> {}: {why}", old.name, new.name),
            None => (0, 0, 0),
        };
        let c = report.counts;
        let row = Expected {
            old: label(old, &names[i]),
            new: label(new, &names[i + 1]),
            breaking: c.breaking,
            possibly_breaking: c.possibly_breaking,
            non_breaking: c.non_breaking,
            operations_added: c.operations_added,
            operations_removed: c.operations_removed,
            rust_removed: rr,
            rust_changed: rc,
            rust_added: ra,
        };
        eprintln!(
            "{} -> {}: {} breaking, {} possibly breaking, {} non-breaking, +{}/-{} operations; Rust API -{} ~{} +{}",
            row.old,
            row.new,
            row.breaking,
            row.possibly_breaking,
            row.non_breaking,
            row.operations_added,
            row.operations_removed,
            rr,
            rc,
            ra
        );
        actual.push(row);
    }
    if bless {
        let header = "# Reviewed counts of `cargo xtask spec diff` over the upstream history (CI checks them with\n# `cargo xtask spec diff-history <history dir> --expect <this file>`; .ci/run names the dir).\n# After reviewing the reports, refresh with --bless.\n\n";
        let body = toml::to_string(&Expectations { pair: actual })?;
        fs::write_atomic(expect, format!("{header}{body}").as_bytes())?;
        eprintln!("wrote {}", expect.display());
        return Ok(ExitCode::SUCCESS);
    }
    let text = std::fs::read_to_string(expect).with_context(|| format!("reading {}", expect.display()))?;
    let expected: Expectations =
        toml::from_str(&text).with_context(|| format!("parsing {}", expect.display()))?;
    let mut problems = String::new();
    if expected.pair.len() != actual.len() {
        let _ = writeln!(problems, "{} pairs expected, {} diffed", expected.pair.len(), actual.len());
    }
    for (e, a) in expected.pair.iter().zip(&actual) {
        if e != a {
            let _ = writeln!(problems, "{} -> {}:\n  expected {e:?}\n  actual   {a:?}", a.old, a.new);
        }
    }
    if !problems.is_empty() {
        bail!(
            "the diff counts differ from {}:\n{problems}review `cargo xtask spec diff OLD NEW` for each pair, then rerun with --bless",
            expect.display()
        );
    }
    eprintln!("diff-history: {} pairs match {}", actual.len(), expect.display());
    Ok(ExitCode::SUCCESS)
}

/// `spec rules`: the classification rules as a Markdown table.
pub(crate) fn rules_table() -> String {
    let mut out = String::from("| rule | request | response | why |\n|---|---|---|---|\n");
    for r in RULES {
        let _ = writeln!(out, "| `{}` | {} | {} | {} |", r.id, r.request.label(), r.response.label(), r.why);
    }
    out
}
