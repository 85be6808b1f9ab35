//! An [`Activity`] with its types erased, so one worker runs many activities.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;

use super::codec::{decode_input, encode_output, panic_failure};
use super::heartbeat::HeartbeatPolicy;
use super::{Activity, ActivityContext, TaskFailure};

/// What a task ends with, ready to report.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Report {
    /// SendTaskSuccess with this JSON output (already within the size limit).
    Success(String),
    /// SendTaskFailure.
    Failure(TaskFailure),
}

impl Report {
    /// The API operation that sends it.
    pub(crate) fn operation(&self) -> &'static str {
        match self {
            Self::Success(_) => "SendTaskSuccess",
            Self::Failure(_) => "SendTaskFailure",
        }
    }
}

/// The future of one handler run; `'static` so it can run as a tokio task of
/// its own, apart from the task's heartbeats and report.
pub(crate) type HandlerFuture = Pin<Box<dyn Future<Output = Report> + Send + 'static>>;

/// Runs tasks of one activity from their raw JSON input.
pub(crate) trait Handler: Send + Sync + 'static {
    /// Decodes `input`, runs the handler, catches a panic, encodes the result.
    fn execute(self: Arc<Self>, input: String, ctx: ActivityContext) -> HandlerFuture;
}

struct TypedHandler<A>(A);

impl<A: Activity> Handler for TypedHandler<A> {
    fn execute(self: Arc<Self>, input: String, ctx: ActivityContext) -> HandlerFuture {
        let run = async move {
            let input = match decode_input::<A::Input>(&input) {
                Ok(input) => input,
                Err(failure) => return Report::Failure(failure),
            };
            match self.0.run(input, ctx).await {
                Ok(output) => match encode_output(&output) {
                    Ok(json) => Report::Success(json),
                    Err(failure) => Report::Failure(failure),
                },
                Err(error) => Report::Failure(TaskFailure::from_error(&error)),
            }
        };
        // A panic must fail this task only: the handler's state is not shared
        // with other tasks through the worker, so nothing is left half-updated.
        Box::pin(AssertUnwindSafe(run).catch_unwind().map(|outcome| {
            outcome.unwrap_or_else(|payload| Report::Failure(panic_failure(payload.as_ref())))
        }))
    }
}

/// An activity the worker was given, with what it needs to poll and run it.
pub(crate) struct RegisteredActivity {
    /// The activity name: `A::NAME`, or one chosen at run time.
    pub(crate) name: Arc<str>,
    /// The ARN to poll when the worker was given one: no CreateActivity.
    pub(crate) arn: Option<Arc<str>>,
    pub(crate) heartbeat_hint: Option<Duration>,
    pub(crate) timeout_hint: Option<Duration>,
    pub(crate) handler: Arc<dyn Handler>,
}

impl RegisteredActivity {
    pub(crate) fn new<A: Activity>(activity: A) -> Self {
        Self {
            name: Arc::from(A::NAME),
            arn: None,
            heartbeat_hint: A::HEARTBEAT,
            timeout_hint: A::TIMEOUT,
            handler: Arc::new(TypedHandler(activity)),
        }
    }

    pub(crate) fn heartbeat_policy(&self, fallback: Duration) -> HeartbeatPolicy {
        HeartbeatPolicy::new(self.heartbeat_hint, fallback)
    }
}
