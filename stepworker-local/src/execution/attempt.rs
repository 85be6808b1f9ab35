//! How one attempt at a Task, Parallel or Map state ended: what the
//! state's own file (or a service integration) hands back to the Retry and
//! Catch logic of `states/retrying.rs`.

use serde_json::Value;

use crate::asl::StatesError;

/// How one attempt at a state ended.
pub(crate) enum Attempt {
    /// The state's result, or the error the attempt ended with.
    Done(Result<Value, StatesError>),
    /// A Parallel or Map state (`state_type`) failed with this error. Its
    /// `...StateFailed` event is written only once no retrier takes the
    /// error: AWS writes it after the last attempt alone (recorded:
    /// LocalStack's `test_base_scenarios.snapshot.json`,
    /// `test_map_state_retry` and `test_parallel_state_retry`).
    FanOutFailed(StatesError, &'static str),
    /// The execution ended, or this branch was cancelled, meanwhile.
    Halted,
}
