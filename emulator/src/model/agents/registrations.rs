//! Agent registrations: AI agents registered in an organization, the credentials they present
//! (an API key, or an access token signed by the emulator's key), and the claim that links a
//! registration to a user of the service.
//!
//! Agents register with WorkOS outside the document's operations; the emulator's
//! [`Store::register_agent`] stands for it and answers with the registration's id, its API key
//! and access token, and its claim attempt token and user code.

use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest as _, Sha256};

use crate::model::connect::{ExternalUser, Upsert, upsert_external_user};
use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::{in_minutes, is_past, now};
use crate::model::user_management::signin::tokens::{sign, verify};
use crate::model::{MAX_CODES, Name, Store, push_bounded};

records!(
    Registration => "Agent registration",
);

/// An agent's registration (its API key kept as a hash).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Registration {
    id: String,
    identity_id: String,
    user_id: Option<String>,
    organization_id: String,
    status: String,
    kind: String,
    /// SHA-256 of the API key, hex.
    key_hash: String,
    claim: Claim,
    created_at: String,
    updated_at: String,
    /// When it was revoked.
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

/// What registering an agent hands it: its credentials and what its claim needs.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Registered {
    object: Name,
    registration_id: String,
    api_key: String,
    access_token: String,
    claim_attempt_token: String,
    user_code: String,
}

/// The document's `AgentRegistration`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AgentRegistration {
    id: String,
    agent_identity: AgentIdentity,
    organization_id: String,
    status: String,
    kind: String,
    claim: ClaimAnswer,
    created_at: String,
    updated_at: String,
    revoked_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct AgentIdentity {
    id: String,
    userland_user_id: Option<String>,
    created_at: String,
    updated_at: String,
}

#[derive(Debug, Clone, Serialize)]
struct ClaimAnswer {
    id: String,
    claim_completion: Option<ClaimCompletion>,
    created_at: String,
    updated_at: String,
    expires_at: String,
}

#[derive(Debug, Clone, Serialize)]
struct ClaimCompletion {
    id: String,
    created_at: String,
    updated_at: String,
    expires_at: String,
    claimed_at: String,
}

impl Registration {
    fn answer(&self) -> AgentRegistration {
        let c = &self.claim;
        AgentRegistration {
            id: self.id.clone(),
            agent_identity: AgentIdentity {
                id: self.identity_id.clone(),
                userland_user_id: self.user_id.clone(),
                created_at: self.created_at.clone(),
                updated_at: self.updated_at.clone(),
            },
            organization_id: self.organization_id.clone(),
            status: self.status.clone(),
            kind: self.kind.clone(),
            claim: ClaimAnswer {
                id: c.id.clone(),
                claim_completion: c.completion.as_ref().map(|(id, at)| ClaimCompletion {
                    id: id.clone(),
                    created_at: at.clone(),
                    updated_at: at.clone(),
                    expires_at: c.expires_at.clone(),
                    claimed_at: at.clone(),
                }),
                created_at: c.created_at.clone(),
                updated_at: c.updated_at.clone(),
                expires_at: c.expires_at.clone(),
            },
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            revoked_at: self.revoked_at.clone(),
        }
    }

    /// Whether its credentials still validate.
    fn live(&self) -> bool {
        self.status != "revoked" && self.status != "expired"
    }
}

/// Whether a credential validates, and whose it is.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Validation {
    valid: bool,
    registration_id: Option<String>,
    expires_at: Option<String>,
}

/// The answer to a claim: the claim, and the organization the agent is now a user's agent in.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ClaimLinked {
    id: String,
    status: String,
    user_code: String,
    organizations: Vec<OrganizationRef>,
}

#[derive(Debug, Clone, Serialize)]
struct OrganizationRef {
    id: String,
    name: String,
}

/// `POST /_emulator/agents/registrations`.
#[derive(Debug, Deserialize)]
pub(crate) struct RegisterAgent {
    organization_id: String,
    kind: Option<String>,
}

/// `POST /agents/credentials/validate`.
#[derive(Debug, Deserialize)]
pub(crate) struct ValidateCredential {
    #[serde(rename = "type")]
    kind: String,
    credential: String,
    audience: Option<String>,
}

/// `PATCH /agents/claims/attempts`.
#[derive(Debug, Deserialize)]
pub(crate) struct LinkClaim {
    #[serde(rename = "type")]
    kind: String,
    claim_attempt_token: String,
    user: ExternalUser,
    organization_id: Option<String>,
}

/// The agents' operations answer a bad request with a 400 `invalid_request`.
pub(crate) fn invalid_request(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid_request", message)
}

fn claim_error(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::with_status(status, code, message)
}

impl Store {
    /// Registers an agent in an organization: `unverified` until claimed, its claim open an hour.
    pub(crate) fn register_agent(&mut self, input: RegisterAgent) -> ApiResult<Registered> {
        let kind = input.kind.unwrap_or_else(|| "anonymous".to_owned());
        if !matches!(kind.as_str(), "anonymous" | "service_auth" | "identity_assertion") {
            return Err(ApiError::invalid_field(
                "kind",
                "invalid",
                format!("'{kind}' is not an agent kind."),
            ));
        }
        self.organization(&input.organization_id)?;
        let api_key = format!("sk_agent_{}", crate::model::ids::token(40));
        let at = now();
        let registration = Registration {
            id: self.ids.next("agent_registration"),
            identity_id: self.ids.next("agent_identity"),
            user_id: None,
            organization_id: input.organization_id,
            status: "unverified".to_owned(),
            kind,
            key_hash: hash(&api_key),
            claim: Claim {
                id: self.ids.next("agent_claim"),
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
        let access_token = sign(&json!({
            "sub": registration.identity_id,
            "agent_registration_id": registration.id,
            "aud": "workos-emulator",
            "iat": now_secs,
            "exp": now_secs + 3600,
        }))?;
        let answer = Registered {
            object: "agent_registration",
            registration_id: registration.id.clone(),
            api_key,
            access_token,
            claim_attempt_token: registration.claim.token.clone(),
            user_code: registration.claim.user_code.clone(),
        };
        push_bounded(&mut self.agents.registrations, registration, MAX_CODES);
        Ok(answer)
    }

    pub(crate) fn agent_registration(&self, id: &str) -> ApiResult<AgentRegistration> {
        Ok(self.agents.registrations.get(id)?.answer())
    }

    /// Revokes a registration: its credentials stop validating; revoking twice answers the same.
    pub(crate) fn revoke_agent_registration(&mut self, id: &str) -> ApiResult<AgentRegistration> {
        let r = self.agents.registrations.get_mut(id)?;
        if r.revoked_at.is_none() {
            let at = now();
            r.status = "revoked".to_owned();
            r.revoked_at = Some(at.clone());
            r.updated_at = at;
        }
        Ok(r.answer())
    }

    /// Whether the credential is a live registration's API key or access token.
    pub(crate) fn validate_agent_credential(&self, input: &ValidateCredential) -> ApiResult<Validation> {
        if input.credential.is_empty() {
            return Err(invalid_request("credential must not be empty."));
        }
        let live = self.agents.registrations.iter().filter(|r| r.live());
        let found = match input.kind.as_str() {
            "api_key" => {
                let wanted = hash(&input.credential);
                live.into_iter().find(|r| r.key_hash == wanted).map(|r| (r.id.clone(), None))
            }
            "access_token" => verify(&input.credential, input.audience.as_deref()).and_then(|claims| {
                let id = claims["agent_registration_id"].as_str()?;
                let r = live.into_iter().find(|r| r.id == id)?;
                let exp = claims["exp"].as_i64().and_then(|s| chrono::DateTime::from_timestamp(s, 0));
                Some((r.id.clone(), exp.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))))
            }),
            other => {
                return Err(invalid_request(format!("type must be api_key or access_token, not '{other}'.")));
            }
        };
        let valid = found.is_some();
        let (registration_id, expires_at) = found.map_or((None, None), |(id, at)| (Some(id), at));
        Ok(Validation { valid, registration_id, expires_at })
    }

    /// Links the registration whose claim attempt token `input` gives to the service's user
    /// (made when the service's id is new): the agent becomes `verified`.
    pub(crate) fn link_agent_claim(&mut self, input: &LinkClaim) -> ApiResult<ClaimLinked> {
        if input.kind != "link_external_user" {
            return Err(invalid_request("type must be link_external_user."));
        }
        let at = self.agents.registrations.iter().position(|r| r.claim.token == input.claim_attempt_token);
        let at = at.ok_or_else(|| {
            claim_error(StatusCode::BAD_REQUEST, "invalid_claim", "No claim attempt has that token.")
        })?;
        let r = &self.agents.registrations[at];
        if r.claim.completion.is_some() {
            return Err(claim_error(
                StatusCode::CONFLICT,
                "already_claimed",
                "The agent was already claimed.",
            ));
        }
        if is_past(&r.claim.expires_at) {
            return Err(claim_error(StatusCode::GONE, "claim_expired", "The claim expired."));
        }
        if input.organization_id.as_deref().is_some_and(|o| o != r.organization_id) {
            return Err(claim_error(
                StatusCode::BAD_REQUEST,
                "invalid_organization",
                "The agent is registered in another organization.",
            ));
        }
        let org = r.organization_id.clone();
        let user = upsert_external_user(self, &input.user)?.map_err(|e| match e {
            Upsert::EmailChanged => claim_error(
                StatusCode::BAD_REQUEST,
                "email_mismatch",
                "The user of that external id has another email.",
            ),
            Upsert::EmailTaken => {
                claim_error(StatusCode::CONFLICT, "email_already_in_use", "Another user has that email.")
            }
        })?;
        let org_name = self.organization(&org)?.name.clone();
        let completion = (self.ids.next("agent_claim_completion"), now());
        let r = &mut self.agents.registrations[at];
        r.user_id = Some(user);
        r.status = "verified".to_owned();
        r.claim.completion = Some(completion);
        r.claim.updated_at = now();
        r.updated_at = now();
        Ok(ClaimLinked {
            id: r.claim.id.clone(),
            status: r.status.clone(),
            user_code: r.claim.user_code.clone(),
            organizations: vec![OrganizationRef { id: org, name: org_name }],
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn input<T: serde::de::DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).expect("a valid input")
    }

    /// A store with an organization, and an agent registered in it.
    fn registered() -> (Store, String, Registered) {
        let mut store = Store::default();
        let org = store
            .create_organization(crate::model::organizations::CreateOrganization::named("Agents Inc"))
            .expect("organization")
            .id
            .clone();
        let made = store.register_agent(input(json!({"organization_id": org}))).expect("registered");
        (store, org, made)
    }

    fn validate(
        store: &Store,
        kind: &str,
        credential: &str,
        audience: Option<&str>,
    ) -> ApiResult<Validation> {
        store.validate_agent_credential(&input(
            json!({"type": kind, "credential": credential, "audience": audience}),
        ))
    }

    fn claim(token: &str, email: &str, external_id: &str) -> LinkClaim {
        input(json!({"type": "link_external_user", "claim_attempt_token": token,
            "user": {"email": email, "external_id": external_id}}))
    }

    #[test]
    fn registering_checks_the_kind_and_organization() {
        let (mut store, org, made) = registered();
        let got = store.agent_registration(&made.registration_id).expect("found");
        assert_eq!((got.status.as_str(), got.kind.as_str()), ("unverified", "anonymous"));
        let e = store.register_agent(input(json!({"organization_id": org, "kind": "robot"}))).unwrap_err();
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "kind"));
        let e = store.register_agent(input(json!({"organization_id": "org_missing"}))).unwrap_err();
        assert_eq!(e.message, "Organization not found: 'org_missing'.");
        let e = store.agent_registration("agent_registration_missing").unwrap_err();
        assert_eq!(e.message, "Agent registration not found: 'agent_registration_missing'.");
        assert_eq!(
            store.revoke_agent_registration("agent_registration_missing").unwrap_err().status.as_u16(),
            404
        );
    }

    #[test]
    fn credentials_validate_until_revoked() {
        let (mut store, _, made) = registered();
        let by_key = validate(&store, "api_key", &made.api_key, None).expect("validated");
        assert!(by_key.valid && by_key.registration_id.as_deref() == Some(made.registration_id.as_str()));
        assert!(by_key.expires_at.is_none(), "an API key does not expire");
        let by_token =
            validate(&store, "access_token", &made.access_token, Some("workos-emulator")).expect("validated");
        assert!(by_token.valid && by_token.expires_at.is_some());
        assert!(
            !validate(&store, "access_token", &made.access_token, Some("other")).expect("answered").valid
        );
        assert!(!validate(&store, "api_key", "sk_nope", None).expect("answered").valid);
        assert_eq!(validate(&store, "password", "x", None).unwrap_err().code, Some("invalid_request"));
        assert_eq!(validate(&store, "api_key", "", None).unwrap_err().status.as_u16(), 400);
        let revoked = store.revoke_agent_registration(&made.registration_id).expect("revoked");
        let again = store.revoke_agent_registration(&made.registration_id).expect("revoked twice");
        assert_eq!((revoked.status.as_str(), &revoked.revoked_at), ("revoked", &again.revoked_at));
        assert!(!validate(&store, "api_key", &made.api_key, None).expect("answered").valid);
        assert!(!validate(&store, "access_token", &made.access_token, None).expect("answered").valid);
    }

    #[test]
    fn a_claim_links_the_service_user_once() {
        let (mut store, org, made) = registered();
        let wrong_org =
            input(json!({"type": "link_external_user", "claim_attempt_token": made.claim_attempt_token,
            "user": {"email": "o@x.test", "id": "ext_o"}, "organization_id": "org_other"}));
        assert_eq!(store.link_agent_claim(&wrong_org).unwrap_err().code, Some("invalid_organization"));
        let linked =
            store.link_agent_claim(&claim(&made.claim_attempt_token, "o@x.test", "ext_o")).expect("linked");
        assert_eq!(
            (linked.status.as_str(), linked.user_code.as_str()),
            ("verified", made.user_code.as_str())
        );
        assert_eq!(linked.organizations[0].id, org);
        let got = store.agent_registration(&made.registration_id).expect("found");
        assert_eq!(
            got.agent_identity.userland_user_id,
            store.user_by_external("ext_o").map(|u| u.id.clone())
        );
        assert!(got.claim.claim_completion.is_some());
        let e = store.link_agent_claim(&claim(&made.claim_attempt_token, "o@x.test", "ext_o")).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (409, Some("already_claimed")));
        let e = store.link_agent_claim(&claim("nope", "o@x.test", "ext_o")).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (400, Some("invalid_claim")));
    }

    #[test]
    fn a_claim_refuses_a_changed_or_taken_email_and_an_expired_claim() {
        let (mut store, org, first) = registered();
        store.link_agent_claim(&claim(&first.claim_attempt_token, "o@x.test", "ext_o")).expect("linked");
        let other = store.register_agent(input(json!({"organization_id": org}))).expect("registered");
        let e =
            store.link_agent_claim(&claim(&other.claim_attempt_token, "new@x.test", "ext_o")).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (400, Some("email_mismatch")));
        let e = store.link_agent_claim(&claim(&other.claim_attempt_token, "o@x.test", "ext_2")).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (409, Some("email_already_in_use")));
        store.agents.registrations.get_mut(&other.registration_id).expect("there").claim.expires_at =
            "2000-01-01T00:00:00.000Z".to_owned();
        let e = store.link_agent_claim(&claim(&other.claim_attempt_token, "n@x.test", "ext_n")).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (410, Some("claim_expired")));
        let e = store
            .link_agent_claim(&input(json!({"type": "other", "claim_attempt_token": "x",
            "user": {"email": "a@x.test", "id": "e"}})))
            .unwrap_err();
        assert_eq!(e.code, Some("invalid_request"));
    }
}
