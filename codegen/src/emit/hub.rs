//! The hub of the emitted code, `src/emitted/mod.rs`: a module per area (under its feature), the
//! URL builders, the types, and the document's API version.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::surface::areas::AreaTable;

/// The hub for the areas the document has (`areas`, by name) among those of `table`.
pub(super) fn hub(document: &Value, table: &AreaTable, areas: &BTreeMap<String, TokenStream>) -> syn::File {
    let api_version = document.pointer("/info/version").and_then(|v| v.as_str()).unwrap_or("1.0");
    let area_idents: Vec<syn::Ident> = areas.keys().map(|a| format_ident!("{}", a)).collect();
    let area_names = areas.keys();
    // One macro per area of the table: it keeps its input when the document has operations in
    // that area and drops it otherwise, so the hand-written layer over an area (Vault's local
    // encryption) compiles against a document without it (an older one in `compat`).
    let area_macros = table.names().into_iter().map(|area| {
        let name = format_ident!("if_{area}_area");
        let doc = format!("Keeps its items when the document has `{area}` operations, drops them otherwise.");
        if areas.contains_key(&area) {
            quote! { #[doc = #doc] #[allow(unused_macros)] macro_rules! #name { ($($item:item)*) => { $($item)* }; } }
        } else {
            quote! { #[doc = #doc] #[allow(unused_macros)] macro_rules! #name { ($($item:item)*) => {}; } }
        }
    });
    syn::parse_quote! {
        //! Code emitted by the generator. Do not edit; see the crate root for the hand-written layer.
        #(#area_macros)*
        #(#[cfg(feature = #area_names)] pub mod #area_idents;)*
        pub mod redirects;
        pub mod types;

        /// The document's `info.version`, sent as the `api-version` header.
        pub(crate) const API_VERSION: &str = #api_version;
    }
}
