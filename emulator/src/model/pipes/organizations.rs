//! What an organization owns in Pipes, on the same accounts and integrations as a user's: an
//! organization's connected accounts (`/organizations/{id}/connected_accounts/{slug}`) and the
//! providers it sees, the organization-owned root of an integration
//! (`/data-integrations/{slug}/organization`), and the connections a service adds beside an
//! owner's compatibility one (`POST /data-integrations/{slug}/api-key` and
//! `.../client-credentials`), for a user or an organization.
//!
//! An owner's first account of a provider is its compatibility connection (what a call without
//! `connected_account_id` addresses); the ones added later are `standard`. An organization's
//! account is established by a member: `user_id` must be an active member of the organization.
//! WorkOS's code for a non-member is not in the SDK sources; the operations declare a 403 for it,
//! answered as `forbidden`.

use http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::List;
use super::accounts::{
    Account, AccountInput, ConnectedAccount, Holder, Install, Labels, Owner, OwnerKind, Role, position,
};
use super::configurations::DataProvider;
use super::integrations::DataIntegration;
use crate::model::Store;
use crate::model::error::{ApiError, ApiResult, non_empty};
use crate::model::table::Record;

/// `CreateOrganizationConnectedAccountDto` and `OrganizationConnectedAccountDto`: the member
/// acting, the labels, the provider's tokens; `connection_intent` (`add`) on a create only.
#[derive(Debug, Deserialize)]
pub(crate) struct OrganizationAccountInput {
    user_id: String,
    #[serde(flatten)]
    labels: Labels,
    #[serde(flatten)]
    account: AccountInput,
    connection_intent: Option<String>,
}

/// What `POST /data-integrations/{slug}/api-key` and `.../client-credentials` share: the owner,
/// `connection_intent` (must be `add`), whose connection it is, and its labels.
#[derive(Debug, Deserialize)]
pub(crate) struct NewConnection {
    #[serde(flatten)]
    owner: Owner,
    connection_intent: String,
    connection_owner: Option<OwnerKind>,
    #[serde(flatten)]
    labels: Labels,
}

/// `DataIntegrationsCreateApiKeyConnectionRequest`.
#[derive(Debug, Deserialize)]
pub(crate) struct ApiKeyConnection {
    #[serde(flatten)]
    connection: NewConnection,
    secret: String,
}

/// `DataIntegrationsCreateClientCredentialsConnectionRequest`.
#[derive(Debug, Deserialize)]
pub(crate) struct ClientCredentialsConnection {
    #[serde(flatten)]
    connection: NewConnection,
    client_id: String,
    client_secret: String,
    config: Option<Map<String, Value>>,
}

/// The operations that answer a malformed or refused body with a 400 (they declare no 422).
fn as_400(mut e: ApiError) -> ApiError {
    if e.status == StatusCode::UNPROCESSABLE_ENTITY {
        e.status = StatusCode::BAD_REQUEST;
    }
    e
}

impl Store {
    /// `user` exists (a 404) and is an active member of `org` (a 403).
    fn acting_member(&self, org: &str, user: &str) -> ApiResult<()> {
        self.user(user)?;
        match self.membership_of(user, org) {
            Some(m) if m.status == "active" => Ok(()),
            _ => Err(ApiError::with_status(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("{user} is not an active member of {org}."),
            )),
        }
    }

    /// The organization's account of `slug` named `id`, or its compatibility one.
    fn organization_account_index(&self, org: &str, slug: &str, id: Option<&str>) -> ApiResult<usize> {
        self.organization(org)?;
        let holder = Holder::Organization(org);
        let found = match id {
            Some(id) => {
                self.pipes.accounts.iter().position(|a| a.held_by(holder) && a.slug() == slug && a.id() == id)
            }
            None => position(&self.pipes, holder, slug),
        };
        found.ok_or_else(|| {
            let key = id.map_or_else(|| format!("{slug} of {org}"), str::to_owned);
            ApiError::not_found(Account::KIND, &key)
        })
    }

    pub(crate) fn organization_connected_account(
        &self,
        org: &str,
        slug: &str,
        id: Option<&str>,
    ) -> ApiResult<ConnectedAccount> {
        Ok(self.pipes.accounts[self.organization_account_index(org, slug, id)?].answer())
    }

    /// Imports an organization's account of `slug` with the provider's tokens: the
    /// compatibility connection (a 409 if it has one), or with `connection_intent: add` another.
    pub(crate) fn create_organization_connected_account(
        &mut self,
        org: &str,
        slug: &str,
        input: OrganizationAccountInput,
    ) -> ApiResult<ConnectedAccount> {
        input.account.check()?;
        let adding = match input.connection_intent.as_deref() {
            None => false,
            Some("add") => true,
            Some(other) => return Err(intent_error(other, "add")),
        };
        self.organization(org)?;
        self.acting_member(org, &input.user_id)?;
        let holder = Holder::Organization(org);
        let has_one = position(&self.pipes, holder, slug).is_some();
        if has_one && !adding {
            return Err(ApiError::conflict(
                "connected_account_exists",
                format!("{org} already has a {slug} account."),
            ));
        }
        let role = if has_one { Role::Standard } else { Role::Compatibility };
        let id = self.ids.next("connected_account");
        let mut account = Account::held(id, holder, &input.user_id, slug, role);
        input.account.apply(&mut account);
        input.labels.apply(&mut account);
        let answer = account.answer();
        self.pipes.accounts.push(account);
        Ok(answer)
    }

    /// Changes the organization's account named `id` (or its compatibility one). A
    /// `connection_intent` is `reauthorize`, with an id.
    pub(crate) fn update_organization_connected_account(
        &mut self,
        org: &str,
        slug: &str,
        (id, intent): (Option<&str>, Option<&str>),
        input: OrganizationAccountInput,
    ) -> ApiResult<ConnectedAccount> {
        input.account.check()?;
        match (intent, id) {
            (None, _) | (Some("reauthorize"), Some(_)) => {}
            (Some("reauthorize"), None) => {
                return Err(ApiError::invalid_field(
                    "connected_account_id",
                    "required",
                    "connection_intent reauthorize needs a connected_account_id.",
                ));
            }
            (Some(other), _) => return Err(intent_error(other, "reauthorize")),
        }
        let i = self.organization_account_index(org, slug, id)?;
        self.acting_member(org, &input.user_id)?;
        let account = &mut self.pipes.accounts[i];
        input.account.apply(account);
        input.labels.apply(account);
        account.touch();
        Ok(account.answer())
    }

    pub(crate) fn delete_organization_connected_account(
        &mut self,
        org: &str,
        slug: &str,
        id: Option<&str>,
    ) -> ApiResult<()> {
        let i = self.organization_account_index(org, slug, id)?;
        self.pipes.accounts.remove(i);
        Ok(())
    }

    /// The organization-owned integrations enabled for the organization (by its configuration,
    /// if it has one), each with its accounts (the compatibility one only unless `multiple`).
    pub(crate) fn organization_data_providers(
        &self,
        org: &str,
        multiple: bool,
    ) -> ApiResult<List<DataProvider>> {
        self.organization(org)?;
        let roots = self.integrations.integrations.iter().filter(|i| i.ownership == OwnerKind::Organization);
        let enabled = roots.filter(|i| self.configuration_of(org, &i.slug).map_or(i.enabled, |c| c.enabled));
        let holder = Holder::Organization(org);
        Ok(List::of(enabled.map(|i| i.provider(self, holder, multiple)).collect()))
    }

    /// The organization-owned root of the provider `slug`.
    pub(crate) fn organization_data_integration(&self, slug: &str) -> ApiResult<DataIntegration> {
        Ok(self.integration_owned(slug, OwnerKind::Organization)?.answer(self))
    }

    /// Adds an API key connection for the owner.
    pub(crate) fn add_data_api_key_connection(
        &mut self,
        slug: &str,
        input: ApiKeyConnection,
    ) -> ApiResult<ConnectedAccount> {
        non_empty("secret", &input.secret).map_err(as_400)?;
        self.add_data_connection(slug, input.connection, "api_key", Install::ApiKey(input.secret))
    }

    /// Adds a client credentials connection for the owner.
    pub(crate) fn add_data_client_credentials_connection(
        &mut self,
        slug: &str,
        input: ClientCredentialsConnection,
    ) -> ApiResult<ConnectedAccount> {
        non_empty("client_id", &input.client_id).map_err(as_400)?;
        non_empty("client_secret", &input.client_secret).map_err(as_400)?;
        let install = Install::ClientCredentials {
            client_id: input.client_id,
            client_secret: input.client_secret,
            config: input.config.unwrap_or_default(),
        };
        self.add_data_connection(slug, input.connection, "client_credentials", install)
    }

    /// Another connection of the owner (`connection_owner`'s root must take `method`): the
    /// compatibility one if the owner has none yet, a standard one otherwise; a 409 if the
    /// owner has an account of the provider with the same `account_identifier`.
    fn add_data_connection(
        &mut self,
        slug: &str,
        input: NewConnection,
        method: &str,
        install: Install,
    ) -> ApiResult<ConnectedAccount> {
        if input.connection_intent != "add" {
            return Err(as_400(intent_error(&input.connection_intent, "add")));
        }
        let kind = input.connection_owner.unwrap_or_default();
        self.allowing_owned(slug, kind, method).map_err(|e| match e.code {
            Some("auth_method_mismatch") => ApiError::bad_request("invalid_request", e.message),
            _ => e,
        })?;
        let Owner { user_id: user, organization_id: org } = input.owner;
        self.user(&user)?;
        if let Some(org) = &org {
            self.organization(org)?;
        }
        let holder = match (kind, org.as_deref()) {
            (OwnerKind::User, _) => Holder::User(&user),
            (OwnerKind::Organization, Some(org)) => {
                self.acting_member(org, &user)?;
                Holder::Organization(org)
            }
            (OwnerKind::Organization, None) => {
                return Err(as_400(ApiError::invalid_field(
                    "organization_id",
                    "required",
                    "organization_id is required when connection_owner is organization.",
                )));
            }
        };
        if let Some(Some(identifier)) = &input.labels.account_identifier
            && self.pipes.held(holder, slug).any(|a| a.account_identifier.as_ref() == Some(identifier))
        {
            return Err(ApiError::conflict(
                "connected_account_exists",
                format!("There is already a {slug} account '{identifier}'."),
            ));
        }
        let role =
            if position(&self.pipes, holder, slug).is_some() { Role::Standard } else { Role::Compatibility };
        let mut account = Account::held(self.ids.next("connected_account"), holder, &user, slug, role);
        account.organization_id.clone_from(&org);
        account.install(install);
        input.labels.apply(&mut account);
        let answer = account.answer();
        self.pipes.accounts.push(account);
        Ok(answer)
    }
}

/// A `connection_intent` other than the one the operation takes: a 422 naming the field.
fn intent_error(given: &str, wanted: &str) -> ApiError {
    ApiError::invalid_field(
        "connection_intent",
        "invalid",
        format!("connection_intent must be {wanted}, got '{given}'."),
    )
}

#[cfg(test)]
mod tests {
    use serde::Serialize;
    use serde_json::json;

    use super::*;
    use crate::model::testing;

    fn input<T: serde::de::DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).expect("a valid input")
    }

    fn answer(value: impl Serialize) -> Value {
        serde_json::to_value(value).expect("serializes")
    }

    /// A store with an organization, a member, a user who is not one, and an
    /// organization-owned `linear` root beside a user-owned one.
    fn store() -> (Store, String, String, String) {
        let mut store = Store::default();
        let org = testing::organization(&mut store, "Pipes").id;
        let member = testing::user(&mut store, "member@x.test").id;
        let outsider = testing::user(&mut store, "outsider@x.test").id;
        testing::membership(&mut store, &member, &org);
        for body in [
            json!({"provider": "linear", "auth_methods": ["oauth", "api_key"]}),
            json!({"provider": "linear", "ownership": "organization", "auth_methods": ["api_key"]}),
        ] {
            store.create_data_integration(input(body), "http://emu").expect("created");
        }
        (store, org, member, outsider)
    }

    #[test]
    fn an_organization_imports_one_compatibility_account_and_adds_others() {
        let (mut store, org, member, outsider) = store();
        let body = |user: &str, extra: Value| {
            let mut body = json!({"user_id": user, "access_token": "tok", "account_display_name": "Ops"});
            body.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
            input::<OrganizationAccountInput>(body)
        };
        let first = answer(
            store.create_organization_connected_account(&org, "github", body(&member, json!({}))).unwrap(),
        );
        assert_eq!(
            (&first["connection_role"], &first["established_by_user_id"], &first["organization_id"]),
            (&json!("compatibility"), &json!(member), &json!(org))
        );
        let e = store.create_organization_connected_account(&org, "github", body(&member, json!({})));
        assert_eq!(e.unwrap_err().code, Some("connected_account_exists"));
        let added = store
            .create_organization_connected_account(
                &org,
                "github",
                body(&member, json!({"connection_intent": "add"})),
            )
            .expect("added");
        assert_eq!(answer(&added)["connection_role"], "standard");
        let e = store.create_organization_connected_account(&org, "slack", body(&outsider, json!({})));
        assert_eq!(e.unwrap_err().status.as_u16(), 403);
        let e = store.create_organization_connected_account(
            &org,
            "slack",
            body(&member, json!({"connection_intent": "x"})),
        );
        assert_eq!(e.unwrap_err().errors[0].field, "connection_intent");
        let e = store.create_organization_connected_account("org_missing", "slack", body(&member, json!({})));
        assert_eq!(e.unwrap_err().message, "Organization not found: 'org_missing'.");
        // The compatibility one unless an id names another; a user's account is not the organization's.
        let got = answer(store.organization_connected_account(&org, "github", None).expect("found"));
        assert_eq!(got["id"], first["id"]);
        let by_id = answer(&added)["id"].as_str().expect("id").to_owned();
        let changed = store.update_organization_connected_account(
            &org,
            "github",
            (Some(&by_id), Some("reauthorize")),
            input(json!({"user_id": member, "state": "needs_reauthorization", "account_display_name": null})),
        );
        let changed = answer(changed.expect("updated"));
        assert_eq!(
            (&changed["state"], &changed["account_display_name"]),
            (&json!("needs_reauthorization"), &Value::Null)
        );
        let e = store.update_organization_connected_account(
            &org,
            "github",
            (None, Some("reauthorize")),
            input(json!({"user_id": member})),
        );
        assert_eq!(e.unwrap_err().errors[0].field, "connected_account_id");
        store.delete_organization_connected_account(&org, "github", Some(&by_id)).expect("deleted");
        let e = store.organization_connected_account(&org, "github", Some(&by_id)).unwrap_err();
        assert_eq!(e.status.as_u16(), 404);
        super::super::upsert(&mut store, &member, Some(&org), "notion", Install::ApiKey("k_notion".into()));
        assert_eq!(
            store.organization_connected_account(&org, "notion", None).unwrap_err().status.as_u16(),
            404
        );
    }

    #[test]
    fn connections_are_added_for_a_user_or_an_organization_through_its_root() {
        let (mut store, org, member, outsider) = store();
        let add = |store: &mut Store, body: Value| store.add_data_api_key_connection("linear", input(body));
        let mine = add(&mut store, json!({"user_id": member, "secret": "k1", "connection_intent": "add"}));
        assert_eq!(answer(mine.expect("added"))["connection_role"], "compatibility");
        let again = add(
            &mut store,
            json!({"user_id": member, "secret": "k2", "connection_intent": "add", "account_identifier": "acct_1"}),
        );
        assert_eq!(answer(again.expect("added"))["connection_role"], "standard");
        let clash = add(
            &mut store,
            json!({"user_id": member, "secret": "k3", "connection_intent": "add", "account_identifier": "acct_1"}),
        );
        assert_eq!(clash.unwrap_err().status.as_u16(), 409);
        let shared = json!({"user_id": member, "organization_id": org, "secret": "k4",
            "connection_intent": "add", "connection_owner": "organization"});
        let shared = answer(add(&mut store, shared).expect("added"));
        assert_eq!((&shared["auth_method"], &shared["api_key_last_4"]), (&json!("api_key"), &json!("k4")));
        let refused = |store: &mut Store, body: Value| add(store, body).unwrap_err();
        let e = refused(&mut store, json!({"user_id": member, "secret": "k", "connection_intent": "update"}));
        assert_eq!(e.status.as_u16(), 400);
        let e = refused(
            &mut store,
            json!({"user_id": member, "secret": "k", "connection_intent": "add", "connection_owner": "organization"}),
        );
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (400, "organization_id"));
        let e = refused(
            &mut store,
            json!({"user_id": outsider, "organization_id": org, "secret": "k",
            "connection_intent": "add", "connection_owner": "organization"}),
        );
        assert_eq!(e.status.as_u16(), 403);
        let e = store.add_data_client_credentials_connection(
            "linear",
            input(json!({"user_id": member, "client_id": "c", "client_secret": "s", "connection_intent": "add"})),
        );
        assert_eq!((e.unwrap_err().status.as_u16()), 400, "linear takes no client credentials");
        let e = store.add_data_api_key_connection(
            "missing",
            input(json!({"user_id": member, "secret": "k", "connection_intent": "add"})),
        );
        assert_eq!(e.unwrap_err().status.as_u16(), 404);
    }

    #[test]
    fn the_organization_owned_root_lists_only_organizations_accounts() {
        let (mut store, org, member, _) = store();
        let root = answer(store.organization_data_integration("linear").expect("found"));
        assert_eq!(root["ownership"], "organization");
        assert_eq!(answer(store.data_integration("linear").expect("found"))["ownership"], "user");
        let with_key = json!({"api_key": {"secret": "org_key_1", "user_id": member, "organization_id": org}});
        let updated = store.update_data_integration_owned("linear", OwnerKind::Organization, input(with_key));
        assert_eq!(answer(updated.expect("updated"))["installation"]["organization_id"], json!(org));
        let e = store.update_data_integration_owned(
            "linear",
            OwnerKind::Organization,
            input(json!({"api_key": {"secret": "org_key_1", "user_id": member}})),
        );
        assert_eq!(e.unwrap_err().errors[0].field, "api_key.organization_id");
        let add = json!({"user_id": member, "organization_id": org, "secret": "k5",
            "connection_intent": "add", "connection_owner": "organization"});
        store.add_data_api_key_connection("linear", input(add)).expect("added");
        let providers = |store: &Store, multiple| {
            answer(store.organization_data_providers(&org, multiple).expect("listed"))
        };
        let one = providers(&store, false);
        assert_eq!(
            (one["data"].as_array().map(Vec::len), &one["data"][0]["connection_owner"]),
            (Some(1), &json!("organization"))
        );
        assert_eq!(one["data"][0]["connected_accounts"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            providers(&store, true)["data"][0]["connected_accounts"].as_array().map(Vec::len),
            Some(2)
        );
        let users = answer(store.data_providers(&member, None).expect("listed"));
        assert_eq!(users["data"][0]["connected_accounts"], json!([]), "the user has none of their own");
        store.delete_organization_data_integration("linear").expect("deleted");
        assert!(
            store.organization_connected_account(&org, "linear", None).is_err(),
            "its accounts go with it"
        );
        assert_eq!(store.organization_data_integration("linear").unwrap_err().status.as_u16(), 404);
        assert!(store.data_integration("linear").is_ok(), "the user-owned root stays");
        assert_eq!(store.organization_data_providers("org_missing", false).unwrap_err().status.as_u16(), 404);
    }
}
