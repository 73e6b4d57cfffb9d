//! `union_variants`: gives the variants of the unions `name_union_variants` prepared the names
//! it chose (typify would name them `Variant0`... or strip a common prefix from the branch
//! types' names), in the enum and in every path naming them (`Self::X`, `Union::X`).

use std::collections::BTreeMap;

use syn::visit_mut::VisitMut;

/// Renames the variants of each `(enum, names)`, by position. Returns how many were renamed.
pub(super) fn name_union_variants(file: &mut syn::File, unions: &[(String, Vec<String>)]) -> usize {
    let mut renames: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    // progenitor puts the types in `mod types`.
    let items = file.items.iter_mut().flat_map(|item| match item {
        syn::Item::Mod(m) => {
            m.content.as_mut().map(|(_, items)| items.iter_mut().collect::<Vec<_>>()).unwrap_or_default()
        }
        other => vec![other],
    });
    for item in items {
        let syn::Item::Enum(e) = item else { continue };
        let Some((_, names)) = unions.iter().find(|(n, _)| e.ident == n) else { continue };
        let map = renames.entry(e.ident.to_string()).or_default();
        for (variant, name) in e.variants.iter_mut().zip(names) {
            if variant.ident != name {
                map.insert(variant.ident.to_string(), name.clone());
                variant.ident = syn::Ident::new(name, variant.ident.span());
            }
        }
    }
    struct Paths<'a> {
        renames: &'a BTreeMap<String, BTreeMap<String, String>>,
        /// The enum whose `impl` is being visited (for `Self::X`).
        current: Option<String>,
        count: usize,
    }
    impl VisitMut for Paths<'_> {
        fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
            let previous = self.current.take();
            if let syn::Type::Path(p) = &*item.self_ty {
                self.current = p.path.segments.last().map(|s| s.ident.to_string());
            }
            syn::visit_mut::visit_item_impl_mut(self, item);
            self.current = previous;
        }
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            let n = path.segments.len();
            if n >= 2 {
                let owner = path.segments[n - 2].ident.to_string();
                let owner = if owner == "Self" { self.current.clone().unwrap_or_default() } else { owner };
                if let Some(new) =
                    self.renames.get(&owner).and_then(|m| m.get(&path.segments[n - 1].ident.to_string()))
                {
                    let last = &mut path.segments[n - 1];
                    last.ident = syn::Ident::new(new, last.ident.span());
                    self.count += 1;
                }
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
    }
    let mut paths = Paths { renames: &renames, current: None, count: 0 };
    paths.visit_file_mut(file);
    renames.values().map(BTreeMap::len).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_and_their_paths_are_renamed() {
        let mut file: syn::File = syn::parse_quote! {
            pub enum Check { Id(CheckResourceId), ExternalId(CheckResourceExternalId) }
            impl From<CheckResourceId> for Check { fn from(v: CheckResourceId) -> Self { Self::Id(v) } }
            fn f(c: Check) -> bool { match c { Check::ExternalId(_) => true, _ => false } }
        };
        let names =
            vec![("Check".to_owned(), vec!["ResourceId".to_owned(), "ResourceExternalId".to_owned()])];
        assert_eq!(name_union_variants(&mut file, &names), 2);
        let text = quote::quote!(#file).to_string();
        assert!(
            text.contains("ResourceId (CheckResourceId)") && text.contains("Self :: ResourceId (v)"),
            "{text}"
        );
        assert!(text.contains("Check :: ResourceExternalId (_)"), "{text}");
    }
}
