//! Agent instances and their sessions. Instances are made by the mints of
//! [`super::tokens`] (one per blueprint, organization and delegating membership, or one per
//! blueprint and organization for an autonomous agent), and each mint but a refresh opens a
//! session. A session's `status` is read from `revoked_at` and `expires_at`: a revoked session
//! stays `revoked` after it expires.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::blueprints::InstanceType;
use crate::model::error::ApiResult;
use crate::model::ids::{is_past, now};
use crate::model::list::Query;
use crate::model::{Name, Store};

records!(
    Instance => "Agent instance",
    Session => "Agent instance session",
);

/// The document's `AgentInstance`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Instance {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) agent_blueprint_id: String,
    pub(crate) organization_id: String,
    pub(crate) organization_membership_id: Option<String>,
    #[serde(rename = "type")]
    pub(crate) kind: InstanceType,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// A session of an instance, with what its tokens carry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Session {
    pub(crate) id: String,
    pub(crate) agent_instance_id: String,
    pub(crate) expires_at: String,
    pub(crate) revoked_at: Option<String>,
    /// SHA-256 of the current refresh token, hex; a refresh replaces it.
    pub(crate) refresh_hash: String,
    /// When the current refresh token stops working.
    pub(crate) refresh_expires_at: String,
    pub(crate) permissions: Vec<String>,
    pub(crate) intent: Option<String>,
    /// The delegating user and their sign-in session (delegated instances).
    pub(crate) acting_user_id: Option<String>,
    pub(crate) user_session_id: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// The document's `AgentInstanceSession`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SessionAnswer {
    object: Name,
    id: String,
    agent_instance_id: String,
    pub(crate) status: &'static str,
    expires_at: String,
    pub(crate) revoked_at: Option<String>,
    created_at: String,
    updated_at: String,
}

impl Session {
    /// `revoked`, `expired` or `active`, in that order of precedence.
    pub(crate) fn status(&self) -> &'static str {
        if self.revoked_at.is_some() {
            "revoked"
        } else if is_past(&self.expires_at) {
            "expired"
        } else {
            "active"
        }
    }

    pub(crate) fn answer(&self) -> SessionAnswer {
        SessionAnswer {
            object: "agent_instance_session",
            id: self.id.clone(),
            agent_instance_id: self.agent_instance_id.clone(),
            status: self.status(),
            expires_at: self.expires_at.clone(),
            revoked_at: self.revoked_at.clone(),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
        }
    }
}

impl Store {
    pub(crate) fn agent_instance(&self, id: &str) -> ApiResult<&Instance> {
        self.agents.instances.get(id)
    }

    /// The page of instances, of one organization and blueprint when the query names them.
    pub(crate) fn agent_instances(&self, query: &Query) -> Value {
        let (org, blueprint) = (query.get("organization_id"), query.get("agent_blueprint_id"));
        let items = self
            .agents
            .instances
            .iter()
            .filter(|i| org.is_none_or(|o| i.organization_id == o))
            .filter(|i| blueprint.is_none_or(|b| i.agent_blueprint_id == b))
            .collect();
        query.page(items, |i| &i.id)
    }

    /// Deletes an instance with its sessions (their refresh and access tokens stop working).
    pub(crate) fn delete_agent_instance(&mut self, id: &str) -> ApiResult<Instance> {
        let instance = self.agents.instances.take(id)?;
        self.agents.sessions.retain(|s| s.agent_instance_id != id);
        Ok(instance)
    }

    pub(crate) fn agent_session(&self, id: &str) -> ApiResult<SessionAnswer> {
        Ok(self.agents.sessions.get(id)?.answer())
    }

    /// The page of sessions, filtered by instance, and by the instance's organization and
    /// blueprint, when the query names them.
    pub(crate) fn agent_sessions(&self, query: &Query) -> Value {
        let (org, blueprint) = (query.get("organization_id"), query.get("agent_blueprint_id"));
        let instance = query.get("agent_instance_id");
        let items = self
            .agents
            .sessions
            .iter()
            .filter(|s| instance.is_none_or(|i| s.agent_instance_id == i))
            .filter(|s| {
                let of = self.agents.instances.find(&s.agent_instance_id);
                of.is_some_and(|i| {
                    org.is_none_or(|o| i.organization_id == o)
                        && blueprint.is_none_or(|b| i.agent_blueprint_id == b)
                })
            })
            .collect();
        query.page_with(items, |s| &s.id, Session::answer)
    }

    /// Revokes a session: its tokens stop working. Revoking again keeps the first
    /// `revoked_at`; an expired session is answered as it is (`expired`, `revoked_at` null).
    pub(crate) fn revoke_agent_session(&mut self, id: &str) -> ApiResult<SessionAnswer> {
        let session = self.agents.sessions.get_mut(id)?;
        if session.status() == "active" {
            let at = now();
            session.revoked_at = Some(at.clone());
            session.updated_at = at;
        }
        Ok(session.answer())
    }
}
