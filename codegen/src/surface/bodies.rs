//! Request bodies a caller builds additively: every struct a request body reaches gets
//! `new(required fields, in alphabetical order)` and a setter per optional field, and one with no
//! required field also implements `Default`. A required field with a single allowed value (a
//! `const`, such as a grant type) is filled in by `new`.
//!
//! A caller who writes `CreateOrganizationRoleDto::new("Billing admin").slug("billing-admin")`
//! keeps compiling when WorkOS adds an optional field; a struct literal would not. The arguments
//! are in alphabetical order of their names, not the document's: WorkOS reordering properties
//! (it has) must never swap two arguments of the same type silently.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use syn::{Fields, Item, Type};

use super::builders::taking as input;
use super::model::{idents, option_inner};
use crate::passes::resolve;

/// A field of a body struct.
struct Field {
    ident: syn::Ident,
    wire: String,
    ty: Type,
    /// `Option<T>`: its `T`.
    option: Option<Type>,
    /// `#[serde(default)]` (a list or a map that may be left out).
    defaulted: bool,
}

impl Field {
    fn required(&self) -> bool {
        self.option.is_none() && !self.defaulted
    }
}

/// Adds constructors and setters to the structs reachable from `roots` (the request body types)
/// in `types`, and `Default` where nothing is required. Returns how many structs got them.
pub fn add_constructors(types: &mut syn::File, document: &Value, roots: &BTreeSet<String>) -> usize {
    let schemas = component_schemas(document);
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
        let schema = schemas.get(&name).copied();
        if !fields.iter().any(Field::required) && !derives_default(s) {
            add_default_derive(s);
        }
        let ident = &s.ident;
        // (property name, argument) for the arguments of `new`.
        let mut args: Vec<(String, TokenStream)> = Vec::new();
        let mut inits = Vec::new();
        for f in &fields {
            let fid = &f.ident;
            if !f.required() {
                inits.push(quote!(#fid: ::std::default::Default::default()));
            } else if let Some(value) = schema.and_then(|s| const_value(document, s, &f.wire)) {
                inits.push(quote!(#fid: ::std::convert::From::from(#value)));
            } else {
                let (arg, convert) = input(&f.ty, fid);
                args.push((f.wire.clone(), quote!(#fid: #arg)));
                inits.push(quote!(#fid: #convert));
            }
        }
        // Arguments in alphabetical order: stable when the document reorders its properties.
        args.sort_by(|a, b| a.0.cmp(&b.0));
        let args: Vec<&TokenStream> = args.iter().map(|(_, arg)| arg).collect();
        let setters = fields.iter().filter(|f| !f.required()).map(|f| {
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
        });
        let new_doc = if args.is_empty() {
            format!("A `{name}` with every optional field unset; set them with the setters.")
        } else {
            format!(
                "A `{name}` with its required fields (in alphabetical order); set optional ones with the setters."
            )
        };
        impls.push(quote! {
            impl #ident {
                #[doc = #new_doc]
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits),* }
                }
                #(#setters)*
            }
        });
    }
    let count = impls.len();
    for tokens in impls {
        if let Ok(item) = syn::parse2::<Item>(tokens) {
            types.items.push(item);
        }
    }
    count
}

fn field(f: &syn::Field) -> Option<Field> {
    let ident = f.ident.clone()?;
    let mut wire = ident.to_string().trim_end_matches('_').to_owned();
    let mut defaulted = false;
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
    Some(Field { ident, wire, option: option_inner(&f.ty), ty: f.ty.clone(), defaulted })
}

fn derives_default(s: &syn::ItemStruct) -> bool {
    s.attrs.iter().any(|a| a.path().is_ident("derive") && quote!(#a).to_string().contains("Default"))
}

fn add_default_derive(s: &mut syn::ItemStruct) {
    s.attrs.push(syn::parse_quote!(#[derive(Default)]));
}

/// Component schemas by the Rust name typify gives them.
fn component_schemas(document: &Value) -> BTreeMap<String, &Value> {
    document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (heck::ToPascalCase::to_pascal_case(k.as_str()), v)).collect())
        .unwrap_or_default()
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
