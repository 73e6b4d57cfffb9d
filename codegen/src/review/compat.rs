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

mod corpus;

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use syn::{FnArg, ImplItem, Item, Pat};

pub use corpus::{Corpus, Owner, corpus};
use corpus::{area_methods, operation_key};

use super::diff::rules::Severity;
use super::diff::{Change, Report};
use super::order::common_order;
use crate::emit::module_of;

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
        let Some(module) = module_of(path) else { continue };
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
        let (was, now) = common_order(before, after);
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
    use crate::emit::EmittedFile;

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
