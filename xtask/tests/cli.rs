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
    assert_eq!(out.status.code(), Some(3), "a usage error is invalid input");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unrecognized subcommand 'frobnicate'") && stderr.contains("Usage: cargo xtask"),
        "{stderr}"
    );
}

#[test]
fn every_subcommand_answers_help() {
    for args in [
        &["--help"][..],
        &["codegen", "--help"],
        &["history", "--help"],
        &["compat", "--help"],
        &["compat-history", "--help"],
        &["features", "--help"],
        &["bench", "--help"],
        &["bench", "diff", "--help"],
        &["names", "--help"],
        &["spec", "--help"],
        &["spec", "fetch", "--help"],
        &["spec", "diff", "--help"],
        &["spec", "upgrade", "--help"],
        &["spec", "diff-history", "--help"],
        &["spec", "rules", "--help"],
    ] {
        let out = xtask(args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(stdout.contains("Usage: cargo xtask"), "{args:?}: {stdout}");
    }
    let upgrade = String::from_utf8_lossy(&xtask(&["spec", "upgrade", "--help"]).stdout).into_owned();
    assert!(upgrade.contains("<TARGET>") && upgrade.contains("CHANGES.md"), "{upgrade}");
}

/// Writes `doc` as JSON (a YAML subset the loader reads) into `dir/name`.
fn write_doc(dir: &Path, name: &str, doc: &serde_json::Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(doc).expect("json")).expect("write");
    path.to_str().expect("utf-8").to_owned()
}

fn fixture_base() -> serde_json::Value {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/diff-fixtures/base.yaml");
    workos_codegen::load::parse(&file, &std::fs::read(&file).expect("base.yaml")).expect("parse")
}

#[test]
fn spec_diff_exit_codes_follow_the_worst_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = fixture_base();
    let old = write_doc(dir.path(), "old.json", &base);
    let mut additive = base.clone();
    additive["components"]["schemas"]["Role"]["allOf"][1]["properties"]["name"] =
        serde_json::json!({"type": "string"});
    let additive = write_doc(dir.path(), "additive.json", &additive);
    let mut removal = base.clone();
    removal["paths"]["/roles/{slug}"].as_object_mut().expect("path item").remove("delete");
    let removal = write_doc(dir.path(), "removal.json", &removal);
    let code = |args: &[&str]| xtask(args).status.code();
    assert_eq!(code(&["spec", "diff", &old, &old, "--no-rust"]), Some(0), "no change");
    assert_eq!(code(&["spec", "diff", &old, &additive, "--no-rust"]), Some(1), "non-breaking only");
    assert_eq!(code(&["spec", "diff", &old, &removal, "--no-rust"]), Some(2), "breaking");
    assert_eq!(code(&["spec", "diff", &old, &additive, "--no-rust", "--fail-on", "breaking"]), Some(0));
    assert_eq!(code(&["spec", "diff", &old, &removal, "--no-rust", "--fail-on", "breaking"]), Some(2));
    assert_eq!(code(&["spec", "diff", &old, &additive, "--no-rust", "--fail-on", "any"]), Some(1));

    let out = xtask(&["spec", "diff", &old, &removal, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(report["counts"]["operations_removed"], 1);
    assert_eq!(report["changes"][0]["rule"], "operation-removed");
    let removed = report["rust_api"]["diff"]["removed"].as_array().expect("Rust API impact");
    assert!(
        removed
            .iter()
            .any(|r| r[0].as_str().is_some_and(|i| i.starts_with("authorization::Authorization::delete_"))),
        "{removed:?}"
    );
}

#[test]
fn spec_diff_bad_input_exits_3_naming_the_problem() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = write_doc(dir.path(), "good.json", &fixture_base());
    let not_openapi =
        write_doc(dir.path(), "not-openapi.json", &serde_json::json!({"swagger": "2.0", "paths": {}}));
    let broken = dir.path().join("broken.yaml");
    std::fs::write(&broken, "openapi: 3.1.1\npaths: [unclosed\n").expect("write");
    let broken = broken.to_str().expect("utf-8").to_owned();
    let cases: [(&[&str], &str); 6] = [
        (&["spec", "diff", &good, "missing.yaml"], "`missing.yaml` is not a file, a published version"),
        (&["spec", "diff", &good, &not_openapi], "not an OpenAPI 3 document"),
        (&["spec", "diff", &good, &broken], "broken.yaml"),
        (&["spec", "diff", &good], "the following required arguments were not provided:\n  <NEW>"),
        (&["spec", "diff", &good, &good, "--format", "xml"], "invalid value 'xml' for '--format <FORMAT>'"),
        (
            &["spec", "diff", &good, &good, "--fail-on", "some"],
            "invalid value 'some' for '--fail-on <FAIL_ON>'",
        ),
    ];
    for (args, expected) in cases {
        let out = xtask(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty() && !stderr.contains("panicked"), "{args:?}");
    }
}

#[test]
fn spec_diff_with_unreadable_project_tables_exits_3_naming_the_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = write_doc(dir.path(), "good.json", &fixture_base());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec = dir.path().join("workos-spec");
    std::fs::create_dir_all(&spec).expect("mkdir");
    for table in ["method-names.toml", "overlay-schemas.yaml"] {
        std::fs::copy(root.join("workos-spec").join(table), spec.join(table)).expect("copy a table");
    }
    std::fs::write(spec.join("areas.toml"), "[tags\n").expect("write");
    let out = xtask_in(dir.path(), &["spec", "diff", &good, &good, "--no-rust"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("areas.toml"), "{stderr}");
    assert!(out.stdout.is_empty() && !stderr.contains("panicked"), "{stderr}");
}

/// Where a scratch project keeps its pinned document, relative to its root.
const PINNED: &str = "pinned.yaml";

/// A scratch copy of the project: the spec folder (with the cached pinned document) and the
/// generated crate, so an upgrade can write freely.
fn scratch_project() -> tempfile::TempDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = xtask(&["spec", "fetch"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = |rel: &str| {
        let (from, to) = (root.join(rel), dir.path().join(rel));
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&from, &to).unwrap_or_else(|e| panic!("copy {rel}: {e}"));
    };
    for rel in [
        "workos-spec/method-names.toml",
        "workos-spec/areas.toml",
        "workos-spec/overlay-schemas.yaml",
        "workos-spec/overlay.yaml",
    ] {
        copy(rel);
    }
    // The pinned document, wherever the lock keeps it (the npm cache, or a local file after an
    // upgrade to one), copied in as a local file of the scratch project.
    let input = workos_codegen::Project { root: root.clone() }.pinned_input().expect("pinned document");
    let mut lock =
        workos_codegen::load::spec::Lock::read(&root.join("workos-spec/spec.lock.toml")).expect("lock");
    lock.path = Some(PINNED.to_owned());
    std::fs::write(dir.path().join(PINNED), &input.bytes).expect("write the pinned document");
    std::fs::create_dir_all(dir.path().join("workos-spec")).expect("mkdir");
    lock.write(&dir.path().join("workos-spec/spec.lock.toml")).expect("write the lock");
    for dir in ["workos-api/src/emitted", "workos-api/src/emitted/types"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("emitted") {
            let entry = entry.expect("entry");
            if entry.path().is_file() {
                copy(&format!("{dir}/{}", entry.file_name().to_string_lossy()));
            }
        }
    }

    copy("workos-api/Cargo.toml");
    dir
}

fn xtask_in(root: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("XTASK_PROJECT_ROOT", root)
        .output()
        .expect("run xtask")
}

#[test]
fn upgrade_to_a_local_document_writes_the_report_the_lock_and_the_code() {
    let project = scratch_project();
    let root = project.path();
    let overlay_before = std::fs::read_to_string(root.join("workos-spec/overlay.yaml")).expect("overlay");
    let candidate = candidate_document(root, &overlay_before);

    // A bad path changes nothing.
    let lock_before = std::fs::read_to_string(root.join("workos-spec/spec.lock.toml")).expect("lock");
    let out = xtask_in(root, &["spec", "upgrade", "no-such-file.yaml"]);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!root.join("workos-spec/CHANGES.md").exists());
    assert_eq!(std::fs::read_to_string(root.join("workos-spec/spec.lock.toml")).expect("lock"), lock_before);

    let out = xtask_in(root, &["spec", "upgrade", &candidate]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_upgrade_report(root, &overlay_before);
    assert_upgraded_code(root);
    upgrade_with_provenance(root);
}

/// The pinned document as WorkOS might publish it next: `Role` gains an enum value and a field,
/// `Flag` is fixed as the overlay corrects it, `POST /platform/teams` (the overlay's today)
/// arrives with another shape, and a new operation no overlay knows. Written to
/// `candidate.json`, whose path it returns.
fn candidate_document(root: &Path, overlay_before: &str) -> String {
    let pinned = root.join(PINNED);
    let mut doc =
        workos_codegen::load::parse(&pinned, &std::fs::read(&pinned).expect("pinned")).expect("parse");
    let role = &mut doc["components"]["schemas"]["Role"];
    role["properties"]["type"]["enum"].as_array_mut().expect("enum").push("ResourceRole".into());
    role["properties"]["priority"] = serde_json::json!({"type": "integer"});
    // WorkOS fixes what the overlay's two `Flag` actions correct: both are dropped and named.
    let flag = &mut doc["components"]["schemas"]["Flag"]["required"];
    let corrected: Vec<serde_json::Value> = flag
        .as_array()
        .expect("Flag.required")
        .iter()
        .filter(|r| *r != "enabled" && *r != "default_value")
        .cloned()
        .collect();
    *flag = serde_json::Value::Array(corrected);
    // WorkOS's document gains `POST /platform/teams`, which the overlay adds today (its copy
    // with another summary): the overlay's action is dropped and named, the document's shape
    // is generated.
    let overlay_path = root.join("workos-spec/overlay.yaml");
    let overlay = workos_codegen::load::parse(&overlay_path, overlay_before.as_bytes()).expect("overlay");
    let mut teams = overlay["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .find_map(|a| a.pointer("/update/~1platform~1teams/post"))
        .expect("the overlay adds POST /platform/teams")
        .clone();
    teams["summary"] = "Create a team (as WorkOS's document says it)".into();
    // WorkOS's shape differs from the overlay's: a new required query parameter, which the
    // report names like any other change.
    teams["parameters"] = serde_json::json!([{"name": "region", "in": "query", "required": true, "schema": {"type": "string"}}]);
    doc["paths"]["/platform/teams"] = serde_json::json!({ "post": teams });
    // And an operation no overlay knows: the emulator serves it generically, and says so.
    let mut summary_op = doc["paths"]["/organizations/{id}"]["get"].clone();
    summary_op["operationId"] = "OrganizationsController_summary".into();
    doc["paths"]["/organizations/{id}/summary"] = serde_json::json!({ "get": summary_op });
    write_doc(root, "candidate.json", &doc)
}

/// `CHANGES.md` and the overlay after the upgrade: the summary, what the emulator serves
/// generically, and the overlay's actions the document made needless, dropped and named.
fn assert_upgrade_report(root: &Path, overlay_before: &str) {
    // The summary, and every change in the second file.
    let summary = std::fs::read_to_string(root.join("workos-spec/CHANGES.md")).expect("CHANGES.md");
    assert!(summary.contains("## After the upgrade") && summary.contains("## By area"), "{summary}");
    assert!(summary.contains("## Operations removed (0)"), "{summary}");
    // POST /platform/teams was the overlay's before and is the document's now: not new.
    assert!(
        summary.contains("## The emulator\n\n1 operation(s) this document adds are served generically"),
        "{summary}"
    );
    assert!(
        summary.contains("- `GET /organizations/{id}/summary`")
            && !summary.contains("- `POST /platform/teams`"),
        "{summary}"
    );
    let actions_before = overlay_before.lines().filter(|l| l.starts_with("  - target:")).count();
    assert!(
        summary.contains(&format!(
            "3 of {actions_before} actions changed nothing in the new document and were dropped"
        )),
        "{summary}"
    );
    assert!(summary.contains("- `$.components.schemas.Flag` (the document already says it)"), "{summary}");
    assert!(
        summary.contains("- `$.paths` (the document now has what it added: POST /platform/teams;"),
        "{summary}"
    );
    let overlay_after = std::fs::read_to_string(root.join("workos-spec/overlay.yaml")).expect("overlay");
    assert!(
        overlay_before.contains("schemas.Flag") && !overlay_after.contains("schemas.Flag"),
        "{overlay_after}"
    );
    assert_eq!(overlay_after.lines().filter(|l| l.starts_with("  - target:")).count(), actions_before - 3);
    assert!(!overlay_after.contains("Add POST /platform/teams"), "the overlay's copy is dropped");
}

/// `CHANGES-full.md`, the lock, the vendored copy and the generated code after the upgrade.
fn assert_upgraded_code(root: &Path) {
    let changes = std::fs::read_to_string(root.join("workos-spec/CHANGES-full.md")).expect("CHANGES-full.md");
    // The difference of the two shapes is reported like any other change, in the document and
    // in the Rust API (what `xtask compat` then checks a caller against).
    assert!(
        changes.contains(
            "| `POST /platform/teams` | query parameter region added | `parameter-added-required` |"
        ),
        "{changes}"
    );
    assert!(
        changes.lines().any(|l| l.contains("create_platform_team") && l.contains("region: impl")),
        "{changes}"
    );
    assert!(changes.contains("enum value \"ResourceRole\" added"), "{changes}");
    assert!(changes.contains("`types::RoleType::ResourceRole`"), "{changes}");
    assert!(changes.contains("`types::Role.priority`"), "{changes}");
    let lock = std::fs::read_to_string(root.join("workos-spec/spec.lock.toml")).expect("lock");
    assert!(
        lock.contains("path = \"workos-spec/open-api-spec.yaml\"") && lock.contains("version = \"local-"),
        "{lock}"
    );
    // Vendored: the lock reads the copy in workos-spec/, not the file it was given.
    assert_eq!(
        std::fs::read(root.join("workos-spec/open-api-spec.yaml")).expect("vendored"),
        std::fs::read(root.join("candidate.json")).expect("candidate")
    );
    std::fs::remove_file(root.join("candidate.json")).expect("remove the candidate");
    let mut types = String::new();
    for entry in std::fs::read_dir(root.join("workos-api/src/emitted/types")).expect("types/") {
        types.push_str(&std::fs::read_to_string(entry.expect("entry").path()).expect("a types file"));
    }
    assert!(types.contains("ResourceRole") && types.contains("pub priority:"));
    let coverage =
        std::fs::read_to_string(root.join("workos-api/src/emitted/COVERAGE.md")).expect("COVERAGE.md");
    // One operation more from the document (the new one, and the overlay's teams are the
    // document's now), one fewer from the overlay than before.
    let from_overlay = |text: &str| -> usize {
        let tail = text.split(" operations come from the document, ").nth(1).expect("the coverage line");
        tail.split(' ').next().and_then(|n| n.parse().ok()).expect("a count")
    };
    let before = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../workos-api/src/emitted/COVERAGE.md"),
    )
    .expect("the project's COVERAGE.md");
    assert!(coverage.contains("214 operations come from the document"), "{coverage}");
    assert_eq!(from_overlay(&coverage), from_overlay(&before) - 1, "{coverage}");
    // The lock and workos-api/ agree: the check passes on the upgraded project.
    let check = xtask_in(root, &["codegen", "--check"]);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
}

/// The same document with its provenance: recorded in the lock, and kept by an upgrade to the
/// same bytes that does not say it again.
fn upgrade_with_provenance(root: &Path) {
    let copy = root.join("copy.yaml");
    std::fs::copy(root.join("workos-spec/open-api-spec.yaml"), &copy).expect("copy");
    let copy = copy.to_string_lossy().into_owned();
    let with = [
        "spec",
        "upgrade",
        &copy,
        "--no-check",
        "--repository",
        "https://github.com/workos/openapi-spec",
        "--commit",
        "e216e1f73e1788f959f6b9e35e662b25fda7edbc",
        "--release",
        "v9.9.9",
    ];
    let out = xtask_in(root, &with);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = xtask_in(root, &["spec", "upgrade", &copy, "--no-check"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lock =
        workos_codegen::load::spec::Lock::read(&root.join("workos-spec/spec.lock.toml")).expect("lock");
    let source = lock.source.expect("provenance");
    assert_eq!((lock.version.as_str(), source.release.as_deref()), ("9.9.9", Some("v9.9.9")));
    assert_eq!(source.commit, "e216e1f73e1788f959f6b9e35e662b25fda7edbc");
    assert_eq!(source.file, "spec/open-api-spec.yaml");
}

/// A gzipped npm-style tarball holding `file`.
fn tarball(file: &str, contents: &[u8]) -> Vec<u8> {
    let mut builder =
        tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
    let mut header = tar::Header::new_gnu();
    header.set_size(contents.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    builder.append_data(&mut header, file, contents).expect("append");
    builder.into_inner().expect("tar").finish().expect("gzip")
}

/// A registry on 127.0.0.1 answering the package metadata, then the tarball.
fn registry(document: &[u8], version: &str) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let tgz = tarball("package/open-api-spec.yaml", document);
    let integrity = workos_codegen::load::spec::integrity_of(&tgz);
    let meta = serde_json::json!({"versions": {version: {"dist": {
        "tarball": format!("{base}/@workos/openapi-spec/-/openapi-spec-{version}.tgz"),
        "integrity": integrity,
    }}}});
    let answers = vec![meta.to_string().into_bytes(), tgz];
    std::thread::spawn(move || {
        for body in answers {
            let (mut stream, _) = listener.accept().expect("accept");
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            while reader.read_line(&mut line).expect("read") > 2 {
                line.clear();
            }
            let head =
                format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
            stream.write_all(head.as_bytes()).expect("write");
            stream.write_all(&body).expect("write");
        }
    });
    base
}

#[test]
fn upgrade_to_a_published_version_fetches_verifies_and_pins_it() {
    let project = scratch_project();
    let root = project.path();
    let pinned = root.join(PINNED);
    let mut doc =
        workos_codegen::load::parse(&pinned, &std::fs::read(&pinned).expect("pinned")).expect("parse");
    doc["info"]["version"] = "0.2.0".into();
    doc["components"]["schemas"]["Role"]["properties"]["priority"] = serde_json::json!({"type": "integer"});
    let bytes = serde_json::to_vec(&doc).expect("json");
    let registry = registry(&bytes, "0.2.0");
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["spec", "upgrade", "0.2.0"])
        .env("XTASK_PROJECT_ROOT", root)
        .env("NPM_CONFIG_REGISTRY", &registry)
        .output()
        .expect("run xtask");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lock = std::fs::read_to_string(root.join("workos-spec/spec.lock.toml")).expect("lock");
    assert!(lock.contains("version = \"0.2.0\""), "{lock}");
    assert!(lock.contains("tarball = \"@workos/openapi-spec/-/openapi-spec-0.2.0.tgz\""), "{lock}");
    assert!(
        lock.contains(&format!("sha256 = \"{}\"", workos_codegen::load::spec::sha256_hex(&bytes))),
        "{lock}"
    );
    assert_eq!(std::fs::read(root.join("workos-spec/open-api-spec.yaml")).expect("vendored"), bytes);
    let changes = std::fs::read_to_string(root.join("workos-spec/CHANGES-full.md")).expect("CHANGES-full.md");
    assert!(changes.contains("`priority`: optional property added"), "{changes}");
    // The new lock is self-consistent: the check reads the vendored copy, with no registry.
    let check = xtask_in(root, &["codegen", "--check"]);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
}
