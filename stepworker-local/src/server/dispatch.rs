//! From `X-Amz-Target` to the operation's handler: decode the model input,
//! run, encode the model output. One generic path for every operation.

use std::future::Future;
use std::sync::Arc;

use stepworker::model::operations::*;
use stepworker::model::{ErrorCode, Operation};

use super::decode::decode;
use crate::core::Core;
use crate::error::{ApiError, ApiResult};
use crate::ops;

/// Prefix of `X-Amz-Target` values.
pub const TARGET_PREFIX: &str = "AWSStepFunctions.";

/// Runs the operation named by `target` on `body`; the JSON answer.
pub async fn dispatch(core: &Arc<Core>, target: &str, body: &[u8]) -> ApiResult<Vec<u8>> {
    let operation = target.strip_prefix(TARGET_PREFIX).unwrap_or("");
    match operation {
        CreateActivity::NAME => sync::<CreateActivity>(core, body, ops::activities::create),
        DescribeActivity::NAME => sync::<DescribeActivity>(core, body, ops::activities::describe),
        ListActivities::NAME => sync::<ListActivities>(core, body, ops::activities::list),
        DeleteActivity::NAME => sync::<DeleteActivity>(core, body, ops::activities::delete),
        CreateStateMachine::NAME => {
            offloaded::<CreateStateMachine>(core, body, ops::state_machines::create).await
        }
        DescribeStateMachine::NAME => {
            sync::<DescribeStateMachine>(core, body, ops::state_machines::describe)
        }
        ListStateMachines::NAME => sync::<ListStateMachines>(core, body, ops::state_machines::list),
        UpdateStateMachine::NAME => {
            offloaded::<UpdateStateMachine>(core, body, ops::state_machines::update).await
        }
        DeleteStateMachine::NAME => {
            sync::<DeleteStateMachine>(core, body, ops::state_machines::delete)
        }
        DescribeStateMachineForExecution::NAME => sync::<DescribeStateMachineForExecution>(
            core,
            body,
            ops::state_machines::describe_for_execution,
        ),
        StartExecution::NAME => sync::<StartExecution>(core, body, ops::executions::start),
        StartSyncExecution::NAME => {
            asynchronous::<StartSyncExecution, _>(core, body, ops::sync_executions::start_sync)
                .await
        }
        StopExecution::NAME => sync::<StopExecution>(core, body, ops::executions::stop),
        DescribeExecution::NAME => sync::<DescribeExecution>(core, body, ops::executions::describe),
        ListExecutions::NAME => sync::<ListExecutions>(core, body, ops::executions::list),
        GetExecutionHistory::NAME => sync::<GetExecutionHistory>(core, body, ops::history::get),
        GetActivityTask::NAME => {
            asynchronous::<GetActivityTask, _>(core, body, ops::tasks::get_activity_task).await
        }
        SendTaskSuccess::NAME => sync::<SendTaskSuccess>(core, body, ops::tasks::send_success),
        SendTaskFailure::NAME => sync::<SendTaskFailure>(core, body, ops::tasks::send_failure),
        SendTaskHeartbeat::NAME => {
            sync::<SendTaskHeartbeat>(core, body, ops::tasks::send_heartbeat)
        }
        ValidateStateMachineDefinition::NAME => {
            offloaded::<ValidateStateMachineDefinition>(
                core,
                body,
                ops::validation::validate_definition,
            )
            .await
        }
        PublishStateMachineVersion::NAME => {
            sync::<PublishStateMachineVersion>(core, body, ops::versions::publish)
        }
        ListStateMachineVersions::NAME => {
            sync::<ListStateMachineVersions>(core, body, ops::versions::list)
        }
        DeleteStateMachineVersion::NAME => {
            sync::<DeleteStateMachineVersion>(core, body, ops::versions::delete)
        }
        CreateStateMachineAlias::NAME => {
            sync::<CreateStateMachineAlias>(core, body, ops::aliases::create)
        }
        DescribeStateMachineAlias::NAME => {
            sync::<DescribeStateMachineAlias>(core, body, ops::aliases::describe)
        }
        UpdateStateMachineAlias::NAME => {
            sync::<UpdateStateMachineAlias>(core, body, ops::aliases::update)
        }
        DeleteStateMachineAlias::NAME => {
            sync::<DeleteStateMachineAlias>(core, body, ops::aliases::delete)
        }
        ListStateMachineAliases::NAME => {
            sync::<ListStateMachineAliases>(core, body, ops::aliases::list)
        }
        TestState::NAME => offloaded::<TestState>(core, body, ops::test_state::test_state).await,
        RedriveExecution::NAME => sync::<RedriveExecution>(core, body, ops::redrive::redrive),
        DescribeMapRun::NAME => sync::<DescribeMapRun>(core, body, ops::map_runs::describe),
        ListMapRuns::NAME => sync::<ListMapRuns>(core, body, ops::map_runs::list),
        UpdateMapRun::NAME => sync::<UpdateMapRun>(core, body, ops::map_runs::update),
        TagResource::NAME => sync::<TagResource>(core, body, ops::tags::tag),
        UntagResource::NAME => sync::<UntagResource>(core, body, ops::tags::untag),
        ListTagsForResource::NAME => sync::<ListTagsForResource>(core, body, ops::tags::list),
        _ => Err(ApiError::new(
            ErrorCode::UnknownOperationException,
            format!("Unknown operation: X-Amz-Target '{target}'"),
        )),
    }
}

fn sync<O: Operation>(
    core: &Arc<Core>,
    body: &[u8],
    handler: fn(&Arc<Core>, O::Input) -> ApiResult<O::Output>,
) -> ApiResult<Vec<u8>> {
    let input = decode::<O::Input>(body)?;
    encode(&handler(core, input)?)
}

/// Like [`sync`], on the CPU pool ([`crate::offload`]): for operations
/// that parse definitions or evaluate expressions, which may take long
/// enough to hold an async worker (and every poll parked on it) hostage.
async fn offloaded<O: Operation>(
    core: &Arc<Core>,
    body: &[u8],
    handler: fn(&Arc<Core>, O::Input) -> ApiResult<O::Output>,
) -> ApiResult<Vec<u8>>
where
    O::Input: Send + 'static,
    O::Output: Send + 'static,
{
    let core = core.clone();
    let body = body.to_vec();
    crate::offload::run(move || sync::<O>(&core, &body, handler))
        .await
        .unwrap_or_else(|e| Err(ApiError::new(ErrorCode::InternalFailure, e.to_string())))
}

async fn asynchronous<O: Operation, F>(
    core: &Arc<Core>,
    body: &[u8],
    handler: fn(Arc<Core>, O::Input) -> F,
) -> ApiResult<Vec<u8>>
where
    F: Future<Output = ApiResult<O::Output>>,
{
    let input = decode::<O::Input>(body)?;
    encode(&handler(core.clone(), input).await?)
}

fn encode<T: serde::Serialize>(output: &T) -> ApiResult<Vec<u8>> {
    serde_json::to_vec(output).map_err(|e| {
        ApiError::new(
            ErrorCode::InternalFailure,
            format!("Could not encode the answer: {e}"),
        )
    })
}
