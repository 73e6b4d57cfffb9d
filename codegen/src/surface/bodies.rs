//! Request bodies a caller builds additively: every struct a request body reaches gets
//! `new(required fields, in document order)` and a setter per optional field, and one with no
//! required field also implements `Default`. A required field with a single allowed value (a
//! `const`, such as a grant type) is filled in by `new`.
//!
//! A caller who writes `CreateOrganizationRoleDto::new("Billing admin").slug("billing-admin")`
//! keeps compiling when WorkOS adds an optional field; a struct literal would not.
//!
//! Document order is the order of the schema's `required` list (then its `allOf` members', in
//! order), the list that says which fields `new` takes. The
//! documentation of a `new` with two or more arguments names them in that order, so a reader
//! never has to guess which of two strings is which; and WorkOS reordering the list is a
//! breaking change the spec diff and `xtask compat` report.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use syn::{Fields, Item, Type};

use super::builders::taking as input;
use super::model::{doc_texts, idents, option_inner};
use crate::openapi::resolve;

/// A field of a body struct.
struct Field {
    ident: syn::Ident,
    wire: String,
    ty: Type,
    /// `Option<T>`: its `T`.
    option: Option<Type>,
    /// `#[serde(default)]` (a list or a map that may be left out).
    defaulted: bool,
    /// The field's documentation, on one line.
    doc: String,
}

impl Field {
    fn required(&self) -> bool {
        self.option.is_none() && !self.defaulted
    }
}

/// Adds constructors and setters to the structs reachable from `roots` (the request body types)
/// in `types`, and `Default` where nothing is required. Returns how many structs got them.
///
/// # Errors
/// A struct with required fields whose schema the document does not have, or a required field
/// its schema's `required` lists do not name: `new` could not take the document's order.
pub fn add_constructors(
    types: &mut syn::File,
    document: &Value,
    roots: &BTreeSet<String>,
) -> Result<usize, String> {
    let schemas = schemas_by_type_name(document);
    let reachable = reachable(types, roots);
    let mut impls = Vec::new();
    for item in types.items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        if !reachable.contains(&name) {
            continue;
        }
        let Fields::Named(named) = &s.fields else { continue };
        let fields: Vec<Field> = named.named.iter().filter_map(field).collect();
        if !fields.iter().any(Field::required) && !derives_default(s) {
            add_default_derive(s);
        }
        impls.push(constructor(&s.ident, &fields, schemas.get(&name).copied(), document)?);
    }
    let count = impls.len();
    for tokens in impls {
        let item =
            syn::parse2::<Item>(tokens).map_err(|e| format!("a body constructor is not valid Rust: {e}"))?;
        types.items.push(item);
    }
    Ok(count)
}

/// `impl <ident>`: `new` taking the required `fields` in the order of `schema`'s `required`
/// lists (filling in those with a single allowed value), and a setter per optional field.
fn constructor(
    ident: &syn::Ident,
    fields: &[Field],
    schema: Option<&Value>,
    document: &Value,
) -> Result<TokenStream, String> {
    let name = ident.to_string();
    // (position in the document's `required` lists, field, argument) for the arguments of `new`.
    let order = schema.map(|s| required_order(document, s)).unwrap_or_default();
    let mut args: Vec<(usize, &Field, TokenStream)> = Vec::new();
    let mut inits = Vec::new();
    for f in fields {
        let fid = &f.ident;
        if !f.required() {
            inits.push(quote!(#fid: ::std::default::Default::default()));
        } else if let Some(value) = schema.and_then(|s| const_value(document, s, &f.wire)) {
            inits.push(quote!(#fid: ::std::convert::From::from(#value)));
        } else {
            let Some(position) = order.iter().position(|r| *r == f.wire) else {
                return Err(match schema {
                    None => format!(
                        "request type `{name}` has no schema in the document, so `{name}::new` cannot take its required fields in document order"
                    ),
                    Some(_) => format!(
                        "request type `{name}`: required field `{}` is in no `required` list of its schema",
                        f.wire
                    ),
                });
            };
            let (arg, convert) = input(&f.ty, fid);
            args.push((position, f, quote!(#fid: #arg)));
            inits.push(quote!(#fid: #convert));
        }
    }
    args.sort_by_key(|(position, _, _)| *position);
    let arg_docs: Vec<String> = args
        .iter()
        .enumerate()
        .map(|(i, (_, f, _))| {
            let what = if f.doc.is_empty() { String::new() } else { format!(": {}", f.doc) };
            format!("{}. `{}`{what}", i + 1, f.ident)
        })
        .collect();
    let args: Vec<&TokenStream> = args.iter().map(|(_, _, arg)| arg).collect();
    let setters = fields.iter().filter(|f| !f.required()).map(setter);
    let new_doc = match arg_docs.len() {
        0 => format!("A `{name}` with every optional field unset; set them with the setters."),
        1 => format!("A `{name}` with its required field; set optional ones with the setters."),
        _ => format!(
            "A `{name}` with its required fields, in document order; set optional ones with the setters.\n\n# Arguments\n\n{}",
            arg_docs.join("\n")
        ),
    };
    Ok(quote! {
        impl #ident {
            #[doc = #new_doc]
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }
            #(#setters)*
        }
    })
}

/// The setter of an optional field.
fn setter(f: &Field) -> TokenStream {
    let fid = &f.ident;
    let doc = format!("Sets `{}`.", f.wire);
    match &f.option {
        Some(inner) => {
            let (arg, convert) = input(inner, fid);
            quote! {
                #[doc = #doc]
                #[must_use]
                pub fn #fid(mut self, #fid: #arg) -> Self {
                    self.#fid = ::std::option::Option::Some(#convert);
                    self
                }
            }
        }
        None => {
            let (arg, convert) = input(&f.ty, fid);
            quote! {
                #[doc = #doc]
                #[must_use]
                pub fn #fid(mut self, #fid: #arg) -> Self {
                    self.#fid = #convert;
                    self
                }
            }
        }
    }
}

fn field(f: &syn::Field) -> Option<Field> {
    let ident = f.ident.clone()?;
    let mut wire = ident.to_string().trim_end_matches('_').to_owned();
    let mut defaulted = false;
    let doc = doc_texts(&f.attrs).collect::<Vec<_>>().join(" ");
    let doc = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    for attr in f.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                wire = lit.value();
            } else if meta.path.is_ident("default") {
                defaulted = true;
                if meta.input.peek(syn::Token![=]) {
                    let _: syn::LitStr = meta.value()?.parse()?;
                }
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::LitStr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    Some(Field { ident, wire, option: option_inner(&f.ty), ty: f.ty.clone(), defaulted, doc })
}

fn derives_default(s: &syn::ItemStruct) -> bool {
    s.attrs.iter().any(|a| a.path().is_ident("derive") && quote!(#a).to_string().contains("Default"))
}

fn add_default_derive(s: &mut syn::ItemStruct) {
    s.attrs.push(syn::parse_quote!(#[derive(Default)]));
}

/// Schemas by the Rust name typify gives them: the components, and the inline objects inside
/// them, which typify names after their place (`UserConsentOptionChoicesItem` is an item of
/// `UserConsentOption.choices`). A component keeps its name when an inline place would give
/// the same one.
fn schemas_by_type_name(document: &Value) -> BTreeMap<String, &Value> {
    fn inline<'a>(name: String, schema: &'a Value, out: &mut BTreeMap<String, &'a Value>, depth: usize) {
        if depth > 8 || schema.get("$ref").is_some() {
            return;
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (prop, s) in props {
                inline(
                    format!("{name}{}", heck::ToPascalCase::to_pascal_case(prop.as_str())),
                    s,
                    out,
                    depth + 1,
                );
            }
        }
        if let Some(items) = schema.get("items") {
            inline(format!("{name}Item"), items, out, depth + 1);
        }
        if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
            inline(format!("{name}Value"), values, out, depth + 1);
        }
        if depth > 0 {
            out.entry(name).or_insert(schema);
        }
    }
    let components = document.pointer("/components/schemas").and_then(Value::as_object);
    let mut out: BTreeMap<String, &Value> = components
        .into_iter()
        .flatten()
        .map(|(k, v)| (heck::ToPascalCase::to_pascal_case(k.as_str()), v))
        .collect();
    for (k, v) in components.into_iter().flatten() {
        inline(heck::ToPascalCase::to_pascal_case(k.as_str()), v, &mut out, 0);
    }
    out
}

/// The names the schema's `required` lists give, in document order: its own list, then its
/// `allOf` members' in order, each name once.
fn required_order(document: &Value, schema: &Value) -> Vec<String> {
    fn walk(document: &Value, schema: &Value, out: &mut Vec<String>, depth: usize) {
        let schema = resolve(document, schema);
        for name in
            schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
        {
            if !out.iter().any(|n| n == name) {
                out.push(name.to_owned());
            }
        }
        if depth < 8 {
            for member in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
                walk(document, member, out, depth + 1);
            }
        }
    }
    let mut out = Vec::new();
    walk(document, schema, &mut out, 0);
    out
}

/// The single allowed value of property `wire`, if it has one.
fn const_value(document: &Value, schema: &Value, wire: &str) -> Option<String> {
    let prop = resolve(document, schema.get("properties")?.get(wire)?);
    match prop.get("enum").and_then(Value::as_array).map(Vec::as_slice) {
        Some([Value::String(v)]) => Some(v.clone()),
        _ => None,
    }
}

/// The struct and enum names reachable from `roots` through field and variant types.
fn reachable(types: &syn::File, roots: &BTreeSet<String>) -> BTreeSet<String> {
    let by_name: BTreeMap<String, &Item> = types
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) => Some((s.ident.to_string(), i)),
            Item::Enum(e) => Some((e.ident.to_string(), i)),
            _ => None,
        })
        .collect();
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.iter().cloned().collect();
    while let Some(name) = todo.pop() {
        let Some(item) = by_name.get(&name) else { continue };
        if !seen.insert(name) {
            continue;
        }
        let tokens = match item {
            Item::Struct(s) => {
                let f = &s.fields;
                quote!(#f)
            }
            Item::Enum(e) => {
                let v = e.variants.iter();
                quote!(#(#v),*)
            }
            _ => quote!(),
        };
        todo.extend(idents(tokens).into_iter().filter(|i| by_name.contains_key(i) && !seen.contains(i)));
    }
    seen
}

/// `types::X` -> `X`.
pub fn type_name(ty: &Type) -> Option<String> {
    let Type::Path(p) = ty else { return None };
    p.path.segments.last().map(|s| s.ident.to_string())
}
