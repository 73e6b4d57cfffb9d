//! Agents: the registrations of AI agents and their claims ([`registrations`]), the blueprints
//! that describe what an agent may do ([`blueprints`]), the tokens minted from a blueprint
//! ([`tokens`]), and the instances and sessions those mints make ([`instances`]).

pub(crate) mod blueprints;
pub(crate) mod instances;
pub(crate) mod registrations;
pub(crate) mod tokens;

use serde::{Deserialize, Serialize};

pub(crate) use registrations::{LinkClaim, ValidateCredential, invalid_request};

use super::table::Table;

/// The agents' records, each table oldest first.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct AgentsData {
    registrations: Table<registrations::Registration>,
    blueprints: Table<blueprints::Blueprint>,
    instances: Table<instances::Instance>,
    sessions: Table<instances::Session>,
}
