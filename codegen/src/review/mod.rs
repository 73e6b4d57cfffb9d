//! The review component, over the ground layer and the crate it generates: what changed between
//! two documents, classified for the crate's users ([`diff`]), and the proof that a caller's
//! code still compiles across an upgrade ([`compat`]).

pub mod compat;
pub mod diff;
mod order;
