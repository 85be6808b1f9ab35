use std::sync::Arc;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

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
}

impl ActivityContext {
    /// A context for calling a handler outside a worker (unit tests of business
    /// logic): never cancelled, and heartbeats go nowhere.
    pub fn detached() -> Self {
        Self::new(CancellationToken::new())
    }

    pub(crate) fn new(cancel: CancellationToken) -> Self {
        Self {
            inner: Arc::new(ContextInner {
                cancel,
                heartbeat_requested: Notify::new(),
            }),
        }
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
