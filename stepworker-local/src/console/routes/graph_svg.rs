//! `GET /console/graph.svg?stateMachineArn=...` (or `executionArn=...`,
//! drawing the definition version that execution runs).

use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use stepworker::model::operations::{DescribeStateMachine, DescribeStateMachineForExecution};
use stepworker::model::{DescribeStateMachineForExecutionInput, DescribeStateMachineInput};

use crate::asl::parse_definition;
use crate::console::backend::{call, ConsoleBackend};
use crate::console::error::ConsoleError;
use crate::console::graph::{build_graph, render_svg};

/// Which definition to draw.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphQuery {
    state_machine_arn: Option<String>,
    execution_arn: Option<String>,
}

/// The definition drawn as SVG.
pub async fn graph<B: ConsoleBackend>(
    State(backend): State<B>,
    Query(query): Query<GraphQuery>,
) -> Result<Response, ConsoleError> {
    let definition = match (query.execution_arn, query.state_machine_arn) {
        (Some(execution_arn), _) => {
            let input = DescribeStateMachineForExecutionInput {
                execution_arn,
                ..Default::default()
            };
            call::<DescribeStateMachineForExecution, _>(&backend, &input)
                .await?
                .definition
        }
        (None, Some(state_machine_arn)) => {
            let input = DescribeStateMachineInput {
                state_machine_arn,
                ..Default::default()
            };
            call::<DescribeStateMachine, _>(&backend, &input)
                .await?
                .definition
        }
        (None, None) => {
            return Err(ConsoleError::MissingParameter(
                "stateMachineArn or executionArn is required",
            ))
        }
    };
    let parsed =
        parse_definition(&definition).map_err(|e| ConsoleError::Definition(e.to_string()))?;
    let svg = render_svg(&build_graph(&parsed));
    Ok((
        [
            (CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (CACHE_CONTROL, "no-store"),
        ],
        svg,
    )
        .into_response())
}
