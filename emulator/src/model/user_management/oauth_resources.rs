//! AuthKit OAuth resources: the MCP resource indicators (resource URIs) AuthKit issues tokens
//! for; at most one is the environment's default.
//!
//! No event schema of the document names these resources, so these writes emit none.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::error::{ApiError, ApiResult, non_empty};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::{Name, Store};

records!(OAuthResource => "AuthKit OAuth resource");

/// A resource (`AuthkitOAuthResource`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct OAuthResource {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) uri: String,
    pub(crate) default: bool,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `POST /user_management/authkit_oauth_resources`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CreateOAuthResource {
    pub(crate) uri: String,
    #[serde(default)]
    pub(crate) default: bool,
}

/// 422 on `uri` unless it is an absolute `http(s)` URI; a wildcard is one `*`, either the
/// whole leftmost hostname label or the whole last path segment
/// (`CreateAuthkitOAuthResourceDto.uri`). Answers whether it is a wildcard pattern.
fn check_uri(uri: &str) -> ApiResult<bool> {
    non_empty("uri", uri)?;
    let bad = |why: &str| ApiError::invalid_field("uri", "invalid", format!("uri '{uri}' {why}."));
    let rest = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"))
        .ok_or_else(|| bad("is not an absolute http or https URI"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty() || host.contains(char::is_whitespace) || path.contains(char::is_whitespace) {
        return Err(bad("is not an absolute http or https URI"));
    }
    let stars = uri.matches('*').count();
    let leftmost_label = host.split('.').next() == Some("*") && host.contains('.');
    let last_segment = path.rsplit('/').next() == Some("*") && !host.contains('*');
    match stars {
        0 => Ok(false),
        1 if leftmost_label || last_segment => Ok(true),
        _ => Err(bad(
            "has a wildcard other than one `*` as the leftmost hostname label or the last path segment",
        )),
    }
}

impl Store {
    /// A page of the resources.
    pub(crate) fn list_oauth_resources(&self, query: &Query) -> Value {
        query.page_sorted(&self.oauth_resources, |r| &r.id)
    }

    /// Adds a resource. A URI already registered is a 422 on `uri` (the operation declares no
    /// 409; WorkOS's code is not known, so the emulator's code for a bad field), and so is a
    /// wildcard made the default, which the document says cannot be. A new default clears the
    /// previous one.
    pub(crate) fn create_oauth_resource(&mut self, new: CreateOAuthResource) -> ApiResult<OAuthResource> {
        let wildcard = check_uri(&new.uri)?;
        if wildcard && new.default {
            return Err(ApiError::invalid_field(
                "default",
                "invalid",
                "A wildcard pattern cannot be the default resource.",
            ));
        }
        if self.oauth_resources.iter().any(|r| r.uri == new.uri) {
            return Err(ApiError::invalid_field(
                "uri",
                "already_exists",
                format!("Resource '{}' already exists.", new.uri),
            ));
        }
        let at = now();
        if new.default {
            for r in self.oauth_resources.iter_mut().filter(|r| r.default) {
                r.default = false;
                r.updated_at.clone_from(&at);
            }
        }
        let record = OAuthResource {
            object: "authkit_oauth_resource",
            id: self.ids.next("authkit_oauth_resource"),
            uri: new.uri,
            default: new.default,
            created_at: at.clone(),
            updated_at: at,
        };
        self.oauth_resources.push(record.clone());
        Ok(record)
    }

    /// Removes a resource.
    pub(crate) fn delete_oauth_resource(&mut self, id: &str) -> ApiResult<OAuthResource> {
        self.oauth_resources.take(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(uri: &str, default: bool) -> CreateOAuthResource {
        CreateOAuthResource { uri: uri.to_owned(), default }
    }

    #[test]
    fn uris_are_absolute_and_wildcards_sit_where_the_document_allows() {
        for (uri, wildcard) in [
            ("https://mcp.example.com", false),
            ("https://mcp.example.com/v1", false),
            ("https://*.example.com", true),
            ("https://api.example.com/tenants/*", true),
        ] {
            assert_eq!(check_uri(uri).ok(), Some(wildcard), "{uri}");
        }
        for bad in [
            "",
            "mcp.example.com",
            "ftp://x.test",
            "https://",
            "https://a*.example.com",
            "https://*.x.test/*",
            "https://x.test/*/a",
        ] {
            assert_eq!(check_uri(bad).expect_err(bad).errors[0].field, "uri", "{bad}");
        }
    }

    #[test]
    fn one_default_at_a_time_and_each_uri_once() {
        let mut store = Store::default();
        let first = store.create_oauth_resource(new("https://a.test", true)).expect("a");
        let second = store.create_oauth_resource(new("https://b.test", true)).expect("b");
        assert!(second.default && !store.oauth_resources.get(&first.id).expect("a").default);
        let e = store.create_oauth_resource(new("https://a.test", false)).expect_err("twice");
        assert_eq!((e.status.as_u16(), e.errors[0].code), (422, "already_exists"));
        let e = store.create_oauth_resource(new("https://*.c.test", true)).expect_err("wildcard default");
        assert_eq!(e.errors[0].field, "default");
        let page = store.list_oauth_resources(&Query::parse(Some("order=asc")).expect("q"));
        let uris: Vec<&str> =
            page["data"].as_array().expect("data").iter().filter_map(|r| r["uri"].as_str()).collect();
        assert_eq!(uris, ["https://a.test", "https://b.test"]);
        store.delete_oauth_resource(&first.id).expect("deleted");
        let e = store.delete_oauth_resource(&first.id).expect_err("gone");
        assert_eq!(e.message, format!("AuthKit OAuth resource not found: '{}'.", first.id));
    }
}
