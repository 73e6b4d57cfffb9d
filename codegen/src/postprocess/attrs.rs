//! Reading and editing the attributes progenitor and typify write: `#[serde(...)]` keys and
//! words, and `#[derive(...)]` lists. Shared by the post-passes.

/// The string value of `#[serde(rename = "...")]` among `attrs`.
pub(super) fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    serde_string(attrs, "rename")
}

/// The string value of `#[serde(<key> = "...")]` among `attrs`.
pub(super) fn serde_string(attrs: &[syn::Attribute], key: &str) -> Option<String> {
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
pub(super) fn has_serde_word(attrs: &[syn::Attribute], word: &str) -> bool {
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

/// Removes the derives named in `drop`.
pub(super) fn retain_derives(e: &mut syn::ItemEnum, drop: &[&str]) {
    for attr in e.attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let mut kept: Vec<syn::Path> = Vec::new();
        let _ = attr.parse_nested_meta(|meta| {
            let name = meta.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
            if !drop.contains(&name.as_str()) {
                kept.push(meta.path.clone());
            }
            Ok(())
        });
        *attr = syn::parse_quote! { #[derive(#(#kept),*)] };
    }
}
