//! The service-facing surface: areas, request builders and body constructors, emitted from the
//! normalized document and progenitor's output. progenitor and typify remain the engine for
//! types; the methods and builders a service calls are ours.

pub mod areas;
pub mod bodies;
pub mod builders;
pub mod features;
pub mod model;
pub mod received;

use std::collections::BTreeMap;
use std::path::Path;

use proc_macro2::TokenStream;

use crate::error::{Error, Result};
use crate::pagination::Paginated;
pub use model::Operation;

/// Every area's file contents, by area name.
pub fn emit(file: &Path, ops: &[Operation], lists: &[Paginated]) -> Result<BTreeMap<String, TokenStream>> {
    for op in ops {
        for p in op.optional() {
            let name = p.ident.to_string();
            if builders::RESERVED.contains(&name.as_str()) || (name == "body" && op.body.is_some()) {
                return Err(Error::Generate {
                    file: file.to_owned(),
                    message: format!(
                        "`{}`: parameter `{}` would shadow the builder method `{name}`; rename it in the codegen",
                        op.name, p.wire
                    ),
                });
            }
        }
    }
    let mut by_area: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in ops {
        by_area.entry(op.area.as_str()).or_default().push(op);
    }
    Ok(by_area
        .into_iter()
        .map(|(area, ops)| (area.to_owned(), builders::emit_area(area, &ops, lists)))
        .collect())
}
