//! The `user_management` area's helpers: AuthKit sign-in and sessions ([`sessions`], the
//! `sessions` feature) and WorkOS Actions ([`actions`]).

pub mod actions;
#[cfg(feature = "sessions")]
pub mod sessions;
