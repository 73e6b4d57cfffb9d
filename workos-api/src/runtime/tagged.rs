//! Decoding of internally tagged unions (events, `grant_type` bodies, owners): the generated
//! `Deserialize` impls read the value once, pick the variant by its tag, and decode the
//! variant's fields through one generic struct per shape. A tag this version of the crate does
//! not know keeps the whole value. Unions told apart by the constants their variants require
//! (no single tag) pick the first variant whose constants all match ([`matching`]).

use serde::de::{DeserializeOwned, Error};
use serde_json::Value;

/// The string under `tag` in `value`; an error naming the union when it is missing or not a
/// string.
#[doc(hidden)]
pub fn tag_of<'v, E: Error>(value: &'v Value, tag: &'static str, union: &'static str) -> Result<&'v str, E> {
    match value.get(tag) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(E::custom(format_args!("{union}: `{tag}` must be a string, found {other}"))),
        None if value.is_object() => Err(E::custom(format_args!("{union}: missing field `{tag}`"))),
        None => Err(E::custom(format_args!("{union}: expected an object, found {value}"))),
    }
}

/// The fields of the variant tagged `tag_value`, decoded from `value`; an error names the union
/// and the variant.
#[doc(hidden)]
pub fn fields_of<T: DeserializeOwned, E: Error>(
    value: Value,
    union: &'static str,
    tag_value: &str,
) -> Result<T, E> {
    T::deserialize(value).map_err(|e| E::custom(format_args!("{union} `{tag_value}`: {e}")))
}

/// A constant a union variant requires at a JSON pointer.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constant {
    /// A string.
    Str(&'static str),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
}

impl Constant {
    fn matches(self, value: &Value) -> bool {
        match self {
            Constant::Str(s) => value.as_str() == Some(s),
            Constant::Bool(b) => value.as_bool() == Some(b),
            Constant::Int(i) => value.as_i64() == Some(i),
        }
    }
}

/// The position of the first variant whose constants `value` all has.
#[doc(hidden)]
pub fn matching(value: &Value, variants: &[&[(&str, Constant)]]) -> Option<usize> {
    variants
        .iter()
        .position(|constants| constants.iter().all(|(at, c)| value.pointer(at).is_some_and(|v| c.matches(v))))
}

#[cfg(test)]
mod tests {
    use super::*;

    type E = serde_json::Error;

    #[test]
    fn the_tag_must_be_a_string_of_an_object() {
        let ok = serde_json::json!({"event": "a.b"});
        assert_eq!(tag_of::<E>(&ok, "event", "EventSchema").unwrap(), "a.b");
        let missing = tag_of::<E>(&serde_json::json!({}), "event", "EventSchema").unwrap_err();
        assert_eq!(missing.to_string(), "EventSchema: missing field `event`");
        let number = tag_of::<E>(&serde_json::json!({"event": 1}), "event", "EventSchema").unwrap_err();
        assert_eq!(number.to_string(), "EventSchema: `event` must be a string, found 1");
        let array = tag_of::<E>(&serde_json::json!([]), "event", "EventSchema").unwrap_err();
        assert_eq!(array.to_string(), "EventSchema: expected an object, found []");
    }

    #[test]
    fn the_first_variant_whose_constants_all_match_is_chosen() {
        const VARIANTS: &[&[(&str, Constant)]] = &[
            &[("/active", Constant::Bool(true)), ("/credential/auth_method", Constant::Str("oauth"))],
            &[("/active", Constant::Bool(true)), ("/credential/auth_method", Constant::Str("api_key"))],
            &[("/active", Constant::Bool(false))],
            &[("/version", Constant::Int(2))],
        ];
        let at = |v: Value| matching(&v, VARIANTS);
        assert_eq!(
            at(serde_json::json!({"active": true, "credential": {"auth_method": "api_key"}})),
            Some(1)
        );
        assert_eq!(at(serde_json::json!({"active": false, "error": "not_installed"})), Some(2));
        assert_eq!(at(serde_json::json!({"version": 2})), Some(3));
        assert_eq!(at(serde_json::json!({"active": true, "credential": {"auth_method": "saml"}})), None);
        assert_eq!(at(serde_json::json!({"active": "true"})), None, "a constant matches its type only");
    }

    #[test]
    fn a_field_error_names_the_variant() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Fields {
            id: String,
        }
        let e =
            fields_of::<Fields, E>(serde_json::json!({"event": "a.b"}), "EventSchema", "a.b").unwrap_err();
        assert_eq!(e.to_string(), "EventSchema `a.b`: missing field `id`");
    }
}
