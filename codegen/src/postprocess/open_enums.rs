//! Forward-compatible enums. WorkOS adds enum values and union variants; a response carrying
//! one must still deserialize, and serialize back unchanged.
//!
//! - String enums get `Unknown(String)`, which keeps the raw value; their serde impls, `Display`,
//!   `FromStr` (infallible) and `From<&str>`/`From<String>` come from the `open_enum!` macro
//!   emitted once into the types module, replacing typify's derives and fallible conversions.
//!   The macro is kept to the impls users need (`as_str`, `Display`, `From<&str>`, `FromStr`,
//!   serde): each impl is compiled once per enum, and there are hundreds of enums.
//! - Internally tagged enums of struct variants get an `Unknown(serde_json::Value)` variant
//!   that keeps the whole value and a `Deserialize` of their own (see `tagged_unions`); other
//!   tagged enums get a `#[serde(other)] Unknown` variant for unknown tags.
//! - Untagged unions get a last `Unknown(serde_json::Value)` variant where their derives allow.
//!   Scalar unions (string | number | boolean), for which typify writes an exhaustive `Display`,
//!   already accept every value of their JSON types and are left closed.
//!
//! Every enum opened here is also `#[non_exhaustive]`: a `match` in users' code needs a
//! wildcard arm, so a value or variant added by a newer document is not a compile error.
//! That is what lets the spec diff call "enum value added" non-breaking.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Fields, Item, ItemEnum};

use super::attrs::{has_serde_word, retain_derives, serde_rename};
use super::tagged_unions;

/// How many enums each rule changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenEnumCounts {
    /// String enums given `Unknown(String)`.
    pub string_enums: usize,
    /// Internally or adjacently tagged enums given an `Unknown` variant.
    pub tagged_enums: usize,
    /// Untagged unions given `Unknown(serde_json::Value)`.
    pub untagged_enums: usize,
}

/// Applies the rules to every module of `file` that holds enums.
pub(super) fn open_enums(file: &mut syn::File) -> OpenEnumCounts {
    let mut counts = OpenEnumCounts::default();
    rewrite_items(&mut file.items, &mut counts);
    counts
}

fn rewrite_items(items: &mut Vec<Item>, counts: &mut OpenEnumCounts) {
    let mut opened = BTreeSet::new();
    let mut invocations: Vec<Item> = Vec::new();
    let displayed = impl_targets(items, "Display");
    let mut taken = item_names(items);
    let mut decoders = Vec::new();
    for item in items.iter_mut() {
        match item {
            Item::Enum(e) => {
                if let Some(invocation) = open_string_enum(e) {
                    opened.insert(e.ident.to_string());
                    invocations.push(invocation);
                    counts.string_enums += 1;
                    mark_non_exhaustive(e);
                } else if has_serde_word(&e.attrs, "tag") {
                    if let Some(added) = tagged_unions::rewrite(e, &mut taken) {
                        decoders.extend(added);
                        counts.tagged_enums += 1;
                        mark_non_exhaustive(e);
                    } else if add_unit_catch_all(e) {
                        counts.tagged_enums += 1;
                        mark_non_exhaustive(e);
                    }
                } else if has_serde_word(&e.attrs, "untagged")
                    && !displayed.contains(&e.ident.to_string())
                    && add_value_catch_all(e)
                {
                    counts.untagged_enums += 1;
                    mark_non_exhaustive(e);
                }
            }
            Item::Mod(m) => {
                if let Some((_, inner)) = &mut m.content {
                    rewrite_items(inner, counts);
                }
            }
            _ => {}
        }
    }
    items.extend(decoders);
    if opened.is_empty() {
        return;
    }
    items.retain(|item| !is_replaced_impl(item, &opened));
    let definition = macro_definition();
    items.push(syn::parse_quote! { #definition });
    items.extend(invocations);
}

/// A plain string enum (unit variants only, no serde tagging): add `Unknown(String)`.
fn open_string_enum(e: &mut ItemEnum) -> Option<Item> {
    if e.variants.is_empty()
        || !e.variants.iter().all(|v| matches!(v.fields, Fields::Unit))
        || has_serde_word(&e.attrs, "tag")
        || has_serde_word(&e.attrs, "untagged")
        || !derives(e).iter().any(|d| d == "Deserialize")
    {
        return None;
    }
    let unknown = catch_all_name(e);
    let mut arms = Vec::new();
    for v in &mut e.variants {
        let wire = serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string());
        v.attrs.retain(|a| !a.path().is_ident("serde"));
        let ident = &v.ident;
        arms.push(quote! { #ident => #wire });
    }
    retain_derives(e, &["Copy", "Deserialize", "Serialize"]);
    let doc = "A value this version of the crate does not know; the raw string, sent back unchanged.";
    e.variants.push(syn::parse_quote! { #[doc = #doc] #unknown(::std::string::String) });
    let name = &e.ident;
    Some(syn::parse_quote! { open_enum!(#name, #unknown { #(#arms),* }); })
}

fn mark_non_exhaustive(e: &mut ItemEnum) {
    if !e.attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
        e.attrs.push(syn::parse_quote! { #[non_exhaustive] });
    }
}

fn add_unit_catch_all(e: &mut ItemEnum) -> bool {
    if e.variants.iter().any(|v| has_serde_word(&v.attrs, "other")) {
        return false;
    }
    let unknown = catch_all_name(e);
    let doc = "A variant this version of the crate does not know (its tag is not kept).";
    e.variants.push(syn::parse_quote! { #[doc = #doc] #[serde(other)] #unknown });
    true
}

fn add_value_catch_all(e: &mut ItemEnum) -> bool {
    let derives = derives(e);
    if derives.iter().any(|d| d == "Hash" || d == "Ord" || d == "PartialOrd" || d == "Copy") {
        return false;
    }
    let unknown = catch_all_name(e);
    let doc = "A shape this version of the crate does not know, kept as raw JSON.";
    e.variants.push(syn::parse_quote! { #[doc = #doc] #unknown(::serde_json::Value) });
    true
}

fn catch_all_name(e: &ItemEnum) -> syn::Ident {
    let taken = |n: &str| e.variants.iter().any(|v| v.ident == n);
    if !taken("Unknown") { format_ident!("Unknown") } else { format_ident!("UnknownValue") }
}

fn derives(e: &ItemEnum) -> Vec<String> {
    let mut out = Vec::new();
    for attr in e.attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = attr.parse_nested_meta(|meta| {
            if let Some(last) = meta.path.segments.last() {
                out.push(last.ident.to_string());
            }
            Ok(())
        });
    }
    out
}

/// The names of the items of a module.
fn item_names(items: &[Item]) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            Item::Type(t) => Some(t.ident.to_string()),
            Item::Mod(m) => Some(m.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// Names of the types that `items` implement `trait_name` for.
fn impl_targets(items: &[Item], trait_name: &str) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(imp) => Some(imp),
            _ => None,
        })
        .filter(|imp| {
            imp.trait_.as_ref().and_then(|(_, p, _)| p.segments.last()).is_some_and(|s| s.ident == trait_name)
        })
        .filter_map(|imp| match &*imp.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// typify's `Display`, `FromStr` and `TryFrom<&str | &String | String>` impls of an opened
/// enum, which `open_enum!` replaces with infallible conversions.
fn is_replaced_impl(item: &Item, opened: &BTreeSet<String>) -> bool {
    let Item::Impl(imp) = item else { return false };
    let Some((_, trait_path, _)) = &imp.trait_ else { return false };
    let syn::Type::Path(self_ty) = &*imp.self_ty else { return false };
    let Some(self_name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else { return false };
    if !opened.contains(&self_name) {
        return false;
    }
    let trait_name = trait_path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
    matches!(trait_name.as_str(), "Display" | "FromStr" | "TryFrom")
}

fn macro_definition() -> TokenStream {
    quote! {
        /// Implements serde, `Display`, `FromStr` and string conversions for an open enum.
        macro_rules! open_enum {
            ($name:ident, $unknown:ident { $($variant:ident => $wire:literal),* $(,)? }) => {
                impl $name {
                    /// The value as it is sent on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            $(Self::$variant => $wire,)*
                            Self::$unknown(raw) => raw.as_str(),
                        }
                    }
                }
                impl ::std::fmt::Display for $name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }
                impl ::std::convert::From<&str> for $name {
                    fn from(value: &str) -> Self {
                        match value {
                            $($wire => Self::$variant,)*
                            other => Self::$unknown(other.to_owned()),
                        }
                    }
                }
                impl ::std::str::FromStr for $name {
                    type Err = ::std::convert::Infallible;
                    fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                        Ok(Self::from(value))
                    }
                }
                impl ::serde::Serialize for $name {
                    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }
                impl<'de> ::serde::Deserialize<'de> for $name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                        let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                        Ok(Self::from(&*value))
                    }
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opened_enums_are_non_exhaustive_and_keep_unknown_values() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
            pub enum Kind { #[serde(rename = "a")] A, #[serde(rename = "b")] B }
            #[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
            #[serde(untagged)]
            pub enum Shape { One { x: i64 }, Two { y: String } }
        };
        let counts = open_enums(&mut file);
        assert_eq!((counts.string_enums, counts.untagged_enums), (1, 1));
        for item in &file.items {
            if let Item::Enum(e) = item {
                assert!(e.attrs.iter().any(|a| a.path().is_ident("non_exhaustive")), "{}", e.ident);
                assert!(e.variants.iter().any(|v| v.ident == "Unknown"), "{}", e.ident);
            }
        }
    }
}
