//! The first stage, loading the document: the pinned package ([`spec`]: its lock, download and
//! integrity), its YAML read into a JSON value ([`parse`]), and the project's document overlay
//! ([`overlay`]), which every later stage reads through.

pub mod overlay;
pub mod spec;
mod yaml;

pub use yaml::parse;
