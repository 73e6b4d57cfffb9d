//! The user management area's routes.

pub(crate) mod authenticate;
pub(crate) mod authkit_settings;
pub(crate) mod client_token;
pub(crate) mod device;
pub(crate) mod flows;
pub(crate) mod invitations;
pub(crate) mod memberships;
pub(crate) mod oauth_resources;
pub(crate) mod users;
pub(crate) mod waitlists;
