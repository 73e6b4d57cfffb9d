//! The usage corpus: a caller's code for every operation, URL builder and public enum of the
//! crate generated for one document, as [`super`] compiles it against another.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use quote::ToTokens;
use syn::{FnArg, ImplItem, Item, Pat, Type};

use crate::emit::{EmittedFile, module_of};
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
    let operations = out.call_operations(&parsed, &surface) + out.build_urls(&parsed, &surface);
    for (name, pattern) in &surface.enums {
        let start = out.next_line();
        out.line(&format!("fn match_{name}(value: types::{name}) {{"));
        out.line(&format!("    match value {{ types::{name}::{pattern} => {{}} _ => {{}} }}"));
        out.line("}");
        out.spans.push((start, out.next_line() - 1, Owner::Type(name.clone())));
    }
    Ok(Corpus {
        source: out.text,
        spans: out.spans,
        operations,
        enums: surface.enums.len(),
        holders: holders(&types, &surface),
        outputs: outputs(&parsed),
    })
}

/// Whether an emitted file belongs to the `types` module.
fn in_types(path: &str) -> bool {
    module_of(path) == Some("types")
}

/// Type -> the types that hold it (a field or a variant of that type).
fn holders(types: &syn::File, surface: &Surface) -> BTreeMap<String, BTreeSet<String>> {
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
    holders
}

/// `METHOD /path` -> the type names its builder's `Output` mentions.
fn outputs(parsed: &[(String, syn::File)]) -> BTreeMap<String, BTreeSet<String>> {
    let mut outputs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, file) in parsed {
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
    outputs
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

    /// Per operation, one call through its area with every required input and every optional
    /// setter. Returns how many.
    fn call_operations(&mut self, parsed: &[(String, syn::File)], surface: &Surface) -> usize {
        let mut operations = 0;
        for (path, file) in parsed {
            let area = module_of(path).unwrap_or_default();
            if matches!(area, "types" | "" | "redirects") {
                continue;
            }
            for (method, sig, builder) in area_methods(file) {
                let key = operation_key(file, &builder).unwrap_or_default();
                let start = self.next_line();
                let values: Vec<String> = args(&sig).iter().map(|t| surface.value(t, 0)).collect();
                let mut call = format!("client.{area}().{method}({})", values.join(", "));
                for (setter, arg) in surface.setters.get(&builder).into_iter().flatten() {
                    let _ = write!(call, ".{setter}({})", surface.value(arg, 0));
                }
                self.line(&format!("async fn call_{area}_{method}(client: workos_api::Client) {{"));
                self.line(&format!("    let _ = {call}.await;"));
                self.line("}");
                let owner = Owner::Operation { item: format!("{area}::{method}"), key };
                self.spans.push((start, self.next_line() - 1, owner));
                operations += 1;
            }
        }
        operations
    }

    /// Per redirect URL builder, one call with its parameters built through `new` and every
    /// setter. Returns how many.
    fn build_urls(&mut self, parsed: &[(String, syn::File)], surface: &Surface) -> usize {
        let mut operations = 0;
        for (_, file) in parsed.iter().filter(|(path, _)| module_of(path) == Some("redirects")) {
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
                let start = self.next_line();
                self.line(&format!("fn url_{name}() {{"));
                self.line(&format!(
                    "    let _ = workos_api::redirects::{name}(\"https://api.workos.test\", &{built});"
                ));
                self.line("}");
                let key = redirect_key(&f.attrs).unwrap_or_default();
                let owner = Owner::Operation { item: format!("redirects::{name}"), key };
                self.spans.push((start, self.next_line() - 1, owner));
                operations += 1;
            }
        }
        operations
    }
}

/// `(method, signature, builder type)` of each area handle method.
pub(super) fn area_methods(file: &syn::File) -> Vec<(String, syn::Signature, String)> {
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

pub(super) fn args(sig: &syn::Signature) -> Signature {
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
pub(super) fn operation_key(file: &syn::File, builder: &str) -> Option<String> {
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
        let in_types = |path: &str| in_types(path);
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
