use std::time::Duration;

/// An activity: a named unit of work a Step Functions Task state hands out.
///
/// `#[stepworker::activity]` implements this for a generated type; the worker
/// runtime polls for it and the state machine builder derives its Task state
/// (ARN, `HeartbeatSeconds`, `TimeoutSeconds`) from the same constants, so the
/// deployed timeouts always match the worker.
pub trait Activity: Send + Sync + 'static {
    /// The activity name (1-80 of `[A-Za-z0-9_-]`); its ARN is
    /// `arn:aws:states:<region>:<account>:activity:<NAME>`.
    const NAME: &'static str;
    /// `HeartbeatSeconds` the Task state should use, if any.
    const HEARTBEAT: Option<Duration>;
    /// `TimeoutSeconds` the Task state should use, if any.
    const TIMEOUT: Option<Duration>;
}
