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

use crate::model::Store;
use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::{IdGen, now};
use crate::model::list::Query;

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

impl Kind {
    /// Whether the operation reads a request body: a JSON object (an empty body reads as `{}`).
    pub(crate) fn takes_body(self) -> bool {
        matches!(self, Self::Create | Self::Update | Self::Put | Self::Action | Self::Answer)
    }
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

/// A 422 naming the first of the operation's required body fields that `fields` lacks (or
/// gives as `null`).
pub(crate) fn check_required(op: &GenericOp, fields: &Map<String, Value>) -> ApiResult<()> {
    match op.required.iter().find(|r| fields.get(*r).is_none_or(Value::is_null)) {
        Some(missing) => Err(ApiError::invalid_field(missing, "required", format!("{missing} is required."))),
        None => Ok(()),
    }
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

/// Serving an operation from the table.
impl Store {
    /// Serves `op` at `path` (its template) with the request's path `values`, `query` (a list's
    /// paging) and body `fields` (for an operation that [takes a body](Kind::takes_body)): the
    /// record or page it answers, with only the answer's properties.
    pub(crate) fn serve_generic(
        &mut self,
        op: &'static GenericOp,
        path: &str,
        values: &[String],
        query: &Query,
        fields: Map<String, Value>,
    ) -> ApiResult<Value> {
        if op.kind.takes_body() {
            check_required(op, &fields)?;
        }
        if op.kind == Kind::Action {
            let record = self.generic_action(op, values)?;
            return Ok(answer(op, &record));
        }
        let Self { generic, ids, .. } = self;
        let collection = concrete(&op.collection, values);
        let here = concrete(path, values);
        let (object, prefix) = (op.object.as_deref(), op.prefix.as_deref().unwrap_or("rec"));
        let not_here = || ApiError::not_found(object.unwrap_or("Record"), &here);
        let record = match op.kind {
            Kind::List => return Ok(query.page(generic.list(&collection), |r| record_id(r))),
            Kind::Create => {
                let fields = with_timestamps(op, parents(op, &op.collection, values, fields));
                generic.create(ids, &collection, object, prefix, fields, false)
            }
            Kind::Get => generic.get(&generic.target(&here, values), object)?.clone(),
            Kind::Update => generic.update(&generic.target(&here, values), object, fields)?,
            Kind::Delete => generic.delete(&generic.target(&here, values), None)?,
            Kind::Put => {
                let fields = with_timestamps(op, parents(op, path, values, fields));
                generic.put(ids, &here, object, prefix, fields)
            }
            Kind::Fetch => generic.singleton(&here).cloned().ok_or_else(not_here)?,
            Kind::Remove => {
                let id = generic.singleton(&here).map(|r| record_id(r).to_owned()).ok_or_else(not_here)?;
                generic.delete(&id, None)?
            }
            // No record: the answer is the document's required fields, which the fill table adds.
            Kind::Answer | Kind::Action => Map::new(),
        };
        Ok(answer(op, &record))
    }

    /// Something done to the record whose id the path's last value is: what its verb sets
    /// (approve: `state: approved`, `approved_at`), and the email it sends (invite, send).
    /// Answers the record where the action answers one of its kind (revoke, approve);
    /// nothing otherwise (the document's required fields, which the fill table adds).
    fn generic_action(&mut self, op: &'static GenericOp, values: &[String]) -> ApiResult<Map<String, Value>> {
        let last = values.last().map(String::as_str).unwrap_or_default();
        let target = self.generic.get(last, None)?.clone();
        let target =
            if op.sets.is_empty() { target } else { self.generic.update(last, None, effects(op))? };
        if let (Some(kind), Some(to)) = (op.email.as_deref(), target.get("email").and_then(Value::as_str)) {
            let link = target.get("link").and_then(Value::as_str);
            self.send_email(to, kind, None, link);
        }
        let object = op.object.as_deref();
        let same_kind = object.is_some() && target.get("object").and_then(Value::as_str) == object;
        Ok(if same_kind { target } else { Map::new() })
    }
}

impl GenericRecords {
    /// The id a path that ends in a parameter names: the one record stored at the path (an
    /// organization's connected account of a provider, by the provider's slug), or the last
    /// value.
    fn target(&self, here: &str, values: &[String]) -> String {
        self.singleton(here)
            .map_or_else(|| values.last().cloned().unwrap_or_default(), |r| record_id(r).to_owned())
    }
}

/// `fields` with the path's parameters a record of `op` names (`organization_id`, or
/// `waitlist_id` for the `{id}` after `waitlists`).
fn parents(
    op: &GenericOp,
    template: &str,
    values: &[String],
    mut fields: Map<String, Value>,
) -> Map<String, Value> {
    let segments: Vec<&str> = template.split('/').collect();
    let mut values = values.iter();
    for (i, segment) in segments.iter().enumerate() {
        let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else { continue };
        let Some(value) = values.next() else { break };
        let previous = i.checked_sub(1).and_then(|j| segments.get(j)).copied().unwrap_or_default();
        let singular = previous.strip_suffix('s').unwrap_or(previous);
        let candidates = [name.to_owned(), snake(name), format!("{singular}_id")];
        // A record's own `id` is never its parent's.
        if let Some(property) = candidates.iter().find(|c| *c != "id" && op.properties.contains(c)) {
            fields.entry(property.clone()).or_insert_with(|| Value::String(value.clone()));
        }
    }
    fields
}

/// `organizationId` -> `organization_id`.
fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
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
        let e = check_required(&op, &fields(json!({"name": "n", "email": null}))).unwrap_err();
        assert_eq!((e.status, e.errors[0].field.as_str()), (http::StatusCode::UNPROCESSABLE_ENTITY, "email"));
        let given = fields(json!({"email": "e"}));
        check_required(&op, &given).expect("email is given");
        let stamped = with_timestamps(&op, given);
        assert!(stamped["expires_at"].as_str().unwrap() > now().as_str(), "an hour ahead");
        let shown = answer(&op, &fields(json!({"id": "1", "email": "e", "secret": "s"})));
        assert_eq!(shown, json!({"id": "1", "email": "e"}), "only the answer's properties");
    }

    /// Serves the table's operation `key` (`METHOD /template`) with path `values` and `body`.
    fn serve(store: &mut Store, key: &str, values: &[&str], body: Value) -> ApiResult<Value> {
        let op = TABLE.get(key).expect("an operation of the table");
        let path = key.split_once(' ').map(|(_, p)| p).unwrap_or_default();
        let values: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
        let query = Query::parse(Some("order=asc")).expect("query");
        store.serve_generic(op, path, &values, &query, fields(body))
    }

    const ENTRIES: &str = "/user_management/waitlists/{id}/entries";

    #[test]
    fn a_create_names_its_parent_and_is_listed_and_deleted() {
        let mut store = Store::default();
        let e = serve(&mut store, &format!("POST {ENTRIES}"), &["wl_1"], json!({})).unwrap_err();
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "email"));
        let made = serve(&mut store, &format!("POST {ENTRIES}"), &["wl_1"], json!({"email": "w@x.test"}))
            .expect("made");
        assert_eq!((&made["waitlist_id"], &made["object"]), (&json!("wl_1"), &json!("waitlist_entry")));
        let listed = serve(&mut store, &format!("GET {ENTRIES}"), &["wl_1"], json!({})).expect("listed");
        assert_eq!(listed["data"][0]["id"], made["id"]);
        let other = serve(&mut store, &format!("GET {ENTRIES}"), &["wl_2"], json!({})).expect("listed");
        assert_eq!(other["data"], json!([]));
        let id = made["id"].as_str().expect("id");
        let entry = "DELETE /user_management/waitlist_entries/{id}";
        serve(&mut store, entry, &[id], json!({})).expect("deleted");
        let e = serve(&mut store, entry, &[id], json!({})).unwrap_err();
        assert_eq!(e.message, format!("Record not found: '{id}'."));
    }

    #[test]
    fn an_action_sets_what_its_verb_says_and_answers_its_record() {
        let mut store = Store::default();
        let made = serve(&mut store, &format!("POST {ENTRIES}"), &["wl_1"], json!({"email": "w@x.test"}))
            .expect("made");
        let id = made["id"].as_str().expect("id");
        let approved =
            serve(&mut store, "POST /user_management/waitlist_entries/{id}/approve", &[id], json!({}));
        let approved = approved.expect("approved");
        assert_eq!((&approved["state"], &approved["id"]), (&json!("approved"), &made["id"]));
        assert!(approved["approved_at"].is_string(), "{approved}");
        let e =
            serve(&mut store, "POST /user_management/waitlist_entries/{id}/approve", &["missing"], json!({}));
        assert_eq!(e.unwrap_err().message, "Record not found: 'missing'.");
        assert!(store.outbox.is_empty(), "approving sends nothing");
    }

    #[test]
    fn an_invite_sends_its_email_and_answers_no_record() {
        let mut store = Store::default();
        let contacts = "/organizations/{organization_id}/it_contacts";
        let made = serve(&mut store, &format!("POST {contacts}"), &["org_1"], json!({"email": "it@x.test"}));
        let id = made.expect("made")["id"].as_str().expect("id").to_owned();
        let invite = format!("POST {contacts}/{{contact_id}}/invite");
        let e = serve(&mut store, &invite, &["org_1", &id], json!({})).unwrap_err();
        assert_eq!(e.errors[0].field, "intents");
        assert!(store.outbox.is_empty(), "no email for a refused invite");
        let answered =
            serve(&mut store, &invite, &["org_1", &id], json!({"intents": ["sso"]})).expect("invited");
        assert_eq!(answered, json!({}));
        let sent: Vec<(&str, &str)> = store.outbox.iter().map(|m| (m.to.as_str(), m.kind)).collect();
        assert_eq!(sent, [("it@x.test", "it_contact")]);
    }

    #[test]
    fn a_singleton_path_is_put_fetched_and_removed() {
        let mut store = Store::default();
        let at = "/data-integrations/{slug}/organization";
        let e = serve(&mut store, &format!("GET {at}"), &["zzz"], json!({})).unwrap_err();
        assert_eq!(e.message, "data_integration not found: '/data-integrations/zzz/organization'.");
        let put = serve(&mut store, &format!("PUT {at}"), &["zzz"], json!({"x": 1})).expect("put");
        assert_eq!(put["slug"], "zzz", "the path's parameter, named as the record names it");
        let got = serve(&mut store, &format!("GET {at}"), &["zzz"], json!({})).expect("fetched");
        assert_eq!(got["id"], put["id"]);
        serve(&mut store, &format!("DELETE {at}"), &["zzz"], json!({})).expect("removed");
        let e = serve(&mut store, &format!("DELETE {at}"), &["zzz"], json!({})).unwrap_err();
        assert_eq!(e.status.as_u16(), 404);
        assert!(Kind::Put.takes_body() && !Kind::Fetch.takes_body() && !Kind::List.takes_body());
    }
}
