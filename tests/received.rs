//! What WorkOS really sends decodes: every body of the response corpus (`tests/corpus/`,
//! re-authored with the shapes of bodies from WorkOS's public SDK repositories, some recorded from
//! the live API) decodes through the output type of its operation, and encoding it again keeps
//! every key the document names for that response.
//!
//! The output types come from `emitted/received.rs`, which `cargo xtask codegen` writes (one
//! entry per operation with a success body).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use workos_codegen::{Project, workspace_root};

/// Decodes a body into an operation's output type and encodes it again.
type Roundtrip = fn(&[u8]) -> Result<Value, String>;

fn roundtrip<T: serde::de::DeserializeOwned + serde::Serialize>(bytes: &[u8]) -> Result<Value, String> {
    let decoded: T = serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(bytes))
        .map_err(|e| format!("{}: {}", e.path(), e.inner()))?;
    serde_json::to_value(&decoded).map_err(|e| format!("encoding again: {e}"))
}

mod emitted {
    include!("emitted/received.rs");
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Source {
    file: String,
    operation: String,
    status: u16,
    repository: String,
    path: String,
    commit: String,
    date: String,
    origin: String,
    /// What is notable about the body (read by people, not by the test).
    #[serde(default, rename = "note")]
    _note: Option<String>,
    /// Why a body does not decode, or loses a key the document names, today: the test fails
    /// when it stops having the problem.
    #[serde(default)]
    known_problem: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
struct Sources {
    body: Vec<Source>,
}

fn corpus() -> (std::path::PathBuf, Vec<Source>) {
    let dir = workspace_root().join("tests/corpus");
    let text = std::fs::read_to_string(dir.join("SOURCES.toml")).expect("SOURCES.toml");
    let sources: Sources = toml::from_str(&text).expect("SOURCES.toml is valid");
    (dir, sources.body)
}

fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(target) = v.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) else {
            break;
        };
        match doc.pointer(target) {
            Some(t) => v = t,
            None => break,
        }
    }
    v
}

/// Every property name a schema names, at any depth.
fn named_properties(doc: &Value, schema: &Value, seen: &mut BTreeSet<String>, out: &mut BTreeSet<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        if !seen.insert(r.to_owned()) {
            return;
        }
        return named_properties(doc, resolve(doc, schema), seen, out);
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            out.insert(name.clone());
            named_properties(doc, prop, seen, out);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for part in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
            named_properties(doc, part, seen, out);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(inner) = schema.get(key).filter(|s| s.is_object()) {
            named_properties(doc, inner, seen, out);
        }
    }
}

/// The keys of `input` (with a non-null value) that `output` lacks, as JSON paths. A key the
/// crate reads through its snake_case twin (`createdAt` beside `created_at`, a deprecated
/// duplicate the codegen leaves out) is no loss.
fn lost_keys(input: &Value, output: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match (input, output) {
        (Value::Object(a), Value::Object(b)) => {
            let twin = |k: &str| {
                let field = workos_codegen::naming::field_key(k);
                field != k && a.contains_key(&field)
            };
            for (k, v) in a.iter().filter(|(k, _)| !twin(k)) {
                let here = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                // `null`, `{}` and `[]` say nothing that leaving the key out does not.
                let empty = v.is_null()
                    || v.as_object().is_some_and(|o| o.is_empty())
                    || v.as_array().is_some_and(|a| a.is_empty());
                match b.get(k) {
                    None if !empty => out.push((here, k.clone())),
                    None => {}
                    Some(w) => lost_keys(v, w, &here, out),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                lost_keys(v, w, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_body_of_the_response_corpus_decodes_without_losing_a_named_key() {
    let project = Project { root: workspace_root() };
    let doc = project.pinned_document().expect("the overlaid document");
    let outputs: BTreeMap<&str, (&str, Roundtrip)> =
        emitted::OUTPUTS.iter().map(|(name, key, f)| (*name, (*key, *f))).collect();
    let (dir, sources) = corpus();
    let listed: BTreeSet<&str> = sources.iter().map(|s| s.file.as_str()).collect();
    let on_disk: BTreeSet<String> = std::fs::read_dir(dir.join("bodies"))
        .expect("bodies/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let unlisted: Vec<&String> = on_disk.iter().filter(|f| !listed.contains(f.as_str())).collect();
    assert!(unlisted.is_empty(), "bodies without a SOURCES.toml entry: {unlisted:?}");

    let mut problems = Vec::new();
    let (mut decoded, mut known) = (0, Vec::new());
    for source in &sources {
        assert!(
            !source.repository.is_empty() && source.commit.len() == 40 && !source.path.is_empty(),
            "{}: repository, path and commit",
            source.file
        );
        assert!(["recorded", "written", "generated"].contains(&source.origin.as_str()), "{}", source.file);
        assert!((200..300).contains(&source.status), "{}: a success body", source.file);
        let Some((key, roundtrip)) = outputs.get(source.operation.as_str()) else {
            problems
                .push(format!("{}: no operation `{}` with a success body", source.file, source.operation));
            continue;
        };
        let bytes = std::fs::read(dir.join("bodies").join(&source.file)).expect("a listed body exists");
        let input: Value = serde_json::from_slice(&bytes).expect("a body is JSON");
        let recorded_lately = source.origin == "recorded" && source.date.as_str() >= "2023";
        let problem = match roundtrip(&bytes) {
            Err(e) => Some(format!("{e} ({} {}, {key})", source.origin, source.date)),
            Ok(output) => {
                let schema = workos_codegen::examples::success_schema(&doc, key).unwrap_or(&Value::Null);
                let mut named = BTreeSet::new();
                named_properties(&doc, schema, &mut BTreeSet::new(), &mut named);
                let mut lost = Vec::new();
                lost_keys(&input, &output, "", &mut lost);
                let lost: Vec<String> =
                    lost.into_iter().filter(|(_, k)| named.contains(k)).map(|(at, _)| at).collect();
                (!lost.is_empty())
                    .then(|| format!("decoding loses {}, which the document names", lost.join(", ")))
            }
        };
        match (problem, &source.known_problem) {
            (None, None) => decoded += 1,
            (None, Some(why)) => {
                problems.push(format!("{}: decodes whole now; remove its known_problem ({why})", source.file))
            }
            (Some(p), None) => problems.push(format!("{}: {p}", source.file)),
            (Some(_), Some(_)) if recorded_lately => problems.push(format!(
                "{}: recorded from the live API in {}: it must decode whole",
                source.file, source.date
            )),
            (Some(p), Some(why)) => known.push(format!("{}: {p} [{why}]", source.file)),
        }
    }
    println!(
        "response corpus: {} bodies, {decoded} decode with every named key kept, {} known problems",
        sources.len(),
        known.len()
    );
    for problem in &known {
        println!("  known problem: {problem}");
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn the_documents_example_of_every_received_shape_decodes_and_keeps_its_keys() {
    use workos_codegen::examples::{Fill, examples};
    let project = Project { root: workspace_root() };
    let doc = project.pinned_document().expect("the overlaid document");
    let mut problems = Vec::new();
    let (mut operations, mut every, mut required) = (0, 0, 0);
    for (name, key, roundtrip) in emitted::OUTPUTS {
        let Some(schema) = workos_codegen::examples::success_schema(&doc, key) else {
            problems.push(format!("{name}: `{key}` has no JSON success body in the document"));
            continue;
        };
        operations += 1;
        for fill in [Fill::Every, Fill::Required] {
            for example in examples(&doc, schema, fill) {
                let bytes = serde_json::to_vec(&example.value).expect("an example encodes");
                let with = if example.choices.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", example.choices)
                };
                match roundtrip(&bytes) {
                    Err(e) => {
                        problems.push(format!("{name}: the {fill:?} example{with} does not decode: {e}"))
                    }
                    Ok(output) if fill == Fill::Every => {
                        every += 1;
                        let mut lost = Vec::new();
                        lost_keys(&example.value, &output, "", &mut lost);
                        if !lost.is_empty() {
                            let at: Vec<String> = lost.into_iter().map(|(at, _)| at).collect();
                            problems
                                .push(format!("{name}: decoding the example{with} loses {}", at.join(", ")));
                        }
                    }
                    Ok(_) => required += 1,
                }
            }
        }
    }
    println!(
        "document examples: {operations} operations, {every} with every property and {required} with the required ones decode"
    );
    assert!(operations > 150, "the table lists the operations ({operations})");
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// The variant a value decoded to, from its `Debug` (`Oauth { .. }` -> `Oauth`).
fn variant_of(debug: String) -> String {
    debug.split([' ', '(', '{']).next().unwrap_or_default().to_owned()
}

/// The document's examples of a component, one per branch of its unions.
fn component_examples(doc: &Value, component: &str) -> Vec<Value> {
    use workos_codegen::examples::{Fill, examples};
    let schema = serde_json::json!({ "$ref": format!("#/components/schemas/{component}") });
    examples(doc, &schema, Fill::Every).into_iter().map(|e| e.value).collect()
}

#[test]
fn each_variant_of_a_received_union_decodes_to_that_variant() {
    use workos_api::types::{ConnectApplication, DataIntegrationCredentialsResponse};
    let project = Project { root: workspace_root() };
    let doc = project.pinned_document().expect("the overlaid document");
    // ConnectApplication: tagged by `application_type`; the OAuth branch's three kinds (first
    // party, third party, dynamically registered) are one variant carrying all their fields.
    let connect: Vec<String> = component_examples(&doc, "ConnectApplication")
        .into_iter()
        .map(|v| {
            variant_of(format!("{:?}", serde_json::from_value::<ConnectApplication>(v).expect("decodes")))
        })
        .collect();
    assert_eq!(connect, ["Oauth", "Oauth", "Oauth", "M2m"]);
    // A Pipes credential: told apart by `active` and `credential.auth_method`.
    let credentials: Vec<String> = component_examples(&doc, "DataIntegrationCredentialsResponse")
        .into_iter()
        .map(|v| {
            let decoded: DataIntegrationCredentialsResponse = serde_json::from_value(v).expect("decodes");
            variant_of(format!("{decoded:?}"))
        })
        .collect();
    assert_eq!(credentials, ["Oauth", "ApiKey", "ClientCredentials", "Error"]);
    // A method this version does not know is kept whole, not forced into a known variant.
    let saml = serde_json::json!({"active": true, "credential": {"object": "credential", "auth_method": "saml", "value": "v"}});
    let decoded: DataIntegrationCredentialsResponse = serde_json::from_value(saml.clone()).expect("decodes");
    assert_eq!(decoded, DataIntegrationCredentialsResponse::Unknown(saml));
}
