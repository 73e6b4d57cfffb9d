//! The end of an OAuth flow started with a `code_challenge` (PKCE S256): the provider's consent
//! gives a `connect_code` instead of installing the account, and the service saves the account
//! with `POST /data-integrations/finish`, the code and the verifier behind the challenge.
//!
//! A code is used once, whatever happens (a wrong verifier uses it up), and expires 90 seconds
//! after the consent, as the document's `DataIntegrationsFinishConnectionRequest` says. The
//! operation declares 400 and 403 only: a refused code or verifier is a 400 `invalid_request`,
//! the code the emulator already answers a refused Pipes authorization with.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::accounts::ConnectedAccount;
use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::{is_past, token};
use crate::model::{MAX_CODES, Store, push_bounded};

/// An authorization URL handed out, by its `state`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Flow {
    pub(super) state: String,
    pub(super) slug: String,
    pub(super) user_id: String,
    pub(super) organization_id: Option<String>,
    pub(super) return_to: Option<String>,
    /// The PKCE S256 challenge: the consent then waits for `POST /data-integrations/finish`.
    #[serde(default)]
    pub(super) code_challenge: Option<String>,
}

/// A consented flow waiting for its finish.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ConnectCode {
    code: String,
    expires_at: String,
    flow: Flow,
}

/// `DataIntegrationsFinishConnectionRequest`; `state` only correlates logs.
#[derive(Debug, Deserialize)]
pub(crate) struct FinishInput {
    connect_code: String,
    code_verifier: String,
    #[allow(dead_code, reason = "the document's field, read by no rule")]
    state: Option<String>,
}

/// `DataIntegrationFinishConnectionResponse`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Finished {
    connected_account: ConnectedAccount,
}

/// A verifier as RFC 7636 writes it: 43 to 128 characters of `A-Z a-z 0-9 - . _ ~`.
fn well_formed(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

fn refused(message: &str) -> ApiError {
    ApiError::bad_request("invalid_request", message)
}

impl Store {
    /// Keeps a consented flow for its finish: the `connect_code` the service finishes it with.
    pub(super) fn hold_for_finish(&mut self, flow: Flow) -> String {
        let code = token(32);
        let expires_at = (chrono::Utc::now() + chrono::Duration::seconds(90))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let held = ConnectCode { code: code.clone(), expires_at, flow };
        push_bounded(&mut self.integrations.connect_codes, held, MAX_CODES);
        code
    }

    /// Saves the connected account of the flow `connect_code` ends, if `code_verifier` is the
    /// one behind its challenge.
    pub(crate) fn finish_data_connection(&mut self, input: FinishInput) -> ApiResult<Finished> {
        let codes = &mut self.integrations.connect_codes;
        let at = codes.iter().position(|c| c.code == input.connect_code);
        let held = codes.remove(at.ok_or_else(|| refused("The connect_code is unknown or used."))?);
        if is_past(&held.expires_at) {
            return Err(refused("The connect_code expired."));
        }
        let challenge = held.flow.code_challenge.clone().unwrap_or_default();
        if !well_formed(&input.code_verifier)
            || B64.encode(Sha256::digest(input.code_verifier.as_bytes())) != challenge
        {
            return Err(refused("The code_verifier does not match the code_challenge."));
        }
        Ok(Finished { connected_account: self.install_consented(held.flow)? })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::model::pipes::integrations::Consented;
    use crate::model::testing;

    fn input<T: serde::de::DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).expect("a valid input")
    }

    /// A consented flow with the challenge of `verifier`: its connect code.
    fn consented(store: &mut Store, user: &str, verifier: &str) -> String {
        let challenge = B64.encode(Sha256::digest(verifier.as_bytes()));
        let body =
            json!({"user_id": user, "return_to": "https://app.test/done", "code_challenge": challenge});
        let started = store.start_data_authorization("notion", input(body)).expect("started");
        assert_eq!(started.completion, Some("finish_required"));
        match store.consent_data_authorization(&started.state).expect("consented") {
            Consented::FinishRequired { connect_code, state, .. } => {
                assert_eq!(state, started.state);
                connect_code
            }
            Consented::Installed { .. } => panic!("a flow with a challenge waits for its finish"),
        }
    }

    #[test]
    fn a_flow_with_a_challenge_is_finished_once_with_its_verifier() {
        let mut store = Store::default();
        let user = testing::user(&mut store, "finish@x.test").id;
        let body = json!({"provider": "notion", "scopes": ["read"]});
        store.create_data_integration(input(body), "http://emu").expect("created");
        let verifier = "v".repeat(43);
        let code = consented(&mut store, &user, &verifier);
        assert!(crate::model::pipes::account(&store, &user, "notion").is_none(), "nothing saved yet");
        let finish = |store: &mut Store, code: &str, verifier: &str| {
            store.finish_data_connection(input(json!({"connect_code": code, "code_verifier": verifier})))
        };
        let done =
            serde_json::to_value(finish(&mut store, &code, &verifier).expect("finished")).expect("json");
        assert_eq!(done["connected_account"]["scopes"], json!(["read"]));
        let e = finish(&mut store, &code, &verifier).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (400, Some("invalid_request")), "used once");
        let code = consented(&mut store, &user, &verifier);
        assert_eq!(finish(&mut store, &code, &"w".repeat(43)).unwrap_err().status.as_u16(), 400);
        assert!(finish(&mut store, &code, &verifier).is_err(), "a wrong verifier uses the code up");
        let code = consented(&mut store, &user, &verifier);
        store.integrations.connect_codes[0].expires_at = "2000-01-01T00:00:00Z".into();
        assert_eq!(finish(&mut store, &code, &verifier).unwrap_err().message, "The connect_code expired.");
    }
}
