//! Integration tests live in the `[[test]]` targets of this package.

/// The workspace README's examples compile (`cargo test --doc -p workspace-tests`).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct WorkspaceReadme;
