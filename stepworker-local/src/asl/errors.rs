//! The predefined error names of the Amazon States Language (`States.*`):
//! the ones `stepworker` defines for `Retry::on` and `Catch::on`, so both
//! crates spell them once.

pub use stepworker::asl::error_names::*;

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
