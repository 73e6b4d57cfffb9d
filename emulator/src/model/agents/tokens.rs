//! Agent tokens: minted from a blueprint (user-delegated, autonomous, agent-delegated, or a
//! refresh), and validated. A mint finds or makes the agent instance and, but for a refresh,
//! opens a session; the access token is a JWT the emulator's key signs, the refresh token a
//! random secret kept as a hash and rotated by each refresh.
//!
//! Codes (WorkOS's are not published: the overlay's sources give the statuses only): a
//! malformed request is a 400 `invalid_request` (the agents' code for it); a token that does
//! not verify, is for another blueprint, or was used is a 400 `invalid_grant` (the emulator's
//! code for a bad token or code at `/user_management/authenticate`); a token whose session is
//! revoked, expired or gone, or whose user signed out, is a 400 `invalid_session` (its code for
//! "no active session"); what the blueprint does not allow is a 403 `forbidden`.

use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use super::blueprints::{Blueprint, InstanceType};
use super::instances::{Instance, Session};
use super::invalid_request;
use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::{now, token, unix_now};
use crate::model::user_management::signin::access_of;
use crate::model::user_management::signin::tokens::{sign, verify};
use crate::model::{Name, Store};

/// `POST /agents/blueprints/{id}/tokens`: how to mint, by `type`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct MintToken {
    #[serde(rename = "type")]
    kind: String,
    user_access_token: Option<String>,
    intent: Option<String>,
    organization_id: Option<String>,
    agent_access_token: Option<String>,
    refresh_token: Option<String>,
}

/// `POST /agents/blueprints/{id}/tokens/validate`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ValidateToken {
    agent_access_token: String,
}

/// The document's `AgentToken`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AgentToken {
    pub(crate) access_token: String,
    token_type: Name,
    pub(crate) expires_in: u64,
    pub(crate) refresh_token: String,
    pub(crate) agent_instance_id: String,
    pub(crate) new_instance: bool,
    pub(crate) agent_instance_session_id: String,
    pub(crate) permissions: Vec<String>,
}

/// The document's `AgentTokenValidation` (an invalid token is an error, never `valid: false`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TokenValidation {
    valid: bool,
    pub(crate) agent_instance_id: String,
    pub(crate) agent_instance_session_id: String,
    pub(crate) organization_id: String,
    pub(crate) permissions: Vec<String>,
    pub(crate) intent: Option<String>,
    pub(crate) acting_user_id: Option<String>,
    session_expires_at: String,
}

fn hash(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

fn invalid_grant(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid_grant", message)
}

fn invalid_session(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid_session", message)
}

fn forbidden(message: impl Into<String>) -> ApiError {
    ApiError::with_status(StatusCode::FORBIDDEN, "forbidden", message)
}

fn required<'a>(value: Option<&'a String>, field: &str, kind: &str) -> ApiResult<&'a str> {
    value
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| invalid_request(format!("{field} is required for type {kind}.")))
}

/// Unix seconds as WorkOS writes a time.
fn at(secs: u64) -> String {
    let t = chrono::DateTime::from_timestamp(i64::try_from(secs).unwrap_or(i64::MAX), 0).unwrap_or_default();
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn secs(at: &str) -> u64 {
    chrono::DateTime::parse_from_rfc3339(at).map_or(0, |t| u64::try_from(t.timestamp()).unwrap_or(0))
}

/// Whether the blueprint lets an instance of `kind` act in `org` (a 403 otherwise).
fn allowed(b: &Blueprint, kind: InstanceType, org: &str) -> ApiResult<()> {
    if !b.invocable_as.instance_types.contains(&kind) {
        return Err(forbidden(
            format!("Blueprint '{}' does not allow {kind:?} sessions.", b.id).to_lowercase(),
        ));
    }
    let orgs = &b.invocable_by.organization_ids;
    if !orgs.is_empty() && !orgs.iter().any(|o| o == org) {
        return Err(forbidden(format!("Blueprint '{}' may not be invoked in organization '{org}'.", b.id)));
    }
    Ok(())
}

/// The session a mint opens or a refresh continues, and its instance.
struct Opened {
    instance: Instance,
    new_instance: bool,
    session: Session,
    refresh_token: String,
}

impl Store {
    /// The blueprint's permissions the agent has: for a delegated instance, those the user also
    /// has in the organization now.
    fn effective_permissions(&self, b: &Blueprint, user: Option<&str>, org: &str) -> Vec<String> {
        let Some(user) = user else { return b.permissions.clone() };
        let (_, _, theirs) = access_of(self, user, Some(org));
        b.permissions.iter().filter(|p| theirs.contains(p)).cloned().collect()
    }

    /// The instance of `kind` for the blueprint in `org` (for the membership when delegated),
    /// made when there is none; and whether it was made.
    fn instance_for(
        &mut self,
        b: &Blueprint,
        org: &str,
        membership: Option<String>,
        kind: InstanceType,
    ) -> (Instance, bool) {
        let found = self.agents.instances.iter().find(|i| {
            i.agent_blueprint_id == b.id
                && i.organization_id == org
                && i.kind == kind
                && i.organization_membership_id == membership
        });
        if let Some(found) = found {
            return (found.clone(), false);
        }
        let at = now();
        let instance = Instance {
            object: "agent_instance",
            id: self.ids.next("agent_instance"),
            agent_blueprint_id: b.id.clone(),
            organization_id: org.to_owned(),
            organization_membership_id: membership,
            kind,
            created_at: at.clone(),
            updated_at: at,
        };
        self.agents.instances.push(instance.clone());
        (instance, true)
    }

    /// Opens a session of `instance`, living the blueprint's `max_age_seconds`.
    fn open_session(
        &mut self,
        b: &Blueprint,
        (instance, new_instance): (Instance, bool),
        intent: Option<String>,
        user: Option<(String, Option<String>)>,
    ) -> Opened {
        let (acting_user_id, user_session_id) = user.map_or((None, None), |(u, s)| (Some(u), s));
        let permissions = self.effective_permissions(b, acting_user_id.as_deref(), &instance.organization_id);
        let refresh_token = token(48);
        let (created, settings) = (unix_now(), &b.session_settings);
        let expires = created + settings.max_age_seconds;
        let session = Session {
            id: self.ids.next("agent_instance_session"),
            agent_instance_id: instance.id.clone(),
            expires_at: at(expires),
            revoked_at: None,
            refresh_hash: hash(&refresh_token),
            refresh_expires_at: at((created + settings.refresh_token_ttl_seconds).min(expires)),
            permissions,
            intent,
            acting_user_id,
            user_session_id,
            created_at: now(),
            updated_at: now(),
        };
        self.agents.sessions.push(session.clone());
        Opened { instance, new_instance, session, refresh_token }
    }

    /// The session and instance of a live agent access token minted under blueprint `b`.
    fn live_token(&self, b: &str, token: &str) -> ApiResult<(Session, Instance)> {
        let claims = verify(token, None)
            .filter(|c| c.get("agent_blueprint_id").is_some())
            .ok_or_else(|| invalid_grant("The agent access token is invalid or expired."))?;
        if claims["agent_blueprint_id"] != b {
            return Err(invalid_grant(format!(
                "The agent access token was not minted under blueprint '{b}'."
            )));
        }
        let sid = claims["sid"].as_str().unwrap_or_default();
        let session =
            self.agents.sessions.find(sid).ok_or_else(|| invalid_session("The agent's session is gone."))?;
        self.live_session(session)?;
        let instance = self.agents.instances.get(&session.agent_instance_id)?;
        Ok((session.clone(), instance.clone()))
    }

    /// Whether a session is active and its delegating user still signed in (a 400
    /// `invalid_session` otherwise).
    fn live_session(&self, session: &Session) -> ApiResult<()> {
        let status = session.status();
        if status != "active" {
            return Err(invalid_session(format!("The agent's session is {status}.")));
        }
        let user_session = session.user_session_id.as_deref();
        if user_session
            .is_some_and(|sid| self.auth_sessions.iter().any(|s| s.id == sid && s.status != "active"))
        {
            return Err(invalid_session("The delegating user's session has ended."));
        }
        Ok(())
    }

    /// The delegating user, their membership and sign-in session, from a user access token.
    fn delegating_user(
        &self,
        b: &Blueprint,
        token: &str,
    ) -> ApiResult<(String, String, String, Option<String>)> {
        let claims = verify(token, None)
            .filter(|c| c.get("agent_blueprint_id").is_none())
            .ok_or_else(|| invalid_grant("The user access token is invalid or expired."))?;
        let (Some(user), Some(org)) = (claims["sub"].as_str(), claims["org_id"].as_str()) else {
            return Err(invalid_request("The user access token names no organization."));
        };
        let sid = claims["sid"].as_str().map(str::to_owned);
        if sid
            .as_deref()
            .is_some_and(|sid| self.auth_sessions.iter().any(|s| s.id == sid && s.status != "active"))
        {
            return Err(invalid_grant("The user's session has ended."));
        }
        let membership = self
            .membership_of(user, org)
            .ok_or_else(|| forbidden(format!("The user is not a member of organization '{org}'.")))?;
        let roles = &b.invocable_by.role_slugs;
        if !roles.is_empty() && !access_of(self, user, Some(org)).1.iter().any(|r| roles.contains(r)) {
            return Err(forbidden(format!("Blueprint '{}' may only be invoked by roles {roles:?}.", b.id)));
        }
        Ok((user.to_owned(), org.to_owned(), membership.id.clone(), sid))
    }

    /// Mints an agent token from blueprint `id`.
    pub(crate) fn mint_agent_token(&mut self, id: &str, input: MintToken) -> ApiResult<AgentToken> {
        let b = self.agents.blueprints.get(id)?.clone();
        let kind = input.kind.as_str();
        let opened = match kind {
            "user_delegated" => {
                let token = required(input.user_access_token.as_ref(), "user_access_token", kind)?;
                let (user, org, membership, sid) = self.delegating_user(&b, token)?;
                allowed(&b, InstanceType::Delegated, &org)?;
                let instance = self.instance_for(&b, &org, Some(membership), InstanceType::Delegated);
                self.open_session(&b, instance, input.intent, Some((user, sid)))
            }
            "autonomous" => {
                let org = required(input.organization_id.as_ref(), "organization_id", kind)?;
                self.organization(org)?;
                allowed(&b, InstanceType::Autonomous, org)?;
                let instance = self.instance_for(&b, org, None, InstanceType::Autonomous);
                self.open_session(&b, instance, input.intent, None)
            }
            "agent_delegated" => {
                let token = required(input.agent_access_token.as_ref(), "agent_access_token", kind)?;
                let (session, instance) = self.live_token(id, token)?;
                allowed(&b, instance.kind, &instance.organization_id)?;
                let user = session.acting_user_id.map(|u| (u, session.user_session_id));
                self.open_session(&b, (instance, false), input.intent, user)
            }
            "refresh" => {
                let token = required(input.refresh_token.as_ref(), "refresh_token", kind)?;
                self.refresh_agent_session(&b, token)?
            }
            other => {
                return Err(invalid_request(format!(
                    "type must be user_delegated, autonomous, agent_delegated or refresh, not '{other}'."
                )));
            }
        };
        self.agent_token(&b, opened)
    }

    /// Continues the session of a refresh token: the token is used up and replaced, and the
    /// permissions are re-derived.
    fn refresh_agent_session(&mut self, b: &Blueprint, token: &str) -> ApiResult<Opened> {
        let wanted = hash(token);
        let session = self.agents.sessions.iter().find(|s| s.refresh_hash == wanted);
        let instance = session.and_then(|s| self.agents.instances.find(&s.agent_instance_id));
        let (Some(session), Some(instance)) = (session, instance) else {
            return Err(invalid_grant("The refresh token is invalid or was used."));
        };
        if instance.agent_blueprint_id != b.id {
            return Err(invalid_grant(format!(
                "The refresh token was not issued under blueprint '{}'.",
                b.id
            )));
        }
        self.live_session(session)?;
        if crate::model::ids::is_past(&session.refresh_expires_at) {
            return Err(invalid_grant("The refresh token expired."));
        }
        allowed(b, instance.kind, &instance.organization_id)?;
        let instance = instance.clone();
        let permissions =
            self.effective_permissions(b, session.acting_user_id.as_deref(), &instance.organization_id);
        let refresh_token = crate::model::ids::token(48);
        let refresh_expires =
            (unix_now() + b.session_settings.refresh_token_ttl_seconds).min(secs(&session.expires_at));
        let session = self.agents.sessions.get_mut(&session.id.clone())?;
        session.refresh_hash = hash(&refresh_token);
        session.refresh_expires_at = at(refresh_expires);
        session.permissions = permissions;
        session.updated_at = now();
        Ok(Opened { instance, new_instance: false, session: session.clone(), refresh_token })
    }

    /// The access token of an opened session: the blueprint's lifetime, never past the session.
    fn agent_token(&self, b: &Blueprint, opened: Opened) -> ApiResult<AgentToken> {
        let Opened { instance, new_instance, session, refresh_token } = opened;
        let issued = unix_now();
        let exp = (issued + b.session_settings.access_token_ttl_seconds).min(secs(&session.expires_at));
        let mut claims = json!({
            "iss": "workos-emulator/agents",
            "sub": instance.id,
            "agent_blueprint_id": b.id,
            "sid": session.id,
            "org_id": instance.organization_id,
            "permissions": session.permissions,
            "iat": issued,
            "exp": exp,
        });
        if let Some(text) = &session.intent {
            claims["intent"] = json!({ "text": text });
        }
        if let Some(user) = &session.acting_user_id {
            claims["act"] = json!({ "sub": user });
        }
        Ok(AgentToken {
            access_token: sign(&claims)?,
            token_type: "Bearer",
            expires_in: exp.saturating_sub(issued),
            refresh_token,
            agent_instance_id: instance.id,
            new_instance,
            agent_instance_session_id: session.id,
            permissions: session.permissions,
        })
    }

    /// Validates an agent access token minted under blueprint `id`: what it carries, while
    /// its session is live.
    pub(crate) fn validate_agent_token(&self, id: &str, input: &ValidateToken) -> ApiResult<TokenValidation> {
        self.agents.blueprints.get(id)?;
        if input.agent_access_token.is_empty() {
            return Err(invalid_request("agent_access_token must not be empty."));
        }
        let (session, instance) = self.live_token(id, &input.agent_access_token)?;
        let claims = verify(&input.agent_access_token, None).unwrap_or_default();
        let text = |v: &Value| v.as_str().map(str::to_owned);
        Ok(TokenValidation {
            valid: true,
            agent_instance_id: instance.id,
            agent_instance_session_id: session.id,
            organization_id: instance.organization_id,
            permissions: serde_json::from_value(claims["permissions"].clone()).unwrap_or_default(),
            intent: text(&claims["intent"]["text"]),
            acting_user_id: text(&claims["act"]["sub"]),
            session_expires_at: session.expires_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::authorization::fixtures::permission;
    use crate::model::list::Query;
    use crate::model::testing::{membership, organization, user};

    fn input<T: serde::de::DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).expect("a valid input")
    }

    /// A store with a permission, an organization with a member, and a blueprint; the
    /// organization's id, the blueprint's id, and a user access token of the member.
    fn setting() -> (Store, String, String, String) {
        let mut store = Store::default();
        store.create_permission(permission("docs:read")).expect("permission");
        let org = organization(&mut store, "Acme").id;
        let ada = user(&mut store, "ada@x.test").id;
        membership(&mut store, &ada, &org);
        let b = store
            .create_agent_blueprint(input(json!({"name": "Helper", "permissions": ["docs:read"]})))
            .expect("blueprint")
            .id;
        let token = sign(&json!({"sub": ada, "org_id": org, "sid": "session_1", "exp": unix_now() + 60}))
            .expect("signed");
        (store, org, b, token)
    }

    fn mint(store: &mut Store, b: &str, body: Value) -> ApiResult<AgentToken> {
        store.mint_agent_token(b, input(body))
    }

    fn validate(store: &Store, b: &str, token: &str) -> ApiResult<TokenValidation> {
        store.validate_agent_token(b, &input(json!({"agent_access_token": token})))
    }

    fn code(e: &ApiError) -> (u16, Option<&'static str>) {
        (e.status.as_u16(), e.code)
    }

    #[test]
    fn a_mint_makes_an_instance_once_and_a_session_each_time() {
        let (mut store, org, b, user_token) = setting();
        let first = mint(
            &mut store,
            &b,
            json!({"type": "user_delegated", "user_access_token": user_token,
            "intent": "triage"}),
        )
        .expect("minted");
        assert!(first.new_instance && first.permissions.is_empty(), "the member lacks docs:read");
        let again = mint(&mut store, &b, json!({"type": "user_delegated", "user_access_token": user_token}))
            .expect("minted");
        assert_eq!((again.new_instance, &again.agent_instance_id), (false, &first.agent_instance_id));
        assert_ne!(again.agent_instance_session_id, first.agent_instance_session_id);
        let valid = validate(&store, &b, &first.access_token).expect("valid");
        assert_eq!((valid.intent.as_deref(), valid.organization_id.as_str()), (Some("triage"), org.as_str()));
        assert!(valid.acting_user_id.is_some_and(|u| u.starts_with("user_")));
        let alone =
            mint(&mut store, &b, json!({"type": "autonomous", "organization_id": org})).expect("minted");
        assert!(alone.new_instance && alone.permissions == ["docs:read"]);
        assert!(validate(&store, &b, &alone.access_token).expect("valid").acting_user_id.is_none());
        let instance = store.agent_instance(&alone.agent_instance_id).expect("instance");
        assert_eq!(
            (instance.kind, instance.organization_membership_id.as_ref()),
            (InstanceType::Autonomous, None)
        );
        let q = |raw: &str| Query::parse(Some(raw)).expect("query");
        assert_eq!(
            store.agent_instances(&q(&format!("agent_blueprint_id={b}")))["data"].as_array().map(Vec::len),
            Some(2)
        );
        let of_first = format!("agent_instance_id={}", first.agent_instance_id);
        assert_eq!(store.agent_sessions(&q(&of_first))["data"].as_array().map(Vec::len), Some(2));
        assert_eq!(
            store.agent_sessions(&q("organization_id=org_9"))["data"].as_array().map(Vec::len),
            Some(0)
        );
    }

    #[test]
    fn a_refresh_rotates_and_an_agent_chains_on_its_instance() {
        let (mut store, org, b, _) = setting();
        let made =
            mint(&mut store, &b, json!({"type": "autonomous", "organization_id": org})).expect("minted");
        let refreshed = mint(&mut store, &b, json!({"type": "refresh", "refresh_token": made.refresh_token}))
            .expect("refreshed");
        assert_eq!(refreshed.agent_instance_session_id, made.agent_instance_session_id);
        assert!(!refreshed.new_instance && refreshed.expires_in > 0);
        let e = mint(&mut store, &b, json!({"type": "refresh", "refresh_token": made.refresh_token}))
            .expect_err("used");
        assert_eq!(code(&e), (400, Some("invalid_grant")));
        let chained =
            mint(&mut store, &b, json!({"type": "agent_delegated", "agent_access_token": made.access_token}))
                .expect("chained");
        assert_eq!(chained.agent_instance_id, made.agent_instance_id);
        assert_ne!(chained.agent_instance_session_id, made.agent_instance_session_id);
        let other = store.create_agent_blueprint(input(json!({"name": "Other"}))).expect("blueprint").id;
        assert_eq!(
            code(&validate(&store, &other, &made.access_token).expect_err("other")),
            (400, Some("invalid_grant"))
        );
        assert_eq!(
            code(&validate(&store, &b, "nope").expect_err("not a token")),
            (400, Some("invalid_grant"))
        );
        let revoked = store.revoke_agent_session(&made.agent_instance_session_id).expect("revoked");
        let twice = store.revoke_agent_session(&made.agent_instance_session_id).expect("revoked twice");
        assert_eq!((revoked.status, &revoked.revoked_at), ("revoked", &twice.revoked_at));
        assert_eq!(
            code(&validate(&store, &b, &made.access_token).expect_err("revoked")),
            (400, Some("invalid_session"))
        );
        let e = mint(&mut store, &b, json!({"type": "refresh", "refresh_token": refreshed.refresh_token}))
            .expect_err("revoked");
        assert_eq!(code(&e), (400, Some("invalid_session")));
        assert!(validate(&store, &b, &chained.access_token).is_ok(), "another session of the instance");
        store.delete_agent_instance(&made.agent_instance_id).expect("deleted");
        assert_eq!(
            code(&validate(&store, &b, &chained.access_token).expect_err("gone")),
            (400, Some("invalid_session"))
        );
        assert_eq!(
            store.agent_session(&chained.agent_instance_session_id).expect_err("gone").status.as_u16(),
            404
        );
    }

    #[test]
    fn an_expired_session_is_answered_as_it_is() {
        let (mut store, org, b, _) = setting();
        let made =
            mint(&mut store, &b, json!({"type": "autonomous", "organization_id": org})).expect("minted");
        let id = made.agent_instance_session_id;
        store.agents.sessions.get_mut(&id).expect("there").expires_at = "2000-01-01T00:00:00.000Z".to_owned();
        let revoked = store.revoke_agent_session(&id).expect("answered");
        assert_eq!((revoked.status, revoked.revoked_at), ("expired", None));
        assert_eq!(
            code(&validate(&store, &b, &made.access_token).expect_err("expired")),
            (400, Some("invalid_session"))
        );
    }

    #[test]
    fn a_mint_is_refused_what_the_blueprint_does_not_allow() {
        let (mut store, org, b, user_token) = setting();
        for (body, want) in [
            (json!({"type": "password"}), (400, Some("invalid_request"))),
            (json!({"type": "autonomous"}), (400, Some("invalid_request"))),
            (json!({"type": "autonomous", "organization_id": "org_9"}), (404, Some("entity_not_found"))),
            (json!({"type": "user_delegated", "user_access_token": "nope"}), (400, Some("invalid_grant"))),
            (
                json!({"type": "agent_delegated", "agent_access_token": user_token}),
                (400, Some("invalid_grant")),
            ),
        ] {
            assert_eq!(code(&mint(&mut store, &b, body.clone()).expect_err("refused")), want, "{body}");
        }
        let only_admins = json!({"invocable_by": {"role_slugs": ["admin"]}, "invocable_as": {"instance_types": ["delegated"]}});
        store.update_agent_blueprint(&b, input(only_admins)).expect("updated");
        let e = mint(&mut store, &b, json!({"type": "user_delegated", "user_access_token": user_token}))
            .expect_err("role");
        assert_eq!(code(&e), (403, Some("forbidden")));
        let e =
            mint(&mut store, &b, json!({"type": "autonomous", "organization_id": org})).expect_err("type");
        assert_eq!(code(&e), (403, Some("forbidden")));
        let e =
            mint(&mut store, "agent_blueprint_9", json!({"type": "autonomous"})).expect_err("no blueprint");
        assert_eq!(e.message, "Agent blueprint not found: 'agent_blueprint_9'.");
        store.delete_agent_blueprint(&b).expect("deleted");
        assert!(store.agents.instances.is_empty() && store.agents.sessions.is_empty());
    }
}
