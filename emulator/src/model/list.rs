//! Query strings and cursor pagination, as the document describes them.
//!
//! - `limit`: 1 to 100, default 10; anything else is a 422 naming `limit`.
//! - `order`: `desc` (default) and `asc` sort by creation time; `normal` sorts descending but
//!   swaps the cursors' meaning: `before` fetches older records and `after` newer ones.
//! - `before` / `after`: ids. Ids increase with creation time, so a cursor stays valid after
//!   its record is deleted. Given both, the page is the window between them.
//! - `list_metadata.before` / `.after`: the cursors for the neighbouring pages, `null` when
//!   there is nothing more in that direction.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::model::error::{ApiError, ApiResult};

/// A cursor is an id: a lowercase prefix, `_`, and a 26-character ULID (Crockford base 32).
fn is_cursor(value: &str) -> bool {
    let Some((prefix, ulid)) = value.rsplit_once('_') else { return false };
    !prefix.is_empty()
        && prefix.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && ulid.len() == 26
        && ulid.bytes().all(|b| b"0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(&b))
}

/// Default and bounds of `limit`.
const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 100;

/// The `order` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Desc,
    Asc,
    Normal,
}

/// A parsed query string: the pagination parameters plus every other parameter by name.
#[derive(Debug, Clone)]
pub(crate) struct Query {
    pub(crate) limit: usize,
    pub(crate) order: Order,
    pub(crate) before: Option<String>,
    pub(crate) after: Option<String>,
    params: HashMap<String, Vec<String>>,
}

impl Query {
    /// Parses a raw query string (without `?`), validating the pagination parameters.
    pub(crate) fn parse(raw: Option<&str>) -> ApiResult<Self> {
        let mut params: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            params.entry(k.into_owned()).or_default().push(v.into_owned());
        }
        let one = |k: &str| params.get(k).and_then(|v| v.last()).filter(|v| !v.is_empty()).cloned();
        let limit = match one("limit") {
            None => DEFAULT_LIMIT,
            Some(v) => match v.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(ApiError::invalid_field(
                        "limit",
                        "invalid",
                        format!("limit must be an integer between 1 and {MAX_LIMIT}, got '{v}'."),
                    ));
                }
            },
        };
        let order = match one("order").as_deref() {
            None | Some("desc") => Order::Desc,
            Some("asc") => Order::Asc,
            Some("normal") => Order::Normal,
            Some(other) => {
                return Err(ApiError::invalid_field(
                    "order",
                    "invalid",
                    format!("order must be one of normal, desc, asc; got '{other}'."),
                ));
            }
        };
        let (before, after) = (one("before"), one("after"));
        for (name, cursor) in [("before", &before), ("after", &after)] {
            if let Some(cursor) = cursor
                && !is_cursor(cursor)
            {
                // An empty last page would tell the client the list ended: refuse loudly.
                return Err(ApiError::invalid_field(
                    name,
                    "invalid_cursor",
                    format!(
                        "{name} must be an object id from a previous page (like `org_01H...`), got '{cursor}'."
                    ),
                ));
            }
        }
        Ok(Self { limit, order, before, after, params })
    }

    /// The last value of parameter `key`, if present and non-empty.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.params.get(key).and_then(|v| v.last()).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// The parameter `key`, or a 422 naming it.
    pub(crate) fn require(&self, key: &str) -> ApiResult<String> {
        self.get(key)
            .map(str::to_owned)
            .ok_or_else(|| ApiError::invalid_field(key, "required", format!("{key} is required.")))
    }

    /// An array parameter: repeated keys and comma-separated values (`explode: false`) alike.
    pub(crate) fn get_list(&self, key: &str) -> Vec<&str> {
        self.params
            .get(key)
            .into_iter()
            .flatten()
            .flat_map(|v| v.split(','))
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// Where the page this query asks for lies in `items` (sorted by id, ascending), found by
    /// binary search: O(log n).
    fn window<T>(&self, items: &[T], id: impl Fn(&T) -> &str) -> Window {
        let n = items.len();
        // First index with an id above (`past`) or at least (`from`) the cursor.
        let past = |c: &str| items.partition_point(|x| id(x) <= c);
        let from = |c: &str| items.partition_point(|x| id(x) < c);
        // The window of ascending indices the cursors allow.
        let descending = self.order != Order::Asc;
        let (low, high) = match self.order {
            Order::Desc => (self.before.as_deref(), self.after.as_deref()),
            Order::Asc | Order::Normal => (self.after.as_deref(), self.before.as_deref()),
        };
        let a = low.map_or(0, past);
        let b = high.map_or(n, from).max(a);
        // Towards the cursor that bounds the page from the display's start: asc `before`, desc
        // `before` (newer), normal `after` (newer).
        let backward = match self.order {
            Order::Asc | Order::Desc => self.before.is_some() && self.after.is_none(),
            Order::Normal => self.after.is_some() && self.before.is_none(),
        };
        // Whether the page is taken from the window's top (the newest) end.
        let take_top = descending != backward;
        let (x, y) =
            if take_top { (b.saturating_sub(self.limit).max(a), b) } else { (a, (a + self.limit).min(b)) };
        let page = &items[x..y];
        let (first, last) =
            if descending { (page.last(), page.first()) } else { (page.first(), page.last()) };
        // More before the page in display order, and more after it.
        let (more_before, more_after) = if descending { (y < n, x > 0) } else { (x > 0, y < n) };
        let prev = first.filter(|_| more_before).map(|f| id(f).to_owned());
        let next = last.filter(|_| more_after).map(|l| id(l).to_owned());
        let (before, after) = if self.order == Order::Normal { (next, prev) } else { (prev, next) };
        Window { range: x..y, descending, before, after }
    }

    /// The page of `items`, which are sorted by id (ascending), as the document's list object:
    /// O(log n + page).
    pub(crate) fn page_sorted<T: Serialize>(&self, items: &[T], id: impl Fn(&T) -> &str) -> Value {
        self.page_sorted_with(items, id, |x| x)
    }

    /// [`Query::page_sorted`], rendering only the items on the page with `render` (e.g. ids
    /// from an index, looked up only for the page).
    pub(crate) fn page_sorted_with<'a, T, U: Serialize>(
        &self,
        items: &'a [T],
        id: impl Fn(&T) -> &str,
        render: impl Fn(&'a T) -> U,
    ) -> Value {
        let w = self.window(items, id);
        let page = &items[w.range.clone()];
        let data: Vec<U> = if w.descending {
            page.iter().rev().map(render).collect()
        } else {
            page.iter().map(render).collect()
        };
        w.list(data)
    }

    /// The page of `items` this query asks for, as the document's list object.
    pub(crate) fn page<T: Serialize>(&self, items: Vec<T>, id: impl Fn(&T) -> &str) -> Value {
        self.page_with(items, id, |x| x)
    }

    /// [`Query::page`], rendering only the items on the page with `render`.
    pub(crate) fn page_with<T, U: Serialize>(
        &self,
        mut items: Vec<T>,
        id: impl Fn(&T) -> &str,
        render: impl Fn(T) -> U,
    ) -> Value {
        items.sort_by(|a, b| id(a).cmp(id(b)));
        let w = self.window(&items, id);
        let mut data: Vec<U> = items.drain(w.range.clone()).map(render).collect();
        if w.descending {
            data.reverse();
        }
        w.list(data)
    }
}

/// A page's place in the ascending list, its display order and its cursors.
struct Window {
    range: std::ops::Range<usize>,
    descending: bool,
    before: Option<String>,
    after: Option<String>,
}

impl Window {
    /// The document's list object with `data`, the page in display order.
    fn list(self, data: impl Serialize) -> Value {
        json!({ "object": "list", "data": data, "list_metadata": { "before": self.before, "after": self.after } })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("x_{i:026}")).collect()
    }

    fn page(raw: &str, n: usize) -> (Vec<String>, Value, Value) {
        let q = Query::parse(Some(raw)).unwrap();
        let v = q.page(ids(n), |s| s.as_str());
        let data = v["data"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_owned()).collect();
        (data, v["list_metadata"]["before"].clone(), v["list_metadata"]["after"].clone())
    }

    #[test]
    fn defaults_to_ten_newest_first_with_null_cursors_at_the_ends() {
        let (data, before, after) = page("", 25);
        assert_eq!(data.len(), 10);
        assert_eq!(data[0], "x_00000000000000000000000024");
        assert_eq!((before, after), (Value::Null, json!("x_00000000000000000000000015")));
        let (data, before, after) = page("after=x_00000000000000000000000005", 25);
        assert_eq!(
            data,
            [
                "x_00000000000000000000000004",
                "x_00000000000000000000000003",
                "x_00000000000000000000000002",
                "x_00000000000000000000000001",
                "x_00000000000000000000000000"
            ]
        );
        assert_eq!((before, after), (json!("x_00000000000000000000000004"), Value::Null));
    }

    #[test]
    fn asc_walks_forward_and_back() {
        let (data, before, after) = page("order=asc&limit=3&after=x_00000000000000000000000002", 10);
        assert_eq!(
            data,
            ["x_00000000000000000000000003", "x_00000000000000000000000004", "x_00000000000000000000000005"]
        );
        assert_eq!(
            (before, after),
            (json!("x_00000000000000000000000003"), json!("x_00000000000000000000000005"))
        );
        let (data, before, _) = page("order=asc&limit=3&before=x_00000000000000000000000003", 10);
        assert_eq!(
            data,
            ["x_00000000000000000000000000", "x_00000000000000000000000001", "x_00000000000000000000000002"]
        );
        assert_eq!(before, Value::Null);
    }

    #[test]
    fn normal_order_swaps_cursor_meaning() {
        // Descending display; `after` fetches newer records, `before` older ones.
        let (data, before, after) = page("order=normal&limit=2", 5);
        assert_eq!(data, ["x_00000000000000000000000004", "x_00000000000000000000000003"]);
        assert_eq!((before, after), (json!("x_00000000000000000000000003"), Value::Null));
        let (data, _, _) = page("order=normal&limit=2&before=x_00000000000000000000000003", 5);
        assert_eq!(data, ["x_00000000000000000000000002", "x_00000000000000000000000001"]);
        let (data, _, after) = page("order=normal&limit=2&after=x_00000000000000000000000001", 5);
        assert_eq!(data, ["x_00000000000000000000000003", "x_00000000000000000000000002"]);
        assert_eq!(after, json!("x_00000000000000000000000003"));
    }

    #[test]
    fn every_item_once_walking_either_way() {
        for order in ["asc", "desc", "normal"] {
            let fwd = if order == "normal" { "before" } else { "after" };
            let (mut all, mut cursor) = (Vec::new(), None::<String>);
            loop {
                let raw = match &cursor {
                    Some(c) => format!("order={order}&limit=7&{fwd}={c}"),
                    None => format!("order={order}&limit=7"),
                };
                let (data, before, after) = page(&raw, 50);
                all.extend(data);
                let next = if order == "normal" { before } else { after };
                match next.as_str() {
                    Some(c) => cursor = Some(c.to_owned()),
                    None => break,
                }
            }
            assert_eq!(all.len(), 50, "{order}");
            let mut sorted = all.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), 50, "{order}");
        }
    }

    #[test]
    fn window_between_both_cursors_and_empty_lists() {
        let (data, _, _) =
            page("order=asc&after=x_00000000000000000000000002&before=x_00000000000000000000000006", 10);
        assert_eq!(
            data,
            ["x_00000000000000000000000003", "x_00000000000000000000000004", "x_00000000000000000000000005"]
        );
        let (data, before, after) = page("", 0);
        assert!(data.is_empty());
        assert_eq!((before, after), (Value::Null, Value::Null));
    }

    /// The pager as it was first written, scanning every item: the reference the binary-search
    /// pager must agree with.
    fn scanning_page(q: &Query, mut items: Vec<String>) -> Value {
        items.sort();
        if q.order != Order::Asc {
            items.reverse();
        }
        // Positions are in display order; `ahead(x, cursor)` says x comes after the cursor.
        let ascending = q.order == Order::Asc;
        let ahead = |x: &str, c: &str| if ascending { x > c } else { x < c };
        // In `normal` order `after` means newer, i.e. towards the start of the display order.
        let (fwd, back) = match q.order {
            Order::Normal => (q.before.as_deref(), q.after.as_deref()),
            _ => (q.after.as_deref(), q.before.as_deref()),
        };
        let start = fwd.map_or(0, |c| items.iter().position(|x| ahead(x, c)).unwrap_or(items.len()));
        let end = back
            .map_or(items.len(), |c| items.iter().position(|x| ahead(x, c) || x == c).unwrap_or(items.len()))
            .max(start);
        // Without a backward cursor the page starts at `start`; with one it ends at `end`.
        let (from, to) = if back.is_some() && fwd.is_none() {
            (end.saturating_sub(q.limit), end)
        } else {
            (start, (start + q.limit).min(end))
        };
        let more_before = from > 0;
        let more_after = to < items.len();
        let first = items.get(from).filter(|_| from < to).cloned();
        let last = to.checked_sub(1).filter(|_| from < to).and_then(|i| items.get(i)).cloned();
        let (prev, next) = (first.filter(|_| more_before), last.filter(|_| more_after));
        let (before, after) = if q.order == Order::Normal { (next, prev) } else { (prev, next) };
        let data: Vec<String> = items.drain(from..to).collect();
        json!({ "object": "list", "data": data, "list_metadata": { "before": before, "after": after } })
    }

    #[test]
    fn the_binary_search_page_is_the_same_page() {
        for n in [0, 1, 2, 7, 10, 11, 25] {
            let all = ids(n);
            let mut cursors: Vec<Option<String>> = vec![None];
            cursors.extend(all.iter().cloned().map(Some));
            cursors.push(Some(format!("x_{:026}", 999)));
            for order in ["asc", "desc", "normal"] {
                for limit in [1, 3, 10] {
                    for before in &cursors {
                        for after in [&None, &cursors[cursors.len() / 2], &cursors[1.min(cursors.len() - 1)]]
                        {
                            let mut raw = format!("order={order}&limit={limit}");
                            if let Some(b) = before {
                                raw.push_str(&format!("&before={b}"));
                            }
                            if let Some(a) = after {
                                raw.push_str(&format!("&after={a}"));
                            }
                            let q = Query::parse(Some(&raw)).unwrap();
                            let scanned = scanning_page(&q, all.clone());
                            assert_eq!(q.page_sorted(&all, |s| s), scanned, "n={n} {raw}");
                            assert_eq!(q.page(all.clone(), |s| s.as_str()), scanned, "n={n} {raw}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn bad_limit_and_order_name_the_parameter() {
        for raw in ["limit=0", "limit=101", "limit=ten"] {
            let e = Query::parse(Some(raw)).unwrap_err();
            assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "limit"), "{raw}");
        }
        assert_eq!(Query::parse(Some("order=up")).unwrap_err().errors[0].field, "order");
        assert_eq!(Query::parse(Some("limit=100")).unwrap().limit, 100);
    }

    #[test]
    fn a_cursor_that_is_no_id_is_refused_not_read_as_the_end() {
        for raw in
            ["after=garbage", "before=org_123", "after=org_01H%21%21", "after=ORG_01HZZZZZZZZZZZZZZZZZZZZZZZ"]
        {
            let e = Query::parse(Some(raw)).unwrap_err();
            assert_eq!((e.status.as_u16(), e.errors[0].code), (422, "invalid_cursor"), "{raw}");
        }
        let ok = Query::parse(Some("after=org_01HZX8V7Q2M3N4P5R6S7T8V9WX")).expect("an id");
        assert_eq!(ok.after.as_deref(), Some("org_01HZX8V7Q2M3N4P5R6S7T8V9WX"));
        assert!(Query::parse(Some("after=authz_resource_01HZX8V7Q2M3N4P5R6S7T8V9WX")).is_ok());
    }

    #[test]
    fn arrays_accept_commas_and_repeats() {
        let q = Query::parse(Some("statuses=active,inactive&statuses=pending")).unwrap();
        assert_eq!(q.get_list("statuses"), ["active", "inactive", "pending"]);
    }
}
