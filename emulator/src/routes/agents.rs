//! Agents: registrations of AI agents in an organization, the credentials they present (an API
//! key, or an access token signed by the emulator's key), and the claim that links a
//! registration to a user of the service.
//!
//! Agents register with WorkOS outside the document's operations; the emulator's
//! `POST /_emulator/agents/registrations` (`{organization_id, kind}`) stands for it and answers
//! with the registration's id, its API key and access token, and its claim attempt token and
//! user code.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use super::connect::{ExternalUser, Upsert, upsert_external_user};
use super::{Db, created, ok};
use crate::model::error::{ApiError, ApiResult, parse_body};
use crate::model::ids::{in_minutes, is_past, now};
use crate::model::{MAX_CODES, Store, push_bounded};

/// Registrations, newest last.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct AgentsData {
    registrations: Vec<Registration>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Registration {
    id: String,
    identity_id: String,
    user_id: Option<String>,
    organization_id: String,
    status: String,
    kind: String,
    key_hash: String,
    claim: Claim,
    created_at: String,
    updated_at: String,
    /// When it was revoked (`POST /agents/registrations/{id}/revoke`).
    #[serde(default)]
    revoked_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Claim {
    id: String,
    token: String,
    user_code: String,
    expires_at: String,
    /// `(id, claimed at)` once claimed.
    completion: Option<(String, String)>,
    created_at: String,
    updated_at: String,
}

fn hash(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

impl Registration {
    fn answer(&self) -> Value {
        let c = &self.claim;
        json!({
            "id": self.id,
            "agent_identity": {
                "id": self.identity_id,
                "userland_user_id": self.user_id,
                "created_at": self.created_at,
                "updated_at": self.updated_at,
            },
            "organization_id": self.organization_id,
            "status": self.status,
            "kind": self.kind,
            "claim": {
                "id": c.id,
                "claim_completion": c.completion.as_ref().map(|(id, at)| json!({
                    "id": id, "created_at": at, "updated_at": at, "expires_at": c.expires_at, "claimed_at": at,
                })),
                "created_at": c.created_at,
                "updated_at": c.updated_at,
                "expires_at": c.expires_at,
            },
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "revoked_at": self.revoked_at,
        })
    }
}

#[derive(Deserialize)]
struct RegisterDto {
    organization_id: String,
    kind: Option<String>,
}

/// `POST /_emulator/agents/registrations`.
pub(super) async fn register(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: RegisterDto = parse_body(&body)?;
    let kind = dto.kind.unwrap_or_else(|| "anonymous".to_owned());
    if !matches!(kind.as_str(), "anonymous" | "service_auth" | "identity_assertion") {
        return Err(ApiError::invalid_field("kind", "invalid", format!("'{kind}' is not an agent kind.")));
    }
    let mut store = db.store();
    store.organization(&dto.organization_id)?;
    let api_key = format!("sk_agent_{}", crate::model::ids::token(40));
    let at = now();
    let registration = Registration {
        id: store.ids.next("agent_registration"),
        identity_id: store.ids.next("agent_identity"),
        user_id: None,
        organization_id: dto.organization_id,
        status: "unverified".to_owned(),
        kind,
        key_hash: hash(&api_key),
        claim: Claim {
            id: store.ids.next("agent_claim"),
            token: crate::model::ids::token(32),
            user_code: crate::model::ids::code(),
            expires_at: in_minutes(60),
            completion: None,
            created_at: at.clone(),
            updated_at: at.clone(),
        },
        created_at: at.clone(),
        updated_at: at,
        revoked_at: None,
    };
    let now_secs = crate::model::ids::unix_now();
    let access_token = crate::routes::user_management::authenticate::sign(&json!({
        "sub": registration.identity_id,
        "agent_registration_id": registration.id,
        "aud": "workos-emulator",
        "iat": now_secs,
        "exp": now_secs + 3600,
    }))?;
    let answer = json!({
        "object": "agent_registration",
        "registration_id": registration.id,
        "api_key": api_key,
        "access_token": access_token,
        "claim_attempt_token": registration.claim.token,
        "user_code": registration.claim.user_code,
    });
    push_bounded(&mut store.agents.registrations, registration, MAX_CODES);
    Ok(created(answer))
}

pub(super) async fn get(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    let r = store
        .agents
        .registrations
        .iter()
        .find(|r| r.id == id)
        .ok_or_else(|| ApiError::not_found("Agent registration", &id))?;
    Ok(ok(r.answer()))
}

/// Revokes a registration: its credentials stop validating; revoking twice answers the same.
pub(super) async fn revoke(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    let r = store
        .agents
        .registrations
        .iter_mut()
        .find(|r| r.id == id)
        .ok_or_else(|| ApiError::not_found("Agent registration", &id))?;
    if r.revoked_at.is_none() {
        let at = crate::model::ids::now();
        r.status = "revoked".to_owned();
        r.revoked_at = Some(at.clone());
        r.updated_at = at;
    }
    Ok(ok(r.answer()))
}

#[derive(Deserialize)]
struct ValidateDto {
    #[serde(rename = "type")]
    kind: String,
    credential: String,
    audience: Option<String>,
}

fn invalid_request(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid_request", message)
}

/// `POST /agents/credentials/validate`: whether the credential is a live registration's.
pub(super) async fn validate(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: ValidateDto = parse_body(&body).map_err(|e| invalid_request(e.message))?;
    if dto.credential.is_empty() {
        return Err(invalid_request("credential must not be empty."));
    }
    let store = db.store();
    let live = |r: &&Registration| r.status != "revoked" && r.status != "expired";
    let found = match dto.kind.as_str() {
        "api_key" => {
            let wanted = hash(&dto.credential);
            store
                .agents
                .registrations
                .iter()
                .filter(live)
                .find(|r| r.key_hash == wanted)
                .map(|r| (r.id.clone(), None))
        }
        "access_token" => {
            crate::routes::user_management::authenticate::verify(&dto.credential, dto.audience.as_deref())
                .and_then(|claims| {
                    let id = claims["agent_registration_id"].as_str()?;
                    let r = store.agents.registrations.iter().filter(live).find(|r| r.id == id)?;
                    let exp = claims["exp"].as_i64().and_then(|s| chrono::DateTime::from_timestamp(s, 0));
                    Some((r.id.clone(), exp.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))))
                })
        }
        other => {
            return Err(invalid_request(format!("type must be api_key or access_token, not '{other}'.")));
        }
    };
    Ok(ok(match found {
        Some((id, expires_at)) => json!({ "valid": true, "registration_id": id, "expires_at": expires_at }),
        None => json!({ "valid": false, "registration_id": null, "expires_at": null }),
    }))
}

#[derive(Deserialize)]
struct ClaimDto {
    #[serde(rename = "type")]
    kind: String,
    claim_attempt_token: String,
    user: ExternalUser,
    organization_id: Option<String>,
}

fn claim_error(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::with_status(status, code, message)
}

/// `PATCH /agents/claims/attempts`: links the registration to the service's user.
pub(super) async fn link(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: ClaimDto = parse_body(&body).map_err(|e| invalid_request(e.message))?;
    if dto.kind != "link_external_user" {
        return Err(invalid_request("type must be link_external_user."));
    }
    let mut store = db.store();
    let at = registration_by_claim(&store, &dto.claim_attempt_token)?;
    let r = store.agents.registrations[at].clone();
    if r.claim.completion.is_some() {
        return Err(claim_error(StatusCode::CONFLICT, "already_claimed", "The agent was already claimed."));
    }
    if is_past(&r.claim.expires_at) {
        return Err(claim_error(StatusCode::GONE, "claim_expired", "The claim expired."));
    }
    if dto.organization_id.as_deref().is_some_and(|o| o != r.organization_id) {
        return Err(claim_error(
            StatusCode::BAD_REQUEST,
            "invalid_organization",
            "The agent is registered in another organization.",
        ));
    }
    let user = match upsert_external_user(&mut store, &dto.user)? {
        Ok(id) => id,
        Err(Upsert::EmailChanged) => {
            return Err(claim_error(
                StatusCode::BAD_REQUEST,
                "email_mismatch",
                "The user of that external id has another email.",
            ));
        }
        Err(Upsert::EmailTaken) => {
            return Err(claim_error(
                StatusCode::CONFLICT,
                "email_already_in_use",
                "Another user has that email.",
            ));
        }
    };
    let org_name = store.organization(&r.organization_id)?.name.clone();
    let completion = (store.ids.next("agent_claim_completion"), now());
    let r = &mut store.agents.registrations[at];
    r.user_id = Some(user);
    r.status = "verified".to_owned();
    r.claim.completion = Some(completion);
    r.claim.updated_at = now();
    r.updated_at = now();
    let answer = json!({
        "id": r.claim.id,
        "status": r.status,
        "user_code": r.claim.user_code,
        "organizations": [{ "id": r.organization_id, "name": org_name }],
    });
    Ok((StatusCode::OK, axum::Json(answer)).into_response())
}

fn registration_by_claim(store: &Store, token: &str) -> ApiResult<usize> {
    store.agents.registrations.iter().position(|r| r.claim.token == token).ok_or_else(|| {
        claim_error(StatusCode::BAD_REQUEST, "invalid_claim", "No claim attempt has that token.")
    })
}
