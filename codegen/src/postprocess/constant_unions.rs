//! `constant_unions`: an untagged union whose branches the constants they require tell apart
//! (a Pipes credential: `active: false` with an `error`, or `active: true` with a `credential`
//! whose `auth_method` is `oauth`, `api_key` or `client_credentials`) is decoded by those
//! constants instead of by serde's first-fit.
//!
//! serde's untagged derive takes the first variant whose fields are present. With open enums
//! (an `auth_method` of `Unknown(String)` accepts any string) and unknown fields ignored, the
//! first variant takes a value meant for a later one and drops the fields it does not know
//! (a client-credentials credential lost its `metadata`). The generated `Deserialize` reads the
//! value once, picks the first variant whose constants all match, and decodes that variant (an
//! error names the union and the variant); a value that matches none is `Unknown`, kept whole.
//! `Serialize` stays derived: each variant writes its own constants.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::Item;

use super::attrs::retain_derives;
use crate::normalize::Constants;

/// Rewrites each union of `unions` found in `file` (progenitor's `mod types` included). Returns
/// how many were rewritten, or a message when a union or a variant named is not in the file.
pub(super) fn constant_unions(
    file: &mut syn::File,
    unions: &[(String, Vec<(String, Constants)>)],
) -> Result<usize, String> {
    let mut impls: Vec<Item> = Vec::new();
    let mut done = 0;
    for items in item_lists(file) {
        for item in items.iter_mut() {
            let Item::Enum(e) = item else { continue };
            let Some((_, variants)) = unions.iter().find(|(n, _)| e.ident == n) else { continue };
            impls.push(decoder(e, variants)?);
            retain_derives(e, &["Deserialize"]);
            done += 1;
        }
        items.append(&mut impls);
    }
    if done != unions.len() {
        let missing: Vec<&str> = unions.iter().map(|(n, _)| n.as_str()).collect();
        return Err(format!("constant-discriminated unions: found {done} of {missing:?}"));
    }
    Ok(done)
}

/// The item lists of `file`: its own, and each inline module's.
fn item_lists(file: &mut syn::File) -> Vec<&mut Vec<Item>> {
    let mut lists = Vec::new();
    let (modules, _): (Vec<&mut Item>, Vec<&mut Item>) =
        file.items.iter_mut().partition(|i| matches!(i, Item::Mod(m) if m.content.is_some()));
    for item in modules {
        if let Item::Mod(m) = item
            && let Some((_, items)) = &mut m.content
        {
            lists.push(items);
        }
    }
    lists
}

/// The `Deserialize` impl of `e`, whose variants (by name) require `variants`' constants.
fn decoder(e: &syn::ItemEnum, variants: &[(String, Constants)]) -> Result<Item, String> {
    let union = &e.ident;
    let union_name = union.to_string();
    let unknown = e.variants.iter().find(|v| v.ident == "Unknown").map(|v| v.ident.clone());
    let mut tables = Vec::new();
    let mut arms = Vec::new();
    for (i, (name, constants)) in variants.iter().enumerate() {
        if !e.variants.iter().any(|v| v.ident == name) {
            return Err(format!("`{union_name}` has no variant `{name}`"));
        }
        let ident = format_ident!("{name}");
        let entries = constants.iter().map(|(pointer, value)| {
            let constant = constant(value);
            quote! { (#pointer, #constant) }
        });
        tables.push(quote! { &[#(#entries),*] });
        arms.push(quote! {
            ::std::option::Option::Some(#i) => Self::#ident(crate::runtime::tagged::fields_of(value, #union_name, #name)?),
        });
    }
    let fallback: TokenStream = match unknown {
        Some(unknown) => quote! { _ => Self::#unknown(value), },
        None => quote! {
            _ => return ::std::result::Result::Err(<D::Error as ::serde::de::Error>::custom(
                ::std::format_args!("{}: the value matches none of its variants", #union_name),
            )),
        },
    };
    Ok(syn::parse_quote! {
        impl<'de> ::serde::Deserialize<'de> for #union {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                const VARIANTS: &[&[(&str, crate::runtime::tagged::Constant)]] = &[#(#tables),*];
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(match crate::runtime::tagged::matching(&value, VARIANTS) {
                    #(#arms)*
                    #fallback
                })
            }
        }
    })
}

fn constant(value: &Value) -> TokenStream {
    match value {
        Value::Bool(b) => quote! { crate::runtime::tagged::Constant::Bool(#b) },
        Value::Number(n) if n.as_i64().is_some() => {
            let n = n.as_i64().unwrap_or_default();
            quote! { crate::runtime::tagged::Constant::Int(#n) }
        }
        other => {
            let text = other.as_str().map_or_else(|| other.to_string(), str::to_owned);
            quote! { crate::runtime::tagged::Constant::Str(#text) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_union_decodes_by_its_constants_and_keeps_serialize() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
                #[serde(untagged)]
                pub enum Credentials {
                    Oauth(CredentialsOauth),
                    Error(CredentialsError),
                    Unknown(::serde_json::Value),
                }
            }
        };
        let unions = vec![(
            "Credentials".to_owned(),
            vec![
                (
                    "Oauth".to_owned(),
                    vec![
                        ("/active".to_owned(), json!(true)),
                        ("/credential/auth_method".to_owned(), json!("oauth")),
                    ],
                ),
                ("Error".to_owned(), vec![("/active".to_owned(), json!(false))]),
            ],
        )];
        assert_eq!(constant_unions(&mut file, &unions), Ok(1));
        let text = quote!(#file).to_string();
        assert!(text.contains("derive (:: serde :: Serialize , Clone)"), "{text}");
        assert!(
            text.contains(
                "(\"/credential/auth_method\" , crate :: runtime :: tagged :: Constant :: Str (\"oauth\"))"
            ),
            "{text}"
        );
        assert!(text.contains("Some (1usize) => Self :: Error"), "{text}");
        assert!(text.contains("_ => Self :: Unknown (value)"), "{text}");
    }

    #[test]
    fn a_union_not_found_is_an_error() {
        let mut file: syn::File = syn::parse_quote! { pub mod types {} };
        let unions = vec![("Missing".to_owned(), Vec::new())];
        assert!(constant_unions(&mut file, &unions).unwrap_err().contains("found 0"));
    }
}
