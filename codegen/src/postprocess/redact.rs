//! Secrets stay out of logs: a type with a field that carries one (a password, a client
//! secret, a token, a one-time code, a new API key's value) gets a `Debug` that prints
//! `"<redacted>"` for that field, instead of the derived one.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Fields, Item, ItemEnum, ItemStruct};

/// Whether field `field` of type `type_name` carries a secret.
fn is_secret_field(type_name: &str, field: &str) -> bool {
    let field = field.trim_start_matches("r#");
    let contains = |s: &str| field.contains(s);
    (contains("password") || (contains("secret") && !field.ends_with("_hint")))
        || (contains("token") && field != "token_type")
        || contains("private_key")
        || contains("verifier")
        || contains("passcode")
        || field == "api_key"
        || ((field == "code" || field.ends_with("_code")) && !type_name.starts_with("Error"))
        || (field == "value" && (type_name.contains("ApiKey") || type_name.contains("Secret")))
}

/// Rewrites every type in `file` that holds a secret field; returns how many.
pub(super) fn redact_secrets(file: &mut syn::File) -> usize {
    redact_items(&mut file.items)
}

fn redact_items(items: &mut Vec<Item>) -> usize {
    let mut impls = Vec::new();
    let mut nested = 0;
    for item in items.iter_mut() {
        match item {
            Item::Struct(s) => impls.extend(redact_struct(s)),
            Item::Enum(e) => impls.extend(redact_enum(e)),
            Item::Mod(m) => {
                if let Some((_, inner)) = &mut m.content {
                    nested += redact_items(inner);
                }
            }
            _ => {}
        }
    }
    let count = impls.len() + nested;
    items.extend(impls.into_iter().map(|tokens| syn::parse_quote! { #tokens }));
    count
}

/// The redacting `Debug` of a struct with a secret field (its derived one is dropped).
fn redact_struct(s: &mut ItemStruct) -> Option<TokenStream> {
    (has_secret_struct(s) && drop_debug_derive(&mut s.attrs)).then(|| struct_debug(s))
}

/// The redacting `Debug` of an enum with a secret field in a variant.
fn redact_enum(e: &mut ItemEnum) -> Option<TokenStream> {
    (has_secret_enum(e) && drop_debug_derive(&mut e.attrs)).then(|| enum_debug(e))
}

fn has_secret_struct(s: &ItemStruct) -> bool {
    let name = s.ident.to_string();
    s.fields.iter().any(|f| f.ident.as_ref().is_some_and(|i| is_secret_field(&name, &i.to_string())))
}

fn has_secret_enum(e: &ItemEnum) -> bool {
    let name = e.ident.to_string();
    e.variants
        .iter()
        .flat_map(|v| v.fields.iter())
        .any(|f| f.ident.as_ref().is_some_and(|i| is_secret_field(&name, &i.to_string())))
}

/// Removes `Debug` from the derives; `false` when there was none (nothing to replace).
fn drop_debug_derive(attrs: &mut [syn::Attribute]) -> bool {
    let mut found = false;
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let mut kept: Vec<syn::Path> = Vec::new();
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.segments.last().is_some_and(|s| s.ident == "Debug") {
                found = true;
            } else {
                kept.push(meta.path.clone());
            }
            Ok(())
        });
        *attr = syn::parse_quote! { #[derive(#(#kept),*)] };
    }
    found
}

fn field_entries(
    type_name: &str,
    fields: &Fields,
    access: impl Fn(&syn::Ident) -> TokenStream,
) -> Vec<TokenStream> {
    fields
        .iter()
        .filter_map(|f| f.ident.as_ref())
        .map(|ident| {
            let label = ident.to_string().trim_start_matches("r#").to_owned();
            if is_secret_field(type_name, &label) {
                quote! { .field(#label, &"<redacted>") }
            } else {
                let value = access(ident);
                quote! { .field(#label, #value) }
            }
        })
        .collect()
}

fn struct_debug(s: &ItemStruct) -> TokenStream {
    let name = &s.ident;
    let label = name.to_string();
    let entries = field_entries(&label, &s.fields, |ident| quote! { &self.#ident });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label) #(#entries)* .finish()
            }
        }
    }
}

fn enum_debug(e: &ItemEnum) -> TokenStream {
    let name = &e.ident;
    let type_name = name.to_string();
    let arms = e.variants.iter().map(|v| {
        let variant = &v.ident;
        let label = variant.to_string();
        match &v.fields {
            Fields::Named(named) => {
                let binds = named.named.iter().filter_map(|f| f.ident.as_ref()).map(|ident| {
                    if is_secret_field(&type_name, &ident.to_string()) {
                        quote! { #ident: _ }
                    } else {
                        quote! { #ident }
                    }
                });
                let entries = field_entries(&type_name, &v.fields, |ident| quote! { #ident });
                quote! { Self::#variant { #(#binds),* } => f.debug_struct(#label) #(#entries)* .finish(), }
            }
            Fields::Unnamed(unnamed) => {
                let binds: Vec<syn::Ident> =
                    (0..unnamed.unnamed.len()).map(|i| format_ident!("v{i}")).collect();
                quote! { Self::#variant(#(#binds),*) => f.debug_tuple(#label) #(.field(#binds))* .finish(), }
            }
            Fields::Unit => quote! { Self::#variant => f.write_str(#label), },
        }
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self { #(#arms)* }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for (t, f) in [
            ("AuthenticateBody", "client_secret"),
            ("User", "password"),
            ("Session", "refresh_token"),
            ("MagicAuth", "code"),
            ("ApiKeyWithValue", "value"),
        ] {
            assert!(is_secret_field(t, f), "{t}.{f}");
        }
        for (t, f) in
            [("ErrorBody", "code"), ("Session", "token_type"), ("ApiKey", "secret_hint"), ("Email", "value")]
        {
            assert!(!is_secret_field(t, f), "{t}.{f}");
        }
    }

    #[test]
    fn struct_debug_redacts_only_the_secret() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Clone, Debug, PartialEq)]
                pub struct Login { pub email: String, pub password: String }
            }
        };
        assert_eq!(redact_secrets(&mut file), 1);
        let text = prettyplease::unparse(&file);
        assert!(text.contains("#[derive(Clone, PartialEq)]"), "{text}");
        assert!(text.contains(r#".field("password", &"<redacted>")"#), "{text}");
        assert!(text.contains(r#".field("email", &self.email)"#), "{text}");
    }
}
