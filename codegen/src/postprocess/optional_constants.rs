//! `optional_constants`: a received tagged union's constant fields other than its tag (every
//! event's `object: "event"`) are decoded with `#[serde(default)]`, their one-value enum
//! defaulting to that value. WorkOS's documented webhook payloads carry `id`, `event`, `data`
//! and `created_at` only; a signed `role.created` without `object` must still decode to
//! `Event::RoleCreated`, not fail or fall back to `Unknown`. The field keeps its type, is filled
//! in when absent, and is always serialized. Runs before `open_enums`, whose tagged-union
//! decoder keeps each field's serde attributes.

use std::collections::{BTreeMap, BTreeSet};

use syn::{Fields, Item};

use super::attrs::serde_rename;

/// Adds the defaults for each `(union, field)`; returns how many variant fields got one.
///
/// # Errors
/// A listed field whose type is not a one-value enum of the file (it could have no default).
pub(super) fn optional_constants(file: &mut syn::File, fields: &[(String, String)]) -> Result<usize, String> {
    let mut wanted: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (union, field) in fields {
        wanted.entry(union.as_str()).or_default().insert(field.as_str());
    }
    let items = types_items(file);
    let mut types = BTreeSet::new();
    let mut count = 0;
    for item in items.iter_mut() {
        let Item::Enum(e) = item else { continue };
        let Some(names) = wanted.get(e.ident.to_string().as_str()) else { continue };
        for variant in &mut e.variants {
            let Fields::Named(named) = &mut variant.fields else { continue };
            for f in &mut named.named {
                let Some(ident) = &f.ident else { continue };
                let wire = serde_rename(&f.attrs).unwrap_or_else(|| ident.to_string());
                if !names.contains(wire.as_str()) {
                    continue;
                }
                let syn::Type::Path(ty) = &f.ty else {
                    return Err(format!("`{}::{}.{wire}` is not a named type", e.ident, variant.ident));
                };
                let Some(last) = ty.path.segments.last() else { continue };
                types.insert(last.ident.to_string());
                f.attrs.push(syn::parse_quote!(#[serde(default)]));
                count += 1;
            }
        }
    }
    let mut impls = Vec::new();
    for name in &types {
        let constant = items.iter().find_map(|item| match item {
            Item::Enum(e) if e.ident == name => Some(e),
            _ => None,
        });
        let Some(constant) = constant.filter(|e| e.variants.len() == 1) else {
            return Err(format!(
                "`{name}` is not a one-value enum, so a missing field of that type has no default"
            ));
        };
        let (ident, variant) = (&constant.ident, &constant.variants[0].ident);
        let doc = format!("`{variant}`, the only value: what a payload that leaves the field out means.");
        impls.push(syn::parse_quote! {
            impl ::std::default::Default for #ident {
                #[doc = #doc]
                fn default() -> Self {
                    Self::#variant
                }
            }
        });
    }
    items.extend(impls);
    Ok(count)
}

/// The items of progenitor's `mod types`, or the file's own.
fn types_items(file: &mut syn::File) -> &mut Vec<Item> {
    let at = file
        .items
        .iter()
        .position(|i| matches!(i, Item::Mod(m) if m.ident == "types" && m.content.is_some()));
    match at {
        Some(i) => match &mut file.items[i] {
            Item::Mod(m) => &mut m.content.as_mut().expect("checked").1,
            _ => unreachable!("checked"),
        },
        None => &mut file.items,
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn constant_fields_of_the_listed_union_default_to_their_value() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[serde(tag = "event")]
                pub enum EventSchema {
                    #[serde(rename = "role.created")]
                    RoleCreated { data: Role, id: String, object: EventSchemaObject },
                }
                pub enum EventSchemaObject { #[serde(rename = "event")] Event }
                pub struct Role { pub object: RoleObject }
            }
        };
        let n = optional_constants(&mut file, &[("EventSchema".into(), "object".into())]).unwrap();
        assert_eq!(n, 1);
        let text = quote!(#file).to_string();
        assert!(text.contains("# [serde (default)] object : EventSchemaObject"), "{text}");
        assert!(text.contains("impl :: std :: default :: Default for EventSchemaObject"), "{text}");
        // Only the listed union: a data object's own constant stays required.
        assert!(!text.contains("Default for RoleObject"), "{text}");
    }

    #[test]
    fn a_field_that_is_not_a_constant_is_an_error() {
        let mut file: syn::File = syn::parse_quote! {
            pub enum EventSchema { RoleCreated { object: Kind } }
            pub enum Kind { A, B }
        };
        let err = optional_constants(&mut file, &[("EventSchema".into(), "object".into())]).unwrap_err();
        assert!(err.contains("`Kind` is not a one-value enum"), "{err}");
    }
}
