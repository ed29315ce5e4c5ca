//! Every object of a list, page after page, fetched lazily.
//!
//! The next page is always requested from the operation's own path with the same filters and
//! `limit`, never from the `url` a response names (a hostile body could point the key at
//! another host). Paging follows `starting_after`, or walks backwards with `ending_before` when
//! the params set it, as Stripe's official SDKs do, and it stops on `has_more: false`, on an
//! empty page, and on a page whose cursor was seen before (the caller's included): such a page
//! repeats one already yielded, so it is dropped.

use std::collections::{BTreeSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;

use crate::request::Request;
use crate::{Error, List, Object};

/// The cursor to the next page of older objects, and of newer ones.
const FORWARD: &str = "starting_after";
const BACKWARD: &str = "ending_before";

type PageFuture<T> = Pin<Box<dyn Future<Output = Result<List<T>, Error>> + Send>>;

/// The objects of a list call, as a [`Stream`]; from [`Request::stream`].
#[must_use = "a stream does nothing until polled"]
pub struct ListStream<T> {
    /// The list call with its filters, cursor parameters removed.
    template: Request<List<T>>,
    /// Walking towards older objects with `starting_after`, or newer ones with `ending_before`.
    backwards: bool,
    buffer: VecDeque<T>,
    /// Every cursor used or about to be: a page that ends on one of them is a repeat.
    seen: BTreeSet<String>,
    state: State<T>,
}

enum State<T> {
    /// The next page to fetch, after this cursor.
    Next(String),
    Fetching(PageFuture<T>),
    /// Yielded once the buffer is drained, then done.
    Failed(Error),
    Done,
}

// The stream owns its in-flight future behind a `Box` and never projects a pin into a field.
impl<T> Unpin for ListStream<T> {}

impl<T: Object + DeserializeOwned + Send + 'static> Request<List<T>> {
    /// Every object of the list, fetching each page when the previous one is used up.
    pub fn stream(self) -> ListStream<T> {
        let backwards = self.query_value(BACKWARD).is_some();
        let cursor = self.query_value(if backwards { BACKWARD } else { FORWARD }).map(str::to_string);
        // The first page is the request exactly as given (its own cursor included).
        let first = self.clone();
        let template = self.with_query(&[FORWARD, BACKWARD], None);
        let future: PageFuture<T> = Box::pin(first.send());
        let seen = cursor.into_iter().collect();
        ListStream { template, backwards, buffer: VecDeque::new(), seen, state: State::Fetching(future) }
    }

    /// Up to `max` objects of the list, fetching no page beyond what they need.
    pub async fn collect_all(self, max: usize) -> Result<Vec<T>, Error> {
        let mut objects = Vec::new();
        if max == 0 {
            return Ok(objects);
        }
        let mut stream = self.stream();
        while let Some(object) = std::future::poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
            objects.push(object?);
            if objects.len() >= max {
                break;
            }
        }
        Ok(objects)
    }
}

impl<T: Object + DeserializeOwned + Send + 'static> ListStream<T> {
    /// The next object, without a futures crate: `while let Some(session) = stream.next().await`.
    /// The same as `StreamExt::next`.
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Takes in a page; returns what to do next.
    fn accept(&mut self, page: List<T>) -> State<T> {
        let edge = if self.backwards { page.data.first() } else { page.data.last() };
        let Some(cursor) = edge.map(|object| object.id().as_ref().to_string()) else {
            return State::Done; // an empty page
        };
        if cursor.is_empty() {
            // Its objects are yielded; a next page cannot be asked for without a cursor.
            let at = if self.backwards { 0 } else { page.data.len() - 1 };
            let has_more = page.has_more;
            self.push(page.data);
            if !has_more {
                return State::Done;
            }
            let reason = "the page's edge object has an empty id, so the next page cannot be requested".to_string();
            let error = crate::error::DecodeError::new(200, None, format!("data[{at}].id"), reason, b"");
            return State::Failed(Error::Decode(Box::new(error)));
        }
        if !self.seen.insert(cursor.clone()) {
            return State::Done; // a repeat of a page already yielded
        }
        let has_more = page.has_more;
        self.push(page.data);
        if has_more {
            State::Next(cursor)
        } else {
            State::Done
        }
    }

    /// Queues a page's objects in the order they are yielded.
    fn push(&mut self, objects: Vec<T>) {
        if self.backwards {
            self.buffer.extend(objects.into_iter().rev());
        } else {
            self.buffer.extend(objects);
        }
    }

    fn fetch(&self, cursor: &str) -> PageFuture<T> {
        let key = if self.backwards { BACKWARD } else { FORWARD };
        Box::pin(self.template.with_query(&[], Some((key, cursor))).send())
    }
}

impl<T: Object + DeserializeOwned + Send + 'static> Stream for ListStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(object) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(object)));
            }
            match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Failed(error) => return Poll::Ready(Some(Err(error))),
                State::Next(cursor) => this.state = State::Fetching(this.fetch(&cursor)),
                State::Fetching(mut future) => match future.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = State::Fetching(future);
                        return Poll::Pending;
                    }
                    Poll::Ready(Err(error)) => return Poll::Ready(Some(Err(error))),
                    Poll::Ready(Ok(page)) => this.state = this.accept(page),
                },
            }
        }
    }
}
