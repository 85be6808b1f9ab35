//! The lookups and "does not exist" answers several operations share, so
//! that no operation's file reaches into another's for them.

use std::sync::Arc;

use stepworker::model::ErrorCode;

use crate::core::Core;
use crate::error::{ApiError, ApiResult};
use crate::execution::Execution;

/// The execution with this ARN, or `ExecutionDoesNotExist`.
pub(crate) fn find_execution(core: &Core, arn: &str) -> ApiResult<Arc<Execution>> {
    core.registry
        .lock()
        .execution(arn)
        .cloned()
        .ok_or_else(|| execution_does_not_exist(arn))
}

/// `ExecutionDoesNotExist` for `arn`.
pub(crate) fn execution_does_not_exist(arn: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ExecutionDoesNotExist,
        format!("Execution Does Not Exist: '{arn}'"),
    )
}

/// `StateMachineDoesNotExist` for `arn`.
pub(crate) fn machine_does_not_exist(arn: &str) -> ApiError {
    ApiError::new(
        ErrorCode::StateMachineDoesNotExist,
        format!("State Machine Does Not Exist: '{arn}'"),
    )
}

/// `StateMachineDeleting` for `arn`.
pub(crate) fn machine_deleting(arn: &str) -> ApiError {
    ApiError::new(
        ErrorCode::StateMachineDeleting,
        format!("State Machine is being deleted: '{arn}'"),
    )
}
