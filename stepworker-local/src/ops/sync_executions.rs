//! StartSyncExecution: run an EXPRESS execution and answer with its end.

use std::sync::Arc;

use stepworker::model::{
    BillingDetails, CloudWatchEventsExecutionDataDetails, ExecutionStatus, IncludedData,
    StartSyncExecutionInput, StartSyncExecutionOutput, SyncExecutionStatus, Timestamp,
};

use super::executions::{launch, Launch, Launched};
use crate::core::Core;
use crate::error::ApiResult;
use crate::validate;

/// AWS bills Express executions in 100 ms steps.
const BILLING_STEP_MILLIS: i64 = 100;
/// The memory AWS bills an Express execution for at least, MB.
const BILLED_MEMORY_MB: i64 = 64;

/// StartSyncExecution: starts an EXPRESS execution and waits for its end
/// (at most the five minutes an Express execution may run).
pub async fn start_sync(
    core: Arc<Core>,
    input: StartSyncExecutionInput,
) -> ApiResult<StartSyncExecutionOutput> {
    if let Some(included) = &input.included_data {
        validate::enum_value("includedData", included.as_str(), IncludedData::VALUES)?;
    }
    let with_data = input.included_data != Some(IncludedData::MetadataOnly);
    let launched = launch(
        &core,
        Launch {
            state_machine_arn: input.state_machine_arn,
            name: input.name,
            input: input.input,
            trace_header: input.trace_header,
            sync: true,
        },
    )?;
    let (Launched::New(execution) | Launched::Repeat(execution)) = launched;
    execution.finished().await;
    let details = || {
        with_data.then_some(CloudWatchEventsExecutionDataDetails {
            included: Some(true),
        })
    };
    Ok(execution.with_state(|state| {
        let stop_millis = state.stop_millis.unwrap_or(execution.start_millis);
        let duration = stop_millis.saturating_sub(execution.start_millis).max(0);
        StartSyncExecutionOutput {
            execution_arn: execution.arn.to_string(),
            state_machine_arn: Some(execution.state_machine_arn.to_string()),
            name: Some(execution.name.to_string()),
            start_date: execution.start_date(),
            stop_date: Timestamp::from_epoch_millis(stop_millis),
            status: sync_status(&state.status),
            error: state.error.error.clone(),
            cause: state.error.cause.clone(),
            input: with_data.then(|| execution.input.to_string()),
            input_details: details(),
            output: state
                .output
                .as_ref()
                .filter(|_| with_data)
                .map(|o| o.to_string()),
            output_details: state.output.as_ref().and_then(|_| details()),
            trace_header: execution.trace_header.clone(),
            billing_details: Some(BillingDetails {
                billed_duration_in_milliseconds: Some(round_up(duration, BILLING_STEP_MILLIS)),
                billed_memory_used_in_mb: Some(BILLED_MEMORY_MB),
            }),
        }
    }))
}

/// An Express execution ends SUCCEEDED, FAILED or TIMED_OUT; nothing can
/// stop one, so any other end is reported as FAILED.
fn sync_status(status: &ExecutionStatus) -> SyncExecutionStatus {
    match status {
        ExecutionStatus::Succeeded => SyncExecutionStatus::Succeeded,
        ExecutionStatus::TimedOut => SyncExecutionStatus::TimedOut,
        _ => SyncExecutionStatus::Failed,
    }
}

fn round_up(value: i64, step: i64) -> i64 {
    (value.max(1) + step - 1) / step * step
}
