//! Streams over the pages of a list operation, following `nextToken`.

use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::stream::{self, BoxStream, StreamExt};

use super::{Client, Error};
use crate::model::Paginated;

/// Pages of a list operation. Get one from `.into_paginator()` on a list
/// builder, then stream pages with [`send`](Paginator::send) or items with
/// [`items`](Paginator::items):
///
/// ```no_run
/// # async fn run(client: stepworker::Client) -> Result<(), stepworker::Error> {
/// use futures_util::TryStreamExt;
/// let executions: Vec<_> = client
///     .list_executions()
///     .state_machine_arn("arn:aws:states:us-east-1:123456789012:stateMachine:demo")
///     .into_paginator()
///     .items()
///     .try_collect()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a paginator does nothing until its stream is polled"]
pub struct Paginator<O: Paginated> {
    client: Client,
    first: Result<O::Input, Error>,
    _op: PhantomData<O>,
}

impl<O: Paginated> Paginator<O> {
    pub(crate) fn new(client: Client, first: Result<O::Input, Error>) -> Self {
        Self {
            client,
            first,
            _op: PhantomData,
        }
    }

    /// A stream of whole pages. It ends after the page without `nextToken`,
    /// or after the first error (a builder error comes first, with no request made).
    pub fn send(self) -> PageStream<O> {
        let state = match self.first {
            Ok(input) => State::Next { input, sent: None },
            Err(error) => State::Failed(error),
        };
        let client = self.client;
        let pages = stream::unfold(state, move |state| {
            let client = client.clone();
            async move { next_page::<O>(client, state).await }
        });
        PageStream {
            inner: pages.boxed(),
        }
    }

    /// A stream of the items of every page, in order.
    pub fn items(self) -> ItemStream<O> {
        let items = self.send().flat_map(|page| match page {
            Ok(page) => stream::iter(O::into_items(page).into_iter().map(Ok).collect::<Vec<_>>()),
            Err(error) => stream::iter(vec![Err(error)]),
        });
        ItemStream {
            inner: items.boxed(),
        }
    }
}

impl<O: Paginated> std::fmt::Debug for Paginator<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("operation", &O::NAME)
            .finish_non_exhaustive()
    }
}

enum State<I> {
    /// The next request, and the token it carries (none on the first page).
    Next {
        input: I,
        sent: Option<String>,
    },
    Failed(Error),
    Done,
}

async fn next_page<O: Paginated>(
    client: Client,
    state: State<O::Input>,
) -> Option<(Result<O::Output, Error>, State<O::Input>)> {
    let (input, sent) = match state {
        State::Done => return None,
        State::Failed(error) => return Some((Err(error), State::Done)),
        State::Next { input, sent } => (input, sent),
    };
    match client.invoke::<O>(input.clone()).await {
        Err(error) => Some((Err(error), State::Done)),
        Ok(page) => {
            let next = match O::next_token(&page) {
                // The AWS SDKs stop when the service hands back the token it
                // was given, rather than loop on the same page forever.
                Some(token) if !token.is_empty() && Some(token) != sent.as_deref() => {
                    let token = token.to_owned();
                    let mut input = input;
                    O::set_next_token(&mut input, Some(token.clone()));
                    State::Next {
                        input,
                        sent: Some(token),
                    }
                }
                _ => State::Done,
            };
            Some((Ok(page), next))
        }
    }
}

/// A stream of pages, from [`Paginator::send`].
#[must_use = "streams do nothing unless polled"]
pub struct PageStream<O: Paginated> {
    inner: BoxStream<'static, Result<O::Output, Error>>,
}

impl<O: Paginated> Stream for PageStream<O> {
    type Item = Result<O::Output, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// A stream of items across pages, from [`Paginator::items`].
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<O: Paginated> {
    inner: BoxStream<'static, Result<O::Item, Error>>,
}

impl<O: Paginated> Stream for ItemStream<O> {
    type Item = Result<O::Item, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}
