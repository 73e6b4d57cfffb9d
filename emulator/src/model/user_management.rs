//! Users, organization memberships, invitations, the one-time codes and tokens of the user flows, AuthKit settings, and sign-in sessions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::error::ApiResult;
use super::*;

records!(
    User => "User",
    Membership => "Organization membership",
    Invitation => "Invitation",
    OneTimeCode => "One-time code",
    PasswordReset => "Password reset",
);

/// `UserlandUser`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct User {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) profile_picture_url: Option<String>,
    pub(crate) email: String,
    pub(crate) email_verified: bool,
    pub(crate) external_id: Option<String>,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) last_sign_in_at: Option<String>,
    pub(crate) locale: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// An organization membership; its answer (`UserlandUserOrganizationMembership`) embeds the user,
/// the organization's name and the primary role, see [`Store::membership_json`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Membership {
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) organization_id: String,
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) status: Name,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `UserlandUserInvite`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Invitation {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) email: String,
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) state: Name,
    pub(crate) accepted_at: Option<String>,
    pub(crate) revoked_at: Option<String>,
    pub(crate) expires_at: String,
    pub(crate) organization_id: Option<String>,
    pub(crate) inviter_user_id: Option<String>,
    pub(crate) accepted_user_id: Option<String>,
    pub(crate) role_slug: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) token: String,
    pub(crate) accept_invitation_url: String,
}

/// A one-time code sent to a user: `MagicAuth` and `EmailVerification` (their `object`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct OneTimeCode {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) email: String,
    pub(crate) expires_at: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) code: String,
    /// Whether it was used (a code is single use).
    #[serde(default, skip_serializing_if = "crate::model::persist::answering")]
    pub(crate) used: bool,
}

/// `PasswordReset`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PasswordReset {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) email: String,
    pub(crate) expires_at: String,
    pub(crate) created_at: String,
    pub(crate) password_reset_token: String,
    pub(crate) password_reset_url: String,
    #[serde(default, skip_serializing_if = "crate::model::persist::answering")]
    pub(crate) used: bool,
}

/// A pending email change: the new address and its code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct EmailChange {
    pub(crate) user_id: String,
    pub(crate) new_email: String,
    pub(crate) code: String,
    pub(crate) expires_at: String,
    pub(crate) created_at: String,
}

/// AuthKit settings of the environment: the JWT template, redirect URIs and CORS origins.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct AuthkitSettings {
    /// `JwtTemplate`: its content and when it was set (`None`: the default, `{}`).
    pub(crate) jwt_template: Option<(String, String, String)>,
    pub(crate) redirect_uris: Vec<Value>,
    pub(crate) cors_origins: Vec<Value>,
    /// Sign-ins of users whose email is not verified stop at `email_verification_required`.
    #[serde(default)]
    pub(crate) email_verification_required: bool,
    /// Sign-ins without an organization, by users in several, stop at
    /// `organization_selection_required`.
    #[serde(default)]
    pub(crate) organization_selection_required: bool,
    /// Sign-ins stop at `mfa_challenge` (a user with a TOTP factor) or `mfa_enrollment`.
    #[serde(default)]
    pub(crate) mfa_required: bool,
    /// The device flow's polling interval, when a seed sets one.
    #[serde(default)]
    pub(crate) device_interval_secs: Option<u64>,
    /// Sign-ins stop at a Radar challenge: `email` or `sms`.
    #[serde(default)]
    pub(crate) radar_challenge: Option<String>,
}

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
    /// Drops the authorization codes that expired before `now` (seconds since the epoch).
    pub(crate) fn expire_codes(&mut self, now: u64) {
        self.auth_codes.retain(|c| c.expires_at > now);
        self.pending_auths.retain(|p| p.expires_at > now);
    }

    pub(crate) fn user(&self, id: &str) -> ApiResult<&User> {
        self.users.get(id)
    }

    pub(crate) fn membership(&self, id: &str) -> ApiResult<&Membership> {
        self.memberships.get(id)
    }

    /// `UserlandUserOrganizationMembership`: the membership with its user, organization name
    /// and primary role (the first role assigned on the organization itself).
    pub(crate) fn membership_json(&self, m: &Membership) -> Value {
        let user = self.users.find(&m.user_id);
        let org_name = self.organizations.find(&m.organization_id).map(|o| o.name.clone());
        let root = self.organization_resource(&m.organization_id).ok().map(|r| r.id.clone());
        let primary = self
            .assignments_of(&m.id)
            .find(|a| Some(&a.resource.id) == root.as_ref())
            .or_else(|| self.assignments_of(&m.id).next())
            .map(|a| a.role.slug.clone())
            // Every membership has a role: with its assignments gone, the default one.
            .unwrap_or_else(|| DEFAULT_ROLE.to_owned());
        // Every role the membership holds on its organization, the primary one first.
        let mut roles: Vec<Value> = vec![json!({ "slug": primary })];
        for a in self.assignments_of(&m.id).filter(|a| Some(&a.resource.id) == root.as_ref()) {
            if a.role.slug != primary {
                roles.push(json!({ "slug": a.role.slug }));
            }
        }
        json!({
            "object": "organization_membership",
            "id": m.id,
            "user_id": m.user_id,
            "organization_id": m.organization_id,
            "status": m.status,
            "directory_managed": false,
            "organization_name": org_name,
            "custom_attributes": {},
            "created_at": m.created_at,
            "updated_at": m.updated_at,
            "role": { "slug": primary },
            "roles": roles,
            "user": user,
        })
    }

    /// The user with external id `ext`.
    pub(crate) fn user_by_external(&self, ext: &str) -> Option<&User> {
        let id = self.indexes.user_by_external.get(ext)?;
        self.users.find(id)
    }

    /// Sets the external id of the user at `index` (the caller checked it is free).
    pub(crate) fn set_user_external(&mut self, index: usize, ext: Option<String>) {
        let user = &mut self.users[index];
        if let Some(old) = user.external_id.take() {
            self.indexes.user_by_external.remove(&old);
        }
        if let Some(new) = &ext {
            self.indexes.user_by_external.insert(new.clone(), user.id.clone());
        }
        user.external_id = ext;
    }

    /// Removes a user and their memberships.
    pub(crate) fn remove_user(&mut self, id: &str) {
        self.remove_memberships(|m| m.user_id == id);
        if let Some(user) = self.users.find(id) {
            let (email, ext) = (user.email.clone(), user.external_id.clone());
            self.indexes.user_by_email.remove(&email);
            if let Some(ext) = ext {
                self.indexes.user_by_external.remove(&ext);
            }
        }
        self.api_keys.retain(|k| k.owner["id"] != id);
        self.auth_sessions.retain(|s| s.user_id != id);
        for flag in &mut self.flags {
            flag.targets.retain(|t| t != id);
        }
        self.users.retain(|u| u.id != id);
    }

    /// Removes the memberships `doomed` picks, with their role assignments and their places in
    /// groups.
    pub(crate) fn remove_memberships(&mut self, doomed: impl Fn(&Membership) -> bool) {
        let ids: std::collections::HashSet<String> =
            self.memberships.iter().filter(|m| doomed(m)).map(|m| m.id.clone()).collect();
        if ids.is_empty() {
            return;
        }
        self.remove_assignments(|a| ids.contains(&a.membership_id));
        for group in &mut self.groups {
            group.members.retain(|m| !ids.contains(m));
        }
        self.memberships.retain(|m| !ids.contains(&m.id));
        for index in [&mut self.indexes.memberships_by_user, &mut self.indexes.memberships_by_org] {
            index.retain(|_, list| {
                list.retain(|id| !ids.contains(id));
                !list.is_empty()
            });
        }
    }

    /// Adds a membership (its id is the newest) and indexes it.
    pub(crate) fn insert_membership(&mut self, m: Membership) {
        self.indexes.memberships_by_user.entry(m.user_id.clone()).or_default().push(m.id.clone());
        self.indexes.memberships_by_org.entry(m.organization_id.clone()).or_default().push(m.id.clone());
        self.memberships.push(m);
    }

    /// Ids of the memberships of a user (`by_user`) or an organization, in creation order.
    pub(crate) fn membership_ids(&self, by_user: bool, key: &str) -> &[String] {
        let index =
            if by_user { &self.indexes.memberships_by_user } else { &self.indexes.memberships_by_org };
        index.get(key).map_or(&[], Vec::as_slice)
    }

    /// The memberships of a user (`by_user`) or an organization, in creation order.
    pub(crate) fn memberships_by(&self, by_user: bool, key: &str) -> impl Iterator<Item = &Membership> {
        self.membership_ids(by_user, key).iter().filter_map(|id| self.memberships.find(id))
    }

    /// The membership of `user` in `org`, through the user's memberships.
    pub(crate) fn membership_of(&self, user: &str, org: &str) -> Option<&Membership> {
        self.memberships_by(true, user).find(|m| m.organization_id == org)
    }

    /// The user with `email` (lower case).
    pub(crate) fn user_by_email(&self, email: &str) -> Option<&User> {
        let id = self.indexes.user_by_email.get(email)?;
        self.users.find(id)
    }

    /// Adds a user (its id is the newest) and indexes their email and external id.
    pub(crate) fn insert_user(&mut self, user: User) {
        self.indexes.user_by_email.insert(user.email.clone(), user.id.clone());
        if let Some(ext) = &user.external_id {
            self.indexes.user_by_external.insert(ext.clone(), user.id.clone());
        }
        self.users.push(user);
    }

    /// Changes the email of the user at `index` (the caller checked it is free).
    pub(crate) fn set_email(&mut self, index: usize, email: String) {
        let user = &mut self.users[index];
        self.indexes.user_by_email.remove(&user.email);
        self.indexes.user_by_email.insert(email.clone(), user.id.clone());
        user.email = email;
    }
}
