//! The surface model: every operation with its area, inputs and output, joined from the
//! normalized document (locations, required-ness, descriptions, area tags) and progenitor's
//! positional methods (the Rust types typify chose).

use std::path::Path;

use serde_json::Value;
use syn::{FnArg, GenericArgument, ImplItem, Item, Pat, PathArguments, ReturnType, Type};

use super::areas::AreaTable;
use crate::error::{Error, Result};
use crate::openapi::{HTTP_METHODS, path_position, resolve};

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A path segment.
    Path,
    /// A query parameter.
    Query,
    /// A header.
    Header,
}

/// One input of an operation.
#[derive(Debug, Clone)]
pub struct Param {
    /// Rust name (progenitor's, which the setter keeps).
    pub ident: syn::Ident,
    /// Name on the wire.
    pub wire: String,
    /// Where it goes.
    pub location: Location,
    /// The document requires it.
    pub required: bool,
    /// Its Rust type, owned, without `Option`.
    pub ty: Type,
    /// The document's description.
    pub description: String,
}

/// The request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// Its Rust type (`types::X`).
    pub ty: Type,
    /// The document requires it.
    pub required: bool,
}

/// One operation of the surface.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Method name (`list_users`).
    pub name: syn::Ident,
    /// Area (`user_management`).
    pub area: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template.
    pub path: String,
    /// The document's summary.
    pub summary: String,
    /// The document's description (with the documented error responses).
    pub description: String,
    /// Marked deprecated.
    pub deprecated: bool,
    /// Path parameters in the order of the path, then query and header parameters in the
    /// order of the document's `parameters` lists.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// The success body type; `None` for a body-less success.
    pub output: Option<Type>,
    /// The document declares an `Idempotency-Key` header.
    pub idempotency_key: bool,
}

impl Operation {
    /// Required path and query parameters, in that order (the method's arguments): path
    /// parameters as the path spells them, query parameters in document order.
    pub fn required(&self) -> impl Iterator<Item = &Param> {
        let path = self.params.iter().filter(|p| p.location == Location::Path);
        let query = self.params.iter().filter(|p| p.location == Location::Query && p.required);
        path.chain(query)
    }

    /// Parameters with a setter: optional query and header parameters, except a declared
    /// `Idempotency-Key` (every builder has `.idempotency_key(..)`).
    pub fn optional(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| {
            p.location != Location::Path
                && !(p.location == Location::Query && p.required)
                && !p.wire.eq_ignore_ascii_case("idempotency-key")
        })
    }
}

/// Joins the document's operations with progenitor's methods.
pub fn operations(
    file: &Path,
    document: &Value,
    client: &syn::File,
    areas: &AreaTable,
) -> Result<Vec<Operation>> {
    let fail = |message: String| Error::Generate { file: file.to_owned(), message };
    let mut out = Vec::new();
    for method in progenitor_methods(client) {
        let name = method.sig.ident.to_string();
        let (http_method, path, op) = find_operation(document, &name)
            .ok_or_else(|| fail(format!("no operation `{name}` in the document")))?;
        let tag = op
            .get("tags")
            .and_then(Value::as_array)
            .and_then(|t| t.first())
            .and_then(Value::as_str)
            .ok_or_else(|| {
                fail(format!("{} {path} has no tag, so it has no area", http_method.to_uppercase()))
            })?;
        let area = areas.area_of(tag).ok_or_else(|| {
            fail(format!(
                "tag `{tag}` ({} {path}) has no area: add its first segment to workos-spec/areas.toml",
                http_method.to_uppercase()
            ))
        })?;
        let doc_params: Vec<&Value> = document["paths"][path.as_str()]
            .get("parameters")
            .into_iter()
            .chain(op.get("parameters"))
            .flat_map(|l| l.as_array().into_iter().flatten())
            .map(|p| resolve(document, p))
            .collect();
        let (params, body) = inputs(&method.sig, op, &doc_params, path).map_err(fail)?;
        let output = response_type(&method.sig.output)
            .ok_or_else(|| fail(format!("`{name}`: unexpected return type")))?;
        let output = match &output {
            Type::Tuple(t) if t.elems.is_empty() => None,
            _ => Some(output),
        };
        let text = |key: &str| op.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
        out.push(Operation {
            name: method.sig.ident.clone(),
            area,
            method: http_method.to_uppercase(),
            path: path.clone(),
            summary: text("summary"),
            description: text("description"),
            deprecated: op.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
            idempotency_key: params
                .iter()
                .any(|p| p.location == Location::Header && p.wire.eq_ignore_ascii_case("idempotency-key")),
            params,
            body,
            output,
        });
    }
    out.sort_by(|a, b| (&a.area, a.name.to_string()).cmp(&(&b.area, b.name.to_string())));
    Ok(out)
}

/// The inputs of a progenitor method (`sig`) as the document describes them (`op`, and its
/// parameters with the path item's, `doc_params`): path parameters in the order the path
/// spells them, then the others in the order of the document's `parameters` lists (progenitor
/// sorts query parameters by name); and the request body.
fn inputs(
    sig: &syn::Signature,
    op: &Value,
    doc_params: &[&Value],
    path: &str,
) -> std::result::Result<(Vec<Param>, Option<Body>), String> {
    let name = &sig.ident;
    let mut params = Vec::new();
    let mut body = None;
    for arg in &sig.inputs {
        let FnArg::Typed(typed) = arg else { continue };
        let Pat::Ident(pat) = &*typed.pat else { continue };
        let ident = pat.ident.clone();
        let (ty, optional) = owned(&typed.ty);
        if ident == "body" && !doc_params.iter().any(|p| p["name"] == "body") {
            let required = op.pointer("/requestBody/required").and_then(Value::as_bool).unwrap_or(false);
            body = Some(Body { ty, required });
            continue;
        }
        let doc = doc_params
            .iter()
            .find(|p| p["name"].as_str().is_some_and(|n| ident == rust_name(n)))
            .ok_or_else(|| format!("`{name}`: argument `{ident}` matches no parameter"))?;
        let location = match doc["in"].as_str() {
            Some("path") => Location::Path,
            Some("query") => Location::Query,
            Some("header") => Location::Header,
            other => return Err(format!("`{name}`: parameter `{ident}` in {other:?}")),
        };
        let required = location == Location::Path || doc["required"].as_bool().unwrap_or(false);
        if required && optional && location != Location::Header {
            return Err(format!("`{name}`: required parameter `{ident}` is optional in Rust"));
        }
        params.push(Param {
            ident,
            wire: doc["name"].as_str().unwrap_or_default().to_owned(),
            location,
            required,
            ty,
            description: doc["description"].as_str().unwrap_or_default().to_owned(),
        });
    }
    let position = |p: &Param| match p.location {
        Location::Path => (0, path_position(path, &p.wire)),
        _ => (1, doc_params.iter().position(|d| d["name"] == p.wire.as_str()).unwrap_or(usize::MAX)),
    };
    params.sort_by_key(position);
    Ok((params, body))
}

/// progenitor's `pub async fn` methods on `Client`.
fn progenitor_methods(client: &syn::File) -> impl Iterator<Item = &syn::ImplItemFn> {
    client
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(imp) if imp.trait_.is_none() => Some(imp.items.iter()),
            _ => None,
        })
        .flatten()
        .filter_map(|item| match item {
            ImplItem::Fn(f) if f.sig.asyncness.is_some() => Some(f),
            _ => None,
        })
}

fn find_operation<'a>(document: &'a Value, id: &str) -> Option<(&'a str, &'a String, &'a Value)> {
    let paths = document.get("paths")?.as_object()?;
    paths.iter().find_map(|(path, item)| {
        HTTP_METHODS.iter().find_map(|m| {
            let op = item.get(*m)?;
            (op.get("operationId").and_then(Value::as_str) == Some(id)).then_some((*m, path, op))
        })
    })
}

/// progenitor's Rust name for a parameter (snake case; a keyword gets a trailing `_`).
pub fn rust_name(wire: &str) -> String {
    let cleaned: String = wire
        .replace('\'', "")
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '_' { c } else { '-' })
        .collect();
    let snake = heck::ToSnakeCase::to_snake_case(cleaned.as_str());
    let snake = match snake.chars().next() {
        None => "x".to_owned(),
        Some(c) if c.is_alphabetic() || c == '_' => snake,
        Some(_) => format!("_{snake}"),
    };
    if syn::parse_str::<syn::Ident>(&snake).is_ok() { snake } else { format!("{snake}_") }
}

/// The owned form of an argument type (`&'a str` -> `String`, `&'a T` -> `T`), and whether it
/// was an `Option`.
fn owned(ty: &Type) -> (Type, bool) {
    let (inner, optional) = match option_inner(ty) {
        Some(inner) => (inner, true),
        None => (ty.clone(), false),
    };
    let owned = match inner {
        Type::Reference(r) => match &*r.elem {
            Type::Path(p) if p.path.is_ident("str") => syn::parse_quote!(::std::string::String),
            other => other.clone(),
        },
        other => other,
    };
    (owned, optional)
}

/// `T` of `Option<T>`.
pub fn option_inner(ty: &Type) -> Option<Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    first_generic(ty)
}

/// The first type argument of a path type.
pub fn first_generic(ty: &Type) -> Option<Type> {
    let Type::Path(p) = ty else { return None };
    let PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else { return None };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    })
}

/// `T` of `Result<ResponseValue<T>, _>`.
pub fn response_type(output: &ReturnType) -> Option<Type> {
    let ReturnType::Type(_, ty) = output else { return None };
    first_generic(&first_generic(ty)?)
}

/// The text of each `#[doc = "..."]` among `attrs`, in order.
pub fn doc_texts(attrs: &[syn::Attribute]) -> impl Iterator<Item = String> + '_ {
    attrs.iter().filter_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// Every identifier in `tokens`, nested groups included.
pub fn idents(tokens: proc_macro2::TokenStream) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for tree in tokens {
        match tree {
            proc_macro2::TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            proc_macro2::TokenTree::Group(g) => out.extend(idents(g.stream())),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_names_match_progenitor() {
        assert_eq!(rust_name("organization_id"), "organization_id");
        assert_eq!(rust_name("actionName"), "action_name");
        assert_eq!(rust_name("type"), "type_");
        assert_eq!(rust_name("Idempotency-Key"), "idempotency_key");
    }

    #[test]
    fn arguments_become_owned() {
        let (ty, optional) = owned(&syn::parse_quote!(Option<&'a str>));
        assert!(optional);
        assert_eq!(quote::quote!(#ty).to_string(), ":: std :: string :: String");
        let (ty, optional) = owned(&syn::parse_quote!(&'a types::Body));
        assert!(!optional);
        assert_eq!(quote::quote!(#ty).to_string(), "types :: Body");
    }
}
