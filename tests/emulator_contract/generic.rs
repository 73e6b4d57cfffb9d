//! The scenario's part for the operations the emulator serves from the document
//! (`workos_emulator::generic_routes()`): derived from the document, not written per operation,
//! so an operation a newer document adds is driven the day it arrives. Creates first (with the
//! document's example body, required fields only), then reads, updates and actions on what they
//! made, deletes last; and for each kind that finds a record by id, an unknown id (404) where
//! the document declares it, and a body without a required field (422) where it declares that.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use workos_codegen::examples::{Fill, examples};

use super::Scenario;

/// A path parameter that names no record of the emulator's (a parent the generic table does
/// not check).
const ANY: &str = "demo_01";

pub(super) async fn run(s: &Scenario, doc: &Value) {
    let table = workos_codegen::emulator::generic::table(doc);
    let routes = workos_emulator::generic_routes();
    let entry = |method: &str, path: &str| table[format!("{method} {path}")].clone();
    // Collections no served operation creates: seeded.
    let created: Vec<String> = routes
        .iter()
        .filter(|(m, p)| entry(m, p)["kind"] == "create")
        .map(|(m, p)| entry(m, p)["collection"].as_str().unwrap_or_default().to_owned())
        .collect();
    let mut seed = workos_emulator::Seed::default();
    for (method, path) in &routes {
        let e = entry(method, path);
        let collection = e["collection"].as_str().unwrap_or_default();
        if e["kind"] == "get" && !collection.contains('{') && !created.iter().any(|c| c == collection) {
            seed.records
                .push(workos_emulator::SeedRecord::new(collection, response_example(doc, method, path)));
        }
    }
    seed.records.dedup();
    s.emu.seed(&seed).expect("seed the collections no operation creates");
    // Ids by the collection (template) and the object of the record.
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for r in &seed.records {
        let listed = s.call("GET", &r.path, None, 200).await;
        if let Some(id) = listed["data"][0]["id"].as_str() {
            ids.insert(r.path.clone(), id.to_owned());
        }
    }
    let phase = |kind: &str| match kind {
        "create" | "put" => 0,
        "delete" | "remove" => 2,
        _ => 1,
    };
    let mut ordered = routes.clone();
    ordered.sort_by_key(|(m, p)| phase(entry(m, p)["kind"].as_str().unwrap_or_default()));
    // The object each collection's records have, from any operation that names it.
    let mut objects: BTreeMap<String, String> = BTreeMap::new();
    for e in table.as_object().into_iter().flat_map(|t| t.values()) {
        if let (Some(c), Some(o)) = (e["collection"].as_str(), e["object"].as_str()) {
            objects.entry(c.to_owned()).or_insert_with(|| o.to_owned());
        }
    }
    for (method, path) in ordered {
        let e = entry(method, path);
        let kind = e["kind"].as_str().unwrap_or_default();
        let collection = e["collection"].as_str().unwrap_or_default();
        let object = e["object"].as_str().or_else(|| objects.get(collection).map(String::as_str));
        let target =
            ids.get(collection).or_else(|| object.and_then(|o| ids.get(&format!("object:{o}")))).cloned();
        let by_id = matches!(kind, "get" | "update" | "delete" | "action");
        let url = fill_path(path, by_id.then_some(target.as_deref()).flatten());
        let body = request_body(doc, method, path);
        let status = e["status"].as_u64().and_then(|s| u16::try_from(s).ok()).unwrap_or(200);
        // The failures first, while the record is still there.
        if by_id && declares(doc, method, path, "404") {
            s.call(method, &fill_path(path, Some("record_missing")), body.clone(), 404).await;
        }
        if body.is_some()
            && !e["required"].as_array().is_none_or(Vec::is_empty)
            && declares(doc, method, path, "422")
        {
            s.call(method, &url, Some(json!({})), 422).await;
        }
        let answer = s.call(method, &url, body, status).await;
        if let Some(id) = answer["id"].as_str().filter(|_| kind == "create" || kind == "put") {
            ids.insert(collection.to_owned(), id.to_owned());
            if let Some(o) = object {
                ids.insert(format!("object:{o}"), id.to_owned());
            }
        }
    }
}

/// `path` with each parameter [`ANY`], the last one `last` when given.
fn fill_path(path: &str, last: Option<&str>) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    let final_param = segments.iter().rposition(|s| s.starts_with('{'));
    segments
        .iter()
        .enumerate()
        .map(|(i, s)| match (s.starts_with('{'), Some(i) == final_param, last) {
            (true, true, Some(last)) => last.to_owned(),
            (true, _, _) => ANY.to_owned(),
            _ => (*s).to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The document's example of the operation's success body, required fields only, without
/// what the emulator gives a record itself.
fn response_example(doc: &Value, method: &str, path: &str) -> Map<String, Value> {
    let schema = workos_codegen::examples::success_schema(doc, &format!("{method} {path}"));
    let example = schema.and_then(|s| examples(doc, s, Fill::Required).into_iter().next());
    let mut fields = example.and_then(|e| e.value.as_object().cloned()).unwrap_or_default();
    for own in ["id", "object", "created_at", "updated_at"] {
        fields.remove(own);
    }
    fields
}

/// The document's example of the operation's JSON body, required fields only.
fn request_body(doc: &Value, method: &str, path: &str) -> Option<Value> {
    let op = doc.get("paths")?.get(path)?.get(method.to_lowercase())?;
    let schema = op.pointer("/requestBody/content/application~1json/schema")?;
    examples(doc, schema, Fill::Required).into_iter().next().map(|e| e.value)
}

fn declares(doc: &Value, method: &str, path: &str, status: &str) -> bool {
    doc.pointer(&format!(
        "/paths/{}/{}/responses/{status}",
        path.replace('~', "~0").replace('/', "~1"),
        method.to_lowercase()
    ))
    .is_some()
}
