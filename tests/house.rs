//! The house rules a newcomer can rely on, checked on every hand-written Rust file of the
//! workspace:
//!
//! - where things go: the emulator's route and model files, and the client's hand-written helper
//!   files, are named after the areas of `workos-spec/areas.toml`;
//! - no file over 800 lines and no function over 100 lines, except where a table is the clearest
//!   form and a comment says so with [`TABLE_MARK`] (above the function, or in the file's inner
//!   docs for a whole file).
//!
//! Generated code (`emitted/` folders) and test data (fixtures, corpora) are not hand-written and
//! are left out.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The most lines a hand-written file may have.
const MAX_FILE_LINES: usize = 800;
/// The most lines a function may have, from its signature to its closing brace.
const MAX_FN_LINES: usize = 100;
/// What a comment says to keep a long function or file whole because it is a table.
const TABLE_MARK: &str = "Kept whole: a table";

/// Folders that hold no hand-written Rust: generated code, build output and test data.
const NOT_HAND_WRITTEN: &[&str] =
    &["target", ".git", "node_modules", "emitted", "fixtures", "diff-fixtures", "bad-specs", "corpus"];

/// The emulator's model files that are the model's own machinery rather than an area's records.
const MODEL_MACHINERY: &[&str] =
    &["mod", "error", "generic", "ids", "list", "persist", "seed", "table", "testing", "urls"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace holds tests/").to_path_buf()
}

/// The area names: the values of `areas.toml`'s `[areas]` table.
fn areas() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("workos-spec/areas.toml")).expect("areas.toml reads");
    let doc: toml::Table = text.parse().expect("areas.toml is TOML");
    let areas = doc["areas"].as_table().expect("areas.toml has an [areas] table");
    areas.values().map(|v| v.as_str().expect("area names are strings").to_owned()).collect()
}

/// The names directly in `dir` (file stems of `.rs` files, and folder names).
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{} reads: {e}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|x| x == "rs"))
        .map(|p| p.file_stem().expect("a name").to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The names in `dir` that are neither an area nor one of `allowed`.
fn strangers(dir: &str, allowed: &[&str]) -> Vec<String> {
    let areas = areas();
    entries(&root().join(dir))
        .into_iter()
        .filter(|n| !areas.contains(n) && !allowed.contains(&n.as_str()))
        .map(|n| format!("{dir}/{n}"))
        .collect()
}

#[test]
fn emulator_route_and_model_files_are_named_after_areas() {
    let mut wrong = strangers("emulator/src/routes", &["mod"]);
    wrong.extend(strangers("emulator/src/model", MODEL_MACHINERY));
    assert!(
        wrong.is_empty(),
        "named after no area of workos-spec/areas.toml (put the code in its area's file, or add the \
         area): {wrong:?}"
    );
}

#[test]
fn client_helper_files_are_named_after_areas() {
    let wrong = strangers("workos-api/src/extras", &["mod"]);
    assert!(
        wrong.is_empty(),
        "named after no area of workos-spec/areas.toml (put the helper in its area's file or folder): \
         {wrong:?}"
    );
}

/// Every hand-written `.rs` file below `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{} reads: {e}", dir.display())) {
        let path = entry.expect("a folder entry").path();
        let name = path.file_name().expect("a name").to_string_lossy();
        if path.is_dir() {
            if !NOT_HAND_WRITTEN.contains(&name.as_ref()) {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// The source with comments, strings and character literals blanked (newlines kept), so braces
/// and `fn` are only those of the code.
fn code_only(source: &str) -> Vec<u8> {
    let s = source.as_bytes();
    let mut out = s.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for b in &mut out[from..to.min(s.len())] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    };
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let end = if rest.starts_with(b"//") {
            i + rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len())
        } else if rest.starts_with(b"/*") {
            let mut depth = 0;
            let mut j = i;
            while j < s.len() {
                if s[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if s[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            j
        } else if let Some(hashes) = raw_string_start(s, i) {
            let open = i + s[i..].iter().position(|&b| b == b'"').expect("a raw string opens") + 1;
            let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
            open + s[open..].windows(close.len()).position(|w| w == close.as_slice()).unwrap_or(s.len())
                + close.len()
        } else if s[i] == b'"' && (!is_ident_byte(s, i.wrapping_sub(1)) || is_byte_string(s, i)) {
            let mut j = i + 1;
            while j < s.len() && s[j] != b'"' {
                j += if s[j] == b'\\' { 2 } else { 1 };
            }
            j + 1
        } else if s[i] == b'\'' {
            char_literal_end(s, i).unwrap_or(i + 1)
        } else {
            i += 1;
            continue;
        };
        blank(&mut out, i, end);
        i = end.max(i + 1);
    }
    out
}

/// Whether the `"` at `i` opens a byte string (`b"…"`).
fn is_byte_string(s: &[u8], i: usize) -> bool {
    i >= 1 && s[i - 1] == b'b' && !is_ident_byte(s, i.wrapping_sub(2))
}

fn is_ident_byte(s: &[u8], at: usize) -> bool {
    s.get(at).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
}

/// The number of `#` of a raw string (`r"`, `r#"`, `br#"`) starting at `i`.
fn raw_string_start(s: &[u8], i: usize) -> Option<usize> {
    if is_ident_byte(s, i.wrapping_sub(1)) {
        return None;
    }
    let mut j = i;
    if s.get(j) == Some(&b'b') {
        j += 1;
    }
    if s.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = s[j..].iter().take_while(|&&b| b == b'#').count();
    (s.get(j + hashes) == Some(&b'"')).then_some(hashes)
}

/// Where a character literal starting at `i` ends; `None` for a lifetime or label.
fn char_literal_end(s: &[u8], i: usize) -> Option<usize> {
    if s.get(i + 1) == Some(&b'\\') {
        let close = s[i + 2..].iter().position(|&b| b == b'\'')?;
        return Some(i + 2 + close + 1);
    }
    let width = std::str::from_utf8(&s[i + 1..(i + 5).min(s.len())])
        .unwrap_or_else(|e| std::str::from_utf8(&s[i + 1..i + 1 + e.valid_up_to()]).unwrap_or(""))
        .chars()
        .next()
        .map_or(1, char::len_utf8);
    (s.get(i + 1 + width) == Some(&b'\'')).then_some(i + 2 + width)
}

/// Each function with a body in `source`: its name, first line and line count.
fn functions(source: &str) -> Vec<(String, usize, usize)> {
    let code = code_only(source);
    let line_of = |at: usize| code[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(at) = code[i..].windows(3).position(|w| w == b"fn ").map(|p| p + i) {
        i = at + 3;
        if is_ident_byte(&code, at.wrapping_sub(1)) {
            continue;
        }
        let name: String = code[i..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .map(|&b| b as char)
            .collect();
        // The body opens at the first `{` outside parentheses; a `;` first means no body.
        let mut depth = 0i32;
        let mut j = i;
        let open = loop {
            match code.get(j) {
                None => break None,
                Some(b'(' | b'[' | b'<') => depth += 1,
                Some(b')' | b']') => depth -= 1,
                Some(b'>') if code.get(j.wrapping_sub(1)) != Some(&b'-') => depth -= 1,
                Some(b';') if depth <= 0 => break None,
                Some(b'{') if depth <= 0 => break Some(j),
                _ => {}
            }
            j += 1;
        };
        let Some(open) = open else { continue };
        let mut braces = 0;
        let mut k = open;
        while k < code.len() {
            match code[k] {
                b'{' => braces += 1,
                b'}' => {
                    braces -= 1;
                    if braces == 0 {
                        break;
                    }
                }
                _ => {}
            }
            k += 1;
        }
        let first = line_of(at);
        found.push((name, first, line_of(k.min(code.len() - 1)) - first + 1));
    }
    found
}

/// Whether the comment lines right above `line` (1-based) carry [`TABLE_MARK`].
fn marked_as_table(lines: &[&str], line: usize) -> bool {
    lines[..line - 1]
        .iter()
        .rev()
        .take_while(|l| {
            let t = l.trim_start();
            t.starts_with("//") || t.starts_with("#[")
        })
        .any(|l| l.contains(TABLE_MARK))
}

#[test]
fn no_hand_written_file_or_function_is_too_long() {
    let root = root();
    let mut files = Vec::new();
    for dir in ["codegen", "xtask", "workos-api", "emulator", "examples", "tests"] {
        rust_files(&root.join(dir), &mut files);
    }
    let mut report = String::new();
    for file in &files {
        let source = std::fs::read_to_string(file).expect("a source file reads");
        let lines: Vec<&str> = source.lines().collect();
        let shown = file.strip_prefix(&root).expect("inside the workspace").display();
        let whole_file_table =
            lines.iter().take_while(|l| l.starts_with("//!")).any(|l| l.contains(TABLE_MARK));
        if lines.len() > MAX_FILE_LINES && !whole_file_table {
            writeln!(report, "{shown}: {} lines (at most {MAX_FILE_LINES})", lines.len()).expect("writes");
        }
        for (name, first, count) in functions(&source) {
            if count > MAX_FN_LINES && !marked_as_table(&lines, first) {
                writeln!(report, "{shown}:{first}: fn {name}: {count} lines (at most {MAX_FN_LINES})")
                    .expect("writes");
            }
        }
    }
    assert!(files.len() > 100, "the walk found the workspace's files ({} found)", files.len());
    assert!(
        report.is_empty(),
        "split these by responsibility, or mark a table with a comment `{TABLE_MARK}: <why>`:\n{report}"
    );
}

#[test]
fn the_measure_of_a_function_counts_what_it_should() {
    let source = r##"
/// Docs with a fn and a { brace.
fn short() -> u8 {
    let s = "}{ fn not_one() {";
    let b = b"{";
    let c = '{';
    let r = r#"}"#;
    1
}

trait T {
    fn declared(&self);
    fn defaulted<'a>(&'a self) -> Vec<&'a str> where Self: Sized {
        // }
        vec![]
    }
}
"##;
    let found = functions(source);
    let names: Vec<(&str, usize)> = found.iter().map(|(n, _, c)| (n.as_str(), *c)).collect();
    assert_eq!(names, [("short", 7), ("defaulted", 4)]);
    let lines: Vec<&str> = "// Kept whole: a table: one row a route.\nfn table() {}".lines().collect();
    assert!(marked_as_table(&lines, 2));
    assert!(!marked_as_table(&["fn other() {}"], 1));
}
