use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::client::Client;

use super::failure::truncate_chars;
use super::handler::RegisteredActivity;
use super::identity::{default_worker_name, MAX_WORKER_NAME_CHARS};
use super::runtime::Runtime;
use super::service::TaskService;
use super::slots::Slots;
use super::{Activity, Worker};

/// Default number of tasks one worker runs at once.
pub const DEFAULT_CONCURRENCY: usize = 32;

/// Default number of pollers per activity.
pub const DEFAULT_POLLERS: usize = 4;

/// The service accepts at most 1,000 open polls per activity ARN
/// (`ActivityWorkerLimitExceeded` beyond), for the whole fleet.
pub const MAX_POLLERS: usize = 1_000;

/// Default time running tasks get to finish once shutdown starts.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(25);

/// Default heartbeat interval of activities that declare no heartbeat.
pub const DEFAULT_HEARTBEAT_INTERVAL: Duration = Duration::from_secs(30);

/// Default time a cancelled handler may run on before it is dropped.
pub const DEFAULT_CANCEL_GRACE: Duration = Duration::from_secs(5);

/// Configures a [`Worker`]; start with [`Worker::builder`].
#[must_use = "a builder does nothing until `.build()` and `.run()`"]
pub struct WorkerBuilder {
    service: Arc<dyn TaskService>,
    activities: Vec<Arc<RegisteredActivity>>,
    concurrency: usize,
    /// Pollers per activity: (minimum, maximum); equal unless adaptive.
    pollers: (usize, usize),
    worker_name: Option<String>,
    shutdown_grace: Duration,
    heartbeat_interval: Duration,
    cancel_grace: Duration,
}

impl std::fmt::Debug for WorkerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerBuilder")
            .field(
                "activities",
                &self.activities.iter().map(|a| a.name).collect::<Vec<_>>(),
            )
            .field("concurrency", &self.concurrency)
            .field("pollers", &self.pollers)
            .field("worker_name", &self.worker_name)
            .field("shutdown_grace", &self.shutdown_grace)
            .finish_non_exhaustive()
    }
}

impl Worker {
    /// A worker that uses `client` for every call.
    pub fn builder(client: Client) -> WorkerBuilder {
        WorkerBuilder::with_service(Arc::new(client))
    }
}

impl WorkerBuilder {
    pub(crate) fn with_service(service: Arc<dyn TaskService>) -> Self {
        Self {
            service,
            activities: Vec::new(),
            concurrency: DEFAULT_CONCURRENCY,
            pollers: (DEFAULT_POLLERS, DEFAULT_POLLERS),
            worker_name: None,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            heartbeat_interval: DEFAULT_HEARTBEAT_INTERVAL,
            cancel_grace: DEFAULT_CANCEL_GRACE,
        }
    }

    /// Adds an activity: an `#[activity]` function, or any [`Activity`] value.
    pub fn activity<A: Activity>(mut self, activity: A) -> Self {
        self.activities
            .push(Arc::new(RegisteredActivity::new(activity)));
        self
    }

    /// How many tasks run at once, across all activities (at least 1). A poll
    /// in flight holds a slot too, so a task is only taken when it can start.
    pub fn concurrency(mut self, slots: usize) -> Self {
        self.concurrency = slots.max(1);
        self
    }

    /// Long polls kept open per activity, 1 to [`MAX_POLLERS`] (default
    /// [`DEFAULT_POLLERS`]). More pollers pick up bursts faster; each open poll
    /// holds a slot while it waits, and an HTTP connection.
    ///
    /// The count is fixed; see [`WorkerBuilder::adaptive_pollers`] for one
    /// that follows the load.
    pub fn pollers(mut self, pollers: usize) -> Self {
        let pollers = pollers.clamp(1, MAX_POLLERS);
        self.pollers = (pollers, pollers);
        self
    }

    /// Lets the number of pollers per activity follow the load, between `min`
    /// and `max` (1 to [`MAX_POLLERS`]; `max` is raised to `min`). Off by
    /// default: the count is fixed by [`WorkerBuilder::pollers`].
    ///
    /// Each activity starts with `min` pollers. A poll that brings a task
    /// while slots are free starts one more poller (up to `max`): work is
    /// waiting and there is room for it. A poll that comes back empty (it
    /// waited the service's full 60 s) retires its poller (down to `min`): one
    /// fewer would have done as well. So a busy worker keeps up to `max` polls
    /// open, and an idle one holds `min` connections and slots.
    ///
    /// The service accepts at most 1,000 open polls per activity ARN across
    /// the whole fleet; size `max` with the fleet in mind.
    pub fn adaptive_pollers(mut self, min: usize, max: usize) -> Self {
        let min = min.clamp(1, MAX_POLLERS);
        self.pollers = (min, max.clamp(min, MAX_POLLERS));
        self
    }

    /// The `workerName` the service records in `ActivityStarted` events
    /// (cut to 80 characters). Defaults to `<host>-<pid>`.
    pub fn worker_name(mut self, name: impl Into<String>) -> Self {
        let mut name = name.into();
        truncate_chars(&mut name, MAX_WORKER_NAME_CHARS);
        self.worker_name = Some(name);
        self
    }

    /// How long running tasks may take to finish once shutdown starts; then
    /// they are failed with `Worker.Shutdown`.
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Heartbeat interval for activities that declare no heartbeat (those
    /// that do heartbeat at about a third of it). Heartbeats are also how a
    /// worker learns that an execution was stopped.
    pub fn heartbeat_interval(mut self, interval: Duration) -> Self {
        self.heartbeat_interval = interval;
        self
    }

    /// How long a handler may run on after its task was cancelled (its token
    /// is gone) before the worker drops it and frees the slot.
    pub fn cancel_grace(mut self, grace: Duration) -> Self {
        self.cancel_grace = grace;
        self
    }

    /// The configured worker; start it with [`Worker::run`] or
    /// [`Worker::run_until`].
    pub fn build(self) -> Worker {
        let runtime = Runtime {
            service: self.service,
            worker_name: self.worker_name.unwrap_or_else(default_worker_name),
            slots: Slots::new(self.concurrency),
            stop_polling: CancellationToken::new(),
            grace_over: CancellationToken::new(),
            pollers: TaskTracker::new(),
            tasks: TaskTracker::new(),
            heartbeat_fallback: self.heartbeat_interval,
            cancel_grace: self.cancel_grace,
        };
        Worker {
            runtime: Arc::new(runtime),
            activities: self.activities,
            pollers: self.pollers,
            shutdown_grace: self.shutdown_grace,
        }
    }
}
