//! Sign-ins: authorization codes, sign-ins waiting for one more step, and signed-in sessions.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::model::{Name, Store};

/// An authorization code from `GET /user_management/authorize`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AuthCode {
    pub(crate) code: String,
    pub(crate) client_id: String,
    pub(crate) user_id: String,
    pub(crate) organization_id: Option<String>,
    /// The PKCE S256 challenge, when the URL had one.
    pub(crate) challenge: Option<String>,
    /// Seconds since the epoch.
    pub(crate) expires_at: u64,
}

/// A sign-in waiting for one more step: what its `pending_authentication_token` stands for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PendingAuth {
    pub(crate) token: String,
    /// `email_verification_required`, `mfa_challenge`, `mfa_enrollment` or
    /// `organization_selection_required`.
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) step: Name,
    pub(crate) client_id: String,
    pub(crate) user_id: String,
    pub(crate) organization_id: Option<String>,
    /// The `authentication_method` of the sign-in it continues.
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) method: Name,
    /// Seconds since the epoch.
    pub(crate) expires_at: u64,
    /// The sign-in already passed its MFA step.
    #[serde(default)]
    pub(crate) mfa_verified: bool,
    /// The sign-in already passed its Radar challenge.
    #[serde(default)]
    pub(crate) radar_verified: bool,
}

/// A signed-in session: what its refresh token stands for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AuthSession {
    pub(crate) id: String,
    pub(crate) client_id: String,
    pub(crate) user_id: String,
    pub(crate) organization_id: Option<String>,
    pub(crate) refresh_token: String,
    /// The `authentication_method` of the sign-in that started it.
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) method: Name,
    /// `active` or `revoked`.
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) status: Name,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) ended_at: Option<String>,
    /// The `ip_address` and `user_agent` of the sign-in (or the latest refresh that gave them).
    #[serde(default)]
    pub(crate) ip_address: Option<String>,
    #[serde(default)]
    pub(crate) user_agent: Option<String>,
}

impl AuthSession {
    /// How long a session lasts without activity, in minutes (its `expires_at`).
    pub(crate) const LIFETIME_MINUTES: i64 = 30 * 24 * 60;

    /// `UserlandSession`.
    pub(crate) fn json(&self) -> Value {
        let auth_method = match self.method {
            "MagicAuth" => "magic_code",
            "Password" => "password",
            _ => "unknown",
        };
        let expires_at = chrono::DateTime::parse_from_rfc3339(&self.updated_at)
            .map(|t| t + chrono::Duration::minutes(Self::LIFETIME_MINUTES))
            .map(|t| t.to_utc().to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_else(|_| self.updated_at.clone());
        let mut v = json!({
            "object": "session",
            "id": self.id,
            "ip_address": self.ip_address,
            "user_agent": self.user_agent,
            "user_id": self.user_id,
            "auth_method": auth_method,
            "status": self.status,
            "expires_at": expires_at,
            "ended_at": self.ended_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        });
        if let Some(org) = &self.organization_id {
            v["organization_id"] = json!(org);
        }
        v
    }
}

impl Store {
    /// Drops the authorization codes and pending sign-ins that expired before `now` (seconds
    /// since the epoch).
    pub(crate) fn expire_codes(&mut self, now: u64) {
        self.auth_codes.retain(|c| c.expires_at > now);
        self.pending_auths.retain(|p| p.expires_at > now);
    }
}
