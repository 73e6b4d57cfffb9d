//! The emulator's tables, read from the overlaid document beside the client crate's generation:
//! what it fills into the responses it models ([`fill`]), and how it answers the operations it
//! does not model yet ([`generic`]). Each is emitted as JSON into `emulator/src/emitted/`.

pub mod fill;
pub mod generic;
