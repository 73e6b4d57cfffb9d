//! `cargo xtask compat OLD NEW`: proof that an upgrade does not break callers.
//!
//! [`corpus`] writes, from the crate generated for OLD, a usage corpus as a caller would write
//! it: per operation one call through its area with every required input and every optional
//! setter, its request body built with `new` and every setter, and per public enum a `match`
//! with a wildcard arm. Compiled against the crate generated for NEW, each error maps back to
//! the operation or type whose code broke ([`Corpus::owner_of`]), and [`explain`] checks it
//! against the spec diff: a break the diff does not call breaking is a defect of the generator
//! or of the diff. Arguments that come in another order compile when they have the same type,
//! so [`reordered`] compares the argument names of both crates and reports those as breaks too.
//!
//! The corpus is only compiled, never run: a value it cannot write as a literal comes from
//! `any::<T>()`, which type-checks as any `T`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use quote::ToTokens;
use syn::{FnArg, ImplItem, Item, Pat, Type};

use super::{Change, Report, rules::Severity};
use crate::emit::EmittedFile;
use crate::surface::model::idents;

/// What a corpus line exercises.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Owner {
    /// An operation: `area::method` and its `METHOD /path`.
    Operation {
        /// `user_management::list_users`.
        item: String,
        /// `GET /user_management/users`.
        key: String,
    },
    /// A public type (`types::RoleType`).
    Type(String),
}

impl std::fmt::Display for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Owner::Operation { item, key } => write!(f, "{item} ({key})"),
            Owner::Type(t) => write!(f, "types::{t}"),
        }
    }
}

/// A usage corpus: `src/lib.rs` of a crate depending on `workos-api`, and which lines exercise
/// what.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// The source.
    pub source: String,
    /// `(first line, last line, owner)`, 1-based, in order.
    pub spans: Vec<(usize, usize, Owner)>,
    /// Operations exercised.
    pub operations: usize,
    /// Enums matched.
    pub enums: usize,
    /// Type -> the types that hold it (a field or a variant of that type).
    pub holders: BTreeMap<String, BTreeSet<String>>,
    /// `METHOD /path` -> the type names its response mentions.
    pub outputs: BTreeMap<String, BTreeSet<String>>,
}

impl Corpus {
    /// What the code at `line` exercises.
    pub fn owner_of(&self, line: usize) -> Option<&Owner> {
        self.spans.iter().find(|(a, b, _)| (*a..=*b).contains(&line)).map(|(_, _, o)| o)
    }
}

/// The signature of a generated function: its arguments' types.
type Signature = Vec<Type>;

/// What the emitted crate offers a caller.
struct Surface {
    /// `type -> new(...)` arguments, for types with a constructor.
    constructors: BTreeMap<String, Signature>,
    /// `type -> [(setter, argument)]`.
    setters: BTreeMap<String, Vec<(String, Type)>>,
    /// Open string enums (they take `"text"`).
    open_enums: BTreeSet<String>,
    /// Union -> the variant structs it converts from, in order.
    unions: BTreeMap<String, Vec<String>>,
    /// Public enums -> their first variant's pattern.
    enums: BTreeMap<String, String>,
    /// Every type of the `types` module (named bare inside it).
    names: BTreeSet<String>,
}

/// Writes the corpus for the crate emitted as `files`.
pub fn corpus(files: &[EmittedFile]) -> Result<Corpus, String> {
    let parsed: Vec<(String, syn::File)> = files
        .iter()
        .filter(|f| f.path.starts_with("src/emitted/") && f.path.ends_with(".rs"))
        .map(|f| {
            syn::parse_file(&f.contents).map(|p| (f.path.clone(), p)).map_err(|e| format!("{}: {e}", f.path))
        })
        .collect::<Result<_, _>>()?;
    let in_types = |path: &str| crate::emit::module_of(path) == Some("types");
    // The types module spans `src/emitted/types/*.rs`, re-exported flat: one list of items.
    let mut types = syn::File { shebang: None, attrs: Vec::new(), items: Vec::new() };
    for (_, file) in parsed.iter().filter(|(p, _)| in_types(p)) {
        types.items.extend(file.items.iter().cloned());
    }
    if types.items.is_empty() {
        return Err("the crate has no types in src/emitted/types/".into());
    }
    let surface = Surface::of(&types, &parsed, files);
    let mut out = Writer::default();
    out.line("//! A caller's use of every operation and enum of one version of workos-api (compile-only).");
    out.line("#![allow(unused, clippy::all, deprecated)]");
    out.line("use workos_api::types;");
    out.line("fn any<T>() -> T { unimplemented!() }");
    let mut operations = 0;
    for (path, file) in &parsed {
        let area = crate::emit::module_of(path).unwrap_or_default();
        if matches!(area, "types" | "" | "redirects") {
            continue;
        }
        for (method, sig, builder) in area_methods(file) {
            let args = args(&sig);
            let key = operation_key(file, &builder).unwrap_or_default();
            let start = out.next_line();
            let mut call = format!("client.{area}().{method}(");
            let values: Vec<String> = args.iter().map(|t| surface.value(t, 0)).collect();
            call.push_str(&values.join(", "));
            call.push(')');
            for (setter, arg) in surface.setters.get(&builder).into_iter().flatten() {
                let _ = write!(call, ".{setter}({})", surface.value(arg, 0));
            }
            out.line(&format!("async fn call_{area}_{method}(client: workos_api::Client) {{"));
            out.line(&format!("    let _ = {call}.await;"));
            out.line("}");
            out.spans.push((
                start,
                out.next_line() - 1,
                Owner::Operation { item: format!("{area}::{method}"), key },
            ));
            operations += 1;
        }
    }
    // The redirect URL builders, their parameters built through `new` and every setter.
    for (path, file) in &parsed {
        if crate::emit::module_of(path) != Some("redirects") {
            continue;
        }
        for item in &file.items {
            let Item::Fn(f) = item else { continue };
            let Some(params) =
                args(&f.sig).last().map(|t| t.to_token_stream().to_string().replace(['&', ' '], ""))
            else {
                continue;
            };
            let Some(new_args) = surface.constructors.get(&params) else { continue };
            let name = f.sig.ident.to_string();
            let values: Vec<String> = new_args.iter().map(|t| surface.value(t, 0)).collect();
            let mut built = format!("workos_api::redirects::{params}::new({})", values.join(", "));
            for (setter, arg) in surface.setters.get(&params).into_iter().flatten() {
                let _ = write!(built, ".{setter}({})", surface.value(arg, 0));
            }
            let start = out.next_line();
            out.line(&format!("fn url_{name}() {{"));
            out.line(&format!(
                "    let _ = workos_api::redirects::{name}(\"https://api.workos.test\", &{built});"
            ));
            out.line("}");
            let key = redirect_key(&f.attrs).unwrap_or_default();
            out.spans.push((
                start,
                out.next_line() - 1,
                Owner::Operation { item: format!("redirects::{name}"), key },
            ));
            operations += 1;
        }
    }
    for (name, pattern) in &surface.enums {
        let start = out.next_line();
        out.line(&format!("fn match_{name}(value: types::{name}) {{"));
        out.line(&format!("    match value {{ types::{name}::{pattern} => {{}} _ => {{}} }}"));
        out.line("}");
        out.spans.push((start, out.next_line() - 1, Owner::Type(name.clone())));
    }
    let mut holders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in &types.items {
        let (name, tokens) = match item {
            Item::Struct(x) => (x.ident.to_string(), x.fields.to_token_stream()),
            Item::Enum(x) => (x.ident.to_string(), x.variants.to_token_stream()),
            _ => continue,
        };
        for used in idents(tokens).into_iter().filter(|u| surface.names.contains(u) && *u != name) {
            holders.entry(used).or_default().insert(name.clone());
        }
    }
    let mut outputs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, file) in &parsed {
        for item in &file.items {
            let Item::Impl(imp) = item else { continue };
            let Some(key) = operation_key(file, &imp.self_ty.to_token_stream().to_string()) else { continue };
            for it in &imp.items {
                if let ImplItem::Type(t) = it
                    && t.ident == "Output"
                {
                    outputs.entry(key.clone()).or_default().extend(idents(t.ty.to_token_stream()));
                }
            }
        }
    }
    Ok(Corpus {
        source: out.text,
        spans: out.spans,
        operations,
        enums: surface.enums.len(),
        holders,
        outputs,
    })
}

#[derive(Default)]
struct Writer {
    text: String,
    lines: usize,
    spans: Vec<(usize, usize, Owner)>,
}

impl Writer {
    fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
        self.lines += 1;
    }

    fn next_line(&self) -> usize {
        self.lines + 1
    }
}

/// `(method, signature, builder type)` of each area handle method.
fn area_methods(file: &syn::File) -> Vec<(String, syn::Signature, String)> {
    let mut out = Vec::new();
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || imp.self_ty.to_token_stream().to_string().contains("Client") {
            continue;
        }
        for it in &imp.items {
            let ImplItem::Fn(f) = it else { continue };
            let syn::ReturnType::Type(_, ret) = &f.sig.output else { continue };
            let builder = ret.to_token_stream().to_string();
            // The area handle's methods return builders; a builder's own setters return `Self`.
            if builder == "Self" || f.sig.receiver().is_some_and(|r| r.reference.is_none()) {
                continue;
            }
            out.push((f.sig.ident.to_string(), f.sig.clone(), builder));
        }
    }
    out
}

fn args(sig: &syn::Signature) -> Signature {
    sig.inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(t) if matches!(&*t.pat, Pat::Ident(_)) => Some((*t.ty).clone()),
            _ => None,
        })
        .collect()
}

/// `METHOD /path` of a URL builder, from its doc ("`GET /sso/authorize` answers with a redirect").
fn redirect_key(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| {
        let syn::Meta::NameValue(nv) = &a.meta else { return None };
        let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(doc), .. }) = &nv.value else { return None };
        let doc = doc.value();
        let before = &doc[..doc.find("` answers with a redirect")?];
        Some(before[before.rfind('`')? + 1..].to_owned())
    })
}

/// `METHOD /path` from a builder's `OperationMeta` literal.
fn operation_key(file: &syn::File, builder: &str) -> Option<String> {
    let text = file.items.iter().find_map(|item| match item {
        Item::Impl(imp) if imp.trait_.is_none() && imp.self_ty.to_token_stream().to_string() == builder => {
            Some(imp.to_token_stream().to_string())
        }
        _ => None,
    })?;
    let field = |name: &str| {
        let at = text.find(&format!("{name} : \""))? + name.len() + 4;
        Some(text[at..].split('"').next()?.to_owned())
    };
    Some(format!("{} {}", field("method")?, field("path")?))
}

impl Surface {
    fn of(types: &syn::File, parsed: &[(String, syn::File)], files: &[EmittedFile]) -> Self {
        let mut s = Surface {
            constructors: BTreeMap::new(),
            setters: BTreeMap::new(),
            open_enums: BTreeSet::new(),
            unions: BTreeMap::new(),
            enums: BTreeMap::new(),
            names: types
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Struct(x) => Some(x.ident.to_string()),
                    Item::Enum(x) => Some(x.ident.to_string()),
                    Item::Type(x) => Some(x.ident.to_string()),
                    _ => None,
                })
                .collect(),
        };
        let mut scan = |items: &[Item]| {
            for item in items {
                match item {
                    Item::Impl(imp) if imp.trait_.is_none() => {
                        let owner = imp.self_ty.to_token_stream().to_string();
                        for it in &imp.items {
                            let ImplItem::Fn(f) = it else { continue };
                            if !matches!(f.vis, syn::Visibility::Public(_)) {
                                continue;
                            }
                            let name = f.sig.ident.to_string();
                            let is_setter = f.sig.receiver().is_some_and(|r| r.reference.is_none())
                                && matches!(&f.sig.output, syn::ReturnType::Type(_, t) if t.to_token_stream().to_string() == "Self");
                            if name == "new" && f.sig.receiver().is_none() {
                                s.constructors.insert(owner.clone(), args(&f.sig));
                            } else if is_setter && let Some(arg) = args(&f.sig).pop() {
                                s.setters.entry(owner.clone()).or_default().push((name, arg));
                            }
                        }
                    }
                    Item::Impl(imp) => {
                        // `impl From<VariantStruct> for Union`.
                        let path = imp
                            .trait_
                            .as_ref()
                            .map(|t| t.1.to_token_stream().to_string())
                            .unwrap_or_default();
                        if path.contains("From <") {
                            let owner = imp.self_ty.to_token_stream().to_string();
                            let from = path
                                .rsplit('<')
                                .next()
                                .unwrap_or_default()
                                .trim_end_matches('>')
                                .trim()
                                .to_owned();
                            if !from.contains(':') && !from.contains(' ') {
                                s.unions.entry(owner).or_default().push(from);
                            }
                        }
                    }
                    Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
                        if let Some(v) = e.variants.first() {
                            let pattern = match &v.fields {
                                syn::Fields::Unit => v.ident.to_string(),
                                syn::Fields::Unnamed(_) => format!("{}(..)", v.ident),
                                syn::Fields::Named(_) => format!("{} {{ .. }}", v.ident),
                            };
                            s.enums.insert(e.ident.to_string(), pattern);
                        }
                    }
                    _ => {}
                }
            }
        };
        scan(&types.items);
        // Builder setters live in the area files.
        let in_types = |path: &str| crate::emit::module_of(path) == Some("types");
        for (_, file) in parsed.iter().filter(|(path, _)| !in_types(path)) {
            scan(&file.items);
        }
        // `open_enum!(Name, ...` or, wrapped, `open_enum!(` then `Name, ...` on the next line.
        for f in files.iter().filter(|f| in_types(&f.path)) {
            let mut lines = f.contents.lines().map(str::trim);
            while let Some(line) = lines.next() {
                let Some(rest) = line.strip_prefix("open_enum!(") else { continue };
                let rest = if rest.is_empty() { lines.next().unwrap_or_default() } else { rest };
                s.open_enums.insert(rest.split(',').next().unwrap_or_default().trim().to_owned());
            }
        }
        s
    }

    /// A value of an argument type as a caller would write it.
    fn value(&self, ty: &Type, depth: usize) -> String {
        let text = ty.to_token_stream().to_string().replace(' ', "").replace(",>", ">");
        if let Some(item) = text
            .strip_prefix("impl::std::iter::IntoIterator<Item=impl::std::convert::Into<")
            .and_then(|r| r.strip_suffix(">>"))
        {
            let Ok(item) = syn::parse_str::<Type>(item) else {
                return format!("any::<{}>()", self.qualified(ty));
            };
            let one = self.value_of_type(&item, depth);
            return format!("[{one}]");
        }
        if text.starts_with("impl::std::convert::Into<")
            && let Type::ImplTrait(t) = ty
            && let Some(syn::TypeParamBound::Trait(bound)) = t.bounds.first()
            && let Some(seg) = bound.path.segments.last()
            && let syn::PathArguments::AngleBracketed(a) = &seg.arguments
            && let Some(syn::GenericArgument::Type(inner)) = a.args.first()
        {
            return self.value_of_type(inner, depth);
        }
        match text.as_str() {
            "bool" => "true".to_owned(),
            "u64" | "i64" | "u32" | "i32" => "1".to_owned(),
            "f64" | "f32" => "1.0".to_owned(),
            _ => format!("any::<{}>()", self.qualified(ty)),
        }
    }

    /// `ty` with the bare names of the `types` module qualified (`types::X`).
    fn qualified(&self, ty: &Type) -> String {
        struct Qualify<'a>(&'a BTreeSet<String>);
        impl syn::visit_mut::VisitMut for Qualify<'_> {
            fn visit_path_mut(&mut self, path: &mut syn::Path) {
                if path.leading_colon.is_none()
                    && path.segments.len() == 1
                    && self.0.contains(&path.segments[0].ident.to_string())
                {
                    path.segments.insert(0, syn::parse_quote!(types));
                }
                syn::visit_mut::visit_path_mut(self, path);
            }
        }
        let mut ty = ty.clone();
        syn::visit_mut::VisitMut::visit_type_mut(&mut Qualify(&self.names), &mut ty);
        workos_path(&ty.to_token_stream().to_string())
    }

    /// A value convertible into `ty`.
    fn value_of_type(&self, ty: &Type, depth: usize) -> String {
        let text = ty.to_token_stream().to_string().replace(' ', "");
        if text == "::std::string::String" {
            return "\"x\"".to_owned();
        }
        let name = text.strip_prefix("types::").unwrap_or(&text);
        if self.open_enums.contains(name) {
            return "\"x\"".to_owned();
        }
        if depth < 3 {
            if let Some(args) = self.constructors.get(name) {
                return self.built(name, args, depth);
            }
            if let Some(variant) =
                self.unions.get(name).and_then(|v| v.iter().find(|v| self.constructors.contains_key(*v)))
            {
                let args = &self.constructors[variant];
                return self.built(variant, args, depth);
            }
        }
        format!("any::<{}>()", self.qualified(ty))
    }

    /// `types::T::new(...)` with every setter.
    fn built(&self, name: &str, args: &Signature, depth: usize) -> String {
        let values: Vec<String> = args.iter().map(|a| self.value(a, depth + 1)).collect();
        let mut out = format!("types::{name}::new({})", values.join(", "));
        for (setter, arg) in self.setters.get(name).into_iter().flatten() {
            let _ = write!(out, ".{setter}({})", self.value(arg, depth + 1));
        }
        out
    }
}

/// A type as the corpus names it (`types::X` stays; `crate::` becomes `workos_api::`).
fn workos_path(ty: &str) -> String {
    ty.replace("crate::", "workos_api::")
}

/// One compile error of the corpus against the new crate, or one function whose arguments
/// came in another order ([`reordered`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// What broke.
    pub owner: Owner,
    /// The compiler's message, or what was reordered.
    pub message: String,
}

/// A break and the diff's changes that account for it (none: unexplained).
#[derive(Debug, Clone)]
pub struct Explained<'a> {
    /// The break.
    pub brk: &'a Break,
    /// Breaking or possibly breaking changes of the diff on the same operation or type.
    pub changes: Vec<&'a Change>,
}

/// Matches each break with the diff's breaking or possibly breaking changes on its operation
/// (by `METHOD /path`) or, for a type, on the schema it comes from (its name, or a longer name
/// typify derived from it) or on the operation whose inline parameter it is
/// (`ListUsersOrder` is `list_users`'s `order`).
pub fn explain<'a>(breaks: &'a [Break], report: &'a Report, corpus: &Corpus) -> Vec<Explained<'a>> {
    let serious: Vec<&Change> =
        report.changes.iter().filter(|c| c.severity != Severity::NonBreaking).collect();
    // Operation type-name prefixes (`ListUsers`) -> `METHOD /path`, longest first.
    let mut prefixes: Vec<(String, &str)> = corpus
        .spans
        .iter()
        .filter_map(|(_, _, o)| match o {
            Owner::Operation { item, key } => {
                let method = item.rsplit("::").next().unwrap_or(item);
                Some((heck::ToPascalCase::to_pascal_case(method), key.as_str()))
            }
            Owner::Type(_) => None,
        })
        .collect();
    prefixes.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    let operation_of = |t: &str| prefixes.iter().find(|(p, _)| t.starts_with(p.as_str())).map(|(_, k)| *k);
    // A type and every type holding it, transitively: a change to any of them, or to an
    // operation answering one of them, can account for the type's break.
    let with_holders = |t: &str| {
        let mut seen = BTreeSet::from([t.to_owned()]);
        let mut todo = vec![t.to_owned()];
        while let Some(x) = todo.pop() {
            for h in corpus.holders.get(&x).into_iter().flatten() {
                if seen.insert(h.clone()) {
                    todo.push(h.clone());
                }
            }
        }
        seen
    };
    breaks
        .iter()
        .map(|brk| {
            let changes = serious
                .iter()
                .copied()
                .filter(|c| match &brk.owner {
                    Owner::Operation { key, .. } => {
                        c.operations.iter().any(|o| o == key) || c.location == *key
                    }
                    Owner::Type(t) => with_holders(t).iter().any(|t| {
                        let t = t.as_str();
                        let on_operation = |key: &str| c.operations.iter().any(|o| o == key) || c.location == key;
                        c.location.strip_prefix("schema ").is_some_and(|schema| {
                            t.starts_with(&heck::ToPascalCase::to_pascal_case(schema))
                        }) || operation_of(t).is_some_and(on_operation)
                            || corpus.outputs.iter().any(|(key, types)| types.contains(t) && on_operation(key))
                            // A nested type named after its place: `VaultByokKeyDeletedDataKeyProvider`
                            // is `{event="vault.byok_key.deleted"}.data.key_provider`, and a removed
                            // branch `event="session.reauthenticated"` takes `SessionReauthenticated...`.
                            || letters(&format!("{} {}", c.location, c.detail)).contains(&letters(t))
                            || quoted(&c.detail).iter().any(|q| letters(q).len() >= 6 && letters(t).starts_with(&letters(q)))
                    }),
                })
                .collect();
            Explained { brk, changes }
        })
        .collect()
}

/// The argument names of every `new` and every operation method of the crate whose emitted
/// files are the syntax trees `files` (by path, as [`crate::Output::syntax`] holds them), with
/// what each exercises: `types::X::new`, `redirects::XParams::new` and `area::method` ->
/// (owner, names in order).
pub fn argument_names(files: &[(String, syn::File)]) -> BTreeMap<String, (Owner, Vec<String>)> {
    let mut out = BTreeMap::new();
    for (path, file) in files {
        let Some(module) = crate::emit::module_of(path) else { continue };
        if matches!(module, "types" | "redirects") {
            for item in &file.items {
                let Item::Impl(imp) = item else { continue };
                if imp.trait_.is_some() {
                    continue;
                }
                let ty = imp.self_ty.to_token_stream().to_string();
                for it in &imp.items {
                    if let ImplItem::Fn(func) = it
                        && func.sig.ident == "new"
                    {
                        out.insert(
                            format!("{module}::{ty}::new"),
                            (Owner::Type(ty.clone()), names(&func.sig)),
                        );
                    }
                }
            }
            continue;
        }
        for (method, sig, builder) in area_methods(file) {
            let item = format!("{module}::{method}");
            let key = operation_key(file, &builder).unwrap_or_default();
            out.insert(item.clone(), (Owner::Operation { item, key }, names(&sig)));
        }
    }
    out
}

fn names(sig: &syn::Signature) -> Vec<String> {
    sig.inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(t) => match &*t.pat {
                Pat::Ident(p) => Some(p.ident.to_string()),
                _ => None,
            },
            FnArg::Receiver(_) => None,
        })
        .collect()
}

/// The functions both crates have whose arguments, by name, come in another order: a call
/// written for `old` still compiles when the swapped arguments have the same type, and sends
/// each value as the other. Each is a break, as a compile error would be.
pub fn reordered(
    old: &BTreeMap<String, (Owner, Vec<String>)>,
    new: &BTreeMap<String, (Owner, Vec<String>)>,
) -> Vec<Break> {
    let mut out = Vec::new();
    for (function, (owner, before)) in old {
        let Some((_, after)) = new.get(function) else { continue };
        let (was, now) = super::common_order(before, after);
        if was.len() > 1 && was != now {
            out.push(Break {
                owner: owner.clone(),
                message: format!(
                    "arguments of `{function}` reordered: ({}) -> ({}); a call with same-typed arguments still compiles and swaps them",
                    was.join(", "),
                    now.join(", ")
                ),
            });
        }
    }
    out
}

/// The `"quoted"` parts of a change's detail.
fn quoted(detail: &str) -> Vec<&str> {
    detail.split('"').skip(1).step_by(2).collect()
}

/// Letters and digits, lower case: how a place in a schema and the type named after it compare.
fn letters(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<EmittedFile> {
        let types = r#"
            pub struct CreateRoleDto { pub name: String, pub slug: Option<String> }
            impl CreateRoleDto {
                pub fn new(name: impl ::std::convert::Into<::std::string::String>) -> Self { todo!() }
                pub fn slug(mut self, slug: impl ::std::convert::Into<::std::string::String>) -> Self { self }
            }
            #[non_exhaustive]
            pub enum RoleType { EnvironmentRole, Unknown(String) }
            open_enum!(RoleType, Unknown { EnvironmentRole => "EnvironmentRole" });
        "#;
        let area = r#"
            use crate::types;
            pub struct Authorization { client: crate::Client }
            impl crate::Client { pub fn authorization(&self) -> Authorization { todo!() } }
            impl Authorization {
                pub fn create_role(&self, org: impl ::std::convert::Into<::std::string::String>, body: impl ::std::convert::Into<types::CreateRoleDto>) -> CreateRole { todo!() }
            }
            pub struct CreateRole { client: crate::Client }
            impl CreateRole {
                pub fn limit(mut self, limit: u64) -> Self { self }
                fn into_call(self) -> crate::runtime::Call {
                    crate::runtime::Call::new(self.client, &crate::runtime::OperationMeta { id: "create_role", method: "POST", path: "/roles", idempotency_key: false }, &[], self.options)
                }
            }
        "#;
        vec![
            EmittedFile { path: "src/emitted/types/shared.rs".into(), contents: types.into() },
            EmittedFile { path: "src/emitted/authorization.rs".into(), contents: area.into() },
        ]
    }

    #[test]
    fn arguments_in_another_order_are_a_break_even_when_the_calls_still_compile() {
        let with = |types: &str, method: &str| {
            let mut f = files();
            f[0].contents = f[0]
                .contents
                .replace("pub fn new(name: impl ::std::convert::Into<::std::string::String>)", types);
            f[1].contents = f[1].contents.replace(
                "pub fn create_role(&self, org: impl ::std::convert::Into<::std::string::String>,",
                method,
            );
            let parsed: Vec<(String, syn::File)> =
                f.iter().map(|f| (f.path.clone(), syn::parse_file(&f.contents).unwrap())).collect();
            argument_names(&parsed)
        };
        let s = "impl ::std::convert::Into<::std::string::String>";
        let old = with(
            &format!("pub fn new(name: {s}, slug: {s})"),
            &format!("pub fn create_role(&self, org: {s}, env: {s},"),
        );
        let same = with(
            &format!("pub fn new(name: {s}, slug: {s})"),
            &format!("pub fn create_role(&self, org: {s}, env: {s},"),
        );
        assert!(reordered(&old, &same).is_empty());
        // An added argument is a compile error, not a reordering.
        let added = with(
            &format!("pub fn new(name: {s}, slug: {s}, key: {s})"),
            &format!("pub fn create_role(&self, org: {s}, env: {s},"),
        );
        assert!(reordered(&old, &added).is_empty());
        let swapped = with(
            &format!("pub fn new(slug: {s}, name: {s})"),
            &format!("pub fn create_role(&self, env: {s}, org: {s},"),
        );
        let breaks = reordered(&old, &swapped);
        let owners: Vec<String> = breaks.iter().map(|b| b.owner.to_string()).collect();
        assert_eq!(owners, ["authorization::create_role (POST /roles)", "types::CreateRoleDto"]);
        assert!(breaks[1].message.contains("(name, slug) -> (slug, name)"), "{}", breaks[1].message);
        assert!(breaks[0].message.contains("(org, env, body) -> (env, org, body)"), "{}", breaks[0].message);
    }

    #[test]
    fn the_corpus_calls_every_operation_with_bodies_built_by_new_and_setters() {
        let c = corpus(&files()).unwrap();
        assert!(
            c.source.contains(
                r#"client.authorization().create_role("x", types::CreateRoleDto::new("x").slug("x")).limit(1).await"#
            ),
            "{}",
            c.source
        );
        assert!(
            c.source.contains("match value { types::RoleType::EnvironmentRole => {} _ => {} }"),
            "{}",
            c.source
        );
        let line = c.source.lines().position(|l| l.contains("create_role(")).unwrap() + 1;
        assert_eq!(
            c.owner_of(line),
            Some(&Owner::Operation { item: "authorization::create_role".into(), key: "POST /roles".into() })
        );
        assert_eq!((c.operations, c.enums), (1, 1));
    }

    #[test]
    fn the_corpus_builds_redirect_urls_with_new_and_setters() {
        let redirects = r#"
            #[non_exhaustive]
            pub struct LogoutUrlParams { pub session_id: String, pub return_to: Option<String> }
            impl LogoutUrlParams {
                pub fn new(session_id: impl ::std::convert::Into<::std::string::String>) -> Self { todo!() }
                pub fn return_to(mut self, return_to: impl ::std::convert::Into<::std::string::String>) -> Self { self }
            }
            /**Logout

            `GET /sessions/logout` answers with a redirect: build its URL and send the user's browser there.*/
            pub fn logout_url(base_url: &str, params: &LogoutUrlParams) -> Result<::reqwest::Url, ::url::ParseError> { todo!() }
        "#;
        let mut files = files();
        files.push(EmittedFile { path: "src/emitted/redirects.rs".into(), contents: redirects.into() });
        let c = corpus(&files).unwrap();
        let call = r#"workos_api::redirects::logout_url("https://api.workos.test", &workos_api::redirects::LogoutUrlParams::new("x").return_to("x"))"#;
        assert!(c.source.contains(call), "{}", c.source);
        let line = c.source.lines().position(|l| l.contains("logout_url(")).unwrap() + 1;
        assert_eq!(
            c.owner_of(line),
            Some(&Owner::Operation {
                item: "redirects::logout_url".into(),
                key: "GET /sessions/logout".into()
            })
        );
        assert_eq!(c.operations, 2);
    }
}
