//! Pipes' management side: the environment's data integrations (providers, their auth methods,
//! credentials and scopes), and how accounts get their credentials: an API key or client
//! credentials a service gives, or the provider's OAuth flow.
//!
//! The OAuth flow starts at an authorization URL whose `state` [`Store::start_data_authorization`]
//! makes; the emulator has no provider, so that URL plays the provider's consent at once
//! ([`Store::consent_data_authorization`]): it installs the account with a new access token and
//! the integration's scopes.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::accounts::{ConnectedAccount, CredentialAnswer, Installation, Owner};
use super::{Install, account, installation, last_4, upsert};
use crate::model::error::{ApiError, ApiResult, non_empty};
use crate::model::ids::{now, token};
use crate::model::list::Query;
use crate::model::table::Table;
use crate::model::{MAX_CODES, Name, Store, push_bounded};

records!(
    Integration => "Data integration",
    Configuration => "Data integration configuration",
);

/// Integrations, organizations' configurations, and OAuth flows under way.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct IntegrationsData {
    pub(super) integrations: Table<Integration>,
    /// An organization's settings of an integration (at most one per organization and slug).
    pub(super) configurations: Table<Configuration>,
    /// Authorization URLs handed out, until their consent.
    flows: Vec<Flow>,
}

/// An authorization URL handed out, by its `state`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Flow {
    state: String,
    slug: String,
    user_id: String,
    organization_id: Option<String>,
    return_to: Option<String>,
}

/// A data integration; `credentials` are `(type, client id, client secret)`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Integration {
    pub(super) id: String,
    pub(super) slug: String,
    pub(super) description: Option<String>,
    pub(super) enabled: bool,
    pub(super) scopes: Option<Vec<String>>,
    pub(super) auth_methods: Vec<String>,
    pub(super) credentials: Option<(String, Option<String>, Option<String>)>,
    pub(super) config: Map<String, Value>,
    pub(super) custom_provider: Option<Value>,
    pub(super) redirect_uri: String,
    pub(super) created_at: String,
    pub(super) updated_at: String,
}

/// An organization's own settings (and OAuth client) of an integration.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Configuration {
    pub(super) id: String,
    pub(super) organization_id: String,
    pub(super) slug: String,
    pub(super) enabled: bool,
    pub(super) scopes: Option<Vec<String>>,
    pub(super) client: Option<(String, String)>,
    pub(super) config: Map<String, Value>,
    pub(super) created_at: String,
    pub(super) updated_at: String,
}

/// The document's `DataIntegration`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DataIntegration {
    object: Name,
    id: String,
    slug: String,
    integration_type: String,
    description: Option<String>,
    enabled: bool,
    /// `invalid` for an OAuth integration without credentials.
    state: Name,
    scopes: Option<Vec<String>>,
    redirect_uri: String,
    auth_methods: Vec<String>,
    credentials: Option<IntegrationCredentials>,
    installation: Option<Installation>,
    config: Map<String, Value>,
    custom_provider: Option<Value>,
    created_at: String,
    updated_at: String,
}

#[derive(Debug, Clone, Serialize)]
struct IntegrationCredentials {
    #[serde(rename = "type")]
    kind: String,
    client_id: Option<String>,
    redacted_client_secret: Option<String>,
}

impl Integration {
    fn answer(&self, store: &Store) -> DataIntegration {
        let invalid = self.auth_methods.iter().any(|m| m == "oauth") && self.credentials.is_none();
        DataIntegration {
            object: "data_integration",
            id: self.id.clone(),
            slug: self.slug.clone(),
            integration_type: self.slug.clone(),
            description: self.description.clone(),
            enabled: self.enabled,
            state: if invalid { "invalid" } else { "valid" },
            scopes: self.scopes.clone(),
            redirect_uri: self.redirect_uri.clone(),
            auth_methods: self.auth_methods.clone(),
            credentials: self.credentials.as_ref().map(|(kind, id, secret)| IntegrationCredentials {
                kind: kind.clone(),
                client_id: id.clone(),
                redacted_client_secret: secret.as_deref().map(|s| format!("...{}", last_4(s))),
            }),
            installation: installation(store, &self.slug),
            config: self.config.clone(),
            custom_provider: self.custom_provider.clone(),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
        }
    }
}

const AUTH_METHODS: &[&str] = &["oauth", "api_key", "client_credentials"];

/// An integration's OAuth client: shared by the environment (`custom`) or per organization.
#[derive(Debug, Deserialize)]
pub(crate) struct CredentialsInput {
    #[serde(rename = "type")]
    kind: String,
    client_id: Option<String>,
    client_secret: Option<String>,
}

impl CredentialsInput {
    fn checked(self) -> ApiResult<(String, Option<String>, Option<String>)> {
        if !matches!(self.kind.as_str(), "custom" | "organization") {
            return Err(ApiError::invalid_field(
                "credentials.type",
                "invalid",
                "credentials.type must be custom or organization.",
            ));
        }
        Ok((self.kind, self.client_id, self.client_secret))
    }
}

/// An API key installed with an integration's creation or update.
#[derive(Debug, Deserialize)]
pub(crate) struct ApiKeyInstallation {
    secret: String,
    user_id: String,
    organization_id: Option<String>,
}

/// `POST /data-integrations`.
#[derive(Debug, Deserialize)]
pub(crate) struct CreateIntegration {
    provider: String,
    description: Option<String>,
    enabled: Option<bool>,
    scopes: Option<Vec<String>>,
    auth_methods: Option<Vec<String>>,
    config: Option<Map<String, Value>>,
    credentials: Option<CredentialsInput>,
    api_key: Option<ApiKeyInstallation>,
    custom_provider: Option<Value>,
}

/// `PUT /data-integrations/{slug}`: what it gives changes; `custom_provider`'s fields merge.
#[derive(Debug, Deserialize)]
pub(crate) struct UpdateIntegration {
    #[serde(default, deserialize_with = "crate::model::error::double_option")]
    description: Option<Option<String>>,
    enabled: Option<bool>,
    #[serde(default, deserialize_with = "crate::model::error::double_option")]
    scopes: Option<Option<Vec<String>>>,
    credentials: Option<CredentialsInput>,
    api_key: Option<ApiKeyInstallation>,
    custom_provider: Option<Map<String, Value>>,
}

/// `PUT /data-integrations/{slug}/api-key`.
#[derive(Debug, Deserialize)]
pub(crate) struct ApiKeyInput {
    #[serde(flatten)]
    owner: Owner,
    secret: String,
}

/// `PUT /data-integrations/{slug}/client-credentials`.
#[derive(Debug, Deserialize)]
pub(crate) struct ClientCredentialsInput {
    #[serde(flatten)]
    owner: Owner,
    client_id: String,
    client_secret: String,
    config: Option<Map<String, Value>>,
}

/// `POST /data-integrations/{slug}/authorize`.
#[derive(Debug, Deserialize)]
pub(crate) struct AuthorizeInput {
    #[serde(flatten)]
    owner: Owner,
    return_to: Option<String>,
}

/// What the provider's consent did: the account it installed, and where the browser goes next
/// (the flow's `return_to`, if it gave one).
#[derive(Debug, Clone)]
pub(crate) struct Consented {
    pub(crate) account: ConnectedAccount,
    pub(crate) return_to: Option<String>,
}

impl Store {
    pub(super) fn integration(&self, slug: &str) -> ApiResult<&Integration> {
        self.integrations
            .integrations
            .iter()
            .find(|i| i.slug == slug)
            .ok_or_else(|| ApiError::not_found("Data integration", slug))
    }

    /// The integration, which must allow `method`: a 422 `auth_method_mismatch` otherwise.
    fn allowing(&self, slug: &str, method: &str) -> ApiResult<&Integration> {
        let i = self.integration(slug)?;
        if !i.auth_methods.iter().any(|m| m == method) {
            return Err(ApiError::unprocessable(
                "auth_method_mismatch",
                format!("'{slug}' does not take the {method} auth method."),
            ));
        }
        Ok(i)
    }

    fn install_api_key(&mut self, slug: &str, key: ApiKeyInstallation) -> ApiResult<()> {
        if key.secret.len() < 5 {
            return Err(ApiError::invalid_field(
                "api_key.secret",
                "too_short",
                "api_key.secret must be at least 5 characters.",
            ));
        }
        self.user(&key.user_id)?;
        upsert(self, &key.user_id, key.organization_id.as_deref(), slug, Install::ApiKey(key.secret));
        Ok(())
    }

    /// A new integration of `provider` (its slug, lowercased): 409 for one the environment
    /// has. Its redirect URI is under `origin`, the emulator's URL. An API key given with it
    /// is installed after it is made (a bad key leaves it made).
    pub(crate) fn create_data_integration(
        &mut self,
        input: CreateIntegration,
        origin: &str,
    ) -> ApiResult<DataIntegration> {
        non_empty("provider", &input.provider)?;
        let slug = input.provider.to_lowercase();
        let auth_methods = input.auth_methods.unwrap_or_else(|| vec!["oauth".to_owned()]);
        if let Some(bad) = auth_methods.iter().find(|m| !AUTH_METHODS.contains(&m.as_str())) {
            return Err(ApiError::invalid_field(
                "auth_methods",
                "invalid",
                format!("'{bad}' is not an auth method."),
            ));
        }
        let credentials = input.credentials.map(CredentialsInput::checked).transpose()?;
        if self.integrations.integrations.iter().any(|i| i.slug == slug) {
            return Err(ApiError::conflict(
                "data_integration_exists",
                format!("The environment already has '{slug}'."),
            ));
        }
        let at = now();
        let new = Integration {
            id: self.ids.next("data_integration"),
            redirect_uri: format!("{origin}/data-integrations/{slug}/callback"),
            slug: slug.clone(),
            description: input.description,
            enabled: input.enabled.unwrap_or(true),
            scopes: input.scopes,
            auth_methods,
            credentials,
            config: input.config.unwrap_or_default(),
            custom_provider: input.custom_provider,
            created_at: at.clone(),
            updated_at: at,
        };
        self.integrations.integrations.push(new.clone());
        if let Some(key) = input.api_key {
            self.install_api_key(&slug, key)?;
        }
        Ok(new.answer(self))
    }

    /// A page of the integrations.
    pub(crate) fn data_integrations(&self, query: &Query) -> Value {
        let items = self.integrations.integrations.iter().collect();
        query.page_with(items, |i| &i.id, |i| i.answer(self))
    }

    pub(crate) fn data_integration(&self, slug: &str) -> ApiResult<DataIntegration> {
        Ok(self.integration(slug)?.answer(self))
    }

    /// Changes what `input` gives; an API key given is installed first.
    pub(crate) fn update_data_integration(
        &mut self,
        slug: &str,
        input: UpdateIntegration,
    ) -> ApiResult<DataIntegration> {
        let credentials = input.credentials.map(CredentialsInput::checked).transpose()?;
        self.integration(slug)?;
        if let Some(key) = input.api_key {
            self.install_api_key(slug, key)?;
        }
        let i = self.integrations.integrations.iter_mut().find(|i| i.slug == slug).expect("checked above");
        if let Some(description) = input.description {
            i.description = description;
        }
        if let Some(enabled) = input.enabled {
            i.enabled = enabled;
        }
        if let Some(scopes) = input.scopes {
            i.scopes = scopes;
        }
        if credentials.is_some() {
            i.credentials = credentials;
        }
        if let Some(fields) = input.custom_provider {
            let provider = i.custom_provider.get_or_insert_with(|| json!({}));
            if let Some(p) = provider.as_object_mut() {
                p.extend(fields);
            }
        }
        i.updated_at = now();
        let i = i.clone();
        Ok(i.answer(self))
    }

    /// Deletes an integration and the organizations' configurations of it.
    pub(crate) fn delete_data_integration(&mut self, slug: &str) -> ApiResult<()> {
        self.integration(slug)?;
        self.integrations.integrations.retain(|i| i.slug != slug);
        self.integrations.configurations.retain(|c| c.slug != slug);
        Ok(())
    }

    /// Installs (or replaces) the owner's API key for an integration that takes one.
    pub(crate) fn put_data_api_key(&mut self, slug: &str, input: ApiKeyInput) -> ApiResult<ConnectedAccount> {
        non_empty("secret", &input.secret)?;
        self.allowing(slug, "api_key")?;
        self.pipes_owner(&input.owner)?;
        let Owner { user_id, organization_id } = input.owner;
        Ok(upsert(self, &user_id, organization_id.as_deref(), slug, Install::ApiKey(input.secret)))
    }

    /// Installs (or replaces) the owner's client credentials for an integration that takes them.
    pub(crate) fn put_data_client_credentials(
        &mut self,
        slug: &str,
        input: ClientCredentialsInput,
    ) -> ApiResult<ConnectedAccount> {
        non_empty("client_id", &input.client_id)?;
        non_empty("client_secret", &input.client_secret)?;
        self.allowing(slug, "client_credentials")?;
        self.pipes_owner(&input.owner)?;
        let install = Install::ClientCredentials {
            client_id: input.client_id,
            client_secret: input.client_secret,
            config: input.config.unwrap_or_default(),
        };
        let Owner { user_id, organization_id } = input.owner;
        Ok(upsert(self, &user_id, organization_id.as_deref(), slug, install))
    }

    /// What the owner's account of the integration holds, by its auth method.
    pub(crate) fn data_credentials(&self, slug: &str, owner: &Owner) -> ApiResult<CredentialAnswer> {
        let wanted = self.integration(slug)?.scopes.clone().unwrap_or_default();
        self.pipes_owner(owner)?;
        Ok(match account(self, &owner.user_id, slug) {
            Some(a) => a.credential(&wanted),
            None => CredentialAnswer::inactive("not_installed"),
        })
    }

    /// Starts the provider's OAuth flow for the owner: the `state` of the authorization URL.
    /// Not an OAuth integration: a 400 (the document's 422 here is for bodies).
    pub(crate) fn start_data_authorization(
        &mut self,
        slug: &str,
        input: AuthorizeInput,
    ) -> ApiResult<String> {
        self.allowing(slug, "oauth").map_err(|e| match e.code {
            Some("auth_method_mismatch") => ApiError::bad_request("invalid_request", e.message),
            _ => e,
        })?;
        self.pipes_owner(&input.owner)?;
        let state = token(24);
        let flow = Flow {
            state: state.clone(),
            slug: slug.to_owned(),
            user_id: input.owner.user_id,
            organization_id: input.owner.organization_id,
            return_to: input.return_to,
        };
        push_bounded(&mut self.integrations.flows, flow, MAX_CODES);
        Ok(state)
    }

    /// The provider's consent to the flow of `state`, given at once: the account is installed
    /// with a new access token and the integration's scopes. A flow is consented once.
    pub(crate) fn consent_data_authorization(&mut self, state: &str) -> ApiResult<Consented> {
        let flows = &mut self.integrations.flows;
        let at = flows.iter().position(|f| f.state == state);
        let at = at.ok_or_else(|| ApiError::not_found("Authorization", state))?;
        let Flow { slug, user_id, organization_id, return_to, .. } = flows.remove(at);
        let scopes = self.integration(&slug)?.scopes.clone().unwrap_or_default();
        let install = Install::OAuth { access_token: format!("{slug}_token_{}", token(24)), scopes };
        let account = upsert(self, &user_id, organization_id.as_deref(), &slug, install);
        Ok(Consented { account, return_to })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn input<T: serde::de::DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).expect("a valid input")
    }

    /// A store with a user, and integrations made from `bodies`.
    fn with(bodies: Vec<Value>) -> (Store, String) {
        let mut store = Store::default();
        let user = store
            .create_user(crate::model::user_management::users::CreateUser::with_email("i@x.test"))
            .expect("user")
            .id;
        for body in bodies {
            store.create_data_integration(input(body), "http://emu").expect("created");
        }
        (store, user)
    }

    fn answer(value: impl Serialize) -> Value {
        serde_json::to_value(value).expect("serializes")
    }

    #[test]
    fn an_integration_is_made_once_per_provider_and_checked() {
        let linear = json!({"provider": "Linear", "scopes": ["read"], "auth_methods": ["oauth", "api_key"],
            "credentials": {"type": "custom", "client_id": "lin_1", "client_secret": "lin_secret_1"}});
        let (mut store, user) = with(vec![linear.clone()]);
        let made = answer(store.data_integration("linear").expect("found"));
        assert_eq!(
            (&made["state"], &made["redirect_uri"]),
            (&json!("valid"), &json!("http://emu/data-integrations/linear/callback"))
        );
        assert_eq!(made["credentials"]["redacted_client_secret"], "...et_1");
        let e = store.create_data_integration(input(linear), "http://emu").unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (409, Some("data_integration_exists")));
        let mut refused = |body: Value| store.create_data_integration(input(body), "http://emu").unwrap_err();
        assert_eq!(
            refused(json!({"provider": "x", "auth_methods": ["pigeon"]})).errors[0].field,
            "auth_methods"
        );
        assert_eq!(
            refused(json!({"provider": "x", "credentials": {"type": "shared"}})).errors[0].field,
            "credentials.type"
        );
        assert_eq!(refused(json!({"provider": " "})).errors[0].field, "provider");
        // A bad API key is refused after the integration is made.
        let e = refused(json!({"provider": "short", "api_key": {"secret": "sk", "user_id": user}}));
        assert_eq!(e.errors[0].code, "too_short");
        assert_eq!(answer(store.data_integration("short").expect("made anyway"))["state"], "invalid");
        assert_eq!(
            store.data_integration("missing").unwrap_err().message,
            "Data integration not found: 'missing'."
        );
    }

    #[test]
    fn updates_change_what_they_give_and_merge_the_custom_provider() {
        let (mut store, user) = with(vec![json!({"provider": "notion", "scopes": ["read"]})]);
        let update = |store: &mut Store, body: Value| store.update_data_integration("notion", input(body));
        update(&mut store, json!({"description": "Docs", "custom_provider": {"name": "Notion HQ"}}))
            .expect("updated");
        let changed = answer(
            update(
                &mut store,
                json!({"scopes": null, "custom_provider": {"logo": "l"},
            "api_key": {"secret": "sk_notion", "user_id": user}}),
            )
            .expect("updated"),
        );
        assert_eq!((&changed["description"], &changed["scopes"]), (&json!("Docs"), &Value::Null));
        assert_eq!(changed["custom_provider"], json!({"name": "Notion HQ", "logo": "l"}));
        assert_eq!(changed["installation"]["api_key_last_4"], "tion");
        assert_eq!(
            update(&mut store, json!({"credentials": {"type": "x"}})).unwrap_err().status.as_u16(),
            422
        );
        assert_eq!(
            store.update_data_integration("missing", input(json!({}))).unwrap_err().status.as_u16(),
            404
        );
        store.delete_data_integration("notion").expect("deleted");
        assert_eq!(store.delete_data_integration("notion").unwrap_err().status.as_u16(), 404);
    }

    #[test]
    fn credentials_are_installed_only_by_the_auth_methods_the_integration_takes() {
        let (mut store, user) = with(vec![
            json!({"provider": "linear", "scopes": ["read"], "auth_methods": ["api_key"]}),
            json!({"provider": "stripe", "auth_methods": ["client_credentials"]}),
        ]);
        let owner = Owner { user_id: user.clone(), organization_id: None };
        let vended =
            |store: &Store, slug: &str| answer(store.data_credentials(slug, &owner).expect("answer"));
        assert_eq!(vended(&store, "linear")["error"], "not_installed");
        let key = store.put_data_api_key("linear", input(json!({"user_id": user, "secret": "lin_key_9"})));
        assert_eq!(answer(key.expect("installed"))["auth_method"], "api_key");
        assert_eq!(vended(&store, "linear")["credential"]["value"], "lin_key_9");
        let e = store.put_data_client_credentials(
            "linear",
            input(json!({"user_id": user, "client_id": "c", "client_secret": "s"})),
        );
        assert_eq!(e.unwrap_err().code, Some("auth_method_mismatch"));
        let e = store.put_data_api_key("linear", input(json!({"user_id": user, "secret": ""})));
        assert_eq!(e.unwrap_err().errors[0].field, "secret");
        let e = store.put_data_api_key(
            "linear",
            input(json!({"user_id": user, "secret": "k", "organization_id": "org_missing"})),
        );
        assert_eq!(e.unwrap_err().message, "Organization not found: 'org_missing'.");
        store
            .put_data_client_credentials(
                "stripe",
                input(json!({"user_id": user, "client_id": "c", "client_secret": "s"})),
            )
            .expect("installed");
        assert_eq!(vended(&store, "stripe")["credential"]["auth_method"], "client_credentials");
        assert_eq!(store.data_credentials("missing", &owner).unwrap_err().status.as_u16(), 404);
    }

    #[test]
    fn the_oauth_flow_is_consented_once() {
        let (mut store, user) = with(vec![
            json!({"provider": "notion", "scopes": ["read_content"]}),
            json!({"provider": "stripe", "auth_methods": ["api_key"]}),
        ]);
        let e = store.start_data_authorization("stripe", input(json!({"user_id": user}))).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (400, Some("invalid_request")));
        let e =
            store.start_data_authorization("notion", input(json!({"user_id": "user_missing"}))).unwrap_err();
        assert_eq!(e.status.as_u16(), 404);
        let state = store
            .start_data_authorization(
                "notion",
                input(json!({"user_id": user, "return_to": "https://app.test"})),
            )
            .expect("started");
        let consented = store.consent_data_authorization(&state).expect("consented");
        assert_eq!(consented.return_to.as_deref(), Some("https://app.test"));
        let installed = answer(consented.account);
        assert_eq!(
            (&installed["auth_method"], &installed["scopes"]),
            (&json!("oauth"), &json!(["read_content"]))
        );
        let e = store.consent_data_authorization(&state).unwrap_err();
        assert_eq!(e.message, format!("Authorization not found: '{state}'."));
        let owner = Owner { user_id: user, organization_id: None };
        let vended = answer(store.data_credentials("notion", &owner).expect("answer"));
        assert_eq!(vended["credential"]["missing_scopes"], json!([]));
    }
}
