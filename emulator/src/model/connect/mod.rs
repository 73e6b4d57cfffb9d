//! WorkOS Connect: OAuth and M2M applications with their client secrets ([`applications`]),
//! the applications users authorized, and standalone Connect's external authentication
//! ([`authorizations`]).
//!
//! A user authorizes an application through an external authentication session: WorkOS sends
//! the browser to the service's login page with an `external_auth_id` (the emulator makes one
//! with [`Store::start_external_auth`](crate::model::Store::start_external_auth)), the service
//! signs the user in and completes the session, which upserts the user by their external id,
//! records the grant (listed under the user's and the organization's authorized applications)
//! and answers with the application's redirect URI, code and state.

pub(crate) mod applications;
pub(crate) mod authorizations;

use serde::{Deserialize, Serialize};

use super::table::Table;
use applications::{App, Secret};
use authorizations::{ExternalAuth, Grant};

pub(crate) use authorizations::{ExternalUser, Upsert, upsert_external_user};

/// Applications, secrets, grants and external authentication sessions.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ConnectData {
    apps: Table<App>,
    secrets: Table<Secret>,
    grants: Table<Grant>,
    sessions: Table<ExternalAuth>,
}

#[cfg(test)]
mod fixtures {
    use serde::Serialize;
    use serde::de::DeserializeOwned;
    use serde_json::{Value, json};

    use super::applications::Application;
    use crate::model::Store;

    /// `value` as an operation's input.
    pub(super) fn input<T: DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).expect("a valid input")
    }

    /// An answer as JSON.
    pub(super) fn answer(value: impl Serialize) -> Value {
        serde_json::to_value(value).expect("serializes")
    }

    pub(super) fn organization(store: &mut Store) -> String {
        store
            .create_organization(crate::model::organizations::CreateOrganization::named("Connect Inc"))
            .expect("organization")
            .id
            .clone()
    }

    /// A third-party OAuth application of `org` with one redirect URI.
    pub(super) fn bot(store: &mut Store, org: &str) -> Application {
        let body = json!({"name": "Bot", "application_type": "oauth", "is_first_party": false,
            "organization_id": org, "scopes": ["docs:read"], "redirect_uris": [{"uri": "https://bot.test/cb"}]});
        store.create_connect_application(input(body)).expect("created")
    }
}
