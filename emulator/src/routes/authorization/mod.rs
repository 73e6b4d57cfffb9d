//! The authorization area's routes.

pub(crate) mod access;
pub(crate) mod group_roles;
pub(crate) mod permissions;
pub(crate) mod roles;
