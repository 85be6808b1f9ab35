//! Cursor pagination shared by the list operations.
//!
//! A `nextToken` seals the order number of the last item returned, bound to
//! the listing it came from (operation and filters), so pages stay stable
//! while items are added and a forged token is `InvalidToken`.

use stepworker::model::ErrorCode;

use crate::core::Core;
use crate::error::{ApiError, ApiResult};
use crate::validate;

/// One listing request.
pub struct PageRequest<'a> {
    /// Names the listing (operation and filters).
    pub scope: String,
    /// `nextToken`.
    pub next_token: Option<&'a str>,
    /// `maxResults`.
    pub max_results: Option<i32>,
    /// Model limit of the token (`PageToken` or `ListExecutionsPageToken`).
    pub token_limits: (usize, usize),
}

/// One page of items and the token of the next.
pub struct Page<T> {
    /// Items of this page.
    pub items: Vec<T>,
    /// Token of the next page, if there are more items.
    pub next_token: Option<String>,
}

/// Takes one page from `items` (each with its order number, in listing
/// order). `descending` tells which way the order numbers run.
pub fn page<T>(
    core: &Core,
    request: PageRequest<'_>,
    descending: bool,
    items: impl Iterator<Item = (u64, T)>,
) -> ApiResult<Page<T>> {
    page_by_bytes(core, request, descending, items, |_| 0, usize::MAX)
}

/// Like [`page`], ending the page early (with a token for the rest) once
/// its items weigh `budget` bytes by `weight`; a page holds at least one
/// item, so listing always progresses.
pub fn page_by_bytes<T>(
    core: &Core,
    request: PageRequest<'_>,
    descending: bool,
    items: impl Iterator<Item = (u64, T)>,
    weight: impl Fn(&T) -> usize,
    budget: usize,
) -> ApiResult<Page<T>> {
    let size = validate::page_size(request.max_results)?;
    validate::optional_length("nextToken", request.next_token, request.token_limits)?;
    let after = match request.next_token {
        None => None,
        Some(token) => Some(core.sealer.open(&request.scope, token).ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidToken, "Invalid Token: 'Invalid token'")
        })?),
    };
    let mut remaining = items.filter(|(key, _)| match after {
        None => true,
        Some(after) if descending => *key < after,
        Some(after) => *key > after,
    });
    let mut out = Vec::with_capacity(size.min(1000));
    let mut last = None;
    let mut bytes = 0usize;
    for (key, item) in remaining.by_ref().take(size) {
        last = Some(key);
        bytes = bytes.saturating_add(weight(&item));
        out.push(item);
        if bytes >= budget {
            break;
        }
    }
    let more = remaining.next().is_some();
    let next_token = match (more, last) {
        (true, Some(last)) => Some(core.sealer.seal(&request.scope, last)),
        _ => None,
    };
    Ok(Page {
        items: out,
        next_token,
    })
}
