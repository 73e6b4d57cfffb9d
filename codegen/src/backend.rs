//! From normalized document to formatted Rust: progenitor, then the syn post-passes, then
//! prettyplease.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use progenitor_impl::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::openapi::escape_token;

/// Turns a normalized document into `openapiv3`'s model; a shape error names its JSON pointer.
pub fn to_openapi(file: &Path, document: &Value) -> Result<openapiv3::OpenAPI> {
    serde_path_to_error::deserialize(document).map_err(|e| {
        let pointer: String = e
            .path()
            .iter()
            .filter_map(|seg| match seg {
                serde_path_to_error::Segment::Map { key } => Some(format!("/{}", escape_token(key))),
                serde_path_to_error::Segment::Seq { index } => Some(format!("/{index}")),
                serde_path_to_error::Segment::Enum { variant } => Some(format!("/{}", escape_token(variant))),
                serde_path_to_error::Segment::Unknown => None,
            })
            .collect();
        Error::Spec { file: file.to_owned(), pointer, message: e.inner().to_string() }
    })
}

/// Runs progenitor (positional interface, one merged `Client`).
///
/// progenitor and typify assert and panic on some inputs; the passes reject those up front,
/// and a panic that still happens is caught and reported as [`Error::Generate`].
pub fn progenitor(file: &Path, spec: &openapiv3::OpenAPI) -> Result<proc_macro2::TokenStream> {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        .with_derive("PartialEq")
        // The hand-written runtime (auth, retries, tracing) is the client's inner state, and its
        // `ClientHooks` impl is required: a crate without it does not compile.
        .with_inner_type(quote::quote! { crate::runtime::Runtime })
        .with_hooks(HooksMode::Expected);
    let generated = catch_unwind(AssertUnwindSafe(|| Generator::new(&settings).generate_tokens(spec)));
    let tokens = match generated {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => return Err(Error::Generate { file: file.to_owned(), message: e.to_string() }),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "unknown panic".to_owned());
            return Err(Error::Generate {
                file: file.to_owned(),
                message: format!("generator panicked: {message}"),
            });
        }
    };
    Ok(tokens)
}

/// Parses progenitor's tokens into a syntax tree for the post-passes.
pub fn parse_tokens(file: &Path, tokens: proc_macro2::TokenStream) -> Result<syn::File> {
    syn::parse2(tokens).map_err(|e| Error::Generate {
        file: file.to_owned(),
        message: format!("generator emitted invalid Rust: {e}"),
    })
}

/// The `types` module of progenitor's output, as a file of its own (the methods and the
/// `Client` progenitor writes are replaced by the surface emitter and the runtime).
pub fn types_module(file: &Path, client: syn::File) -> Result<syn::File> {
    client
        .items
        .into_iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.map(|(_, items)| items),
            _ => None,
        })
        .map(|items| syn::File { shebang: None, attrs: Vec::new(), items })
        .ok_or_else(|| Error::Generate {
            file: file.to_owned(),
            message: "progenitor emitted no `types` module".into(),
        })
}
