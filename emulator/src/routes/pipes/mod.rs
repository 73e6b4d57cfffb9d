//! The pipes area's routes.

pub(crate) mod connected_accounts;
pub(crate) mod integrations;
