//! Audit logs: actions, their schemas, events and exports.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

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
    /// The newest events, at most `routes::audit::MAX_EVENTS`.
    pub(crate) events: std::collections::VecDeque<AuditEvent>,
    /// `Idempotency-Key`s of `POST /audit_logs/events`: key, the request body's hash, when
    /// (seconds since the epoch). Newest last, at most `routes::audit::MAX_KEYS`.
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
