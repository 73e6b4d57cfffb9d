//! What an organization and a user see of the data integrations: an organization's own
//! settings (and OAuth client) of each, and the providers a user can connect, with their
//! account of each.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::accounts::{Account, ConnectedAccount, Holder, OwnerKind, position};
use super::integrations::{Configuration, Integration};
use super::{List, last_4};
use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::now;
use crate::model::{Name, Store};

/// The document's `DataIntegrationConfiguration`: the organization's settings where it has
/// them, the integration's otherwise.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct IntegrationConfiguration {
    object: Name,
    id: String,
    organization_id: String,
    slug: String,
    name: String,
    enabled: bool,
    scopes: Option<Vec<String>>,
    config: Map<String, Value>,
    created_at: String,
    updated_at: String,
    credentials: ConfigurationCredentials,
}

#[derive(Debug, Clone, Serialize)]
struct ConfigurationCredentials {
    credentials_type: String,
    has_credentials: bool,
    client_id: Option<String>,
    client_secret_last_four: Option<String>,
    redirect_uri: String,
}

/// The document's `DataProvider`, with the deprecated camel-case fields it still requires.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DataProvider {
    object: Name,
    id: String,
    name: String,
    description: Option<String>,
    slug: String,
    integration_type: String,
    credentials_type: String,
    scopes: Option<Vec<String>>,
    auth_methods: Vec<String>,
    ownership: Name,
    created_at: String,
    updated_at: String,
    #[serde(rename = "integrationType")]
    integration_type_legacy: String,
    #[serde(rename = "credentialsType")]
    credentials_type_legacy: String,
    #[serde(rename = "createdAt")]
    created_at_legacy: String,
    #[serde(rename = "updatedAt")]
    updated_at_legacy: String,
    connected_account: Option<ConnectedAccount>,
    connection_owner: OwnerKind,
    /// The compatibility account only, unless the caller supports multiple connections.
    connected_accounts: Vec<ConnectedAccount>,
}

/// `github` → `Github`.
fn title(slug: &str) -> String {
    let mut chars = slug.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

impl Integration {
    /// The integration as a provider `holder` can connect, with its accounts of it (all of them
    /// when `multiple`).
    pub(super) fn provider(&self, store: &Store, holder: Holder<'_>, multiple: bool) -> DataProvider {
        let name = self
            .custom_provider
            .as_ref()
            .and_then(|p| p["name"].as_str())
            .map_or_else(|| title(&self.slug), str::to_owned);
        let credentials_type =
            self.credentials.as_ref().map_or("shared", |(kind, _, _)| kind.as_str()).to_owned();
        DataProvider {
            object: "data_provider",
            id: self.id.clone(),
            name,
            description: self.description.clone(),
            slug: self.slug.clone(),
            integration_type: self.slug.clone(),
            credentials_type: credentials_type.clone(),
            scopes: self.scopes.clone(),
            auth_methods: self.auth_methods.clone(),
            ownership: match holder {
                Holder::User(_) => "userland_user",
                Holder::Organization(_) => "organization",
            },
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            integration_type_legacy: self.slug.clone(),
            credentials_type_legacy: credentials_type,
            created_at_legacy: self.created_at.clone(),
            updated_at_legacy: self.updated_at.clone(),
            connected_account: position(&store.pipes, holder, &self.slug)
                .map(|i| store.pipes.accounts[i].answer_with_legacy_fields()),
            connection_owner: holder.kind(),
            connected_accounts: store
                .pipes
                .held(holder, &self.slug)
                .take(if multiple { usize::MAX } else { 1 })
                .map(Account::answer)
                .collect(),
        }
    }

    /// The integration as `org` has it: its configuration `c`, if it has one.
    fn configuration(&self, c: Option<&Configuration>, org: &str) -> IntegrationConfiguration {
        let client = c.and_then(|c| c.client.as_ref());
        let credentials_type = if client.is_some() {
            "organization"
        } else {
            self.credentials.as_ref().map_or("shared", |(k, _, _)| k.as_str())
        };
        IntegrationConfiguration {
            object: "data_integration_configuration",
            id: c.map_or_else(|| format!("{}_{org}", self.id), |c| c.id.clone()),
            organization_id: org.to_owned(),
            slug: self.slug.clone(),
            name: title(&self.slug),
            enabled: c.map_or(self.enabled, |c| c.enabled),
            scopes: c.map_or_else(|| self.scopes.clone(), |c| c.scopes.clone()),
            config: c.map_or_else(|| self.config.clone(), |c| c.config.clone()),
            created_at: c.map_or(&self.created_at, |c| &c.created_at).clone(),
            updated_at: c.map_or(&self.updated_at, |c| &c.updated_at).clone(),
            credentials: ConfigurationCredentials {
                credentials_type: credentials_type.to_owned(),
                has_credentials: client.is_some() || self.credentials.is_some(),
                client_id: client.map(|(id, _)| id.clone()),
                client_secret_last_four: client.map(|(_, s)| last_4(s)),
                redirect_uri: self.redirect_uri.clone(),
            },
        }
    }
}

/// `PUT /organizations/{id}/data_integration_configurations/{slug}`: what it gives changes;
/// `client_id` and `client_secret` go together.
#[derive(Debug, Deserialize)]
pub(crate) struct ConfigureInput {
    enabled: Option<bool>,
    #[serde(default, deserialize_with = "crate::model::error::double_option")]
    scopes: Option<Option<Vec<String>>>,
    client_id: Option<String>,
    client_secret: Option<String>,
    config: Option<Map<String, Value>>,
}

impl Store {
    pub(super) fn configuration_of(&self, org: &str, slug: &str) -> Option<&Configuration> {
        self.integrations.configurations.iter().find(|c| c.organization_id == org && c.slug == slug)
    }

    /// The integrations enabled for the user (in `org`, by its configuration, when given),
    /// each with the user's account of it.
    pub(crate) fn data_providers(&self, user: &str, org: Option<&str>) -> ApiResult<List<DataProvider>> {
        self.user(user)?;
        if let Some(org) = org {
            self.organization(org)?;
        }
        let enabled = |i: &&Integration| match org.and_then(|o| self.configuration_of(o, &i.slug)) {
            Some(c) => c.enabled,
            None => i.enabled,
        };
        let integrations = self.integrations.integrations.iter().filter(|i| i.ownership == OwnerKind::User);
        let holder = Holder::User(user);
        Ok(List::of(integrations.filter(enabled).map(|i| i.provider(self, holder, false)).collect()))
    }

    /// Every integration, as the organization has it.
    pub(crate) fn data_integration_configurations(
        &self,
        org: &str,
    ) -> ApiResult<List<IntegrationConfiguration>> {
        self.organization(org)?;
        let integrations = self.integrations.integrations.iter();
        Ok(List::of(
            integrations.map(|i| i.configuration(self.configuration_of(org, &i.slug), org)).collect(),
        ))
    }

    /// Sets the organization's own settings of an integration (made from the integration's
    /// the first time).
    pub(crate) fn configure_data_integration(
        &mut self,
        org: &str,
        slug: &str,
        input: ConfigureInput,
    ) -> ApiResult<IntegrationConfiguration> {
        if input.client_id.is_some() != input.client_secret.is_some() {
            return Err(ApiError::invalid_field(
                "client_secret",
                "required",
                "client_id and client_secret go together.",
            ));
        }
        self.organization(org)?;
        let i = self.integration(slug)?.clone();
        let at = now();
        let configurations = &self.integrations.configurations;
        let index = match configurations.iter().position(|c| c.organization_id == org && c.slug == slug) {
            Some(index) => index,
            None => {
                let c = Configuration {
                    id: self.ids.next("data_integration_configuration"),
                    organization_id: org.to_owned(),
                    slug: slug.to_owned(),
                    enabled: i.enabled,
                    scopes: i.scopes.clone(),
                    client: None,
                    config: i.config.clone(),
                    created_at: at.clone(),
                    updated_at: at.clone(),
                };
                self.integrations.configurations.push(c);
                self.integrations.configurations.len() - 1
            }
        };
        let c = &mut self.integrations.configurations[index];
        if let Some(enabled) = input.enabled {
            c.enabled = enabled;
        }
        if let Some(scopes) = input.scopes {
            c.scopes = scopes;
        }
        if let (Some(id), Some(secret)) = (input.client_id, input.client_secret) {
            c.client = Some((id, secret));
        }
        if let Some(config) = input.config {
            c.config = config;
        }
        c.updated_at = at;
        Ok(i.configuration(Some(c), org))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn input<T: serde::de::DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).expect("a valid input")
    }

    fn answer(value: impl Serialize) -> Value {
        serde_json::to_value(value).expect("serializes")
    }

    /// A store with a user, an organization, and the integrations `notion` and `linear`.
    fn store() -> (Store, String, String) {
        let mut store = Store::default();
        let user = store
            .create_user(crate::model::user_management::users::CreateUser::with_email("c@x.test"))
            .expect("user")
            .id;
        let org = store
            .create_organization(crate::model::organizations::CreateOrganization::named("C"))
            .expect("org")
            .id
            .clone();
        for body in [json!({"provider": "notion", "scopes": ["read"]}), json!({"provider": "linear"})] {
            store.create_data_integration(input(body), "http://emu").expect("created");
        }
        (store, user, org)
    }

    fn provider_slugs(store: &Store, user: &str, org: Option<&str>) -> Vec<Value> {
        let list = answer(store.data_providers(user, org).expect("listed"));
        list["data"].as_array().expect("data").iter().map(|p| p["slug"].clone()).collect()
    }

    #[test]
    fn an_organization_configures_an_integration_for_itself() {
        let (mut store, user, org) = store();
        let listed = answer(store.data_integration_configurations(&org).expect("listed"));
        assert_eq!(listed["data"][0]["credentials"]["credentials_type"], "shared");
        let e = store
            .configure_data_integration(&org, "notion", input(json!({"client_id": "only"})))
            .unwrap_err();
        assert_eq!(e.errors[0].field, "client_secret");
        let made = store.configure_data_integration(
            &org,
            "notion",
            input(json!({"enabled": false,
            "client_id": "org_c", "client_secret": "org_s"})),
        );
        let made = answer(made.expect("configured"));
        assert_eq!(
            (&made["enabled"], &made["scopes"]),
            (&json!(false), &json!(["read"])),
            "the rest from the integration"
        );
        assert_eq!(made["credentials"]["client_secret_last_four"], "rg_s");
        let again = store.configure_data_integration(&org, "notion", input(json!({"scopes": null})));
        assert_eq!(
            answer(again.expect("configured"))["id"],
            made["id"],
            "one configuration per organization"
        );
        assert_eq!(
            provider_slugs(&store, &user, Some(&org)),
            [json!("linear")],
            "notion is off in the organization"
        );
        assert_eq!(provider_slugs(&store, &user, None), [json!("notion"), json!("linear")]);
        store.delete_data_integration("notion").expect("deleted");
        assert!(store.integrations.configurations.is_empty());
        let e = store.configure_data_integration(&org, "notion", input(json!({}))).unwrap_err();
        assert_eq!(e.message, "Data integration not found: 'notion'.");
        let e = store.configure_data_integration("org_missing", "linear", input(json!({}))).unwrap_err();
        assert_eq!(e.message, "Organization not found: 'org_missing'.");
    }

    #[test]
    fn a_provider_shows_the_users_account_with_the_legacy_fields() {
        let (mut store, user, org) = store();
        super::super::upsert(
            &mut store,
            &user,
            None,
            "linear",
            super::super::Install::ApiKey("lin_k".into()),
        );
        let list = answer(store.data_providers(&user, Some(&org)).expect("listed"));
        let linear = &list["data"][1];
        assert_eq!((&linear["name"], &linear["credentialsType"]), (&json!("Linear"), &json!("shared")));
        assert_eq!(linear["connected_account"]["userlandUserId"], json!(user));
        assert!(list["data"][0]["connected_account"].is_null());
        assert_eq!(store.data_providers("user_missing", None).unwrap_err().status.as_u16(), 404);
        assert_eq!(store.data_providers(&user, Some("org_missing")).unwrap_err().status.as_u16(), 404);
        assert_eq!(store.data_integration_configurations("org_missing").unwrap_err().status.as_u16(), 404);
    }
}
