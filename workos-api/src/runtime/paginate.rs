//! Cursor pagination as streams. WorkOS lists return `data` and `list_metadata { before,
//! after }`: `after` is null at the end of the list, `before` at its start.
//!
//! Every cursor-paginated list builder implements the generated [`ListRequest`] (set the
//! cursor, fetch one page); [`ListExt`] (in [`crate::prelude`]) turns any of them into a
//! stream of items (`.stream()`) or pages (`.pages()`), with the builder's filters.
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

/// How to page through a list. Defaults: forward, from the start, the builder's `limit` or else
/// 100 items a page (the most WorkOS serves), no prefetch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageOptions {
    limit: Option<u32>,
    direction: Direction,
    start: Option<String>,
    prefetch: bool,
}

impl PageOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Items a page, clamped to 1..=100 (overrides the builder's `limit`).
    #[must_use]
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit.clamp(1, MAX_PAGE_SIZE));
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

    /// Fetch the next page while the current one is consumed (at most one page ahead).
    #[must_use]
    pub fn prefetch(mut self, prefetch: bool) -> Self {
        self.prefetch = prefetch;
        self
    }
}

/// The cursor of one page request, handed to [`ListRequest::set_page`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// The `after` parameter.
    pub after: Option<String>,
    /// The `before` parameter.
    pub before: Option<String>,
    /// The page size the stream asks for; `None` keeps the builder's own `limit`.
    pub limit: Option<u32>,
}

impl PageRequest {
    /// Writes the page size into a builder's `limit` field: the stream's when it set one, else
    /// the builder's own, else [`MAX_PAGE_SIZE`].
    pub fn limit_into<L: LimitArg>(&self, field: &mut Option<L>) {
        match self.limit {
            Some(limit) => *field = Some(L::from_limit(limit)),
            None if field.is_none() => *field = Some(L::from_limit(MAX_PAGE_SIZE)),
            None => {}
        }
    }
}

/// The integer types list builders store `limit` in.
pub trait LimitArg {
    /// `limit`, which is 1..=100.
    fn from_limit(limit: u32) -> Self;
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

/// The future of one page.
pub type PageFuture<T> = Pin<Box<dyn Future<Output = Result<Page<T>, ApiError>> + Send + 'static>>;

/// A cursor-paginated list request (implemented by the generated list builders): it can be
/// pointed at a page and fetch it. [`ListExt`] builds the streams on it.
pub trait ListRequest: Clone + Send + 'static {
    /// The list's item type.
    type Item: Send + 'static;

    /// Points the request at one page.
    fn set_page(&mut self, page: PageRequest);

    /// Fetches the page the request points at.
    fn fetch_page(self) -> PageFuture<Self::Item>;
}

/// `.stream()` and `.pages()` on every list builder (in [`crate::prelude`]).
///
/// ```no_run
/// use futures::TryStreamExt as _;
/// use workos_api::prelude::*;
///
/// # async fn demo(client: workos_api::Client) -> Result<(), workos_api::ApiError> {
/// let mut users = client.user_management().list_users().organization_id("org_123").stream();
/// while let Some(user) = users.try_next().await? {
///     println!("{}", user.email);
/// }
/// # Ok(()) }
/// ```
pub trait ListExt: ListRequest {
    /// Every item, page after page, forward from the start of the list, with this builder's
    /// filters (and its `limit` as the page size, if set).
    fn stream(self) -> Items<Self::Item> {
        self.pages().items()
    }

    /// Every page, forward from the start of the list.
    fn pages(self) -> Pages<Self::Item> {
        self.pages_with(PageOptions::default())
    }

    /// Every item, as `options` say (direction, resume cursor, page size, prefetch).
    fn stream_with(self, options: PageOptions) -> Items<Self::Item> {
        self.pages_with(options).items()
    }

    /// Every page, as `options` say.
    fn pages_with(self, options: PageOptions) -> Pages<Self::Item> {
        let limit = options.limit;
        let direction = options.direction;
        Pages::new(options, move |cursor: Option<String>| {
            let mut request = self.clone();
            let (after, before) = match direction {
                Direction::Forward => (cursor, None),
                Direction::Backward => (None, cursor),
            };
            request.set_page(PageRequest { after, before, limit });
            request.fetch_page()
        })
    }
}

impl<R: ListRequest> ListExt for R {}

/// A page future from a list response: `into_page` takes the items and cursors out of it.
#[doc(hidden)]
pub fn page_of<L: Send + 'static, T: Send + 'static>(
    list: crate::runtime::ResponseFuture<L>,
    into_page: fn(L) -> Page<T>,
) -> PageFuture<T> {
    Box::pin(async move { list.await.map(into_page) })
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

type Fetch<T> = Box<dyn FnMut(Option<String>) -> PageFuture<T> + Send>;

/// A stream of pages; made by [`ListExt::pages`].
pub struct Pages<T> {
    fetch: Fetch<T>,
    options: PageOptions,
    /// The cursor of the next page to request; `None` once the list is exhausted.
    next: Option<Option<String>>,
    in_flight: Option<PageFuture<T>>,
    /// A prefetched page that completed before it was asked for.
    ready: Option<Result<Page<T>, ApiError>>,
}

impl<T> std::fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("options", &self.options)
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

impl<T> Pages<T> {
    /// Pages fetched by `fetch` (given the cursor of the page to fetch), as `options` say.
    pub fn new(
        options: PageOptions,
        fetch: impl FnMut(Option<String>) -> PageFuture<T> + Send + 'static,
    ) -> Self {
        let start = options.start.clone();
        Pages { fetch: Box::new(fetch), options, next: Some(start), in_flight: None, ready: None }
    }

    /// The items of these pages.
    pub fn items(self) -> Items<T> {
        let reverse = self.options.direction == Direction::Backward;
        Items { pages: self, buffer: VecDeque::new(), reverse, done: false }
    }

    /// Starts the request for the next page, if there is one.
    fn start_next(&mut self) {
        if self.in_flight.is_some() || self.ready.is_some() {
            return;
        }
        let Some(cursor) = self.next.take() else { return };
        self.in_flight = Some((self.fetch)(cursor));
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
impl<T> Unpin for Pages<T> {}

impl<T> Stream for Pages<T> {
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

/// A stream of items; made by [`ListExt::stream`].
pub struct Items<T> {
    pages: Pages<T>,
    buffer: VecDeque<T>,
    reverse: bool,
    done: bool,
}

impl<T> std::fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items").field("pages", &self.pages).field("buffered", &self.buffer.len()).finish()
    }
}

impl<T> Unpin for Items<T> {}

impl<T> Stream for Items<T> {
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
