//! Internally tagged unions (`#[serde(tag = "event")]` enums of struct variants: the 93 events,
//! `grant_type` bodies, API key owners) get a `Deserialize` of their own instead of serde's
//! derive, and an `Unknown(serde_json::Value)` variant that keeps a value whose tag this version
//! of the crate does not know.
//!
//! serde's derive writes a full struct visitor per variant, which made `EventSchema` alone a
//! seventh of the crate's expanded code. Variants share their field lists: all but four events
//! are `{ context?, created_at, data, id, object }` with only the type of `data` differing. So
//! the fields of each group of variants with the same field names and serde attributes are
//! decoded through one private generic struct (a type parameter per field whose type differs
//! within the group), compiled once, and the impl dispatches on the tag:
//!
//! ```ignore
//! "dsync.user.created" => {
//!     let EventSchemaFields0 { context, created_at, data, id, object } =
//!         tagged::fields_of(value, "EventSchema", tag)?;
//!     Self::DsyncUserCreated { context, created_at, data, id, object }
//! }
//! ```
//!
//! `Serialize` stays derived: the known variants write their tag, and `Unknown` is
//! `#[serde(untagged)]`, so it is written back exactly as it was read.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Fields, Item, ItemEnum};

use super::attrs::{has_serde_word, retain_derives, serde_rename, serde_string};
use crate::naming::unique_name;

/// One variant's wire tag and fields.
struct Variant {
    ident: syn::Ident,
    wire: String,
    fields: Vec<Field>,
}

struct Field {
    ident: syn::Ident,
    /// `#[serde(...)]` attributes, which the generic struct keeps.
    serde: Vec<syn::Attribute>,
    ty: syn::Type,
}

impl Field {
    /// Whether its serde attributes would not type-check on a type parameter
    /// (`deserialize_with = "Option::deserialize"`, `skip_serializing_if = "Option::is_none"`).
    fn needs_its_type(&self) -> bool {
        self.serde.iter().any(|a| {
            let text = quote!(#a).to_string();
            text.contains("_with") || text.contains("skip_serializing_if")
        })
    }
}

/// Rewrites `e` when it is an internally tagged enum of struct variants; returns the items to add
/// beside it (the generic field structs and the `Deserialize` impl), or `None` to leave it to
/// serde's derive.
pub(super) fn rewrite(e: &mut ItemEnum, taken: &mut BTreeSet<String>) -> Option<Vec<Item>> {
    let tag = serde_string(&e.attrs, "tag")?;
    let variants = struct_variants(e)?;
    let union_name = e.ident.to_string();
    let mut items = Vec::new();
    let mut arms = Vec::new();
    for (index, members) in group(&variants).iter().enumerate() {
        let fields_struct = format_ident!("{}", unique_name(taken, &format!("{union_name}Fields{index}")));
        items.push(fields_struct_item(&fields_struct, &union_name, members, &variants, taken));
        let names: Vec<&syn::Ident> = variants[members[0]].fields.iter().map(|f| &f.ident).collect();
        for &m in members {
            let (ident, wire) = (&variants[m].ident, &variants[m].wire);
            arms.push(quote! {
                #wire => {
                    let #fields_struct { #(#names),* } = crate::runtime::tagged::fields_of(value, #union_name, tag)?;
                    Self::#ident { #(#names),* }
                }
            });
        }
    }
    retain_derives(e, &["Deserialize"]);
    let unknown = if variants.iter().any(|v| v.ident == "Unknown") { "UnknownValue" } else { "Unknown" };
    let unknown = format_ident!("{unknown}");
    let doc = format!(
        "A `{tag}` this version of the crate does not know, with the whole value as it was received (and is sent back)."
    );
    e.variants.push(syn::parse_quote! { #[doc = #doc] #[serde(untagged)] #unknown(::serde_json::Value) });
    items.push(tag_name_impl(&e.ident, &tag, &variants, &unknown));
    let union = &e.ident;
    items.push(syn::parse_quote! {
        impl<'de> ::serde::Deserialize<'de> for #union {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = crate::runtime::tagged::tag_of::<D::Error>(&value, #tag, #union_name)?.to_owned();
                let tag = tag.as_str();
                Ok(match tag {
                    #(#arms)*
                    _ => Self::#unknown(value),
                })
            }
        }
    });
    Some(items)
}

/// The variants of an internally tagged enum whose variants all have named fields (and none is
/// `other` or `untagged`); `None` for any other enum.
fn struct_variants(e: &ItemEnum) -> Option<Vec<Variant>> {
    if has_serde_word(&e.attrs, "content") || e.variants.is_empty() {
        return None;
    }
    let mut variants = Vec::new();
    for v in &e.variants {
        let Fields::Named(named) = &v.fields else { return None };
        if has_serde_word(&v.attrs, "other") || has_serde_word(&v.attrs, "untagged") {
            return None;
        }
        let fields = named
            .named
            .iter()
            .map(|f| Field {
                ident: f.ident.clone().expect("named field"),
                serde: f.attrs.iter().filter(|a| a.path().is_ident("serde")).cloned().collect(),
                ty: f.ty.clone(),
            })
            .collect();
        variants.push(Variant {
            ident: v.ident.clone(),
            wire: serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string()),
            fields,
        });
    }
    Some(variants)
}

/// The private struct one group of variants (`members`) decodes its fields through: generic
/// over each field whose type differs within the group.
fn fields_struct_item(
    name: &syn::Ident,
    union_name: &str,
    members: &[usize],
    variants: &[Variant],
    taken: &BTreeSet<String>,
) -> Item {
    let first = &variants[members[0]];
    let varying: Vec<bool> = (0..first.fields.len())
        .map(|i| {
            let ty = &first.fields[i].ty;
            members.iter().any(|&m| variants[m].fields[i].ty != *ty)
        })
        .collect();
    let params: Vec<syn::Ident> = first
        .fields
        .iter()
        .zip(&varying)
        .filter(|(_, v)| **v)
        .map(|(f, _)| format_ident!("{}", fresh(taken, &format!("T{}", pascal(&f.ident.to_string())))))
        .collect();
    let mut next_param = params.iter();
    let declared: Vec<TokenStream> = first
        .fields
        .iter()
        .zip(&varying)
        .map(|(f, varies)| {
            let (ident, serde) = (&f.ident, &f.serde);
            let ty = if *varies {
                let p = next_param.next().expect("a parameter per varying field");
                quote!(#p)
            } else {
                let ty = &f.ty;
                quote!(#ty)
            };
            quote! { #(#serde)* pub(crate) #ident: #ty }
        })
        .collect();
    let generics = if params.is_empty() { quote!() } else { quote!(<#(#params),*>) };
    let doc = format!(
        "The fields of {} variants of [`{union_name}`], decoded once for all of them.",
        members.len()
    );
    syn::parse_quote! {
        #[doc = #doc]
        #[derive(::serde::Deserialize)]
        #[doc(hidden)]
        pub(crate) struct #name #generics { #(#declared),* }
    }
}

/// `fn <tag>_name(&self) -> &str`: the wire tag of a value, known or not.
fn tag_name_impl(union: &syn::Ident, tag: &str, variants: &[Variant], unknown: &syn::Ident) -> Item {
    let name_fn =
        format_ident!("{}_name", tag.replace(|c: char| !c.is_ascii_alphanumeric(), "_").to_lowercase());
    let name_doc =
        format!("The `{tag}` of this value as it is on the wire (`\"\"` for an unknown value without one).");
    let wires = variants.iter().map(|v| &v.wire);
    let idents = variants.iter().map(|v| &v.ident);
    syn::parse_quote! {
        impl #union {
            #[doc = #name_doc]
            pub fn #name_fn(&self) -> &str {
                match self {
                    #(Self::#idents { .. } => #wires,)*
                    Self::#unknown(value) => value.get(#tag).and_then(::serde_json::Value::as_str).unwrap_or_default(),
                }
            }
        }
    }
}

/// Variants (by index) grouped by field names and serde attributes, in order of first
/// appearance. A field whose attributes need its concrete type also groups by that type.
fn group(variants: &[Variant]) -> Vec<Vec<usize>> {
    let key = |v: &Variant| -> String {
        v.fields
            .iter()
            .map(|f| {
                let (ident, serde) = (&f.ident, &f.serde);
                let ty = &f.ty;
                let ty = if f.needs_its_type() { quote!(#ty).to_string() } else { String::new() };
                format!("{} {} {ty}", quote!(#ident), quote!(#(#serde)*))
            })
            .collect::<Vec<_>>()
            .join(";")
    };
    let mut keys: Vec<String> = Vec::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, v) in variants.iter().enumerate() {
        let k = key(v);
        match keys.iter().position(|x| *x == k) {
            Some(g) => groups[g].push(i),
            None => {
                keys.push(k);
                groups.push(vec![i]);
            }
        }
    }
    groups
}

fn pascal(snake: &str) -> String {
    heck::ToPascalCase::to_pascal_case(snake)
}

/// `base`, or `base` with a number, not among `taken`.
fn fresh(taken: &BTreeSet<String>, base: &str) -> String {
    let mut name = base.to_owned();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(e: syn::ItemEnum) -> (ItemEnum, Vec<Item>) {
        let mut e = e;
        let mut taken = BTreeSet::new();
        let items = rewrite(&mut e, &mut taken).expect("rewritten");
        (e, items)
    }

    #[test]
    fn variants_sharing_field_names_share_one_generic_struct() {
        let (e, items) = rewritten(syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
            #[serde(tag = "event")]
            pub enum Event {
                #[serde(rename = "a.created")]
                ACreated { data: A, id: String },
                #[serde(rename = "b.created")]
                BCreated { data: B, id: String },
                #[serde(rename = "c.created")]
                CCreated { data: C, id: String, extra: i64 },
            }
        });
        let structs: Vec<String> = items
            .iter()
            .filter_map(|i| match i {
                Item::Struct(s) => Some(quote!(#s).to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(structs.len(), 2, "{structs:#?}");
        assert!(structs[0].contains("pub (crate) struct EventFields0 < TData >"), "{}", structs[0]);
        assert!(structs[0].contains("id : String"), "{}", structs[0]);
        assert!(
            structs[1].contains("struct EventFields1 {"),
            "a group of one is not generic: {}",
            structs[1]
        );
        assert_eq!(e.variants.last().unwrap().ident, "Unknown");
        assert!(!quote!(#e).to_string().contains("Deserialize"));
        let imp = items.last().unwrap();
        let imp = quote!(#imp).to_string();
        assert!(imp.contains("\"b.created\" =>"), "{imp}");
        let names = items
            .iter()
            .map(|i| quote!(#i).to_string())
            .find(|i| i.contains("fn event_name"))
            .expect("event_name");
        assert!(names.contains("Self :: BCreated { .. } => \"b.created\""), "{names}");
    }

    #[test]
    fn a_field_whose_attributes_need_its_type_splits_the_group() {
        let (_, items) = rewritten(syn::parse_quote! {
            #[derive(::serde::Deserialize)]
            #[serde(tag = "type")]
            pub enum Owner {
                A { #[serde(skip_serializing_if = "::std::option::Option::is_none")] x: Option<A> },
                B { #[serde(skip_serializing_if = "::std::option::Option::is_none")] x: Option<B> },
            }
        });
        assert_eq!(items.iter().filter(|i| matches!(i, Item::Struct(_))).count(), 2);
    }

    #[test]
    fn other_unions_are_left_to_serde() {
        let mut taken = BTreeSet::new();
        let mut untagged: ItemEnum = syn::parse_quote! { #[serde(untagged)] pub enum U { A { x: i64 } } };
        assert!(rewrite(&mut untagged, &mut taken).is_none());
        let mut newtype: ItemEnum = syn::parse_quote! { #[serde(tag = "t")] pub enum N { A(Inner) } };
        assert!(rewrite(&mut newtype, &mut taken).is_none());
        let mut adjacent: ItemEnum =
            syn::parse_quote! { #[serde(tag = "t", content = "c")] pub enum J { A { x: i64 } } };
        assert!(rewrite(&mut adjacent, &mut taken).is_none());
    }
}
