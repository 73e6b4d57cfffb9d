//! The public surface of the generated crate, and how it changes between two documents:
//! `Client` methods (signatures), `types::` structs (fields), enums (variants), aliases, and
//! the `redirects::` functions, each rendered as a one-line signature.

use std::collections::BTreeMap;

use quote::ToTokens;
use serde::Serialize;
use syn::{Fields, ImplItem, Item, Visibility};

use crate::emit::EmittedFile;

/// Item path -> its rendered signature.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Surface(pub BTreeMap<String, String>);

/// One changed item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changed {
    /// e.g. `Client::list_users`, `types::Role.permissions`, `types::RoleType::Unknown`.
    pub item: String,
    /// Signature in the old crate.
    pub old: String,
    /// Signature in the new crate.
    pub new: String,
}

/// Items added, removed and changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApiDiff {
    /// Items only in the new crate: (item, signature).
    pub added: Vec<(String, String)>,
    /// Items only in the old crate: (item, signature).
    pub removed: Vec<(String, String)>,
    /// Items in both with different signatures.
    pub changed: Vec<Changed>,
}

impl ApiDiff {
    /// True when the surfaces are identical.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Renders tokens on one line the way rustfmt would spell them, with the standard paths
/// shortened (`Option<String>` for `::std::option::Option<::std::string::String>`).
fn render(tokens: impl ToTokens) -> String {
    let mut atoms = Vec::new();
    flatten(tokens.to_token_stream(), &mut atoms);
    let mut out = String::new();
    let mut prev = "";
    for t in atoms.iter().map(String::as_str) {
        let tight_before =
            matches!(t, "," | ";" | ":" | "::" | ")" | ">" | ">>" | "(" | "<" | "?" | "]" | ".");
        let tight_after_prev = matches!(prev, "" | "::" | "(" | "<" | "&" | "#" | "!" | "[" | ".");
        let spaced =
            matches!(t, "->" | "=" | "+" | "{" | "}") || matches!(prev, "," | ":" | "->" | "=" | "+" | "{");
        if !out.is_empty() && (spaced || (!tight_before && !tight_after_prev)) {
            out.push(' ');
        }
        out.push_str(t);
        prev = t;
    }
    shorten(out)
}

/// Tokens as atoms: joint punctuation merged (`::`, `->`), lifetimes whole (`'a`), groups as
/// their delimiters around their contents.
fn flatten(stream: proc_macro2::TokenStream, out: &mut Vec<String>) {
    use proc_macro2::{Delimiter, Spacing, TokenTree};
    let mut joint = false;
    for tree in stream {
        match tree {
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                if !open.is_empty() {
                    out.push(open.to_owned());
                }
                flatten(g.stream(), out);
                if !close.is_empty() {
                    out.push(close.to_owned());
                }
                joint = false;
            }
            TokenTree::Punct(p) => {
                match out.last_mut() {
                    Some(last) if joint => last.push(p.as_char()),
                    _ => out.push(p.as_char().to_string()),
                }
                joint = p.spacing() == Spacing::Joint;
            }
            other => {
                let text = other.to_string();
                match out.last_mut() {
                    Some(last) if joint && last.ends_with('\'') => last.push_str(&text),
                    _ => out.push(text),
                }
                joint = false;
            }
        }
    }
}

fn shorten(mut out: String) -> String {
    out = out.replace(", >", ">").replace(", )", ")");
    for (long, short) in [
        ("::std::option::Option", "Option"),
        ("::std::string::String", "String"),
        ("::std::vec::Vec", "Vec"),
        ("::std::collections::HashMap", "HashMap"),
        ("::std::collections::BTreeMap", "BTreeMap"),
        ("::std::boxed::Box", "Box"),
        ("::std::num::", ""),
        ("::chrono::DateTime<::chrono::offset::Utc>", "DateTime<Utc>"),
        ("::chrono::naive::NaiveDate", "NaiveDate"),
        ("::serde_json::", "serde_json::"),
        ("::uuid::Uuid", "Uuid"),
    ] {
        out = out.replace(long, short);
    }
    out
}

fn is_pub(v: &Visibility) -> bool {
    matches!(v, Visibility::Public(_))
}

fn collect(items: &[Item], module: &str, out: &mut BTreeMap<String, String>) {
    let prefix = |name: &str| if module.is_empty() { name.to_owned() } else { format!("{module}::{name}") };
    for item in items {
        match item {
            Item::Struct(s) if is_pub(&s.vis) => {
                let name = prefix(&s.ident.to_string());
                out.insert(name.clone(), "struct".to_owned());
                if let Fields::Named(fields) = &s.fields {
                    for f in fields.named.iter().filter(|f| is_pub(&f.vis)) {
                        let field = f.ident.as_ref().map(ToString::to_string).unwrap_or_default();
                        out.insert(format!("{name}.{field}"), render(&f.ty));
                    }
                }
            }
            Item::Enum(e) if is_pub(&e.vis) => {
                let name = prefix(&e.ident.to_string());
                out.insert(name.clone(), "enum".to_owned());
                for v in &e.variants {
                    let variant = format!("{name}::{}", v.ident);
                    match &v.fields {
                        Fields::Unit => {
                            out.insert(variant, "variant".to_owned());
                        }
                        Fields::Unnamed(f) => {
                            out.insert(variant, format!("variant{}", render(f)));
                        }
                        Fields::Named(f) => {
                            out.insert(variant.clone(), "variant { .. }".to_owned());
                            for x in &f.named {
                                let field = x.ident.as_ref().map(ToString::to_string).unwrap_or_default();
                                out.insert(format!("{variant}.{field}"), render(&x.ty));
                            }
                        }
                    }
                }
            }
            Item::Type(t) if is_pub(&t.vis) => {
                out.insert(prefix(&t.ident.to_string()), format!("type = {}", render(&t.ty)));
            }
            Item::Fn(f) if is_pub(&f.vis) => {
                out.insert(prefix(&f.sig.ident.to_string()), render(&f.sig));
            }
            Item::Impl(i) if i.trait_.is_none() => {
                let Some(self_name) = i.self_ty.to_token_stream().into_iter().last().map(|t| t.to_string())
                else {
                    continue;
                };
                // `impl crate::Client` (an area accessor) is listed as `Client::..`; the area
                // handles' methods and the builders' setters under their module.
                let owner = if self_name == "Client" { self_name } else { prefix(&self_name) };
                for m in &i.items {
                    if let ImplItem::Fn(f) = m
                        && is_pub(&f.vis)
                    {
                        out.insert(format!("{owner}::{}", f.sig.ident), render(&f.sig));
                    }
                }
            }
            Item::Mod(m) if is_pub(&m.vis) || module.is_empty() => {
                if let Some((_, inner)) = &m.content {
                    let name = m.ident.to_string();
                    let child =
                        if name == "types" || name == "builder" { prefix(&name) } else { module.to_owned() };
                    if name != "builder" {
                        collect(inner, &child, out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The public surface of the emitted files.
///
/// # Errors
/// A file is not valid Rust (the message names it).
pub fn surface(files: &[EmittedFile]) -> Result<Surface, String> {
    let mut out = BTreeMap::new();
    for file in files.iter() {
        let Some(module) = crate::emit::module_of(&file.path) else { continue };
        let parsed = syn::parse_file(&file.contents).map_err(|e| format!("{}: {e}", file.path))?;
        collect(&parsed.items, module, &mut out);
    }
    Ok(Surface(out))
}

/// [`surface`] from the syntax trees of the emitted files ([`crate::Output::syntax`]), without
/// formatting and parsing them again.
pub fn surface_of_syntax(files: &[(String, syn::File)]) -> Surface {
    let mut out = BTreeMap::new();
    for (path, file) in files {
        if let Some(module) = crate::emit::module_of(path) {
            collect(&file.items, module, &mut out);
        }
    }
    Surface(out)
}

/// What changed from `old` to `new`.
pub fn compare(old: &Surface, new: &Surface) -> ApiDiff {
    let mut diff = ApiDiff::default();
    for (item, sig) in &new.0 {
        match old.0.get(item) {
            None => diff.added.push((item.clone(), sig.clone())),
            Some(o) if o != sig => {
                diff.changed.push(Changed { item: item.clone(), old: o.clone(), new: sig.clone() })
            }
            Some(_) => {}
        }
    }
    for (item, sig) in &old.0 {
        if !new.0.contains_key(item) {
            diff.removed.push((item.clone(), sig.clone()));
        }
    }
    diff
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(contents: &str) -> Vec<EmittedFile> {
        vec![EmittedFile { path: "src/emitted/mod.rs".into(), contents: contents.into() }]
    }

    #[test]
    fn methods_fields_and_variants_are_compared() {
        let old = surface(&file(
            "pub mod types { pub struct Role { pub slug: String, pub name: String } pub enum Kind { A, Unknown(String) } }
             pub struct Client; impl Client { pub async fn list_roles<'a>(&'a self, limit: Option<u32>) -> Result<(), ()> { todo!() } }",
        ))
        .unwrap();
        let new = surface(&file(
            "pub mod types { pub struct Role { pub slug: String, pub name: Option<String>, pub id: String } pub enum Kind { A, B, Unknown(String) } }
             pub struct Client; impl Client { pub async fn list_roles<'a>(&'a self, limit: Option<u32>, after: Option<&'a str>) -> Result<(), ()> { todo!() } }",
        ))
        .unwrap();
        let d = compare(&old, &new);
        let added: Vec<&str> = d.added.iter().map(|(i, _)| i.as_str()).collect();
        assert_eq!(added, ["types::Kind::B", "types::Role.id"]);
        let changed: Vec<&str> = d.changed.iter().map(|c| c.item.as_str()).collect();
        assert_eq!(changed, ["Client::list_roles", "types::Role.name"]);
        assert_eq!(d.changed[1].new, "Option<String>");
        assert_eq!(
            d.changed[0].new,
            "async fn list_roles<'a>(&'a self, limit: Option<u32>, after: Option<&'a str>) -> Result<(), ()>"
        );
        assert!(d.removed.is_empty());
    }
}
