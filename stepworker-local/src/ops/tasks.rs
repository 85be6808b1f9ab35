//! GetActivityTask, SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat.
//!
//! Token answers follow AWS: a token this engine did not issue is
//! `InvalidToken`; a token whose task is over (reported, timed out, its
//! execution stopped or ended) is `TaskTimedOut` ("Provided task does not
//! exist anymore"); a genuine token whose task the engine has forgotten
//! (its execution left retention) is `TaskDoesNotExist`.

use std::sync::Arc;

use stepworker::model::{
    ErrorCode, GetActivityTaskInput, GetActivityTaskOutput, SendTaskFailureInput,
    SendTaskFailureOutput, SendTaskHeartbeatInput, SendTaskHeartbeatOutput, SendTaskSuccessInput,
    SendTaskSuccessOutput,
};
use tokio::time::Instant;

use super::activities::does_not_exist;
use crate::activities::{Closed, PollRefused, Refused, TaskEvent};
use crate::core::{Core, TASK_TOKEN_SCOPE};
use crate::error::{ApiError, ApiResult};
use crate::pressure::closed_poll_keeper;
use crate::stats::Stats;
use crate::validate::{self, limits};

/// GetActivityTask: a queued task at once, else park up to the poll
/// timeout; an empty answer when nothing came.
pub async fn get_activity_task(
    core: Arc<Core>,
    input: GetActivityTaskInput,
) -> ApiResult<GetActivityTaskOutput> {
    validate::arn("activityArn", &input.activity_arn)?;
    validate::optional_length("workerName", input.worker_name.as_deref(), limits::NAME)?;
    let name = core.arns.activity_name(&input.activity_arn)?;
    let queue = core
        .registry
        .lock()
        .activities
        .get(&name)
        .map(|a| a.queue.clone())
        .ok_or_else(|| does_not_exist(&input.activity_arn))?;
    if core.is_shutting_down() {
        // Parked polls were answered at shutdown; later ones are not parked.
        Stats::bump(&core.stats.polls_empty);
        return Ok(GetActivityTaskOutput::default());
    }
    let give_up = Instant::now() + core.config.poll_timeout;
    loop {
        let left = give_up.saturating_duration_since(Instant::now());
        let keeper = core
            .pressure
            .delivers_to_closed_polls()
            .then(|| closed_poll_keeper(core.clone(), input.worker_name.clone()));
        let polled = queue
            .poll(left, core.config.max_parked_polls, keeper)
            .await
            .map_err(|PollRefused::TooManyPollers| {
                ApiError::new(
                    ErrorCode::ActivityWorkerLimitExceeded,
                    format!(
                        "Too many workers polling: at most {} open GetActivityTask calls per activity",
                        core.config.max_parked_polls
                    ),
                )
            })?;
        let Some(task) = polled else {
            Stats::bump(&core.stats.polls_empty);
            return Ok(GetActivityTaskOutput::default());
        };
        // A task whose execution ended while it was queued is skipped.
        if core
            .tasks
            .start(task.task_id, input.worker_name.clone(), core.now_millis())
        {
            Stats::bump(&core.stats.tasks_delivered);
            return Ok(GetActivityTaskOutput {
                task_token: Some(task.token),
                input: Some(task.input.to_string()),
            });
        }
    }
}

/// SendTaskSuccess.
pub fn send_success(
    core: &Arc<Core>,
    input: SendTaskSuccessInput,
) -> ApiResult<SendTaskSuccessOutput> {
    let task_id = open_token(core, &input.task_token)?;
    let value = validate::json_payload(&input.output, ErrorCode::InvalidOutput, "Task output")
        .inspect_err(|_| Stats::bump(&core.stats.reports_rejected))?;
    report(
        core,
        task_id,
        TaskEvent::Succeeded {
            output: input.output.into(),
            value: Box::new(value),
        },
    )?;
    Ok(SendTaskSuccessOutput {})
}

/// SendTaskFailure.
pub fn send_failure(
    core: &Arc<Core>,
    input: SendTaskFailureInput,
) -> ApiResult<SendTaskFailureOutput> {
    validate::optional_length("error", input.error.as_deref(), limits::ERROR)?;
    validate::optional_length("cause", input.cause.as_deref(), limits::CAUSE)?;
    let task_id = open_token(core, &input.task_token)?;
    report(
        core,
        task_id,
        TaskEvent::Failed {
            error: input.error,
            cause: input.cause,
        },
    )?;
    Ok(SendTaskFailureOutput {})
}

/// SendTaskHeartbeat: resets the task's heartbeat clock.
pub fn send_heartbeat(
    core: &Arc<Core>,
    input: SendTaskHeartbeatInput,
) -> ApiResult<SendTaskHeartbeatOutput> {
    let task_id = open_token(core, &input.task_token)?;
    core.tasks
        .heartbeat(task_id, core.now_millis())
        .map_err(refused)?;
    Stats::bump(&core.stats.heartbeats);
    Ok(SendTaskHeartbeatOutput {})
}

fn report(core: &Core, task_id: u64, event: TaskEvent) -> ApiResult<()> {
    match core.tasks.report(task_id, event) {
        Ok(()) => {
            Stats::bump(&core.stats.reports_accepted);
            Ok(())
        }
        Err(reason) => {
            Stats::bump(&core.stats.reports_rejected);
            if reason == Refused::Closed(Closed::Reported) {
                Stats::bump(&core.stats.tokens_reported_twice);
            }
            Err(refused(reason))
        }
    }
}

/// The task id sealed in a token, or `InvalidToken`.
fn open_token(core: &Core, token: &str) -> ApiResult<u64> {
    validate::length("taskToken", token, limits::TASK_TOKEN)?;
    core.sealer.open(TASK_TOKEN_SCOPE, token).ok_or_else(|| {
        Stats::bump(&core.stats.reports_rejected);
        ApiError::new(ErrorCode::InvalidToken, "Invalid Token: 'Invalid token'")
    })
}

fn refused(reason: Refused) -> ApiError {
    match reason {
        Refused::Unknown => ApiError::new(
            ErrorCode::TaskDoesNotExist,
            "Task Does Not Exist: 'Provided task does not exist'",
        ),
        Refused::Closed(Closed::ActivityDeleted) => ApiError::new(
            ErrorCode::TaskDoesNotExist,
            "Task Does Not Exist: 'The activity of the provided task was deleted'",
        ),
        Refused::Closed(_) => ApiError::new(
            ErrorCode::TaskTimedOut,
            "Task Timed Out: 'Provided task does not exist anymore'",
        ),
    }
}
