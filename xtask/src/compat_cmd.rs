//! `cargo xtask compat OLD NEW`: compiles a caller's use of the crate generated for OLD against
//! the crate generated for NEW, maps every compile error to the operation or type that broke,
//! and fails on a break the spec diff does not call breaking.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use workos_codegen::Project;
use workos_codegen::review::compat::{self, Break, Corpus, Owner};

use crate::spec_cmd;

/// The outcome of one pair.
pub(crate) struct Outcome {
    /// `OLD -> NEW`.
    pub(crate) label: String,
    /// Breaks the diff accounts for: (owner, message, rules).
    pub(crate) explained: Vec<(Owner, String, Vec<String>)>,
    /// Breaks it does not.
    pub(crate) unexplained: Vec<(Owner, String)>,
}

/// `compat OLD NEW`.
pub(crate) fn compat(project: &Project, old: &str, new: &str) -> Result<()> {
    let outcome = pair(project, old, new)?;
    print(&outcome);
    if !outcome.unexplained.is_empty() {
        bail!(
            "{}: {} break(s) the spec diff does not call breaking",
            outcome.label,
            outcome.unexplained.len()
        );
    }
    Ok(())
}

/// `compat-history DIR [--from DOC]`: DOC (the pinned document) -> newest, and each
/// consecutive pair of DIR; every pair is checked and the failures reported together. A DOC
/// that is one of DIR's documents adds no pair of its own.
pub(crate) fn history(project: &Project, dir: &Path, from: &str) -> Result<()> {
    let files = crate::documents_in(dir)?;
    let names: Vec<String> = files.iter().map(|f| f.to_string_lossy().into_owned()).collect();
    // Compared by bytes: each pair parses its documents itself.
    let start = spec_cmd::load(project, from).map_err(anyhow::Error::new)?.input.bytes;
    let start_in_dir = files.iter().any(|f| std::fs::read(f).is_ok_and(|b| b == start));
    if start_in_dir {
        eprintln!("{from} is a document of {}: the history starts with it there", dir.display());
    }
    let mut pairs = Vec::new();
    if !start_in_dir && let Some(newest) = names.last() {
        pairs.push((from.to_owned(), newest.clone()));
    }
    pairs.extend(names.windows(2).map(|w| (w[0].clone(), w[1].clone())));
    let mut failures = Vec::new();
    for (old, new) in &pairs {
        match pair(project, old, new) {
            Ok(outcome) => {
                print(&outcome);
                if !outcome.unexplained.is_empty() {
                    failures.push(format!(
                        "{}: {} unexplained break(s)",
                        outcome.label,
                        outcome.unexplained.len()
                    ));
                }
            }
            Err(e) => {
                eprintln!("FAILED: {old} -> {new}: {e:#}");
                failures.push(format!("{old} -> {new}: {e:#}"));
            }
        }
    }
    if !failures.is_empty() {
        bail!("compat failed on {} of {} pairs:\n{}", failures.len(), pairs.len(), failures.join("\n"));
    }
    eprintln!("compat: {} pairs, no unexplained break", pairs.len());
    Ok(())
}

fn print(outcome: &Outcome) {
    println!(
        "compat {}: {} break(s) explained by the spec diff, {} unexplained",
        outcome.label,
        outcome.explained.len(),
        outcome.unexplained.len()
    );
    let mut by_rules: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (owner, _, rules) in &outcome.explained {
        by_rules.entry(rules.join(", ")).or_default().push(owner.to_string());
    }
    for (rules, owners) in by_rules {
        println!("  explained by {rules}: {}", owners.join("; "));
    }
    for (owner, message) in &outcome.unexplained {
        println!("  UNEXPLAINED {owner}: {message}");
    }
}

fn pair(project: &Project, old_arg: &str, new_arg: &str) -> Result<Outcome> {
    let old = spec_cmd::load(project, old_arg)?;
    let new = spec_cmd::load(project, new_arg)?;
    let label = format!("{} -> {}", short(old_arg), short(new_arg));
    let overlays = project.overlays()?;
    let old_out =
        workos_codegen::generate(&old.input, &overlays).with_context(|| format!("generating {old_arg}"))?;
    let new_out =
        workos_codegen::generate(&new.input, &overlays).with_context(|| format!("generating {new_arg}"))?;
    let base = project.root.join("target/compat");
    let (old_crate, new_crate, corpus_dir) = (base.join("old"), base.join("new"), base.join("corpus"));
    for (dir, out) in [(&old_crate, &old_out), (&new_crate, &new_out)] {
        if dir.exists() {
            std::fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
        }
        crate::copy_crate(&project.out_dir(), dir)?;
        workos_codegen::emit::ensure_files(dir, &out.files, false)?;
    }
    let corpus = compat::corpus(&old_out.files).map_err(anyhow::Error::msg)?;
    write_corpus(&corpus_dir, &corpus)?;
    let target = project.root.join("target/compat-target");
    let own = check(&corpus_dir, &old_crate, &target, &corpus)?;
    if !own.is_empty() {
        let shown: Vec<String> = own.iter().take(5).map(|b| format!("{}: {}", b.owner, b.message)).collect();
        bail!(
            "the corpus does not compile against the crate it was written from ({} errors), a defect of the corpus writer:\n{}",
            own.len(),
            shown.join("\n")
        );
    }
    let mut breaks = check(&corpus_dir, &new_crate, &target, &corpus)?;
    // Same-typed arguments in another order compile and swap: a break the compiler cannot see.
    let (old_names, new_names) =
        (compat::argument_names(&old_out.syntax), compat::argument_names(&new_out.syntax));
    for brk in compat::reordered(&old_names, &new_names) {
        if !breaks.iter().any(|b| b.owner == brk.owner) {
            breaks.push(brk);
        }
    }
    let report = workos_codegen::review::diff::diff(&old.name, &old.value, &new.name, &new.value);
    let mut outcome = Outcome { label, explained: Vec::new(), unexplained: Vec::new() };
    for e in compat::explain(&breaks, &report, &corpus) {
        if e.changes.is_empty() {
            outcome.unexplained.push((e.brk.owner.clone(), e.brk.message.clone()));
        } else {
            let mut rules: Vec<String> = e.changes.iter().map(|c| c.rule.to_owned()).collect();
            rules.sort();
            rules.dedup();
            outcome.explained.push((e.brk.owner.clone(), e.brk.message.clone(), rules));
        }
    }
    eprintln!(
        "compat {}: corpus of {} operations and {} enums; compiles against its own crate",
        outcome.label, corpus.operations, corpus.enums
    );
    Ok(outcome)
}

fn short(arg: &str) -> String {
    Path::new(arg).file_name().map_or_else(|| arg.to_owned(), |n| n.to_string_lossy().into_owned())
}

fn write_corpus(dir: &Path, corpus: &Corpus) -> Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(dir.join("src/lib.rs"), &corpus.source)?;
    let lock = workos_codegen::workspace_root().join("Cargo.lock");
    if lock.exists() && !dir.join("Cargo.lock").exists() {
        std::fs::copy(&lock, dir.join("Cargo.lock"))?;
    }
    Ok(())
}

/// `cargo check` of the corpus against the crate at `krate`: its errors, by owner.
fn check(corpus_dir: &Path, krate: &Path, target: &Path, corpus: &Corpus) -> Result<Vec<Break>> {
    let manifest = format!(
        "[package]\nname = \"workos-compat-corpus\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nworkos-api = {{ path = {:?} }}\nserde_json = \"1\"\nchrono = {{ version = \"0.4\", default-features = false }}\n\n[workspace]\n",
        krate.to_string_lossy()
    );
    std::fs::write(corpus_dir.join("Cargo.toml"), manifest)?;
    let output = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "--message-format", "json", "--manifest-path"])
        .arg(corpus_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .output()
        .context("running cargo check")?;
    let mut breaks = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if msg["reason"] != "compiler-message" || msg["message"]["level"] != "error" {
            continue;
        }
        let message = msg["message"]["message"].as_str().unwrap_or_default().to_owned();
        let primary = msg["message"]["spans"].as_array().into_iter().flatten().find(|s| {
            s["is_primary"] == true && s["file_name"].as_str().is_some_and(|f| f.ends_with("lib.rs"))
        });
        let Some(line) = primary.and_then(|s| s["line_start"].as_u64()) else {
            // "aborting due to N errors" and the like.
            continue;
        };
        let owner = corpus
            .owner_of(line as usize)
            .cloned()
            .unwrap_or_else(|| Owner::Type(format!("<corpus line {line}>")));
        breaks.push(Break { owner, message });
    }
    if !output.status.success() && breaks.is_empty() {
        bail!(
            "cargo check of the corpus against {} failed without a located error:\n{}",
            krate.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // One break per owner: the first error says what broke.
    let mut seen = std::collections::BTreeSet::new();
    breaks.retain(|b| seen.insert(b.owner.clone()));
    Ok(breaks)
}
