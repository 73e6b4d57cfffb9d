//! Which operations reach each component schema, and in which direction, following `$ref`s
//! through properties, items, `allOf`, `oneOf`, `anyOf` and nested components.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::rules::Direction;
use crate::openapi::{operation_key, operations_of};

/// Reachability of one document's components.
#[derive(Debug, Default)]
pub(crate) struct Reach {
    /// Component name -> operations reaching it (display keys).
    pub(crate) operations: BTreeMap<String, BTreeSet<String>>,
    /// Component name -> (sent, received).
    pub(crate) usage: BTreeMap<String, (bool, bool)>,
}

/// Component names referenced directly anywhere inside `v`.
pub(crate) fn direct_refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            if let Some(name) = map.get("$ref").and_then(Value::as_str).and_then(component_name) {
                out.insert(name.to_owned());
            }
            map.values().for_each(|v| direct_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| direct_refs(v, out)),
        _ => {}
    }
}

/// `Foo` for `#/components/schemas/Foo`.
pub(crate) fn component_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

impl Reach {
    pub(crate) fn of(doc: &Value) -> Self {
        let components = doc.pointer("/components/schemas").and_then(Value::as_object);
        let mut graph: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for (name, schema) in components.into_iter().flatten() {
            let mut refs = BTreeSet::new();
            direct_refs(schema, &mut refs);
            graph.insert(name, refs);
        }
        let closure = |start: BTreeSet<String>| {
            let mut seen = BTreeSet::new();
            let mut todo: Vec<String> = start.into_iter().collect();
            while let Some(name) = todo.pop() {
                if seen.insert(name.clone()) {
                    todo.extend(graph.get(name.as_str()).into_iter().flatten().cloned());
                }
            }
            seen
        };
        let mut reach = Self::default();
        for (method, path, item, op) in operations_of(doc) {
            let key = operation_key(method, path);
            let (mut sent, mut received) = (BTreeSet::new(), BTreeSet::new());
            direct_refs(item.get("parameters").unwrap_or(&Value::Null), &mut sent);
            direct_refs(op.get("parameters").unwrap_or(&Value::Null), &mut sent);
            direct_refs(op.get("requestBody").unwrap_or(&Value::Null), &mut sent);
            direct_refs(op.get("responses").unwrap_or(&Value::Null), &mut received);
            // Parameters, request bodies and responses can themselves be `$ref`s to
            // `#/components/{parameters,requestBodies,responses}`: follow those too.
            for part in ["parameters", "requestBody"] {
                collect_component_refs(doc, op.get(part).unwrap_or(&Value::Null), &mut sent);
            }
            collect_component_refs(doc, item.get("parameters").unwrap_or(&Value::Null), &mut sent);
            collect_component_refs(doc, op.get("responses").unwrap_or(&Value::Null), &mut received);
            for (names, is_request) in [(closure(sent), true), (closure(received), false)] {
                for name in names {
                    reach.operations.entry(name.clone()).or_default().insert(key.clone());
                    let usage = reach.usage.entry(name).or_default();
                    if is_request {
                        usage.0 = true;
                    } else {
                        usage.1 = true;
                    }
                }
            }
        }
        reach
    }

    /// The direction a component is used in, judged over both documents.
    pub(crate) fn direction(old: &Self, new: &Self, name: &str) -> Direction {
        let (a, b) = (
            old.usage.get(name).copied().unwrap_or_default(),
            new.usage.get(name).copied().unwrap_or_default(),
        );
        match (a.0 || b.0, a.1 || b.1) {
            (true, false) => Direction::Request,
            (false, true) => Direction::Response,
            _ => Direction::Both,
        }
    }

    /// Operations reaching a component in either document.
    pub(crate) fn operations(old: &Self, new: &Self, name: &str) -> Vec<String> {
        let mut all: BTreeSet<String> = old.operations.get(name).cloned().unwrap_or_default();
        all.extend(new.operations.get(name).cloned().unwrap_or_default());
        all.into_iter().collect()
    }
}

/// Schemas reached through `#/components/{parameters,requestBodies,responses}/...` references.
fn collect_component_refs(doc: &Value, v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            if let Some(target) = map
                .get("$ref")
                .and_then(Value::as_str)
                .filter(|r| !r.starts_with("#/components/schemas/"))
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|p| doc.pointer(p))
            {
                direct_refs(target, out);
            }
            map.values().for_each(|v| collect_component_refs(doc, v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_component_refs(doc, v, out)),
        _ => {}
    }
}
