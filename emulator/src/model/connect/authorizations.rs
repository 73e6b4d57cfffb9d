//! What users granted applications, and the external authentication that grants it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::applications::{App, Application};
use crate::model::error::{ApiError, ApiResult};
use crate::model::list::Query;
use crate::model::table::Record;
use crate::model::urls::url_with;
use crate::model::user_management::signin::single_org;
use crate::model::user_management::users::CreateUser;
use crate::model::{MAX_CODES, Name, Store, push_bounded};

records!(
    Grant => "Authorized application",
    ExternalAuth => "External authentication",
);

/// What a user granted an application (in the organization of their only membership, if any).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Grant {
    pub(super) id: String,
    pub(super) app_id: String,
    user_id: String,
    organization_id: Option<String>,
    scopes: Vec<String>,
}

/// An external authentication session, single use.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct ExternalAuth {
    pub(super) id: String,
    pub(super) app_id: String,
    redirect_uri: String,
    scopes: Vec<String>,
    state: Option<String>,
    completed: bool,
}

/// A grant as the authorized-application lists show it; the organization's list names the user.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AuthorizedApplication {
    object: Name,
    id: String,
    granted_scopes: Vec<String>,
    application: Option<Application>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
}

/// The answer to starting an external authentication.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ExternalAuthStarted {
    object: Name,
    external_auth_id: String,
}

/// Where the browser goes after an external authentication.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Redirect {
    redirect_uri: String,
}

/// `POST /_emulator/connect/external_auth`.
#[derive(Debug, Deserialize)]
pub(crate) struct StartExternalAuth {
    client_id: String,
    redirect_uri: String,
    #[serde(default)]
    scopes: Vec<String>,
    state: Option<String>,
}

/// `POST /authkit/oauth2/complete`.
#[derive(Debug, Deserialize)]
pub(crate) struct CompleteExternalAuth {
    external_auth_id: String,
    user: ExternalUser,
}

/// A user as the service knows them: its id for them (the user's `external_id`) and email.
#[derive(Debug, Deserialize)]
pub(crate) struct ExternalUser {
    #[serde(alias = "external_id")]
    id: String,
    email: String,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
}

/// Why a user could not be matched to the service's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Upsert {
    /// The user of that external id has another email.
    EmailChanged,
    /// Another user has that email.
    EmailTaken,
}

/// The user with the service's id (made, with a verified email, when there is none).
pub(crate) fn upsert_external_user(
    store: &mut Store,
    user: &ExternalUser,
) -> ApiResult<Result<String, Upsert>> {
    let email = user.email.to_lowercase();
    Ok(match store.user_by_external(&user.id).map(|u| (u.id.clone(), u.email.clone())) {
        Some((_, known)) if known != email => Err(Upsert::EmailChanged),
        Some((id, _)) => Ok(id),
        None if store.user_by_email(&email).is_some() => Err(Upsert::EmailTaken),
        None => {
            let new = CreateUser {
                first_name: user.first_name.clone(),
                last_name: user.last_name.clone(),
                external_id: Some(user.id.clone()),
                email_verified: Some(true),
                ..CreateUser::with_email(email)
            };
            let made =
                store.create_user(new).map_err(|e| ApiError::bad_request("invalid_email", e.message))?;
            Ok(made.id)
        }
    })
}

/// Grants, and the external authentication that makes them.
impl Store {
    fn authorized_application(&self, grant: &Grant, with_user: bool) -> AuthorizedApplication {
        AuthorizedApplication {
            object: "authorized_connect_application",
            id: grant.id.clone(),
            granted_scopes: grant.scopes.clone(),
            application: self.connect.apps.find(&grant.app_id).map(App::answer),
            user_id: with_user.then(|| grant.user_id.clone()),
        }
    }

    /// A page of the applications the user authorized.
    pub(crate) fn user_authorized_applications(&self, user: &str, query: &Query) -> ApiResult<Value> {
        self.user(user)?;
        let items = self.connect.grants.iter().filter(|g| g.user_id == user).collect();
        Ok(query.page_with(items, |g| &g.id, |g| self.authorized_application(g, false)))
    }

    /// A page of the grants given in the organization, each naming its user.
    pub(crate) fn organization_authorized_applications(&self, org: &str, query: &Query) -> ApiResult<Value> {
        self.organization(org)?;
        let items =
            self.connect.grants.iter().filter(|g| g.organization_id.as_deref() == Some(org)).collect();
        Ok(query.page_with(items, |g| &g.id, |g| self.authorized_application(g, true)))
    }

    /// The user takes back what they granted the application.
    pub(crate) fn revoke_authorized_application(&mut self, user: &str, app: &str) -> ApiResult<()> {
        let grants = &mut self.connect.grants;
        let before = grants.len();
        grants.retain(|g| !(g.user_id == user && g.app_id == app));
        if grants.len() == before {
            return Err(ApiError::not_found("Authorized application", app));
        }
        Ok(())
    }

    /// What WorkOS does when an application sends a user to authorize it: an external
    /// authentication session for the service's login page.
    pub(crate) fn start_external_auth(&mut self, input: StartExternalAuth) -> ApiResult<ExternalAuthStarted> {
        let app = self
            .connect
            .apps
            .iter()
            .find(|a| a.client_id == input.client_id)
            .ok_or_else(|| ApiError::not_found(App::KIND, &input.client_id))?;
        if !app.redirect_uris.iter().any(|(uri, _)| *uri == input.redirect_uri) {
            return Err(ApiError::bad_request(
                "invalid_redirect_uri",
                format!("'{}' is not one of the application's redirect URIs.", input.redirect_uri),
            ));
        }
        let session = ExternalAuth {
            id: self.ids.next("external_auth"),
            app_id: app.id.clone(),
            redirect_uri: input.redirect_uri,
            scopes: input.scopes,
            state: input.state,
            completed: false,
        };
        let answer = ExternalAuthStarted { object: "external_auth", external_auth_id: session.id.clone() };
        push_bounded(&mut self.connect.sessions, session, MAX_CODES);
        Ok(answer)
    }

    /// The service signed the user in: WorkOS records the grant (replacing the user's earlier
    /// one of the application) and sends the browser back to the application.
    pub(crate) fn complete_external_auth(&mut self, input: CompleteExternalAuth) -> ApiResult<Redirect> {
        let at = self.connect.sessions.index_of(&input.external_auth_id)?;
        if self.connect.sessions[at].completed {
            return Err(ApiError::bad_request(
                "external_auth_session_already_completed",
                "The external authentication was already completed.",
            ));
        }
        let user_id = upsert_external_user(self, &input.user)?.map_err(|e| match e {
            Upsert::EmailChanged => {
                ApiError::bad_request("email_change_not_allowed", "The user's email cannot change here.")
            }
            Upsert::EmailTaken => {
                ApiError::bad_request("email_not_available", "The email belongs to another user.")
            }
        })?;
        let session = &mut self.connect.sessions[at];
        session.completed = true;
        let session = session.clone();
        let organization_id = single_org(self, &user_id);
        self.connect.grants.retain(|g| !(g.user_id == user_id && g.app_id == session.app_id));
        let grant = Grant {
            id: self.ids.next("authorized_app"),
            app_id: session.app_id,
            user_id,
            organization_id,
            scopes: session.scopes,
        };
        self.connect.grants.push(grant);
        let code = format!("code_{}", crate::model::ids::suffix());
        let params = [("code", Some(code.as_str())), ("state", session.state.as_deref())];
        Ok(Redirect { redirect_uri: url_with(&session.redirect_uri, &params) })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::fixtures::{bot, input, organization};
    use super::*;

    #[test]
    fn external_authentication_grants_once_and_redirects_with_code_and_state() {
        let mut store = Store::default();
        let org = organization(&mut store);
        let app = bot(&mut store, &org);
        let start = json!({"client_id": app.client_id, "redirect_uri": "https://bot.test/cb",
            "scopes": ["docs:read"], "state": "s1"});
        let e = store
            .start_external_auth(input(json!({"client_id": app.client_id,
            "redirect_uri": "https://evil.test"})))
            .unwrap_err();
        assert_eq!(e.code, Some("invalid_redirect_uri"));
        let session = store.start_external_auth(input(start.clone())).expect("started");
        let complete = json!({"external_auth_id": session.external_auth_id,
            "user": {"id": "ext_ivy", "email": "Ivy@x.test"}});
        let done = store.complete_external_auth(input(complete.clone())).expect("completed");
        assert!(done.redirect_uri.starts_with("https://bot.test/cb?code=code_"), "{}", done.redirect_uri);
        assert!(done.redirect_uri.ends_with("&state=s1"), "{}", done.redirect_uri);
        let e = store.complete_external_auth(input(complete)).unwrap_err();
        assert_eq!(e.code, Some("external_auth_session_already_completed"));
        let user = store.user_by_external("ext_ivy").expect("made").clone();
        assert!(user.email == "ivy@x.test" && user.email_verified);
        let page = store.user_authorized_applications(&user.id, &Query::parse(None).expect("query"));
        assert_eq!(page.expect("page")["data"][0]["granted_scopes"], json!(["docs:read"]));
        // Another email for the same external id, or the email of another user: refused.
        let again = store.start_external_auth(input(start)).expect("started").external_auth_id;
        let refused = |store: &mut Store, user: Value| {
            store
                .complete_external_auth(input(json!({"external_auth_id": again, "user": user})))
                .unwrap_err()
                .code
        };
        assert_eq!(
            refused(&mut store, json!({"id": "ext_ivy", "email": "new@x.test"})),
            Some("email_change_not_allowed")
        );
        assert_eq!(
            refused(&mut store, json!({"id": "ext_other", "email": "ivy@x.test"})),
            Some("email_not_available")
        );
        let e = store.complete_external_auth(input(json!({"external_auth_id": "external_auth_missing",
            "user": {"id": "x", "email": "x@x.test"}})));
        assert_eq!(e.unwrap_err().message, "External authentication not found: 'external_auth_missing'.");
    }

    #[test]
    fn a_grant_is_revoked_once_and_goes_with_its_application() {
        let mut store = Store::default();
        let org = organization(&mut store);
        let app = bot(&mut store, &org);
        let session = store
            .start_external_auth(input(
                json!({"client_id": app.client_id, "redirect_uri": "https://bot.test/cb"}),
            ))
            .expect("started");
        store
            .complete_external_auth(input(json!({"external_auth_id": session.external_auth_id,
                "user": {"id": "ext_1", "email": "one@x.test"}})))
            .expect("completed");
        let user = store.user_by_external("ext_1").expect("made").id.clone();
        store.revoke_authorized_application(&user, &app.id).expect("revoked");
        let e = store.revoke_authorized_application(&user, &app.id).unwrap_err();
        assert_eq!(e.message, format!("Authorized application not found: '{}'.", app.id));
        assert_eq!(
            store
                .user_authorized_applications("user_missing", &Query::parse(None).expect("q"))
                .unwrap_err()
                .status
                .as_u16(),
            404
        );
        assert_eq!(
            store
                .organization_authorized_applications("org_missing", &Query::parse(None).expect("q"))
                .unwrap_err()
                .status
                .as_u16(),
            404
        );
    }
}
