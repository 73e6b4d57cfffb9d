//! syn passes over progenitor's output, for what progenitor and typify cannot be configured to
//! do: forward-compatible enums, lenient response types, body-less success statuses, and
//! secrets kept out of `Debug`.

mod constant_unions;
mod empty_success;
mod open_enums;
mod optional_constants;
mod redact;
mod tagged_unions;
mod tolerant;
mod union_variants;

pub use constant_unions::constant_unions;
pub use empty_success::empty_success_arms;
pub use open_enums::{OpenEnumCounts, open_enums};
pub use optional_constants::optional_constants;
pub use redact::{is_secret_field, redact_secrets};
pub use tolerant::{TolerantCounts, tolerant_reading};
pub use union_variants::name_union_variants;

use syn::visit_mut::VisitMut;

/// Removes every `#[serde(deny_unknown_fields)]`: WorkOS adds response fields without notice.
pub fn allow_unknown_fields(file: &mut syn::File) -> usize {
    struct Strip(usize);
    impl Strip {
        fn strip(&mut self, attrs: &mut Vec<syn::Attribute>) {
            let before = attrs.len();
            attrs.retain(|a| !is_deny_unknown_fields(a));
            self.0 += before - attrs.len();
        }
    }
    impl VisitMut for Strip {
        fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
            self.strip(&mut item.attrs);
        }
        fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
            self.strip(&mut item.attrs);
            for v in &mut item.variants {
                self.strip(&mut v.attrs);
            }
        }
    }
    let mut strip = Strip(0);
    strip.visit_file_mut(file);
    strip.0
}

fn is_deny_unknown_fields(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("serde")
        && quote::ToTokens::to_token_stream(&attr.meta).to_string().contains("deny_unknown_fields")
}

/// The string value of `#[serde(rename = "...")]` among `attrs`.
pub(crate) fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    serde_string(attrs, "rename")
}

/// The string value of `#[serde(<key> = "...")]` among `attrs`.
pub(crate) fn serde_string(attrs: &[syn::Attribute], key: &str) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(key) {
                let lit: syn::LitStr = meta.value()?.parse()?;
                found = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}

/// Whether `attrs` hold `#[serde(<word> ...)]`.
pub(crate) fn has_serde_word(attrs: &[syn::Attribute], word: &str) -> bool {
    attrs.iter().filter(|a| a.path().is_ident("serde")).any(|a| {
        let mut hit = false;
        let _ = a.parse_nested_meta(|meta| {
            hit |= meta.path.is_ident(word);
            if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
        hit
    })
}
