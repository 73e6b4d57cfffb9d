//! The CLI's contract on bad input: a non-zero exit code, the file and location on stderr, no
//! panic, and nothing written.

use std::path::Path;
use std::process::Command;

fn xtask(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("run xtask")
}

#[test]
fn bad_document_exits_non_zero_and_writes_nothing() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/bad-specs");
    let scratch = tempfile::tempdir().expect("tempdir");
    for name in ["dangling-ref", "invalid-yaml", "duplicate-operation-id", "method-name-collision"] {
        let file = corpus.join(format!("{name}.yaml"));
        let out_dir = scratch.path().join(name);
        let out = xtask(&[
            "codegen",
            "--spec",
            file.to_str().expect("utf-8"),
            "--out",
            out_dir.to_str().expect("utf-8"),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(&format!("{name}.yaml")), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(!out_dir.exists(), "{name}: output written despite the error");
    }
}

#[test]
fn unknown_command_prints_usage() {
    let out = xtask(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage: cargo xtask"));
}
