//! Pipes' management side: the environment's data integrations (providers, their auth
//! methods, credentials and scopes), organizations' configurations of them, the providers a user
//! sees with their connected accounts, and how accounts get their credentials: an API key or
//! client credentials a service gives, or the provider's OAuth flow.
//!
//! The OAuth flow starts at the URL `POST /data-integrations/{slug}/authorize` answers; the
//! emulator has no provider, so that URL (`/_emulator/pipes/authorize`) plays the provider's
//! consent at once: it installs the account with a new access token and the integration's
//! scopes, then sends the browser to `return_to`.

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, StatusCode, header};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::routes::pipes::connected_accounts::{Install, account, last_4, upsert};

use crate::model::error::{ApiError, ApiResult, non_empty, parse_body};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::{MAX_CODES, Store, push_bounded};
use crate::routes::{Db, created, empty, ok};

/// Integrations, organizations' configurations, and OAuth flows under way.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct IntegrationsData {
    integrations: Vec<Integration>,
    /// `(organization, slug)` → configuration.
    configurations: Vec<Configuration>,
    /// Authorization URLs handed out, until their consent.
    flows: Vec<Flow>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Flow {
    state: String,
    slug: String,
    user_id: String,
    organization_id: Option<String>,
    return_to: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Integration {
    id: String,
    slug: String,
    description: Option<String>,
    enabled: bool,
    scopes: Option<Vec<String>>,
    auth_methods: Vec<String>,
    credentials: Option<(String, Option<String>, Option<String>)>,
    config: Map<String, Value>,
    custom_provider: Option<Value>,
    redirect_uri: String,
    created_at: String,
    updated_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Configuration {
    id: String,
    organization_id: String,
    slug: String,
    enabled: bool,
    scopes: Option<Vec<String>>,
    client: Option<(String, String)>,
    config: Map<String, Value>,
    created_at: String,
    updated_at: String,
}

impl Integration {
    fn answer(&self, store: &Store) -> Value {
        let installation = crate::routes::pipes::connected_accounts::installation(store, &self.slug);
        json!({
            "object": "data_integration",
            "id": self.id,
            "slug": self.slug,
            "integration_type": self.slug,
            "description": self.description,
            "enabled": self.enabled,
            "state": if self.auth_methods.iter().any(|m| m == "oauth") && self.credentials.is_none() { "invalid" } else { "valid" },
            "scopes": self.scopes,
            "redirect_uri": self.redirect_uri,
            "auth_methods": self.auth_methods,
            "credentials": self.credentials.as_ref().map(|(kind, id, secret)| json!({
                "type": kind, "client_id": id, "redacted_client_secret": secret.as_deref().map(|s| format!("...{}", last_4(s))),
            })),
            "installation": installation,
            "config": self.config,
            "custom_provider": self.custom_provider,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }

    fn provider(&self, store: &Store, user: &str, with_account: bool) -> Value {
        let name = self
            .custom_provider
            .as_ref()
            .and_then(|p| p["name"].as_str())
            .map_or_else(|| title(&self.slug), str::to_owned);
        let credentials_type = self.credentials.as_ref().map_or("shared", |(kind, _, _)| kind.as_str());
        let connected = if with_account {
            account(store, user, &self.slug).map(|a| a.answer_with_legacy_fields())
        } else {
            None
        };
        json!({
            "object": "data_provider",
            "id": self.id,
            "name": name,
            "description": self.description,
            "slug": self.slug,
            "integration_type": self.slug,
            "credentials_type": credentials_type,
            "scopes": self.scopes,
            "auth_methods": self.auth_methods,
            "ownership": "userland_user",
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "integrationType": self.slug,
            "credentialsType": credentials_type,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "connected_account": connected,
        })
    }
}

/// `github` → `Github`.
fn title(slug: &str) -> String {
    let mut chars = slug.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

const AUTH_METHODS: &[&str] = &["oauth", "api_key", "client_credentials"];

#[derive(Deserialize)]
struct CredentialsDto {
    #[serde(rename = "type")]
    kind: String,
    client_id: Option<String>,
    client_secret: Option<String>,
}

#[derive(Deserialize)]
struct ApiKeyInstallation {
    secret: String,
    user_id: String,
    organization_id: Option<String>,
}

#[derive(Deserialize)]
struct CreateDto {
    provider: String,
    description: Option<String>,
    enabled: Option<bool>,
    scopes: Option<Vec<String>>,
    auth_methods: Option<Vec<String>>,
    config: Option<Map<String, Value>>,
    credentials: Option<CredentialsDto>,
    api_key: Option<ApiKeyInstallation>,
    custom_provider: Option<Value>,
}

#[derive(Deserialize)]
struct UpdateDto {
    #[serde(default, deserialize_with = "crate::model::error::double_option")]
    description: Option<Option<String>>,
    enabled: Option<bool>,
    #[serde(default, deserialize_with = "crate::model::error::double_option")]
    scopes: Option<Option<Vec<String>>>,
    credentials: Option<CredentialsDto>,
    api_key: Option<ApiKeyInstallation>,
    custom_provider: Option<Map<String, Value>>,
}

fn credentials(dto: CredentialsDto) -> ApiResult<(String, Option<String>, Option<String>)> {
    if !matches!(dto.kind.as_str(), "custom" | "organization") {
        return Err(ApiError::invalid_field(
            "credentials.type",
            "invalid",
            "credentials.type must be custom or organization.",
        ));
    }
    Ok((dto.kind, dto.client_id, dto.client_secret))
}

fn integration<'a>(store: &'a Store, slug: &str) -> ApiResult<&'a Integration> {
    store
        .integrations
        .integrations
        .iter()
        .find(|i| i.slug == slug)
        .ok_or_else(|| ApiError::not_found("Data integration", slug))
}

fn install_api_key(store: &mut Store, slug: &str, dto: ApiKeyInstallation) -> ApiResult<()> {
    if dto.secret.len() < 5 {
        return Err(ApiError::invalid_field(
            "api_key.secret",
            "too_short",
            "api_key.secret must be at least 5 characters.",
        ));
    }
    store.user(&dto.user_id)?;
    upsert(store, &dto.user_id, dto.organization_id.as_deref(), slug, Install::ApiKey(dto.secret));
    Ok(())
}

/// `POST /data-integrations`: 409 for a provider the environment already has.
pub(crate) async fn create(State(db): Db, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let dto: CreateDto = parse_body(&body)?;
    non_empty("provider", &dto.provider)?;
    let slug = dto.provider.to_lowercase();
    let auth_methods = dto.auth_methods.unwrap_or_else(|| vec!["oauth".to_owned()]);
    if let Some(bad) = auth_methods.iter().find(|m| !AUTH_METHODS.contains(&m.as_str())) {
        return Err(ApiError::invalid_field(
            "auth_methods",
            "invalid",
            format!("'{bad}' is not an auth method."),
        ));
    }
    let credentials = dto.credentials.map(credentials).transpose()?;
    let mut store = db.store();
    if store.integrations.integrations.iter().any(|i| i.slug == slug) {
        return Err(ApiError::conflict(
            "data_integration_exists",
            format!("The environment already has '{slug}'."),
        ));
    }
    let at = now();
    let new = Integration {
        id: store.ids.next("data_integration"),
        redirect_uri: format!("{}/data-integrations/{slug}/callback", crate::routes::origin(&headers)),
        slug: slug.clone(),
        description: dto.description,
        enabled: dto.enabled.unwrap_or(true),
        scopes: dto.scopes,
        auth_methods,
        credentials,
        config: dto.config.unwrap_or_default(),
        custom_provider: dto.custom_provider,
        created_at: at.clone(),
        updated_at: at,
    };
    store.integrations.integrations.push(new.clone());
    if let Some(key) = dto.api_key {
        install_api_key(&mut store, &slug, key)?;
    }
    Ok(created(new.answer(&store)))
}

pub(crate) async fn list(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    let items = store.integrations.integrations.iter().collect();
    Ok(ok(query.page_with(items, |i| &i.id, |i| i.answer(&store))))
}

pub(crate) async fn get(State(db): Db, Path(slug): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    Ok(ok(integration(&store, &slug)?.answer(&store)))
}

pub(crate) async fn update(State(db): Db, Path(slug): Path<String>, body: Bytes) -> ApiResult<Response> {
    let dto: UpdateDto = parse_body(&body)?;
    let credentials = dto.credentials.map(credentials).transpose()?;
    let mut store = db.store();
    integration(&store, &slug)?;
    if let Some(key) = dto.api_key {
        install_api_key(&mut store, &slug, key)?;
    }
    let i = store
        .integrations
        .integrations
        .iter_mut()
        .find(|i| i.slug == slug)
        .ok_or_else(|| ApiError::not_found("Data integration", &slug))?;
    if let Some(description) = dto.description {
        i.description = description;
    }
    if let Some(enabled) = dto.enabled {
        i.enabled = enabled;
    }
    if let Some(scopes) = dto.scopes {
        i.scopes = scopes;
    }
    if credentials.is_some() {
        i.credentials = credentials;
    }
    if let Some(fields) = dto.custom_provider {
        let provider = i.custom_provider.get_or_insert_with(|| json!({}));
        if let Some(p) = provider.as_object_mut() {
            p.extend(fields);
        }
    }
    i.updated_at = now();
    let i = i.clone();
    Ok(ok(i.answer(&store)))
}

pub(crate) async fn delete(State(db): Db, Path(slug): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    integration(&store, &slug)?;
    store.integrations.integrations.retain(|i| i.slug != slug);
    store.integrations.configurations.retain(|c| c.slug != slug);
    Ok(empty(StatusCode::NO_CONTENT))
}

/// The integration, which must allow `method`: a 422 `auth_method_mismatch` otherwise.
fn allowing<'a>(store: &'a Store, slug: &str, method: &str) -> ApiResult<&'a Integration> {
    let i = integration(store, slug)?;
    if !i.auth_methods.iter().any(|m| m == method) {
        return Err(ApiError::unprocessable(
            "auth_method_mismatch",
            format!("'{slug}' does not take the {method} auth method."),
        ));
    }
    Ok(i)
}

#[derive(Deserialize)]
struct ApiKeyDto {
    user_id: String,
    organization_id: Option<String>,
    secret: String,
}

/// `PUT /data-integrations/{slug}/api-key`.
pub(crate) async fn upsert_api_key(
    State(db): Db,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto: ApiKeyDto = parse_body(&body)?;
    non_empty("secret", &dto.secret)?;
    let mut store = db.store();
    allowing(&store, &slug, "api_key")?;
    owner(&store, &dto.user_id, dto.organization_id.as_deref())?;
    Ok(ok(upsert(
        &mut store,
        &dto.user_id,
        dto.organization_id.as_deref(),
        &slug,
        Install::ApiKey(dto.secret),
    )))
}

#[derive(Deserialize)]
struct ClientCredentialsDto {
    user_id: String,
    organization_id: Option<String>,
    client_id: String,
    client_secret: String,
    config: Option<Map<String, Value>>,
}

/// `PUT /data-integrations/{slug}/client-credentials`.
pub(crate) async fn upsert_client_credentials(
    State(db): Db,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto: ClientCredentialsDto = parse_body(&body)?;
    non_empty("client_id", &dto.client_id)?;
    non_empty("client_secret", &dto.client_secret)?;
    let mut store = db.store();
    allowing(&store, &slug, "client_credentials")?;
    owner(&store, &dto.user_id, dto.organization_id.as_deref())?;
    let install = Install::ClientCredentials {
        client_id: dto.client_id,
        client_secret: dto.client_secret,
        config: dto.config.unwrap_or_default(),
    };
    Ok(ok(upsert(&mut store, &dto.user_id, dto.organization_id.as_deref(), &slug, install)))
}

fn owner(store: &Store, user: &str, org: Option<&str>) -> ApiResult<()> {
    store.user(user)?;
    if let Some(org) = org {
        store.organization(org)?;
    }
    Ok(())
}

#[derive(Deserialize)]
struct OwnerDto {
    user_id: String,
    organization_id: Option<String>,
}

/// `POST /data-integrations/{slug}/credentials`: what the account holds, by its auth method.
pub(crate) async fn credentials_for(
    State(db): Db,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto: OwnerDto = crate::model::error::parse_body_400(&body)?;
    let store = db.store();
    let wanted = integration(&store, &slug)?.scopes.clone().unwrap_or_default();
    owner(&store, &dto.user_id, dto.organization_id.as_deref())?;
    Ok(ok(match account(&store, &dto.user_id, &slug) {
        Some(a) => a.credential(&wanted),
        None => json!({ "active": false, "error": "not_installed" }),
    }))
}

#[derive(Deserialize)]
struct AuthorizeDto {
    user_id: String,
    organization_id: Option<String>,
    return_to: Option<String>,
}

/// The emulator's stand-in for a provider's consent page.
pub(crate) const CONSENT_PATH: &str = "/_emulator/pipes/authorize";

/// `POST /data-integrations/{slug}/authorize`: where to send the user to connect the provider.
pub(crate) async fn authorize_url(
    State(db): Db,
    headers: HeaderMap,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto: AuthorizeDto = parse_body(&body)?;
    let mut store = db.store();
    // Not an OAuth integration: a 400 (the document's 422 here is for bodies).
    allowing(&store, &slug, "oauth").map_err(|e| match e.status {
        StatusCode::UNPROCESSABLE_ENTITY => ApiError::bad_request("invalid_request", e.message),
        _ => e,
    })?;
    owner(&store, &dto.user_id, dto.organization_id.as_deref())?;
    let state = crate::model::ids::token(24);
    let flow = Flow {
        state: state.clone(),
        slug,
        user_id: dto.user_id,
        organization_id: dto.organization_id,
        return_to: dto.return_to,
    };
    push_bounded(&mut store.integrations.flows, flow, MAX_CODES);
    Ok(ok(json!({ "url": format!("{}{CONSENT_PATH}?state={state}", crate::routes::origin(&headers)) })))
}

/// `GET /_emulator/pipes/authorize?state=`: the provider's consent, given at once.
pub(crate) async fn consent(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let state = query.get("state").unwrap_or_default();
    let mut store = db.store();
    let at = store
        .integrations
        .flows
        .iter()
        .position(|f| f.state == state)
        .ok_or_else(|| ApiError::not_found("Authorization", state))?;
    let Flow { slug, user_id: user, organization_id: org, return_to, .. } =
        store.integrations.flows.remove(at);
    let scopes = integration(&store, &slug)?.scopes.clone().unwrap_or_default();
    let install =
        Install::OAuth { access_token: format!("{slug}_token_{}", crate::model::ids::token(24)), scopes };
    let account = upsert(&mut store, &user, org.as_deref(), &slug, install);
    Ok(match return_to {
        Some(to) => (StatusCode::FOUND, [(header::LOCATION, to)]).into_response(),
        None => ok(account),
    })
}

/// `GET /user_management/users/{user_id}/data_providers`: the enabled integrations, with the
/// user's account of each.
pub(crate) async fn providers_for_user(
    State(db): Db,
    Path(user): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    store.user(&user)?;
    let org = query.get("organization_id");
    if let Some(org) = org {
        store.organization(org)?;
    }
    let enabled = |i: &&Integration| match org.and_then(|o| configuration(&store, o, &i.slug)) {
        Some(c) => c.enabled,
        None => i.enabled,
    };
    let data: Vec<Value> = store
        .integrations
        .integrations
        .iter()
        .filter(enabled)
        .map(|i| i.provider(&store, &user, true))
        .collect();
    Ok(ok(json!({ "object": "list", "data": data })))
}

fn configuration<'a>(store: &'a Store, org: &str, slug: &str) -> Option<&'a Configuration> {
    store.integrations.configurations.iter().find(|c| c.organization_id == org && c.slug == slug)
}

fn configuration_answer(i: &Integration, c: Option<&Configuration>, org: &str) -> Value {
    let client = c.and_then(|c| c.client.as_ref());
    let credentials_type = if client.is_some() {
        "organization"
    } else {
        i.credentials.as_ref().map_or("shared", |(k, _, _)| k.as_str())
    };
    json!({
        "object": "data_integration_configuration",
        "id": c.map_or_else(|| format!("{}_{org}", i.id), |c| c.id.clone()),
        "organization_id": org,
        "slug": i.slug,
        "name": title(&i.slug),
        "enabled": c.map_or(i.enabled, |c| c.enabled),
        "scopes": c.map_or_else(|| i.scopes.clone(), |c| c.scopes.clone()),
        "config": c.map_or_else(|| i.config.clone(), |c| c.config.clone()),
        "created_at": c.map_or(&i.created_at, |c| &c.created_at),
        "updated_at": c.map_or(&i.updated_at, |c| &c.updated_at),
        "credentials": {
            "credentials_type": credentials_type,
            "has_credentials": client.is_some() || i.credentials.is_some(),
            "client_id": client.map(|(id, _)| id),
            "client_secret_last_four": client.map(|(_, s)| last_4(s)),
            "redirect_uri": i.redirect_uri,
        },
    })
}

/// `GET /organizations/{id}/data_integration_configurations`: every integration, as the
/// organization has it.
pub(crate) async fn list_configurations(State(db): Db, Path(org): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    store.organization(&org)?;
    let data: Vec<Value> = store
        .integrations
        .integrations
        .iter()
        .map(|i| configuration_answer(i, configuration(&store, &org, &i.slug), &org))
        .collect();
    Ok(ok(json!({ "object": "list", "data": data })))
}

#[derive(Deserialize)]
struct ConfigureDto {
    enabled: Option<bool>,
    #[serde(default, deserialize_with = "crate::model::error::double_option")]
    scopes: Option<Option<Vec<String>>>,
    client_id: Option<String>,
    client_secret: Option<String>,
    config: Option<Map<String, Value>>,
}

/// `PUT /organizations/{id}/data_integration_configurations/{slug}`: the organization's own
/// settings (and OAuth client) for an integration.
pub(crate) async fn configure(
    State(db): Db,
    Path((org, slug)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let dto: ConfigureDto = parse_body(&body)?;
    if dto.client_id.is_some() != dto.client_secret.is_some() {
        return Err(ApiError::invalid_field(
            "client_secret",
            "required",
            "client_id and client_secret go together.",
        ));
    }
    let mut store = db.store();
    store.organization(&org)?;
    let i = integration(&store, &slug)?.clone();
    let at = now();
    let existing =
        store.integrations.configurations.iter().position(|c| c.organization_id == org && c.slug == slug);
    let index = match existing {
        Some(index) => index,
        None => {
            let c = Configuration {
                id: store.ids.next("data_integration_configuration"),
                organization_id: org.clone(),
                slug: slug.clone(),
                enabled: i.enabled,
                scopes: i.scopes.clone(),
                client: None,
                config: i.config.clone(),
                created_at: at.clone(),
                updated_at: at.clone(),
            };
            store.integrations.configurations.push(c);
            store.integrations.configurations.len() - 1
        }
    };
    let c = &mut store.integrations.configurations[index];
    if let Some(enabled) = dto.enabled {
        c.enabled = enabled;
    }
    if let Some(scopes) = dto.scopes {
        c.scopes = scopes;
    }
    if let (Some(id), Some(secret)) = (dto.client_id, dto.client_secret) {
        c.client = Some((id, secret));
    }
    if let Some(config) = dto.config {
        c.config = config;
    }
    c.updated_at = at;
    let c = c.clone();
    Ok(ok(configuration_answer(&i, Some(&c), &org)))
}
