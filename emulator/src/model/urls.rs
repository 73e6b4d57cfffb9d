//! URLs the model hands back for a browser to follow: a redirect with its parameters, and the
//! check that a URL given to redirect to is one a browser can be sent to.

/// `base` with the parameters that have a value appended (form-encoded), after its own.
pub(crate) fn url_with(base: &str, params: &[(&str, Option<&str>)]) -> String {
    let mut out = base.to_owned();
    let mut sep = if base.contains('?') { '&' } else { '?' };
    for (k, v) in params {
        if let Some(v) = v {
            let encoded: String = form_urlencoded::byte_serialize(v.as_bytes()).collect();
            out.push(sep);
            out.push_str(&format!("{k}={encoded}"));
            sep = '&';
        }
    }
    out
}

/// `http(s)://host...`: what a browser can be sent to.
pub(crate) fn is_absolute_url(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty() && !r.starts_with('/') && !r.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_with_values_are_appended_encoded() {
        let url =
            url_with("https://app.test/cb", &[("code", Some("a b&c")), ("state", None), ("x", Some("1"))]);
        assert_eq!(url, "https://app.test/cb?code=a+b%26c&x=1");
        assert_eq!(
            url_with("https://app.test/cb?k=v", &[("code", Some("1"))]),
            "https://app.test/cb?k=v&code=1"
        );
        assert_eq!(url_with("https://app.test/cb", &[("state", None)]), "https://app.test/cb");
    }

    #[test]
    fn only_http_urls_with_a_host_are_absolute() {
        assert!(is_absolute_url("https://app.test/done") && is_absolute_url("http://localhost:3000"));
        for not in ["/done", "https://", "https:///x", "ftp://app.test", "https://app .test", "app.test"] {
            assert!(!is_absolute_url(not), "{not}");
        }
    }
}
