//! The last stage, emission: the surface and the types laid out in the client crate's files
//! (the hub, an area per file, the types by area), formatted under the header every emitted file
//! carries, with the coverage report; the emulator's tables and the tests' output table beside
//! them; and one function that writes them all or, in check mode, compares them with what is
//! committed.

mod coverage;
mod files;
mod hub;
mod write;

pub use coverage::Coverage;
pub use files::module_of;
pub(crate) use files::{client_files, client_syntax, emulator_files, header, test_files};
pub use write::{EmittedFile, ensure_files};
