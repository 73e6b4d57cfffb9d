//! Operations: added, removed, moved, renamed; their parameters, bodies, statuses and pagination.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::rules::Direction;
use super::schemas::{At, Differ};
use super::{operation_key, operations_of};
use crate::passes::resolve;

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
            (Some("path"), Some(name)) => crate::surface::model::path_position(op.path, name),
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
        news.iter().enumerate().map(|(i, o)| (super::operation_shape(o.method, o.path), i)).collect();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut unmatched_old = Vec::new();
    for (i, o) in olds.iter().enumerate() {
        match new_shapes.get(&super::operation_shape(o.method, o.path)) {
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

fn compare_operation<'a>(
    differ: &mut Differ<'a>,
    old_doc: &'a Value,
    new_doc: &'a Value,
    o: &Op<'a>,
    n: &Op<'a>,
) {
    let key = n.key();
    let at = |direction| At {
        location: key.clone(),
        path: String::new(),
        direction,
        operations: vec![key.clone()],
    };
    if let (Some(a), Some(b)) = (o.id(), n.id())
        && a != b
    {
        differ.push(
            "operation-id-renamed",
            &at(Direction::Both),
            format!("operationId `{a}` renamed to `{b}`"),
        );
    }
    let deprecated = |op: &Value| op.get("deprecated") == Some(&Value::Bool(true));
    if deprecated(n.op) && !deprecated(o.op) {
        differ.push("operation-deprecated", &at(Direction::Both), "deprecated".to_owned());
    }

    // Parameters.
    let (op, np) = (parameters(old_doc, o), parameters(new_doc, n));
    let name = |p: &Value| {
        format!("{} parameter {}", p["in"].as_str().unwrap_or("?"), p["name"].as_str().unwrap_or("?"))
    };
    let required = |p: &Value| p.get("required") == Some(&Value::Bool(true));
    for (k, p) in &np {
        match op.get(k) {
            None => {
                let rule = if required(p) { "parameter-added-required" } else { "parameter-added-optional" };
                differ.push(rule, &at(Direction::Request), format!("{} added", name(p)));
            }
            Some(old) => {
                if required(old) != required(p) {
                    let rule =
                        if required(p) { "parameter-became-required" } else { "parameter-became-optional" };
                    let what = if required(p) { "now required" } else { "now optional" };
                    differ.push(rule, &at(Direction::Request), format!("{} {what}", name(p)));
                }
                // The default may sit in a referenced schema (`$ref: PaginationOrder`).
                let default = |doc: &Value, p: &Value| {
                    p.get("schema").and_then(|s| resolve(doc, s).get("default")).cloned()
                };
                let (old_default, new_default) = (default(old_doc, old), default(new_doc, p));
                if old_default != new_default {
                    let show = |d: Option<Value>| d.map_or_else(|| "none".to_owned(), |d| d.to_string());
                    let detail =
                        format!("{} default {} instead of {}", name(p), show(new_default), show(old_default));
                    differ.push("parameter-default-changed", &at(Direction::Request), detail);
                }
                if let (Some(os), Some(ns)) = (old.get("schema"), p.get("schema")) {
                    let mut place = at(Direction::Request);
                    place.path = name(p);
                    differ.compare(os, ns, &place, false);
                }
            }
        }
    }
    for (k, p) in &op {
        if !np.contains_key(k) {
            differ.push("parameter-removed", &at(Direction::Request), format!("{} removed", name(p)));
        }
    }
    let (old_order, new_order) =
        super::common_order(&required_query_order(old_doc, o), &required_query_order(new_doc, n));
    if old_order.len() > 1 && old_order != new_order {
        let detail = format!(
            "required query parameters now in the order ({}), were ({}): the method takes its arguments in this order",
            new_order.join(", "),
            old_order.join(", ")
        );
        differ.push("parameter-order-changed", &at(Direction::Request), detail);
    }

    // Request body.
    let body = |doc: &'a Value, op: &'a Value| op.get("requestBody").map(|b| resolve(doc, b));
    match (body(old_doc, o.op), body(new_doc, n.op)) {
        (None, Some(_)) => {
            differ.push("request-body-added", &at(Direction::Request), "request body added".to_owned())
        }
        (Some(_), None) => {
            differ.push("request-body-removed", &at(Direction::Request), "request body removed".to_owned())
        }
        (Some(ob), Some(nb)) => {
            if required(ob) != required(nb) {
                let what = if required(nb) { "now required" } else { "now optional" };
                differ.push(
                    "request-body-required-changed",
                    &at(Direction::Request),
                    format!("request body {what}"),
                );
            }
            if let (Some(os), Some(ns)) = (json_schema(old_doc, ob), json_schema(new_doc, nb)) {
                let mut place = at(Direction::Request);
                place.location = format!("{key} request body");
                differ.compare(os, ns, &place, false);
            }
        }
        (None, None) => {}
    }

    // Responses. Error bodies all decode into the one `ErrorBody`, so only statuses count.
    let statuses = |op: &'a Value| -> BTreeMap<String, &'a Value> {
        op.get("responses")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v)).collect())
            .unwrap_or_default()
    };
    let (os, ns) = (statuses(o.op), statuses(n.op));
    for (status, response) in &ns {
        let Some(old) = os.get(status) else {
            let rule = if is_success(status) { "success-status-added" } else { "error-status-added" };
            differ.push(rule, &at(Direction::Response), format!("response {status} added"));
            continue;
        };
        if !is_success(status) {
            continue;
        }
        match (json_schema(old_doc, old), json_schema(new_doc, response)) {
            (None, Some(_)) => {
                differ.push(
                    "response-body-added",
                    &at(Direction::Response),
                    format!("response {status} now has a body"),
                );
            }
            (Some(_), None) => {
                differ.push(
                    "response-body-removed",
                    &at(Direction::Response),
                    format!("response {status} has no body any more"),
                );
            }
            (Some(a), Some(b)) => {
                let mut place = at(Direction::Response);
                place.location = format!("{key} response {status}");
                differ.compare(a, b, &place, false);
            }
            (None, None) => {}
        }
    }
    for status in os.keys().filter(|s| !ns.contains_key(*s)) {
        let rule = if is_success(status) { "success-status-removed" } else { "error-status-removed" };
        differ.push(rule, &at(Direction::Response), format!("response {status} removed"));
    }

    match (paginated(old_doc, o), paginated(new_doc, n)) {
        (false, true) => {
            differ.push("pagination-gained", &at(Direction::Both), "now cursor-paginated".to_owned())
        }
        (true, false) => {
            differ.push("pagination-lost", &at(Direction::Both), "no longer cursor-paginated".to_owned())
        }
        _ => {}
    }
}
