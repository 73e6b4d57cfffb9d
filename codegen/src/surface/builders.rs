//! The service-facing surface, one file per area: the area handle (`client.<area>()`), one
//! method per operation taking the required inputs, and one request builder per operation with
//! a setter per optional input, `send()`, `send_with_response()` and `IntoFuture`. Lists also
//! implement `ListRequest`, which gives them `.stream()` and `.pages()`.
//!
//! Everything a builder shares (per-call options, execution, retries, decoding, paging) is in
//! the hand-written runtime; a builder only gathers its inputs into a `Call`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Type;

use super::areas::handle_name;
use super::model::{Location, Operation, Param, first_generic};
use super::pagination::Paginated;

/// Names a builder has already: a parameter setter of the same name would shadow them.
pub const RESERVED: &[&str] = &[
    "send",
    "send_with_response",
    "into_future",
    "timeout",
    "retry_mode",
    "max_attempts",
    "idempotency_key",
    "header",
    "stream",
    "pages",
    "stream_with",
    "pages_with",
    "call_options",
    "set_page",
    "fetch_page",
];

/// How a setter or argument takes its value, and how the builder stores it.
struct Input {
    /// The argument's type.
    arg: TokenStream,
    /// The stored type.
    stored: TokenStream,
    /// From the argument (`v`) to the stored value.
    convert: TokenStream,
}

/// A builder stores a `NonZeroU64` parameter (a `limit`) as `u64`, so `.limit(50)` infers.
fn input(ty: &Type, name: &syn::Ident) -> Input {
    let stored: Type = if quote!(#ty).to_string().replace(' ', "") == "::std::num::NonZeroU64" {
        syn::parse_quote!(u64)
    } else {
        ty.clone()
    };
    let (arg, convert) = taking(&stored, name);
    Input { arg, stored: quote!(#stored), convert }
}

/// How a value of `ty` is taken, as `(argument type, conversion of the argument named `name`)`:
/// numbers and booleans as they are (so literals infer), a list as an iterator of convertible
/// items, anything else through `Into`. Shared by builder setters and body constructors.
pub(crate) fn taking(ty: &Type, name: &syn::Ident) -> (TokenStream, TokenStream) {
    let text = quote!(#ty).to_string().replace(' ', "");
    match text.as_str() {
        "bool" | "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "f32" | "f64" => {
            (quote!(#ty), quote!(#name))
        }
        _ if text.starts_with("::std::vec::Vec<") => {
            let item = first_generic(ty).unwrap_or_else(|| ty.clone());
            (
                quote!(impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<#item>>),
                quote!(#name.into_iter().map(::std::convert::Into::into).collect()),
            )
        }
        _ => (quote!(impl ::std::convert::Into<#ty>), quote!(#name.into())),
    }
}

fn doc_lines(text: &str) -> TokenStream {
    let text = text.trim();
    if text.is_empty() {
        return quote!();
    }
    quote!(#[doc = #text])
}

/// One area's file.
pub fn emit_area(area: &str, ops: &[&Operation], lists: &[Paginated]) -> TokenStream {
    let handle = format_ident!("{}", handle_name(area));
    let accessor = format_ident!("{}", area);
    let area_title = area.replace('_', " ");
    let module_doc = format!(
        "The {area_title} area: [`{handle}`], reached by [`Client::{area}`](crate::Client::{area}), and one request builder per operation ({} operations).\n\nCompiled with the `{area}` feature (on by default).\n\n{}",
        ops.len(),
        area_example(area, ops, lists)
    );
    let mut table = String::from("| method | request |\n|---|---|\n");
    for op in ops {
        table.push_str(&format!("| [`{0}`]({1}::{0}) | `{2} {3}` |\n", op.name, handle, op.method, op.path));
    }
    let handle_doc = format!(
        "The {area_title} operations. Each method takes the operation's required inputs and returns its request builder: set optional inputs, then `.await` it (or `.send().await`).\n\n{table}"
    );
    let accessor_doc = format!(
        "The {area_title} operations ([`{handle}`](crate::{area}::{handle})).\n\nCompiled with the `{area}` feature (on by default)."
    );
    let methods = ops.iter().map(|op| method(op));
    let builders = ops.iter().map(|op| builder(op, lists.iter().find(|l| l.method == op.name)));
    quote! {
        #![doc = #module_doc]
        use crate::types;

        #[doc = #handle_doc]
        #[derive(Debug, Clone)]
        pub struct #handle {
            // The hand-written layer extends some areas (Vault's encryption, SSO's sign-in).
            pub(crate) client: crate::Client,
        }

        impl crate::Client {
            #[doc = #accessor_doc]
            pub fn #accessor(&self) -> #handle {
                #handle { client: self.clone() }
            }
        }

        impl #handle {
            #(#methods)*
        }

        #(#builders)*
    }
}

/// The area page's example, a doc test: the area's simplest call, preferring a list (streamed),
/// then a `GET`, then fewer required inputs, then document order. String inputs are literals;
/// any other input is a parameter of the example's function.
fn area_example(area: &str, ops: &[&Operation], lists: &[Paginated]) -> String {
    let is_string = |ty: &Type| quote!(#ty).to_string().replace(' ', "") == "::std::string::String";
    let is_list = |op: &Operation| lists.iter().any(|l| l.method == op.name);
    let rank = |op: &&&Operation| {
        let body = op.body.as_ref().is_some_and(|b| b.required);
        let simple = !body && op.required().all(|p| is_string(&p.ty));
        (!simple, !is_list(op), op.method != "GET", op.required().count())
    };
    let Some(op) = ops.iter().min_by_key(rank) else {
        return String::new();
    };
    let list = is_list(op).then_some(());
    let public =
        |ty: &Type| quote!(#ty).to_string().replace(' ', "").replace("types::", "workos_api::types::");
    let (mut args, mut params) = (Vec::new(), vec!["client: &Client".to_owned()]);
    for p in op.required() {
        if is_string(&p.ty) {
            args.push(format!("{:?}", p.ident.to_string()));
        } else {
            args.push(p.ident.to_string());
            params.push(format!("{}: {}", p.ident, public(&p.ty)));
        }
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        args.push("body".to_owned());
        params.push(format!("body: {}", public(&body.ty)));
    }
    let call = format!("client.{area}().{}({})", op.name, args.join(", "));
    let (imports, body) = if list.is_some() {
        (
            "use futures::TryStreamExt as _;\nuse workos_api::prelude::*;",
            format!(
                "    // Every item, page after page.\n    let mut items = {call}.stream();\n    while let Some(item) = items.try_next().await? {{\n        println!(\"{{item:?}}\");\n    }}"
            ),
        )
    } else {
        (
            "use workos_api::prelude::*;",
            format!("    let response = {call}.await?;\n    println!(\"{{response:?}}\");"),
        )
    };
    format!(
        "# Example\n\n`{} {}`:\n\n```no_run\n{imports}\n\nasync fn example({}) -> Result<(), ApiError> {{\n{body}\n    Ok(())\n}}\n```",
        op.method,
        op.path,
        params.join(", ")
    )
}

fn builder_name(op: &Operation) -> syn::Ident {
    format_ident!("{}", heck::ToPascalCase::to_pascal_case(op.name.to_string().as_str()))
}

fn method(op: &Operation) -> TokenStream {
    let name = &op.name;
    let builder = builder_name(op);
    let required: Vec<&Param> = op.required().collect();
    let args = required.iter().map(|p| {
        let ident = &p.ident;
        let Input { arg, .. } = input(&p.ty, ident);
        quote!(#ident: #arg)
    });
    let inits = required.iter().map(|p| {
        let ident = &p.ident;
        let Input { convert, .. } = input(&p.ty, ident);
        quote!(#ident: #convert)
    });
    let optional = op.optional().map(|p| {
        let ident = &p.ident;
        quote!(#ident: None)
    });
    let (body_arg, body_init) = match &op.body {
        Some(b) if b.required => {
            let ty = &b.ty;
            (quote!(body: impl ::std::convert::Into<#ty>), quote!(body: body.into(),))
        }
        Some(_) => (quote!(), quote!(body: None,)),
        None => (quote!(), quote!()),
    };
    let comma = if required.is_empty() || body_arg.is_empty() { quote!() } else { quote!(,) };
    let mut doc = format!("{}\n\n`{} {}`", op.summary.trim(), op.method, op.path);
    if op.deprecated {
        doc.push_str(" (deprecated)");
    }
    for p in &required {
        doc.push_str(&format!("\n- `{}`: {}", p.ident, one_line(&p.description)));
    }
    doc.push_str(&format!("\n\nReturns a [`{builder}`]: set optional inputs on it, then `.await` it."));
    quote! {
        #[doc = #doc]
        pub fn #name(&self, #(#args),* #comma #body_arg) -> #builder {
            #builder {
                client: self.client.clone(),
                options: ::std::default::Default::default(),
                #(#inits,)*
                #(#optional,)*
                #body_init
            }
        }
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn builder(op: &Operation, list: Option<&Paginated>) -> TokenStream {
    let name = builder_name(op);
    let method = &op.name;
    let id = method.to_string();
    let (http, path, key) = (&op.method, &op.path, op.idempotency_key);
    let Fields { fields, setters } = fields(op);
    let Body { field: body_field, setter: body_setter, call: body_call } = body(op);
    let (path_args, queries, headers) = call_inputs(op);
    let (output, send, send_with_response) = match &op.output {
        Some(ty) => (quote!(#ty), quote!(send), quote!(send_with_response)),
        None => (quote!(()), quote!(send_empty), quote!(send_empty_with_response)),
    };
    let doc = format!(
        "A [`{0}`](super::{1}::{0}) request: `{2} {3}`. Set optional inputs with its setters, then `.await` it (or call [`send`](Self::send)).\n\n{4}",
        method,
        heck::ToPascalCase::to_pascal_case(op.area.as_str()),
        http,
        path,
        op.description.trim()
    );
    let list_impl = list.map(|l| list_impl(&name, l));
    let must_use = "a request does nothing until it is awaited or sent";
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #[must_use = #must_use]
        pub struct #name {
            client: crate::Client,
            options: crate::runtime::CallOptions,
            #(#fields)*
            #body_field
        }

        impl #name {
            #(#setters)*
            #body_setter

            /// Sends the request; the result is the decoded body.
            pub fn send(self) -> crate::runtime::ResponseFuture<#output> {
                self.into_call().#send()
            }

            /// Sends the request; the result keeps the status and headers (and the request id).
            pub fn send_with_response(self) -> crate::runtime::ResponseFuture<crate::runtime::Response<#output>> {
                self.into_call().#send_with_response()
            }

            fn into_call(self) -> crate::runtime::Call {
                crate::runtime::Call::new(
                    self.client,
                    &crate::runtime::OperationMeta { id: #id, method: #http, path: #path, idempotency_key: #key },
                    &[#(#path_args),*],
                    self.options,
                )
                #(#queries)*
                #(#headers)*
                #body_call
            }
        }

        impl crate::runtime::Request for #name {
            type Output = #output;

            fn call_options(&mut self) -> &mut crate::runtime::CallOptions {
                &mut self.options
            }
        }

        impl ::std::future::IntoFuture for #name {
            type Output = ::std::result::Result<#output, crate::ApiError>;
            type IntoFuture = crate::runtime::ResponseFuture<#output>;

            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }

        #list_impl
    }
}

/// A builder's input fields (required, then optional ones as `Option`s) and the setters of
/// its optional inputs.
struct Fields {
    fields: Vec<TokenStream>,
    setters: Vec<TokenStream>,
}

fn fields(op: &Operation) -> Fields {
    let required = op.required().map(|p| {
        let ident = &p.ident;
        let stored = input(&p.ty, ident).stored;
        quote!(#ident: #stored,)
    });
    let optional = op.optional().map(|p| {
        let ident = &p.ident;
        let stored = input(&p.ty, ident).stored;
        quote!(#ident: ::std::option::Option<#stored>,)
    });
    let setters = op
        .optional()
        .map(|p| {
            let ident = &p.ident;
            let Input { arg, convert, .. } = input(&p.ty, ident);
            let doc = doc_lines(&format!("`{}`: {}", p.wire, p.description.trim()));
            quote! {
                #doc
                pub fn #ident(mut self, #ident: #arg) -> Self {
                    self.#ident = ::std::option::Option::Some(#convert);
                    self
                }
            }
        })
        .collect();
    Fields { fields: required.chain(optional).collect(), setters }
}

/// A builder's request body: its field, its setter (when it is optional) and how the call
/// sends it; all empty for an operation without one.
struct Body {
    field: TokenStream,
    setter: TokenStream,
    call: TokenStream,
}

fn body(op: &Operation) -> Body {
    match &op.body {
        Some(b) if b.required => {
            let ty = &b.ty;
            Body { field: quote!(body: #ty,), setter: quote!(), call: quote!(.json(&self.body)) }
        }
        Some(b) => {
            let ty = &b.ty;
            Body {
                field: quote!(body: ::std::option::Option<#ty>,),
                setter: quote! {
                    /// The request body (optional for this operation).
                    pub fn body(mut self, body: impl ::std::convert::Into<#ty>) -> Self {
                        self.body = ::std::option::Option::Some(body.into());
                        self
                    }
                },
                call: quote!(.json_opt(self.body.as_ref())),
            }
        }
        None => Body { field: quote!(), setter: quote!(), call: quote!() },
    }
}

/// What a call takes from the builder: the path parameters' values in the order of the path
/// (as the model keeps them; the runtime fills in the template and refuses values that would
/// retarget the call), the query parameters and the optional headers.
fn call_inputs(op: &Operation) -> (Vec<TokenStream>, Vec<TokenStream>, Vec<TokenStream>) {
    let path_args = op
        .params
        .iter()
        .filter(|p| p.location == Location::Path)
        .map(|p| {
            let ident = &p.ident;
            quote!(::std::string::ToString::to_string(&self.#ident))
        })
        .collect();
    let queries = op
        .params
        .iter()
        .filter(|p| p.location == Location::Query)
        .map(|p| {
            let (ident, wire) = (&p.ident, &p.wire);
            quote!(.query(#wire, &self.#ident))
        })
        .collect();
    let headers = op
        .optional()
        .filter(|p| p.location == Location::Header)
        .map(|p| {
            let (ident, wire) = (&p.ident, p.wire.to_lowercase());
            quote!(.header(#wire, self.#ident.as_ref().map(::std::string::ToString::to_string).as_deref()))
        })
        .collect();
    (path_args, queries, headers)
}

fn list_impl(name: &syn::Ident, list: &Paginated) -> TokenStream {
    let item = &list.item;
    let cursor_of = |present: bool, field: &str| {
        let field = format_ident!("{}", field);
        if present { quote!(m.#field) } else { quote!(None) }
    };
    let (before, after) = (cursor_of(list.cursors.0, "before"), cursor_of(list.cursors.1, "after"));
    let into_page = if list.optional_metadata {
        quote! {
            |list| {
                let (before, after) = list.list_metadata.map(|m| (#before, #after)).unwrap_or_default();
                crate::runtime::Page::new(list.data, before, after)
            }
        }
    } else {
        quote! {
            |list| {
                let m = list.list_metadata;
                crate::runtime::Page::new(list.data, #before, #after)
            }
        }
    };
    quote! {
        impl crate::runtime::ListRequest for #name {
            type Item = #item;

            fn set_page(&mut self, page: crate::runtime::PageRequest) {
                page.limit_into(&mut self.limit);
                self.after = page.after;
                self.before = page.before;
            }

            fn fetch_page(self) -> crate::runtime::PageFuture<Self::Item> {
                crate::runtime::paginate::page_of(self.send(), #into_page)
            }
        }
    }
}
