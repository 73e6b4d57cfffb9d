//! WorkOS Connect: OAuth and M2M applications with their client secrets, the applications users
//! authorized, and standalone Connect's external authentication.
//!
//! A user authorizes an application through an external authentication session: WorkOS sends
//! the browser to the service's login page with an `external_auth_id` (here made with
//! `POST /_emulator/connect/external_auth`, `{client_id, redirect_uri, scopes, state}`), the
//! service signs the user in and calls `POST /authkit/oauth2/complete`, which upserts the user
//! by their external id, records the grant (listed under the user's and the organization's
//! authorized applications) and answers with the application's redirect URI, code and state.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Db, created, empty, ok};
use crate::model::error::{ApiError, ApiResult, non_empty, parse_body};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::{MAX_CODES, Store, push_bounded};

/// Applications, secrets, grants and external authentication sessions.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ConnectData {
    apps: Vec<App>,
    secrets: Vec<Secret>,
    grants: Vec<Grant>,
    sessions: Vec<ExternalAuth>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct App {
    id: String,
    client_id: String,
    name: String,
    description: Option<String>,
    scopes: Vec<String>,
    kind: String,
    redirect_uris: Vec<(String, bool)>,
    uses_pkce: bool,
    is_first_party: bool,
    organization_id: Option<String>,
    created_at: String,
    updated_at: String,
}

impl App {
    /// The document's `ConnectApplication`: the shared fields and the variant's.
    fn answer(&self) -> Value {
        let mut out = json!({
            "object": "connect_application",
            "id": self.id,
            "client_id": self.client_id,
            "description": self.description,
            "name": self.name,
            "scopes": self.scopes,
            "application_type": self.kind,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        });
        if self.kind == "m2m" {
            out["organization_id"] = json!(self.organization_id);
            return out;
        }
        out["redirect_uris"] = self
            .redirect_uris
            .iter()
            .map(|(uri, default)| json!({ "uri": uri, "default": default }))
            .collect();
        out["uses_pkce"] = json!(self.uses_pkce);
        // CORS origins are set in the dashboard, which the emulator does not have.
        out["cors_origins"] = json!([]);
        out["is_first_party"] = json!(self.is_first_party);
        if !self.is_first_party {
            out["was_dynamically_registered"] = json!(false);
            out["organization_id"] = json!(self.organization_id);
        }
        out
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Secret {
    id: String,
    app_id: String,
    hint: String,
    last_used_at: Option<String>,
    created_at: String,
    updated_at: String,
}

impl Secret {
    fn answer(&self) -> Value {
        json!({
            "object": "connect_application_secret",
            "id": self.id,
            "secret_hint": self.hint,
            "last_used_at": self.last_used_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Grant {
    id: String,
    app_id: String,
    user_id: String,
    organization_id: Option<String>,
    scopes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ExternalAuth {
    id: String,
    app_id: String,
    redirect_uri: String,
    scopes: Vec<String>,
    state: Option<String>,
    completed: bool,
}

#[derive(Deserialize)]
struct RedirectUriDto {
    uri: String,
    default: Option<bool>,
}

#[derive(Deserialize)]
struct CreateApp {
    name: String,
    application_type: String,
    description: Option<String>,
    scopes: Option<Vec<String>>,
    redirect_uris: Option<Vec<RedirectUriDto>>,
    uses_pkce: Option<bool>,
    is_first_party: Option<bool>,
    organization_id: Option<String>,
}

#[derive(Deserialize)]
struct UpdateApp {
    name: Option<String>,
    #[serde(default, deserialize_with = "crate::model::error::double_option")]
    description: Option<Option<String>>,
    scopes: Option<Vec<String>>,
    redirect_uris: Option<Vec<RedirectUriDto>>,
}

/// Redirect URIs as stored: absolute http(s) URLs, the first one the default when none is.
fn redirect_uris(given: Vec<RedirectUriDto>) -> ApiResult<Vec<(String, bool)>> {
    let mut out = Vec::new();
    for r in given {
        if !crate::routes::user_management::authenticate::is_absolute_url(&r.uri) {
            return Err(ApiError::invalid_field(
                "redirect_uris",
                "invalid_url",
                format!("'{}' is not an absolute URL.", r.uri),
            ));
        }
        out.push((r.uri, r.default.unwrap_or(false)));
    }
    if !out.is_empty() && !out.iter().any(|(_, d)| *d) {
        out[0].1 = true;
    }
    Ok(out)
}

fn app<'a>(store: &'a Store, id: &str) -> ApiResult<&'a App> {
    store
        .connect
        .apps
        .iter()
        .find(|a| a.id == id)
        .ok_or_else(|| ApiError::not_found("Connect application", id))
}

/// `POST /connect/applications`: an OAuth application (first or third party) or an M2M one.
pub(super) async fn create(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: CreateApp = parse_body(&body)?;
    non_empty("name", &dto.name)?;
    let mut store = db.store();
    if let Some(org) = &dto.organization_id {
        store.organization(org)?;
    }
    let (is_first_party, uses_pkce) = match dto.application_type.as_str() {
        "oauth" => {
            let first = dto.is_first_party.ok_or_else(|| {
                ApiError::invalid_field(
                    "is_first_party",
                    "required",
                    "is_first_party is required for an OAuth application.",
                )
            })?;
            if !first && dto.organization_id.is_none() {
                return Err(ApiError::invalid_field(
                    "organization_id",
                    "required",
                    "A third-party application needs the organization_id it belongs to.",
                ));
            }
            (first, dto.uses_pkce.unwrap_or(false))
        }
        "m2m" => {
            if dto.organization_id.is_none() {
                return Err(ApiError::invalid_field(
                    "organization_id",
                    "required",
                    "An M2M application needs an organization_id.",
                ));
            }
            (false, false)
        }
        other => {
            return Err(ApiError::invalid_field(
                "application_type",
                "invalid",
                format!("application_type must be oauth or m2m, not '{other}'."),
            ));
        }
    };
    let at = now();
    let app = App {
        id: store.ids.next("app"),
        client_id: store.ids.next("client"),
        name: dto.name,
        description: dto.description,
        scopes: dto.scopes.unwrap_or_default(),
        kind: dto.application_type,
        redirect_uris: redirect_uris(dto.redirect_uris.unwrap_or_default())?,
        uses_pkce,
        is_first_party,
        organization_id: dto.organization_id,
        created_at: at.clone(),
        updated_at: at,
    };
    let answer = app.answer();
    store.connect.apps.push(app);
    Ok(created(answer))
}

/// `GET /connect/applications`, newest first by default.
pub(super) async fn list(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let org = query.get("organization_id");
    let types = query.get_list("registration_types");
    if let Some(bad) = types.iter().find(|t| !matches!(**t, "dynamic" | "authenticated")) {
        return Err(ApiError::invalid_field(
            "registration_types",
            "invalid",
            format!("'{bad}' is not a registration type."),
        ));
    }
    // The emulator registers applications through the API only: none is dynamic.
    let authenticated = types.is_empty() || types.contains(&"authenticated");
    let store = db.store();
    let items = store
        .connect
        .apps
        .iter()
        .filter(|_| authenticated)
        .filter(|a| org.is_none_or(|o| a.organization_id.as_deref() == Some(o)))
        .collect();
    Ok(ok(query.page_with(items, |a| &a.id, |a| a.answer())))
}

pub(super) async fn get(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(ok(app(&db.store(), &id)?.answer()))
}

/// `PUT /connect/applications/{id}`: what the body gives changes.
pub(super) async fn update(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let dto: UpdateApp = parse_body(&body)?;
    if let Some(name) = &dto.name {
        non_empty("name", name)?;
    }
    let uris = dto.redirect_uris.map(redirect_uris).transpose()?;
    let mut store = db.store();
    let a = store
        .connect
        .apps
        .iter_mut()
        .find(|a| a.id == id)
        .ok_or_else(|| ApiError::not_found("Connect application", &id))?;
    if let Some(name) = dto.name {
        a.name = name;
    }
    if let Some(description) = dto.description {
        a.description = description;
    }
    if let Some(scopes) = dto.scopes {
        a.scopes = scopes;
    }
    if let Some(uris) = uris {
        a.redirect_uris = uris;
    }
    a.updated_at = now();
    Ok(ok(a.answer()))
}

/// Deletes an application, its secrets and the grants users gave it.
pub(super) async fn delete(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    app(&store, &id)?;
    let data = &mut store.connect;
    data.apps.retain(|a| a.id != id);
    data.secrets.retain(|s| s.app_id != id);
    data.grants.retain(|g| g.app_id != id);
    data.sessions.retain(|s| s.app_id != id);
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `GET /connect/applications/{id}/client_secrets`: hints only, oldest first.
pub(super) async fn list_secrets(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    app(&store, &id)?;
    let secrets: Vec<Value> =
        store.connect.secrets.iter().filter(|s| s.app_id == id).map(Secret::answer).collect();
    Ok(ok(secrets))
}

/// `POST /connect/applications/{id}/client_secrets`: the secret is in this answer only.
pub(super) async fn create_secret(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let _: serde_json::Map<String, Value> = parse_body(&body)?;
    let mut store = db.store();
    app(&store, &id)?;
    let value = format!("sk_app_{}", crate::model::ids::token(40));
    let at = now();
    let secret = Secret {
        id: store.ids.next("secret"),
        app_id: id,
        hint: value[value.len() - 4..].to_owned(),
        last_used_at: None,
        created_at: at.clone(),
        updated_at: at,
    };
    let mut answer = secret.answer();
    answer["secret"] = json!(value);
    store.connect.secrets.push(secret);
    Ok(created(answer))
}

pub(super) async fn delete_secret(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    let before = store.connect.secrets.len();
    store.connect.secrets.retain(|s| s.id != id);
    if store.connect.secrets.len() == before {
        return Err(ApiError::not_found("Client secret", &id));
    }
    Ok(empty(StatusCode::NO_CONTENT))
}

/// A grant as the authorized-application lists show it.
fn grant_answer(store: &Store, g: &Grant, with_user: bool) -> Value {
    let application = store.connect.apps.iter().find(|a| a.id == g.app_id).map(App::answer);
    let mut out = json!({
        "object": "authorized_connect_application",
        "id": g.id,
        "granted_scopes": g.scopes,
        "application": application,
    });
    if with_user {
        out["user_id"] = json!(g.user_id);
    }
    out
}

/// `GET /user_management/users/{user_id}/authorized_applications`.
pub(super) async fn list_for_user(
    State(db): Db,
    Path(user): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    store.user(&user)?;
    let items = store.connect.grants.iter().filter(|g| g.user_id == user).collect();
    Ok(ok(query.page_with(items, |g| &g.id, |g| grant_answer(&store, g, false))))
}

/// `GET /organizations/{organization_id}/authorized_applications`: the grants given in it.
pub(super) async fn list_for_organization(
    State(db): Db,
    Path(org): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    store.organization(&org)?;
    let items =
        store.connect.grants.iter().filter(|g| g.organization_id.as_deref() == Some(org.as_str())).collect();
    Ok(ok(query.page_with(items, |g| &g.id, |g| grant_answer(&store, g, true))))
}

/// `DELETE /user_management/users/{user_id}/authorized_applications/{application_id}`: the user
/// takes back what they granted the application.
pub(super) async fn revoke(
    State(db): Db,
    Path((user, app_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let mut store = db.store();
    let before = store.connect.grants.len();
    store.connect.grants.retain(|g| !(g.user_id == user && g.app_id == app_id));
    if store.connect.grants.len() == before {
        return Err(ApiError::not_found("Authorized application", &app_id));
    }
    Ok(empty(StatusCode::NO_CONTENT))
}

#[derive(Deserialize)]
struct ExternalAuthStart {
    client_id: String,
    redirect_uri: String,
    #[serde(default)]
    scopes: Vec<String>,
    state: Option<String>,
}

/// `POST /_emulator/connect/external_auth`: what WorkOS does when an application sends a user to
/// authorize it: an external authentication session for the service's login page.
pub(super) async fn start_external_auth(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: ExternalAuthStart = parse_body(&body)?;
    let mut store = db.store();
    let a = store
        .connect
        .apps
        .iter()
        .find(|a| a.client_id == dto.client_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("Connect application", &dto.client_id))?;
    if !a.redirect_uris.iter().any(|(uri, _)| *uri == dto.redirect_uri) {
        return Err(ApiError::bad_request(
            "invalid_redirect_uri",
            format!("'{}' is not one of the application's redirect URIs.", dto.redirect_uri),
        ));
    }
    let session = ExternalAuth {
        id: store.ids.next("external_auth"),
        app_id: a.id,
        redirect_uri: dto.redirect_uri,
        scopes: dto.scopes,
        state: dto.state,
        completed: false,
    };
    let answer = json!({ "object": "external_auth", "external_auth_id": session.id });
    push_bounded(&mut store.connect.sessions, session, MAX_CODES);
    Ok(created(answer))
}

/// A user as the service knows them: its id for them (the user's `external_id`) and email.
#[derive(Deserialize)]
pub(super) struct ExternalUser {
    #[serde(alias = "external_id")]
    pub(super) id: String,
    pub(super) email: String,
    #[serde(default)]
    pub(super) first_name: Option<String>,
    #[serde(default)]
    pub(super) last_name: Option<String>,
}

/// Why a user could not be matched to the service's.
pub(super) enum Upsert {
    /// The user of that external id has another email.
    EmailChanged,
    /// Another user has that email.
    EmailTaken,
}

/// The user with the service's id (made, with a verified email, when there is none).
pub(super) fn upsert_external_user(
    store: &mut Store,
    user: &ExternalUser,
) -> ApiResult<Result<String, Upsert>> {
    let email = user.email.to_lowercase();
    Ok(match store.user_by_external(&user.id).map(|u| (u.id.clone(), u.email.clone())) {
        Some((_, known)) if known != email => Err(Upsert::EmailChanged),
        Some((id, _)) => Ok(id),
        None if store.user_by_email(&email).is_some() => Err(Upsert::EmailTaken),
        None => {
            let body = json!({ "email": email, "first_name": user.first_name, "last_name": user.last_name,
                "external_id": user.id, "email_verified": true });
            let made = super::create_user_in(store, body.to_string().as_bytes())
                .map_err(|e| ApiError::bad_request("invalid_email", e.message))?;
            Ok(made.id)
        }
    })
}

#[derive(Deserialize)]
struct Complete {
    external_auth_id: String,
    user: ExternalUser,
}

/// `POST /authkit/oauth2/complete`: the service signed the user in; WorkOS records the grant and
/// sends the browser back to the application.
pub(super) async fn complete(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let dto: Complete = parse_body(&body)?;
    let mut store = db.store();
    let at = store
        .connect
        .sessions
        .iter()
        .position(|s| s.id == dto.external_auth_id)
        .ok_or_else(|| ApiError::not_found("External authentication", &dto.external_auth_id))?;
    if store.connect.sessions[at].completed {
        return Err(ApiError::bad_request(
            "external_auth_session_already_completed",
            "The external authentication was already completed.",
        ));
    }
    let user_id = match upsert_external_user(&mut store, &dto.user)? {
        Ok(id) => id,
        Err(Upsert::EmailChanged) => {
            return Err(ApiError::bad_request(
                "email_change_not_allowed",
                "The user's email cannot change here.",
            ));
        }
        Err(Upsert::EmailTaken) => {
            return Err(ApiError::bad_request("email_not_available", "The email belongs to another user."));
        }
    };
    let session = store.connect.sessions[at].clone();
    store.connect.sessions[at].completed = true;
    let organization_id = crate::routes::user_management::authenticate::single_org(&store, &user_id);
    store.connect.grants.retain(|g| !(g.user_id == user_id && g.app_id == session.app_id));
    let grant = Grant {
        id: store.ids.next("authorized_app"),
        app_id: session.app_id,
        user_id,
        organization_id,
        scopes: session.scopes,
    };
    store.connect.grants.push(grant);
    let code = format!("code_{}", crate::model::ids::suffix());
    let redirect = crate::routes::user_management::authenticate::url_with(
        &session.redirect_uri,
        &[("code", Some(&code)), ("state", session.state.as_deref())],
    );
    Ok(ok(json!({ "redirect_uri": redirect })))
}
