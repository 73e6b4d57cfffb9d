//! The fifth stage, the service-facing surface: areas, request builders, body constructors and
//! URL builders, made from the normalized document and progenitor's post-processed output.
//! progenitor and typify remain the engine for types; the methods and builders a service calls
//! are ours. [`build`] makes all of it, for the emit stage to lay out in files.

pub mod areas;
pub mod bodies;
pub mod builders;
pub mod features;
pub mod model;
pub mod pagination;
pub mod received;
pub mod url_builders;

use std::collections::BTreeMap;
use std::path::Path;

use proc_macro2::TokenStream;

use crate::error::{Error, Result};
use crate::normalize::{ERROR_BODY, Normalized};
use crate::postprocess::{TolerantCounts, tolerant_reading};
use areas::AreaTable;
use features::{Reach, Split};
use model::Operation;
use pagination::Paginated;

/// The surface of the generated crate, ready to be laid out in files.
#[derive(Debug)]
pub struct Surface {
    /// Every operation with a request builder, by area, then by name.
    pub operations: Vec<Operation>,
    /// The cursor-paginated list operations.
    pub paginated: Vec<Paginated>,
    /// Each area's file, by area name.
    pub areas: BTreeMap<String, TokenStream>,
    /// Which areas reach each type.
    pub reach: Reach,
    /// The types module, split by the areas that reach its types.
    pub types: Split,
    /// The `redirects` module: a URL builder per redirect operation.
    pub redirects: TokenStream,
    /// Request types given `new` and setters.
    pub body_builders: usize,
    /// The fields tolerant reading changed.
    pub tolerant: TolerantCounts,
}

/// The surface of `client` (progenitor's post-processed output) and the normalized document
/// read from `file` (which errors name), its operations in the areas of `table`.
///
/// # Errors
/// An operation without an area, a method or a parameter the document does not explain, a
/// parameter that would shadow a builder method, or a request type `new` cannot be written for.
pub fn build(file: &Path, normalized: &Normalized, client: syn::File, table: &AreaTable) -> Result<Surface> {
    let fail = |message: String| Error::Generate { file: file.to_owned(), message };
    let paginated = pagination::find(&client);
    let operations = model::operations(file, &normalized.document, &client, table)?;
    let areas = area_files(&operations, &paginated).map_err(fail)?;
    let mut types = crate::backend::types_module(file, client)?;
    add_type_aliases(&mut types, &normalized.outputs.type_aliases);
    let body_roots =
        operations.iter().filter_map(|o| o.body.as_ref().and_then(|b| bodies::type_name(&b.ty))).collect();
    let body_builders =
        bodies::add_constructors(&mut types, &normalized.document, &body_roots).map_err(fail)?;
    // After the constructors, which take what the document requires: tolerance is for reading.
    let tolerant = tolerant_reading(&mut types);
    let reach = features::reach(&types, &areas, &[ERROR_BODY]);
    let types = features::split(types, &reach);
    let redirects = url_builders::emit(&normalized.outputs.redirects);
    Ok(Surface { operations, paginated, areas, reach, types, redirects, body_builders, tolerant })
}

/// Every area's file contents, by area name.
fn area_files(ops: &[Operation], lists: &[Paginated]) -> Result<BTreeMap<String, TokenStream>, String> {
    for op in ops {
        for p in op.optional() {
            let name = p.ident.to_string();
            if builders::RESERVED.contains(&name.as_str()) || (name == "body" && op.body.is_some()) {
                return Err(format!(
                    "`{}`: parameter `{}` would shadow the builder method `{name}`; rename it in the codegen",
                    op.name, p.wire
                ));
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

/// `pub type Alias = Target;` for each type name that stands for another of the same shape.
fn add_type_aliases(types: &mut syn::File, aliases: &[(String, String)]) {
    for (alias, target) in aliases {
        let (alias, target) = (quote::format_ident!("{alias}"), quote::format_ident!("{target}"));
        let doc = format!("The same type as [`{target}`]: the document gives both the same fields.");
        types.items.push(syn::parse_quote! { #[doc = #doc] pub type #alias = #target; });
    }
}
