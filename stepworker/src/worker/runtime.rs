//! What the pollers and tasks of one running worker share.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::task::TaskTracker;

use super::health::ActivityHealthCell;
use super::pacer::Pacer;
use super::retries::Retries;
use super::service::TaskService;
use super::shutdown_phases::ShutdownPhases;
use super::slots::{ActivitySlots, Slots};

/// The shared state of a running worker.
pub(crate) struct Runtime {
    pub(crate) service: Arc<dyn TaskService>,
    /// The client's backoff and retry quota, for the worker's own retries.
    pub(crate) retries: Retries,
    /// Paces the heartbeats of every task once the service throttles them.
    pub(crate) heartbeat_pacer: Arc<Pacer>,
    /// Paces every poll once the service throttles them.
    pub(crate) poll_pacer: Pacer,
    /// `workerName` sent with every poll.
    pub(crate) worker_name: String,
    pub(crate) slots: Slots,
    /// The moments of a shutdown: no new polls, the cut, the deadline.
    pub(crate) shutdown: ShutdownPhases,
    /// Every poller, so shutdown can wait for the polls still open.
    pub(crate) pollers: TaskTracker,
    /// Every running task, so shutdown can wait for them.
    pub(crate) tasks: TaskTracker,
    /// The slots of each activity (its own one and its caps), in the order
    /// they were added.
    pub(crate) activity_slots: Vec<Arc<ActivitySlots>>,
    /// The health of each activity, in the order they were added.
    pub(crate) health: Vec<Arc<ActivityHealthCell>>,
    /// Heartbeat interval of activities without a heartbeat hint.
    pub(crate) heartbeat_fallback: Duration,
    /// How long a handler whose token is gone may run on after `cancelled()`
    /// fired, before it is dropped.
    pub(crate) cancel_grace: Duration,
}
