//! The table of every operation's output type for the workspace's tests
//! (`tests/emitted/received.rs`): the response corpus decodes each body through the output type
//! of its operation, and re-encodes it to check that no key the document names was lost.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::model::Operation;

/// The test table, one entry per operation with a success body.
pub fn test_table(ops: &[Operation]) -> TokenStream {
    let entries = ops.iter().filter(|op| op.output.is_some()).map(|op| {
        let name = op.name.to_string();
        let key = format!("{} {}", op.method, op.path);
        let area = format_ident!("{}", op.area);
        let builder = format_ident!("{}", heck::ToPascalCase::to_pascal_case(name.as_str()));
        quote! {
            (#name, #key, crate::roundtrip::<<workos_api::#area::#builder as workos_api::runtime::Request>::Output>)
        }
    });
    quote! {
        /// Every operation with a success body: its method name, `METHOD /path`, and a function
        /// that decodes a body into its output type and encodes it again.
        pub(crate) const OUTPUTS: &[(&str, &str, crate::Roundtrip)] = &[#(#entries),*];
    }
}
