//! The hand-written helpers beside `emitted`: what a service needs of an area beyond calling
//! its endpoints. One file or folder per area, named after the area as `workos-spec/areas.toml`
//! names it (the workspace's `tests/house.rs` checks the names, where the whole repository is;
//! this crate's own tests run from its package too); inside an area's folder, files are named
//! after what they do.
//!
//! An area's helpers are declared here, behind the same feature and `if_<area>_area!` gates as
//! the area's emitted module. Those with a public path of their own are re-exported from the
//! crate root (`workos_api::webhooks`, `workos_api::flags`...); the others add methods to the
//! area's emitted handler (`impl Sso`).

if_feature_flags_area! {
    #[cfg(feature = "feature_flags")]
    pub mod feature_flags;
}
if_sso_area! {
    #[cfg(feature = "sso")]
    mod sso;
}
pub(crate) mod user_management;
if_vault_area! {
    #[cfg(feature = "vault")]
    pub mod vault;
}
pub mod webhooks;
