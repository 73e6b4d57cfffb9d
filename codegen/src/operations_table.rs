//! The operation table the runtime reads: for each generated method, its HTTP method, path
//! template, and whether the document declares an `Idempotency-Key` header for it.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// `src/emitted/operations.rs`: `OPERATIONS`, sorted by operation id (the method name).
pub fn emit(document: &Value) -> TokenStream {
    let mut rows: Vec<(String, String, String, bool)> = Vec::new();
    for (path, item) in document.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else { continue };
            let params = item
                .get("parameters")
                .into_iter()
                .chain(op.get("parameters"))
                .flat_map(|l| l.as_array().into_iter().flatten());
            let idempotency_key = params.map(|p| crate::passes::resolve(document, p)).any(|p| {
                p.get("in").and_then(Value::as_str) == Some("header")
                    && p.get("name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| n.eq_ignore_ascii_case("idempotency-key"))
            });
            rows.push((id.to_owned(), method.to_uppercase(), path.clone(), idempotency_key));
        }
    }
    rows.sort();
    let entries = rows.iter().map(|(id, method, path, key)| {
        quote! { OperationMeta { id: #id, method: #method, path: #path, idempotency_key: #key } }
    });
    quote! {
        use crate::runtime::OperationMeta;

        /// Every generated method's operation, sorted by id.
        pub(crate) static OPERATIONS: &[OperationMeta] = &[ #(#entries),* ];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_referenced_idempotency_key_header_counts() {
        let doc = json!({
            "paths": {"/events": {"post": {"operationId": "create_event",
                "parameters": [{"$ref": "#/components/parameters/IdempotencyKey"}]}}},
            "components": {"parameters": {"IdempotencyKey": {"name": "Idempotency-Key", "in": "header"}}}
        });
        let text = emit(&doc).to_string();
        assert!(text.contains("idempotency_key : true"), "{text}");
    }
}
