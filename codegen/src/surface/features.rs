//! A Cargo feature per area: which types each area reaches, the `#[cfg]` each type gets, and the
//! types module split into files by the areas that use them.
//!
//! An area reaches the types named in its emitted builders, and transitively every type those
//! name (fields, variants, aliases, and whatever their impls use: a tagged union's private field
//! structs, a `From` source). A type used by one area lives in `types/<area>.rs`, compiled with
//! that area's feature; a type used by several lives in `types/shared.rs` under
//! `#[cfg(any(feature = ...))]` over those areas. What the runtime uses (the error body) and a
//! type no area reaches are always compiled; the second is reported as a warning.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote};
use syn::Item;

use super::model::doc_texts;

/// The name of the file for types that several areas use.
pub const SHARED: &str = "shared";

/// Which areas reach each type of the types module.
#[derive(Debug, Default)]
pub struct Reach {
    /// Areas by type name; a type missing here is reached by none.
    pub areas: BTreeMap<String, BTreeSet<String>>,
    /// Types the runtime needs whatever the features (the error body and what it names).
    pub always: BTreeSet<String>,
    /// Types no area reaches (and the runtime does not use), sorted.
    pub unreached: Vec<String>,
}

/// Computes [`Reach`] from the types module and each area's emitted code. `runtime_roots` are
/// the types the hand-written runtime names.
pub fn reach(types: &syn::File, areas: &BTreeMap<String, TokenStream>, runtime_roots: &[&str]) -> Reach {
    let known: BTreeSet<String> = types.items.iter().filter_map(defined_type).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in &types.items {
        let Some(owner) = owner(item, &known) else { continue };
        let mut named = BTreeSet::new();
        collect(item.to_token_stream(), &known, &mut named);
        // The other types an impl's header names gate the impl; they are not reached through it.
        let mut header = BTreeSet::new();
        collect(header_tokens(item), &known, &mut header);
        named.retain(|t| *t != owner && !header.contains(t));
        edges.entry(owner).or_default().extend(named);
    }
    let closure = |roots: BTreeSet<String>| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<String> = roots.into_iter().collect();
        while let Some(t) = todo.pop() {
            if seen.insert(t.clone()) {
                todo.extend(edges.get(&t).into_iter().flatten().filter(|n| !seen.contains(*n)).cloned());
            }
        }
        seen
    };
    let mut reach = Reach::default();
    for (area, tokens) in areas {
        let mut roots = BTreeSet::new();
        collect(tokens.clone(), &known, &mut roots);
        for t in closure(roots) {
            reach.areas.entry(t).or_default().insert(area.clone());
        }
    }
    // An alias (`RoleDeletedData = RoleCreatedData`) is there for whoever has its target.
    for item in &types.items {
        let Item::Type(alias) = item else { continue };
        let mut targets = BTreeSet::new();
        collect(alias.ty.to_token_stream(), &known, &mut targets);
        let areas: BTreeSet<String> =
            targets.iter().filter_map(|t| reach.areas.get(t)).flatten().cloned().collect();
        if !areas.is_empty() {
            reach.areas.entry(alias.ident.to_string()).or_default().extend(areas);
        }
    }
    reach.always =
        closure(runtime_roots.iter().map(|s| (*s).to_owned()).filter(|s| known.contains(s)).collect());
    reach.unreached = known
        .iter()
        .filter(|t| !reach.areas.contains_key(*t) && !reach.always.contains(*t))
        .cloned()
        .collect();
    reach
}

impl Reach {
    /// The areas that need `ty`; empty when it is always compiled.
    fn gate(&self, ty: &str) -> BTreeSet<String> {
        if self.always.contains(ty) {
            return BTreeSet::new();
        }
        self.areas.get(ty).cloned().unwrap_or_default()
    }
}

/// The types module split by area: `mod.rs` (what is not a type, and the module declarations)
/// and one file per area plus [`SHARED`], each named by its stem.
#[derive(Debug)]
pub struct Split {
    /// `types/mod.rs`.
    pub root: syn::File,
    /// `types/<stem>.rs`, by stem.
    pub files: BTreeMap<String, syn::File>,
}

/// Splits `types` by [`Reach`], gating every item.
pub fn split(types: syn::File, reach: &Reach) -> Split {
    let known: BTreeSet<String> = types.items.iter().filter_map(defined_type).collect();
    let mut root_items = Vec::new();
    let mut by_file: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for mut item in types.items {
        let Some(owner) = owner(&item, &known) else {
            root_items.push(item);
            continue;
        };
        // An impl is compiled when every type its header names is.
        let mut header = BTreeSet::new();
        collect(header_tokens(&item), &known, &mut header);
        header.insert(owner.clone());
        let gates: Vec<BTreeSet<String>> = header.iter().map(|t| reach.gate(t)).collect();
        let home = match reach.gate(&owner) {
            g if g.len() == 1 => g.into_iter().next().expect("one area"),
            _ => SHARED.to_owned(),
        };
        // In an area's file the module carries that area's gate; anything else is per item.
        let own: Vec<BTreeSet<String>> =
            gates.into_iter().filter(|g| !(g.len() == 1 && g.contains(&home))).collect();
        if let Some(cfg) = cfg_of(&own) {
            push_attr(&mut item, syn::parse_quote! { #[cfg(#cfg)] });
        }
        if matches!(item, Item::Struct(_) | Item::Enum(_) | Item::Type(_)) && is_public(&item) {
            let g = reach.gate(&owner);
            if !g.is_empty() {
                let list: Vec<String> = g.iter().map(|a| format!("`{a}`")).collect();
                let line = format!(
                    "Compiled with the {} feature{}.",
                    list.join(" or "),
                    if g.len() > 1 { "s" } else { "" }
                );
                push_doc(&mut item, &line);
            }
        }
        by_file.entry(home).or_default().push(item);
    }
    let mut decls = Vec::new();
    let mut files = BTreeMap::new();
    for (home, all_items) in by_file {
        for (part, items) in chunks(all_items).into_iter().enumerate() {
            let stem = if part == 0 { home.clone() } else { format!("{home}_{}", part + 1) };
            let ident = format_ident!("{stem}");
            let gate = if home == SHARED { quote!() } else { quote!(#[cfg(feature = #home)]) };
            // A part of only `impl` blocks (the defaults tolerant reading adds) exports nothing.
            let exports = items.iter().any(|i| !matches!(i, Item::Impl(_)));
            let export = exports.then(|| quote!(#gate pub use #ident::*;));
            decls.push(quote! {
                #gate mod #ident;
                #export
            });
            let doc = if home == SHARED {
                "Types that several areas use (each compiled with any of their features), and types the runtime always needs.".to_owned()
            } else {
                format!("Types only the `{home}` area uses (compiled with its feature).")
            };
            let file: syn::File = syn::parse_quote! {
                #![doc = #doc]
                #[allow(unused_imports)]
                use super::*;
                #(#items)*
            };
            files.insert(stem, file);
        }
    }
    let mut root: syn::File = syn::parse_quote! {
        //! The document's schemas as Rust types, one module per area that uses them, all re-exported here.
    };
    // `open_enum!` (a textual macro) must come before the modules that invoke it.
    let (macros, rest): (Vec<Item>, Vec<Item>) =
        root_items.into_iter().partition(|i| matches!(i, Item::Macro(_)));
    for mut m in macros {
        push_attr(&mut m, syn::parse_quote! { #[allow(unused_macros)] });
        root.items.push(m);
    }
    for d in decls {
        root.items.extend(syn::parse2::<syn::File>(d).expect("module declarations").items);
    }
    root.items.extend(rest);
    Split { root, files }
}

/// The most lines a types file gets before the rest goes to `<stem>_2.rs` (and so on), so a
/// reviewer never meets a file of more than about 5,000 lines.
pub const MAX_FILE_LINES: usize = 5_000;

/// `items` in consecutive runs of at most [`MAX_FILE_LINES`] formatted lines (an item longer
/// than that gets a run of its own). Nothing private is emitted beside the types (a tagged
/// union's field structs are `pub(crate)`), so a run may start at any item.
fn chunks(items: Vec<Item>) -> Vec<Vec<Item>> {
    let mut out: Vec<Vec<Item>> = vec![Vec::new()];
    let mut lines = 0;
    for item in items {
        let size =
            prettyplease::unparse(&syn::File { shebang: None, attrs: Vec::new(), items: vec![item.clone()] })
                .lines()
                .count();
        if lines + size > MAX_FILE_LINES && lines > 0 {
            out.push(Vec::new());
            lines = 0;
        }
        lines += size;
        out.last_mut().expect("a chunk").push(item);
    }
    out
}

/// `any(feature = "a", ...)`, or `all` of several such; `None` when nothing gates.
fn cfg_of(gates: &[BTreeSet<String>]) -> Option<TokenStream> {
    let mut parts: Vec<TokenStream> = Vec::new();
    for g in gates.iter().filter(|g| !g.is_empty()) {
        let features = g.iter().map(|a| quote!(feature = #a));
        let part = quote!(any(#(#features),*));
        if !parts.iter().any(|p| p.to_string() == part.to_string()) {
            parts.push(part);
        }
    }
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(quote!(all(#(#parts),*))),
    }
}

/// The type an item defines.
fn defined_type(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

/// The type an item belongs to: the one it defines, implements, or (`open_enum!`) opens.
fn owner(item: &Item, known: &BTreeSet<String>) -> Option<String> {
    if let Some(t) = defined_type(item) {
        return Some(t);
    }
    let first_known = |tokens: TokenStream| {
        let mut found = BTreeSet::new();
        let mut order = Vec::new();
        walk(tokens, &mut |ident| {
            if known.contains(ident) && found.insert(ident.to_owned()) {
                order.push(ident.to_owned());
            }
        });
        order.into_iter().next()
    };
    match item {
        Item::Impl(imp) => first_known(imp.self_ty.to_token_stream())
            .or_else(|| imp.trait_.as_ref().and_then(|(_, p, _)| first_known(p.to_token_stream()))),
        Item::Macro(m) if m.mac.path.is_ident("open_enum") => first_known(m.mac.tokens.clone()),
        _ => None,
    }
}

/// The part of an impl that must name existing types (its trait and self type).
fn header_tokens(item: &Item) -> TokenStream {
    match item {
        Item::Impl(imp) => {
            let mut t = imp.self_ty.to_token_stream();
            if let Some((_, p, _)) = &imp.trait_ {
                t.extend(p.to_token_stream());
            }
            t
        }
        _ => TokenStream::new(),
    }
}

fn collect(tokens: TokenStream, known: &BTreeSet<String>, out: &mut BTreeSet<String>) {
    walk(tokens, &mut |ident| {
        if known.contains(ident) {
            out.insert(ident.to_owned());
        }
    });
}

fn walk(tokens: TokenStream, f: &mut impl FnMut(&str)) {
    for tt in tokens {
        match tt {
            TokenTree::Ident(i) => f(&i.to_string()),
            TokenTree::Group(g) => walk(g.stream(), f),
            _ => {}
        }
    }
}

fn is_public(item: &Item) -> bool {
    let vis = match item {
        Item::Struct(s) => &s.vis,
        Item::Enum(e) => &e.vis,
        Item::Type(t) => &t.vis,
        _ => return false,
    };
    matches!(vis, syn::Visibility::Public(_))
}

fn attrs_mut(item: &mut Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        Item::Struct(s) => Some(&mut s.attrs),
        Item::Enum(e) => Some(&mut e.attrs),
        Item::Type(t) => Some(&mut t.attrs),
        Item::Impl(i) => Some(&mut i.attrs),
        Item::Macro(m) => Some(&mut m.attrs),
        _ => None,
    }
}

fn push_attr(item: &mut Item, attr: syn::Attribute) {
    if let Some(attrs) = attrs_mut(item) {
        attrs.push(attr);
    }
}

/// Appends a paragraph to an item's docs (after its last doc line).
fn push_doc(item: &mut Item, line: &str) {
    let Some(attrs) = attrs_mut(item) else { return };
    let at = attrs.iter().rposition(|a| a.path().is_ident("doc")).map_or(0, |i| i + 1);
    let has_docs = at > 0;
    // rustdoc removes the indentation common to all doc lines: the new line takes that of the
    // existing ones, or an indented list above it would turn into a code block (and a doctest).
    let indent = doc_texts(attrs)
        .flat_map(|text| {
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.len() - l.trim_start().len())
                .collect::<Vec<_>>()
        })
        .min()
        .unwrap_or(0);
    let line = format!("{}{line}", " ".repeat(indent));
    let mut added: Vec<syn::Attribute> = Vec::new();
    if has_docs {
        added.push(syn::parse_quote! { #[doc = ""] });
    }
    added.push(syn::parse_quote! { #[doc = #line] });
    for (k, a) in added.into_iter().enumerate() {
        attrs.insert(at + k, a);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types() -> syn::File {
        syn::parse_quote! {
            pub struct Role { pub permissions: Vec<Permission> }
            pub struct Permission { pub slug: String }
            pub struct User { pub id: String }
            pub struct Orphan { pub x: i64 }
            pub type RoleAlias = Role;
            pub struct ErrorBody { pub detail: ErrorDetail }
            pub struct ErrorDetail { pub m: String }
            impl Role { pub fn new() -> Self { todo!() } }
            impl From<User> for Role { fn from(_: User) -> Role { todo!() } }
            open_enum!(Kind, Unknown { A => "a" });
            pub enum Kind { A, Unknown(String) }
            macro_rules! open_enum { () => {} }
            pub mod error { pub struct ConversionError; }
        }
    }

    fn areas() -> BTreeMap<String, TokenStream> {
        BTreeMap::from([
            ("authorization".to_owned(), quote! { fn a() -> types::Role { } fn k(_: types::Kind) {} }),
            (
                "user_management".to_owned(),
                quote! { fn u() -> types::User { } fn p() -> types::Permission {} },
            ),
        ])
    }

    #[test]
    fn areas_reach_types_transitively_and_the_runtime_keeps_its_own() {
        let reach = reach(&types(), &areas(), &["ErrorBody"]);
        let of = |t: &str| reach.areas.get(t).cloned().unwrap_or_default().into_iter().collect::<Vec<_>>();
        assert_eq!(of("Role"), ["authorization"]);
        assert_eq!(of("Permission"), ["authorization", "user_management"]);
        assert_eq!(
            of("User"),
            ["user_management"],
            "an impl for Role naming User does not pull Role into users"
        );
        assert!(reach.always.contains("ErrorDetail"));
        assert_eq!(reach.unreached, ["Orphan"]);
        assert_eq!(of("RoleAlias"), ["authorization"], "an alias follows its target");
    }

    #[test]
    fn the_feature_line_keeps_the_docs_indentation() {
        let mut item: Item = syn::parse_quote! {
            #[doc = "\n      The intent.\n        - `sso` - SSO\n        - `dsync` - Directory Sync"]
            pub enum Intent { Sso }
        };
        push_doc(&mut item, "Compiled with the `admin_portal` feature.");
        let Item::Enum(e) = &item else { unreachable!() };
        let last = e.attrs.last().expect("a doc line");
        assert_eq!(
            quote!(#last).to_string(),
            "# [doc = \"      Compiled with the `admin_portal` feature.\"]"
        );
    }

    #[test]
    fn each_area_gets_a_file_and_shared_types_a_gate_per_item() {
        let split = split(types(), &reach(&types(), &areas(), &["ErrorBody"]));
        assert_eq!(split.files.keys().collect::<Vec<_>>(), ["authorization", "shared", "user_management"]);
        let text = |stem: &str| split.files[stem].to_token_stream().to_string();
        assert!(text("authorization").contains("pub struct Role"));
        assert!(
            !text("authorization").contains("feature = \"authorization\""),
            "the module carries the gate: {}",
            text("authorization")
        );
        assert!(
            text("authorization")
                .contains("# [cfg (any (feature = \"user_management\"))] impl From < User > for Role")
        );
        let shared = text("shared");
        assert!(shared.contains("# [cfg (any (feature = \"authorization\" , feature = \"user_management\"))] pub struct Permission"), "{shared}");
        assert!(shared.contains("pub struct ErrorBody"), "{shared}");
        assert!(shared.contains("pub struct Orphan"), "an unreached type is kept: {shared}");
        let root = split.root.to_token_stream().to_string();
        assert!(root.find("macro_rules").unwrap() < root.find("mod authorization").unwrap(), "{root}");
        assert!(
            root.contains("# [cfg (feature = \"authorization\")] pub use authorization :: * ;"),
            "{root}"
        );
        assert!(root.contains("pub mod error"), "{root}");
    }
}
