use std::sync::Arc;

use super::health::Health;
use super::runtime::Runtime;

/// Controls a running [`Worker`](super::Worker) from elsewhere; cheap to clone.
#[derive(Clone)]
pub struct WorkerHandle {
    pub(crate) runtime: Arc<Runtime>,
}

impl WorkerHandle {
    /// Starts a graceful shutdown: no new polls; running tasks finish until
    /// the cut of the [shutdown deadline](super::WorkerBuilder::shutdown_deadline),
    /// then `run` returns.
    pub fn shutdown(&self) {
        self.runtime.shutdown.requested.cancel();
    }

    /// Ends the shutdown at once, as a second SIGTERM does: handlers still
    /// running are dropped (their tasks fail with `Worker.Shutdown` only if
    /// that report gets out before `run` returns), open polls and reports in
    /// flight are dropped, and `run` returns.
    pub fn shutdown_now(&self) {
        self.runtime.shutdown.now();
    }

    /// Whether shutdown has started.
    pub fn is_shutting_down(&self) -> bool {
        self.runtime.shutdown.requested.is_cancelled()
    }

    /// Per activity: registered or not, the last successful poll, errors in
    /// a row; [`Health::is_healthy`] is what a health check should answer.
    pub fn health(&self) -> Health {
        Health {
            activities: self
                .runtime
                .health
                .iter()
                .map(|cell| cell.snapshot())
                .collect(),
            shutting_down: self.is_shutting_down(),
        }
    }

    /// Tasks running right now.
    pub fn tasks_in_flight(&self) -> usize {
        self.runtime.tasks.len()
    }

    /// Pollers running right now, across activities: fixed by
    /// [`pollers`](super::WorkerBuilder::pollers), or moving within the bounds
    /// of [`adaptive_pollers`](super::WorkerBuilder::adaptive_pollers).
    pub fn pollers(&self) -> usize {
        self.runtime.pollers.len()
    }

    /// Concurrency slots held right now, by running tasks and open polls.
    pub fn slots_in_use(&self) -> usize {
        let runtime = &self.runtime;
        let own_free = runtime
            .activity_slots
            .iter()
            .filter(|slots| !slots.reserved_in_use())
            .count();
        runtime.slots.capacity() - runtime.slots.available() - own_free
    }
}

impl std::fmt::Debug for WorkerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerHandle")
            .field("worker_name", &self.runtime.worker_name)
            .field("shutting_down", &self.is_shutting_down())
            .field("tasks_in_flight", &self.tasks_in_flight())
            .finish()
    }
}
