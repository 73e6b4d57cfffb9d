//! Single Sign-On: the connections of the seed (`connections:`), and the SSO flow a service
//! runs: `GET /sso/authorize` sends the browser to the identity provider, which here signs in
//! the user named by `login_hint` at once and redirects back with a code; `POST /sso/token`
//! exchanges the code (with the client secret, or the PKCE verifier when the URL had a
//! challenge) for the user's profile and an access token; `GET /sso/profile` answers for that
//! token; `POST /sso/logout/authorize` and `GET /sso/logout` end it.
//!
//! A connection is found by id (`connection`), by organization (`organization`: its first
//! active connection), by domain (`domain`, `domain_hint`) or by OAuth provider (`provider`:
//! one connection per provider, made on first use, in no organization).

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use bytes::Bytes;
use http::{HeaderMap, StatusCode, header};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use super::{Db, empty, ok};
use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::now;
use crate::model::ids::unix_now;
use crate::model::list::Query;
use crate::model::{MAX_CODES, SeedConnection, Store, push_bounded};

/// How long a code can be exchanged, and an access token used.
const CODE_TTL_SECS: u64 = 600;
const TOKEN_TTL_SECS: u64 = 600;

/// The connection types a seed may give (the document's `Connection.connection_type`).
const TYPES: &[&str] = &[
    "ADFSSAML",
    "AdpOidc",
    "AppleOAuth",
    "Auth0SAML",
    "AzureSAML",
    "BitbucketOAuth",
    "CasSAML",
    "ClassLinkSAML",
    "CleverOIDC",
    "CloudflareSAML",
    "CyberArkSAML",
    "DiscordOAuth",
    "DuoSAML",
    "EntraIdOIDC",
    "GenericOIDC",
    "GenericSAML",
    "GitHubOAuth",
    "GitLabOAuth",
    "GoogleOAuth",
    "GoogleOIDC",
    "GoogleSAML",
    "IntuitOAuth",
    "JumpCloudSAML",
    "KeycloakSAML",
    "LastPassSAML",
    "LinkedInOAuth",
    "MicrosoftOAuth",
    "MiniOrangeSAML",
    "NetIqSAML",
    "OktaOIDC",
    "OktaSAML",
    "OneLoginSAML",
    "OracleSAML",
    "PingFederateSAML",
    "PingOneSAML",
    "RipplingSAML",
    "SalesforceSAML",
    "SalesforceOAuth",
    "ShibbolethGenericSAML",
    "ShibbolethSAML",
    "SimpleSamlPhpSAML",
    "SlackOAuth",
    "TestIdp",
    "VercelOAuth",
    "VMwareSAML",
    "XeroOAuth",
];

/// Connections, the profiles they signed in, and the codes and tokens of the flow.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct SsoData {
    connections: Vec<Connection>,
    /// One profile per (connection, email), so a user keeps their profile id.
    profiles: Vec<Value>,
    codes: Vec<SsoCode>,
    tokens: Vec<SsoToken>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Connection {
    id: String,
    organization_id: Option<String>,
    connection_type: String,
    name: String,
    state: String,
    domains: Vec<(String, String)>,
    /// Its domains' users must sign in through it.
    #[serde(default)]
    required: bool,
    created_at: String,
    updated_at: String,
}

impl Connection {
    fn answer(&self) -> Value {
        let mut out = json!({
            "object": "connection",
            "id": self.id,
            "connection_type": self.connection_type,
            "name": self.name,
            "state": self.state,
            "status": if self.state == "active" { "linked" } else { "unlinked" },
            "domains": self.domains.iter().map(|(id, domain)| json!({
                "id": id, "object": "connection_domain", "domain": domain,
            })).collect::<Vec<_>>(),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        });
        if let Some(org) = &self.organization_id {
            out["organization_id"] = json!(org);
        }
        out
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SsoCode {
    code: String,
    client_id: String,
    profile_id: String,
    challenge: Option<String>,
    expires_at: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SsoToken {
    access_token: String,
    profile_id: String,
    expires_at: u64,
    /// Set by `POST /sso/logout/authorize`: `GET /sso/logout?token=` ends the sign-in.
    logout_token: Option<String>,
}

/// Adds a connection of the seed to the organization `organization_id`.
pub(crate) fn seed_connection(
    store: &mut Store,
    organization_id: &str,
    seed: &SeedConnection,
) -> ApiResult<()> {
    let kind = seed.connection_type.clone().unwrap_or_else(|| "GenericSAML".to_owned());
    if !TYPES.contains(&kind.as_str()) {
        return Err(ApiError::invalid_field(
            "connection_type",
            "invalid",
            format!("'{kind}' is not a connection type."),
        ));
    }
    let state = seed.state.clone().unwrap_or_else(|| "active".to_owned());
    if !matches!(state.as_str(), "active" | "inactive" | "draft" | "validating") {
        return Err(ApiError::invalid_field(
            "state",
            "invalid",
            format!("'{state}' is not a connection state."),
        ));
    }
    let at = now();
    let domains = seed.domains.iter().map(|d| (store.ids.next("conn_domain"), d.to_lowercase())).collect();
    let connection = Connection {
        id: store.ids.next("conn"),
        organization_id: Some(organization_id.to_owned()),
        connection_type: kind,
        name: seed.name.clone(),
        state,
        domains,
        required: seed.required,
        created_at: at.clone(),
        updated_at: at,
    };
    store.sso.connections.push(connection);
    Ok(())
}

/// The active connections that require SSO for `email`'s domain.
pub(crate) fn required_for(store: &Store, email: &str) -> Vec<String> {
    let domain = email.rsplit('@').next().unwrap_or_default().to_lowercase();
    store
        .sso
        .connections
        .iter()
        .filter(|c| c.required && c.state == "active" && c.domains.iter().any(|(_, d)| *d == domain))
        .map(|c| c.id.clone())
        .collect()
}

fn connection<'a>(store: &'a Store, id: &str) -> ApiResult<&'a Connection> {
    store.sso.connections.iter().find(|c| c.id == id).ok_or_else(|| ApiError::not_found("Connection", id))
}

/// `GET /connections`, newest first by default, with the document's filters.
pub(super) async fn list(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    let kind = query.get("connection_type");
    let org = query.get("organization_id");
    let domain = query.get("domain").map(str::to_lowercase);
    let search = query.get("search").map(str::to_lowercase);
    let items = store
        .sso
        .connections
        .iter()
        .filter(|c| kind.is_none_or(|k| c.connection_type == k))
        .filter(|c| org.is_none_or(|o| c.organization_id.as_deref() == Some(o)))
        .filter(|c| domain.as_ref().is_none_or(|d| c.domains.iter().any(|(_, x)| x == d)))
        .filter(|c| search.as_ref().is_none_or(|s| c.name.to_lowercase().contains(s)))
        .collect();
    Ok(ok(query.page_with(items, |c| &c.id, |c| c.answer())))
}

pub(super) async fn get(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(ok(connection(&db.store(), &id)?.answer()))
}

/// The body of `POST /connections` and `PATCH /connections/{id}` the model reads (the SAML and
/// OIDC options and attribute maps are accepted and not modelled).
#[derive(Deserialize)]
struct ConnectionBody {
    organization_id: Option<String>,
    name: Option<String>,
    connection_type: Option<String>,
}

fn check_type(kind: &str) -> ApiResult<()> {
    if TYPES.contains(&kind) {
        return Ok(());
    }
    Err(ApiError::invalid_field("connection_type", "invalid", format!("'{kind}' is not a connection type.")))
}

/// Creates a connection of an organization: `draft` until its identity provider is set up
/// (which the emulator does not model), named after its type unless given a name.
pub(super) async fn create(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: ConnectionBody = crate::model::error::parse_body(&body)?;
    let organization_id = dto.organization_id.ok_or_else(|| {
        ApiError::invalid_field("organization_id", "required", "organization_id is required.")
    })?;
    let mut store = db.store();
    store.organization(&organization_id)?;
    let kind = dto.connection_type.unwrap_or_else(|| "GenericSAML".to_owned());
    check_type(&kind)?;
    let at = now();
    let connection = Connection {
        id: store.ids.next("conn"),
        organization_id: Some(organization_id),
        name: dto.name.unwrap_or_else(|| kind.clone()),
        connection_type: kind,
        state: "draft".to_owned(),
        domains: Vec::new(),
        required: false,
        created_at: at.clone(),
        updated_at: at,
    };
    let answer = connection.answer();
    store.sso.connections.push(connection);
    Ok((StatusCode::CREATED, axum::Json(answer)).into_response())
}

/// Renames a connection or changes its type.
pub(super) async fn update(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let dto: ConnectionBody = crate::model::error::parse_body(&body)?;
    let mut store = db.store();
    connection(&store, &id)?;
    if let Some(kind) = &dto.connection_type {
        check_type(kind)?;
    }
    let c = store.sso.connections.iter_mut().find(|c| c.id == id).expect("checked above");
    if let Some(name) = dto.name {
        c.name = name;
    }
    if let Some(kind) = dto.connection_type {
        c.connection_type = kind;
    }
    c.updated_at = now();
    Ok(ok(c.answer()))
}

/// Deletes a connection; its profiles' tokens stop working.
pub(super) async fn delete(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    connection(&store, &id)?;
    store.sso.connections.retain(|c| c.id != id);
    let gone: Vec<String> = profiles_of(&store, &id).collect();
    store.sso.tokens.retain(|t| !gone.contains(&t.profile_id));
    Ok(empty(StatusCode::NO_CONTENT))
}

fn profiles_of<'a>(store: &'a Store, connection: &'a str) -> impl Iterator<Item = String> + 'a {
    store
        .sso
        .profiles
        .iter()
        .filter(move |p| p["connection_id"] == connection)
        .filter_map(|p| p["id"].as_str().map(str::to_owned))
}

/// The connection an authorization URL names.
fn pick_connection(store: &mut Store, query: &Query) -> ApiResult<String> {
    let active = |c: &&Connection| c.state == "active";
    if let Some(id) = query.get("connection") {
        let c = connection(store, id)?;
        if c.state != "active" {
            return Err(ApiError::bad_request(
                "connection_invalid",
                format!("Connection '{id}' is not active."),
            ));
        }
        return Ok(c.id.clone());
    }
    if let Some(org) = query.get("organization") {
        store.organization(org)?;
        return store
            .sso
            .connections
            .iter()
            .filter(active)
            .find(|c| c.organization_id.as_deref() == Some(org))
            .map(|c| c.id.clone())
            .ok_or_else(|| {
                ApiError::bad_request(
                    "connection_invalid",
                    format!("Organization '{org}' has no active connection."),
                )
            });
    }
    if let Some(domain) = query.get("domain").or_else(|| query.get("domain_hint")) {
        let domain = domain.to_lowercase();
        return store
            .sso
            .connections
            .iter()
            .filter(active)
            .find(|c| c.domains.iter().any(|(_, d)| *d == domain))
            .map(|c| c.id.clone())
            .ok_or_else(|| {
                ApiError::bad_request("connection_invalid", format!("No active connection for '{domain}'."))
            });
    }
    if let Some(provider) = query.get("provider") {
        if !provider.ends_with("OAuth") || !TYPES.contains(&provider) {
            return Err(ApiError::invalid_field(
                "provider",
                "invalid",
                format!("'{provider}' is not an OAuth provider."),
            ));
        }
        if let Some(c) = store
            .sso
            .connections
            .iter()
            .find(|c| c.organization_id.is_none() && c.connection_type == provider)
        {
            return Ok(c.id.clone());
        }
        let at = now();
        let c = Connection {
            id: store.ids.next("conn"),
            organization_id: None,
            connection_type: provider.to_owned(),
            name: provider.trim_end_matches("OAuth").to_owned(),
            state: "active".to_owned(),
            domains: Vec::new(),
            required: false,
            created_at: at.clone(),
            updated_at: at,
        };
        let id = c.id.clone();
        store.sso.connections.push(c);
        return Ok(id);
    }
    Err(ApiError::invalid_field(
        "connection",
        "required",
        "One of connection, organization, domain or provider is required.",
    ))
}

/// The profile of `email` signed in through `connection_id`, made on first sign-in: the
/// emulator's user of that email gives the names (and the role, when they are a member of the
/// connection's organization).
fn profile_for(store: &mut Store, connection_id: &str, email: &str) -> ApiResult<String> {
    let c = connection(store, connection_id)?.clone();
    if let Some(p) = store.sso.profiles.iter().find(|p| p["connection_id"] == c.id && p["email"] == email) {
        return Ok(p["id"].as_str().unwrap_or_default().to_owned());
    }
    let user = store.user_by_email(email).cloned();
    let roles: Vec<Value> = user
        .as_ref()
        .map(|u| {
            crate::routes::user_management::authenticate::access_of(
                store,
                &u.id,
                c.organization_id.as_deref(),
            )
            .1
        })
        .unwrap_or_default()
        .into_iter()
        .map(|slug| json!({ "slug": slug }))
        .collect();
    let role = roles.first().cloned();
    let first = user.as_ref().and_then(|u| u.first_name.clone());
    let last = user.as_ref().and_then(|u| u.last_name.clone());
    let name = match (&first, &last) {
        (Some(f), Some(l)) => Some(format!("{f} {l}")),
        (Some(n), None) | (None, Some(n)) => Some(n.clone()),
        (None, None) => None,
    };
    let idp_id = hex::encode(&Sha256::digest(format!("{}:{email}", c.id).as_bytes())[..12]);
    let id = store.ids.next("prof");
    let profile = json!({
        "object": "profile",
        "id": id,
        "organization_id": c.organization_id,
        "connection_id": c.id,
        "connection_type": c.connection_type,
        "idp_id": idp_id,
        "email": email,
        "first_name": first,
        "last_name": last,
        "name": name,
        "role": role,
        "roles": if roles.is_empty() { Value::Null } else { json!(roles) },
        "groups": [],
        "custom_attributes": {},
        "raw_attributes": { "email": email, "idp_id": idp_id },
    });
    push_bounded(&mut store.sso.profiles, profile, MAX_CODES);
    Ok(id)
}

/// `GET /sso/authorize`: the identity provider signs in `login_hint` (there is no login page)
/// and the browser goes back to `redirect_uri` with a code and `state`.
pub(super) async fn authorize(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let client_id = query.require("client_id")?;
    let redirect_uri = query.require("redirect_uri")?;
    if query.require("response_type")? != "code" {
        return Err(ApiError::invalid_field("response_type", "invalid", "response_type must be code."));
    }
    let (email, challenge) = crate::routes::user_management::authenticate::login_hint_and_challenge(
        &query,
        "identity provider page",
    )?;
    let mut store = db.store();
    let connection_id = pick_connection(&mut store, &query)?;
    let profile_id = profile_for(&mut store, &connection_id, &email)?;
    let now = unix_now();
    store.sso.codes.retain(|c| c.expires_at > now);
    let code = format!("code_{}", crate::model::ids::suffix());
    let grant =
        SsoCode { code: code.clone(), client_id, profile_id, challenge, expires_at: now + CODE_TTL_SECS };
    push_bounded(&mut store.sso.codes, grant, MAX_CODES);
    let location = crate::routes::user_management::authenticate::url_with(
        &redirect_uri,
        &[("code", Some(&code)), ("state", query.get("state"))],
    );
    Ok((StatusCode::FOUND, [(header::LOCATION, location)]).into_response())
}

/// The fields of a token request: the query string, then a JSON or form body over it.
fn token_fields(
    raw: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiResult<serde_json::Map<String, Value>> {
    let mut fields: serde_json::Map<String, Value> =
        form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if form {
        fields.extend(
            form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), Value::String(v.into_owned()))),
        );
    } else if !body.iter().all(u8::is_ascii_whitespace) {
        let Value::Object(json) = serde_json::from_slice(body).map_err(|e| {
            ApiError::unprocessable("invalid_request_parameters", format!("The body is not JSON: {e}."))
        })?
        else {
            return Err(ApiError::unprocessable(
                "invalid_request_parameters",
                "The body must be a JSON object.",
            ));
        };
        fields.extend(json);
    }
    Ok(fields)
}

/// `POST /sso/token`: the code (single use, ten minutes) for the profile and an access token.
pub(super) async fn token(
    State(db): Db,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let fields = token_fields(raw.as_deref(), &headers, &body)?;
    let field = |name: &str| fields.get(name).and_then(Value::as_str);
    if field("grant_type") != Some("authorization_code") {
        return Err(ApiError::oauth("unsupported_grant_type", "grant_type must be authorization_code."));
    }
    let client_id =
        field("client_id").ok_or_else(|| ApiError::oauth("invalid_client", "client_id is required."))?;
    let code = field("code").ok_or_else(|| ApiError::oauth("invalid_grant", "code is required."))?;
    let mut store = db.store();
    let now = unix_now();
    store.sso.codes.retain(|c| c.expires_at > now);
    let at = store
        .sso
        .codes
        .iter()
        .position(|c| c.code == code)
        .ok_or_else(|| ApiError::oauth("invalid_grant", "The code is invalid, expired or was used."))?;
    let grant = store.sso.codes.remove(at);
    if grant.client_id != client_id {
        return Err(ApiError::oauth("invalid_grant", "The code was issued to another client."));
    }
    match (&grant.challenge, field("code_verifier")) {
        (Some(challenge), Some(verifier))
            if B64.encode(Sha256::digest(verifier.as_bytes())) == *challenge => {}
        (Some(_), Some(_)) => {
            return Err(ApiError::oauth(
                "invalid_grant",
                "The code_verifier does not match the code_challenge.",
            ));
        }
        _ if field("client_secret") == Some(db.api_key()) => {}
        _ => return Err(ApiError::oauth("invalid_client", "Invalid client secret.")),
    }
    let profile = store
        .sso
        .profiles
        .iter()
        .find(|p| p["id"] == grant.profile_id.as_str())
        .cloned()
        .ok_or_else(|| ApiError::oauth("invalid_grant", "The code's connection was deleted."))?;
    let access_token = format!("sso_token_{}", crate::model::ids::token(32));
    store.sso.tokens.retain(|t| t.expires_at > now);
    let token = SsoToken {
        access_token: access_token.clone(),
        profile_id: grant.profile_id,
        expires_at: now + TOKEN_TTL_SECS,
        logout_token: None,
    };
    push_bounded(&mut store.sso.tokens, token, MAX_CODES);
    Ok(ok(json!({
        "token_type": "Bearer",
        "access_token": access_token,
        "expires_in": TOKEN_TTL_SECS,
        "profile": profile,
    })))
}

/// `GET /sso/profile`, with the access token of `POST /sso/token` as the bearer.
pub(super) async fn profile(State(db): Db, headers: HeaderMap) -> ApiResult<Response> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let store = db.store();
    let now = unix_now();
    let found = given
        .and_then(|t| store.sso.tokens.iter().find(|x| x.access_token == t && x.expires_at > now))
        .and_then(|t| store.sso.profiles.iter().find(|p| p["id"] == t.profile_id.as_str()));
    match found {
        Some(profile) => Ok(ok(profile)),
        None => {
            Ok((StatusCode::UNAUTHORIZED, axum::Json(json!({ "error": "Unauthorized" }))).into_response())
        }
    }
}

#[derive(Deserialize)]
struct LogoutAuthorize {
    profile_id: String,
}

/// `POST /sso/logout/authorize`: a logout URL for the profile's sign-in.
pub(super) async fn logout_authorize(State(db): Db, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let dto: LogoutAuthorize = crate::model::error::parse_body(&body)?;
    let mut store = db.store();
    if !store.sso.profiles.iter().any(|p| p["id"] == dto.profile_id.as_str()) {
        return Err(ApiError::not_found("Profile", &dto.profile_id));
    }
    let logout_token = crate::model::ids::token(32);
    let mut found = false;
    for t in store.sso.tokens.iter_mut().filter(|t| t.profile_id == dto.profile_id) {
        t.logout_token = Some(logout_token.clone());
        found = true;
    }
    if !found {
        return Err(ApiError::oauth("connection_invalid", "The profile has no active sign-in."));
    }
    Ok(ok(json!({
        "logout_url": format!("{}/sso/logout?token={logout_token}", super::origin(&headers)),
        "logout_token": logout_token,
    })))
}

/// `GET /sso/logout?token=`: the sign-in the token stands for ends (its access tokens stop
/// working); 404 for an unknown token.
pub(super) async fn logout(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let token = query
        .get("token")
        .ok_or_else(|| ApiError::invalid_field("token", "required", "token is required."))?;
    let mut store = db.store();
    let before = store.sso.tokens.len();
    store.sso.tokens.retain(|t| t.logout_token.as_deref() != Some(token));
    if store.sso.tokens.len() == before {
        return Err(ApiError::not_found("Logout token", token));
    }
    Ok(empty(StatusCode::OK))
}
