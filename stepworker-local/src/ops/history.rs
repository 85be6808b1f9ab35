//! GetExecutionHistory.

use std::sync::Arc;

use stepworker::model::{GetExecutionHistoryInput, GetExecutionHistoryOutput};

use super::lookup::find_execution;
use super::page::{page_by_bytes, PageRequest};
use crate::core::Core;
use crate::error::ApiResult;
use crate::validate::{self, limits};

/// Most bytes (as JSON) of events one history page holds; a page ends
/// early, with a `nextToken`, past it.
pub const HISTORY_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// The size of `event` as the answer carries it.
fn event_bytes(event: &crate::execution::Event, include_data: bool) -> usize {
    serde_json::to_vec(&event.to_wire(include_data)).map_or(0, |json| json.len())
}

/// GetExecutionHistory: oldest first unless `reverseOrder`; inputs and
/// outputs left out when `includeExecutionData` is false.
pub fn get(
    core: &Arc<Core>,
    input: GetExecutionHistoryInput,
) -> ApiResult<GetExecutionHistoryOutput> {
    validate::arn("executionArn", &input.execution_arn)?;
    core.arns.check_execution(&input.execution_arn)?;
    let execution = find_execution(core, &input.execution_arn)?;
    let reverse = input.reverse_order.unwrap_or(false);
    let include_data = input.include_execution_data.unwrap_or(true);
    let request = PageRequest {
        scope: format!("GetExecutionHistory|{}|{reverse}", input.execution_arn),
        next_token: input.next_token.as_deref(),
        max_results: input.max_results,
        token_limits: limits::PAGE_TOKEN,
    };
    // Events carry payloads of up to 256 KiB each: a page of 1,000 of them
    // would be a 256 MiB answer.
    let weight = |event: &&crate::execution::Event| event_bytes(event, include_data);
    let page = execution.with_state(|state| {
        let events = state.history.events();
        // Conversion is lazy in `page`: only the events of this page are built.
        let page = if reverse {
            page_by_bytes(
                core,
                request,
                true,
                events.iter().rev().map(|e| (e.id as u64, e)),
                weight,
                HISTORY_PAGE_BYTES,
            )
        } else {
            page_by_bytes(
                core,
                request,
                false,
                events.iter().map(|e| (e.id as u64, e)),
                weight,
                HISTORY_PAGE_BYTES,
            )
        }?;
        Ok::<_, crate::error::ApiError>(super::page::Page {
            items: page
                .items
                .into_iter()
                .map(|e| e.to_wire(include_data))
                .collect(),
            next_token: page.next_token,
        })
    })?;
    Ok(GetExecutionHistoryOutput {
        events: page.items,
        next_token: page.next_token,
    })
}
