//! `allow_unknown_fields`: WorkOS adds response fields without notice, so no generated type
//! refuses a field it does not know.

use syn::visit_mut::VisitMut;

/// Removes every `#[serde(deny_unknown_fields)]`: WorkOS adds response fields without notice.
pub(super) fn allow_unknown_fields(file: &mut syn::File) -> usize {
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
