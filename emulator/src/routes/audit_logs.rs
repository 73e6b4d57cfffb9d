//! Audit logs: actions and their schemas, events (with `Idempotency-Key` dedup), exports, and
//! each organization's configuration and retention.

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::HeaderMap;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Db, created, ok};
use crate::model::error::{ApiError, ApiResult, FieldError, non_empty, parse_body};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::{AuditAction, AuditEvent, AuditExport, AuditSchema, Store, push_back_bounded};

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

/// The path the emulator serves an export's CSV from (no API key needed, like a presigned
/// URL).
pub(crate) const DOWNLOAD_PREFIX: &str = "/_emulator/audit_log_exports/";

#[derive(Deserialize)]
struct SchemaDto {
    actor: Option<ActorSchema>,
    targets: Vec<TargetSchema>,
    metadata: Option<Value>,
}

#[derive(Deserialize, serde::Serialize)]
struct ActorSchema {
    metadata: Value,
}

#[derive(Deserialize, serde::Serialize)]
struct TargetSchema {
    #[serde(rename = "type")]
    kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
}

#[derive(Deserialize)]
struct EventIngestion {
    organization_id: String,
    event: EventDto,
}

#[derive(Deserialize)]
struct EventDto {
    action: String,
    occurred_at: String,
    actor: Entity,
    targets: Vec<Entity>,
    context: Context,
    metadata: Option<serde_json::Map<String, Value>>,
    version: Option<u32>,
}

#[derive(Deserialize)]
struct Entity {
    id: String,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Deserialize)]
struct Context {
    location: String,
}

#[derive(Deserialize)]
struct ExportDto {
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

/// The document's `retention_period_in_days`, or the `retention_period` current SDKs send
/// (`1_MONTH` to `11_MONTHS`, `1_YEAR` to `10_YEARS`).
#[derive(Deserialize)]
struct RetentionDto {
    retention_period_in_days: Option<u32>,
    retention_period: Option<String>,
}

impl RetentionDto {
    /// The retention in days (a month counts 30, a year 365).
    fn days(&self) -> ApiResult<u32> {
        match (self.retention_period_in_days, &self.retention_period) {
            (Some(days), None) if RETENTIONS.contains(&days) => Ok(days),
            (Some(days), None) => Err(ApiError::invalid_field(
                "retention_period_in_days",
                "invalid",
                format!("retention_period_in_days must be 30 or 365, got {days}."),
            )),
            (None, Some(period)) => {
                let invalid = || {
                    ApiError::invalid_field(
                        "retention_period",
                        "invalid",
                        format!(
                            "retention_period must be 1_MONTH to 11_MONTHS or 1_YEAR to 10_YEARS, got '{period}'."
                        ),
                    )
                };
                let (n, unit) = period.split_once('_').ok_or_else(invalid)?;
                let n: u32 = n.parse().map_err(|_| invalid())?;
                match unit {
                    "MONTH" if n == 1 => Ok(30),
                    "MONTHS" if (2..=11).contains(&n) => Ok(30 * n),
                    "YEAR" if n == 1 => Ok(365),
                    "YEARS" if (2..=10).contains(&n) => Ok(365 * n),
                    _ => Err(invalid()),
                }
            }
            _ => Err(ApiError::invalid_field(
                "retention_period_in_days",
                "required",
                "Give retention_period_in_days (or retention_period), not both.",
            )),
        }
    }
}

fn action_json(a: &AuditAction) -> Value {
    json!({
        "object": "audit_log_action",
        "name": a.name,
        "schema": a.schemas.last(),
        "created_at": a.created_at,
        "updated_at": a.updated_at,
    })
}

fn find_action<'s>(store: &'s Store, name: &str) -> ApiResult<&'s AuditAction> {
    store
        .audit
        .actions
        .iter()
        .find(|a| a.name == name)
        .ok_or_else(|| ApiError::not_found("Audit log action", name))
}

pub(super) async fn list_actions(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    let items = store.audit.actions.iter().collect();
    Ok(ok(query.page_with(items, |a| &a.id, action_json)))
}

pub(super) async fn list_schemas(
    State(db): Db,
    Path(action): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    let action = find_action(&store, &action)?;
    Ok(ok(query.page_sorted(&action.schemas, |s| &s.id)))
}

/// Adds a schema version to an action, creating the action on its first schema.
pub(super) async fn create_schema(
    State(db): Db,
    Path(action): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto: SchemaDto = parse_body(&body)?;
    check_action_name(&action)?;
    for (i, target) in dto.targets.iter().enumerate() {
        non_empty(&format!("targets[{i}].type"), &target.kind)?;
    }
    let mut store = db.store();
    let at = now();
    let id = store.ids.next("audit_log_schema");
    let i = match store.audit.actions.iter().position(|a| a.name == action) {
        Some(i) => i,
        None => {
            let id = store.ids.next("audit_log_action");
            store.audit.actions.push(AuditAction {
                id,
                name: action.clone(),
                schemas: Vec::new(),
                created_at: at.clone(),
                updated_at: at.clone(),
            });
            store.audit.actions.len() - 1
        }
    };
    let entry = &mut store.audit.actions[i];
    let schema = AuditSchema {
        object: "audit_log_schema",
        version: u32::try_from(entry.schemas.len()).unwrap_or(u32::MAX).saturating_add(1),
        actor: dto.actor.map(|a| json!(a)),
        targets: dto.targets.iter().map(|t| json!(t)).collect(),
        metadata: dto.metadata,
        created_at: at.clone(),
        id,
    };
    entry.schemas.push(schema.clone());
    entry.updated_at = at;
    Ok(created(schema))
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

/// Checks an event against its action's schema (the requested version, else the newest): the
/// target types must be the schema's. An action without a schema takes any event.
fn check_event(store: &Store, event: &EventDto) -> ApiResult<()> {
    let mut problems = Vec::new();
    if chrono::DateTime::parse_from_rfc3339(&event.occurred_at).is_err() {
        problems.push(("/occurred_at".to_owned(), "occurred_at must be an ISO 8601 date-time.".to_owned()));
    }
    if let Some(metadata) = &event.metadata
        && metadata.len() > 50
    {
        problems.push(("/metadata".to_owned(), "metadata has more than 50 keys.".to_owned()));
    }
    if let Some(action) = store.audit.actions.iter().find(|a| a.name == event.action) {
        let schema = match event.version {
            Some(v) => action.schemas.iter().find(|s| s.version == v),
            None => action.schemas.last(),
        };
        match schema {
            None => problems.push((
                "/version".to_owned(),
                format!("Action '{}' has no schema version {}.", event.action, event.version.unwrap_or(0)),
            )),
            Some(schema) => {
                let allowed: Vec<&str> = schema.targets.iter().filter_map(|t| t["type"].as_str()).collect();
                for (i, t) in event.targets.iter().enumerate() {
                    if !allowed.contains(&t.kind.as_str()) {
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
            }
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(invalid_event(problems)) }
}

/// Records an audit log event. With an `Idempotency-Key`, the same request again within 24
/// hours is answered as the first was and records nothing; the same key with another body is
/// a 400.
pub(super) async fn create_event(State(db): Db, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let dto: EventIngestion = parse_body(&body)?;
    non_empty("event.action", &dto.event.action)?;
    non_empty("event.actor.id", &dto.event.actor.id)?;
    non_empty("event.context.location", &dto.event.context.location)?;
    let key = headers.get("idempotency-key").map(|v| v.to_str().unwrap_or_default().to_owned());
    let mut store = db.store();
    store.organization(&dto.organization_id)?;
    let now_secs = crate::model::ids::unix_now();
    let hash: [u8; 32] = Sha256::digest(&body).into();
    let keys = &mut store.audit.idempotency;
    keys.retain(|(_, _, at)| now_secs.saturating_sub(*at) < KEY_TTL_SECS);
    if let Some(key) = &key
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
        return Ok(ok(json!({ "success": true })));
    }
    check_event(&store, &dto.event)?;
    if let Some(key) = key {
        push_back_bounded(&mut store.audit.idempotency, (key, hash, now_secs), MAX_KEYS);
    }
    let event: Value =
        serde_json::from_slice::<Value>(&body).map(|v| v["event"].clone()).unwrap_or(Value::Null);
    let id = store.ids.next("audit_log_event");
    let event = AuditEvent { id, organization_id: dto.organization_id, event };
    push_back_bounded(&mut store.audit.events, event, MAX_EVENTS);
    Ok(ok(json!({ "success": true })))
}

/// Creates an export of the organization's events in the range, ready at once; its `url`
/// serves the CSV.
pub(super) async fn create_export(State(db): Db, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let dto: ExportDto = parse_body(&body)?;
    let parse = |field: &str, v: &str| {
        chrono::DateTime::parse_from_rfc3339(v).map_err(|_| {
            ApiError::bad_request(
                "invalid_date_range",
                format!("{field} must be an ISO 8601 date-time, got '{v}'."),
            )
        })
    };
    let (start, end) = (parse("range_start", &dto.range_start)?, parse("range_end", &dto.range_end)?);
    if start > end {
        return Err(ApiError::bad_request("invalid_date_range", "range_start is after range_end."));
    }
    let mut store = db.store();
    store.organization(&dto.organization_id)?;
    let names: Vec<&String> = dto.actor_names.iter().chain(&dto.actors).collect();
    let picked = |e: &&AuditEvent| {
        let ev = &e.event;
        let at = ev["occurred_at"].as_str().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
        let str_in = |list: &[String], v: &Value| {
            list.is_empty() || v.as_str().is_some_and(|v| list.iter().any(|x| x == v))
        };
        e.organization_id == dto.organization_id
            && at.is_some_and(|at| at >= start && at <= end)
            && str_in(&dto.actions, &ev["action"])
            && str_in(&dto.actor_ids, &ev["actor"]["id"])
            && (names.is_empty()
                || ev["actor"]["name"].as_str().is_some_and(|n| names.iter().any(|x| *x == n)))
            && (dto.targets.is_empty()
                || ev["targets"]
                    .as_array()
                    .is_some_and(|ts| ts.iter().any(|t| str_in(&dto.targets, &t["type"]))))
    };
    let mut csv = String::from("id,action,occurred_at,actor_id,actor_type,actor_name,targets,location\n");
    for e in store.audit.events.iter().filter(picked) {
        let ev = &e.event;
        let targets: Vec<String> = ev["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| {
                format!("{}:{}", t["type"].as_str().unwrap_or_default(), t["id"].as_str().unwrap_or_default())
            })
            .collect();
        let cells = [
            e.id.clone(),
            ev["action"].as_str().unwrap_or_default().to_owned(),
            ev["occurred_at"].as_str().unwrap_or_default().to_owned(),
            ev["actor"]["id"].as_str().unwrap_or_default().to_owned(),
            ev["actor"]["type"].as_str().unwrap_or_default().to_owned(),
            ev["actor"]["name"].as_str().unwrap_or_default().to_owned(),
            targets.join(" "),
            ev["context"]["location"].as_str().unwrap_or_default().to_owned(),
        ];
        let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        csv.push_str(&row.join(","));
        csv.push('\n');
    }
    let id = store.ids.next("audit_log_export");
    let at = now();
    let export = AuditExport {
        object: "audit_log_export",
        url: Some(format!("{}{DOWNLOAD_PREFIX}{id}", super::origin(&headers))),
        id,
        state: "ready",
        created_at: at.clone(),
        updated_at: at,
        csv,
    };
    crate::model::push_bounded(&mut store.audit.exports, export.clone(), MAX_EXPORTS);
    Ok(created(export))
}

/// A CSV cell, quoted when it has to be.
fn csv_cell(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

fn find_export<'s>(store: &'s Store, id: &str) -> ApiResult<&'s AuditExport> {
    store.audit.exports.get(id)
}

pub(super) async fn get_export(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    find_export(&store, &id).map(ok)
}

/// The CSV of an export, at its `url`.
pub(super) async fn download_export(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    let csv = find_export(&store, &id)?.csv.clone();
    Ok(([(http::header::CONTENT_TYPE, "text/csv")], csv).into_response())
}

fn retention_of(store: &Store, org: &str) -> u32 {
    store.audit.retention.get(org).copied().unwrap_or(DEFAULT_RETENTION)
}

pub(super) async fn get_configuration(State(db): Db, Path(org): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    store.organization(&org)?;
    Ok(ok(json!({
        "organization_id": org,
        "retention_period_in_days": retention_of(&store, &org),
        "state": "active",
    })))
}

pub(super) async fn get_retention(State(db): Db, Path(org): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    store.organization(&org)?;
    Ok(ok(json!({ "retention_period_in_days": retention_of(&store, &org) })))
}

pub(super) async fn set_retention(
    State(db): Db,
    Path(org): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut store = db.store();
    store.organization(&org)?;
    let days = parse_body::<RetentionDto>(&body)?.days()?;
    store.audit.retention.insert(org, days);
    Ok(ok(json!({ "retention_period_in_days": days })))
}
