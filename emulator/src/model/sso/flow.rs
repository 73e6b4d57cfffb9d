//! The SSO flow: `GET /sso/authorize` (the identity provider signs in `login_hint` and sends
//! back a code), `POST /sso/token` (the code for the profile and an access token),
//! `GET /sso/profile` (the profile of an access token), and the logout that ends a sign-in.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use super::{Connection, Profile, RawAttributes, RoleSlug, TYPES};
use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::{suffix, token, unix_now};
use crate::model::list::Query;
use crate::model::{MAX_CODES, Store, push_bounded};

/// How long a code can be exchanged, and an access token used.
const CODE_TTL_SECS: u64 = 600;
const TOKEN_TTL_SECS: u64 = 600;

/// A code the identity provider sent back, until it is exchanged.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct SsoCode {
    code: String,
    client_id: String,
    profile_id: String,
    challenge: Option<String>,
    expires_at: u64,
}

/// An access token of a profile.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct SsoToken {
    access_token: String,
    pub(super) profile_id: String,
    expires_at: u64,
    /// Set by `POST /sso/logout/authorize`: `GET /sso/logout?token=` ends the sign-in.
    logout_token: Option<String>,
}

/// How an authorization URL names its connection; the first given counts.
#[derive(Debug, Default)]
struct ConnectionChoice {
    connection: Option<String>,
    organization: Option<String>,
    /// `domain`, else `domain_hint`.
    domain: Option<String>,
    provider: Option<String>,
}

/// The query of `GET /sso/authorize` (beside `login_hint` and the PKCE challenge).
#[derive(Debug)]
pub(crate) struct SsoAuthorize {
    client_id: String,
    /// Where the browser goes back to, with the code and `state`.
    pub(crate) redirect_uri: String,
    pub(crate) state: Option<String>,
    choice: ConnectionChoice,
}

impl SsoAuthorize {
    /// Reads the query: `client_id` and `redirect_uri` are required, `response_type` must be
    /// `code`.
    pub(crate) fn parse(query: &Query) -> ApiResult<Self> {
        let client_id = query.require("client_id")?;
        let redirect_uri = query.require("redirect_uri")?;
        if query.require("response_type")? != "code" {
            return Err(ApiError::invalid_field("response_type", "invalid", "response_type must be code."));
        }
        let get = |key: &str| query.get(key).map(str::to_owned);
        let choice = ConnectionChoice {
            connection: get("connection"),
            organization: get("organization"),
            domain: get("domain").or_else(|| get("domain_hint")),
            provider: get("provider"),
        };
        Ok(SsoAuthorize { client_id, redirect_uri, state: get("state"), choice })
    }
}

/// The fields of `POST /sso/token` (from its query, then its JSON or form body).
#[derive(Debug, Default)]
pub(crate) struct SsoTokenRequest {
    grant_type: Option<String>,
    client_id: Option<String>,
    code: Option<String>,
    code_verifier: Option<String>,
    client_secret: Option<String>,
}

impl SsoTokenRequest {
    /// The request's string fields (a field of another JSON type counts as absent).
    pub(crate) fn from_fields(fields: &serde_json::Map<String, Value>) -> Self {
        let field = |name: &str| fields.get(name).and_then(Value::as_str).map(str::to_owned);
        SsoTokenRequest {
            grant_type: field("grant_type"),
            client_id: field("client_id"),
            code: field("code"),
            code_verifier: field("code_verifier"),
            client_secret: field("client_secret"),
        }
    }
}

/// What `POST /sso/token` answers.
#[derive(Debug, Serialize)]
pub(crate) struct SsoTokenAnswer {
    token_type: &'static str,
    access_token: String,
    expires_in: u64,
    profile: Profile,
}

/// The body of `POST /sso/logout/authorize`.
#[derive(Debug, Deserialize)]
pub(crate) struct LogoutAuthorize {
    profile_id: String,
}

/// What `POST /sso/logout/authorize` answers: where to send the browser to log out.
#[derive(Debug, Serialize)]
pub(crate) struct LogoutAnswer {
    logout_url: String,
    logout_token: String,
}

impl Store {
    /// The active connection with `id`, or a 400 `connection_invalid`.
    fn active_connection(&self, id: &str) -> ApiResult<String> {
        let c = self.sso.connections.get(id)?;
        if !c.active() {
            return Err(ApiError::bad_request(
                "connection_invalid",
                format!("Connection '{id}' is not active."),
            ));
        }
        Ok(c.id.clone())
    }

    /// The first active connection `pick` takes, or a 400 `connection_invalid` saying `none`.
    fn first_active(&self, pick: impl Fn(&Connection) -> bool, none: String) -> ApiResult<String> {
        let found = self.sso.connections.iter().filter(|c| c.active()).find(|c| pick(c));
        found.map(|c| c.id.clone()).ok_or_else(|| ApiError::bad_request("connection_invalid", none))
    }

    /// The connection of OAuth `provider` (in no organization), made on first use.
    fn provider_connection(&mut self, provider: &str) -> ApiResult<String> {
        if !provider.ends_with("OAuth") || !TYPES.contains(&provider) {
            return Err(ApiError::invalid_field(
                "provider",
                "invalid",
                format!("'{provider}' is not an OAuth provider."),
            ));
        }
        let existing = self
            .sso
            .connections
            .iter()
            .find(|c| c.organization_id.is_none() && c.connection_type == provider);
        if let Some(c) = existing {
            return Ok(c.id.clone());
        }
        let name = provider.trim_end_matches("OAuth").to_owned();
        let c = Connection::new(self.ids.next("conn"), None, provider.to_owned(), name, "active");
        let id = c.id.clone();
        self.sso.connections.push(c);
        Ok(id)
    }

    /// The connection an authorization URL names.
    fn pick_connection(&mut self, choice: &ConnectionChoice) -> ApiResult<String> {
        if let Some(id) = &choice.connection {
            return self.active_connection(id);
        }
        if let Some(org) = choice.organization.as_deref() {
            self.organization(org)?;
            let none = format!("Organization '{org}' has no active connection.");
            return self.first_active(|c| c.organization_id.as_deref() == Some(org), none);
        }
        if let Some(domain) = &choice.domain {
            let domain = domain.to_lowercase();
            let none = format!("No active connection for '{domain}'.");
            return self.first_active(|c| c.has_domain(&domain), none);
        }
        if let Some(provider) = &choice.provider {
            return self.provider_connection(provider);
        }
        Err(ApiError::invalid_field(
            "connection",
            "required",
            "One of connection, organization, domain or provider is required.",
        ))
    }

    /// The profile of `email` signed in through `connection_id`, made on first sign-in: the
    /// emulator's user of that email gives the names, and `roles_of` (user id, organization)
    /// their role slugs when the connection has an organization.
    fn profile_for(&mut self, connection_id: &str, email: &str, roles_of: RolesOf<'_>) -> ApiResult<String> {
        let c = self.sso.connections.get(connection_id)?.clone();
        if let Some(p) = self.sso.profiles.iter().find(|p| p.connection_id == c.id && p.email == email) {
            return Ok(p.id.clone());
        }
        let user = self.user_by_email(email).cloned();
        let roles: Vec<RoleSlug> = user
            .as_ref()
            .map(|u| roles_of(self, &u.id, c.organization_id.as_deref()))
            .unwrap_or_default()
            .into_iter()
            .map(|slug| RoleSlug { slug })
            .collect();
        let (first_name, last_name) = user.map(|u| (u.first_name, u.last_name)).unwrap_or_default();
        let name = match (&first_name, &last_name) {
            (Some(f), Some(l)) => Some(format!("{f} {l}")),
            (Some(n), None) | (None, Some(n)) => Some(n.clone()),
            (None, None) => None,
        };
        let idp_id = hex::encode(&Sha256::digest(format!("{}:{email}", c.id).as_bytes())[..12]);
        let id = self.ids.next("prof");
        let profile = Profile {
            object: "profile",
            id: id.clone(),
            organization_id: c.organization_id,
            connection_id: c.id,
            connection_type: c.connection_type,
            idp_id: idp_id.clone(),
            email: email.to_owned(),
            first_name,
            last_name,
            name,
            role: roles.first().cloned(),
            roles: (!roles.is_empty()).then_some(roles),
            groups: Vec::new(),
            custom_attributes: serde_json::Map::new(),
            raw_attributes: RawAttributes { email: email.to_owned(), idp_id },
        };
        push_bounded(&mut self.sso.profiles, profile, MAX_CODES);
        Ok(id)
    }

    /// The identity provider signs in `email` (there is no login page) through the connection
    /// the request names: a code for the client, single use for ten minutes, bound to the PKCE
    /// `challenge` when there is one. `roles_of` gives a user's role slugs in an organization.
    pub(crate) fn authorize_sso(
        &mut self,
        request: &SsoAuthorize,
        email: &str,
        challenge: Option<String>,
        roles_of: RolesOf<'_>,
    ) -> ApiResult<String> {
        let connection_id = self.pick_connection(&request.choice)?;
        let profile_id = self.profile_for(&connection_id, email, roles_of)?;
        let now = unix_now();
        self.sso.codes.retain(|c| c.expires_at > now);
        let code = format!("code_{}", suffix());
        let grant = SsoCode {
            code: code.clone(),
            client_id: request.client_id.clone(),
            profile_id,
            challenge,
            expires_at: now + CODE_TTL_SECS,
        };
        push_bounded(&mut self.sso.codes, grant, MAX_CODES);
        Ok(code)
    }

    /// Takes the unexpired code `code` (it is used up whatever follows), or OAuth's
    /// `invalid_grant`.
    fn take_code(&mut self, code: &str, now: u64) -> ApiResult<SsoCode> {
        self.sso.codes.retain(|c| c.expires_at > now);
        let at = self.sso.codes.iter().position(|c| c.code == code);
        let at =
            at.ok_or_else(|| ApiError::oauth("invalid_grant", "The code is invalid, expired or was used."))?;
        Ok(self.sso.codes.remove(at))
    }

    /// Exchanges a code (single use, ten minutes) for the profile and an access token. The
    /// client proves itself with the PKCE verifier of the code's challenge, or with
    /// `client_secret` (the emulator's API key, `api_key`). Errors are in OAuth's shape.
    pub(crate) fn exchange_sso_code(
        &mut self,
        request: &SsoTokenRequest,
        api_key: &str,
    ) -> ApiResult<SsoTokenAnswer> {
        if request.grant_type.as_deref() != Some("authorization_code") {
            return Err(ApiError::oauth("unsupported_grant_type", "grant_type must be authorization_code."));
        }
        let client_id = request.client_id.as_deref();
        let client_id =
            client_id.ok_or_else(|| ApiError::oauth("invalid_client", "client_id is required."))?;
        let code =
            request.code.as_deref().ok_or_else(|| ApiError::oauth("invalid_grant", "code is required."))?;
        let now = unix_now();
        let grant = self.take_code(code, now)?;
        if grant.client_id != client_id {
            return Err(ApiError::oauth("invalid_grant", "The code was issued to another client."));
        }
        match (&grant.challenge, request.code_verifier.as_deref()) {
            (Some(challenge), Some(verifier))
                if B64.encode(Sha256::digest(verifier.as_bytes())) == *challenge => {}
            (Some(_), Some(_)) => {
                return Err(ApiError::oauth(
                    "invalid_grant",
                    "The code_verifier does not match the code_challenge.",
                ));
            }
            _ if request.client_secret.as_deref() == Some(api_key) => {}
            _ => return Err(ApiError::oauth("invalid_client", "Invalid client secret.")),
        }
        let profile = self.sso.profiles.find(&grant.profile_id).cloned();
        let profile =
            profile.ok_or_else(|| ApiError::oauth("invalid_grant", "The code's connection was deleted."))?;
        let access_token = format!("sso_token_{}", token(32));
        self.sso.tokens.retain(|t| t.expires_at > now);
        let sso_token = SsoToken {
            access_token: access_token.clone(),
            profile_id: grant.profile_id,
            expires_at: now + TOKEN_TTL_SECS,
            logout_token: None,
        };
        push_bounded(&mut self.sso.tokens, sso_token, MAX_CODES);
        Ok(SsoTokenAnswer { token_type: "Bearer", access_token, expires_in: TOKEN_TTL_SECS, profile })
    }

    /// The profile of an unexpired access token (`None` for any other bearer, or none).
    pub(crate) fn sso_profile(&self, access_token: Option<&str>) -> Option<&Profile> {
        let now = unix_now();
        let found = self
            .sso
            .tokens
            .iter()
            .find(|x| Some(x.access_token.as_str()) == access_token && x.expires_at > now);
        found.and_then(|t| self.sso.profiles.find(&t.profile_id))
    }

    /// A logout URL (at `origin`, the emulator) for the profile's sign-in: 404 for an unknown
    /// profile, OAuth's `connection_invalid` when it has no access token.
    pub(crate) fn authorize_sso_logout(
        &mut self,
        request: &LogoutAuthorize,
        origin: &str,
    ) -> ApiResult<LogoutAnswer> {
        self.sso.profiles.get(&request.profile_id)?;
        let logout_token = token(32);
        let mut found = false;
        for t in self.sso.tokens.iter_mut().filter(|t| t.profile_id == request.profile_id) {
            t.logout_token = Some(logout_token.clone());
            found = true;
        }
        if !found {
            return Err(ApiError::oauth("connection_invalid", "The profile has no active sign-in."));
        }
        Ok(LogoutAnswer { logout_url: format!("{origin}/sso/logout?token={logout_token}"), logout_token })
    }

    /// Ends the sign-in `logout_token` stands for (its access tokens stop working); 404 for an
    /// unknown token.
    pub(crate) fn sso_logout(&mut self, logout_token: &str) -> ApiResult<()> {
        let before = self.sso.tokens.len();
        self.sso.tokens.retain(|t| t.logout_token.as_deref() != Some(logout_token));
        if self.sso.tokens.len() == before {
            return Err(ApiError::not_found("Logout token", logout_token));
        }
        Ok(())
    }
}

/// A user's role slugs in an organization (user id, organization id): how a new profile gets
/// its roles.
pub(crate) type RolesOf<'a> = &'a dyn Fn(&Store, &str, Option<&str>) -> Vec<String>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SeedConnection;
    use crate::model::sso::seed_connection;

    const KEY: &str = "sk_test";

    fn no_roles(_: &Store, _: &str, _: Option<&str>) -> Vec<String> {
        Vec::new()
    }

    fn authorize(raw: &str) -> SsoAuthorize {
        SsoAuthorize::parse(&Query::parse(Some(raw)).expect("query")).expect("an authorize request")
    }

    const URL: &str = "client_id=client_1&redirect_uri=https://app.test/cb&response_type=code";

    /// A store with an active connection of Acme for `acme.test`, and Ada, an Acme member.
    fn store() -> Store {
        let mut store = Store::default();
        let org = store.test_organization("Acme");
        let ada = store.test_user("ada@acme.test");
        store.test_membership(&ada, &org, "active");
        let seed = SeedConnection {
            name: "Okta".into(),
            organization: "Acme".into(),
            domains: vec!["acme.test".into()],
            ..SeedConnection::default()
        };
        seed_connection(&mut store, &org, &seed).expect("seeded");
        store
    }

    fn exchange(store: &mut Store, code: &str, extra: &[(&str, &str)]) -> ApiResult<SsoTokenAnswer> {
        let mut fields = serde_json::Map::new();
        for (k, v) in [("grant_type", "authorization_code"), ("client_id", "client_1"), ("code", code)]
            .iter()
            .chain(extra)
        {
            fields.insert((*k).to_owned(), Value::String((*v).to_owned()));
        }
        store.exchange_sso_code(&SsoTokenRequest::from_fields(&fields), KEY)
    }

    #[test]
    fn the_authorize_query_needs_a_client_a_redirect_and_a_code_response() {
        let parse = |raw: &str| SsoAuthorize::parse(&Query::parse(Some(raw)).expect("query"));
        assert_eq!(
            parse("redirect_uri=x&response_type=code").expect_err("no client").errors[0].field,
            "client_id"
        );
        assert_eq!(
            parse("client_id=c&redirect_uri=x&response_type=token").expect_err("not code").errors[0].field,
            "response_type"
        );
        let request = authorize(&format!("{URL}&domain_hint=acme.test&state=s1"));
        assert_eq!(
            (request.choice.domain.as_deref(), request.state.as_deref()),
            (Some("acme.test"), Some("s1"))
        );
    }

    #[test]
    fn a_connection_is_picked_by_id_organization_domain_or_provider() {
        let mut store = store();
        let org = store.organizations[0].id.clone();
        let conn = store.sso.connections[0].id.clone();
        let pick = |store: &mut Store, extra: &str| {
            store.authorize_sso(&authorize(&format!("{URL}&{extra}")), "ada@acme.test", None, &no_roles)
        };
        for extra in
            [format!("connection={conn}"), format!("organization={org}"), "domain=ACME.test".to_owned()]
        {
            pick(&mut store, &extra).expect("picked");
        }
        assert_eq!(store.sso.profiles.len(), 1, "one profile per connection and email");
        assert_eq!(pick(&mut store, "domain=other.test").expect_err("none").code, Some("connection_invalid"));
        assert_eq!(pick(&mut store, "organization=org_9").expect_err("unknown").status.as_u16(), 404);
        assert_eq!(
            pick(&mut store, "provider=GenericSAML").expect_err("not OAuth").errors[0].field,
            "provider"
        );
        assert_eq!(pick(&mut store, "").expect_err("nothing").errors[0].field, "connection");
        pick(&mut store, "provider=GoogleOAuth").expect("made");
        pick(&mut store, "provider=GoogleOAuth").expect("reused");
        assert_eq!(store.sso.connections.iter().filter(|c| c.connection_type == "GoogleOAuth").count(), 1);
        store.sso.connections[0].state = "inactive".into();
        let e = pick(&mut store, &format!("connection={conn}")).expect_err("inactive");
        assert_eq!(e.message, format!("Connection '{conn}' is not active."));
    }

    #[test]
    fn a_profile_takes_the_user_s_names_and_roles() {
        let mut store = store();
        let admin =
            |_: &Store, _: &str, org: Option<&str>| org.map(|_| vec!["admin".to_owned()]).unwrap_or_default();
        let code = store
            .authorize_sso(&authorize(&format!("{URL}&domain=acme.test")), "ada@acme.test", None, &admin)
            .expect("code");
        let profile = exchange(&mut store, &code, &[("client_secret", KEY)]).expect("exchanged").profile;
        assert_eq!((profile.first_name.as_deref(), profile.name.as_deref()), (Some("Ada"), Some("Ada")));
        assert_eq!(profile.role, Some(RoleSlug { slug: "admin".into() }));
        let code = store
            .authorize_sso(&authorize(&format!("{URL}&domain=acme.test")), "bob@acme.test", None, &admin)
            .expect("code");
        let json =
            serde_json::to_value(exchange(&mut store, &code, &[("client_secret", KEY)]).expect("exchanged"))
                .expect("json");
        assert_eq!(
            (json["profile"]["name"].clone(), json["profile"]["roles"].clone()),
            (Value::Null, Value::Null)
        );
        assert_eq!(
            (json["token_type"].as_str(), json["expires_in"].as_u64()),
            (Some("Bearer"), Some(TOKEN_TTL_SECS))
        );
    }

    #[test]
    fn a_code_is_exchanged_once_by_its_client_with_its_secret_or_verifier() {
        let mut store = store();
        let request = authorize(&format!("{URL}&domain=acme.test"));
        let code = store.authorize_sso(&request, "ada@acme.test", None, &no_roles).expect("code");
        assert_eq!(
            exchange(&mut store, &code, &[("client_secret", "wrong")]).expect_err("secret").code,
            Some("invalid_client")
        );
        assert_eq!(
            exchange(&mut store, &code, &[("client_secret", KEY)]).expect_err("used").code,
            Some("invalid_grant")
        );
        let verifier = "a-verifier-of-enough-length";
        let challenge = B64.encode(Sha256::digest(verifier.as_bytes()));
        let code =
            store.authorize_sso(&request, "ada@acme.test", Some(challenge.clone()), &no_roles).expect("code");
        let e = exchange(&mut store, &code, &[("code_verifier", "other")]).expect_err("mismatch");
        assert_eq!(e.message, "The code_verifier does not match the code_challenge.");
        let code = store.authorize_sso(&request, "ada@acme.test", Some(challenge), &no_roles).expect("code");
        let token =
            exchange(&mut store, &code, &[("code_verifier", verifier)]).expect("exchanged").access_token;
        assert_eq!(store.sso_profile(Some(&token)).map(|p| p.email.as_str()), Some("ada@acme.test"));
        assert!(store.sso_profile(Some("sso_token_other")).is_none() && store.sso_profile(None).is_none());
        let mut fields = serde_json::Map::new();
        fields.insert("grant_type".into(), Value::String("password".into()));
        let e = store.exchange_sso_code(&SsoTokenRequest::from_fields(&fields), KEY).expect_err("grant");
        assert!(e.oauth && e.code == Some("unsupported_grant_type"));
    }

    #[test]
    fn logging_out_ends_the_sign_in_and_deleting_the_connection_its_tokens() {
        let mut store = store();
        let request = authorize(&format!("{URL}&domain=acme.test"));
        let code = store.authorize_sso(&request, "ada@acme.test", None, &no_roles).expect("code");
        let profile_id = store.sso.profiles[0].id.clone();
        let logout = LogoutAuthorize { profile_id: profile_id.clone() };
        assert_eq!(
            store.authorize_sso_logout(&logout, "http://e").expect_err("no sign-in").code,
            Some("connection_invalid")
        );
        let token = exchange(&mut store, &code, &[("client_secret", KEY)]).expect("exchanged").access_token;
        let answer = store.authorize_sso_logout(&logout, "http://e").expect("a logout URL");
        assert_eq!(answer.logout_url, format!("http://e/sso/logout?token={}", answer.logout_token));
        assert_eq!(store.sso_logout("other").expect_err("unknown").status.as_u16(), 404);
        store.sso_logout(&answer.logout_token).expect("logged out");
        assert!(store.sso_profile(Some(&token)).is_none());
        let e = store
            .authorize_sso_logout(&LogoutAuthorize { profile_id: "prof_9".into() }, "http://e")
            .expect_err("unknown");
        assert_eq!(e.message, "Profile not found: 'prof_9'.");
        let code = store.authorize_sso(&request, "ada@acme.test", None, &no_roles).expect("code");
        let token = exchange(&mut store, &code, &[("client_secret", KEY)]).expect("exchanged").access_token;
        let conn = store.sso.connections[0].id.clone();
        store.delete_connection(&conn).expect("deleted");
        assert!(store.sso_profile(Some(&token)).is_none());
        assert_eq!(store.delete_connection(&conn).expect_err("gone").status.as_u16(), 404);
    }
}
