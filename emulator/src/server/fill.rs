//! Response fields the document requires and the emulator does not model yet. The table,
//! `src/emitted/fill.json` of this crate, is written by `cargo xtask codegen` from the pinned document
//! (see `workos_codegen::emulator::fill`): for each operation and success status, each required
//! field with the value the document gives it. A field missing from an answer is added with that
//! value and recorded, so `Emulator::served_from_document` lists what is served from the
//! document rather than from behaviour.

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use serde_json::Value;

static TABLE: LazyLock<HashMap<String, Value>> = LazyLock::new(|| {
    let text = include_str!("../emitted/fill.json");
    // The file is generated and checked by `codegen --check`; a broken one fails loudly.
    serde_json::from_str(text).expect("src/emitted/fill.json is valid JSON")
});

/// Adds the required fields `body` lacks; returns them as `METHOD route status: path`.
pub(crate) fn fill(method: &str, route: &str, status: u16, body: &mut Value) -> Vec<String> {
    // The routes are spelled as the document's path templates, as the table's keys are.
    let Some(node) = TABLE.get(&format!("{method} {route}")).and_then(|s| s.get(status.to_string())) else {
        return Vec::new();
    };
    let mut added = BTreeSet::new();
    walk(node, body, "", &mut added);
    added.into_iter().map(|path| format!("{method} {route} {status}: {path}")).collect()
}

fn walk(node: &Value, value: &mut Value, path: &str, added: &mut BTreeSet<String>) {
    match value {
        Value::Array(items) => {
            if let Some(item_node) = node.get("items") {
                let path = format!("{path}[]");
                for item in items {
                    walk(item_node, item, &path, added);
                }
            }
        }
        Value::Object(map) => {
            for (name, fill) in node.get("required").and_then(Value::as_object).into_iter().flatten() {
                if !map.contains_key(name) {
                    map.insert(name.clone(), fill.clone());
                    added.insert(join(path, name));
                }
            }
            for (name, child) in node.get("properties").and_then(Value::as_object).into_iter().flatten() {
                if let Some(v) = map.get_mut(name) {
                    walk(child, v, &join(path, name), added);
                }
            }
        }
        _ => {}
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_covers_the_served_lists_and_adds_only_what_is_missing() {
        // The pinned document requires `object` on every organization of the list.
        let mut body = serde_json::json!({"object": "list", "data": [{"id": "org_1"}], "list_metadata": {"before": null, "after": null}});
        let added = fill("GET", "/organizations", 200, &mut body);
        assert!(added.iter().any(|a| a == "GET /organizations 200: data[].object"), "{added:?}");
        assert_eq!(body["data"][0]["object"], "organization");
        assert_eq!(body["data"][0]["id"], "org_1");
        assert!(fill("GET", "/organizations", 200, &mut body).is_empty(), "nothing left to add");
        assert!(fill("GET", "/no/such/route", 200, &mut body).is_empty());
    }
}
