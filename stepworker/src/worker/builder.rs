use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::task::TaskTracker;

use crate::client::Client;

use super::failure::truncate_chars;
use super::handler::RegisteredActivity;
use super::health::ActivityHealthCell;
use super::identity::{default_worker_name, MAX_WORKER_NAME_CHARS};
use super::pacer::Pacer;
use super::runtime::Runtime;
use super::service::TaskService;
use super::shutdown_phases::{ShutdownPhases, ShutdownTiming};
use super::slots::{ActivityLimits, ActivitySlots, Slots};
use super::{Activity, Worker};

/// Default number of tasks one worker runs at once.
pub const DEFAULT_CONCURRENCY: usize = 32;

/// Default number of pollers per activity.
pub const DEFAULT_POLLERS: usize = 4;

/// The service accepts at most 1,000 open polls per activity ARN
/// (`ActivityWorkerLimitExceeded` beyond), for the whole fleet.
pub const MAX_POLLERS: usize = 1_000;

/// Default time from the first shutdown signal to the worker's return: ECS
/// (`stopTimeout`) and Kubernetes (`terminationGracePeriodSeconds`) kill a
/// container 30 s after SIGTERM by default; 25 s leaves 5 s for the process
/// to flush logs and exit.
pub const DEFAULT_SHUTDOWN_DEADLINE: Duration = Duration::from_secs(25);

/// Default part of the shutdown deadline kept for reporting the tasks the
/// shutdown had to fail: several throttled attempts at the AWS SDKs' ~1 s
/// throttling backoff.
pub const DEFAULT_SHUTDOWN_REPORT_MARGIN: Duration = Duration::from_secs(5);

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
    shutdown: ShutdownTiming,
    heartbeat_interval: Duration,
    cancel_grace: Duration,
    limits: BTreeMap<String, ActivityLimits>,
}

impl std::fmt::Debug for WorkerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerBuilder")
            .field(
                "activities",
                &self.activities.iter().map(|a| &a.name).collect::<Vec<_>>(),
            )
            .field("concurrency", &self.concurrency)
            .field("pollers", &self.pollers)
            .field("worker_name", &self.worker_name)
            .field("shutdown", &self.shutdown)
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
            shutdown: ShutdownTiming {
                deadline: DEFAULT_SHUTDOWN_DEADLINE,
                report_margin: DEFAULT_SHUTDOWN_REPORT_MARGIN,
            },
            heartbeat_interval: DEFAULT_HEARTBEAT_INTERVAL,
            cancel_grace: DEFAULT_CANCEL_GRACE,
            limits: BTreeMap::new(),
        }
    }

    /// Adds an activity: an `#[activity]` function, or any [`Activity`] value.
    /// The worker registers it by its name (`A::NAME`) with CreateActivity,
    /// which is idempotent, and polls the ARN it answers.
    pub fn activity<A: Activity>(mut self, activity: A) -> Self {
        self.activities
            .push(Arc::new(RegisteredActivity::new(activity)));
        self
    }

    /// Adds an activity under a name chosen at run time instead of `A::NAME`,
    /// say one per environment:
    ///
    /// ```no_run
    /// # #[stepworker::activity(name = "resize", timeout = "5m")]
    /// # async fn resize(path: String) -> String { path }
    /// # fn build(client: stepworker::Client, env: &str) -> stepworker::Worker {
    /// stepworker::Worker::builder(client)
    ///     .activity_named(format!("{env}-resize"), resize)
    ///     .build()
    /// # }
    /// ```
    ///
    /// The state machine must name the same activity (with
    /// `Task::activity_named`).
    pub fn activity_named<A: Activity>(mut self, name: impl Into<String>, activity: A) -> Self {
        let mut registered = RegisteredActivity::new(activity);
        registered.name = Arc::from(name.into());
        self.activities.push(Arc::new(registered));
        self
    }

    /// Adds an activity served at an existing ARN
    /// (`arn:aws:states:<region>:<account>:activity:<name>`), without calling
    /// CreateActivity: for a role that may poll but not create, or an activity
    /// another stack owns. A malformed ARN makes [`Worker::run`] fail with
    /// [`WorkerError::InvalidActivityArn`](super::WorkerError::InvalidActivityArn).
    pub fn activity_arn<A: Activity>(mut self, arn: impl Into<String>, activity: A) -> Self {
        let arn: String = arn.into();
        let mut registered = RegisteredActivity::new(activity);
        registered.name = Arc::from(activity_name_of(&arn).unwrap_or(""));
        registered.arn = Some(Arc::from(arn));
        self.activities.push(Arc::new(registered));
        self
    }

    /// How many tasks run at once, across all activities (at least 1). A poll
    /// in flight holds a slot too, so a task is only taken when it can start.
    ///
    /// Each activity has one of these slots to itself, so a busy activity
    /// never keeps another from polling; a concurrency below the number of
    /// activities is raised to it.
    pub fn concurrency(mut self, slots: usize) -> Self {
        self.concurrency = slots.max(1);
        self
    }

    /// Caps the tasks of the activity named `activity` running at once,
    /// below the worker's [`concurrency`](WorkerBuilder::concurrency): for a
    /// step that calls a fragile downstream. An unknown name makes
    /// [`Worker::run`] fail with
    /// [`WorkerError::UnknownActivity`](super::WorkerError::UnknownActivity).
    pub fn max_concurrent_tasks_of(mut self, activity: &str, max: usize) -> Self {
        self.limits
            .entry(activity.to_owned())
            .or_default()
            .max_concurrent = Some(max.max(1));
        self
    }

    /// Caps the tasks of the activity named `activity` this worker starts per
    /// second, spaced evenly (each poll waits its turn, so no task is taken
    /// early). A rate that is not a positive number sets no cap.
    pub fn max_tasks_per_second_of(mut self, activity: &str, per_second: f64) -> Self {
        self.limits
            .entry(activity.to_owned())
            .or_default()
            .max_per_second = Some(per_second);
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

    /// The most time a shutdown takes, from its first signal to the return
    /// of [`Worker::run`] (default [`DEFAULT_SHUTDOWN_DEADLINE`]). Set it a
    /// few seconds below the orchestrator's grace period (ECS `stopTimeout`,
    /// Kubernetes `terminationGracePeriodSeconds`: 30 s by default).
    ///
    /// From the first signal the worker starts no new poll. Running tasks may
    /// finish until the deadline minus the
    /// [report margin](WorkerBuilder::shutdown_report_margin) (the *cut*);
    /// then the handlers still running are dropped and their tasks failed
    /// with `Worker.Shutdown`, and polls still open are dropped. Reports
    /// still being retried at the deadline are abandoned, and `run` returns.
    ///
    /// Dropping an open poll has a cost on AWS: the service may already have
    /// handed that poll a task (it cannot see that nobody reads the answer),
    /// and such a task only comes back when its `HeartbeatSeconds` (or
    /// `TimeoutSeconds`) expires. So deploy activity Task states with a short
    /// `HeartbeatSeconds` (tens of seconds) and a `Retry` on
    /// `States.Timeout` and `Worker.Shutdown`; `Task::activity` adds the
    /// latter by itself.
    pub fn shutdown_deadline(mut self, deadline: Duration) -> Self {
        self.shutdown.deadline = deadline;
        self
    }

    /// The end part of the [shutdown deadline](WorkerBuilder::shutdown_deadline)
    /// kept for reporting the tasks the shutdown failed (default
    /// [`DEFAULT_SHUTDOWN_REPORT_MARGIN`]). A margin as long as the deadline
    /// cuts at once: running tasks are failed as soon as shutdown starts.
    pub fn shutdown_report_margin(mut self, margin: Duration) -> Self {
        self.shutdown.report_margin = margin;
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
        let health = self
            .activities
            .iter()
            .map(|activity| Arc::new(ActivityHealthCell::new(&activity.name)))
            .collect();
        let activity_slots = self
            .activities
            .iter()
            .map(|activity| {
                let limits = self
                    .limits
                    .get(&*activity.name)
                    .copied()
                    .unwrap_or_default();
                Arc::new(ActivitySlots::new(limits))
            })
            .collect();
        let runtime = Runtime {
            activity_slots,
            health,
            retries: self.service.retries(),
            heartbeat_pacer: Arc::new(Pacer::new()),
            poll_pacer: Pacer::new(),
            service: self.service,
            worker_name: self.worker_name.unwrap_or_else(default_worker_name),
            slots: Slots::new(self.concurrency, self.activities.len()),
            shutdown: ShutdownPhases::default(),
            pollers: TaskTracker::new(),
            tasks: TaskTracker::new(),
            heartbeat_fallback: self.heartbeat_interval,
            cancel_grace: self.cancel_grace,
        };
        Worker {
            runtime: Arc::new(runtime),
            activities: self.activities,
            pollers: self.pollers,
            shutdown: self.shutdown,
            limited: self.limits.into_keys().collect(),
        }
    }
}

/// The name part of an activity ARN, when `arn` is one:
/// `arn:<partition>:states:<region>:<account>:activity:<name>`.
pub(crate) fn activity_name_of(arn: &str) -> Option<&str> {
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    match parts.as_slice() {
        ["arn", partition, "states", region, account, "activity", name]
            if !partition.is_empty()
                && !region.is_empty()
                && !account.is_empty()
                && !name.is_empty() =>
        {
            Some(name)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::activity_name_of;

    #[test]
    fn reads_the_name_of_an_activity_arn_in_any_partition() {
        let arn = "arn:aws-us-gov:states:us-gov-west-1:123456789012:activity:prod-resize";
        assert_eq!(activity_name_of(arn), Some("prod-resize"));
        assert_eq!(
            activity_name_of("arn:aws:states:us-east-1:1:stateMachine:x"),
            None
        );
        assert_eq!(activity_name_of("resize"), None);
        assert_eq!(
            activity_name_of("arn:aws:states:us-east-1:1:activity:"),
            None
        );
    }
}
