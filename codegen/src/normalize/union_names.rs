//! What names a union's variants: the discriminator a tagged union's branches fix, the tail of
//! its values that tells them apart, and for an untagged union what each branch alone requires.

use heck::ToPascalCase;
use serde_json::Value;

use super::pass::Constants;
use crate::openapi::single_value;

/// Whether every two branches require different values at some pointer both constrain.
pub(super) fn tell_apart(constants: &[Constants]) -> bool {
    let differ =
        |a: &Constants, b: &Constants| a.iter().any(|(pa, va)| b.iter().any(|(pb, vb)| pa == pb && va != vb));
    constants.len() > 1
        && (0..constants.len())
            .all(|i| (i + 1..constants.len()).all(|j| differ(&constants[i], &constants[j])))
}

/// A constant only this branch requires (no other branch has that value there), string values
/// first: what names a branch that requires no property of its own.
fn telling_constant(constants: &[Constants], i: usize) -> Option<&str> {
    let unique = |(p, v): &&(String, Value)| {
        constants.iter().enumerate().all(|(j, c)| j == i || !c.iter().any(|(q, w)| q == p && w == v))
    };
    let mine = constants.get(i)?;
    mine.iter().filter(unique).find_map(|(_, v)| v.as_str())
}

pub(super) fn is_empty_object(branch: &Value) -> bool {
    branch.get("type").is_some_and(|t| t == "object") && branch.get("$ref").is_none()
}

/// The single allowed value of a required property.
pub(super) fn constant(branch: &Value, property: &str) -> Option<String> {
    let required = branch.get("required")?.as_array()?;
    if !required.iter().any(|r| r == property) {
        return None;
    }
    let prop = branch.get("properties")?.get(property)?;
    single_value(prop).and_then(Value::as_str).map(str::to_owned)
}

/// A required property every branch fixes to a value of its own.
pub(super) fn discriminator(branches: &[Value]) -> Option<String> {
    let first = branches.first()?;
    let candidates = first.get("properties")?.as_object()?.keys();
    candidates
        .filter(|p| {
            let values: Vec<Option<String>> = branches.iter().map(|b| constant(b, p)).collect();
            let mut distinct: Vec<&String> = values.iter().flatten().collect();
            distinct.sort();
            distinct.dedup();
            values.iter().all(Option::is_some) && distinct.len() == branches.len()
        })
        .min_by_key(|p| *p != "event" && *p != "type")
        .cloned()
}

/// A required property every branch fixes to a value, some values twice (no [`discriminator`]
/// because of it): the property and the repeated values.
pub(super) fn repeated_tag(branches: &[Value]) -> Option<(String, Vec<String>)> {
    if branches.len() < 2 || discriminator(branches).is_some() {
        return None;
    }
    let first = branches.first()?;
    let candidates = first.get("properties")?.as_object()?.keys();
    candidates
        .filter_map(|p| {
            let values: Option<Vec<String>> = branches.iter().map(|b| constant(b, p)).collect();
            let values = values?;
            let mut repeated: Vec<String> =
                values.iter().filter(|v| values.iter().filter(|w| w == v).count() > 1).cloned().collect();
            repeated.sort();
            repeated.dedup();
            // Mostly distinct: a tag with a slip, not a constant every branch shares (`object`).
            let distinct = values.len() - repeated.len();
            (!repeated.is_empty() && distinct * 2 >= values.len()).then(|| (p.clone(), repeated))
        })
        .min_by_key(|(p, _)| *p != "event" && *p != "type")
}

/// A variant name from a discriminator value (`m2m` -> `M2m`).
fn value_name(value: &str) -> String {
    tag_names(&[value.to_owned()]).pop().unwrap_or_default()
}

/// Variant names for discriminator values: the shortest tail of `:`-separated segments that
/// tells the value apart from the others, in Pascal case (`urn:workos:oauth:grant-type:magic-auth:code`
/// beside `...:email-verification:code` -> `MagicAuthCode`, `EmailVerificationCode`).
pub(super) fn tag_names(values: &[String]) -> Vec<String> {
    let segments: Vec<Vec<&str>> =
        values.iter().map(|v| v.split(':').filter(|s| !s.is_empty()).collect()).collect();
    let tail = |i: usize, n: usize| -> String {
        let s = &segments[i];
        s[s.len().saturating_sub(n)..].join("-").to_pascal_case()
    };
    (0..values.len())
        .map(|i| {
            let len = segments[i].len().max(1);
            (1..=len)
                .map(|n| tail(i, n))
                .find(|name| {
                    (0..values.len())
                        .all(|j| j == i || (1..=segments[j].len().max(1)).all(|m| tail(j, m) != *name))
                })
                .unwrap_or_else(|| values[i].to_pascal_case())
        })
        .collect()
}

fn required_names(branch: &Value) -> Vec<String> {
    branch
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// A name per branch: the first required property no other branch requires (`resource_id` ->
/// `ResourceId`), else a constant only it requires (`credential.auth_method: oauth` -> `Oauth`),
/// else `Base` (it adds nothing), else its type (`String`, `Number`...); a name taken twice gets
/// the branch's position.
pub(super) fn variant_names(branches: &[Value], constants: &[Constants]) -> Vec<String> {
    let required: Vec<Vec<String>> = branches.iter().map(required_names).collect();
    let mut names: Vec<String> = branches
        .iter()
        .enumerate()
        .map(|(i, branch)| {
            if let Some(r) = branch.get("$ref").and_then(Value::as_str) {
                return r.rsplit('/').next().unwrap_or(r).to_pascal_case();
            }
            let order: Vec<String> = branch
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            let own = order.iter().find(|p| {
                required[i].contains(p) && required.iter().enumerate().all(|(j, r)| j == i || !r.contains(p))
            });
            if let Some(p) = own {
                return match constant(branch, p) {
                    Some(value) => value_name(&value),
                    None => p.to_pascal_case(),
                };
            }
            if let Some(value) = telling_constant(constants, i) {
                return value_name(value);
            }
            if branch.get("properties").is_some() || is_empty_object(branch) {
                return "Base".to_owned();
            }
            match branch.get("type").and_then(Value::as_str) {
                Some(t) => t.to_pascal_case(),
                None => "Value".to_owned(),
            }
        })
        .collect();
    for i in 0..names.len() {
        if names.iter().filter(|n| **n == names[i]).count() > 1 {
            let base = names[i].clone();
            for (j, n) in names.iter_mut().enumerate() {
                if *n == base {
                    *n = format!("{base}{}", j + 1);
                }
            }
        }
    }
    names
}
