//! The predefined error names of the Amazon States Language (`States.*`).

/// Wildcard matching every error name except `States.DataLimitExceeded`
/// and `States.Runtime` (AWS: those two are terminal and not caught by it).
pub const ALL: &str = "States.ALL";
/// Wildcard for task failures; matches every error except timeouts.
pub const TASK_FAILED: &str = "States.TaskFailed";
/// A task ran longer than `TimeoutSeconds` (or missed a heartbeat).
pub const TIMEOUT: &str = "States.Timeout";
/// A task missed its heartbeat for longer than `HeartbeatSeconds`.
pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
/// The name an error is reported under in history and in a failed
/// execution's result.
///
/// A missed heartbeat is matched as `States.HeartbeatTimeout` by Retry and
/// Catch (`States.Timeout` matches it too, and a catcher's output carries the
/// precise name), but an uncaught one is reported as `States.Timeout`: AWS
/// added the HeartbeatTimeout name later for error handling only, and
/// executions kept failing with `States.Timeout` as before.
pub fn reported_name(error: &str) -> &str {
    if error == HEARTBEAT_TIMEOUT {
        TIMEOUT
    } else {
        error
    }
}

/// The execution hit an exception it could not process (bad path, bad type).
pub const RUNTIME: &str = "States.Runtime";
/// No Choice rule matched and there is no `Default`.
pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
/// A payload grew beyond 262,144 bytes.
pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
/// An intrinsic function failed.
pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
/// A path in `Parameters` failed.
pub const PARAMETER_PATH_FAILURE: &str = "States.ParameterPathFailure";
/// `ResultPath` could not be applied to the state input.
pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
/// A branch of a Parallel state failed.
pub const BRANCH_FAILED: &str = "States.BranchFailed";
/// The task lacked permissions.
pub const PERMISSIONS: &str = "States.Permissions";
/// A Map state failed more items than tolerated.
pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
/// A Map state could not read its items.
pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
/// A Map state could not write its results.
pub const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";
/// A JSONata query failed to evaluate.
pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
