//! Pipes: users' connected accounts of data providers (GitHub, Slack...) and the credentials
//! WorkOS hands a service for them ([`accounts`]); the environment's data integrations, how
//! accounts get their credentials, and what a user and an organization see of them
//! ([`integrations`], [`configurations`]); what an organization owns of them, and the
//! connections added beside an owner's first ([`organizations`]).

pub(crate) mod accounts;
pub(crate) mod configurations;
pub(crate) mod connect_codes;
pub(crate) mod integrations;
pub(crate) mod organizations;

use serde::Serialize;

use super::Name;

pub(crate) use accounts::{Install, PipesData, account, installation, upsert};
pub(crate) use integrations::IntegrationsData;

/// The last four characters of a secret, as answers show them.
pub(crate) fn last_4(secret: &str) -> String {
    secret.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect()
}

/// A list answered whole, without pages: `{"object": "list", "data": [...]}`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct List<T> {
    object: Name,
    data: Vec<T>,
}

impl<T> List<T> {
    fn of(data: Vec<T>) -> Self {
        Self { object: "list", data }
    }
}
