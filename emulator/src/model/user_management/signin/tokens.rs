//! The tokens the emulator signs: RS256 JWTs with the test-only key of `keys/`
//! ([`crate::TEST_ONLY_SIGNING_KEY_PEM`], public by design; `keys/generate.sh` makes a new one),
//! which signs nothing outside the emulator; its public half is the JWKS of
//! `GET /sso/jwks/{clientId}`. Also the client API tokens of `POST /client/token`.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::model::Store;
use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::unix_now;

const KEY_PEM: &[u8] = crate::TEST_ONLY_SIGNING_KEY_PEM;
const KEY_JWK: &str = include_str!("../../../../keys/test-only-signing-key.jwk.json");

/// How long an Admin Portal link, a widget token or a client token lives, in seconds.
pub(crate) const EMBED_TOKEN_TTL_SECS: u64 = 300;

/// The public key of the tokens the emulator signs, as a JSON Web Key Set.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Jwks {
    keys: Vec<Value>,
}

fn jwk() -> ApiResult<Value> {
    serde_json::from_str(KEY_JWK).map_err(|e| ApiError::internal(format!("signing key: {e}")))
}

/// The key set: one key, for any client id.
pub(crate) fn jwks() -> ApiResult<Jwks> {
    Ok(Jwks { keys: vec![jwk()?] })
}

/// `claims` signed (RS256, with the key's `kid`).
pub(crate) fn sign(claims: &Value) -> ApiResult<String> {
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(KEY_PEM)
        .map_err(|e| ApiError::internal(format!("signing key: {e}")))?;
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = jwk()?["kid"].as_str().map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &key).map_err(|e| ApiError::internal(format!("signing: {e}")))
}

/// The claims of a token the emulator signed, checked (signature, expiry, and the audience
/// when given); `None` for any other token.
pub(crate) fn verify(token: &str, audience: Option<&str>) -> Option<Value> {
    let jwk: Value = serde_json::from_str(KEY_JWK).ok()?;
    let key = jsonwebtoken::DecodingKey::from_rsa_components(jwk["n"].as_str()?, jwk["e"].as_str()?).ok()?;
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    match audience {
        Some(aud) => validation.set_audience(&[aud]),
        None => validation.validate_aud = false,
    }
    jsonwebtoken::decode::<Value>(token, &key, &validation).ok().map(|data| data.claims)
}

/// A signed token, as the widgets and client token endpoints answer it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SignedToken {
    pub(crate) token: String,
}

/// `POST /client/token`'s body.
#[derive(Deserialize)]
pub(crate) struct ClientTokenRequest {
    organization_id: String,
    user_id: String,
}

/// A client API token for a member of the organization (the organization and user must exist).
pub(crate) fn client_token(store: &Store, dto: ClientTokenRequest) -> ApiResult<SignedToken> {
    store.organization(&dto.organization_id)?;
    store.user(&dto.user_id)?;
    super::membership_org(store, &dto.user_id, &dto.organization_id)?;
    let claims = json!({
        "sub": dto.user_id,
        "org_id": dto.organization_id,
        "iat": unix_now(),
        "exp": unix_now() + EMBED_TOKEN_TTL_SECS,
    });
    Ok(SignedToken { token: sign(&claims)? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::user_management::signin::fixtures::{add_member, add_org, add_user, status_and_code};

    #[test]
    fn what_is_signed_verifies_and_nothing_else_does() {
        let token = sign(&json!({ "sub": "user_1", "aud": "app", "exp": unix_now() + 60 })).expect("signed");
        assert_eq!(verify(&token, Some("app")).map(|c| c["sub"].clone()), Some(json!("user_1")));
        assert!(verify(&token, Some("other")).is_none(), "another audience");
        let expired = sign(&json!({ "sub": "user_1", "exp": unix_now() - 3600 })).expect("signed");
        assert!(verify(&expired, None).is_none());
        assert!(verify("not.a.token", None).is_none());
        let kid = jwk().expect("key")["kid"].clone();
        assert_eq!(serde_json::to_value(jwks().expect("keys")).unwrap()["keys"][0]["kid"], kid);
    }

    #[test]
    fn a_client_token_is_for_a_member_only() {
        let mut store = Store::default();
        let (user, org) = (add_user(&mut store, "ada@x.test"), add_org(&mut store, "Acme"));
        let ask = |store: &Store, org: &str| {
            client_token(store, ClientTokenRequest { organization_id: org.into(), user_id: user.clone() })
        };
        assert_eq!(ask(&store, "org_x").expect_err("no org").message, "Organization not found: 'org_x'.");
        let e = ask(&store, &org).expect_err("not a member");
        assert_eq!(status_and_code(&e), (400, Some("organization_membership_not_found")));
        add_member(&mut store, &user, &org);
        let claims = verify(&ask(&store, &org).expect("token").token, None).expect("verifies");
        assert_eq!(
            (claims["sub"].as_str(), claims["org_id"].as_str()),
            (Some(user.as_str()), Some(org.as_str()))
        );
    }
}
