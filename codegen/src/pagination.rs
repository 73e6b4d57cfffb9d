//! Pagination streams: every list method with `before`/`after`/`limit` parameters whose
//! response has `data` and `list_metadata` gets `{method}_pages` and `{method}_stream`,
//! emitted into `src/emitted/pagination.rs`. They are derived from the generated code itself
//! (the method's positional parameters, its response type's fields), so they always call the
//! method the way it is.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{FnArg, GenericArgument, ImplItem, Item, Pat, PathArguments, ReturnType, Type};

/// The cursor parameters the wrappers fill in.
const CURSOR_PARAMS: &[&str] = &["after", "before", "limit", "order"];

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
    let ReturnType::Type(_, ty) = output else { return None };
    let result = first_generic(ty)?;
    let value = first_generic(&result)?;
    let Type::Path(p) = value else { return None };
    p.path.segments.last().map(|s| s.ident.to_string())
}

fn first_generic(ty: &Type) -> Option<Type> {
    let Type::Path(p) = ty else { return None };
    let PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else { return None };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    })
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

/// `src/emitted/pagination.rs`.
pub fn emit(list: &[Paginated]) -> TokenStream {
    let methods = list.iter().map(|p| {
        let method = &p.method;
        let pages = format_ident!("{}_pages", method);
        let stream = format_ident!("{}_stream", method);
        let item = &p.item;
        let own: Vec<&(syn::Ident, Type)> =
            p.params.iter().filter(|(n, _)| !CURSOR_PARAMS.contains(&n.to_string().as_str())).collect();
        let own_decls: Vec<TokenStream> = own.iter().map(|(n, t)| quote! { #n: #t, }).collect();
        let own_names: Vec<&syn::Ident> = own.iter().map(|(n, _)| n).collect();
        // Owned parameters are cloned once per page request (the closure runs once a page);
        // references are copied.
        let clones = own.iter().filter(|(_, t)| !matches!(t, Type::Reference(_))).map(|(n, _)| {
            quote! { let #n = #n.clone(); }
        });
        let args = p.params.iter().map(|(n, t)| match n.to_string().as_str() {
            "after" => quote! { cursor.after() },
            "before" => quote! { cursor.before() },
            "limit" => quote! { cursor.limit() },
            "order" => match first_generic(t) {
                Some(order) => quote! { cursor.order().map(<#order>::from) },
                None => quote! { cursor.order().map(::std::convert::From::from) },
            },
            _ => quote! { #n },
        });
        let cursor_of = |present: bool, name: &str| {
            let field = format_ident!("{}", name);
            if present {
                quote! { m.#field }
            } else {
                quote! { None }
            }
        };
        let (before, after) = (cursor_of(p.cursors.0, "before"), cursor_of(p.cursors.1, "after"));
        let metadata = if p.optional_metadata {
            quote! { list.list_metadata.map(|m| (#before, #after)).unwrap_or_default() }
        } else {
            quote! { { let m = list.list_metadata; (#before, #after) } }
        };
        let pages_doc = format!("Every page of [`Client::{method}`], as a stream; see [`PageOptions`].");
        let stream_doc = format!("Every item of [`Client::{method}`], page after page; see [`PageOptions`].");
        quote! {
            #[doc = #pages_doc]
            pub fn #pages<'a>(&'a self, #(#own_decls)* options: PageOptions) -> Pages<'a, #item> {
                Pages::new(options, move |cursor: Cursor| {
                    #(#clones)*
                    Box::pin(async move {
                        let list = self.#method(#(#args),*).await?.into_inner();
                        let (before, after) = #metadata;
                        Ok(Page::new(list.data, before, after))
                    })
                })
            }

            #[doc = #stream_doc]
            pub fn #stream<'a>(&'a self, #(#own_decls)* options: PageOptions) -> Items<'a, #item> {
                self.#pages(#(#own_names,)* options).items()
            }
        }
    });
    let count = list.len();
    let doc = format!("The {count} paginated list operations, as streams of pages and of items.");
    if list.is_empty() {
        return quote! { #![doc = #doc] };
    }
    quote! {
        #![doc = #doc]
        use crate::Client;
        use crate::emitted::client::types;
        use crate::runtime::paginate::{Cursor, Items, Page, PageOptions, Pages};

        impl Client {
            #(#methods)*
        }
    }
}
