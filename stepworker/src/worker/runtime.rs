//! What the pollers and tasks of one running worker share.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::service::TaskService;
use super::slots::Slots;

/// The shared state of a running worker.
pub(crate) struct Runtime {
    pub(crate) service: Arc<dyn TaskService>,
    /// `workerName` sent with every poll.
    pub(crate) worker_name: String,
    pub(crate) slots: Slots,
    /// Cancelled when shutdown starts: no poll starts after it.
    pub(crate) stop_polling: CancellationToken,
    /// Cancelled when the shutdown grace period is over: running handlers are
    /// dropped and their tasks failed with `Worker.Shutdown`.
    pub(crate) grace_over: CancellationToken,
    /// Every poller, so shutdown can wait for the polls still open.
    pub(crate) pollers: TaskTracker,
    /// Every running task, so shutdown can wait for them.
    pub(crate) tasks: TaskTracker,
    /// Heartbeat interval of activities without a heartbeat hint.
    pub(crate) heartbeat_fallback: Duration,
    /// How long a handler whose token is gone may run on after `cancelled()`
    /// fired, before it is dropped.
    pub(crate) cancel_grace: Duration,
}
