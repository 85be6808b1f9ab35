//! `GET /console/activities`: every activity with its live load.

use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use stepworker::model::operations::ListActivities;
use stepworker::model::{ListActivitiesInput, Timestamp};

use crate::console::backend::{call, ActivityLoad, ConsoleBackend};
use crate::console::error::ConsoleError;

/// Activities listed at most (pages of 1,000).
const MAX_PAGES: usize = 10;

/// One row of the activities table.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityRow {
    name: String,
    activity_arn: String,
    creation_date: Timestamp,
    /// `None` when the engine does not report queue load.
    load: Option<ActivityLoad>,
}

/// The activities, newest first as ListActivities returns them.
pub async fn activities<B: ConsoleBackend>(
    State(backend): State<B>,
) -> Result<Response, ConsoleError> {
    let mut loads = backend.activity_loads();
    let mut rows = Vec::new();
    let mut next_token = None;
    for _ in 0..MAX_PAGES {
        let input = ListActivitiesInput {
            max_results: Some(1000),
            next_token: next_token.take(),
        };
        let page = call::<ListActivities, _>(&backend, &input).await?;
        rows.extend(page.activities.into_iter().map(|a| ActivityRow {
            load: loads.remove(&a.activity_arn),
            name: a.name,
            activity_arn: a.activity_arn,
            creation_date: a.creation_date,
        }));
        match page.next_token {
            Some(token) => next_token = Some(token),
            None => break,
        }
    }
    Ok(([(CACHE_CONTROL, "no-store")], Json(rows)).into_response())
}
