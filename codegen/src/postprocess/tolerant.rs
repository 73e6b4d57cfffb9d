//! `tolerant_reading`: what the live API leaves out decodes all the same, without inventing
//! anything.
//!
//! The policy, for every generated struct and struct variant (reading only; what is sent is
//! unchanged, so a request body stays exact):
//!
//! - an `Option` field the document requires but allows `null` for (typify reads it with
//!   `Option::deserialize`, which fails on a missing key) reads an absent key as `None`: WorkOS's
//!   live responses leave out `external_id`, `last_sign_in_at`, `expires_at`... and every
//!   official SDK accepts it;
//! - a required array or map reads an absent key as empty: its absence carries no information
//!   (`Organization.metadata`, a membership's `roles`);
//! - a required constant (a one-value enum: a list's `object: "list"`, an organization's
//!   `object: "organization"`) reads an absent key as its only value: it says nothing the type
//!   does not, and WorkOS's own SDK fixtures leave it out;
//! - every other required field stays required and typed: a missing `id`, name or timestamp is
//!   a decode error naming its path, never a silent `""`. Where the live API leaves out such a
//!   field, the correction is a documented action of the overlay (`workos-spec/overlay.yaml`).

use std::collections::{BTreeMap, BTreeSet};

use syn::visit_mut::VisitMut;

use super::attrs::{has_serde_word, serde_string};

/// How many fields each rule made tolerant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TolerantCounts {
    /// Required nullable fields that read an absent key as `None`.
    pub absent_as_none: usize,
    /// Required arrays and maps that read an absent key as empty.
    pub absent_as_empty: usize,
    /// Required constants that read an absent key as their only value.
    pub absent_as_constant: usize,
}

/// Applies the policy to every struct and struct variant of `file`.
pub fn tolerant_reading(file: &mut syn::File) -> TolerantCounts {
    struct Pass {
        counts: TolerantCounts,
        /// One-value enums, and whether a field defaults to one.
        constants: BTreeMap<String, (syn::Ident, bool)>,
    }
    impl Pass {
        fn fields(&mut self, fields: &mut syn::Fields) {
            let syn::Fields::Named(named) = fields else { return };
            for field in &mut named.named {
                if has_serde_word(&field.attrs, "default") {
                    continue;
                }
                if reads_option_strictly(&field.attrs) {
                    self.counts.absent_as_none += 1;
                } else if is_collection(&field.ty) {
                    self.counts.absent_as_empty += 1;
                } else if let Some((_, used)) = type_name(&field.ty).and_then(|n| self.constants.get_mut(&n))
                {
                    *used = true;
                    self.counts.absent_as_constant += 1;
                } else {
                    continue;
                }
                field.attrs.push(syn::parse_quote!(#[serde(default)]));
            }
        }
    }
    impl VisitMut for Pass {
        fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
            if derives_deserialize(&item.attrs) {
                self.fields(&mut item.fields);
            }
        }
        fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
            if derives_deserialize(&item.attrs) {
                for variant in &mut item.variants {
                    self.fields(&mut variant.fields);
                }
            }
        }
    }
    let defaulted = impl_targets(&file.items, "Default");
    let constants = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Enum(e) => constant_variant(e).map(|v| (e.ident.to_string(), (v.clone(), false))),
            _ => None,
        })
        .collect();
    let mut pass = Pass { counts: TolerantCounts::default(), constants };
    pass.visit_file_mut(file);
    for (name, (variant, used)) in pass.constants {
        if !used || defaulted.contains(&name) {
            continue;
        }
        let ident = quote::format_ident!("{name}");
        let doc = format!("`{variant}`, the only value: what a response that leaves the field out means.");
        file.items.push(syn::parse_quote! {
            impl ::std::default::Default for #ident {
                #[doc = #doc]
                fn default() -> Self {
                    Self::#variant
                }
            }
        });
    }
    pass.counts
}

/// The only known value of a one-value enum (`List`, beside `Unknown(String)` once the enum is
/// open).
fn constant_variant(e: &syn::ItemEnum) -> Option<&syn::Ident> {
    let unit = |v: &syn::Variant| matches!(v.fields, syn::Fields::Unit);
    match e.variants.iter().collect::<Vec<_>>().as_slice() {
        [only] if unit(only) => Some(&only.ident),
        [only, unknown] if unit(only) && unknown.ident == "Unknown" => Some(&only.ident),
        _ => None,
    }
}

/// The types `impl <trait_name> for` in `items`.
fn impl_targets(items: &[syn::Item], trait_name: &str) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(i)
                if i.trait_
                    .as_ref()
                    .is_some_and(|(_, t, _)| t.segments.last().is_some_and(|s| s.ident == trait_name)) =>
            {
                type_name(&i.self_ty)
            }
            _ => None,
        })
        .collect()
}

/// The last segment of a path type (`ListObject` of `super::ListObject`).
fn type_name(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(path) = ty else { return None };
    path.path.segments.last().map(|s| s.ident.to_string())
}

fn derives_deserialize(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .any(|a| quote::ToTokens::to_token_stream(&a.meta).to_string().contains("Deserialize"))
}

/// `#[serde(deserialize_with = "...Option::deserialize")]`: a nullable field the document
/// requires.
fn reads_option_strictly(attrs: &[syn::Attribute]) -> bool {
    serde_string(attrs, "deserialize_with").is_some_and(|f| f.ends_with("Option::deserialize"))
}

/// A `Vec`, `HashMap`, `BTreeMap` or JSON `Map`.
fn is_collection(ty: &syn::Type) -> bool {
    let syn::Type::Path(path) = ty else { return false };
    path.path
        .segments
        .last()
        .is_some_and(|s| matches!(s.ident.to_string().as_str(), "Vec" | "HashMap" | "BTreeMap" | "Map"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_nullable_fields_and_collections_default_and_nothing_else_does() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct Organization {
                pub id: String,
                #[serde(deserialize_with = "::std::option::Option::deserialize")]
                pub external_id: Option<String>,
                pub metadata: ::std::collections::HashMap<String, String>,
                pub domains: Vec<Domain>,
                #[serde(default, skip_serializing_if = "Vec::is_empty")]
                pub tags: Vec<String>,
                pub created_at: ::chrono::DateTime<::chrono::offset::Utc>,
            }
            #[derive(::serde::Deserialize)]
            #[serde(tag = "event")]
            pub enum Event {
                Created { data: Vec<String>, id: String },
            }
            #[derive(Clone)]
            pub struct NotDecoded { pub items: Vec<String> }
            #[derive(::serde::Deserialize)]
            pub struct List { pub object: ListObject, pub kind: Kind }
            pub enum ListObject { List, Unknown(String) }
            pub enum Kind { A, B, Unknown(String) }
        };
        let counts = tolerant_reading(&mut file);
        assert_eq!(counts, TolerantCounts { absent_as_none: 1, absent_as_empty: 3, absent_as_constant: 1 });
        let text = quote::quote!(#file).to_string();
        assert!(text.contains("# [serde (default)] pub external_id"), "{text}");
        assert!(text.contains("# [serde (default)] pub metadata"), "{text}");
        assert!(text.contains("pub id : String"), "{text}");
        assert!(!text.contains("# [serde (default)] pub id"), "{text}");
        assert!(!text.contains("# [serde (default)] pub created_at"), "{text}");
        assert!(text.contains("# [serde (default)] data"), "{text}");
        assert!(!text.contains("# [serde (default)] pub items"), "{text}");
        assert!(text.contains("# [serde (default)] pub object : ListObject"), "{text}");
        assert!(!text.contains("# [serde (default)] pub kind"), "{text}");
        assert!(text.contains("impl :: std :: default :: Default for ListObject"), "{text}");
    }
}
