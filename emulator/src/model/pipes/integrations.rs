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

use super::accounts::{
    ConnectedAccount, CredentialAnswer, Holder, Installation, Owner, OwnerKind, upsert_held,
};
use super::connect_codes::{ConnectCode, Flow};
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
    /// Consents of flows started with a `code_challenge`, until the service finishes them.
    pub(super) connect_codes: Vec<ConnectCode>,
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
    /// Who connects through it; an environment has at most one root of each per provider.
    #[serde(default)]
    pub(super) ownership: OwnerKind,
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
    ownership: OwnerKind,
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
    pub(super) fn answer(&self, store: &Store) -> DataIntegration {
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
            installation: installation(store, &self.slug, self.ownership),
            config: self.config.clone(),
            custom_provider: self.custom_provider.clone(),
            ownership: self.ownership,
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
    /// Who connects through it (`user` unless given). The document's create body does not
    /// declare it, but `DataIntegration.ownership` is "fixed at creation": this is how a test
    /// makes the organization-owned root `/data-integrations/{slug}/organization` addresses.
    ownership: Option<OwnerKind>,
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
    /// Not in the overlaid document's body, but what `completion: finish_required` answers to
    /// (Python 10.8.0's `DataIntegrationAuthorizeUrlResponse`): the flow then ends with
    /// `POST /data-integrations/finish`.
    code_challenge: Option<String>,
}

/// A flow started: its `state`, and `finish_required` when it took a `code_challenge`.
#[derive(Debug, Clone)]
pub(crate) struct Started {
    pub(crate) state: String,
    pub(crate) completion: Option<Name>,
}

/// What the provider's consent did: the account it installed (or, for a flow with a
/// `code_challenge`, the `connect_code` the service finishes it with), and where the browser
/// goes next (the flow's `return_to`, if it gave one).
#[derive(Debug, Clone)]
pub(crate) enum Consented {
    Installed { account: Box<ConnectedAccount>, return_to: Option<String> },
    FinishRequired { connect_code: String, state: String, return_to: Option<String> },
}

impl Store {
    /// The user-owned root of the provider `slug`.
    pub(super) fn integration(&self, slug: &str) -> ApiResult<&Integration> {
        self.integration_owned(slug, OwnerKind::User)
    }

    /// The root of the provider `slug` that `kind` owns.
    pub(super) fn integration_owned(&self, slug: &str, kind: OwnerKind) -> ApiResult<&Integration> {
        self.integrations.integrations.iter().find(|i| i.slug == slug && i.ownership == kind).ok_or_else(
            || match kind {
                OwnerKind::User => ApiError::not_found("Data integration", slug),
                OwnerKind::Organization => ApiError::not_found("Organization-owned data integration", slug),
            },
        )
    }

    /// The integration, which must allow `method`: a 422 `auth_method_mismatch` otherwise.
    fn allowing(&self, slug: &str, method: &str) -> ApiResult<&Integration> {
        self.allowing_owned(slug, OwnerKind::User, method)
    }

    /// The root `kind` owns, which must allow `method`.
    pub(super) fn allowing_owned(
        &self,
        slug: &str,
        kind: OwnerKind,
        method: &str,
    ) -> ApiResult<&Integration> {
        let i = self.integration_owned(slug, kind)?;
        if !i.auth_methods.iter().any(|m| m == method) {
            return Err(ApiError::unprocessable(
                "auth_method_mismatch",
                format!("'{slug}' does not take the {method} auth method."),
            ));
        }
        Ok(i)
    }

    /// Installs the API key given with a root's creation or update: the user's compatibility
    /// account for a user-owned root, the organization's (`organization_id` required) for an
    /// organization-owned one.
    fn install_api_key(&mut self, slug: &str, kind: OwnerKind, key: ApiKeyInstallation) -> ApiResult<()> {
        if key.secret.len() < 5 {
            return Err(ApiError::invalid_field(
                "api_key.secret",
                "too_short",
                "api_key.secret must be at least 5 characters.",
            ));
        }
        self.user(&key.user_id)?;
        let org = key.organization_id.as_deref();
        let install = Install::ApiKey(key.secret);
        match (kind, org) {
            (OwnerKind::User, _) => {
                upsert(self, &key.user_id, org, slug, install);
            }
            (OwnerKind::Organization, Some(org)) => {
                self.organization(org)?;
                upsert_held(self, Holder::Organization(org), &key.user_id, Some(org), slug, install);
            }
            (OwnerKind::Organization, None) => {
                return Err(ApiError::invalid_field(
                    "api_key.organization_id",
                    "required",
                    "An organization-owned integration installs an organization's API key.",
                ));
            }
        }
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
        let ownership = input.ownership.unwrap_or_default();
        if self.integration_owned(&slug, ownership).is_ok() {
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
            ownership,
            created_at: at.clone(),
            updated_at: at,
        };
        self.integrations.integrations.push(new.clone());
        if let Some(key) = input.api_key {
            self.install_api_key(&slug, ownership, key)?;
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
        self.update_data_integration_owned(slug, OwnerKind::User, input)
    }

    /// Changes what `input` gives of the root `kind` owns.
    pub(crate) fn update_data_integration_owned(
        &mut self,
        slug: &str,
        kind: OwnerKind,
        input: UpdateIntegration,
    ) -> ApiResult<DataIntegration> {
        let credentials = input.credentials.map(CredentialsInput::checked).transpose()?;
        self.integration_owned(slug, kind)?;
        if let Some(key) = input.api_key {
            self.install_api_key(slug, kind, key)?;
        }
        let mut roots = self.integrations.integrations.iter_mut();
        let i = roots.find(|i| i.slug == slug && i.ownership == kind).expect("checked above");
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
        self.integrations.integrations.retain(|i| i.slug != slug || i.ownership != OwnerKind::User);
        self.integrations.configurations.retain(|c| c.slug != slug);
        Ok(())
    }

    /// Deletes the organization-owned root of `slug` and every organization's accounts of it.
    pub(crate) fn delete_organization_data_integration(&mut self, slug: &str) -> ApiResult<()> {
        self.integration_owned(slug, OwnerKind::Organization)?;
        let org_owned = OwnerKind::Organization;
        self.integrations.integrations.retain(|i| i.slug != slug || i.ownership != org_owned);
        self.pipes.accounts_mut().retain(|a| a.slug() != slug || a.owner != org_owned);
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
    ) -> ApiResult<Started> {
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
            code_challenge: input.code_challenge,
        };
        let completion = flow.code_challenge.is_some().then_some("finish_required");
        push_bounded(&mut self.integrations.flows, flow, MAX_CODES);
        Ok(Started { state, completion })
    }

    /// The provider's consent to the flow of `state`, given at once: the account is installed
    /// with a new access token and the integration's scopes. A flow is consented once.
    pub(crate) fn consent_data_authorization(&mut self, state: &str) -> ApiResult<Consented> {
        let flows = &mut self.integrations.flows;
        let at = flows.iter().position(|f| f.state == state);
        let at = at.ok_or_else(|| ApiError::not_found("Authorization", state))?;
        let flow = flows.remove(at);
        if flow.code_challenge.is_some() {
            let (state, return_to) = (flow.state.clone(), flow.return_to.clone());
            let connect_code = self.hold_for_finish(flow);
            return Ok(Consented::FinishRequired { connect_code, state, return_to });
        }
        let return_to = flow.return_to.clone();
        Ok(Consented::Installed { account: Box::new(self.install_consented(flow)?), return_to })
    }

    /// Installs the account a consented flow gives: a new access token, the integration's
    /// scopes.
    pub(super) fn install_consented(&mut self, flow: Flow) -> ApiResult<ConnectedAccount> {
        let Flow { slug, user_id, organization_id, .. } = flow;
        let scopes = self.integration(&slug)?.scopes.clone().unwrap_or_default();
        let install = Install::OAuth { access_token: format!("{slug}_token_{}", token(24)), scopes };
        Ok(upsert(self, &user_id, organization_id.as_deref(), &slug, install))
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
            .expect("started")
            .state;
        let Consented::Installed { account, return_to } =
            store.consent_data_authorization(&state).expect("consented")
        else {
            panic!("installed at once without a code_challenge")
        };
        assert_eq!(return_to.as_deref(), Some("https://app.test"));
        let installed = answer(*account);
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
