//! Records of the operations the emulator has no model for yet, served from the document
//! (`src/emitted/generic.json`, written by `cargo xtask codegen`; see
//! `workos_codegen::emulator::generic`): the operations WorkOS's SDKs ship that the emulator does
//! not model, and every operation a newer document adds, from the day it arrives.
//!
//! A create stores the request body as a record with an id (the document's prefix), its
//! `object` and timestamps; a get, update or delete finds the record by id, whatever path it was
//! created under (a waitlist entry is created under its waitlist and approved under
//! `/waitlist_entries`); a list pages a collection; a path that names one record (an SP signing
//! certificate) holds at most one. An unknown id is WorkOS's 404. What the records mean is not
//! modelled: that is what a model, written later, adds.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::{IdGen, now};

/// How the emulator answers one operation it has no model for.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct GenericOp {
    /// What the operation does (see [`Kind`]).
    pub(crate) kind: Kind,
    /// The success status.
    pub(crate) status: u16,
    /// Whether the success has a JSON body.
    pub(crate) body: bool,
    /// The path template of the records' collection (or of the one record, for a singleton).
    pub(crate) collection: String,
    /// The records' `object` constant.
    #[serde(default)]
    pub(crate) object: Option<String>,
    /// The records' id prefix.
    #[serde(default)]
    pub(crate) prefix: Option<String>,
    /// The request body's required fields.
    #[serde(default)]
    pub(crate) required: Vec<String>,
    /// The answer's property names.
    #[serde(default)]
    pub(crate) properties: Vec<String>,
    /// The record's required timestamps besides `created_at` and `updated_at`, set on create.
    #[serde(default)]
    pub(crate) timestamps: Vec<String>,
    /// What an action sets on its record: values, and `true` for a timestamp set to now.
    #[serde(default)]
    pub(crate) sets: Map<String, Value>,
    /// For an action that sends or invites: the kind of email it sends to the record's `email`.
    #[serde(default)]
    pub(crate) email: Option<String>,
}

/// What a generically served operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Kind {
    /// Stores the body as a new record of the collection.
    Create,
    /// The record whose id ends the path.
    Get,
    /// A page of the collection.
    List,
    /// Merges the body into the record whose id ends the path.
    Update,
    /// Removes the record whose id ends the path.
    Delete,
    /// Stores the body as the one record the path names.
    Put,
    /// The one record the path names.
    Fetch,
    /// Removes the one record the path names.
    Remove,
    /// Something done to the record whose id precedes the last segment.
    Action,
    /// No record: the document's required fields.
    Answer,
}

/// Every operation of the pinned document, by `METHOD /path`.
pub(crate) static TABLE: LazyLock<BTreeMap<String, GenericOp>> = LazyLock::new(|| {
    // The file is generated and checked by `codegen --check`; a broken one fails loudly.
    serde_json::from_str(include_str!("../emitted/generic.json")).expect("src/emitted/generic.json is valid")
});

/// One stored record and the collection it belongs to (its template with the path's values).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Stored {
    /// The concrete collection path (`/organizations/org_01/it_contacts`).
    pub(crate) collection: String,
    /// Whether it is the one record of its path (a singleton).
    #[serde(default)]
    pub(crate) singleton: bool,
    /// The record as answered.
    pub(crate) record: Map<String, Value>,
}

/// The records of every generically served operation, by id.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct GenericRecords {
    pub(crate) by_id: HashMap<String, Stored>,
}

impl GenericRecords {
    /// Stores `fields` as a new record of `collection`: an id with `prefix`, `object`, and
    /// `created_at` / `updated_at` now.
    pub(crate) fn create(
        &mut self,
        ids: &mut IdGen,
        collection: &str,
        object: Option<&str>,
        prefix: &str,
        fields: Map<String, Value>,
        singleton: bool,
    ) -> Map<String, Value> {
        let at = now();
        let mut record = fields;
        let id = ids.next(prefix);
        record.insert("id".into(), Value::String(id.clone()));
        if let Some(object) = object {
            record.insert("object".into(), Value::String(object.to_owned()));
        }
        record.insert("created_at".into(), Value::String(at.clone()));
        record.insert("updated_at".into(), Value::String(at));
        self.by_id
            .insert(id, Stored { collection: collection.to_owned(), singleton, record: record.clone() });
        record
    }

    /// The record with `id` (of `object`, when given); WorkOS's 404 otherwise.
    pub(crate) fn get(&self, id: &str, object: Option<&str>) -> ApiResult<&Map<String, Value>> {
        self.by_id
            .get(id)
            .map(|s| &s.record)
            .filter(|r| object.is_none_or(|o| r.get("object").and_then(Value::as_str).is_none_or(|x| x == o)))
            .ok_or_else(|| ApiError::not_found(object.unwrap_or("Record"), id))
    }

    /// Merges `fields` into the record with `id` (its id, object and creation time stay).
    pub(crate) fn update(
        &mut self,
        id: &str,
        object: Option<&str>,
        fields: Map<String, Value>,
    ) -> ApiResult<Map<String, Value>> {
        self.get(id, object)?;
        let stored = self.by_id.get_mut(id).expect("checked above");
        for (k, v) in fields {
            if !matches!(k.as_str(), "id" | "object" | "created_at") {
                stored.record.insert(k, v);
            }
        }
        stored.record.insert("updated_at".into(), Value::String(now()));
        Ok(stored.record.clone())
    }

    /// Removes the record with `id`.
    pub(crate) fn delete(&mut self, id: &str, object: Option<&str>) -> ApiResult<Map<String, Value>> {
        self.get(id, object)?;
        Ok(self.by_id.remove(id).expect("checked above").record)
    }

    /// The one record stored at `path`.
    pub(crate) fn singleton(&self, path: &str) -> Option<&Map<String, Value>> {
        self.by_id.values().find(|s| s.singleton && s.collection == path).map(|s| &s.record)
    }

    /// Replaces the one record at `path` with `fields` (a new id), or stores the first.
    pub(crate) fn put(
        &mut self,
        ids: &mut IdGen,
        path: &str,
        object: Option<&str>,
        prefix: &str,
        fields: Map<String, Value>,
    ) -> Map<String, Value> {
        let previous =
            self.singleton(path).and_then(|r| r.get("id")).and_then(Value::as_str).map(str::to_owned);
        let created_at = previous
            .as_ref()
            .and_then(|id| self.by_id.remove(id))
            .and_then(|s| s.record.get("created_at").cloned());
        let mut record = self.create(ids, path, object, prefix, fields, true);
        if let (Some(at), Some(id)) =
            (created_at, record.get("id").and_then(Value::as_str).map(str::to_owned))
        {
            record.insert("created_at".into(), at.clone());
            if let Some(s) = self.by_id.get_mut(&id) {
                s.record.insert("created_at".into(), at);
            }
        }
        record
    }

    /// The records of `collection`, by id.
    pub(crate) fn list(&self, collection: &str) -> Vec<&Map<String, Value>> {
        let mut out: Vec<&Stored> =
            self.by_id.values().filter(|s| !s.singleton && s.collection == collection).collect();
        out.sort_by(|a, b| record_id(&a.record).cmp(record_id(&b.record)));
        out.into_iter().map(|s| &s.record).collect()
    }
}

/// Stores a seeded record in the collection at `path`, named as the document's operations that
/// read that collection name its records.
pub(crate) fn seed(
    store: &mut crate::model::Store,
    path: &str,
    fields: Map<String, Value>,
) -> ApiResult<Map<String, Value>> {
    let reads = TABLE
        .values()
        .find(|op| matches!(op.kind, Kind::Get | Kind::List) && matches_template(&op.collection, path));
    let op = reads.ok_or_else(|| {
        ApiError::unprocessable(
            "unknown_collection",
            format!("no operation served from the document reads records at {path}"),
        )
    })?;
    let prefix = op.prefix.as_deref().unwrap_or("rec");
    Ok(store.generic.create(&mut store.ids, path, op.object.as_deref(), prefix, fields, false))
}

/// Whether the concrete `path` is an instance of `template`.
fn matches_template(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len() && t.iter().zip(&p).all(|(a, b)| a.starts_with('{') || a == b)
}

/// A record's id.
pub(crate) fn record_id(record: &Map<String, Value>) -> &str {
    record.get("id").and_then(Value::as_str).unwrap_or_default()
}

/// `template` with its parameters replaced by `values`, in order (`/organizations/{id}/x` and
/// `["org_01"]` -> `/organizations/org_01/x`).
pub(crate) fn concrete(template: &str, values: &[String]) -> String {
    let mut values = values.iter();
    template
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                values.next().cloned().unwrap_or_default()
            } else {
                segment.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// `fields` with the record's required timestamps it lacks: an `expires_at` (or `expires_…`) an
/// hour from now, the others now.
pub(crate) fn with_timestamps(op: &GenericOp, mut fields: Map<String, Value>) -> Map<String, Value> {
    for name in &op.timestamps {
        if !fields.contains_key(name) {
            let at = if name.starts_with("expires") { crate::model::ids::in_minutes(60) } else { now() };
            fields.insert(name.clone(), Value::String(at));
        }
    }
    fields
}

/// The fields an action sets on its record (`state: approved`, `approved_at` now).
pub(crate) fn effects(op: &GenericOp) -> Map<String, Value> {
    let at = now();
    op.sets
        .iter()
        .map(|(k, v)| {
            (k.clone(), if *v == Value::Bool(true) { Value::String(at.clone()) } else { v.clone() })
        })
        .collect()
}

/// The request body's fields, or a 422 naming the first required one that is missing.
pub(crate) fn fields(op: &GenericOp, body: &[u8]) -> ApiResult<Map<String, Value>> {
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        crate::model::error::parse_body(body)?
    };
    let Value::Object(fields) = value else {
        return Err(ApiError::unprocessable(
            "invalid_request_body",
            "The request body must be a JSON object.",
        ));
    };
    if let Some(missing) = op.required.iter().find(|r| fields.get(*r).is_none_or(Value::is_null)) {
        return Err(ApiError::invalid_field(missing, "required", format!("{missing} is required.")));
    }
    Ok(fields)
}

/// `record` with only the properties the answer has.
pub(crate) fn answer(op: &GenericOp, record: &Map<String, Value>) -> Value {
    if op.properties.is_empty() {
        return Value::Object(record.clone());
    }
    Value::Object(
        record
            .iter()
            .filter(|(k, _)| op.properties.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn records_are_created_found_by_id_anywhere_updated_and_deleted() {
        let (mut records, mut ids) = (GenericRecords::default(), IdGen::default());
        let entry = records.create(
            &mut ids,
            "/waitlists/wl_1/entries",
            Some("waitlist_entry"),
            "waitlist_entry",
            fields(json!({"email": "a@b.c"})),
            false,
        );
        let id = record_id(&entry).to_owned();
        assert!(id.starts_with("waitlist_entry_"));
        assert_eq!(entry["object"], "waitlist_entry");
        assert_eq!(records.list("/waitlists/wl_1/entries").len(), 1);
        assert!(records.list("/waitlists/wl_2/entries").is_empty());
        assert_eq!(records.get(&id, Some("waitlist_entry")).unwrap()["email"], "a@b.c");
        assert_eq!(records.get(&id, Some("team")).unwrap_err().status, http::StatusCode::NOT_FOUND);
        let updated =
            records.update(&id, None, fields(json!({"state": "approved", "id": "forged"}))).unwrap();
        assert_eq!((updated["state"].as_str(), record_id(&updated)), (Some("approved"), id.as_str()));
        records.delete(&id, None).unwrap();
        assert_eq!(records.get(&id, None).unwrap_err().status, http::StatusCode::NOT_FOUND);
    }

    #[test]
    fn a_singleton_path_holds_one_record() {
        let (mut records, mut ids) = (GenericRecords::default(), IdGen::default());
        let first =
            records.put(&mut ids, "/connections/c1/cert", Some("cert"), "cert", fields(json!({"v": 1})));
        let second =
            records.put(&mut ids, "/connections/c1/cert", Some("cert"), "cert", fields(json!({"v": 2})));
        assert_ne!(record_id(&first), record_id(&second));
        assert_eq!(second["created_at"], first["created_at"]);
        assert_eq!(records.singleton("/connections/c1/cert").unwrap()["v"], 2);
        assert!(records.list("/connections/c1/cert").is_empty(), "a singleton is not listed");
        assert_eq!(records.by_id.len(), 1);
    }

    #[test]
    fn paths_are_filled_in_order_and_bodies_checked() {
        assert_eq!(
            concrete("/organizations/{organization_id}/it_contacts/{id}", &["org_1".into(), "c".into()]),
            "/organizations/org_1/it_contacts/c"
        );
        let op = GenericOp {
            kind: Kind::Create,
            status: 201,
            body: true,
            collection: "/x".into(),
            object: None,
            prefix: None,
            required: vec!["email".into()],
            properties: vec!["id".into(), "email".into()],
            timestamps: vec!["expires_at".into()],
            sets: Map::new(),
            email: None,
        };
        let e = super::fields(&op, br#"{"name": "n"}"#).unwrap_err();
        assert_eq!(e.status, http::StatusCode::UNPROCESSABLE_ENTITY);
        let given = super::fields(&op, br#"{"email": "e"}"#).unwrap();
        let stamped = with_timestamps(&op, given);
        assert!(stamped["expires_at"].as_str().unwrap() > now().as_str(), "an hour ahead");
        let shown = answer(&op, &fields(json!({"id": "1", "email": "e", "secret": "s"})));
        assert_eq!(shown, json!({"id": "1", "email": "e"}), "only the answer's properties");
    }
}
