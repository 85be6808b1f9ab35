use std::sync::Arc;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tracing::Span;

/// What a running handler can ask of the worker: cancellation and heartbeats.
///
/// Cheap to clone; clones share the task. Take it as the second parameter of
/// an `#[activity]` function.
#[derive(Clone, Debug)]
pub struct ActivityContext {
    inner: Arc<ContextInner>,
}

#[derive(Debug)]
struct ContextInner {
    cancel: CancellationToken,
    heartbeat_requested: Notify,
    span: Span,
}

impl ActivityContext {
    /// A context for calling a handler outside a worker (unit tests of business
    /// logic): never cancelled, and heartbeats go nowhere.
    pub fn detached() -> Self {
        Self::new(Span::none())
    }

    pub(crate) fn new(span: Span) -> Self {
        Self {
            inner: Arc::new(ContextInner {
                cancel: CancellationToken::new(),
                heartbeat_requested: Notify::new(),
                span,
            }),
        }
    }

    /// The task's `activity_task` span (a disabled span outside a worker).
    ///
    /// A polled activity task carries only a token and the input, so the
    /// worker cannot know which execution, state or attempt it belongs to;
    /// the span declares `execution_arn`, `state` and `attempt` empty for the
    /// handler to fill in when its input carries them. The Task state passes
    /// them from the context object:
    ///
    /// ```json
    /// "Parameters": {
    ///   "order.$": "$.order",
    ///   "execution_arn.$": "$$.Execution.Id",
    ///   "state.$": "$$.State.Name",
    ///   "attempt.$": "$$.State.RetryCount"
    /// }
    /// ```
    ///
    /// and the handler records them, so every log line of the task has them:
    ///
    /// ```
    /// # use stepworker::worker::ActivityContext;
    /// # #[derive(serde::Deserialize)]
    /// # struct Input { execution_arn: String, state: String, attempt: u32 }
    /// # fn record(input: &Input, ctx: &ActivityContext) {
    /// ctx.span().record("execution_arn", input.execution_arn.as_str());
    /// ctx.span().record("state", input.state.as_str());
    /// ctx.span().record("attempt", input.attempt);
    /// # }
    /// ```
    pub fn span(&self) -> &Span {
        &self.inner.span
    }

    /// Completes when the task should stop: Step Functions no longer knows its
    /// token (the execution was stopped, or the task timed out), or the worker
    /// is shutting down and the grace period is over. Whatever the handler
    /// returns afterwards is not reported.
    pub async fn cancelled(&self) {
        self.inner.cancel.cancelled().await;
    }

    /// Whether [`ActivityContext::cancelled`] has completed.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancel.is_cancelled()
    }

    /// Asks for a heartbeat now. The worker already heartbeats on a timer; this
    /// sends one early (say, after a slow step) unless one went out recently,
    /// so calling it in a tight loop costs nothing.
    pub fn heartbeat(&self) {
        self.inner.heartbeat_requested.notify_one();
    }

    /// Completes at the next [`ActivityContext::heartbeat`] call (or at once if
    /// one came since the last wait).
    pub(crate) async fn heartbeat_requested(&self) {
        self.inner.heartbeat_requested.notified().await;
    }

    pub(crate) fn cancel(&self) {
        self.inner.cancel.cancel();
    }
}
