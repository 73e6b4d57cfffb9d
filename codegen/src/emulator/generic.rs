//! The emulator's generic table, `emulator/src/emitted/generic.json`: for every operation of the
//! document, how the emulator answers it when it has no model for it yet (an operation of a
//! newer document, the day it arrives). The emulator serves such an operation from this table:
//! a create stores the body as a record with an id and timestamps, a get, update or delete finds
//! the record by id (404 otherwise), a list pages its collection, an action on a record answers
//! with it. Which kind an operation is, where its records live and what a record is called come
//! from the document's method, path and schemas, here, so the emulator needs no document.

use serde_json::{Map, Value, json};

use crate::openapi::{escape_token, operation_key, operations_of, resolve, single_value};

/// Where the table goes, relative to the emulator crate.
pub const PATH: &str = "src/emitted/generic.json";

/// `{"POST /agents/blueprints": ENTRY}`, where ENTRY is
/// `{"kind", "status", "collection", "object"?, "prefix", "required"?, "properties"?}`:
///
/// - `kind`: `create`, `get`, `list`, `update`, `delete` (of a record by the id that ends the
///   path), `put` / `fetch` / `remove` (of the one record a path names, its singleton),
///   `action` (on the record whose id ends the path without its last segment) or `answer` (no
///   record: the document's required fields);
/// - `status`: the success status, `body`: whether it has a JSON body;
/// - `collection`: the path template of the records' collection (parameters by position);
/// - `object`, `prefix`: the record's `object` constant and id prefix;
/// - `required`: the request body's required top-level fields (a 422 names a missing one);
/// - `properties`: the response record's property names (a stored record is answered with
///   those only);
/// - `timestamps`: the record's required date-time properties, which a create sets (an
///   `expires_at` an hour ahead, the others now);
/// - `email`: for an action that sends or invites, the kind of email it sends (the record's
///   `object`) to the record's `email`;
/// - `sets`: what an action does to its record, read from the verb and the record's schema:
///   `approve` sets a `state` (or `status`) that allows `approved` to it, and an `approved_at`
///   the record has to the time (`true`).
pub fn table(doc: &Value) -> Value {
    let paths = Paths(doc);
    let mut out = Map::new();
    for (method, path, _, op) in operations_of(doc) {
        let Some((status, schema)) = crate::examples::success(doc, op) else { continue };
        let record = schema.map(|s| record_schema(doc, s));
        let is_list = schema.is_some_and(|s| is_list(doc, s));
        let segments: Vec<&str> = path.split('/').collect();
        let parent = segments[..segments.len() - 1].join("/");
        let kind = paths.kind(method, path, &parent, &record, is_list);
        let collection = match kind {
            "get" | "delete" | "update" => parent.clone(),
            "action" => parent.rsplit_once('/').map(|(c, _)| c.to_owned()).unwrap_or_default(),
            _ => path.to_owned(),
        };
        let mut entry = Map::new();
        entry.insert("kind".into(), json!(kind));
        entry.insert("status".into(), json!(status));
        entry.insert("body".into(), json!(schema.is_some()));
        entry.insert("collection".into(), json!(collection));
        if let Some(record) = &record {
            describe_record(doc, record, schema, &mut entry);
        }
        if kind == "action" {
            paths.describe_action(&parent, segments.last().copied(), &record, &mut entry);
        }
        let required = request_required(doc, op);
        if !required.is_empty() {
            entry.insert("required".into(), json!(required));
        }
        out.insert(operation_key(method, path), Value::Object(entry));
    }
    Value::Object(out)
}

/// The paths of a document, as the table reads them.
struct Paths<'v>(&'v Value);

impl Paths<'_> {
    /// Whether the document has `method path`.
    fn has(&self, method: &str, path: &str) -> bool {
        self.0.pointer(&format!("/paths/{}/{method}", escape_token(path))).is_some()
    }

    /// Whether a `GET` of `path` answers a list.
    fn lists(&self, path: &str) -> bool {
        let get = self.0.pointer(&format!("/paths/{}/get", escape_token(path)));
        get.and_then(|op| crate::examples::success(self.0, op))
            .and_then(|(_, s)| s)
            .is_some_and(|s| is_list(self.0, s))
    }

    /// The `object` of the record the first of `methods` on `path` answers.
    fn answered(&self, path: &str, methods: &[&str]) -> Option<String> {
        let op =
            methods.iter().find_map(|m| self.0.pointer(&format!("/paths/{}/{m}", escape_token(path))))?;
        let (_, schema) = crate::examples::success(self.0, op)?;
        record_object(&Some(record_schema(self.0, schema?)))
    }

    /// The `object` of the record at a record's path (what reading or changing it answers), or
    /// else what its collection's create or list answers (a record only deleted by id).
    fn kind_at(&self, path: &str) -> Option<String> {
        self.answered(path, &["get", "patch", "put"]).or_else(|| {
            path.rsplit_once('/').and_then(|(collection, _)| self.answered(collection, &["post", "get"]))
        })
    }

    /// The kind of `method path` (see [`table`]); `parent` is the path without its last segment.
    fn kind(
        &self,
        method: &str,
        path: &str,
        parent: &str,
        record: &Option<Map<String, Value>>,
        is_list: bool,
    ) -> &'static str {
        let ends_in_param = path.rsplit('/').next().is_some_and(|s| s.starts_with('{'));
        let has_id = record.as_ref().is_some_and(|r| r.get("id").is_some());
        match (method, ends_in_param) {
            ("get", true) => "get",
            ("get", false) if is_list => "list",
            ("get", false) => "fetch",
            ("delete", true) => "delete",
            ("delete", false) => "remove",
            ("put" | "patch", true) => "update",
            ("put" | "patch", false) => "put",
            ("post", true) => "put",
            // A POST beside a GET of one record (an SP signing certificate): it sets that record.
            ("post", false) if self.has("get", path) && !self.lists(path) => "put",
            // A POST on a record's path: an action on it (revoke, approve, invite), unless it
            // answers a record of another kind, which it creates (a waitlist's entries).
            // (A record's path: an operation reads, changes or deletes it, or its collection has a
            // create: a passwordless session's `send`.)
            ("post", false)
                if parent.ends_with('}')
                    && (["get", "patch", "put", "delete"].iter().any(|m| self.has(m, parent))
                        || parent
                            .rsplit_once('/')
                            .is_some_and(|(collection, _)| self.has("post", collection)))
                    && !(has_id
                        && self.kind_at(parent).is_some_and(|o| record_object(record) != Some(o))) =>
            {
                "action"
            }
            ("post", false) if has_id => "create",
            _ => "answer",
        }
    }

    /// An action's `email` and `sets` (see [`table`]): `verb` is its path's last segment.
    fn describe_action(
        &self,
        parent: &str,
        verb: Option<&str>,
        record: &Option<Map<String, Value>>,
        entry: &mut Map<String, Value>,
    ) {
        // Sending or inviting: WorkOS emails the record's address; the emulator's outbox gets
        // it, as the kind of record it is.
        if verb.is_some_and(|verb| matches!(verb, "send" | "invite" | "resend"))
            && let Some(object) = self.kind_at(parent)
        {
            entry.insert("email".into(), json!(object));
        }
        if let (Some(record), Some(verb)) = (record, verb) {
            let sets = action_effects(self.0, record, verb);
            if !sets.is_empty() {
                entry.insert("sets".into(), Value::Object(sets));
            }
        }
    }
}

/// A record's `object`, `prefix`, `properties` and `timestamps` (see [`table`]).
fn describe_record(
    doc: &Value,
    record: &Map<String, Value>,
    schema: Option<&Value>,
    entry: &mut Map<String, Value>,
) {
    if let Some(object) = record.get("object").and_then(single_value).and_then(Value::as_str) {
        entry.insert("object".into(), json!(object));
    }
    entry.insert("prefix".into(), json!(prefix(record)));
    entry.insert("properties".into(), json!(record.keys().collect::<Vec<_>>()));
    let timestamps = timestamps(doc, schema);
    if !timestamps.is_empty() {
        entry.insert("timestamps".into(), json!(timestamps));
    }
}

/// The properties of an object schema, through `$ref` and `allOf` (and the first branch of a
/// union, whose shared fields a record has).
fn properties(doc: &Value, schema: &Value, out: &mut Map<String, Value>, depth: usize) {
    let schema = resolve(doc, schema);
    for (k, v) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
        out.entry(k.clone()).or_insert_with(|| v.clone());
    }
    if depth > 6 {
        return;
    }
    for member in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        properties(doc, member, out, depth + 1);
    }
    let first = ["oneOf", "anyOf"].iter().find_map(|k| schema.get(*k)).and_then(|b| b.get(0));
    if let Some(first) = first {
        properties(doc, first, out, depth + 1);
    }
}

/// A list answer (`data` is an array): its item's properties; otherwise the answer's.
fn record_schema(doc: &Value, schema: &Value) -> Map<String, Value> {
    let mut props = Map::new();
    properties(doc, schema, &mut props, 0);
    if let Some(items) = props.get("data").map(|d| resolve(doc, d)).and_then(|d| d.get("items")) {
        let mut item = Map::new();
        properties(doc, items, &mut item, 0);
        return item;
    }
    props
}

fn is_list(doc: &Value, schema: &Value) -> bool {
    let mut props = Map::new();
    properties(doc, schema, &mut props, 0);
    props.get("data").map(|d| resolve(doc, d)).is_some_and(|d| d.get("items").is_some())
}

/// The required, non-nullable date-time properties of the record an answer carries.
fn timestamps(doc: &Value, schema: Option<&Value>) -> Vec<String> {
    let Some(schema) = schema else { return Vec::new() };
    let mut required: Vec<String> = Vec::new();
    let mut collect = |s: &Value| {
        let s = resolve(doc, s);
        for r in s.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            required.push(r.to_owned());
        }
    };
    let schema = resolve(doc, schema);
    let item = schema.pointer("/properties/data/items").filter(|_| is_list(doc, schema)).unwrap_or(schema);
    collect(item);
    for member in resolve(doc, item).get("allOf").and_then(Value::as_array).into_iter().flatten() {
        collect(member);
    }
    let record = record_schema(doc, schema);
    record
        .iter()
        .filter(|(name, prop)| {
            let prop = resolve(doc, prop);
            required.contains(name)
                && prop.get("format") == Some(&json!("date-time"))
                && prop.get("type") == Some(&json!("string"))
        })
        .map(|(name, _)| name.clone())
        .filter(|name| name != "created_at" && name != "updated_at")
        .collect()
}

/// What the action `verb` (`approve`, `deny`, `revoke`) does to a record of `record`'s shape: its
/// `state` or `status` becomes the verb's past participle when the schema allows that value,
/// and the matching `<participle>_at` timestamp is set.
fn action_effects(doc: &Value, record: &Map<String, Value>, verb: &str) -> Map<String, Value> {
    let participle = if let Some(stem) = verb.strip_suffix('y') {
        format!("{stem}ied")
    } else if verb.ends_with('e') {
        format!("{verb}d")
    } else {
        format!("{verb}ed")
    };
    let mut sets = Map::new();
    for field in ["state", "status"] {
        let allowed = record
            .get(field)
            .map(|p| resolve(doc, p))
            .and_then(|p| p.get("enum"))
            .and_then(Value::as_array)
            .is_some_and(|values| values.iter().any(|v| v == participle.as_str()));
        if allowed {
            sets.insert(field.to_owned(), json!(participle));
        }
    }
    let stamp = format!("{participle}_at");
    if !sets.is_empty() && record.contains_key(&stamp) {
        sets.insert(stamp, json!(true));
    }
    sets
}

/// A record's `object` constant.
fn record_object(record: &Option<Map<String, Value>>) -> Option<String> {
    record.as_ref()?.get("object").and_then(single_value).and_then(Value::as_str).map(str::to_owned)
}

/// The id prefix of a record: its `id` example's (`agent_blueprint_01H...` -> `agent_blueprint`),
/// else its `object`.
fn prefix(record: &Map<String, Value>) -> String {
    let example = record.get("id").and_then(|id| id.get("example")).and_then(Value::as_str);
    if let Some((prefix, ulid)) = example.and_then(|e| e.rsplit_once('_'))
        && ulid.len() >= 20
    {
        return prefix.to_owned();
    }
    record.get("object").and_then(single_value).and_then(Value::as_str).unwrap_or("rec").to_owned()
}

/// The required top-level fields of an operation's JSON request body.
fn request_required(doc: &Value, op: &Value) -> Vec<String> {
    let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") else { return Vec::new() };
    let schema = resolve(doc, schema);
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: &Value| {
        for r in resolve(doc, s).get("required").and_then(Value::as_array).into_iter().flatten() {
            if let Some(r) = r.as_str().filter(|r| !out.iter().any(|o| o == r)) {
                out.push(r.to_owned());
            }
        }
    };
    add(schema);
    for member in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        add(member);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_get_their_kind_collection_and_record_name() {
        let record = json!({"type": "object", "required": ["id", "object"], "properties": {
            "object": {"type": "string", "const": "blueprint"},
            "id": {"type": "string", "example": "agent_blueprint_01HXYZ123456789ABCDEFGHIJ"},
            "name": {"type": "string"},
            "status": {"type": "string", "enum": ["active", "revoked"]},
            "revoked_at": {"type": ["string", "null"], "format": "date-time"}}});
        let list = json!({"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/B"}}}});
        let ok = |schema: Value| json!({"200": {"content": {"application/json": {"schema": schema}}}});
        let doc = json!({"paths": {
            "/blueprints": {
                "get": {"responses": ok(list)},
                "post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["name"]}}}},
                         "responses": {"201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/B"}}}}}}
            },
            "/blueprints/{id}": {"get": {"responses": ok(json!({"$ref": "#/components/schemas/B"}))},
                                 "delete": {"responses": {"204": {"description": "gone"}}}},
            "/blueprints/{id}/revoke": {"post": {"responses": ok(json!({"$ref": "#/components/schemas/B"}))}},
            "/blueprints/{id}/invite": {"post": {"responses": {"204": {"description": "sent"}}}},
            "/finish": {"post": {"responses": ok(json!({"type": "object", "properties": {"ok": {"type": "boolean"}}}))}}
        }, "components": {"schemas": {"B": record}}});
        let table = table(&doc);
        let kind = |key: &str| table[key]["kind"].as_str().unwrap().to_owned();
        assert_eq!(
            [
                "GET /blueprints",
                "POST /blueprints",
                "GET /blueprints/{id}",
                "DELETE /blueprints/{id}",
                "POST /blueprints/{id}/revoke",
                "POST /finish"
            ]
            .map(kind),
            ["list", "create", "get", "delete", "action", "answer"]
        );
        let create = &table["POST /blueprints"];
        assert_eq!(create["status"], 201);
        assert_eq!(create["collection"], "/blueprints");
        assert_eq!(create["object"], "blueprint");
        assert_eq!(create["prefix"], "agent_blueprint");
        assert_eq!(create["required"], json!(["name"]));
        assert_eq!(table["GET /blueprints/{id}"]["collection"], "/blueprints");
        assert_eq!(table["POST /blueprints/{id}/revoke"]["collection"], "/blueprints");
        assert_eq!(
            table["POST /blueprints/{id}/revoke"]["sets"],
            json!({"status": "revoked", "revoked_at": true})
        );
        let invite = &table["POST /blueprints/{id}/invite"];
        assert_eq!(
            (invite["kind"].as_str(), invite["email"].as_str()),
            (Some("action"), Some("blueprint")),
            "an invitation is emailed, as the kind of record it is"
        );
        assert_eq!(table["DELETE /blueprints/{id}"]["body"], false);
        assert_eq!(
            table["GET /blueprints"]["properties"],
            json!(["object", "id", "name", "status", "revoked_at"])
        );
    }
}
