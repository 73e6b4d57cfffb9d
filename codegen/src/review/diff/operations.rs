//! Operations: added, removed, moved, renamed; their parameters, bodies, statuses and pagination.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::rules::Direction;
use super::schemas::{At, Differ};
use crate::openapi::{operation_key, operation_shape, operations_of, path_position, resolve};
use crate::review::order::common_order;

/// One operation of a document.
struct Op<'a> {
    method: &'a str,
    path: &'a str,
    item: &'a Value,
    op: &'a Value,
}

impl Op<'_> {
    fn key(&self) -> String {
        operation_key(self.method, self.path)
    }

    fn id(&self) -> Option<&str> {
        self.op.get("operationId").and_then(Value::as_str)
    }
}

/// The operation's parameters in document order (the path item's, then the operation's).
fn parameter_list<'v>(doc: &'v Value, op: &Op<'v>) -> Vec<&'v Value> {
    let all = op.item.get("parameters").and_then(Value::as_array).into_iter().flatten();
    all.chain(op.op.get("parameters").and_then(Value::as_array).into_iter().flatten())
        .map(|p| resolve(doc, p))
        .collect()
}

/// Parameters by (location, name); path parameters by their position in the path, since they
/// are passed positionally in that order and may be renamed freely.
fn parameters<'v>(doc: &'v Value, op: &Op<'v>) -> BTreeMap<(String, String), &'v Value> {
    let mut out = BTreeMap::new();
    let mut path_index = 0;
    let mut list = parameter_list(doc, op);
    list.sort_by_key(|p| {
        match (p.get("in").and_then(Value::as_str), p.get("name").and_then(Value::as_str)) {
            (Some("path"), Some(name)) => path_position(op.path, name),
            _ => usize::MAX,
        }
    });
    for p in list {
        let (Some(location), Some(name)) =
            (p.get("in").and_then(Value::as_str), p.get("name").and_then(Value::as_str))
        else {
            continue;
        };
        let key = if location == "path" {
            let k = (location.to_owned(), format!("#{path_index}"));
            if !out.contains_key(&k) {
                path_index += 1;
            }
            k
        } else {
            (location.to_owned(), name.to_owned())
        };
        out.insert(key, p);
    }
    out
}

/// The names of the required query parameters, in document order: the order of the method's
/// arguments after the path parameters.
fn required_query_order(doc: &Value, op: &Op<'_>) -> Vec<String> {
    parameter_list(doc, op)
        .into_iter()
        .filter(|p| {
            p.get("in").and_then(Value::as_str) == Some("query")
                && p.get("required") == Some(&Value::Bool(true))
        })
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

fn json_schema<'v>(doc: &'v Value, holder: &'v Value) -> Option<&'v Value> {
    let content = resolve(doc, holder).get("content")?.as_object()?;
    content
        .iter()
        .find(|(media, _)| media.contains("json"))
        .or_else(|| content.iter().next())
        .and_then(|(_, m)| m.get("schema"))
}

/// Cursor-paginated: `before`, `after` and `limit` query parameters, and a 200 body with
/// `data` and `list_metadata` (through `$ref` and `allOf`).
fn paginated(doc: &Value, op: &Op<'_>) -> bool {
    let params = parameters(doc, op);
    let has = |n: &str| params.contains_key(&("query".to_owned(), n.to_owned()));
    if !(has("before") && has("after") && has("limit")) {
        return false;
    }
    let Some(body) = op.op.pointer("/responses/200").and_then(|r| json_schema(doc, r)) else { return false };
    let mut names = BTreeSet::new();
    collect_property_names(doc, body, &mut names, 0);
    names.contains("data") && names.contains("list_metadata")
}

fn collect_property_names(doc: &Value, v: &Value, out: &mut BTreeSet<String>, depth: usize) {
    let v = resolve(doc, v);
    if let Some(props) = v.get("properties").and_then(Value::as_object) {
        out.extend(props.keys().cloned());
    }
    if depth < 8 {
        for member in v.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            collect_property_names(doc, member, out, depth + 1);
        }
    }
}

fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

/// Compares the operations of two documents: matched by method + path (path parameter names
/// aside) first, then, for the rest, by operationId.
pub(crate) fn compare<'a>(differ: &mut Differ<'a>, old: &'a Value, new: &'a Value) {
    let collect = |doc: &'a Value| -> Vec<Op<'a>> {
        operations_of(doc).into_iter().map(|(method, path, item, op)| Op { method, path, item, op }).collect()
    };
    let (olds, news) = (collect(old), collect(new));
    let new_shapes: BTreeMap<String, usize> =
        news.iter().enumerate().map(|(i, o)| (operation_shape(o.method, o.path), i)).collect();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut unmatched_old = Vec::new();
    for (i, o) in olds.iter().enumerate() {
        match new_shapes.get(&operation_shape(o.method, o.path)) {
            Some(&j) => pairs.push((i, j)),
            None => unmatched_old.push(i),
        }
    }
    let taken: BTreeSet<usize> = pairs.iter().map(|(_, j)| *j).collect();
    let free_ids: BTreeMap<&str, usize> = news
        .iter()
        .enumerate()
        .filter(|(j, _)| !taken.contains(j))
        .filter_map(|(j, n)| n.id().map(|id| (id, j)))
        .collect();
    let mut moved = BTreeSet::new();
    for i in unmatched_old {
        let o = &olds[i];
        let at = At {
            location: o.key(),
            path: String::new(),
            direction: Direction::Both,
            operations: vec![o.key()],
        };
        match o.id().and_then(|id| free_ids.get(id)) {
            Some(&j) => {
                moved.insert(j);
                let detail = format!("`{}` moved to {}", o.id().unwrap_or_default(), news[j].key());
                differ.push("operation-moved", &at, detail);
                pairs.push((i, j));
            }
            None => differ.push(
                "operation-removed",
                &at,
                format!("operation removed ({})", o.id().unwrap_or("no operationId")),
            ),
        }
    }
    for (_, n) in news.iter().enumerate().filter(|(j, _)| !taken.contains(j) && !moved.contains(j)) {
        let at = At {
            location: n.key(),
            path: String::new(),
            direction: Direction::Both,
            operations: vec![n.key()],
        };
        differ.push(
            "operation-added",
            &at,
            format!("operation added ({})", n.id().unwrap_or("no operationId")),
        );
    }
    for (i, j) in pairs {
        compare_operation(differ, old, new, &olds[i], &news[j]);
    }
}

/// One operation in both documents.
struct Pair<'a, 'p> {
    old_doc: &'a Value,
    new_doc: &'a Value,
    o: &'p Op<'a>,
    n: &'p Op<'a>,
}

impl Pair<'_, '_> {
    /// The operation as a change's place, in `direction`.
    fn at(&self, direction: Direction) -> At {
        let key = self.n.key();
        At { location: key.clone(), path: String::new(), direction, operations: vec![key] }
    }
}

fn compare_operation<'a>(
    differ: &mut Differ<'a>,
    old_doc: &'a Value,
    new_doc: &'a Value,
    o: &Op<'a>,
    n: &Op<'a>,
) {
    let pair = Pair { old_doc, new_doc, o, n };
    if let (Some(a), Some(b)) = (o.id(), n.id())
        && a != b
    {
        differ.push(
            "operation-id-renamed",
            &pair.at(Direction::Both),
            format!("operationId `{a}` renamed to `{b}`"),
        );
    }
    let deprecated = |op: &Value| op.get("deprecated") == Some(&Value::Bool(true));
    if deprecated(n.op) && !deprecated(o.op) {
        differ.push("operation-deprecated", &pair.at(Direction::Both), "deprecated".to_owned());
    }
    compare_parameters(differ, &pair);
    compare_request_body(differ, &pair);
    compare_responses(differ, &pair);
    match (paginated(old_doc, o), paginated(new_doc, n)) {
        (false, true) => {
            differ.push("pagination-gained", &pair.at(Direction::Both), "now cursor-paginated".to_owned())
        }
        (true, false) => {
            differ.push("pagination-lost", &pair.at(Direction::Both), "no longer cursor-paginated".to_owned())
        }
        _ => {}
    }
}

fn is_required(v: &Value) -> bool {
    v.get("required") == Some(&Value::Bool(true))
}

/// Parameters added, removed, made required or optional, given another default or schema, and
/// required query parameters reordered.
fn compare_parameters<'a>(differ: &mut Differ<'a>, pair: &Pair<'a, '_>) {
    let (old_doc, new_doc) = (pair.old_doc, pair.new_doc);
    let (op, np) = (parameters(old_doc, pair.o), parameters(new_doc, pair.n));
    let name = |p: &Value| {
        format!("{} parameter {}", p["in"].as_str().unwrap_or("?"), p["name"].as_str().unwrap_or("?"))
    };
    let request = pair.at(Direction::Request);
    for (k, p) in &np {
        let Some(old) = op.get(k) else {
            let rule = if is_required(p) { "parameter-added-required" } else { "parameter-added-optional" };
            differ.push(rule, &request, format!("{} added", name(p)));
            continue;
        };
        if is_required(old) != is_required(p) {
            let rule = if is_required(p) { "parameter-became-required" } else { "parameter-became-optional" };
            let what = if is_required(p) { "now required" } else { "now optional" };
            differ.push(rule, &request, format!("{} {what}", name(p)));
        }
        // The default may sit in a referenced schema (`$ref: PaginationOrder`).
        let default =
            |doc: &Value, p: &Value| p.get("schema").and_then(|s| resolve(doc, s).get("default")).cloned();
        let (old_default, new_default) = (default(old_doc, old), default(new_doc, p));
        if old_default != new_default {
            let show = |d: Option<Value>| d.map_or_else(|| "none".to_owned(), |d| d.to_string());
            let detail =
                format!("{} default {} instead of {}", name(p), show(new_default), show(old_default));
            differ.push("parameter-default-changed", &request, detail);
        }
        if let (Some(os), Some(ns)) = (old.get("schema"), p.get("schema")) {
            let mut place = request.clone();
            place.path = name(p);
            differ.compare(os, ns, &place, false);
        }
    }
    for (k, p) in &op {
        if !np.contains_key(k) {
            differ.push("parameter-removed", &request, format!("{} removed", name(p)));
        }
    }
    let (old_order, new_order) =
        common_order(&required_query_order(old_doc, pair.o), &required_query_order(new_doc, pair.n));
    if old_order.len() > 1 && old_order != new_order {
        let detail = format!(
            "required query parameters now in the order ({}), were ({}): the method takes its arguments in this order",
            new_order.join(", "),
            old_order.join(", ")
        );
        differ.push("parameter-order-changed", &request, detail);
    }
}

/// The request body added, removed, made required or optional, or given another schema.
fn compare_request_body<'a>(differ: &mut Differ<'a>, pair: &Pair<'a, '_>) {
    let (old_doc, new_doc) = (pair.old_doc, pair.new_doc);
    let request = pair.at(Direction::Request);
    let body = |doc: &'a Value, op: &'a Value| op.get("requestBody").map(|b| resolve(doc, b));
    match (body(old_doc, pair.o.op), body(new_doc, pair.n.op)) {
        (None, Some(_)) => differ.push("request-body-added", &request, "request body added".to_owned()),
        (Some(_), None) => differ.push("request-body-removed", &request, "request body removed".to_owned()),
        (Some(ob), Some(nb)) => {
            if is_required(ob) != is_required(nb) {
                let what = if is_required(nb) { "now required" } else { "now optional" };
                differ.push("request-body-required-changed", &request, format!("request body {what}"));
            }
            if let (Some(os), Some(ns)) = (json_schema(old_doc, ob), json_schema(new_doc, nb)) {
                let mut place = request.clone();
                place.location = format!("{} request body", pair.n.key());
                differ.compare(os, ns, &place, false);
            }
        }
        (None, None) => {}
    }
}

/// Statuses added and removed, and success bodies added, removed or given another schema.
/// Error bodies all decode into the one `ErrorBody`, so only their statuses count.
fn compare_responses<'a>(differ: &mut Differ<'a>, pair: &Pair<'a, '_>) {
    let statuses = |op: &'a Value| -> BTreeMap<String, &'a Value> {
        op.get("responses")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v)).collect())
            .unwrap_or_default()
    };
    let response = pair.at(Direction::Response);
    let (os, ns) = (statuses(pair.o.op), statuses(pair.n.op));
    for (status, new) in &ns {
        let Some(old) = os.get(status) else {
            let rule = if is_success(status) { "success-status-added" } else { "error-status-added" };
            differ.push(rule, &response, format!("response {status} added"));
            continue;
        };
        if !is_success(status) {
            continue;
        }
        match (json_schema(pair.old_doc, old), json_schema(pair.new_doc, new)) {
            (None, Some(_)) => {
                differ.push("response-body-added", &response, format!("response {status} now has a body"));
            }
            (Some(_), None) => {
                let detail = format!("response {status} has no body any more");
                differ.push("response-body-removed", &response, detail);
            }
            (Some(a), Some(b)) => {
                let mut place = response.clone();
                place.location = format!("{} response {status}", pair.n.key());
                differ.compare(a, b, &place, false);
            }
            (None, None) => {}
        }
    }
    for status in os.keys().filter(|s| !ns.contains_key(*s)) {
        let rule = if is_success(status) { "success-status-removed" } else { "error-status-removed" };
        differ.push(rule, &response, format!("response {status} removed"));
    }
}
