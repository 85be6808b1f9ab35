use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::handler::RegisteredActivity;
use super::poller::{spawn_poller, PollTarget};
use super::poller_count::PollerCount;
use super::registration::register_all;
use super::runtime::Runtime;
use super::{WorkerError, WorkerHandle};

/// An activity worker: registers its activities, polls them and runs their
/// tasks with bounded concurrency, heartbeats and graceful shutdown.
///
/// ```no_run
/// # use stepworker::worker::{shutdown_signal, Worker};
/// # #[stepworker::activity(name = "greet")]
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
    pub(crate) shutdown_grace: Duration,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("worker_name", &self.runtime.worker_name)
            .field(
                "activities",
                &self.activities.iter().map(|a| a.name).collect::<Vec<_>>(),
            )
            .field("concurrency", &self.runtime.slots.capacity())
            .field("pollers", &self.pollers)
            .field("shutdown_grace", &self.shutdown_grace)
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
    /// gracefully. To stop on SIGTERM, use
    /// `run_until(stepworker::worker::shutdown_signal())`.
    pub async fn run(self) -> Result<(), WorkerError> {
        self.run_until(std::future::pending()).await
    }

    /// Runs until `shutdown` completes (or [`WorkerHandle::shutdown`] is
    /// called), then shuts down gracefully: no new polls; polls already open
    /// are never cut, and the tasks they bring still run; running tasks get
    /// the grace period to finish, after which the rest are failed with
    /// `Worker.Shutdown` so the state machine can retry them elsewhere.
    pub async fn run_until(self, shutdown: impl Future<Output = ()>) -> Result<(), WorkerError> {
        self.check_activities()?;
        let stop = self.runtime.stop_polling.clone();
        let requested = async move {
            tokio::select! {
                () = shutdown => {}
                () = stop.cancelled() => {}
            }
        };
        tokio::pin!(requested);

        let arns = tokio::select! {
            arns = register_all(self.runtime.service.as_ref(), &self.activities) => arns?,
            () = &mut requested => return Ok(()),
        };
        let (min_pollers, max_pollers) = self.pollers;
        for (activity, arn) in self.activities.iter().zip(arns) {
            let target = Arc::new(PollTarget {
                activity: Arc::clone(activity),
                arn,
                count: PollerCount::new(min_pollers, max_pollers),
            });
            for _ in 0..target.count.initial() {
                target.count.started();
                spawn_poller(&self.runtime, &target);
            }
        }
        tracing::info!(
            worker = %self.runtime.worker_name,
            activities = ?self.activities.iter().map(|a| a.name).collect::<Vec<_>>(),
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
        let mut names = HashSet::new();
        match self.activities.iter().find(|a| !names.insert(a.name)) {
            Some(duplicate) => Err(WorkerError::DuplicateActivity(duplicate.name)),
            None => Ok(()),
        }
    }

    async fn drain(&self) {
        let runtime = &self.runtime;
        runtime.stop_polling.cancel();
        tracing::info!(
            grace = ?self.shutdown_grace,
            tasks_in_flight = runtime.tasks.len(),
            "shutting down: no new polls; waiting for open polls and running tasks"
        );
        let drained = async {
            // Pollers first: a poll still open may yet bring a task.
            runtime.pollers.close();
            runtime.pollers.wait().await;
            runtime.tasks.close();
            runtime.tasks.wait().await;
        };
        tokio::pin!(drained);
        tokio::select! {
            () = &mut drained => {}
            () = tokio::time::sleep(self.shutdown_grace) => {
                tracing::warn!(
                    tasks_in_flight = runtime.tasks.len(),
                    "shutdown grace period over; failing unfinished tasks with Worker.Shutdown"
                );
                runtime.grace_over.cancel();
                drained.await;
            }
        }
        tracing::info!("worker stopped");
    }
}
