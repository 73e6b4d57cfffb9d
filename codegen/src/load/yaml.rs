//! Reading the document: YAML (or JSON) into a `serde_json::Value`.

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// Parses YAML (a superset of JSON). Mapping keys that are numbers or booleans (an unquoted
/// `200:` status code, say) become strings, as OpenAPI means them.
pub fn parse(file: &Path, bytes: &[u8]) -> Result<Value> {
    let yaml: serde_norway::Value = serde_norway::from_slice(bytes)
        .map_err(|e| Error::Parse { file: file.to_owned(), message: e.to_string() })?;
    convert(yaml).map_err(|message| Error::Parse { file: file.to_owned(), message })
}

fn convert(yaml: serde_norway::Value) -> std::result::Result<Value, String> {
    use serde_norway::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| format!("the number {n} has no JSON form"))?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(convert).collect::<Result<_, _>>()?),
        Y::Mapping(map) => {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => return Err(format!("unsupported mapping key {other:?}")),
                };
                out.insert(key, convert(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => return Err(format!("YAML tags are not supported: {}", tagged.tag)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_keys_become_strings() {
        let v = parse(Path::new("t.yaml"), b"responses:\n  200: {description: ok}\n").unwrap();
        assert!(v["responses"]["200"].is_object());
    }

    #[test]
    fn invalid_yaml_names_file_and_line() {
        let err = parse(Path::new("bad.yaml"), b"a: [1, 2\nb: 3\n").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("bad.yaml: not valid YAML"), "{text}");
        assert!(text.contains("line"), "{text}");
    }
}
