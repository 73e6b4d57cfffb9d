#![doc = "Turns the pinned WorkOS OpenAPI document into the `workos-api` client crate.\n\n\
The pipeline: [`spec`] fetches and verifies the document, [`load`] parses it, [`passes`] \
normalize OpenAPI 3.1.1 into the 3.0.3 subset progenitor accepts, [`backend`] runs \
progenitor, [`postprocess`] makes the output forward-compatible, and [`emit`] writes (or, in \
check mode, compares) the files. `cargo xtask codegen` is a thin CLI over [`codegen`]."]
#![deny(missing_docs)]

pub mod backend;
pub mod coverage;
pub mod diff;
pub mod emit;
pub mod emulator_fill;
pub mod emulator_generic;
pub mod error;
pub mod examples;
pub mod load;
pub mod naming;
pub mod overlay;
pub mod pagination;
pub mod passes;
pub mod postprocess;
pub mod spec;
pub mod surface;
pub mod url_builders;

use std::path::{Path, PathBuf};

pub use coverage::Coverage;
pub use emit::EmittedFile;
pub use error::{Error, Result};
pub use passes::Overlays;

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
            serde_json::Value::Object(map) => map,
            _ => {
                return Err(Error::Spec {
                    file: schemas_path,
                    pointer: String::new(),
                    message: "expected a mapping of schema names".into(),
                });
            }
        };
        let areas = read_toml(&self.spec_dir().join("areas.toml"))?;
        let document = overlay::DocumentOverlay::read(&self.spec_dir().join(overlay::FILE))?;
        Ok(Overlays { names, schemas, areas, document })
    }

    /// The pinned document, parsed and overlaid ([`overlaid`]): what every check of the
    /// vendored document reads.
    pub fn pinned_document(&self) -> Result<serde_json::Value> {
        let input = self.pinned_input()?;
        Ok(overlaid(&input, &self.overlays()?)?.0)
    }

    /// The pinned document, fetched into the cache when missing.
    pub fn pinned_input(&self) -> Result<Input> {
        let lock = spec::Lock::read(&self.lock_path())?;
        let (file, bytes) = spec::ensure_cached(&lock, &self.spec_dir())?;
        Ok(Input { file, bytes, source: format!("{} {}", lock.package, lock.version) })
    }
}

/// `input` parsed, with the document overlay of `overlays` applied: the document every stage
/// reads (generation, the emulator's fill table, the spec diff, compat), and what each overlay
/// action did to it.
///
/// # Errors
/// A document that is not valid YAML, or an overlay action the format refuses.
pub fn overlaid(input: &Input, overlays: &Overlays) -> Result<(serde_json::Value, overlay::Applied)> {
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
pub fn generate_document(input: &Input, document: serde_json::Value, overlays: &Overlays) -> Result<Output> {
    generate_parsed(input, document, overlays, Clock::default(), true)
}

/// The emitted Rust as syntax trees only ([`Output::syntax`]; `files` is empty): what the
/// spec diff needs for the public surface, without formatting. `document` is overlaid
/// ([`overlaid`]).
pub fn generate_syntax(input: &Input, document: serde_json::Value, overlays: &Overlays) -> Result<Output> {
    generate_parsed(input, document, overlays, Clock::default(), false)
}

fn generate_parsed(
    input: &Input,
    document: serde_json::Value,
    overlays: &Overlays,
    mut clock: Clock,
    format: bool,
) -> Result<Output> {
    let fill = clock.phase("emulator fill", || emulator_fill::table(&document));
    let generic = emulator_generic::table(&document);
    let normalized = clock.phase("normalize", || passes::normalize(&input.file, document, overlays))?;
    let openapi = clock.phase("openapiv3", || backend::to_openapi(&input.file, &normalized.document))?;
    let tokens = clock.phase("progenitor", || backend::progenitor(&input.file, &openapi))?;
    let mut client = clock.phase("syn parse", || backend::parse_tokens(&input.file, tokens))?;
    let (lenient, open, optional, redacted) = clock.phase("postprocess", || {
        postprocess::name_union_variants(&mut client, &normalized.outputs.union_variants);
        postprocess::optional_constants(&mut client, &normalized.outputs.optional_constants)
            .map_err(|message| Error::Generate { file: input.file.clone(), message })?;
        let lenient = postprocess::allow_unknown_fields(&mut client);
        let open = postprocess::open_enums(&mut client);
        postprocess::constant_unions(&mut client, &normalized.outputs.constant_unions)
            .map_err(|message| Error::Generate { file: input.file.clone(), message })?;
        Ok::<_, Error>((
            lenient,
            open,
            postprocess::empty_success_arms(&mut client, &normalized.outputs.empty_success),
            postprocess::redact_secrets(&mut client),
        ))
    })?;
    if optional != normalized.outputs.empty_success.len() {
        return Err(Error::Generate {
            file: input.file.clone(),
            message: format!(
                "body-less success statuses were added to {optional} of {} methods",
                normalized.outputs.empty_success.len()
            ),
        });
    }
    let paginated = pagination::find(&client);
    let mut coverage = Coverage::new(&normalized, open, lenient, redacted);
    coverage.paginated = paginated.iter().map(|p| p.method.to_string()).collect();
    if !coverage.is_complete() {
        return Err(Error::Generate {
            file: input.file.clone(),
            message: format!(
                "only {} of {} operations were generated",
                coverage.methods, coverage.operations
            ),
        });
    }
    let operations = clock.phase("surface model", || {
        surface::model::operations(&input.file, &normalized.document, &client, &overlays.areas)
    })?;
    let areas = surface::emit(&input.file, &operations, &paginated)?;
    let mut types = backend::types_module(&input.file, client)?;
    for (alias, target) in &normalized.outputs.type_aliases {
        let (alias, target) = (quote::format_ident!("{alias}"), quote::format_ident!("{target}"));
        let doc = format!("The same type as [`{target}`]: the document gives both the same fields.");
        types.items.push(syn::parse_quote! { #[doc = #doc] pub type #alias = #target; });
    }
    let body_roots = operations
        .iter()
        .filter_map(|o| o.body.as_ref().and_then(|b| surface::bodies::type_name(&b.ty)))
        .collect();
    coverage.body_builders = surface::bodies::add_constructors(&mut types, &normalized.document, &body_roots)
        .map_err(|message| Error::Generate { file: input.file.clone(), message })?;
    // After the constructors, which take what the document requires: tolerance is for reading.
    coverage.tolerant = postprocess::tolerant_reading(&mut types);
    let reach = surface::features::reach(&types, &areas, &[passes::ERROR_BODY]);
    coverage.unreached_types = reach.unreached.clone();
    coverage.types_per_area = areas
        .keys()
        .map(|a| (a.clone(), reach.areas.values().filter(|set| set.contains(a)).count()))
        .collect();
    let types = surface::features::split(types, &reach);
    let redirects = syn::parse2(url_builders::emit(&normalized.outputs.redirects))
        .map_err(|e| Error::Generate { file: input.file.clone(), message: format!("URL builders: {e}") })?;
    let api_version = normalized.document.pointer("/info/version").and_then(|v| v.as_str()).unwrap_or("1.0");
    let area_idents: Vec<syn::Ident> = areas.keys().map(|a| quote::format_ident!("{}", a)).collect();
    let area_names = areas.keys();
    // One macro per area of the table: it keeps its input when the document has operations in
    // that area and drops it otherwise, so the hand-written layer over an area (Vault's local
    // encryption) compiles against a document without it (an older one in `compat`).
    let area_macros = overlays.areas.names().into_iter().map(|area| {
        let name = quote::format_ident!("if_{area}_area");
        let doc = format!("Keeps its items when the document has `{area}` operations, drops them otherwise.");
        if areas.contains_key(&area) {
            quote::quote! { #[doc = #doc] #[allow(unused_macros)] macro_rules! #name { ($($item:item)*) => { $($item)* }; } }
        } else {
            quote::quote! { #[doc = #doc] #[allow(unused_macros)] macro_rules! #name { ($($item:item)*) => {}; } }
        }
    });
    let hub: syn::File = syn::parse_quote! {
        //! Code emitted by the generator. Do not edit; see the crate root for the hand-written layer.
        #(#area_macros)*
        #(#[cfg(feature = #area_names)] pub mod #area_idents;)*
        pub mod redirects;
        pub mod types;

        /// The document's `info.version`, sent as the `api-version` header.
        pub(crate) const API_VERSION: &str = #api_version;
    };
    let mut area_files = Vec::new();
    for (area, tokens) in areas {
        let file = syn::parse2(tokens).map_err(|e| Error::Generate {
            file: input.file.clone(),
            message: format!("area `{area}`: generated invalid Rust: {e}"),
        })?;
        area_files.push((format!("src/emitted/{area}.rs"), file));
    }
    coverage.areas = operations.iter().map(|o| (o.area.clone(), o.name.to_string())).collect();
    coverage.from_overlay = operations
        .iter()
        .filter(|o| {
            let at = format!("/paths/{}/{}", error::escape_token(&o.path), o.method.to_ascii_lowercase());
            normalized.document.pointer(&at).and_then(|op| op.get(overlay::FROM_OVERLAY))
                == Some(&serde_json::Value::Bool(true))
        })
        .map(|o| (o.name.to_string(), format!("{} {}", o.method, o.path)))
        .collect();
    let mut syntax: Vec<(String, syn::File)> = vec![
        ("src/emitted/mod.rs".into(), hub),
        ("src/emitted/redirects.rs".into(), redirects),
        ("src/emitted/types/mod.rs".into(), types.root),
    ];
    syntax.extend(types.files.into_iter().map(|(stem, file)| (format!("src/emitted/types/{stem}.rs"), file)));
    syntax.extend(area_files);
    syntax.sort_by(|a, b| a.0.cmp(&b.0));
    if !format {
        return Ok(Output {
            files: Vec::new(),
            emulator_files: Vec::new(),
            test_files: Vec::new(),
            syntax,
            coverage,
            timings: clock.0,
        });
    }
    let header = header(input);
    let files = clock.phase("format", || {
        let mut files = vec![EmittedFile {
            path: "src/emitted/COVERAGE.md".into(),
            contents: format!("<!-- {header} -->\n\n{}", coverage.markdown()),
        }];
        files.extend(syntax.iter().map(|(path, file)| EmittedFile {
            path: path.clone(),
            contents: format!("// {header}\n\n{}", prettyplease::unparse(file)),
        }));
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    });
    let emulator_files = vec![
        EmittedFile {
            path: emulator_fill::PATH.into(),
            contents: serde_json::to_string_pretty(&fill).unwrap_or_default() + "\n",
        },
        EmittedFile {
            path: emulator_generic::PATH.into(),
            contents: serde_json::to_string_pretty(&generic).unwrap_or_default() + "\n",
        },
    ];
    let received: syn::File = syn::parse2(surface::received::test_table(&operations)).map_err(|e| {
        Error::Generate { file: input.file.clone(), message: format!("the output table: {e}") }
    })?;
    let test_files = vec![EmittedFile {
        path: "emitted/received.rs".into(),
        contents: format!("// {header}\n\n{}", prettyplease::unparse(&received)),
    }];
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

fn header(input: &Input) -> String {
    format!(
        "@generated by `cargo xtask codegen` from {} (sha256 {}). Do not edit by hand.",
        input.source,
        spec::sha256_hex(&input.bytes)
    )
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
