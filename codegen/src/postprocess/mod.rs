//! The fourth stage, post-processing: syn passes over progenitor's output, for what progenitor
//! and typify cannot be configured to do: forward-compatible enums, lenient response types,
//! body-less success statuses, and secrets kept out of `Debug`. `POST_PASSES` is the order
//! they run in; each reads what the normalization recorded for it ([`Outputs`]) and may count
//! what it did ([`PostCounts`]).
//!
//! One pass runs later, on the `types` module alone: [`tolerant_reading`], once the surface has
//! given the request types their constructors (which take what the document requires; the
//! tolerance is for reading).

mod attrs;
mod constant_unions;
mod empty_success;
mod lenient;
mod open_enums;
mod optional_constants;
mod redact;
mod tagged_unions;
mod tolerant;
mod union_variants;

pub use open_enums::OpenEnumCounts;
pub use tolerant::{TolerantCounts, tolerant_reading};

use crate::normalize::Outputs;

/// What the post-passes counted, for the coverage report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PostCounts {
    /// Enums made forward-compatible.
    pub open_enums: OpenEnumCounts,
    /// `deny_unknown_fields` attributes removed.
    pub lenient_types: usize,
    /// Types whose `Debug` redacts a secret field.
    pub redacted_types: usize,
}

/// A post-pass: rewrites progenitor's output with what the normalization recorded, and counts
/// what it did. An error is a message naming what the output lacks.
type PostPass = fn(&mut syn::File, &Outputs, &mut PostCounts) -> Result<(), String>;

/// The post-passes, in the order they run. Each row adapts one pass to [`PostPass`]: what it
/// reads, and where its count goes.
const POST_PASSES: &[PostPass] = &[
    |file, outputs, _| {
        union_variants::name_union_variants(file, &outputs.union_variants);
        Ok(())
    },
    // Before `open_enums`, whose tagged-union decoder keeps each field's serde attributes.
    |file, outputs, _| optional_constants::optional_constants(file, &outputs.optional_constants).map(drop),
    |file, _, counts| {
        counts.lenient_types = lenient::allow_unknown_fields(file);
        Ok(())
    },
    |file, _, counts| {
        counts.open_enums = open_enums::open_enums(file);
        Ok(())
    },
    |file, outputs, _| constant_unions::constant_unions(file, &outputs.constant_unions).map(drop),
    |file, outputs, _| empty_success::empty_success_arms(file, &outputs.empty_success),
    |file, _, counts| {
        counts.redacted_types = redact::redact_secrets(file);
        Ok(())
    },
];

/// Runs every post-pass over `client`, progenitor's output, in order.
///
/// # Errors
/// The first pass's message that found the output lacking what the normalization recorded.
pub fn run(client: &mut syn::File, outputs: &Outputs) -> Result<PostCounts, String> {
    let mut counts = PostCounts::default();
    for pass in POST_PASSES {
        pass(client, outputs, &mut counts)?;
    }
    Ok(counts)
}
