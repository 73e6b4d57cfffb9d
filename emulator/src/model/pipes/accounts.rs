//! A user's connected accounts of a data provider, and the access token WorkOS hands a service
//! for one.
//!
//! WorkOS gets the provider's tokens through its own OAuth flow; the emulator has none, so a
//! test installs an account ([`Store::install_connected_account`]: the provider's access token,
//! refresh token, expiry, scopes) and the token endpoint answers with it: active while the
//! account is connected and its token unexpired, `not_installed` without one,
//! `needs_reauthorization` once its state says so or its token expired (the emulator cannot
//! refresh a provider's token as WorkOS does).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::last_4;
use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::{in_minutes, now, token};
use crate::model::table::{Record, Table};
use crate::model::{Name, Store};

records!(
    Account => "Connected account",
);

/// The connected accounts, in creation (id) order.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct PipesData {
    pub(super) accounts: Table<Account>,
}

/// A user's account of a provider (`slug`): at most one per user and provider.
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
    pub(super) organization_id: Option<String>,
    /// The API key, or the client id and secret, a service gave for the account.
    #[serde(default)]
    api_key: Option<String>,
    #[serde(default)]
    client: Option<(String, String)>,
    #[serde(default)]
    config: Map<String, Value>,
    /// Whose account it is: the user's, or the organization's (`user_id` is then the member who
    /// established it).
    #[serde(default)]
    pub(super) owner: OwnerKind,
    /// The owner's first account of the provider is the compatibility one, later ones standard.
    #[serde(default)]
    pub(super) role: Role,
    #[serde(default)]
    pub(super) account_identifier: Option<String>,
    #[serde(default)]
    pub(super) account_display_name: Option<String>,
}

/// Who owns an integration's root or an account: `user` or `organization`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum OwnerKind {
    #[default]
    User,
    Organization,
}

/// `ConnectedAccount.connection_role`: the owner's compatibility connection (what the calls
/// without a `connected_account_id` address), or another one.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Role {
    #[default]
    Compatibility,
    Standard,
}

/// The holder of accounts: a user, or an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Holder<'a> {
    User(&'a str),
    Organization(&'a str),
}

impl Holder<'_> {
    pub(super) fn kind(self) -> OwnerKind {
        match self {
            Holder::User(_) => OwnerKind::User,
            Holder::Organization(_) => OwnerKind::Organization,
        }
    }
}

fn oauth() -> String {
    "oauth".to_owned()
}

/// The document's `ConnectedAccount`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ConnectedAccount {
    object: Name,
    id: String,
    user_id: String,
    organization_id: Option<String>,
    scopes: Vec<String>,
    auth_method: String,
    api_key_last_4: Option<String>,
    client_id: Option<String>,
    client_secret_last_4: Option<String>,
    config: Map<String, Value>,
    state: String,
    created_at: String,
    updated_at: String,
    connection_role: Role,
    account_identifier: Option<String>,
    account_display_name: Option<String>,
    established_by_user_id: Option<String>,
    #[serde(flatten)]
    legacy: Option<LegacyFields>,
}

/// The deprecated camel-case fields the providers list still requires.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct LegacyFields {
    userland_user_id: String,
    organization_id: Option<String>,
    created_at: String,
    updated_at: String,
}

/// What the credentials endpoint hands out: `{active: true, credential}` or
/// `{active: false, error}`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CredentialAnswer {
    active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Name>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credential: Option<Credential>,
}

impl CredentialAnswer {
    pub(crate) fn inactive(error: Name) -> Self {
        Self { active: false, error: Some(error), credential: None }
    }

    fn active(credential: Credential) -> Self {
        Self { active: true, error: None, credential: Some(credential) }
    }
}

/// A credential by auth method: an API key's `config`, client credentials' `metadata`.
#[derive(Debug, Clone, Serialize)]
struct Credential {
    object: Name,
    auth_method: Name,
    value: Option<String>,
    expires_at: Option<String>,
    scopes: Vec<String>,
    missing_scopes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    config: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<Map<String, Value>>,
}

/// What the token endpoint answers: `{active: true, access_token}` or `{active: false, error}`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TokenAnswer {
    active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Name>,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_token: Option<AccessToken>,
}

#[derive(Debug, Clone, Serialize)]
struct AccessToken {
    object: Name,
    access_token: String,
    expires_at: Option<String>,
    scopes: Vec<String>,
    missing_scopes: Vec<String>,
}

/// An integration's first API key installation, as `DataIntegration.installation` shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Installation {
    id: String,
    user_id: String,
    organization_id: Option<String>,
    api_key_last_4: Option<String>,
}

impl Account {
    fn new(id: String, user: &str, slug: &str, at: &str) -> Self {
        Self {
            id,
            slug: slug.to_owned(),
            user_id: user.to_owned(),
            access_token: None,
            refresh_token: None,
            expires_at: None,
            scopes: Vec::new(),
            state: "connected".to_owned(),
            created_at: at.to_owned(),
            updated_at: at.to_owned(),
            auth_method: oauth(),
            organization_id: None,
            api_key: None,
            client: None,
            config: Map::new(),
            owner: OwnerKind::User,
            role: Role::Compatibility,
            account_identifier: None,
            account_display_name: None,
        }
    }

    /// A new account of `holder` (`user` is the member establishing an organization's).
    pub(super) fn held(id: String, holder: Holder<'_>, user: &str, slug: &str, role: Role) -> Self {
        let mut account = Self::new(id, user, slug, &now());
        account.owner = holder.kind();
        if let Holder::Organization(org) = holder {
            account.organization_id = Some(org.to_owned());
        }
        account.role = role;
        account
    }

    /// Whether `holder` owns the account.
    pub(super) fn held_by(&self, holder: Holder<'_>) -> bool {
        match holder {
            Holder::User(user) => self.owner == OwnerKind::User && self.user_id == user,
            Holder::Organization(org) => {
                self.owner == OwnerKind::Organization && self.organization_id.as_deref() == Some(org)
            }
        }
    }

    pub(super) fn id(&self) -> &str {
        &self.id
    }

    pub(super) fn slug(&self) -> &str {
        &self.slug
    }

    pub(super) fn touch(&mut self) {
        self.updated_at = now();
    }

    pub(crate) fn answer(&self) -> ConnectedAccount {
        ConnectedAccount {
            object: "connected_account",
            id: self.id.clone(),
            user_id: self.user_id.clone(),
            organization_id: self.organization_id.clone(),
            scopes: self.scopes.clone(),
            auth_method: self.auth_method.clone(),
            api_key_last_4: self.api_key.as_deref().map(last_4),
            client_id: self.client.as_ref().map(|(id, _)| id.clone()),
            client_secret_last_4: self.client.as_ref().map(|(_, secret)| last_4(secret)),
            config: self.config.clone(),
            state: self.state.clone(),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            connection_role: self.role,
            account_identifier: self.account_identifier.clone(),
            account_display_name: self.account_display_name.clone(),
            established_by_user_id: (self.owner == OwnerKind::Organization).then(|| self.user_id.clone()),
            legacy: None,
        }
    }

    /// The answer with the deprecated camel-case fields the providers list still requires.
    pub(crate) fn answer_with_legacy_fields(&self) -> ConnectedAccount {
        let legacy = LegacyFields {
            userland_user_id: self.user_id.clone(),
            organization_id: self.organization_id.clone(),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
        };
        ConnectedAccount { legacy: Some(legacy), ..self.answer() }
    }

    /// What the credentials endpoint hands out for the account, given the scopes the
    /// integration asks for.
    pub(crate) fn credential(&self, wanted: &[String]) -> CredentialAnswer {
        let missing: Vec<String> = wanted.iter().filter(|s| !self.scopes.contains(s)).cloned().collect();
        if self.state != "connected" {
            return CredentialAnswer::inactive("needs_reauthorization");
        }
        let credential = |auth_method, value, expires_at, missing_scopes| Credential {
            object: "credential",
            auth_method,
            value,
            expires_at,
            scopes: self.scopes.clone(),
            missing_scopes,
            config: None,
            metadata: None,
        };
        CredentialAnswer::active(match self.auth_method.as_str() {
            // An API key does not expire; the SDKs read `expires_at` and the scopes on every
            // credential.
            "api_key" => Credential {
                config: Some(Map::new()),
                ..credential("api_key", self.api_key.clone(), None, Vec::new())
            },
            "client_credentials" => Credential {
                metadata: Some(Map::new()),
                ..credential(
                    "client_credentials",
                    Some(format!("cc_{}", token(32))),
                    Some(in_minutes(60)),
                    missing,
                )
            },
            _ if self.access_token.is_none() || self.expired() => {
                return CredentialAnswer::inactive("needs_reauthorization");
            }
            _ => credential("oauth", self.access_token.clone(), self.expires_at.clone(), missing),
        })
    }

    fn expired(&self) -> bool {
        self.expires_at
            .as_deref()
            .and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok())
            .is_some_and(|at| at < chrono::Utc::now())
    }

    /// The provider access token: active while the account is connected and has an unexpired
    /// token.
    fn token(&self) -> TokenAnswer {
        match (&self.access_token, self.state.as_str()) {
            (Some(token), "connected") if !self.expired() => TokenAnswer {
                active: true,
                error: None,
                access_token: Some(AccessToken {
                    object: "access_token",
                    access_token: token.clone(),
                    expires_at: self.expires_at.clone(),
                    scopes: self.scopes.clone(),
                    missing_scopes: Vec::new(),
                }),
            },
            _ => TokenAnswer { active: false, error: Some("needs_reauthorization"), access_token: None },
        }
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
        config: Map<String, Value>,
    },
}

/// Installs (or replaces the credentials of) the user's account of `slug`; returns its answer.
pub(crate) fn upsert(
    store: &mut Store,
    user: &str,
    org: Option<&str>,
    slug: &str,
    install: Install,
) -> ConnectedAccount {
    upsert_held(store, Holder::User(user), user, org, slug, install)
}

/// Installs (or replaces the credentials of) the holder's compatibility account of `slug`,
/// `user` installing it.
pub(super) fn upsert_held(
    store: &mut Store,
    holder: Holder<'_>,
    user: &str,
    org: Option<&str>,
    slug: &str,
    install: Install,
) -> ConnectedAccount {
    let at = now();
    let i = match position(&store.pipes, holder, slug) {
        Some(i) => i,
        None => {
            let id = store.ids.next("connected_account");
            store.pipes.accounts.push(Account::held(id, holder, user, slug, Role::Compatibility));
            store.pipes.accounts.len() - 1
        }
    };
    let account = &mut store.pipes.accounts[i];
    account.user_id = user.to_owned();
    account.organization_id = org.map(str::to_owned);
    account.state = "connected".to_owned();
    account.updated_at = at;
    account.install(install);
    account.answer()
}

impl Account {
    /// Sets the credentials `install` gives.
    pub(super) fn install(&mut self, install: Install) {
        let account = self;
        match install {
            Install::OAuth { access_token, scopes } => {
                account.auth_method = oauth();
                account.access_token = Some(access_token);
                account.refresh_token = Some(format!("refresh_{}", token(24)));
                account.expires_at = Some(in_minutes(60));
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
    }
}

/// The first API key installation of an integration's root owned by `kind`.
pub(crate) fn installation(store: &Store, slug: &str, kind: OwnerKind) -> Option<Installation> {
    let mut accounts = store.pipes.accounts.iter();
    accounts.find(|a| a.slug == slug && a.owner == kind && a.auth_method == "api_key").map(|a| Installation {
        id: a.id.clone(),
        user_id: a.user_id.clone(),
        organization_id: a.organization_id.clone(),
        api_key_last_4: a.api_key.as_deref().map(last_4),
    })
}

/// The user's (compatibility) account of `slug`.
pub(crate) fn account<'a>(store: &'a Store, user: &str, slug: &str) -> Option<&'a Account> {
    position(&store.pipes, Holder::User(user), slug).map(|i| &store.pipes.accounts[i])
}

/// The holder's compatibility account of `slug`.
pub(super) fn position(data: &PipesData, holder: Holder<'_>, slug: &str) -> Option<usize> {
    data.accounts.iter().position(|a| a.held_by(holder) && a.slug == slug && a.role == Role::Compatibility)
}

impl PipesData {
    /// The holder's accounts of `slug`, the compatibility one first.
    pub(super) fn held<'a>(&'a self, holder: Holder<'a>, slug: &'a str) -> impl Iterator<Item = &'a Account> {
        let mut held: Vec<&Account> =
            self.accounts.iter().filter(|a| a.held_by(holder) && a.slug == slug).collect();
        held.sort_by_key(|a| a.role == Role::Standard);
        held.into_iter()
    }

    pub(super) fn accounts_mut(&mut self) -> &mut Table<Account> {
        &mut self.accounts
    }
}

/// A connection's labels: omitted keeps them, `null` clears them.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Labels {
    #[serde(default, deserialize_with = "crate::model::error::double_option")]
    pub(super) account_display_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::model::error::double_option")]
    pub(super) account_identifier: Option<Option<String>>,
}

impl Labels {
    pub(super) fn apply(self, account: &mut Account) {
        if let Some(v) = self.account_display_name {
            account.account_display_name = v;
        }
        if let Some(v) = self.account_identifier {
            account.account_identifier = v;
        }
    }
}

/// A user's connected account as `POST`/`PUT /user_management/users/{user_id}/connected_accounts/{slug}`
/// take it: the labels and the provider's tokens.
#[derive(Debug, Deserialize)]
pub(crate) struct UserAccountInput {
    #[serde(flatten)]
    labels: Labels,
    #[serde(flatten)]
    account: AccountInput,
}

/// `ConnectedAccountDto`: every field optional; an update changes what it gives.
#[derive(Debug, Deserialize)]
pub(crate) struct AccountInput {
    access_token: Option<String>,
    refresh_token: Option<String>,
    expires_at: Option<String>,
    scopes: Option<Vec<String>>,
    state: Option<String>,
}

impl AccountInput {
    /// A known state and an ISO 8601 expiry, or a 422 naming the field.
    pub(super) fn check(&self) -> ApiResult<()> {
        if let Some(state) = &self.state
            && !matches!(state.as_str(), "connected" | "needs_reauthorization")
        {
            return Err(ApiError::invalid_field(
                "state",
                "invalid",
                format!("state must be connected or needs_reauthorization, got '{state}'."),
            ));
        }
        if let Some(at) = &self.expires_at
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

    /// Sets on `account` what this gives.
    pub(super) fn apply(self, account: &mut Account) {
        if let Some(v) = self.access_token {
            account.access_token = Some(v);
        }
        if let Some(v) = self.refresh_token {
            account.refresh_token = Some(v);
        }
        if let Some(v) = self.expires_at {
            account.expires_at = Some(v);
        }
        if let Some(v) = self.scopes {
            account.scopes = v;
        }
        if let Some(v) = self.state {
            account.state = v;
        }
    }
}

/// Whose account a token or credential is asked for.
#[derive(Debug, Deserialize)]
pub(crate) struct Owner {
    pub(crate) user_id: String,
    pub(crate) organization_id: Option<String>,
}

impl Store {
    /// The user and the organization (when given) exist: a 404 naming the one that does not.
    pub(crate) fn pipes_owner(&self, owner: &Owner) -> ApiResult<()> {
        self.user(&owner.user_id)?;
        if let Some(org) = &owner.organization_id {
            self.organization(org)?;
        }
        Ok(())
    }

    fn account_index(&self, user: &str, slug: &str) -> ApiResult<usize> {
        position(&self.pipes, Holder::User(user), slug)
            .ok_or_else(|| ApiError::not_found(Account::KIND, &format!("{slug} of {user}")))
    }

    /// Installs the user's account of `slug` with the provider's tokens: a 409 if there is one.
    pub(crate) fn install_connected_account(
        &mut self,
        user: &str,
        slug: &str,
        input: UserAccountInput,
    ) -> ApiResult<ConnectedAccount> {
        input.account.check()?;
        self.user(user)?;
        if position(&self.pipes, Holder::User(user), slug).is_some() {
            return Err(ApiError::conflict(
                "connected_account_exists",
                format!("{user} already has a {slug} account."),
            ));
        }
        let mut account = Account::new(self.ids.next("connected_account"), user, slug, &now());
        input.labels.apply(&mut account);
        input.account.apply(&mut account);
        let answer = account.answer();
        self.pipes.accounts.push(account);
        Ok(answer)
    }

    /// Changes what `changes` gives of the user's account of `slug`.
    pub(crate) fn update_connected_account(
        &mut self,
        user: &str,
        slug: &str,
        changes: UserAccountInput,
    ) -> ApiResult<ConnectedAccount> {
        changes.account.check()?;
        let i = self.account_index(user, slug)?;
        let account = &mut self.pipes.accounts[i];
        changes.labels.apply(account);
        changes.account.apply(account);
        account.updated_at = now();
        Ok(account.answer())
    }

    pub(crate) fn connected_account(&self, user: &str, slug: &str) -> ApiResult<ConnectedAccount> {
        Ok(self.pipes.accounts[self.account_index(user, slug)?].answer())
    }

    pub(crate) fn uninstall_connected_account(&mut self, user: &str, slug: &str) -> ApiResult<()> {
        let i = self.account_index(user, slug)?;
        self.pipes.accounts.remove(i);
        Ok(())
    }

    /// The provider access token of the user's account of `slug`: `not_installed` without one.
    pub(crate) fn connected_account_token(&self, slug: &str, owner: &Owner) -> ApiResult<TokenAnswer> {
        self.pipes_owner(owner)?;
        Ok(match account(self, &owner.user_id, slug) {
            Some(account) => account.token(),
            None => TokenAnswer { active: false, error: Some("not_installed"), access_token: None },
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn input<T: serde::de::DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).expect("a valid input")
    }

    fn user(store: &mut Store) -> String {
        store
            .create_user(crate::model::user_management::users::CreateUser::with_email("pipes@x.test"))
            .expect("user")
            .id
    }

    fn owner(user: &str) -> Owner {
        Owner { user_id: user.to_owned(), organization_id: None }
    }

    fn answer(value: impl Serialize) -> Value {
        serde_json::to_value(value).expect("serializes")
    }

    #[test]
    fn a_users_account_keeps_its_labels_until_an_update_clears_them() {
        let mut store = Store::default();
        let user = user(&mut store);
        let body =
            json!({"access_token": "gho_1", "account_display_name": "Mine", "account_identifier": "ada"});
        let made = store.install_connected_account(&user, "github", input(body)).expect("installed");
        assert_eq!(
            (made.account_display_name.as_deref(), made.account_identifier.as_deref()),
            (Some("Mine"), Some("ada"))
        );
        let renamed = store
            .update_connected_account(&user, "github", input(json!({"account_display_name": "Work"})))
            .expect("updated");
        assert_eq!(
            (renamed.account_display_name.as_deref(), renamed.account_identifier.as_deref()),
            (Some("Work"), Some("ada"))
        );
        let cleared = store
            .update_connected_account(&user, "github", input(json!({"account_display_name": null})))
            .expect("updated");
        assert_eq!(cleared.account_display_name, None);
    }

    #[test]
    fn an_account_is_installed_once_per_user_and_provider() {
        let mut store = Store::default();
        let user = user(&mut store);
        let body = json!({"access_token": "gho_1", "scopes": ["repo"], "expires_at": "2999-01-01T00:00:00Z"});
        let made = store.install_connected_account(&user, "github", input(body.clone())).expect("installed");
        assert_eq!((made.state.as_str(), made.auth_method.as_str()), ("connected", "oauth"));
        let e = store.install_connected_account(&user, "github", input(body)).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (409, Some("connected_account_exists")));
        let e = store.install_connected_account("user_missing", "github", input(json!({}))).unwrap_err();
        assert_eq!(e.message, "User not found: 'user_missing'.");
        let e = store.install_connected_account(&user, "slack", input(json!({"state": "gone"}))).unwrap_err();
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "state"));
        let e = store
            .install_connected_account(&user, "slack", input(json!({"expires_at": "soon"})))
            .unwrap_err();
        assert_eq!(e.errors[0].field, "expires_at");
        store.uninstall_connected_account(&user, "github").expect("uninstalled");
        let e = store.connected_account(&user, "github").unwrap_err();
        assert_eq!(e.message, format!("Connected account not found: 'github of {user}'."));
        assert_eq!(store.uninstall_connected_account(&user, "github").unwrap_err().status.as_u16(), 404);
    }

    #[test]
    fn the_token_follows_the_state_and_expiry() {
        let mut store = Store::default();
        let user = user(&mut store);
        let token =
            |store: &Store| answer(store.connected_account_token("github", &owner(&user)).expect("answer"));
        assert_eq!(token(&store), json!({"active": false, "error": "not_installed"}));
        let body = json!({"access_token": "gho_1", "scopes": ["repo"], "expires_at": "2999-01-01T00:00:00Z"});
        store.install_connected_account(&user, "github", input(body)).expect("installed");
        assert_eq!(token(&store)["access_token"]["access_token"], "gho_1");
        let update = |store: &mut Store, body: Value| {
            store.update_connected_account(&user, "github", input(body)).expect("updated");
        };
        update(&mut store, json!({"state": "needs_reauthorization"}));
        assert_eq!(token(&store)["error"], "needs_reauthorization");
        update(&mut store, json!({"state": "connected", "access_token": "gho_2"}));
        assert_eq!(token(&store)["access_token"]["access_token"], "gho_2");
        update(&mut store, json!({"expires_at": "2000-01-01T00:00:00Z"}));
        assert_eq!(token(&store)["error"], "needs_reauthorization", "expired");
        let e = store.connected_account_token("github", &owner("user_missing")).unwrap_err();
        assert_eq!(e.status.as_u16(), 404);
        let e = store.update_connected_account(&user, "slack", input(json!({}))).unwrap_err();
        assert_eq!(e.status.as_u16(), 404);
    }

    #[test]
    fn an_upsert_replaces_the_credentials_and_credentials_follow_the_auth_method() {
        let mut store = Store::default();
        let user = user(&mut store);
        let key = upsert(&mut store, &user, None, "linear", Install::ApiKey("lin_key_9".into()));
        assert_eq!((key.api_key_last_4.as_deref(), key.auth_method.as_str()), (Some("ey_9"), "api_key"));
        let vended = answer(account(&store, &user, "linear").expect("there").credential(&["read".into()]));
        assert_eq!(vended["credential"]["value"], "lin_key_9");
        assert_eq!(vended["credential"]["missing_scopes"], json!([]), "an API key misses no scope");
        assert_eq!(installation(&store, "linear", OwnerKind::User).map(|i| i.id), Some(key.id.clone()));
        let oauth = Install::OAuth { access_token: "tok".into(), scopes: vec!["read".into()] };
        let again = upsert(&mut store, &user, Some("org_1"), "linear", oauth);
        assert_eq!((again.id.as_str(), again.auth_method.as_str()), (key.id.as_str(), "oauth"));
        assert_eq!(store.pipes.accounts.len(), 1);
        let vended = answer(
            account(&store, &user, "linear").expect("there").credential(&["read".into(), "write".into()]),
        );
        assert_eq!(
            (&vended["credential"]["value"], &vended["credential"]["missing_scopes"]),
            (&json!("tok"), &json!(["write"]))
        );
        let legacy = answer(account(&store, &user, "linear").expect("there").answer_with_legacy_fields());
        assert_eq!((&legacy["userlandUserId"], &legacy["organizationId"]), (&json!(user), &json!("org_1")));
        assert!(installation(&store, "linear", OwnerKind::User).is_none(), "no API key any more");
    }
}
