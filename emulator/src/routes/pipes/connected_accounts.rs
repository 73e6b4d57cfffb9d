//! Pipes: a user's connected accounts of a data provider (GitHub, Slack...), and the access
//! token WorkOS hands a service for one (`POST /data-integrations/{slug}/token`).
//!
//! WorkOS gets the provider's tokens through its own OAuth flow; the emulator has none, so a
//! test installs an account with `POST /user_management/users/{user_id}/connected_accounts/{slug}`
//! (the provider's access token, refresh token, expiry, scopes) and the token endpoint answers
//! with it: active while the account is connected and its token unexpired, `not_installed`
//! without one, `needs_reauthorization` once its state says so or its token expired (the
//! emulator cannot refresh a provider's token as WorkOS does).

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::model::error::{ApiError, ApiResult, parse_body};
use crate::model::ids::now;
use crate::routes::{Db, created, empty, ok};

/// The connected accounts, in creation (id) order.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct PipesData {
    accounts: Vec<Account>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Account {
    id: String,
    slug: String,
    user_id: String,
    access_token: Option<String>,
    refresh_token: Option<String>,
    expires_at: Option<String>,
    scopes: Vec<String>,
    state: String,
    created_at: String,
    updated_at: String,
    /// `oauth` (the default), `api_key` or `client_credentials`.
    #[serde(default = "oauth")]
    auth_method: String,
    #[serde(default)]
    organization_id: Option<String>,
    /// The API key, or the client id and secret, a service gave for the account.
    #[serde(default)]
    api_key: Option<String>,
    #[serde(default)]
    client: Option<(String, String)>,
    #[serde(default)]
    config: serde_json::Map<String, Value>,
}

fn oauth() -> String {
    "oauth".to_owned()
}

/// The last four characters of a secret, as answers show them.
pub(crate) fn last_4(secret: &str) -> String {
    secret.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect()
}

impl Account {
    pub(crate) fn answer(&self) -> Value {
        json!({
            "object": "connected_account",
            "id": self.id,
            "user_id": self.user_id,
            "organization_id": self.organization_id,
            "scopes": self.scopes,
            "auth_method": self.auth_method,
            "api_key_last_4": self.api_key.as_deref().map(last_4),
            "client_id": self.client.as_ref().map(|(id, _)| id),
            "client_secret_last_4": self.client.as_ref().map(|(_, secret)| last_4(secret)),
            "config": self.config,
            "state": self.state,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }

    /// The answer with the deprecated camel-case fields the providers list still requires.
    pub(crate) fn answer_with_legacy_fields(&self) -> Value {
        let mut out = self.answer();
        out["userlandUserId"] = json!(self.user_id);
        out["organizationId"] = json!(self.organization_id);
        out["createdAt"] = json!(self.created_at);
        out["updatedAt"] = json!(self.updated_at);
        out
    }

    /// What `POST /data-integrations/{slug}/credentials` hands out for the account, given the
    /// scopes the integration asks for.
    pub(crate) fn credential(&self, wanted: &[String]) -> Value {
        let missing: Vec<&String> = wanted.iter().filter(|s| !self.scopes.contains(s)).collect();
        if self.state != "connected" {
            return json!({ "active": false, "error": "needs_reauthorization" });
        }
        match self.auth_method.as_str() {
            // An API key does not expire; the SDKs read `expires_at` and the scopes on every
            // credential.
            "api_key" => json!({ "active": true, "credential": {
                "object": "credential", "auth_method": "api_key", "value": self.api_key, "expires_at": null,
                "scopes": self.scopes, "missing_scopes": [], "config": {},
            }}),
            "client_credentials" => json!({ "active": true, "credential": {
                "object": "credential", "auth_method": "client_credentials",
                "value": format!("cc_{}", crate::model::ids::token(32)),
                "expires_at": crate::model::ids::in_minutes(60), "scopes": self.scopes,
                "missing_scopes": missing, "metadata": {},
            }}),
            _ if self.access_token.is_none() || self.expired() => {
                json!({ "active": false, "error": "needs_reauthorization" })
            }
            _ => json!({ "active": true, "credential": {
                "object": "credential", "auth_method": "oauth", "value": self.access_token,
                "expires_at": self.expires_at, "scopes": self.scopes, "missing_scopes": missing,
            }}),
        }
    }

    fn expired(&self) -> bool {
        self.expires_at
            .as_deref()
            .and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok())
            .is_some_and(|at| at < chrono::Utc::now())
    }
}

/// How a service installs an account for a user without the provider's OAuth flow.
pub(crate) enum Install {
    /// The provider's tokens, as its OAuth consent gave them.
    OAuth {
        access_token: String,
        scopes: Vec<String>,
    },
    ApiKey(String),
    ClientCredentials {
        client_id: String,
        client_secret: String,
        config: serde_json::Map<String, Value>,
    },
}

/// Installs (or replaces the credentials of) the user's account of `slug`; returns its answer.
pub(crate) fn upsert(
    store: &mut crate::model::Store,
    user: &str,
    org: Option<&str>,
    slug: &str,
    install: Install,
) -> Value {
    let at = now();
    let i = match position(&store.pipes, user, slug) {
        Some(i) => i,
        None => {
            let account = Account {
                id: store.ids.next("connected_account"),
                slug: slug.to_owned(),
                user_id: user.to_owned(),
                access_token: None,
                refresh_token: None,
                expires_at: None,
                scopes: Vec::new(),
                state: "connected".to_owned(),
                created_at: at.clone(),
                updated_at: at.clone(),
                auth_method: oauth(),
                organization_id: None,
                api_key: None,
                client: None,
                config: serde_json::Map::new(),
            };
            store.pipes.accounts.push(account);
            store.pipes.accounts.len() - 1
        }
    };
    let account = &mut store.pipes.accounts[i];
    account.organization_id = org.map(str::to_owned);
    account.state = "connected".to_owned();
    account.updated_at = at;
    match install {
        Install::OAuth { access_token, scopes } => {
            account.auth_method = oauth();
            account.access_token = Some(access_token);
            account.refresh_token = Some(format!("refresh_{}", crate::model::ids::token(24)));
            account.expires_at = Some(crate::model::ids::in_minutes(60));
            account.scopes = scopes;
        }
        Install::ApiKey(secret) => {
            account.auth_method = "api_key".to_owned();
            account.api_key = Some(secret);
        }
        Install::ClientCredentials { client_id, client_secret, config } => {
            account.auth_method = "client_credentials".to_owned();
            account.client = Some((client_id, client_secret));
            account.config = config;
        }
    }
    account.answer()
}

/// The integration's first API key installation, as `DataIntegration.installation` shows it.
pub(crate) fn installation(store: &crate::model::Store, slug: &str) -> Value {
    store.pipes.accounts.iter().find(|a| a.slug == slug && a.auth_method == "api_key").map_or(
        Value::Null,
        |a| {
            json!({
                "id": a.id,
                "user_id": a.user_id,
                "organization_id": a.organization_id,
                "api_key_last_4": a.api_key.as_deref().map(last_4),
            })
        },
    )
}

/// The user's account of `slug`.
pub(crate) fn account<'a>(store: &'a crate::model::Store, user: &str, slug: &str) -> Option<&'a Account> {
    position(&store.pipes, user, slug).map(|i| &store.pipes.accounts[i])
}

/// `ConnectedAccountDto`: every field optional; an update changes what it gives.
#[derive(Deserialize)]
struct AccountDto {
    access_token: Option<String>,
    refresh_token: Option<String>,
    expires_at: Option<String>,
    scopes: Option<Vec<String>>,
    state: Option<String>,
}

#[derive(Deserialize)]
struct TokenRequest {
    user_id: String,
    organization_id: Option<String>,
}

/// The body of an install or update, checked.
fn account_body(body: &[u8]) -> ApiResult<AccountDto> {
    let dto: AccountDto = parse_body(body)?;
    check(&dto)?;
    Ok(dto)
}

fn check(dto: &AccountDto) -> ApiResult<()> {
    if let Some(state) = &dto.state
        && !matches!(state.as_str(), "connected" | "needs_reauthorization")
    {
        return Err(ApiError::invalid_field(
            "state",
            "invalid",
            format!("state must be connected or needs_reauthorization, got '{state}'."),
        ));
    }
    if let Some(at) = &dto.expires_at
        && chrono::DateTime::parse_from_rfc3339(at).is_err()
    {
        return Err(ApiError::invalid_field(
            "expires_at",
            "invalid",
            format!("'{at}' is not an ISO 8601 timestamp."),
        ));
    }
    Ok(())
}

fn position(data: &PipesData, user: &str, slug: &str) -> Option<usize> {
    data.accounts.iter().position(|a| a.user_id == user && a.slug == slug)
}

fn not_found(user: &str, slug: &str) -> ApiError {
    ApiError::not_found("Connected account", &format!("{slug} of {user}"))
}

pub(crate) async fn install(
    State(db): Db,
    Path((user, slug)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto = account_body(&body)?;
    let mut store = db.store();
    store.user(&user)?;
    if position(&store.pipes, &user, &slug).is_some() {
        return Err(ApiError::conflict(
            "connected_account_exists",
            format!("{user} already has a {slug} account."),
        ));
    }
    let at = now();
    let account = Account {
        id: store.ids.next("connected_account"),
        slug,
        user_id: user,
        access_token: dto.access_token,
        refresh_token: dto.refresh_token,
        expires_at: dto.expires_at,
        scopes: dto.scopes.unwrap_or_default(),
        state: dto.state.unwrap_or_else(|| "connected".to_owned()),
        created_at: at.clone(),
        updated_at: at,
        auth_method: oauth(),
        organization_id: None,
        api_key: None,
        client: None,
        config: serde_json::Map::new(),
    };
    let answer = account.answer();
    store.pipes.accounts.push(account);
    Ok(created(answer))
}

pub(crate) async fn update(
    State(db): Db,
    Path((user, slug)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto = account_body(&body)?;
    let mut store = db.store();
    let i = position(&store.pipes, &user, &slug).ok_or_else(|| not_found(&user, &slug))?;
    let account = &mut store.pipes.accounts[i];
    if let Some(v) = dto.access_token {
        account.access_token = Some(v);
    }
    if let Some(v) = dto.refresh_token {
        account.refresh_token = Some(v);
    }
    if let Some(v) = dto.expires_at {
        account.expires_at = Some(v);
    }
    if let Some(v) = dto.scopes {
        account.scopes = v;
    }
    if let Some(v) = dto.state {
        account.state = v;
    }
    account.updated_at = now();
    Ok(ok(account.answer()))
}

pub(crate) async fn get(State(db): Db, Path((user, slug)): Path<(String, String)>) -> ApiResult<Response> {
    let store = db.store();
    let i = position(&store.pipes, &user, &slug).ok_or_else(|| not_found(&user, &slug))?;
    Ok(ok(store.pipes.accounts[i].answer()))
}

pub(crate) async fn uninstall(
    State(db): Db,
    Path((user, slug)): Path<(String, String)>,
) -> ApiResult<Response> {
    let mut store = db.store();
    let i = position(&store.pipes, &user, &slug).ok_or_else(|| not_found(&user, &slug))?;
    store.pipes.accounts.remove(i);
    Ok(empty(StatusCode::NO_CONTENT))
}

/// The provider access token of the user's account: active while it is connected and has a
/// token; `not_installed` or `needs_reauthorization` otherwise.
pub(crate) async fn token(State(db): Db, Path(slug): Path<String>, body: Bytes) -> ApiResult<Response> {
    // The document's 422 here is an auth-method mismatch; a malformed request is a 400.
    let dto: TokenRequest = crate::model::error::parse_body_400(&body)?;
    let store = db.store();
    store.user(&dto.user_id)?;
    if let Some(org) = &dto.organization_id {
        store.organization(org)?;
    }
    let Some(account) = position(&store.pipes, &dto.user_id, &slug).map(|i| &store.pipes.accounts[i]) else {
        return Ok(ok(json!({"active": false, "error": "not_installed"})));
    };
    let expired = account.expired();
    match (&account.access_token, account.state.as_str()) {
        (Some(token), "connected") if !expired => Ok(ok(json!({
            "active": true,
            "access_token": {
                "object": "access_token",
                "access_token": token,
                "expires_at": account.expires_at,
                "scopes": account.scopes,
                "missing_scopes": [],
            },
        }))),
        _ => Ok(ok(json!({"active": false, "error": "needs_reauthorization"}))),
    }
}
