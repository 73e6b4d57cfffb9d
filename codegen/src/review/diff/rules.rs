//! Every classification rule of the spec diff, with its reason. The report cites rules by id;
//! `cargo xtask spec rules` prints this table and the README reproduces it (a test keeps the two
//! in step).
//!
//! Classification is for a user of the generated Rust crate:
//! - **breaking**: code that compiled against the old crate no longer compiles, or fails at
//!   run time;
//! - **possibly breaking**: breaks some uses, depending on how the code is written, or changes
//!   behaviour a reviewer should check;
//! - **non-breaking**: existing code keeps compiling and working.
//!
//! Schema rules depend on direction: whether the schema is sent (request: parameters, bodies)
//! or received (response). A schema used both ways takes the stricter of the two.

use serde::Serialize;

/// How a change affects users of the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Existing code no longer compiles or fails at run time.
    Breaking,
    /// Breaks some uses, or changes behaviour a reviewer should check.
    PossiblyBreaking,
    /// Existing code is unaffected.
    NonBreaking,
}

impl Severity {
    /// The stricter of two severities.
    pub fn max(self, other: Self) -> Self {
        std::cmp::min(self, other)
    }

    /// `breaking`, `possibly breaking`, `non-breaking`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Breaking => "breaking",
            Self::PossiblyBreaking => "possibly breaking",
            Self::NonBreaking => "non-breaking",
        }
    }
}

/// Whether a schema is sent, received, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Sent by the client: parameters and request bodies.
    Request,
    /// Received: response bodies.
    Response,
    /// Both, or reached by no operation (judged both ways).
    Both,
}

/// One classification rule.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    /// Stable id, cited by each change.
    pub id: &'static str,
    /// Severity when the schema is sent.
    pub request: Severity,
    /// Severity when the schema is received.
    pub response: Severity,
    /// Why, for a user of the Rust crate.
    pub why: &'static str,
}

use Severity::{Breaking as B, NonBreaking as N, PossiblyBreaking as P};

const fn both(id: &'static str, s: Severity, why: &'static str) -> Rule {
    Rule { id, request: s, response: s, why }
}

/// The rules, in report order.
pub const RULES: &[Rule] = &[
    both("operation-added", N, "A new method (and its types); existing code is unaffected."),
    both("operation-removed", B, "The method disappears: calls to it no longer compile."),
    both(
        "operation-moved",
        B,
        "The same operationId under another method or path: the URL changes, and so does the Rust method name, which is derived from method + path.",
    ),
    both(
        "operation-id-renamed",
        N,
        "Rust method names are derived from method + path (with overrides in workos-spec/method-names.toml), not from operationId, so the method keeps its name; the Rust API impact section would show any rename.",
    ),
    both("operation-deprecated", N, "The method gets a deprecation note; it still works."),
    both("parameter-added-required", B, "A new argument of the area method: calls no longer compile."),
    both(
        "parameter-added-optional",
        N,
        "A new setter on the operation's request builder; calls that do not set it compile unchanged.",
    ),
    both("parameter-removed", B, "An argument disappears: calls no longer compile."),
    both(
        "parameter-order-changed",
        B,
        "Required query parameters are the method's arguments in document order: the same names in another order swap its arguments, without a compile error when they have the same type.",
    ),
    both(
        "parameter-became-required",
        B,
        "The argument type changes from `Option<T>` to `T`, and the server now demands it.",
    ),
    both("parameter-became-optional", B, "The argument type changes from `T` to `Option<T>`."),
    both("parameter-default-changed", P, "Calls that pass `None` get a different server-side default."),
    both("request-body-added", B, "A new body argument: calls no longer compile."),
    both("request-body-removed", B, "The body argument disappears: calls no longer compile."),
    both(
        "request-body-required-changed",
        P,
        "The body is passed by reference either way; whether the server accepts a call without one changed.",
    ),
    both(
        "success-status-added",
        P,
        "A second success status can change the return type (a status without a body makes it `Option<T>`); check the Rust API impact.",
    ),
    both(
        "success-status-removed",
        P,
        "One fewer success status; the return type changes if the remaining ones differ in shape (see the Rust API impact).",
    ),
    both(
        "error-status-added",
        N,
        "Every error status decodes into the one `ErrorBody` (`ApiErrorExt` predicates); only the documented set grows.",
    ),
    both(
        "error-status-removed",
        N,
        "Every error status decodes into the one `ErrorBody`; only the documented set shrinks.",
    ),
    both("response-body-added", B, "The method's return type changes from `()` to the body type."),
    both("response-body-removed", B, "The method's return type changes from the body type to `()`."),
    both(
        "pagination-gained",
        N,
        "The builder gains `.stream()` and `.pages()` (it implements `ListRequest`); the cursor parameters it took are reported as parameter changes.",
    ),
    both(
        "pagination-lost",
        B,
        "The builder no longer implements `ListRequest`: `.stream()` and `.pages()` on it no longer compile.",
    ),
    both("schema-added", N, "A new public type; existing code is unaffected."),
    both("schema-removed", B, "Its public type disappears: code naming it no longer compiles."),
    Rule {
        id: "property-added-required",
        request: B,
        response: N,
        why: "Request: struct literals must set it and the server demands it. Response: reading code is unaffected (a struct literal building the type, e.g. in tests, must add it).",
    },
    Rule {
        id: "property-added-optional",
        request: N,
        response: N,
        why: "Request: bodies are built with `new(required fields)` and setters, so the field is a new setter and callers compile unchanged (a struct literal would have to name it). Response: reading code is unaffected.",
    },
    both("property-removed", B, "The field disappears: code reading or setting it no longer compiles."),
    both(
        "property-optionality-changed",
        B,
        "`required` or nullability changed so that the Rust field type flips between `T` and `Option<T>`.",
    ),
    Rule {
        id: "required-order-changed",
        request: B,
        response: N,
        why: "Request: `new` takes the required fields in the order of the schema's `required` list, so the same names in another order swap its arguments, without a compile error when they have the same type. Response: reading code names fields, so order does not matter.",
    },
    Rule {
        id: "property-became-required",
        request: P,
        response: N,
        why: "The Rust type stays `Option<T>` (the property is nullable). Request: the server now expects the field to be sent. Response: nothing changes for readers.",
    },
    both(
        "property-became-optional",
        N,
        "The Rust type stays `Option<T>` (the property is nullable); the server no longer requires or always sends it.",
    ),
    both("property-deprecated", N, "The field gets a deprecation note; it still works."),
    both(
        "type-changed",
        B,
        "The JSON type changes, so the Rust type does: code using the value no longer compiles.",
    ),
    both(
        "format-changed",
        B,
        "The format chooses the Rust type (`date-time` is `chrono::DateTime`, `uuid`, integer widths...), so the type changes.",
    ),
    both(
        "format-annotation-changed",
        N,
        "A format that does not choose a Rust type (`email`, `uri`...): the type stays `String`.",
    ),
    both("nullable-added", B, "The Rust type changes from `T` to `Option<T>`."),
    both("nullable-removed", B, "The Rust type changes from `Option<T>` to `T`."),
    both(
        "enum-value-added",
        N,
        "Non-breaking for this crate only because its enums are forward-compatible: an older crate decodes the new value as `Unknown(..)`, and `#[non_exhaustive]` keeps every `match` compiling (it already needs a wildcard arm).",
    ),
    both(
        "enum-value-removed",
        B,
        "Its variant disappears (code naming it no longer compiles); the server no longer sends or accepts the value.",
    ),
    both(
        "union-branch-added",
        P,
        "Unions are forward-compatible (an older crate decodes the new shape as `Unknown`), but branches without names become positional variants (`Variant0`, `Variant1`...), so a branch added before others renames them: check the Rust API impact.",
    ),
    both("union-branch-removed", B, "Its variant disappears: code naming it no longer compiles."),
    both(
        "union-variant-added",
        N,
        "A union whose branches are named by a constant tag (`grant_type`, `object`...) gains a named variant: an older crate decodes it as `Unknown`, and existing matches already need a wildcard arm.",
    ),
    both(
        "union-introduced",
        B,
        "A struct becomes a union (a Rust enum of its variants): field access and struct literals no longer compile.",
    ),
    both(
        "property-moved-into-variant",
        P,
        "The field still exists, inside some variants of the new union: code reaches it by matching the variant (see `union-introduced`).",
    ),
    both(
        "event-added",
        N,
        "A new event type: the new crate gains a named variant; an older crate decodes it as `Unknown` and matches already need a wildcard arm.",
    ),
    both(
        "event-removed",
        B,
        "Its variant of `Event` disappears: code matching it no longer compiles, and WorkOS no longer sends it.",
    ),
    Rule {
        id: "constraint-tightened",
        request: P,
        response: N,
        why: "A `pattern`, length, item-count or range constraint was added or narrowed. Request: a value the server accepted may now be rejected (the Rust type is unchanged, so only a run-time 422 shows it). Response: values only get narrower.",
    },
    both(
        "constraint-loosened",
        N,
        "A `pattern`, length, item-count or range constraint was removed or widened: the server accepts more, and the Rust type is unchanged.",
    ),
    both(
        "ref-changed",
        B,
        "The place now uses another named type (or an inline one), so the Rust type name changes.",
    ),
    both(
        "ref-extracted",
        N,
        "An inline schema became a reference to a component of the same shape that the old document (or the project's overlay) already had: the generator already gave the inline copy that component's type, so no Rust type changes.",
    ),
    both(
        "allof-member-added",
        P,
        "The type gains every field of the added member; struct literals must set them (required ones break requests).",
    ),
    both("allof-member-removed", B, "The type loses every field of the removed member."),
];

/// The rule with `id`.
///
/// # Panics
/// If no rule has that id (a programming error, caught by the tests).
pub fn rule(id: &str) -> &'static Rule {
    RULES.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("no diff rule `{id}`"))
}

/// The severity of rule `id` in `direction`.
pub fn severity(id: &str, direction: Direction) -> Severity {
    let r = rule(id);
    match direction {
        Direction::Request => r.request,
        Direction::Response => r.response,
        Direction::Both => r.request.max(r.response),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_directional_rules_follow_the_issue() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        assert_eq!(severity("property-added-required", Direction::Request), Severity::Breaking);
        assert_eq!(severity("property-added-optional", Direction::Response), Severity::NonBreaking);
        assert_eq!(severity("property-removed", Direction::Response), Severity::Breaking);
        assert_eq!(severity("enum-value-added", Direction::Response), Severity::NonBreaking);
        assert_eq!(severity("property-added-optional", Direction::Both), Severity::NonBreaking);
        assert_eq!(severity("parameter-added-optional", Direction::Request), Severity::NonBreaking);
        assert_eq!(severity("constraint-tightened", Direction::Request), Severity::PossiblyBreaking);
        assert_eq!(severity("constraint-tightened", Direction::Response), Severity::NonBreaking);
        assert_eq!(severity("constraint-loosened", Direction::Request), Severity::NonBreaking);
    }
}
