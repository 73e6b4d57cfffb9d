#![doc = "Turns the pinned WorkOS OpenAPI document into the `workos-api` client crate.\n\n\
The pipeline, a folder per stage, each importing only the stages before it and the ground \
modules ([`openapi`], [`naming`], [`examples`], [`fs`], and [`Error`]): [`load`] fetches, parses and \
overlays the document, [`normalize`] rewrites OpenAPI 3.1.1 into the 3.0.3 subset progenitor \
accepts, [`backend`] runs progenitor, [`postprocess`] makes its output forward-compatible, \
[`surface`] builds the areas, request builders and body constructors, and [`emit`] lays them \
out in files and writes (or, in check mode, compares) them. [`emulator`] reads the emulator's \
tables from the overlaid document beside them. [`review`] stands over all of it: the spec diff \
and the compatibility check. `cargo xtask codegen` is a thin CLI over [`codegen`]."]
#![deny(missing_docs)]

pub mod backend;
pub mod emit;
pub mod emulator;
mod error;
pub mod examples;
pub mod fs;
pub mod load;
pub mod naming;
pub mod normalize;
pub mod openapi;
pub mod postprocess;
pub mod review;
pub mod surface;

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use emit::{Coverage, EmittedFile};
pub use error::{Error, Result};
use load::overlay::{self, DocumentOverlay};
use naming::NameOverrides;
use surface::areas::AreaTable;

/// A document to generate from, and the facts the file headers name.
#[derive(Debug, Clone)]
pub struct Input {
    /// Where the document came from (named by errors).
    pub file: PathBuf,
    /// Its bytes (YAML or JSON).
    pub bytes: Vec<u8>,
    /// `@workos/openapi-spec 0.1.0`, or the file name for an unpinned document.
    pub source: String,
}

/// The files to write and the coverage figures.
#[derive(Debug, Clone)]
pub struct Output {
    /// Emitted files of the client crate, relative to `workos-api/`.
    pub files: Vec<EmittedFile>,
    /// Emitted files of the emulator crate (its response fill data), relative to `emulator/`.
    pub emulator_files: Vec<EmittedFile>,
    /// Emitted files of the workspace's tests (the output-type table), relative to `tests/`.
    pub test_files: Vec<EmittedFile>,
    /// The emitted Rust files as syntax trees, by path (what `files` formats).
    pub syntax: Vec<(String, syn::File)>,
    /// What every operation became.
    pub coverage: Coverage,
    /// Wall time of each phase, in order.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// Project-authored inputs from `workos-spec/`, which the stages apply.
#[derive(Debug, Clone)]
pub struct Overlays {
    /// Method-name overrides.
    pub names: NameOverrides,
    /// Schemas added to the components (`ErrorBody` and what it references).
    pub schemas: Map<String, Value>,
    /// Which area each tag goes to.
    pub areas: AreaTable,
    /// Corrections and additions to the document (`workos-spec/overlay.yaml`), applied before
    /// any other stage.
    pub document: DocumentOverlay,
}

/// The project layout `cargo xtask codegen` works in.
#[derive(Debug, Clone)]
pub struct Project {
    /// Workspace root.
    pub root: PathBuf,
}

impl Project {
    /// The `workos-spec/` directory (lock file, overlays, cache).
    pub fn spec_dir(&self) -> PathBuf {
        self.root.join("workos-spec")
    }

    /// The client crate's directory, `workos-api/`.
    pub fn out_dir(&self) -> PathBuf {
        self.root.join("workos-api")
    }

    /// The emulator crate's directory, `emulator/`.
    pub fn emulator_dir(&self) -> PathBuf {
        self.root.join("emulator")
    }

    /// Writes `output` into the client and emulator crates (or, with `check`, compares it with
    /// what is there). Returns the rewritten files, relative to the workspace root.
    pub fn write_output(&self, output: &Output, check: bool) -> Result<Vec<String>> {
        let mut changed = Vec::new();
        let dirs = [
            (self.out_dir(), &output.files),
            (self.emulator_dir(), &output.emulator_files),
            (self.root.join("tests"), &output.test_files),
        ];
        for (dir, files) in dirs {
            let crate_dir = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let written = emit::ensure_files(&dir, files, check)?;
            changed.extend(written.into_iter().map(|path| format!("{crate_dir}/{path}")));
        }
        Ok(changed)
    }

    /// The lock file.
    pub fn lock_path(&self) -> PathBuf {
        self.spec_dir().join("spec.lock.toml")
    }

    /// Reads the overlays from `workos-spec/`.
    pub fn overlays(&self) -> Result<Overlays> {
        let names = read_toml(&self.spec_dir().join("method-names.toml"))?;
        let schemas_path = self.spec_dir().join("overlay-schemas.yaml");
        let bytes = std::fs::read(&schemas_path).map_err(|e| Error::io(&schemas_path, e))?;
        let schemas = match load::parse(&schemas_path, &bytes)? {
            Value::Object(map) => map,
            _ => {
                return Err(Error::Spec {
                    file: schemas_path,
                    pointer: String::new(),
                    message: "expected a mapping of schema names".into(),
                });
            }
        };
        let areas = read_toml(&self.spec_dir().join("areas.toml"))?;
        let document = DocumentOverlay::read(&self.spec_dir().join(overlay::FILE))?;
        Ok(Overlays { names, schemas, areas, document })
    }

    /// The pinned document, parsed and overlaid ([`overlaid`]): what every check of the
    /// vendored document reads.
    pub fn pinned_document(&self) -> Result<Value> {
        let input = self.pinned_input()?;
        Ok(overlaid(&input, &self.overlays()?)?.0)
    }

    /// The pinned document, fetched into the cache when missing.
    pub fn pinned_input(&self) -> Result<Input> {
        let lock = load::spec::Lock::read(&self.lock_path())?;
        let (file, bytes) = load::spec::ensure_cached(&lock, &self.spec_dir())?;
        Ok(Input { file, bytes, source: format!("{} {}", lock.package, lock.version) })
    }
}

/// `input` parsed, with the document overlay of `overlays` applied: the document every stage
/// reads (generation, the emulator's fill table, the spec diff, compat), and what each overlay
/// action did to it.
///
/// # Errors
/// A document that is not valid YAML, or an overlay action the format refuses.
pub fn overlaid(input: &Input, overlays: &Overlays) -> Result<(Value, overlay::Applied)> {
    let mut document = load::parse(&input.file, &input.bytes)?;
    let applied = overlays.document.apply(&mut document)?;
    Ok((document, applied))
}

/// Generates every emitted file from `input`, in memory.
pub fn generate(input: &Input, overlays: &Overlays) -> Result<Output> {
    let mut clock = Clock::default();
    let (document, applied) = clock.phase("parse and overlay", || overlaid(input, overlays))?;
    let mut output = generate_parsed(input, document, overlays, clock, true)?;
    output.coverage.overlay = Some((applied.changed(), applied.actions.len()));
    Ok(output)
}

/// [`generate`] from a document already parsed from `input` and overlaid ([`overlaid`]; the
/// spec diff has it).
pub fn generate_document(input: &Input, document: Value, overlays: &Overlays) -> Result<Output> {
    generate_parsed(input, document, overlays, Clock::default(), true)
}

/// The emitted Rust as syntax trees only ([`Output::syntax`]; `files` is empty): what the
/// spec diff needs for the public surface, without formatting. `document` is overlaid
/// ([`overlaid`]).
pub fn generate_syntax(input: &Input, document: Value, overlays: &Overlays) -> Result<Output> {
    generate_parsed(input, document, overlays, Clock::default(), false)
}

/// The pipeline, stage after stage; with `format`, the files too (else only the syntax trees).
fn generate_parsed(
    input: &Input,
    document: Value,
    overlays: &Overlays,
    mut clock: Clock,
    format: bool,
) -> Result<Output> {
    let file = &input.file;
    let fail = |message: String| Error::Generate { file: file.clone(), message };
    let fill = clock.phase("emulator fill", || emulator::fill::table(&document));
    let generic = emulator::generic::table(&document);
    let normalized =
        clock.phase("normalize", || normalize::run(file, document, &overlays.names, &overlays.schemas))?;
    let openapi = clock.phase("openapiv3", || backend::to_openapi(file, &normalized.document))?;
    let tokens = clock.phase("progenitor", || backend::progenitor(file, &openapi))?;
    let mut client = clock.phase("syn parse", || backend::parse_tokens(file, tokens))?;
    let post =
        clock.phase("postprocess", || postprocess::run(&mut client, &normalized.outputs)).map_err(fail)?;
    let surface = clock.phase("surface", || surface::build(file, &normalized, client, &overlays.areas))?;
    let coverage = Coverage::new(&normalized, post, &surface);
    if !coverage.is_complete() {
        return Err(fail(format!(
            "only {} of {} operations were generated",
            coverage.methods, coverage.operations
        )));
    }
    let received = surface::received::test_table(&surface.operations);
    let syntax = emit::client_syntax(file, &normalized.document, &overlays.areas, surface)?;
    if !format {
        let (files, emulator_files, test_files) = (Vec::new(), Vec::new(), Vec::new());
        return Ok(Output { files, emulator_files, test_files, syntax, coverage, timings: clock.0 });
    }
    let header = emit::header(&input.source, &input.bytes);
    let files = clock.phase("format", || emit::client_files(&header, &coverage, &syntax));
    let emulator_files = emit::emulator_files(&fill, &generic);
    let test_files = emit::test_files(file, &header, received)?;
    Ok(Output { files, emulator_files, test_files, syntax, coverage, timings: clock.0 })
}

/// A TOML file of `workos-spec/`; an unreadable or invalid one is an error naming it.
fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    toml::from_str(&text).map_err(|e| Error::Config { path: path.to_owned(), message: e.to_string() })
}

/// Phase timings of one run.
#[derive(Default)]
struct Clock(Vec<(&'static str, std::time::Duration)>);

impl Clock {
    fn phase<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let start = std::time::Instant::now();
        let out = f();
        self.0.push((name, start.elapsed()));
        out
    }
}

/// `cargo xtask codegen [--check]`: generates from the pinned document into `workos-api/src/emitted/`
/// and `emulator/src/emitted/`.
pub fn codegen(project: &Project, check: bool) -> Result<(Output, Vec<String>)> {
    let input = project.pinned_input()?;
    let overlays = project.overlays()?;
    surface::areas::check_manifest_features(&project.out_dir(), &overlays.areas)?;
    let output = generate(&input, &overlays)?;
    let changed = project.write_output(&output, check)?;
    Ok((output, changed))
}

/// The workspace root, from this crate's manifest directory (for tests and xtask).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_owned).unwrap_or_default()
}
