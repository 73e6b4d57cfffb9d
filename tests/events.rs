//! Every event of the pinned document decodes into its own typed variant of `workos_api::Event`
//! (never `Unknown`), with or without the constant `object: "event"`, and survives serializing
//! and decoding again. The instances are built from
//! each event's schema in the document: every property present, each with a value of its type.

use serde_json::{Map, Value, json};
use workos_codegen::{Project, workspace_root};

fn document() -> Value {
    Project { root: workspace_root() }.pinned_document().expect("the overlaid pinned document")
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => resolve(doc, doc.pointer(pointer).expect("a $ref that resolves")),
        None => schema,
    }
}

/// A value `schema` accepts, with every property of every object.
fn instance(doc: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(doc, schema);
    assert!(depth < 20, "schema nesting too deep: {schema}");
    if let Some(c) = schema.get("const") {
        return c.clone();
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values.iter().find(|v| !v.is_null()).cloned().unwrap_or(Value::Null);
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(fields) = instance(doc, part, depth + 1) {
                merged.extend(fields);
            }
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            let branch = branches
                .iter()
                .find(|b| resolve(doc, b).get("type").is_none_or(|t| t != "null"))
                .expect("a non-null branch");
            return instance(doc, branch, depth + 1);
        }
    }
    let ty = match schema.get("type") {
        Some(Value::Array(types)) => types.iter().find(|t| *t != "null").cloned().unwrap_or(Value::Null),
        Some(t) => t.clone(),
        None if schema.get("properties").is_some() => json!("object"),
        None => Value::Null,
    };
    match ty.as_str() {
        Some("object") => {
            match schema.get("properties").and_then(Value::as_object) {
                Some(props) => Value::Object(
                    props.iter().map(|(k, v)| (k.clone(), instance(doc, v, depth + 1))).collect(),
                ),
                // A map: one entry (an empty one may be left out when written back).
                None => json!({"key": "value"}),
            }
        }
        Some("array") => json!([instance(doc, schema.get("items").unwrap_or(&json!({})), depth + 1)]),
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => json!("2026-01-15T12:00:00Z"),
            _ => json!("text"),
        },
        Some("integer") => json!(7),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        _ => json!({"key": "value"}),
    }
}

#[test]
fn every_event_of_the_document_decodes_into_its_typed_variant() {
    let doc = document();
    let events = &doc["components"]["schemas"]["EventSchema"];
    let parts = events["allOf"].as_array().expect("EventSchema is allOf(shared fields, oneOf events)");
    let shared: Vec<&Value> = parts.iter().filter(|p| resolve(&doc, p).get("oneOf").is_none()).collect();
    let union = parts.iter().map(|p| resolve(&doc, p)).find(|p| p.get("oneOf").is_some()).expect("the union");
    let branches = union["oneOf"].as_array().expect("branches");
    assert!(branches.len() >= 90, "{} events", branches.len());
    let mut decoded = 0;
    for branch in branches {
        let mut value = Map::new();
        for part in shared.iter().copied().chain(std::iter::once(branch)) {
            if let Value::Object(fields) = instance(&doc, part, 0) {
                value.extend(fields);
            }
        }
        let value = Value::Object(value);
        let name = value["event"].as_str().expect("an event name").to_owned();
        let event: workos_api::Event = serde_json::from_value(value.clone())
            .unwrap_or_else(|e| panic!("`{name}` does not decode: {e}\n{value:#}"));
        assert!(!matches!(event, workos_api::Event::Unknown(_)), "`{name}` decoded as Unknown");
        assert_eq!(event.event_name(), name);
        let written = serde_json::to_value(&event).expect("serializes");
        assert_eq!(written["event"], name);
        assert_eq!(
            written["data"].as_object().map(Map::len),
            value["data"].as_object().map(Map::len),
            "`{name}`: data fields kept"
        );
        let again: workos_api::Event = serde_json::from_value(written.clone()).expect("decodes again");
        assert_eq!(again, event, "`{name}` survives a round trip");
        // WorkOS's documented payloads leave the constant `object` out: the same typed event,
        // written back with it.
        assert_eq!(value["object"], "event", "`{name}`: the document's envelope has `object`");
        let mut documented = value.clone();
        documented.as_object_mut().expect("an object").remove("object");
        let without: workos_api::Event = serde_json::from_value(documented.clone())
            .unwrap_or_else(|e| panic!("`{name}` without `object` does not decode: {e}\n{documented:#}"));
        assert_eq!(without, event, "`{name}` without `object`");
        assert_eq!(serde_json::to_value(&without).expect("serializes"), written);
        decoded += 1;
    }
    assert_eq!(decoded, branches.len());
}

#[test]
fn an_unknown_event_keeps_its_json() {
    let raw = json!({"id": "event_9", "object": "event", "event": "brand_new.thing", "data": {"x": 1}, "created_at": "2026-01-15T12:00:00Z"});
    let event: workos_api::Event = serde_json::from_value(raw.clone()).expect("decodes");
    assert!(matches!(&event, workos_api::Event::Unknown(v) if *v == raw));
    assert_eq!(event.event_name(), "brand_new.thing");
    assert_eq!(serde_json::to_value(&event).expect("serializes"), raw);
}
