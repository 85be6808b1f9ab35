//! The predefined error names of the States language, for `Retry::on` and
//! `Catch::on`.

/// Matches any error name except `States.DataLimitExceeded` and
/// `States.Runtime`, which are terminal (must stand alone, in the last
/// retrier/catcher).
pub const ALL: &str = "States.ALL";
/// Any error except `States.Runtime`; may be combined with other names.
pub const TASK_FAILED: &str = "States.TaskFailed";
/// A task ran longer than `TimeoutSeconds` or missed `HeartbeatSeconds`.
pub const TIMEOUT: &str = "States.Timeout";
/// A task missed its heartbeat (`HeartbeatSeconds`).
pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
/// The task had insufficient privileges.
pub const PERMISSIONS: &str = "States.Permissions";
/// `ResultPath` could not be applied to the state input.
pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
/// A path in `Parameters` did not match the input.
pub const PARAMETER_PATH_FAILURE: &str = "States.ParameterPathFailure";
/// A query (JSONata) could not be evaluated.
pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
/// A Parallel or Map branch failed.
pub const BRANCH_FAILED: &str = "States.BranchFailed";
/// No Choice rule matched and there is no `Default`.
pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
/// An intrinsic function call failed.
pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
/// A Map run failed more items than its tolerated failure threshold.
pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
/// A Map's `ItemReader` could not read its items.
pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
/// A Map's `ResultWriter` could not write its results.
pub const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";
/// A result or input was larger than the payload quota.
pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
/// A runtime error that cannot be retried (e.g. a bad path in `InputPath`).
pub const RUNTIME: &str = "States.Runtime";
