//! `GET /console/steps?executionArn=...`: the step list and state
//! statuses of an execution, derived from its whole history.

use axum::extract::{Query, State};
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use stepworker::model::operations::GetExecutionHistory;
use stepworker::model::GetExecutionHistoryInput;

use crate::console::backend::{call, ConsoleBackend};
use crate::console::error::ConsoleError;
use crate::console::steps::derive_steps;

/// Events per history page (the API's maximum).
const PAGE_SIZE: i32 = 1000;
/// Pages read at most: AWS caps a history at 25,000 events.
const MAX_PAGES: usize = 25;

/// Which execution.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepsQuery {
    execution_arn: Option<String>,
}

/// The execution's steps as JSON.
pub async fn steps<B: ConsoleBackend>(
    State(backend): State<B>,
    Query(query): Query<StepsQuery>,
) -> Result<Response, ConsoleError> {
    let execution_arn = query
        .execution_arn
        .ok_or(ConsoleError::MissingParameter("executionArn is required"))?;
    let mut events = Vec::new();
    let mut next_token = None;
    for _ in 0..MAX_PAGES {
        let input = GetExecutionHistoryInput {
            execution_arn: execution_arn.clone(),
            include_execution_data: Some(true),
            max_results: Some(PAGE_SIZE),
            next_token: next_token.take(),
            reverse_order: Some(false),
        };
        let page = call::<GetExecutionHistory, _>(&backend, &input).await?;
        events.extend(page.events);
        match page.next_token {
            Some(token) => next_token = Some(token),
            None => break,
        }
    }
    Ok(([(CACHE_CONTROL, "no-store")], Json(derive_steps(&events))).into_response())
}
