//! The one error type of the code generator.

use std::path::PathBuf;

/// Everything that can go wrong between the lock file and the files in `workos-api/`.
///
/// Each variant names what was wrong and where: a file, a URL, a JSON pointer into the
/// document or an operation. Use the predicates rather than matching on variants where you can.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The lock file (`workos-spec/spec.lock.toml`) is missing a field or is not valid TOML.
    #[error("{}: invalid lock file: {message}", path.display())]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A project file (`workos-spec/*.toml`, the generated crate's `Cargo.toml`) is not valid
    /// TOML or does not say what the generator needs.
    #[error("{}: {message}", path.display())]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Downloading the document from the package registry failed.
    #[error("fetching {url}: {message}")]
    Fetch {
        /// The URL that was requested.
        url: String,
        /// What went wrong (offline, HTTP status, unreadable archive...).
        message: String,
    },
    /// The downloaded tarball or the extracted document does not match the pinned checksum.
    #[error("{what} does not match the lock: expected {expected}, got {actual}")]
    Integrity {
        /// The URL or file that was checked.
        what: String,
        /// The checksum recorded in the lock file.
        expected: String,
        /// The checksum of what was received.
        actual: String,
    },
    /// The document is not valid YAML (or JSON).
    #[error("{}: not valid YAML: {message}", file.display())]
    Parse {
        /// The document.
        file: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
    /// The document is valid YAML but not a document the generator accepts.
    #[error("{}: {pointer}: {message}", file.display())]
    Spec {
        /// The document.
        file: PathBuf,
        /// JSON pointer (RFC 6901) to the offending value, e.g. `/paths/~1organizations/get`.
        pointer: String,
        /// What is wrong there.
        message: String,
    },
    /// progenitor or typify rejected the normalized document.
    #[error("{}: code generation failed: {message}", file.display())]
    Generate {
        /// The document.
        file: PathBuf,
        /// The generator's message (a caught panic is reported here too).
        message: String,
    },
    /// `--check`: the committed files differ from what the generator emits.
    #[error("generated code is out of date; run `cargo xtask codegen` and commit the result\n{diff}")]
    Drift {
        /// A short unified diff of the first differences.
        diff: String,
    },
}

impl Error {
    /// The committed generated code differs from what the generator emits.
    pub fn is_drift(&self) -> bool {
        matches!(self, Error::Drift { .. })
    }

    /// The input document (or its download) was at fault, not this machine or the generator.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            Error::Parse { .. }
                | Error::Spec { .. }
                | Error::Integrity { .. }
                | Error::Lock { .. }
                | Error::Config { .. }
        )
    }

    /// The document could not be downloaded.
    pub fn is_fetch(&self) -> bool {
        matches!(self, Error::Fetch { .. })
    }

    /// The JSON pointer the error refers to, where it has one.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Error::Spec { pointer, .. } => Some(pointer),
            _ => None,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}

/// Result alias for the generator.
pub type Result<T, E = Error> = std::result::Result<T, E>;
