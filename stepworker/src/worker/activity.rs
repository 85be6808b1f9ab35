use std::future::Future;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{ActivityContext, ActivityError};

/// An activity: a named unit of work a Step Functions Task state hands out.
///
/// `#[stepworker::activity]` implements this for a generated type; the worker
/// runtime polls for it and the state machine builder derives its Task state
/// (ARN, `HeartbeatSeconds`, `TimeoutSeconds`) from the same constants, so the
/// deployed timeouts always match the worker.
///
/// Implementing it by hand suits an activity that holds state (a connection
/// pool, a config): the worker keeps one value and calls [`Activity::run`] on
/// it for every task.
pub trait Activity: Send + Sync + 'static {
    /// The activity name (1-80 of `[A-Za-z0-9_-]`); its ARN is
    /// `arn:aws:states:<region>:<account>:activity:<NAME>`.
    const NAME: &'static str;
    /// `HeartbeatSeconds` the Task state should use, if any. The worker
    /// heartbeats at about a third of it.
    const HEARTBEAT: Option<Duration>;
    /// `TimeoutSeconds` the Task state should use, if any.
    const TIMEOUT: Option<Duration>;

    /// The task input, deserialized from the JSON the state hands over.
    type Input: DeserializeOwned + Send + 'static;
    /// The task output, serialized as the state's result.
    type Output: Serialize + Send + 'static;
    /// The error that fails the task; it names the Step Functions `error` a
    /// `Catch` or `Retry` matches and gives the `cause`.
    type Error: ActivityError + Send + 'static;

    /// Runs one task.
    fn run(
        &self,
        input: Self::Input,
        ctx: ActivityContext,
    ) -> impl Future<Output = Result<Self::Output, Self::Error>> + Send;
}
