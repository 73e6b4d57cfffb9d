//! Cursor pagination as streams. WorkOS lists return `data` and `list_metadata { before,
//! after }`: `after` is null at the end of the list, `before` at its start.
//!
//! [`Pages`] goes forward (following `after`) or backward (following `before`), from the start
//! of the list or from a cursor you resume at. It stops on a null cursor and on an empty page,
//! never fetches a page twice, yields an error as an item and then ends, and can fetch the next
//! page while you consume the current one ([`PageOptions::prefetch`]). [`Items`] yields the
//! items of those pages; going backward, it yields them in reverse list order, so the stream is
//! ordered either way.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use super::ApiError;

/// The largest page WorkOS serves.
pub const MAX_PAGE_SIZE: u32 = 100;

/// Which way to walk the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// Follow `list_metadata.after`, from the start (or the cursor given) to the end.
    #[default]
    Forward,
    /// Follow `list_metadata.before`, from the cursor given back to the start. Without a cursor
    /// the walk starts at the start of the list, so it is one page long.
    Backward,
}

/// How to page through a list. Defaults: forward, from the start, 100 items a page (the most
/// WorkOS serves), the API's default order, no prefetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOptions {
    limit: u32,
    direction: Direction,
    start: Option<String>,
    order: Option<String>,
    prefetch: bool,
}

impl Default for PageOptions {
    fn default() -> Self {
        PageOptions {
            limit: MAX_PAGE_SIZE,
            direction: Direction::Forward,
            start: None,
            order: None,
            prefetch: false,
        }
    }
}

impl PageOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Items a page, clamped to 1..=100.
    #[must_use]
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = limit.clamp(1, MAX_PAGE_SIZE);
        self
    }

    /// Walk backward (following `before`).
    #[must_use]
    pub fn backward(mut self) -> Self {
        self.direction = Direction::Backward;
        self
    }

    /// Resume at `cursor` (an object id, as in `list_metadata`).
    #[must_use]
    pub fn starting_at(mut self, cursor: impl Into<String>) -> Self {
        self.start = Some(cursor.into());
        self
    }

    /// The list's `order` parameter (`asc`, `desc`, `normal`).
    #[must_use]
    pub fn order(mut self, order: impl Into<String>) -> Self {
        self.order = Some(order.into());
        self
    }

    /// Fetch the next page while the current one is consumed (at most one page ahead).
    #[must_use]
    pub fn prefetch(mut self, prefetch: bool) -> Self {
        self.prefetch = prefetch;
        self
    }
}

/// The parameters of one page request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    after: Option<String>,
    before: Option<String>,
    limit: u32,
    order: Option<String>,
}

impl Cursor {
    /// The `after` parameter.
    pub fn after(&self) -> Option<&str> {
        self.after.as_deref()
    }

    /// The `before` parameter.
    pub fn before(&self) -> Option<&str> {
        self.before.as_deref()
    }

    /// The `limit` parameter, in whatever integer type the method takes.
    pub fn limit<T: LimitArg>(&self) -> Option<T> {
        Some(T::from_limit(self.limit))
    }

    /// The `order` parameter.
    pub fn order(&self) -> Option<&str> {
        self.order.as_deref()
    }
}

/// The integer types generated methods take for `limit`.
pub trait LimitArg {
    /// `limit`, which is 1..=100.
    fn from_limit(limit: u32) -> Self;
}

impl LimitArg for std::num::NonZeroU64 {
    fn from_limit(limit: u32) -> Self {
        std::num::NonZeroU64::new(u64::from(limit.max(1))).unwrap_or(std::num::NonZeroU64::MIN)
    }
}

impl LimitArg for u64 {
    fn from_limit(limit: u32) -> Self {
        u64::from(limit)
    }
}

impl LimitArg for i64 {
    fn from_limit(limit: u32) -> Self {
        i64::from(limit)
    }
}

impl LimitArg for f64 {
    fn from_limit(limit: u32) -> Self {
        f64::from(limit)
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items, in list order.
    pub data: Vec<T>,
    /// Cursor of the previous page; `None` at the start of the list.
    pub before: Option<String>,
    /// Cursor of the next page; `None` at the end of the list.
    pub after: Option<String>,
}

impl<T> Page<T> {
    /// A page.
    pub fn new(data: Vec<T>, before: Option<String>, after: Option<String>) -> Self {
        Page { data, before, after }
    }
}

type PageFuture<'a, T> = Pin<Box<dyn Future<Output = Result<Page<T>, ApiError>> + Send + 'a>>;
type Fetch<'a, T> = Box<dyn FnMut(Cursor) -> PageFuture<'a, T> + Send + 'a>;

/// A stream of pages; made by the generated `{list method}_pages` methods.
pub struct Pages<'a, T> {
    fetch: Fetch<'a, T>,
    options: PageOptions,
    /// The cursor of the next page to request; `None` once the list is exhausted.
    next: Option<Option<String>>,
    in_flight: Option<PageFuture<'a, T>>,
    /// A prefetched page that completed before it was asked for.
    ready: Option<Result<Page<T>, ApiError>>,
}

impl<T> std::fmt::Debug for Pages<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("options", &self.options)
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

impl<'a, T> Pages<'a, T> {
    /// Pages fetched by `fetch`, as `options` say.
    pub fn new(options: PageOptions, fetch: impl FnMut(Cursor) -> PageFuture<'a, T> + Send + 'a) -> Self {
        let start = options.start.clone();
        Pages { fetch: Box::new(fetch), options, next: Some(start), in_flight: None, ready: None }
    }

    /// The items of these pages.
    pub fn items(self) -> Items<'a, T> {
        let reverse = self.options.direction == Direction::Backward;
        Items { pages: self, buffer: VecDeque::new(), reverse, done: false }
    }

    /// Starts the request for the next page, if there is one.
    fn start_next(&mut self) {
        if self.in_flight.is_some() || self.ready.is_some() {
            return;
        }
        let Some(cursor) = self.next.take() else { return };
        let (after, before) = match self.options.direction {
            Direction::Forward => (cursor, None),
            Direction::Backward => (None, cursor),
        };
        let request = Cursor { after, before, limit: self.options.limit, order: self.options.order.clone() };
        self.in_flight = Some((self.fetch)(request));
    }

    /// What follows `page` in this direction; `None` at the end of the walk.
    fn follow(&self, page: &Page<T>) -> Option<Option<String>> {
        if page.data.is_empty() {
            return None;
        }
        let cursor = match self.options.direction {
            Direction::Forward => page.after.clone(),
            Direction::Backward => page.before.clone(),
        };
        cursor.map(Some)
    }
}

// Nothing is pinned in place: the futures are boxed, and items are moved, never pinned.
impl<T> Unpin for Pages<'_, T> {}

impl<T> Stream for Pages<'_, T> {
    type Item = Result<Page<T>, ApiError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let result = match this.ready.take() {
            Some(result) => result,
            None => {
                this.start_next();
                let Some(in_flight) = this.in_flight.as_mut() else { return Poll::Ready(None) };
                match in_flight.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(result) => {
                        this.in_flight = None;
                        result
                    }
                }
            }
        };
        match &result {
            Ok(page) => {
                this.next = this.follow(page);
                if this.options.prefetch {
                    this.start_next();
                    if let Some(in_flight) = this.in_flight.as_mut() {
                        // One poll sends the request; the connection makes progress on its own.
                        if let Poll::Ready(done) = in_flight.as_mut().poll(cx) {
                            this.in_flight = None;
                            this.ready = Some(done);
                        }
                    }
                }
            }
            Err(_) => this.next = None,
        }
        Poll::Ready(Some(result))
    }
}

/// A stream of items; made by the generated `{list method}_stream` methods.
pub struct Items<'a, T> {
    pages: Pages<'a, T>,
    buffer: VecDeque<T>,
    reverse: bool,
    done: bool,
}

impl<T> std::fmt::Debug for Items<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items").field("pages", &self.pages).field("buffered", &self.buffer.len()).finish()
    }
}

impl<T> Unpin for Items<'_, T> {}

impl<T> Stream for Items<'_, T> {
    type Item = Result<T, ApiError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            let next = if this.reverse { this.buffer.pop_back() } else { this.buffer.pop_front() };
            if let Some(item) = next {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => this.done = true,
                Poll::Ready(Some(Err(e))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(Some(Ok(page))) => this.buffer.extend(page.data),
            }
        }
    }
}
