//! Structural comparison of two schemas, following `$ref` and `allOf`, matching union branches
//! by content.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::reach::component_name;
use super::report::Change;
use super::rules::{Direction, severity};
use crate::openapi::{canonical, has_structure, single_value};
use crate::review::order::common_order;

/// Where a comparison is: the report location (`schema Role`, `GET /x response 200`), the
/// path inside it (`permissions[]`), the direction and the operations reaching it.
#[derive(Debug, Clone)]
pub(crate) struct At {
    pub(crate) location: String,
    pub(crate) path: String,
    pub(crate) direction: Direction,
    pub(crate) operations: Vec<String>,
}

impl At {
    fn child(&self, segment: &str) -> Self {
        let path = match (self.path.is_empty(), segment.starts_with('[') || segment.starts_with('{')) {
            (true, _) => segment.trim_start_matches('.').to_owned(),
            (false, true) => format!("{}{segment}", self.path),
            (false, false) => format!("{}.{segment}", self.path),
        };
        Self { path, ..self.clone() }
    }

    fn describe(&self, what: &str) -> String {
        if self.path.is_empty() { what.to_owned() } else { format!("`{}`: {what}", self.path) }
    }
}

/// Formats that choose a Rust type other than the JSON type's default.
const TYPED_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "uuid",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float",
    "double",
    "ip",
    "ipv4",
    "ipv6",
];

/// Compares schemas of two documents, collecting changes.
#[derive(Debug)]
pub(crate) struct Differ<'a> {
    old: &'a Value,
    new: &'a Value,
    pub(crate) changes: Vec<Change>,
    /// Pairs of differently named components being compared, to stop on cycles.
    following: Vec<(String, String)>,
    /// Name -> canonical shape of each component the old crate had a type for (the old
    /// document's and the overlay's): an inline schema of that shape was already that type.
    pub(crate) known_old: BTreeMap<String, String>,
}

/// [`openapi::resolve`](crate::openapi::resolve), followed through chains of `$ref`s (bounded).
fn resolve<'v>(doc: &'v Value, v: &'v Value) -> &'v Value {
    let mut v = v;
    for _ in 0..32 {
        let next = crate::openapi::resolve(doc, v);
        if std::ptr::eq(next, v) {
            break;
        }
        v = next;
    }
    v
}

fn ref_name(v: &Value) -> Option<&str> {
    v.get("$ref").and_then(Value::as_str).and_then(component_name)
}

fn is_null_schema(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("null") || v.get("const") == Some(&Value::Null)
}

/// The JSON types a schema allows, without `null`, and whether it allows `null`.
fn types(v: &Value) -> (BTreeSet<String>, bool) {
    let mut nullable = v.get("nullable") == Some(&Value::Bool(true));
    let mut set = BTreeSet::new();
    match v.get("type") {
        Some(Value::String(t)) => {
            set.insert(t.clone());
        }
        Some(Value::Array(ts)) => set.extend(ts.iter().filter_map(Value::as_str).map(str::to_owned)),
        _ => {}
    }
    if set.remove("null") {
        nullable = true;
    }
    for key in ["oneOf", "anyOf"] {
        if v.get(key).and_then(Value::as_array).is_some_and(|bs| bs.iter().any(is_null_schema)) {
            nullable = true;
        }
    }
    (set, nullable)
}

/// `oneOf: [X, {type: null}]` is X, nullable; anything else is itself.
fn unwrap_nullable(v: &Value) -> &Value {
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = v.get(key).and_then(Value::as_array) {
            let real: Vec<&Value> = branches.iter().filter(|b| !is_null_schema(b)).collect();
            if real.len() == 1 && real.len() < branches.len() {
                return real[0];
            }
        }
    }
    v
}

fn enum_values(v: &Value) -> Option<BTreeSet<String>> {
    if let Some(c) = v.get("const") {
        return Some(std::iter::once(c.to_string()).collect());
    }
    v.get("enum")
        .and_then(Value::as_array)
        .map(|vs| vs.iter().filter(|x| !x.is_null()).map(Value::to_string).collect())
}

/// A view of an object schema: its properties (with the named `allOf` member each came from,
/// `None` for its own and inline members'), required names, and the named `allOf` members,
/// directly or through other members.
#[derive(Default)]
struct ObjectView<'v> {
    properties: BTreeMap<String, (&'v Value, Option<String>)>,
    required: BTreeSet<String>,
    /// The required names in document order (its own list, then its `allOf` members'), each
    /// once: the order of the arguments of `new`.
    required_order: Vec<String>,
    bases: BTreeSet<String>,
}

fn object_view<'v>(
    doc: &'v Value,
    v: &'v Value,
    view: &mut ObjectView<'v>,
    origin: Option<&str>,
    depth: usize,
) {
    if let Some(props) = v.get("properties").and_then(Value::as_object) {
        for (name, schema) in props {
            view.properties.entry(name.clone()).or_insert((schema, origin.map(str::to_owned)));
        }
    }
    if let Some(required) = v.get("required").and_then(Value::as_array) {
        for name in required.iter().filter_map(Value::as_str) {
            if view.required.insert(name.to_owned()) {
                view.required_order.push(name.to_owned());
            }
        }
    }
    if depth >= 8 {
        return;
    }
    for member in v.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        match ref_name(member) {
            Some(name) => {
                view.bases.insert(name.to_owned());
                object_view(doc, resolve(doc, member), view, Some(origin.unwrap_or(name)), depth + 1);
            }
            None => object_view(doc, member, view, origin, depth + 1),
        }
    }
}

/// The key a union branch is matched by: its constant discriminator if it has one
/// (`object = "user"`), else its component name, else its type, else its shape.
fn branch_key(doc: &Value, branch: &Value, discriminator: Option<&str>) -> String {
    let body = resolve(doc, branch);
    let mut view = ObjectView::default();
    object_view(doc, body, &mut view, None, 0);
    let constant =
        |name: &str| view.properties.get(name).map(|(p, _)| resolve(doc, p)).and_then(single_value).cloned();
    if let Some(d) = discriminator
        && let Some(c) = constant(d)
    {
        return format!("{d}={c}");
    }
    for name in view.properties.keys() {
        if let Some(c) = constant(name) {
            return format!("{name}={c}");
        }
    }
    if let Some(name) = ref_name(branch) {
        return format!("ref {name}");
    }
    let (types, _) = types(body);
    if !types.is_empty() && !types.contains("object") {
        let format = body.get("format").and_then(Value::as_str).unwrap_or_default();
        return format!("type {}{format}", types.into_iter().collect::<Vec<_>>().join("|"));
    }
    let required: Vec<&str> = view.required.iter().map(String::as_str).collect();
    let props: Vec<&str> = view.properties.keys().map(String::as_str).collect();
    format!("shape required [{}] properties [{}]", required.join(", "), props.join(", "))
}

fn keyed_branches<'v>(
    doc: &'v Value,
    branches: &'v [Value],
    discriminator: Option<&str>,
) -> BTreeMap<String, &'v Value> {
    let mut out = BTreeMap::new();
    for b in branches.iter().filter(|b| !is_null_schema(b)) {
        let key = branch_key(doc, b, discriminator);
        let mut unique = key.clone();
        let mut n = 2;
        while out.contains_key(&unique) {
            unique = format!("{key} #{n}");
            n += 1;
        }
        out.insert(unique, b);
    }
    out
}

impl<'a> Differ<'a> {
    pub(crate) fn new(old: &'a Value, new: &'a Value) -> Self {
        Self { old, new, changes: Vec::new(), following: Vec::new(), known_old: BTreeMap::new() }
    }

    pub(crate) fn push(&mut self, rule: &'static str, at: &At, detail: String) {
        self.changes.push(Change {
            severity: severity(rule, at.direction),
            rule,
            location: at.location.clone(),
            detail,
            operations: at.operations.clone(),
        });
    }

    /// Compares two schemas found at the same place. Same-named `$ref`s stop here: the
    /// component's own comparison reports its changes once, with every operation reaching it.
    /// `nullability_done`: the caller judged nullability already (properties do, through
    /// their Rust optionality).
    pub(crate) fn compare(&mut self, o: &'a Value, n: &'a Value, at: &At, nullability_done: bool) {
        if !nullability_done {
            let (old_null, new_null) = (types(resolve(self.old, o)).1, types(resolve(self.new, n)).1);
            if old_null != new_null {
                let rule = if new_null { "nullable-added" } else { "nullable-removed" };
                self.push(
                    rule,
                    at,
                    at.describe(if new_null { "now nullable" } else { "no longer nullable" }),
                );
            }
        }
        // `oneOf [X, null]` is X, nullable: compare the X's.
        let (o, n) = (unwrap_nullable(o), unwrap_nullable(n));
        match (ref_name(o), ref_name(n)) {
            (Some(a), Some(b)) if a == b => return,
            (None, Some(b))
                if o.as_object().is_some_and(has_structure)
                    && self.known_old.get(b).is_some_and(|shape| *shape == canonical(o)) =>
            {
                // The generator already gave the inline copy this component's type.
                self.push(
                    "ref-extracted",
                    at,
                    at.describe(&format!("`{b}` instead of an inline copy of it")),
                );
                return;
            }
            (a, b) if a != b => {
                let show =
                    |x: Option<&str>| x.map_or_else(|| "an inline schema".to_owned(), |x| format!("`{x}`"));
                self.push("ref-changed", at, at.describe(&format!("{} instead of {}", show(b), show(a))));
                let pair = (a.unwrap_or_default().to_owned(), b.unwrap_or_default().to_owned());
                if self.following.contains(&pair) {
                    return;
                }
                self.following.push(pair);
                self.compare_bodies(resolve(self.old, o), resolve(self.new, n), at);
                self.following.pop();
                return;
            }
            _ => {}
        }
        self.compare_bodies(o, n, at);
    }

    fn compare_bodies(&mut self, o: &'a Value, n: &'a Value, at: &At) {
        let (old_types, new_types) = (types(o).0, types(n).0);
        if !old_types.is_empty() && !new_types.is_empty() && old_types != new_types {
            let show = |t: &BTreeSet<String>| t.iter().cloned().collect::<Vec<_>>().join(" | ");
            let detail = format!("type {} instead of {}", show(&new_types), show(&old_types));
            return self.push("type-changed", at, at.describe(&detail));
        }
        let (of, nf) = (o.get("format").and_then(Value::as_str), n.get("format").and_then(Value::as_str));
        if of != nf {
            let typed = |f: Option<&str>| f.is_some_and(|f| TYPED_FORMATS.contains(&f));
            let rule = if typed(of) || typed(nf) { "format-changed" } else { "format-annotation-changed" };
            let show = |f: Option<&str>| f.map_or_else(|| "none".to_owned(), |f| format!("`{f}`"));
            self.push(rule, at, at.describe(&format!("format {} instead of {}", show(nf), show(of))));
        }
        self.compare_constraints(o, n, at);
        self.compare_enums(o, n, at);
        self.compare_objects(o, n, at);
        if let (Some(oi), Some(ni)) = (o.get("items"), n.get("items")) {
            self.compare(oi, ni, &at.child("[]"), false);
        }
        if let (Some(oa @ Value::Object(_)), Some(na @ Value::Object(_))) =
            (o.get("additionalProperties"), n.get("additionalProperties"))
        {
            self.compare(oa, na, &at.child("{*}"), false);
        }
        self.compare_unions(o, n, at);
        // "The shared fields, and one of these" (`allOf: [base, {oneOf: [...]}]`, how WorkOS
        // writes events): the union inside is compared too.
        let union_part = |v: &'a Value| {
            v.get("allOf")
                .and_then(Value::as_array)
                .and_then(|parts| parts.iter().find(|p| p.get("oneOf").is_some() || p.get("anyOf").is_some()))
        };
        if let (Some(a), Some(b)) = (union_part(o), union_part(n)) {
            self.compare_unions(a, b, at);
        }
        let (old_union, new_union) = (union_branches(self.old, o), union_branches(self.new, n));
        if old_union.is_empty() && !new_union.is_empty() {
            let keys: Vec<&str> = new_union.keys().map(String::as_str).collect();
            let detail = format!("now a union of {} variants: {}", keys.len(), keys.join("; "));
            self.push("union-introduced", at, at.describe(&detail));
        }
    }

    /// `pattern`, lengths, item counts and ranges: narrower is tightened, wider is loosened.
    fn compare_constraints(&mut self, o: &Value, n: &Value, at: &At) {
        let number = |v: &Value, k: &str| v.get(k).and_then(Value::as_f64);
        // (keyword, true when a larger value is tighter)
        const BOUNDS: &[(&str, bool)] = &[
            ("minLength", true),
            ("maxLength", false),
            ("minItems", true),
            ("maxItems", false),
            ("minimum", true),
            ("maximum", false),
            ("exclusiveMinimum", true),
            ("exclusiveMaximum", false),
            ("minProperties", true),
            ("maxProperties", false),
        ];
        for &(keyword, larger_is_tighter) in BOUNDS {
            // A lower bound of 0 (`minLength: 0`) constrains nothing: the same as none.
            let bound = |v: &Value| number(v, keyword).filter(|x| !(larger_is_tighter && *x == 0.0));
            let (a, b) = (bound(o), bound(n));
            let tightened = match (a, b) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(a), Some(b)) if a != b => (b > a) == larger_is_tighter,
                _ => continue,
            };
            let show = |x: Option<f64>| x.map_or_else(|| "none".to_owned(), |x| x.to_string());
            let detail = format!("`{keyword}` {} instead of {}", show(b), show(a));
            let rule = if tightened { "constraint-tightened" } else { "constraint-loosened" };
            self.push(rule, at, at.describe(&detail));
        }
        let pattern = |v: &Value| v.get("pattern").and_then(Value::as_str).map(str::to_owned);
        match (pattern(o), pattern(n)) {
            (None, Some(p)) => {
                self.push("constraint-tightened", at, at.describe(&format!("`pattern` `{p}` added")))
            }
            (Some(p), None) => {
                self.push("constraint-loosened", at, at.describe(&format!("`pattern` `{p}` removed")))
            }
            (Some(a), Some(b)) if a != b => self.push(
                "constraint-tightened",
                at,
                at.describe(&format!("`pattern` `{b}` instead of `{a}`")),
            ),
            _ => {}
        }
    }

    fn compare_enums(&mut self, o: &Value, n: &Value, at: &At) {
        match (enum_values(o), enum_values(n)) {
            (Some(a), Some(b)) => {
                for v in b.difference(&a) {
                    self.push("enum-value-added", at, at.describe(&format!("enum value {v} added")));
                }
                for v in a.difference(&b) {
                    self.push("enum-value-removed", at, at.describe(&format!("enum value {v} removed")));
                }
            }
            (None, Some(_)) => {
                self.push("type-changed", at, at.describe("now an enum (a Rust enum instead of a string)"))
            }
            (Some(_), None) => self.push("type-changed", at, at.describe("no longer an enum")),
            (None, None) => {}
        }
    }

    fn compare_objects(&mut self, o: &'a Value, n: &'a Value, at: &At) {
        let (mut ov, mut nv) = (ObjectView::default(), ObjectView::default());
        object_view(self.old, o, &mut ov, None, 0);
        object_view(self.new, n, &mut nv, None, 0);
        for base in nv.bases.difference(&ov.bases) {
            self.push("allof-member-added", at, at.describe(&format!("now includes `{base}` (allOf)")));
        }
        for base in ov.bases.difference(&nv.bases) {
            self.push(
                "allof-member-removed",
                at,
                at.describe(&format!("no longer includes `{base}` (allOf)")),
            );
        }
        // A property of a named member both sides include is that member's business (its own
        // comparison reports it); one from a member only one side includes is covered by the
        // allOf rule above.
        let shared = |origin: &Option<String>| {
            origin.as_ref().is_some_and(|b| ov.bases.contains(b) && nv.bases.contains(b))
        };
        for (name, (schema, new_origin)) in &nv.properties {
            let Some((old, old_origin)) = ov.properties.get(name) else {
                if new_origin.is_some() {
                    continue;
                }
                let required = nv.required.contains(name);
                let rule = if required { "property-added-required" } else { "property-added-optional" };
                let what = if required { "required" } else { "optional" };
                self.push(rule, &at.child(name), at.child(name).describe(&format!("{what} property added")));
                continue;
            };
            if shared(new_origin) && shared(old_origin) {
                continue;
            }
            let child = at.child(name);
            let (old_req, new_req) = (ov.required.contains(name), nv.required.contains(name));
            let (old_null, new_null) = (types(resolve(self.old, old)).1, types(resolve(self.new, schema)).1);
            let (old_opt, new_opt) = (!old_req || old_null, !new_req || new_null);
            if old_opt != new_opt {
                let detail = format!(
                    "{} (`{}` instead of `{}`)",
                    if new_opt { "now optional" } else { "now always present" },
                    if new_opt { "Option<T>" } else { "T" },
                    if old_opt { "Option<T>" } else { "T" },
                );
                self.push("property-optionality-changed", &child, child.describe(&detail));
            } else if old_req != new_req {
                let rule = if new_req { "property-became-required" } else { "property-became-optional" };
                self.push(
                    rule,
                    &child,
                    child.describe(if new_req { "now required" } else { "no longer required" }),
                );
            }
            let deprecated = |v: &Value| v.get("deprecated") == Some(&Value::Bool(true));
            if deprecated(schema) && !deprecated(old) {
                self.push("property-deprecated", &child, child.describe("deprecated"));
            }
            self.compare(old, schema, &child, true);
        }
        // `new` takes the required fields in document order: the same names in another order
        // swap its arguments, silently when they have the same type.
        let (old_order, new_order) = common_order(&ov.required_order, &nv.required_order);
        if old_order.len() > 1 && old_order != new_order {
            let detail = format!(
                "required properties now in the order ({}), were ({}): `new` takes its arguments in this order",
                new_order.join(", "),
                old_order.join(", ")
            );
            self.push("required-order-changed", at, at.describe(&detail));
        }
        let variants = union_branches(self.new, n);
        for (name, (_, origin)) in &ov.properties {
            if nv.properties.contains_key(name) || origin.is_some() {
                continue;
            }
            let child = at.child(name);
            let holders: Vec<&str> = variants
                .iter()
                .filter(|(_, b)| {
                    let mut view = ObjectView::default();
                    object_view(self.new, resolve(self.new, b), &mut view, None, 0);
                    view.properties.contains_key(name)
                })
                .map(|(k, _)| k.as_str())
                .collect();
            if holders.is_empty() {
                self.push("property-removed", &child, child.describe("property removed"));
            } else {
                let detail = format!("moved into variant {}", holders.join("; "));
                self.push("property-moved-into-variant", &child, child.describe(&detail));
            }
        }
    }

    fn compare_unions(&mut self, o: &'a Value, n: &'a Value, at: &At) {
        for key in ["oneOf", "anyOf"] {
            let (Some(ob), Some(nb)) =
                (o.get(key).and_then(Value::as_array), n.get(key).and_then(Value::as_array))
            else {
                continue;
            };
            let discriminator = |v: &Value| {
                v.pointer("/discriminator/propertyName").and_then(Value::as_str).map(str::to_owned)
            };
            let (od, nd) = (discriminator(o), discriminator(n));
            let mut old = keyed_branches(self.old, ob, od.as_deref());
            let mut new = keyed_branches(self.new, nb, nd.as_deref());
            let tag = common_tag(old.keys().chain(new.keys()));
            let mut pairs: Vec<(String, &'a Value, &'a Value)> = Vec::new();
            for k in new.keys().cloned().collect::<Vec<_>>() {
                if let Some(a) = old.remove(&k) {
                    let b = new.remove(&k).unwrap_or(a);
                    pairs.push((k, a, b));
                }
            }
            // Branches told apart only by their shape: a property added to or removed from one
            // changes its key, so pair the rest by the properties they share.
            pairs.extend(pair_by_shape(self.old, self.new, &mut old, &mut new));
            for (k, a, b) in pairs {
                match event_name(tag.as_deref(), &k) {
                    Some(event) => {
                        let place =
                            At { location: format!("event {event}"), path: String::new(), ..at.clone() };
                        self.compare(a, b, &place, false);
                    }
                    None => self.compare(a, b, &at.child(&format!("{{{k}}}")), false),
                }
            }
            for k in new.keys() {
                match (event_name(tag.as_deref(), k), &tag) {
                    (Some(event), _) => {
                        let place =
                            At { location: format!("event {event}"), path: String::new(), ..at.clone() };
                        self.push("event-added", &place, "event added".to_owned());
                    }
                    (None, Some(_)) => self.push(
                        "union-variant-added",
                        at,
                        at.describe(&format!("{key} variant added: {k}")),
                    ),
                    (None, None) => {
                        self.push("union-branch-added", at, at.describe(&format!("{key} branch added: {k}")))
                    }
                }
            }
            for k in old.keys() {
                match event_name(tag.as_deref(), k) {
                    Some(event) => {
                        let place =
                            At { location: format!("event {event}"), path: String::new(), ..at.clone() };
                        self.push("event-removed", &place, "event removed".to_owned());
                    }
                    None => self.push(
                        "union-branch-removed",
                        at,
                        at.describe(&format!("{key} branch removed: {k}")),
                    ),
                }
            }
        }
    }
}

/// The branches of a union schema (`oneOf`/`anyOf`, directly or as an `allOf` member), keyed as
/// [`branch_key`] does; empty when the schema is no union (a `[X, null]` pair is X, nullable).
fn union_branches<'v>(doc: &'v Value, v: &'v Value) -> BTreeMap<String, &'v Value> {
    let parts = std::iter::once(v).chain(v.get("allOf").and_then(Value::as_array).into_iter().flatten());
    let mut out = BTreeMap::new();
    for part in parts {
        let discriminator = part.pointer("/discriminator/propertyName").and_then(Value::as_str);
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = part.get(key).and_then(Value::as_array)
                && branches.iter().filter(|b| !is_null_schema(b)).count() > 1
            {
                out.extend(keyed_branches(doc, branches, discriminator));
            }
        }
    }
    out
}

/// The tag property when every branch (of both sides) is keyed by a constant of the same
/// property (`event="user.created"`): such branches are named variants, not positional ones.
fn common_tag<'k>(mut keys: impl Iterator<Item = &'k String>) -> Option<String> {
    let tag_of = |k: &str| {
        let (name, rest) = k.split_once('=')?;
        (!name.contains(' ') && rest.starts_with('"')).then(|| name.to_owned())
    };
    let first = tag_of(keys.next()?)?;
    keys.all(|k| tag_of(k).as_deref() == Some(first.as_str())).then_some(first)
}

/// `user.created` for the key `event="user.created"` of a union tagged by `event`.
fn event_name(tag: Option<&str>, key: &str) -> Option<String> {
    let value = key.strip_prefix(tag.filter(|t| *t == "event")?)?.strip_prefix('=')?;
    Some(serde_json::from_str::<String>(value).unwrap_or_else(|_| value.to_owned()))
}

/// Pairs the branches left unmatched on both sides that are keyed by shape, each old one with
/// the new one sharing most of its properties (at least half of the larger set), removing the
/// paired ones from the maps.
fn pair_by_shape<'a>(
    old_doc: &'a Value,
    new_doc: &'a Value,
    old: &mut BTreeMap<String, &'a Value>,
    new: &mut BTreeMap<String, &'a Value>,
) -> Vec<(String, &'a Value, &'a Value)> {
    let names = |doc: &'a Value, b: &'a Value| {
        let mut view = ObjectView::default();
        object_view(doc, resolve(doc, b), &mut view, None, 0);
        view.properties.into_keys().collect::<BTreeSet<String>>()
    };
    let mut pairs = Vec::new();
    let old_keys: Vec<String> = old.keys().filter(|k| k.starts_with("shape ")).cloned().collect();
    for ok in old_keys {
        let a = names(old_doc, old[&ok]);
        let best = new
            .iter()
            .filter(|(k, _)| k.starts_with("shape "))
            .map(|(k, b)| {
                let b = names(new_doc, b);
                (a.intersection(&b).count(), a.len().max(b.len()), k.clone())
            })
            .filter(|(shared, larger, _)| *shared > 0 && shared * 2 >= *larger)
            .max_by_key(|(shared, _, _)| *shared);
        if let Some((_, _, nk)) = best {
            let (a, b) = (old.remove(&ok), new.remove(&nk));
            if let (Some(a), Some(b)) = (a, b) {
                pairs.push((nk, a, b));
            }
        }
    }
    pairs
}
