//! Redirect operations (3xx) as URL builders: a browser follows them, a client builds them.

use heck::{ToPascalCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::builders::taking;
use crate::normalize::{Redirect, RedirectParam};
use crate::openapi::path_position;

/// The Rust function name for a redirect operation: `get_sso_authorize` becomes
/// `sso_authorize_url`.
pub fn function_name(redirect: &Redirect) -> String {
    let base = redirect.name.strip_prefix("get_").unwrap_or(&redirect.name);
    format!("{base}_url")
}

/// One parameter struct and one function per redirect operation.
pub fn emit(redirects: &[Redirect]) -> TokenStream {
    let items = redirects.iter().map(|r| {
        let fn_name = format_ident!("{}", function_name(r));
        let params_name = format_ident!("{}Params", function_name(r).to_pascal_case());
        let doc = format!("{}\n\n`{} {}` answers with a redirect: build its URL and send the user's browser there.", r.doc, r.method.to_uppercase(), r.path);
        let fields = r.params.iter().map(|p| {
            let field = field_ident(&p.name);
            let ty = rust_type(&p.kind);
            let ty = if p.required { ty } else { quote! { ::std::option::Option<#ty> } };
            let doc = if p.doc.is_empty() { format!("`{}` ({} parameter).", p.name, p.location) } else { p.doc.clone() };
            quote! { #[doc = #doc] pub #field: #ty, }
        });
        let path_pushes = r.path.split('/').filter(|s| !s.is_empty()).map(|segment| {
            match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => {
                    let field = field_ident(name);
                    quote! { segments.push(&params.#field.to_string()); }
                }
                None => quote! { segments.push(#segment); },
            }
        });
        let query_pushes = r.params.iter().filter(|p| p.location == "query").map(|p| {
            let field = field_ident(&p.name);
            let wire = &p.name;
            let push = match (p.kind.as_str(), p.explode) {
                ("array", true) => quote! { for item in value { query.append_pair(#wire, item); } },
                ("array", false) => quote! { query.append_pair(#wire, &value.join(",")); },
                // deepObject (`name[key]=value`): what WorkOS's own SDKs send. The document
                // states no style, and its default (each key as a top-level parameter) would
                // not reach the provider.
                ("object", _) => quote! {
                    for (key, item) in value { query.append_pair(&format!("{}[{}]", #wire, key), item); }
                },
                _ => quote! { query.append_pair(#wire, &value.to_string()); },
            };
            if p.required {
                quote! { { let value = &params.#field; #push } }
            } else {
                quote! { if let Some(value) = &params.#field { #push } }
            }
        });
        let params_doc = format!(
            "Parameters of [`{fn_name}`]: [`new`]({params_name}::new) with the required ones, then a setter per optional one (a parameter WorkOS adds later breaks no caller)."
        );
        let derive_default = if r.params.iter().all(|p| !p.required) { quote! { Default, } } else { quote! {} };
        let constructor = constructor(r);
        quote! {
            #[doc = #params_doc]
            #[derive(Debug, Clone, PartialEq, #derive_default)]
            #[non_exhaustive]
            pub struct #params_name { #(#fields)* }

            #constructor

            #[doc = #doc]
            ///
            /// # Errors
            /// When `base_url` is not an absolute URL that can hold a path.
            pub fn #fn_name(base_url: &str, params: &#params_name) -> ::std::result::Result<::reqwest::Url, ::url::ParseError> {
                let mut url = ::reqwest::Url::parse(base_url)?;
                {
                    let mut segments = url.path_segments_mut().map_err(|()| ::url::ParseError::RelativeUrlWithCannotBeABaseBase)?;
                    segments.pop_if_empty();
                    #(#path_pushes)*
                }
                {
                    let mut query = url.query_pairs_mut();
                    #(#query_pushes)*
                }
                if url.query() == Some("") {
                    url.set_query(None);
                }
                Ok(url)
            }
        }
    });
    quote! { #(#items)* }
}

/// `new` with the required parameters in document order (path parameters as the path spells
/// them, then the others as the `parameters` lists give them; those with one possible value
/// filled in), and a setter per optional one, as request bodies have.
fn constructor(r: &Redirect) -> TokenStream {
    let params_name = format_ident!("{}Params", function_name(r).to_pascal_case());
    let taking = |p: &RedirectParam| {
        let field = field_ident(&p.name);
        let ty: syn::Type = syn::parse2(rust_type(&p.kind)).expect("a parameter type");
        let (arg, convert) = taking(&ty, &field);
        (field, arg, convert)
    };
    let mut required: Vec<&RedirectParam> =
        r.params.iter().filter(|p| p.required && p.fixed.is_none()).collect();
    required.sort_by_key(|p| match p.location.as_str() {
        "path" => (0, path_position(&r.path, &p.name)),
        _ => (1, 0),
    });
    let args: Vec<_> = required.iter().map(|p| taking(p)).collect();
    let arg_list = args.iter().map(|(field, arg, _)| quote! { #field: #arg });
    let inits = r.params.iter().map(|p| {
        let field = field_ident(&p.name);
        match (&p.fixed, p.required) {
            (Some(value), true) => quote! { #field: #value.to_owned(), },
            (None, true) => {
                let (_, _, convert) = taking(p);
                quote! { #field: #convert, }
            }
            (_, false) => quote! { #field: None, },
        }
    });
    let setters = r.params.iter().filter(|p| !p.required).map(|p| {
        let (field, arg, convert) = taking(p);
        let doc = if p.doc.is_empty() { format!("Sets `{}`.", p.name) } else { p.doc.clone() };
        quote! {
            #[doc = #doc]
            #[must_use]
            pub fn #field(mut self, #field: #arg) -> Self {
                self.#field = Some(#convert);
                self
            }
        }
    });
    let fixed: Vec<String> = r
        .params
        .iter()
        .filter_map(|p| p.fixed.as_ref().filter(|_| p.required).map(|v| format!("`{}` is `{v}`", p.name)))
        .collect();
    let mut new_doc = "The required parameters, in document order.".to_owned();
    if !fixed.is_empty() {
        new_doc = format!("The required parameters, in document order ({}).", fixed.join(", "));
    }
    if required.len() > 1 {
        new_doc.push_str("\n\n# Arguments\n");
        for (i, p) in required.iter().enumerate() {
            let what = p
                .doc
                .split("\n\n")
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            new_doc.push_str(&format!("\n{}. `{}`: {what}", i + 1, field_ident(&p.name)));
        }
    }
    quote! {
        impl #params_name {
            #[doc = #new_doc]
            #[must_use]
            pub fn new(#(#arg_list),*) -> Self {
                Self { #(#inits)* }
            }
            #(#setters)*
        }
    }
}

fn field_ident(name: &str) -> syn::Ident {
    let snake = name.to_snake_case();
    syn::parse_str::<syn::Ident>(&snake).unwrap_or_else(|_| format_ident!("r#{}", snake))
}

fn rust_type(kind: &str) -> TokenStream {
    match kind {
        "integer" => quote! { i64 },
        "number" => quote! { f64 },
        "boolean" => quote! { bool },
        "array" => quote! { ::std::vec::Vec<::std::string::String> },
        "object" => quote! { ::std::collections::BTreeMap<::std::string::String, ::std::string::String> },
        _ => quote! { ::std::string::String },
    }
}
