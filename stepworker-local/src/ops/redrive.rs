//! RedriveExecution: runs a failed, timed out or stopped STANDARD
//! execution again from the state it ended in (see the execution module
//! for the rules followed).

use std::sync::Arc;

use stepworker::model::{ErrorCode, RedriveExecutionInput, RedriveExecutionOutput, Timestamp};

use super::lookup::execution_does_not_exist;
use crate::core::Core;
use crate::error::{ApiError, ApiResult};
use crate::execution::{spawn_redriven, Redriven};
use crate::validate::{self, limits};

/// `clientToken` length bounds.
const CLIENT_TOKEN: (usize, usize) = (1, 64);

/// RedriveExecution.
pub fn redrive(
    core: &Arc<Core>,
    input: RedriveExecutionInput,
) -> ApiResult<RedriveExecutionOutput> {
    validate::length("executionArn", &input.execution_arn, limits::ARN)?;
    if let Some(token) = &input.client_token {
        validate::length("clientToken", token, CLIENT_TOKEN)?;
        // The model's pattern `[!-~]+`: printable ASCII, no spaces.
        if !token.bytes().all(|b| (b'!'..=b'~').contains(&b)) {
            return Err(ApiError::constraint(
                "clientToken",
                "Member must satisfy regular expression pattern: [!-~]+",
            ));
        }
    }
    core.arns.check_execution(&input.execution_arn)?;
    let now = core.now_millis();
    let (execution, redriven) = {
        let mut registry = core.registry.lock();
        let execution = registry
            .execution(&input.execution_arn)
            .cloned()
            .ok_or_else(|| execution_does_not_exist(&input.execution_arn))?;
        let machine_usable = registry
            .machines
            .get(&*execution.state_machine_name)
            .is_some_and(|machine| !machine.deleting);
        if !machine_usable {
            return Err(not_redrivable(
                &input.execution_arn,
                "its state machine was deleted",
            ));
        }
        let redriven = execution
            .reopen(now, input.client_token.as_deref())
            .map_err(|reason| not_redrivable(&input.execution_arn, &reason))?;
        if let Redriven::New { .. } = redriven {
            registry.execution_redriven(&execution);
        }
        (execution, redriven)
    };
    let redrive_millis = match redriven {
        Redriven::Repeat(at) => at,
        Redriven::New { from } => {
            spawn_redriven(core.clone(), execution, from);
            now
        }
    };
    Ok(RedriveExecutionOutput {
        redrive_date: Timestamp::from_epoch_millis(redrive_millis),
    })
}

fn not_redrivable(arn: &str, reason: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ExecutionNotRedrivable,
        format!("Execution '{arn}' cannot be redriven: {reason}"),
    )
}
