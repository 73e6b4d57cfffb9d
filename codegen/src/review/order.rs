//! Argument order: the same names in another order are a reordering of a function's arguments,
//! which a call with same-typed arguments survives while it swaps them.

/// `a` and `b` without the names only one of them has, each in its own order.
pub(crate) fn common_order(a: &[String], b: &[String]) -> (Vec<String>, Vec<String>) {
    let kept = |names: &[String], other: &[String]| -> Vec<String> {
        names.iter().filter(|n| other.contains(n)).cloned().collect()
    };
    (kept(a, b), kept(b, a))
}
