//! Every `new(..)` and every operation method takes its required inputs in document order,
//! checked against the pinned document itself, not against a snapshot of the generated code:
//!
//! - a request type's `new`: the order of its schema's `required` list (then its `allOf`
//!   parts', in order). The schema is found by shape: every object the document describes
//!   (components, inline objects, a union's branches merged with the shared parts) whose
//!   property names are the struct's fields;
//! - an operation method: its path parameters in the order of the path, then its required
//!   query parameters in the order of the `parameters` lists, then the body;
//! - a URL builder's `new`: the same, without the parameters with one allowed value.
//!
//! The generated code is read from `workos-api/src/emitted/`, which the snapshot test keeps equal
//! to what the codegen emits.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens as _;
use serde_json::Value;
use syn::{FnArg, ImplItem, Item, Pat};
use workos_codegen::{Project, workspace_root};

fn document() -> Value {
    Project { root: workspace_root() }.pinned_document().expect("the overlaid pinned document")
}

fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    let mut v = v;
    for _ in 0..16 {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else { break };
        let Some(target) = r.strip_prefix('#').and_then(|p| doc.pointer(p)) else { break };
        v = target;
    }
    v
}

/// An object the document describes: its properties (name -> schema) and required names in
/// document order.
#[derive(Clone, Debug, Default)]
struct Shape<'a> {
    properties: BTreeMap<String, &'a Value>,
    required: Vec<String>,
}

impl<'a> Shape<'a> {
    fn merged(&self, other: &Shape<'a>) -> Shape<'a> {
        let mut out = self.clone();
        for (k, v) in &other.properties {
            out.properties.entry(k.clone()).or_insert(v);
        }
        for r in &other.required {
            if !out.required.contains(r) {
                out.required.push(r.clone());
            }
        }
        out
    }
}

/// The shapes `schema` can take: one for an object, one per branch for a union, the product of
/// its parts for an `allOf`.
fn shapes<'a>(doc: &'a Value, schema: &'a Value, depth: usize) -> Vec<Shape<'a>> {
    let schema = resolve(doc, schema);
    if depth > 10 {
        return Vec::new();
    }
    let mut own = Shape::default();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        own.properties = props.iter().map(|(k, v)| (k.clone(), v)).collect();
    }
    for r in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
    {
        if !own.required.iter().any(|x| x == r) {
            own.required.push(r.to_owned());
        }
    }
    let mut out = vec![own];
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        let part_shapes = shapes(doc, part, depth + 1);
        if part_shapes.is_empty() {
            continue;
        }
        out = out.iter().flat_map(|s| part_shapes.iter().map(move |p| s.merged(p))).collect();
    }
    let branches = schema.get("oneOf").or_else(|| schema.get("anyOf")).and_then(Value::as_array);
    if let Some(branches) = branches {
        let mut each = Vec::new();
        for b in branches {
            for branch in shapes(doc, b, depth + 1) {
                each.extend(out.iter().map(|s| s.merged(&branch)));
            }
        }
        if !each.is_empty() {
            out = each;
        }
    }
    out
}

/// Every shape of every schema in the document, with the component it is found in (`None`
/// under `paths`): components and everything nested in them or in the paths.
fn all_shapes(doc: &Value) -> Vec<(Option<String>, Shape<'_>)> {
    fn walk<'a>(
        doc: &'a Value,
        v: &'a Value,
        origin: &Option<String>,
        out: &mut Vec<(Option<String>, Shape<'a>)>,
    ) {
        match v {
            Value::Object(map) => {
                if map.contains_key("properties") || map.contains_key("allOf") || map.contains_key("oneOf") {
                    let found = shapes(doc, v, 0).into_iter().filter(|s| !s.properties.is_empty());
                    out.extend(found.map(|s| (origin.clone(), s)));
                }
                for child in map.values() {
                    walk(doc, child, origin, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(doc, i, origin, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, &doc["paths"], &None, &mut out);
    for (name, schema) in doc["components"]["schemas"].as_object().into_iter().flatten() {
        walk(doc, schema, &Some(heck::ToPascalCase::to_pascal_case(name.as_str())), &mut out);
    }
    out
}

/// A property `new` fills in by itself (one allowed value) or does not take (it may be null,
/// or has a default).
fn not_an_argument(doc: &Value, schema: &Value) -> bool {
    let s = resolve(doc, schema);
    let one_value =
        s.get("const").is_some() || s.get("enum").and_then(Value::as_array).is_some_and(|e| e.len() == 1);
    let nullable = s.get("nullable") == Some(&Value::Bool(true))
        || s.get("type").and_then(Value::as_array).is_some_and(|t| t.iter().any(|x| x == "null"))
        || s.get("oneOf").or_else(|| s.get("anyOf")).and_then(Value::as_array).is_some_and(|b| {
            b.iter().any(|x| resolve(doc, x).get("type") == Some(&Value::String("null".into())))
        });
    one_value || nullable || s.get("default").is_some()
}

fn emitted() -> Vec<(String, syn::File)> {
    let dir = workspace_root().join("workos-api/src/emitted");
    let mut out = Vec::new();
    let mut todo = vec![dir.clone()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).expect("emitted dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read");
                let rel = path.strip_prefix(&dir).expect("rel").to_string_lossy().into_owned();
                out.push((rel, syn::parse_file(&text).expect("valid Rust")));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn arg_names(sig: &syn::Signature) -> Vec<String> {
    sig.inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(t) => match &*t.pat {
                Pat::Ident(p) => Some(p.ident.to_string().trim_start_matches("r#").to_owned()),
                _ => None,
            },
            FnArg::Receiver(_) => None,
        })
        .collect()
}

/// A struct's fields: Rust name -> wire name.
fn wire_names(s: &syn::ItemStruct) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for f in &s.fields {
        let Some(ident) = &f.ident else { continue };
        let rust = ident.to_string().trim_start_matches("r#").to_owned();
        let mut wire = rust.trim_end_matches('_').to_owned();
        for attr in f.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    wire = meta.value()?.parse::<syn::LitStr>()?.value();
                } else if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                Ok(())
            });
        }
        out.insert(rust, wire);
    }
    out
}

/// Letters and digits, lower case: how a wire name (`resourceId`) and a Rust name
/// (`resource_id`) compare.
fn letters(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

#[test]
fn every_body_constructor_takes_its_required_fields_in_document_order() {
    let doc = document();
    let shapes = all_shapes(&doc);
    let files = emitted();
    let mut structs = BTreeMap::new();
    let mut constructors = Vec::new();
    for (path, file) in files.iter().filter(|(p, _)| p.starts_with("types")) {
        for item in &file.items {
            match item {
                Item::Struct(s) => {
                    structs.insert(s.ident.to_string(), s);
                }
                Item::Impl(imp) if imp.trait_.is_none() => {
                    for it in &imp.items {
                        if let ImplItem::Fn(f) = it
                            && f.sig.ident == "new"
                        {
                            let ty = imp.self_ty.to_token_stream().to_string();
                            constructors.push((path.clone(), ty, arg_names(&f.sig)));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    assert!(constructors.len() > 50, "only {} constructors", constructors.len());
    let mut failures = Vec::new();
    let mut checked = 0;
    for (path, ty, args) in &constructors {
        let s = structs.get(ty).unwrap_or_else(|| panic!("{path}: `impl {ty}` without its struct"));
        let wires = wire_names(s);
        let args: Vec<String> =
            args.iter().map(|a| wires.get(a).cloned().unwrap_or_else(|| a.clone())).collect();
        let fields: BTreeSet<&str> = wires.values().map(String::as_str).collect();
        let arg_set: BTreeSet<&str> = args.iter().map(String::as_str).collect();
        // The document's objects with exactly these properties and these arguments, and the
        // order each gives.
        let candidates: Vec<(&Option<String>, Vec<String>)> = shapes
            .iter()
            .filter(|(_, sh)| sh.properties.keys().map(String::as_str).collect::<BTreeSet<_>>() == fields)
            .map(|(origin, sh)| {
                let order = sh
                    .required
                    .iter()
                    .filter(|r| sh.properties.get(*r).is_some_and(|p| !not_an_argument(&doc, p)))
                    .cloned()
                    .collect::<Vec<_>>();
                (origin, order)
            })
            .filter(|(_, order)| order.iter().map(String::as_str).collect::<BTreeSet<_>>() == arg_set)
            .collect();
        let mut orders: BTreeSet<Vec<String>> = candidates.iter().map(|(_, o)| o.clone()).collect();
        // Objects of the same shape listing their required names in other orders are types of
        // their own: this struct is the one of the component it is named after (the longest
        // component name it starts with), or, when none is, not one of the components that
        // have a struct of their own name.
        if orders.len() > 1 {
            let named = candidates
                .iter()
                .filter_map(|(origin, order)| {
                    origin.as_ref().filter(|o| ty.starts_with(o.as_str())).map(|o| (o.len(), order))
                })
                .max_by_key(|(len, _)| *len);
            orders = match named {
                Some((_, order)) => BTreeSet::from([order.clone()]),
                None => candidates
                    .iter()
                    .filter(|(origin, _)| !origin.as_ref().is_some_and(|o| structs.contains_key(o)))
                    .map(|(_, o)| o.clone())
                    .collect(),
            };
        }
        match orders.len() {
            0 => failures.push(format!(
                "{ty}::new({}): no object of the document has the properties {fields:?} with these required fields",
                args.join(", ")
            )),
            1 => {
                let expected = orders.into_iter().next().unwrap_or_default();
                if expected != args {
                    failures.push(format!("{ty}::new({}): the document's order is ({})", args.join(", "), expected.join(", ")));
                }
                checked += 1;
            }
            _ => failures.push(format!("{ty}::new: the document gives this shape several orders: {orders:?}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} constructors:\n{}",
        failures.len(),
        constructors.len(),
        failures.join("\n")
    );
    assert_eq!(checked, constructors.len());
}

/// What the document says an operation's positional arguments are: path parameters in the
/// order of the path, then required query parameters in document order, without those with
/// one allowed value when `skip_fixed`.
fn documented_arguments(doc: &Value, method: &str, path: &str, skip_fixed: bool) -> Vec<String> {
    let item = &doc["paths"][path];
    let op = &item[method];
    let params: Vec<&Value> = item
        .get("parameters")
        .into_iter()
        .chain(op.get("parameters"))
        .flat_map(|l| l.as_array().into_iter().flatten())
        .map(|p| resolve(doc, p))
        .collect();
    let mut path_params: Vec<(usize, String)> = params
        .iter()
        .filter(|p| p["in"] == "path")
        .filter_map(|p| p["name"].as_str())
        .map(|n| (path.find(&format!("{{{n}}}")).expect("declared path parameter"), n.to_owned()))
        .collect();
    path_params.sort();
    let fixed = |p: &Value| {
        let s = resolve(doc, &p["schema"]);
        s.get("const").is_some() || s.get("enum").and_then(Value::as_array).is_some_and(|e| e.len() == 1)
    };
    let query = params
        .iter()
        .filter(|p| p["in"] == "query" && p["required"] == true && !(skip_fixed && fixed(p)))
        .filter_map(|p| p["name"].as_str().map(str::to_owned));
    path_params.into_iter().map(|(_, n)| n).chain(query).collect()
}

#[test]
fn every_operation_method_takes_its_required_inputs_in_document_order() {
    use workos_codegen::review::compat::{Owner, argument_names};
    let doc = document();
    let files: Vec<(String, syn::File)> =
        emitted().into_iter().map(|(path, file)| (format!("src/emitted/{path}"), file)).collect();
    let mut failures = Vec::new();
    let mut checked = 0;
    for (function, (owner, names)) in argument_names(&files) {
        let Owner::Operation { key, .. } = owner else { continue };
        let (method, path) = key.split_once(' ').unwrap_or_else(|| panic!("{function}: no operation"));
        let method = method.to_lowercase();
        let mut expected: Vec<String> =
            documented_arguments(&doc, &method, path, false).iter().map(|n| letters(n)).collect();
        if doc["paths"][path][&method].pointer("/requestBody/required") == Some(&Value::Bool(true)) {
            expected.push("body".into());
        }
        let got: Vec<String> = names.iter().map(|n| letters(n)).collect();
        if got != expected {
            failures.push(format!(
                "{function} ({key}): ({}), the document's order is ({})",
                got.join(", "),
                expected.join(", ")
            ));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{} methods:\n{}", failures.len(), failures.join("\n"));
    // Every operation is a method or a URL builder; the URL builders are checked below.
    let operations = workos_codegen::openapi::operations_of(&doc);
    let redirects = operations
        .iter()
        .filter(|(_, _, _, op)| {
            op["responses"].as_object().is_some_and(|r| r.keys().any(|s| s.starts_with('3')))
        })
        .count();
    assert_eq!(checked + redirects, operations.len());
}

#[test]
fn every_url_builder_takes_its_required_parameters_in_document_order() {
    let doc = document();
    let files = emitted();
    let (_, redirects) = files.iter().find(|(p, _)| p == "redirects.rs").expect("redirects.rs");
    let mut news = BTreeMap::new();
    for item in &redirects.items {
        let Item::Impl(imp) = item else { continue };
        for it in &imp.items {
            if let ImplItem::Fn(f) = it
                && f.sig.ident == "new"
            {
                news.insert(imp.self_ty.to_token_stream().to_string(), arg_names(&f.sig));
            }
        }
    }
    let mut checked = 0;
    for item in &redirects.items {
        let Item::Fn(f) = item else { continue };
        let doc_text: String = f
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .map(|a| a.to_token_stream().to_string())
            .collect();
        let at = doc_text.find("` answers with a redirect").expect("the builder names its operation");
        let before = &doc_text[..at];
        let key = &before[before.rfind('`').expect("quoted") + 1..];
        let (method, path) = key.split_once(' ').expect("METHOD /path");
        let params = f.sig.inputs.iter().last().expect("params").to_token_stream().to_string();
        let params = params.rsplit(' ').next().unwrap_or_default().to_owned();
        let got = news.get(&params).unwrap_or_else(|| panic!("{params}::new"));
        let expected: Vec<String> = documented_arguments(&doc, &method.to_lowercase(), path, true)
            .iter()
            .map(|n| letters(n))
            .collect();
        let got: Vec<String> = got.iter().map(|n| letters(n)).collect();
        assert_eq!(got, expected, "{params}::new ({key})");
        checked += 1;
    }
    assert!(checked >= 4, "{checked} URL builders");
}

/// The `{name}`s of a path template, in order.
fn placeholders(path: &str) -> Vec<&str> {
    path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')).collect()
}

/// Every generated call hands the runtime its path parameters' values in the order of the path
/// template (the runtime fills the template in and refuses values that retarget the call); no
/// builder formats a path itself.
#[test]
fn every_generated_call_gives_the_runtime_its_path_parameters_in_path_order() {
    use syn::{Expr, ExprCall};
    fn field_of(e: &Expr) -> Option<String> {
        let Expr::Call(ExprCall { args, .. }) = e else { return None };
        let Some(Expr::Reference(r)) = args.first() else { return None };
        let Expr::Field(f) = &*r.expr else { return None };
        Some(f.member.to_token_stream().to_string())
    }
    let mut calls = 0;
    let mut failures = Vec::new();
    for (file, ast) in emitted() {
        for item in &ast.items {
            let Item::Impl(imp) = item else { continue };
            for ii in &imp.items {
                let ImplItem::Fn(f) = ii else { continue };
                if f.sig.ident != "into_call" {
                    continue;
                }
                // `Call::new(..)`, then `.query(..)`, `.header(..)`, `.json(..)` on it.
                let mut expr = match f.block.stmts.first() {
                    Some(syn::Stmt::Expr(e, _)) => e,
                    _ => panic!("{file}: an into_call that is not one expression"),
                };
                while let Expr::MethodCall(m) = expr {
                    expr = &m.receiver;
                }
                let Expr::Call(call) = expr else {
                    failures.push(format!("{file}: an into_call that does not start with Call::new"));
                    continue;
                };
                let args: Vec<&Expr> = call.args.iter().collect();
                let (Some(Expr::Reference(meta)), Some(Expr::Reference(params))) = (args.get(1), args.get(2))
                else {
                    failures.push(format!("{file}: Call::new without a meta and a parameter slice"));
                    continue;
                };
                let (Expr::Struct(meta), Expr::Array(params)) = (&*meta.expr, &*params.expr) else {
                    failures.push(format!("{file}: Call::new without a meta and a parameter slice"));
                    continue;
                };
                let path = meta
                    .fields
                    .iter()
                    .find(|fv| fv.member.to_token_stream().to_string() == "path")
                    .and_then(|fv| match &fv.expr {
                        Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                        _ => None,
                    })
                    .expect("a path in the meta");
                let expected: Vec<String> = placeholders(&path).into_iter().map(letters).collect();
                let got: Vec<String> = params
                    .elems
                    .iter()
                    .map(|e| field_of(e).map(|f| letters(&f)).unwrap_or_default())
                    .collect();
                if got != expected {
                    failures.push(format!(
                        "{file} {path}: ({}) for ({})",
                        got.join(", "),
                        expected.join(", ")
                    ));
                }
                calls += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let operations = workos_codegen::openapi::operations_of(&document()).len();
    assert!(calls >= operations - 4, "{calls} calls for {operations} operations");
}

/// For every operation of the document and every position of a path parameter, an empty, `.`
/// or `..` value fails the call before anything is sent, with an error naming the parameter.
#[tokio::test]
async fn every_path_parameter_position_refuses_values_that_retarget_the_call() {
    use workos_api::runtime::{Call, OperationMeta};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base_url = format!("http://{}", listener.local_addr().expect("addr"));
    let reached = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = reached.clone();
    tokio::spawn(async move {
        while listener.accept().await.is_ok() {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    let client =
        workos_api::Client::builder().api_key("sk_test_paths").base_url(&base_url).build().expect("client");
    let doc = document();
    let mut positions = 0;
    for (method, path, _, _) in workos_codegen::openapi::operations_of(&doc) {
        let names = placeholders(path);
        let meta: &'static OperationMeta = Box::leak(Box::new(OperationMeta {
            id: "hostile",
            method: Box::leak(method.to_ascii_uppercase().into_boxed_str()),
            path: Box::leak(path.to_owned().into_boxed_str()),
            idempotency_key: false,
        }));
        for (at, name) in names.iter().enumerate() {
            for bad in ["", ".", ".."] {
                let params: Vec<String> = (0..names.len())
                    .map(|i| if i == at { bad.to_owned() } else { format!("id_{i}") })
                    .collect();
                let e = Call::new(client.clone(), meta, &params, Default::default())
                    .send_empty()
                    .await
                    .expect_err("refused");
                assert!(e.is_invalid_request(), "{method} {path} {name}={bad:?}: {e:?}");
                assert!(e.to_string().contains(&format!("path parameter `{name}` is ")), "{e}");
            }
            positions += 1;
        }
    }
    assert!(positions > 150, "{positions} path parameter positions");
    assert_eq!(reached.load(std::sync::atomic::Ordering::SeqCst), 0, "a call reached the server");
}
