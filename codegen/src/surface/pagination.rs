//! Cursor-paginated lists: every operation with `before`/`after`/`limit` parameters whose
//! response has `data` and `list_metadata`. Their builders implement `ListRequest` (and so
//! stream). They are found in the generated code itself (the method's parameters, its response
//! type's fields), so the paging code always matches the types.

use syn::{FnArg, ImplItem, Item, Pat, ReturnType, Type};

use super::model::{first_generic, response_type};

/// One paginated list method.
#[derive(Debug, Clone)]
pub struct Paginated {
    /// The list method.
    pub method: syn::Ident,
    /// All its parameters, in order: (name, type).
    pub params: Vec<(syn::Ident, Type)>,
    /// The item type (`types::Role`).
    pub item: Type,
    /// `list_metadata` is optional in the response type.
    pub optional_metadata: bool,
    /// Which cursors `list_metadata` has (`before`, `after`); a list may page one way only.
    pub cursors: (bool, bool),
}

/// Finds the paginated list methods of the generated client.
pub fn find(file: &syn::File) -> Vec<Paginated> {
    let types = file.items.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items.as_slice()),
        _ => None,
    });
    let Some(types) = types else { return Vec::new() };
    let mut found = Vec::new();
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        for impl_item in &imp.items {
            let ImplItem::Fn(f) = impl_item else { continue };
            let params: Vec<(syn::Ident, Type)> = f
                .sig
                .inputs
                .iter()
                .filter_map(|arg| match arg {
                    FnArg::Typed(t) => match &*t.pat {
                        Pat::Ident(p) => Some((p.ident.clone(), (*t.ty).clone())),
                        _ => None,
                    },
                    FnArg::Receiver(_) => None,
                })
                .collect();
            let has = |name: &str| params.iter().any(|(p, _)| p == name);
            if !(has("after") && has("before") && has("limit")) {
                continue;
            }
            let Some(list_type) = response_type_name(&f.sig.output) else { continue };
            let Some((item, optional_metadata, cursors)) = list_shape(types, &list_type) else { continue };
            found.push(Paginated { method: f.sig.ident.clone(), params, item, optional_metadata, cursors });
        }
    }
    found.sort_by(|a, b| a.method.cmp(&b.method));
    found
}

/// `X` of `Result<ResponseValue<types::X>, _>`.
fn response_type_name(output: &ReturnType) -> Option<String> {
    let Type::Path(p) = response_type(output)? else { return None };
    p.path.segments.last().map(|s| s.ident.to_string())
}

/// The item type of a list response (`data: Vec<T>`), whether `list_metadata` is optional, and
/// which cursors it has.
fn list_shape(types: &[Item], name: &str) -> Option<(Type, bool, (bool, bool))> {
    let fields_of = |name: &str| {
        types.iter().find_map(|item| match item {
            Item::Struct(s) if s.ident == name => Some(&s.fields),
            _ => None,
        })
    };
    let fields = fields_of(name)?;
    let field = |n: &str| fields.iter().find(|f| f.ident.as_ref().is_some_and(|i| i == n));
    let data = first_generic(&field("data")?.ty)?;
    let metadata = &field("list_metadata")?.ty;
    let optional =
        matches!(metadata, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"));
    let metadata_type = if optional { first_generic(metadata)? } else { metadata.clone() };
    let Type::Path(metadata_path) = metadata_type else { return None };
    let metadata_fields = fields_of(&metadata_path.path.segments.last()?.ident.to_string())?;
    let has = |n: &str| metadata_fields.iter().any(|f| f.ident.as_ref().is_some_and(|i| i == n));
    let cursors = (has("before"), has("after"));
    let item = match data {
        Type::Path(p)
            if p.qself.is_none() && p.path.leading_colon.is_none() && p.path.segments.len() == 1 =>
        {
            let ident = &p.path.segments[0];
            syn::parse_quote! { types::#ident }
        }
        other => other,
    };
    Some((item, optional, cursors))
}
