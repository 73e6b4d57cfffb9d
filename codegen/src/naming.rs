//! Rust names: method names derived from method + path, the identifier forms typify gives
//! property and enum names (used to find collisions before typify does), and a fresh name beside
//! the names taken.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToPascalCase, ToSnakeCase};

use crate::openapi::{HTTP_METHODS, operation_key};

/// Leading path segments that only group endpoints and add nothing to a method name.
const NAMESPACES: &[&str] = &["authorization", "user_management"];

/// Final path segments that name an action on the item before them (`/invitations/{id}/accept`).
const ACTIONS: &[&str] = &[
    "accept",
    "assess",
    "authorize",
    "challenge",
    "check",
    "complete",
    "confirm",
    "deactivate",
    "disable",
    "enable",
    "enroll",
    "expire",
    "logout",
    "reactivate",
    "resend",
    "reset",
    "revoke",
    "send",
    "token",
    "validate",
    "verify",
];

/// The identifier typify derives from a property name (snake_case), for collision checks.
pub fn field_key(name: &str) -> String {
    clean(name).to_snake_case()
}

/// The identifier typify derives from an enum value (PascalCase), for collision checks.
pub fn variant_key(value: &str) -> String {
    clean(value).to_pascal_case()
}

fn clean(s: &str) -> String {
    s.replace('\'', "").replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-")
}

/// The committed table of method names that derivation gets wrong, keyed by `"METHOD /path"`
/// (`workos-spec/method-names.toml`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NameOverrides {
    /// `"GET /authorization/roles" = "list_environment_roles"`.
    #[serde(default)]
    pub overrides: BTreeMap<String, String>,
}

/// Derives a method name from the HTTP method and path template.
///
/// `GET /organizations` is `list_organizations`, `GET /organizations/{id}` is
/// `get_organization`, `POST /invitations/{id}/accept` is `accept_invitation`,
/// `GET /organizations/{organizationId}/roles` is `list_organization_roles`.
pub fn derive_method_name(method: &str, path: &str) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let is_param = |s: &str| s.starts_with('{');
    let ends_with_param = segments.last().is_some_and(|s| is_param(s));
    let statics: Vec<(usize, &str)> =
        segments.iter().enumerate().filter(|(_, s)| !is_param(s)).map(|(i, s)| (i, *s)).collect();
    let Some(&(last_index, last)) = statics.last() else { return method.to_owned() };
    let last_is_action = !ends_with_param && ACTIONS.contains(&last) && statics.len() > 1;

    let mut words: Vec<String> = Vec::new();
    for (pos, &(i, s)) in statics.iter().enumerate() {
        let is_last = i == last_index;
        if is_last && last_is_action {
            continue;
        }
        if (pos == 0 && NAMESPACES.contains(&s) && statics.len() > 1) || is_version_segment(s) {
            continue;
        }
        let followed_by_param = segments.get(i + 1).is_some_and(|n| is_param(n));
        let word = if followed_by_param || (is_last && !plural_verb(method, ends_with_param)) {
            singular(s)
        } else {
            s.to_owned()
        };
        words.push(word.replace('-', "_"));
    }
    let verb = if last_is_action {
        last.to_owned()
    } else {
        let last_word = words.last().map(String::as_str).unwrap_or_default();
        match (method, ends_with_param) {
            ("get", true) => "get",
            ("get", false) if last.ends_with('s') => "list",
            ("get", false) => {
                if let Some(w) = words.last_mut() {
                    *w = last.replace('-', "_");
                }
                "get"
            }
            ("post", _) => "create",
            ("put", false) if !last_word.ends_with('s') => "update",
            ("put", false) => "set",
            ("put" | "patch", _) => "update",
            ("delete", _) => "delete",
            (other, _) => other,
        }
        .to_owned()
    };
    let mut name = verb;
    for w in dedupe_adjacent(words) {
        name.push('_');
        name.push_str(&w);
    }
    name.to_snake_case()
}

/// `v1`, `v2`, ...: an API version in the path, not a resource.
fn is_version_segment(s: &str) -> bool {
    s.strip_prefix('v').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn plural_verb(method: &str, ends_with_param: bool) -> bool {
    !ends_with_param && matches!(method, "get" | "delete" | "put")
}

fn dedupe_adjacent(words: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for w in words {
        if out.last() != Some(&w) {
            out.push(w);
        }
    }
    out
}

/// `base`, or else `base2`, `base3`, ...: the first name not in `taken`, which it joins.
pub(crate) fn unique_name(taken: &mut BTreeSet<String>, base: &str) -> String {
    let mut name = base.to_owned();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

/// English singular of a path segment (`policies` → `policy`, `addresses` → `address`).
pub fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("sses") || word.ends_with("xes") {
        word[..word.len() - 2].to_owned()
    } else if word.ends_with("ss") || word.ends_with("us") {
        word.to_owned()
    } else if let Some(stem) = word.strip_suffix('s') {
        stem.to_owned()
    } else {
        word.to_owned()
    }
}

/// One operation's method name and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedOperation {
    /// `"METHOD /path"`.
    pub key: String,
    /// The document's operationId.
    pub operation_id: String,
    /// The Rust method name.
    pub name: String,
    /// Whether the name came from the override table.
    pub overridden: bool,
}

/// Every operation of a parsed (not yet normalized) document with its method name.
pub fn method_names(document: &serde_json::Value, overrides: &NameOverrides) -> Vec<NamedOperation> {
    let mut out = Vec::new();
    let Some(paths) = document.get("paths").and_then(serde_json::Value::as_object) else { return out };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for (method, op) in item {
            if !HTTP_METHODS.contains(&method.as_str()) {
                continue;
            }
            let key = operation_key(method, path);
            let (name, overridden) = match overrides.overrides.get(&key) {
                Some(n) => (n.clone(), true),
                None => (derive_method_name(method, path), false),
            };
            let operation_id = op.get("operationId").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            out.push(NamedOperation { key, operation_id, name, overridden });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_expected_names() {
        let cases = [
            ("get", "/organizations", "list_organizations"),
            ("post", "/organizations", "create_organization"),
            ("get", "/organizations/{id}", "get_organization"),
            ("put", "/organizations/{id}", "update_organization"),
            ("delete", "/organizations/{id}", "delete_organization"),
            ("get", "/authorization/organizations/{organizationId}/roles", "list_organization_roles"),
            ("post", "/authorization/organizations/{organizationId}/roles", "create_organization_role"),
            (
                "patch",
                "/authorization/organizations/{organizationId}/roles/{slug}",
                "update_organization_role",
            ),
            ("post", "/user_management/invitations/{id}/accept", "accept_invitation"),
            ("put", "/feature-flags/{slug}/enable", "enable_feature_flag"),
            ("get", "/user_management/jwt_template", "get_jwt_template"),
            ("put", "/authorization/roles/{slug}/permissions", "set_role_permissions"),
            ("post", "/vault/v1/kv", "create_vault_kv"),
            ("post", "/api_keys/{id}/expire", "expire_api_key"),
        ];
        for (method, path, want) in cases {
            assert_eq!(derive_method_name(method, path), want, "{method} {path}");
        }
    }

    #[test]
    fn the_committed_table_separates_the_two_organization_role_lists() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../workos-spec/method-names.toml");
        let table: NameOverrides = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let doc = serde_json::json!({"paths": {
            "/authorization/organizations/{organizationId}/roles": {"get": {"operationId": "a"}},
            "/organizations/{id}/roles": {"get": {"operationId": "b"}}
        }});
        let names: Vec<String> = method_names(&doc, &table).into_iter().map(|n| n.name).collect();
        assert_eq!(names, ["list_organization_roles", "list_roles_for_organization"]);
    }

    #[test]
    fn keys_match_typify_sanitizing() {
        assert_eq!(field_key("createdAt"), field_key("created_at"));
        assert_eq!(variant_key("sign-up"), variant_key("sign_up"));
        assert_ne!(variant_key("sign-up"), variant_key("sign-in"));
    }
}
