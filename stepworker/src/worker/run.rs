use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::task::AbortOnDropHandle;

use super::builder::activity_name_of;
use super::handler::RegisteredActivity;
use super::registration::register_then_poll;
use super::runtime::Runtime;
use super::shutdown::Signals;
use super::shutdown_phases::{until, ShutdownTiming};
use super::sync;
use super::{WorkerError, WorkerHandle};

/// After the deadline, how long the worker waits for its tasks to notice it
/// before returning without them: a handler that blocks its thread is never
/// waited for.
const SETTLE: Duration = Duration::from_millis(250);

/// An activity worker: registers its activities, polls them and runs their
/// tasks with bounded concurrency, heartbeats and graceful shutdown.
///
/// ```no_run
/// # use stepworker::worker::{shutdown_signal, Worker};
/// # #[stepworker::activity(name = "greet", timeout = "1m")]
/// # async fn greet(name: String) -> String { format!("hello {name}") }
/// # async fn example(client: stepworker::Client) -> Result<(), stepworker::worker::WorkerError> {
/// Worker::builder(client)
///     .activity(greet)
///     .concurrency(64)
///     .build()
///     .run_until(shutdown_signal())
///     .await
/// # }
/// ```
pub struct Worker {
    pub(crate) runtime: Arc<Runtime>,
    pub(crate) activities: Vec<Arc<RegisteredActivity>>,
    /// Pollers per activity: (minimum, maximum).
    pub(crate) pollers: (usize, usize),
    pub(crate) shutdown: ShutdownTiming,
    /// Activities given limits, checked against those added.
    pub(crate) limited: Vec<String>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("worker_name", &self.runtime.worker_name)
            .field(
                "activities",
                &self.activities.iter().map(|a| &a.name).collect::<Vec<_>>(),
            )
            .field("concurrency", &self.runtime.slots.capacity())
            .field("pollers", &self.pollers)
            .field("shutdown", &self.shutdown)
            .finish()
    }
}

impl Worker {
    /// A handle to shut the worker down from another task.
    pub fn handle(&self) -> WorkerHandle {
        WorkerHandle {
            runtime: Arc::clone(&self.runtime),
        }
    }

    /// Runs until [`WorkerHandle::shutdown`] is called, then shuts down
    /// within the [shutdown deadline](super::WorkerBuilder::shutdown_deadline).
    /// To stop on SIGTERM, use [`Worker::run_until_signal`].
    pub async fn run(self) -> Result<(), WorkerError> {
        self.run_until(std::future::pending()).await
    }

    /// Runs until the first SIGTERM or SIGINT (Ctrl-C), then shuts down
    /// within the [shutdown deadline](super::WorkerBuilder::shutdown_deadline);
    /// a second signal ends the shutdown at once (what is still running is
    /// dropped; its tasks come back through their `HeartbeatSeconds`).
    ///
    /// This is the entry point for a daemon under ECS, Kubernetes or systemd.
    pub async fn run_until_signal(self) -> Result<(), WorkerError> {
        let handle = self.handle();
        let mut signals = Signals::listen();
        let _watcher = AbortOnDropHandle::new(tokio::spawn(async move {
            signals.next().await;
            handle.shutdown();
            signals.next().await;
            tracing::warn!("second signal: stopping at once");
            handle.shutdown_now();
        }));
        self.run().await
    }

    /// Runs until `shutdown` completes (or [`WorkerHandle::shutdown`] is
    /// called), then shuts down within the
    /// [shutdown deadline](super::WorkerBuilder::shutdown_deadline): no new
    /// polls; running tasks finish until the cut, after which the rest are
    /// failed with `Worker.Shutdown` so the state machine can retry them
    /// elsewhere; open polls are dropped at the cut; reports still retrying
    /// at the deadline are abandoned.
    pub async fn run_until(self, shutdown: impl Future<Output = ()>) -> Result<(), WorkerError> {
        self.check_activities()?;
        let stop = self.runtime.shutdown.requested.clone();
        let requested = async move {
            tokio::select! {
                () = shutdown => {}
                () = stop.cancelled() => {}
            }
        };
        tokio::pin!(requested);

        // Each activity registers and starts polling on its own: one that
        // cannot register (yet) does not keep the others from serving.
        for (index, activity) in self.activities.iter().enumerate() {
            sync::spawn_detached(self.runtime.pollers.track_future(register_then_poll(
                Arc::clone(&self.runtime),
                Arc::clone(activity),
                index,
                self.pollers,
            )));
        }
        let (min_pollers, max_pollers) = self.pollers;
        tracing::info!(
            worker = %self.runtime.worker_name,
            activities = ?self.activities.iter().map(|a| &a.name).collect::<Vec<_>>(),
            concurrency = self.runtime.slots.capacity(),
            min_pollers,
            max_pollers,
            "worker running"
        );

        requested.await;
        self.drain().await;
        Ok(())
    }

    fn check_activities(&self) -> Result<(), WorkerError> {
        if self.activities.is_empty() {
            return Err(WorkerError::NoActivities);
        }
        if let Some(bad) = self
            .activities
            .iter()
            .find_map(|a| a.arn.as_ref().filter(|arn| activity_name_of(arn).is_none()))
        {
            return Err(WorkerError::InvalidActivityArn(bad.to_string()));
        }
        if let Some(unknown) = self
            .limited
            .iter()
            .find(|name| !self.activities.iter().any(|a| &*a.name == name.as_str()))
        {
            return Err(WorkerError::UnknownActivity(unknown.clone()));
        }
        let mut names = HashSet::new();
        match self.activities.iter().find(|a| !names.insert(&a.name)) {
            Some(duplicate) => Err(WorkerError::DuplicateActivity(duplicate.name.to_string())),
            None => Ok(()),
        }
    }

    /// Shuts down: no new polls, then the cut, then the deadline; returns as
    /// soon as every poller and task is done.
    async fn drain(&self) {
        let runtime = &self.runtime;
        let phases = &runtime.shutdown;
        let requested = sync::now();
        phases.requested.cancel();
        tracing::info!(
            deadline = ?self.shutdown.deadline,
            report_margin = ?self.shutdown.report_margin,
            tasks_in_flight = runtime.tasks.len(),
            "shutting down: no new polls; running tasks may finish until the cut"
        );
        runtime.pollers.close();
        runtime.tasks.close();
        let all_done = async {
            // Pollers first: a poll still open may yet bring a task.
            runtime.pollers.wait().await;
            runtime.tasks.wait().await;
        };
        tokio::pin!(all_done);

        tokio::select! {
            () = &mut all_done => return tracing::info!("worker stopped"),
            () = until(&phases.cut, self.shutdown.cut_at(requested)) => {}
        }
        phases.cut.cancel();
        tracing::warn!(
            tasks_in_flight = runtime.tasks.len(),
            open_polls = runtime.pollers.len(),
            "shutdown cut: failing unfinished tasks with Worker.Shutdown and dropping open polls"
        );
        tokio::select! {
            () = &mut all_done => return tracing::info!("worker stopped"),
            () = until(&phases.deadline, self.shutdown.deadline_at(requested)) => {}
        }
        phases.deadline.cancel();
        let settled = tokio::select! {
            () = all_done => true,
            () = sync::sleep(SETTLE) => false,
        };
        if !settled {
            tracing::error!(
                tasks_in_flight = runtime.tasks.len(),
                "shutdown deadline: returning without tasks that did not stop"
            );
        } else {
            tracing::warn!("shutdown deadline reached; worker stopped");
        }
    }
}
