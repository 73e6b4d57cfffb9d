//! Body-less 2xx statuses of operations whose other 2xx has a JSON body. The normalization made
//! the body optional (`Option<T>`); this pass adds the body-less statuses to the method's status
//! match as arms that return the empty value (`None`, or `Value::Null` for an untyped body),
//! ahead of progenitor's arms.

use std::collections::BTreeMap;

use syn::visit_mut::VisitMut;
use syn::{Arm, ImplItem, Item};

/// Adds the arms to each of `methods`.
///
/// # Errors
/// A method that has no such status match (or is not in the file).
pub(super) fn empty_success_arms(file: &mut syn::File, methods: &[(String, Vec<u16>)]) -> Result<(), String> {
    let wanted: BTreeMap<&str, &[u16]> = methods.iter().map(|(m, c)| (m.as_str(), c.as_slice())).collect();
    let mut changed = 0;
    for item in &mut file.items {
        let Item::Impl(imp) = item else { continue };
        for impl_item in &mut imp.items {
            let ImplItem::Fn(f) = impl_item else { continue };
            let Some(codes) = wanted.get(f.sig.ident.to_string().as_str()) else { continue };
            let mut adder = AddArms { codes, added: false };
            adder.visit_block_mut(&mut f.block);
            changed += usize::from(adder.added);
        }
    }
    if changed != methods.len() {
        return Err(format!(
            "body-less success statuses were added to {changed} of {} methods",
            methods.len()
        ));
    }
    Ok(())
}

struct AddArms<'a> {
    codes: &'a [u16],
    added: bool,
}

impl VisitMut for AddArms<'_> {
    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        let scrutinee = quote::ToTokens::to_token_stream(&m.expr).to_string().replace(' ', "");
        if scrutinee == "response.status().as_u16()" && !self.added {
            let arms: Vec<Arm> = self
                .codes
                .iter()
                .map(|code| {
                    // `null` decodes into every shape the optional body takes: `Option<T>`, a
                    // transparent newtype over one, or `serde_json::Value`.
                    syn::parse_quote! {
                        #code => {
                            let status = response.status();
                            let headers = response.headers().clone();
                            match ::serde_json::from_value(::serde_json::Value::Null) {
                                Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
                                Err(e) => Err(Error::InvalidResponsePayload(::std::default::Default::default(), e)),
                            }
                        }
                    }
                })
                .collect();
            m.arms.splice(0..0, arms);
            self.added = true;
        }
        syn::visit_mut::visit_expr_match_mut(self, m);
    }
}
