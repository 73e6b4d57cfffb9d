//! Writing and checking the emitted files. One function serves both modes, so
//! `cargo xtask codegen --check` and the snapshot test see exactly what a write would produce.

use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Error, Result};
use crate::fs::stage;

/// One emitted file: its path relative to the output directory, and its full text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmittedFile {
    /// Relative path, with `/` separators.
    pub path: String,
    /// Full contents, header included.
    pub contents: String,
}

/// Directories under the output directory that only the generator writes: a file there that it
/// no longer emits is stale.
const OWNED_DIRS: &[&str] = &["src/emitted", "src/emitted/types", "emitted"];

/// Writes `files` under `out_dir` (or, with `check`, compares them with what is there).
///
/// Writing is all-or-nothing per file: each file goes to a temporary file in its directory and
/// is renamed over the old one only after every temporary file is written. Stale files in
/// the emitted folders (`src/emitted`, `src/emitted/types`) are removed (or, with `check`,
/// reported).
pub fn ensure_files(out_dir: &Path, files: &[EmittedFile], check: bool) -> Result<Vec<String>> {
    let mut changed = Vec::new();
    let mut diff = String::new();
    for file in files {
        let target = out_dir.join(&file.path);
        let current = std::fs::read_to_string(&target).ok().map(|s| s.replace("\r\n", "\n"));
        if current.as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        changed.push(file.path.clone());
        if check {
            diff.push_str(&short_diff(&file.path, current.as_deref().unwrap_or(""), &file.contents));
        }
    }
    let stale = stale_files(out_dir, files);
    for path in &stale {
        changed.push(path.clone());
        if check {
            let _ = writeln!(diff, "stale file {path}: the generator no longer emits it");
        }
    }
    if check {
        return if changed.is_empty() { Ok(changed) } else { Err(Error::Drift { diff }) };
    }
    let mut staged = Vec::new();
    for file in files.iter().filter(|f| changed.contains(&f.path)) {
        let target = out_dir.join(&file.path);
        staged.push((stage(&target, file.contents.as_bytes())?, target));
    }
    for (temp, target) in staged {
        temp.persist(&target).map_err(|e| Error::io(&target, e.error))?;
    }
    for path in &stale {
        let p = out_dir.join(path);
        std::fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
    }
    Ok(changed)
}

fn stale_files(out_dir: &Path, files: &[EmittedFile]) -> Vec<String> {
    let mut stale = Vec::new();
    for dir in OWNED_DIRS {
        let Ok(entries) = std::fs::read_dir(out_dir.join(dir)) else { continue };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .map(|e| format!("{dir}/{}", e.file_name().to_string_lossy()))
            .collect();
        names.sort();
        stale.extend(names.into_iter().filter(|n| !files.iter().any(|f| &f.path == n)));
    }
    stale
}

/// A unified diff of at most 40 lines.
fn short_diff(name: &str, old: &str, new: &str) -> String {
    const MAX_LINES: usize = 40;
    let diff = similar::TextDiff::from_lines(old, new);
    let text =
        diff.unified_diff().context_radius(2).header(&format!("a/{name}"), &format!("b/{name}")).to_string();
    let lines: Vec<&str> = text.lines().collect();
    let mut out: String = lines.iter().take(MAX_LINES).map(|l| format!("{l}\n")).collect();
    if lines.len() > MAX_LINES {
        let _ = writeln!(out, "... ({} more diff lines)", lines.len() - MAX_LINES);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> EmittedFile {
        EmittedFile { path: path.into(), contents: contents.into() }
    }

    #[test]
    fn check_reports_drift_and_write_fixes_it() {
        let dir = tempfile::tempdir().unwrap();
        let files = [file("src/emitted/a.rs", "fn a() {}\n")];
        let err = ensure_files(dir.path(), &files, true).unwrap_err();
        assert!(err.is_drift());
        assert!(err.to_string().contains("+fn a() {}"), "{err}");
        assert!(err.to_string().contains("run `cargo xtask codegen`"));
        assert_eq!(ensure_files(dir.path(), &files, false).unwrap(), ["src/emitted/a.rs"]);
        assert!(ensure_files(dir.path(), &files, true).unwrap().is_empty());
    }

    #[test]
    fn stale_emitted_files_are_reported_then_removed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src/emitted")).unwrap();
        std::fs::write(dir.path().join("src/emitted/old.rs"), "x").unwrap();
        let err = ensure_files(dir.path(), &[], true).unwrap_err();
        assert!(err.to_string().contains("stale file src/emitted/old.rs"));
        ensure_files(dir.path(), &[], false).unwrap();
        assert!(!dir.path().join("src/emitted/old.rs").exists());
    }

    #[test]
    fn crlf_on_disk_is_not_drift() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/x.rs"), "a\r\nb\r\n").unwrap();
        assert!(ensure_files(dir.path(), &[file("src/x.rs", "a\nb\n")], true).unwrap().is_empty());
    }
}
