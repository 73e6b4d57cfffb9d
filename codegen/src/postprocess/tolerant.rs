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
//! - every other required field stays required and typed: a missing `id`, name or timestamp is
//!   a decode error naming its path, never a silent `""`. Where the live API leaves out such a
//!   field, the correction is a documented action of the overlay (`workos-spec/overlay.yaml`).

use syn::visit_mut::VisitMut;

use super::has_serde_word;

/// How many fields each rule made tolerant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TolerantCounts {
    /// Required nullable fields that read an absent key as `None`.
    pub absent_as_none: usize,
    /// Required arrays and maps that read an absent key as empty.
    pub absent_as_empty: usize,
}

/// Applies the policy to every struct and struct variant of `file`.
pub fn tolerant_reading(file: &mut syn::File) -> TolerantCounts {
    struct Pass(TolerantCounts);
    impl Pass {
        fn fields(&mut self, fields: &mut syn::Fields) {
            let syn::Fields::Named(named) = fields else { return };
            for field in &mut named.named {
                if has_serde_word(&field.attrs, "default") {
                    continue;
                }
                if reads_option_strictly(&field.attrs) {
                    self.0.absent_as_none += 1;
                } else if is_collection(&field.ty) {
                    self.0.absent_as_empty += 1;
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
    let mut pass = Pass(TolerantCounts::default());
    pass.visit_file_mut(file);
    pass.0
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
    super::serde_string(attrs, "deserialize_with").is_some_and(|f| f.ends_with("Option::deserialize"))
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
        };
        let counts = tolerant_reading(&mut file);
        assert_eq!(counts, TolerantCounts { absent_as_none: 1, absent_as_empty: 3 });
        let text = quote::quote!(#file).to_string();
        assert!(text.contains("# [serde (default)] pub external_id"), "{text}");
        assert!(text.contains("# [serde (default)] pub metadata"), "{text}");
        assert!(text.contains("pub id : String"), "{text}");
        assert!(!text.contains("# [serde (default)] pub id"), "{text}");
        assert!(!text.contains("# [serde (default)] pub created_at"), "{text}");
        assert!(text.contains("# [serde (default)] data"), "{text}");
        assert!(!text.contains("# [serde (default)] pub items"), "{text}");
    }
}
