//! Audit logs: actions and their schemas, events (with `Idempotency-Key` dedup), exports, and
//! each organization's configuration and retention.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::error::{ApiError, ApiResult, FieldError, non_empty, parse_body};
use super::ids::now;
use super::list::Query;
use super::*;

records!(
    AuditExport => "Audit log export",
);

/// Audit logs: actions with their schema versions, the events received, exports, and each
/// organization's retention.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct AuditLogs {
    /// Actions in creation (id) order.
    pub(crate) actions: Vec<AuditAction>,
    /// The newest events, at most [`MAX_EVENTS`].
    pub(crate) events: std::collections::VecDeque<AuditEvent>,
    /// `Idempotency-Key`s of `POST /audit_logs/events`: key, the request body's hash, when
    /// (seconds since the epoch). Newest last, at most [`MAX_KEYS`].
    pub(crate) idempotency: std::collections::VecDeque<(String, [u8; 32], u64)>,
    pub(crate) exports: super::table::Table<AuditExport>,
    /// Retention in days, by organization id (30 when not set).
    pub(crate) retention: BTreeMap<String, u32>,
}

/// `AuditLogActionJson`, with its schema versions (`AuditLogSchemaJson`, version `i + 1`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AuditAction {
    /// Internal: list cursors.
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) schemas: Vec<AuditSchema>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `AuditLogSchemaJson`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AuditSchema {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) actor: Option<Value>,
    pub(crate) targets: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) metadata: Option<Value>,
    pub(crate) created_at: String,
    /// Internal: list cursors.
    #[serde(default, skip_serializing_if = "crate::model::persist::answering")]
    pub(crate) id: String,
}

/// An audit log event as received, for exports.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AuditEvent {
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) event: Value,
}

/// `AuditLogExportJson`, and what it selects.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AuditExport {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) state: Name,
    pub(crate) url: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    /// The events it holds, as CSV.
    #[serde(default, skip_serializing_if = "crate::model::persist::answering")]
    pub(crate) csv: String,
}

/// How many audit log events the emulator keeps for exports (the oldest go first).
pub(crate) const MAX_EVENTS: usize = 10_000;

/// How many exports it keeps, with their CSV (the oldest go first: their URLs then answer 404).
pub(crate) const MAX_EXPORTS: usize = 100;

/// How many idempotency keys it remembers (the oldest go first), and for how long.
pub(crate) const MAX_KEYS: usize = 10_000;
const KEY_TTL_SECS: u64 = 24 * 60 * 60;

/// The retention an organization has until it is set, and the values it may be set to.
const DEFAULT_RETENTION: u32 = 30;
const RETENTIONS: [u32; 2] = [30, 365];

/// The body of `POST /audit_logs/actions/{actionName}/schemas`.
#[derive(Debug, Deserialize)]
pub(crate) struct CreateSchema {
    actor: Option<ActorSchema>,
    targets: Vec<TargetSchema>,
    metadata: Option<Value>,
}

#[derive(Debug, Deserialize, Serialize)]
struct ActorSchema {
    metadata: Value,
}

#[derive(Debug, Deserialize, Serialize)]
struct TargetSchema {
    #[serde(rename = "type")]
    kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
}

/// The body of `POST /audit_logs/events`: the parts of the event the rules read (the event is
/// kept as sent).
#[derive(Debug, Deserialize)]
pub(crate) struct CreateEvent {
    organization_id: String,
    event: EventFields,
}

#[derive(Debug, Deserialize)]
struct EventFields {
    action: String,
    occurred_at: String,
    actor: Entity,
    targets: Vec<Entity>,
    context: Context,
    metadata: Option<serde_json::Map<String, Value>>,
    version: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct Entity {
    id: String,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Debug, Deserialize)]
struct Context {
    location: String,
}

/// The body of `POST /audit_logs/exports`: an organization's events in a range, filtered.
#[derive(Debug, Deserialize)]
pub(crate) struct CreateExport {
    organization_id: String,
    range_start: String,
    range_end: String,
    #[serde(default)]
    actions: Vec<String>,
    #[serde(default)]
    actors: Vec<String>,
    #[serde(default)]
    actor_names: Vec<String>,
    #[serde(default)]
    actor_ids: Vec<String>,
    #[serde(default)]
    targets: Vec<String>,
}

/// The body of `PUT /organizations/{id}/audit_logs_retention`: the document's
/// `retention_period_in_days`, or the `retention_period` current SDKs send (`1_MONTH` to
/// `11_MONTHS`, `1_YEAR` to `10_YEARS`).
#[derive(Debug, Deserialize)]
struct SetRetention {
    retention_period_in_days: Option<u32>,
    retention_period: Option<String>,
}

impl SetRetention {
    /// The retention in days (a month counts 30, a year 365).
    fn days(&self) -> ApiResult<u32> {
        match (self.retention_period_in_days, &self.retention_period) {
            (Some(days), None) if RETENTIONS.contains(&days) => Ok(days),
            (Some(days), None) => Err(ApiError::invalid_field(
                "retention_period_in_days",
                "invalid",
                format!("retention_period_in_days must be 30 or 365, got {days}."),
            )),
            (None, Some(period)) => period_days(period).ok_or_else(|| {
                ApiError::invalid_field(
                    "retention_period",
                    "invalid",
                    format!(
                        "retention_period must be 1_MONTH to 11_MONTHS or 1_YEAR to 10_YEARS, got '{period}'."
                    ),
                )
            }),
            _ => Err(ApiError::invalid_field(
                "retention_period_in_days",
                "required",
                "Give retention_period_in_days (or retention_period), not both.",
            )),
        }
    }
}

/// The days of a `retention_period` (`3_MONTHS`), if it is one.
fn period_days(period: &str) -> Option<u32> {
    let (n, unit) = period.split_once('_')?;
    let n: u32 = n.parse().ok()?;
    match unit {
        "MONTH" if n == 1 => Some(30),
        "MONTHS" if (2..=11).contains(&n) => Some(30 * n),
        "YEAR" if n == 1 => Some(365),
        "YEARS" if (2..=10).contains(&n) => Some(365 * n),
        _ => None,
    }
}

/// `AuditLogActionJson`: an action with its newest schema.
#[derive(Debug, Serialize)]
struct ActionAnswer<'a> {
    object: &'static str,
    name: &'a str,
    schema: Option<&'a AuditSchema>,
    created_at: &'a str,
    updated_at: &'a str,
}

impl<'a> ActionAnswer<'a> {
    fn of(a: &'a AuditAction) -> Self {
        ActionAnswer {
            object: "audit_log_action",
            name: &a.name,
            schema: a.schemas.last(),
            created_at: &a.created_at,
            updated_at: &a.updated_at,
        }
    }
}

/// What `POST /audit_logs/events` answers.
#[derive(Debug, Serialize)]
pub(crate) struct Success {
    success: bool,
}

/// An organization's audit log configuration.
#[derive(Debug, Serialize)]
pub(crate) struct AuditConfiguration {
    organization_id: String,
    retention_period_in_days: u32,
    state: &'static str,
}

/// An organization's audit log retention.
#[derive(Debug, Serialize)]
pub(crate) struct Retention {
    retention_period_in_days: u32,
}

/// Action names look like `user.signed_in`: letters, digits, `_`, `-` and `.`.
fn check_action_name(name: &str) -> ApiResult<()> {
    let valid = !name.is_empty()
        && name.len() <= 100
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if valid {
        Ok(())
    } else {
        Err(ApiError::invalid_field("action", "invalid", format!("'{name}' is not a valid action name.")))
    }
}

/// The 400 `invalid_audit_log_event`, naming the invalid parts by JSON pointer.
fn invalid_event(problems: Vec<(String, String)>) -> ApiError {
    let mut e = ApiError::bad_request("invalid_audit_log_event", "Invalid Audit Log event.");
    e.errors = problems
        .into_iter()
        .map(|(path, message)| FieldError {
            field: path.trim_start_matches('/').replace('/', "."),
            code: "invalid",
            message,
            instance_path: Some(path),
        })
        .collect();
    e
}

/// An ISO 8601 date-time of an export's range, or the 400 `invalid_date_range`.
fn range_date(field: &str, value: &str) -> ApiResult<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(value).map_err(|_| {
        ApiError::bad_request(
            "invalid_date_range",
            format!("{field} must be an ISO 8601 date-time, got '{value}'."),
        )
    })
}

/// The header of an export's CSV.
const CSV_HEADER: &str = "id,action,occurred_at,actor_id,actor_type,actor_name,targets,location\n";

/// A CSV cell, quoted when it has to be.
fn csv_cell(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// An event's line of an export's CSV.
fn csv_row(e: &AuditEvent) -> String {
    let ev = &e.event;
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let targets: Vec<String> = ev["targets"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| format!("{}:{}", text(&t["type"]), text(&t["id"])))
        .collect();
    let cells = [
        e.id.clone(),
        text(&ev["action"]),
        text(&ev["occurred_at"]),
        text(&ev["actor"]["id"]),
        text(&ev["actor"]["type"]),
        text(&ev["actor"]["name"]),
        targets.join(" "),
        text(&ev["context"]["location"]),
    ];
    let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
    format!("{}\n", row.join(","))
}

impl CreateExport {
    /// Whether the export takes `e`: its organization's, in `range`, and of the actions,
    /// actors and target types it names (each list empty for any).
    fn picks(
        &self,
        e: &AuditEvent,
        range: &std::ops::RangeInclusive<chrono::DateTime<chrono::FixedOffset>>,
    ) -> bool {
        let ev = &e.event;
        let at = ev["occurred_at"].as_str().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
        let str_in = |list: &[String], v: &Value| {
            list.is_empty() || v.as_str().is_some_and(|v| list.iter().any(|x| x == v))
        };
        let names = || self.actor_names.iter().chain(&self.actors);
        let named =
            names().next().is_none() || ev["actor"]["name"].as_str().is_some_and(|n| names().any(|x| x == n));
        e.organization_id == self.organization_id
            && at.is_some_and(|at| range.contains(&at))
            && str_in(&self.actions, &ev["action"])
            && str_in(&self.actor_ids, &ev["actor"]["id"])
            && named
            && (self.targets.is_empty()
                || ev["targets"]
                    .as_array()
                    .is_some_and(|ts| ts.iter().any(|t| str_in(&self.targets, &t["type"]))))
    }
}

impl Store {
    /// The action named `name`, or WorkOS's 404.
    fn audit_action(&self, name: &str) -> ApiResult<&AuditAction> {
        self.audit
            .actions
            .iter()
            .find(|a| a.name == name)
            .ok_or_else(|| ApiError::not_found("Audit log action", name))
    }

    /// The page of actions `query` asks for, each with its newest schema.
    pub(crate) fn audit_actions_page(&self, query: &Query) -> Value {
        query.page_with(self.audit.actions.iter().collect(), |a| &a.id, ActionAnswer::of)
    }

    /// The page of the schema versions of action `action`.
    pub(crate) fn audit_schemas_page(&self, action: &str, query: &Query) -> ApiResult<Value> {
        Ok(query.page_sorted(&self.audit_action(action)?.schemas, |s| &s.id))
    }

    /// Adds a schema version to an action, creating the action on its first schema. The action
    /// name must look like `user.signed_in`, and each target have a type (422 otherwise).
    pub(crate) fn create_audit_schema(
        &mut self,
        action: &str,
        request: CreateSchema,
    ) -> ApiResult<AuditSchema> {
        check_action_name(action)?;
        for (i, target) in request.targets.iter().enumerate() {
            non_empty(&format!("targets[{i}].type"), &target.kind)?;
        }
        let at = now();
        let id = self.ids.next("audit_log_schema");
        let i = match self.audit.actions.iter().position(|a| a.name == action) {
            Some(i) => i,
            None => {
                let id = self.ids.next("audit_log_action");
                let (created_at, updated_at) = (at.clone(), at.clone());
                self.audit.actions.push(AuditAction {
                    id,
                    name: action.to_owned(),
                    schemas: Vec::new(),
                    created_at,
                    updated_at,
                });
                self.audit.actions.len() - 1
            }
        };
        let entry = &mut self.audit.actions[i];
        let schema = AuditSchema {
            object: "audit_log_schema",
            version: u32::try_from(entry.schemas.len()).unwrap_or(u32::MAX).saturating_add(1),
            actor: request.actor.map(|a| json!(a)),
            targets: request.targets.iter().map(|t| json!(t)).collect(),
            metadata: request.metadata,
            created_at: at.clone(),
            id,
        };
        entry.schemas.push(schema.clone());
        entry.updated_at = at;
        Ok(schema)
    }

    /// Checks an event against its action's schema (the requested version, else the newest):
    /// the target types must be the schema's. An action without a schema takes any event.
    fn check_audit_event(&self, event: &EventFields) -> ApiResult<()> {
        let mut problems = Vec::new();
        if chrono::DateTime::parse_from_rfc3339(&event.occurred_at).is_err() {
            problems
                .push(("/occurred_at".to_owned(), "occurred_at must be an ISO 8601 date-time.".to_owned()));
        }
        if event.metadata.as_ref().is_some_and(|m| m.len() > 50) {
            problems.push(("/metadata".to_owned(), "metadata has more than 50 keys.".to_owned()));
        }
        if let Some(action) = self.audit.actions.iter().find(|a| a.name == event.action) {
            let schema = match event.version {
                Some(v) => action.schemas.iter().find(|s| s.version == v),
                None => action.schemas.last(),
            };
            let Some(schema) = schema else {
                let version = event.version.unwrap_or(0);
                problems.push((
                    "/version".to_owned(),
                    format!("Action '{}' has no schema version {version}.", event.action),
                ));
                return Err(invalid_event(problems));
            };
            let allowed: Vec<&str> = schema.targets.iter().filter_map(|t| t["type"].as_str()).collect();
            for (i, t) in
                event.targets.iter().enumerate().filter(|(_, t)| !allowed.contains(&t.kind.as_str()))
            {
                problems.push((
                    format!("/targets/{i}/type"),
                    format!(
                        "Target type '{}' is not in the schema (allowed: {}).",
                        t.kind,
                        allowed.join(", ")
                    ),
                ));
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(invalid_event(problems)) }
    }

    /// Records an audit log event (`body` is the request as sent: the event is kept as it is,
    /// and an `idempotency_key` remembers its hash). With a key, the same request again within
    /// 24 hours is answered as the first was and records nothing; the same key with another
    /// body is a 400 `idempotency_key_reused`.
    pub(crate) fn record_audit_event(
        &mut self,
        request: CreateEvent,
        body: &[u8],
        idempotency_key: Option<String>,
    ) -> ApiResult<Success> {
        non_empty("event.action", &request.event.action)?;
        non_empty("event.actor.id", &request.event.actor.id)?;
        non_empty("event.context.location", &request.event.context.location)?;
        self.organization(&request.organization_id)?;
        let now_secs = super::ids::unix_now();
        let hash: [u8; 32] = Sha256::digest(body).into();
        let keys = &mut self.audit.idempotency;
        keys.retain(|(_, _, at)| now_secs.saturating_sub(*at) < KEY_TTL_SECS);
        if let Some(key) = &idempotency_key
            && let Some((_, seen, _)) = keys.iter().find(|(k, _, _)| k == key)
        {
            if *seen != hash {
                return Err(ApiError::bad_request(
                    "idempotency_key_reused",
                    format!(
                        "Idempotency-Key '{key}' was used with a different request body in the last 24 hours."
                    ),
                ));
            }
            return Ok(Success { success: true });
        }
        self.check_audit_event(&request.event)?;
        if let Some(key) = idempotency_key {
            push_back_bounded(&mut self.audit.idempotency, (key, hash, now_secs), MAX_KEYS);
        }
        let event = serde_json::from_slice::<Value>(body).map(|v| v["event"].clone()).unwrap_or(Value::Null);
        let id = self.ids.next("audit_log_event");
        let event = AuditEvent { id, organization_id: request.organization_id, event };
        push_back_bounded(&mut self.audit.events, event, MAX_EVENTS);
        Ok(Success { success: true })
    }

    /// Creates an export of the organization's events in the range, ready at once, its CSV
    /// served at `url_prefix` and the export's id. A range that is not two ISO 8601
    /// date-times in order is a 400 `invalid_date_range`.
    pub(crate) fn create_audit_export(
        &mut self,
        request: CreateExport,
        url_prefix: &str,
    ) -> ApiResult<AuditExport> {
        let start = range_date("range_start", &request.range_start)?;
        let end = range_date("range_end", &request.range_end)?;
        if start > end {
            return Err(ApiError::bad_request("invalid_date_range", "range_start is after range_end."));
        }
        self.organization(&request.organization_id)?;
        let range = start..=end;
        let mut csv = String::from(CSV_HEADER);
        csv.extend(self.audit.events.iter().filter(|e| request.picks(e, &range)).map(csv_row));
        let id = self.ids.next("audit_log_export");
        let at = now();
        let export = AuditExport {
            object: "audit_log_export",
            url: Some(format!("{url_prefix}{id}")),
            id,
            state: "ready",
            created_at: at.clone(),
            updated_at: at,
            csv,
        };
        push_bounded(&mut self.audit.exports, export.clone(), MAX_EXPORTS);
        Ok(export)
    }

    /// The export with `id` (its `csv` is what its URL serves).
    pub(crate) fn audit_export(&self, id: &str) -> ApiResult<&AuditExport> {
        self.audit.exports.get(id)
    }

    /// The retention of organization `org` in days.
    fn retention_of(&self, org: &str) -> u32 {
        self.audit.retention.get(org).copied().unwrap_or(DEFAULT_RETENTION)
    }

    /// The audit log configuration of organization `org`.
    pub(crate) fn audit_configuration(&self, org: &str) -> ApiResult<AuditConfiguration> {
        self.organization(org)?;
        Ok(AuditConfiguration {
            organization_id: org.to_owned(),
            retention_period_in_days: self.retention_of(org),
            state: "active",
        })
    }

    /// The audit log retention of organization `org`.
    pub(crate) fn audit_retention(&self, org: &str) -> ApiResult<Retention> {
        self.organization(org)?;
        Ok(Retention { retention_period_in_days: self.retention_of(org) })
    }

    /// Sets the retention of organization `org` from the request's `body`, which is read after
    /// the organization is found (an unknown one is a 404 whatever the body).
    pub(crate) fn set_audit_retention(&mut self, org: &str, body: &[u8]) -> ApiResult<Retention> {
        self.organization(org)?;
        let days = parse_body::<SetRetention>(body)?.days()?;
        self.audit.retention.insert(org.to_owned(), days);
        Ok(Retention { retention_period_in_days: days })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(targets: &[&str]) -> CreateSchema {
        let targets: Vec<Value> = targets.iter().map(|t| json!({"type": t})).collect();
        serde_json::from_value(json!({"targets": targets})).expect("a schema")
    }

    /// An event's request body in `org`, of `action`, at `occurred_at`, on targets of `kinds`.
    fn event_body(org: &str, action: &str, occurred_at: &str, kinds: &[&str]) -> Vec<u8> {
        let targets: Vec<Value> = kinds.iter().map(|k| json!({"id": "t_1", "type": k})).collect();
        let body = json!({"organization_id": org, "event": {
            "action": action, "occurred_at": occurred_at, "version": null,
            "actor": {"id": "user_1", "type": "user", "name": "Ada, L."},
            "targets": targets, "context": {"location": "1.2.3.4"},
        }});
        serde_json::to_vec(&body).expect("serializes")
    }

    fn record(store: &mut Store, body: &[u8], key: Option<&str>) -> ApiResult<Success> {
        let request = parse_body(body)?;
        store.record_audit_event(request, body, key.map(str::to_owned))
    }

    fn export(org: &str, start: &str, end: &str) -> CreateExport {
        serde_json::from_value(json!({"organization_id": org, "range_start": start, "range_end": end}))
            .expect("export")
    }

    #[test]
    fn schemas_are_versioned_and_make_their_action() {
        let mut store = Store::default();
        assert_eq!(
            store.create_audit_schema("user signed in", schema(&[])).expect_err("bad name").status.as_u16(),
            422
        );
        let e = store.create_audit_schema("user.signed_in", schema(&[" "])).expect_err("empty type");
        assert_eq!(e.errors[0].field, "targets[0].type");
        assert_eq!(store.create_audit_schema("user.signed_in", schema(&["team"])).expect("v1").version, 1);
        assert_eq!(store.create_audit_schema("user.signed_in", schema(&["doc"])).expect("v2").version, 2);
        assert_eq!(store.audit.actions.len(), 1);
        let q = Query::parse(None).expect("query");
        let actions = store.audit_actions_page(&q);
        assert_eq!(actions["data"][0]["schema"]["version"], 2);
        assert_eq!(
            store.audit_schemas_page("user.signed_in", &q).expect("listed")["data"].as_array().map(Vec::len),
            Some(2)
        );
        let e = store.audit_schemas_page("nope", &q).expect_err("unknown");
        assert_eq!(e.message, "Audit log action not found: 'nope'.");
    }

    #[test]
    fn events_are_checked_against_their_schema() {
        let mut store = Store::default();
        let org = store.test_organization("Acme");
        store.create_audit_schema("doc.read", schema(&["doc"])).expect("schema");
        let e = record(&mut store, &event_body(&org, "doc.read", "yesterday", &["team"]), None)
            .expect_err("invalid");
        assert_eq!((e.status.as_u16(), e.code), (400, Some("invalid_audit_log_event")));
        let paths: Vec<_> = e.errors.iter().filter_map(|f| f.instance_path.as_deref()).collect();
        assert_eq!(paths, ["/occurred_at", "/targets/0/type"]);
        let e = record(&mut store, &event_body("org_9", "doc.read", "2024-01-01T00:00:00Z", &["doc"]), None)
            .expect_err("unknown organization");
        assert_eq!(e.status.as_u16(), 404);
        record(&mut store, &event_body(&org, "doc.read", "2024-01-01T00:00:00Z", &["doc"]), None)
            .expect("valid");
        record(&mut store, &event_body(&org, "any.thing", "2024-01-01T00:00:00Z", &["x"]), None)
            .expect("no schema");
        assert_eq!(store.audit.events.len(), 2);
    }

    #[test]
    fn an_idempotency_key_records_once_and_refuses_another_body() {
        let mut store = Store::default();
        let org = store.test_organization("Acme");
        let body = event_body(&org, "doc.read", "2024-01-01T00:00:00Z", &["doc"]);
        record(&mut store, &body, Some("k1")).expect("first");
        record(&mut store, &body, Some("k1")).expect("replayed");
        assert_eq!(store.audit.events.len(), 1);
        let other = event_body(&org, "doc.read", "2024-01-02T00:00:00Z", &["doc"]);
        let e = record(&mut store, &other, Some("k1")).expect_err("reused");
        assert_eq!(e.code, Some("idempotency_key_reused"));
    }

    #[test]
    fn an_export_holds_the_organization_s_events_in_range_as_csv() {
        let mut store = Store::default();
        let (acme, globex) = (store.test_organization("Acme"), store.test_organization("Globex"));
        for (org, at) in [
            (&acme, "2024-01-01T00:00:00Z"),
            (&acme, "2025-01-01T00:00:00Z"),
            (&globex, "2024-01-01T00:00:00Z"),
        ] {
            record(&mut store, &event_body(org, "doc.read", at, &["doc"]), None).expect("recorded");
        }
        let e = store
            .create_audit_export(export(&acme, "2025-01-01T00:00:00Z", "2024-01-01T00:00:00Z"), "x/")
            .expect_err("backwards");
        assert_eq!(e.code, Some("invalid_date_range"));
        assert!(store.create_audit_export(export(&acme, "today", "2024-01-01T00:00:00Z"), "x/").is_err());
        let made = store
            .create_audit_export(export(&acme, "2023-06-01T00:00:00Z", "2024-06-01T00:00:00Z"), "http://e/x/")
            .expect("made");
        assert_eq!(made.url.as_deref(), Some(format!("http://e/x/{}", made.id).as_str()));
        let first = &store.audit.events[0].id;
        assert_eq!(
            made.csv,
            format!(
                "{CSV_HEADER}{first},doc.read,2024-01-01T00:00:00Z,user_1,user,\"Ada, L.\",doc:t_1,1.2.3.4\n"
            )
        );
        assert_eq!(store.audit_export(&made.id).expect("kept").csv, made.csv);
        assert_eq!(
            store.audit_export("audit_log_export_9").expect_err("unknown").message,
            "Audit log export not found: 'audit_log_export_9'."
        );
    }

    #[test]
    fn retention_is_30_until_set_to_an_allowed_period() {
        let mut store = Store::default();
        let org = store.test_organization("Acme");
        assert_eq!(store.audit_retention(&org).expect("there").retention_period_in_days, 30);
        assert_eq!(
            store.set_audit_retention("org_9", b"not json").expect_err("unknown first").status.as_u16(),
            404
        );
        let e =
            store.set_audit_retention(&org, br#"{"retention_period_in_days": 90}"#).expect_err("not allowed");
        assert_eq!(e.errors[0].field, "retention_period_in_days");
        assert!(store.set_audit_retention(&org, br#"{"retention_period": "12_MONTHS"}"#).is_err());
        assert!(store.set_audit_retention(&org, b"{}").is_err());
        let set = store.set_audit_retention(&org, br#"{"retention_period": "2_YEARS"}"#).expect("set");
        assert_eq!(set.retention_period_in_days, 730);
        let config = store.audit_configuration(&org).expect("there");
        assert_eq!((config.retention_period_in_days, config.state), (730, "active"));
    }
}
