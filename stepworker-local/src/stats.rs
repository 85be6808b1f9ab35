//! Counters an embedding test can read to prove delivery guarantees (for
//! example that no task token was reported twice).

use std::sync::atomic::{AtomicU64, Ordering};

/// Live counters of one engine.
#[derive(Debug, Default)]
pub struct Stats {
    pub(crate) executions_started: AtomicU64,
    pub(crate) executions_finished: AtomicU64,
    pub(crate) state_transitions: AtomicU64,
    pub(crate) tasks_scheduled: AtomicU64,
    pub(crate) tasks_delivered: AtomicU64,
    pub(crate) tasks_redelivered: AtomicU64,
    pub(crate) tasks_lost_to_closed_polls: AtomicU64,
    pub(crate) closed_polls_kept: AtomicU64,
    pub(crate) polls_empty: AtomicU64,
    pub(crate) reports_accepted: AtomicU64,
    pub(crate) reports_rejected: AtomicU64,
    pub(crate) tokens_reported_twice: AtomicU64,
    pub(crate) heartbeats: AtomicU64,
    pub(crate) finished_executions_kept: AtomicU64,
    pub(crate) finished_execution_bytes_kept: AtomicU64,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatsSnapshot {
    /// Executions started.
    pub executions_started: u64,
    /// Executions that reached a final status.
    pub executions_finished: u64,
    /// States entered, over all executions.
    pub state_transitions: u64,
    /// Activity tasks scheduled.
    pub tasks_scheduled: u64,
    /// Activity tasks handed to a `GetActivityTask` caller.
    pub tasks_delivered: u64,
    /// Tasks taken back from a poller that went away before receiving them.
    pub tasks_redelivered: u64,
    /// Tasks handed to a parked poll whose client had gone
    /// (`--deliver-to-closed-polls`): lost until a timeout.
    pub tasks_lost_to_closed_polls: u64,
    /// Parked polls whose client hung up and that stayed parked until their
    /// deadline (`--deliver-to-closed-polls`).
    pub closed_polls_kept: u64,
    /// `GetActivityTask` calls that ended with no task.
    pub polls_empty: u64,
    /// `SendTaskSuccess`/`SendTaskFailure` calls that closed a task.
    pub reports_accepted: u64,
    /// `SendTaskSuccess`/`SendTaskFailure` calls refused (closed, unknown or bad token).
    pub reports_rejected: u64,
    /// Reports for a token that a report had already closed: a worker that
    /// sends a result twice shows up here.
    pub tokens_reported_twice: u64,
    /// `SendTaskHeartbeat` calls accepted.
    pub heartbeats: u64,
    /// Finished executions in memory now (see [`crate::Retention`]).
    pub finished_executions_kept: u64,
    /// Their estimated bytes now.
    pub finished_execution_bytes_kept: u64,
}

impl Stats {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Records what retention keeps after an execution's end.
    pub(crate) fn retained(&self, retained: &crate::store::Retained) {
        let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        self.finished_executions_kept
            .store(count(retained.executions), Ordering::Relaxed);
        self.finished_execution_bytes_kept
            .store(count(retained.bytes), Ordering::Relaxed);
    }

    /// Reads every counter.
    pub fn snapshot(&self) -> StatsSnapshot {
        let read = |c: &AtomicU64| c.load(Ordering::Relaxed);
        StatsSnapshot {
            executions_started: read(&self.executions_started),
            executions_finished: read(&self.executions_finished),
            state_transitions: read(&self.state_transitions),
            tasks_scheduled: read(&self.tasks_scheduled),
            tasks_delivered: read(&self.tasks_delivered),
            tasks_redelivered: read(&self.tasks_redelivered),
            tasks_lost_to_closed_polls: read(&self.tasks_lost_to_closed_polls),
            closed_polls_kept: read(&self.closed_polls_kept),
            polls_empty: read(&self.polls_empty),
            reports_accepted: read(&self.reports_accepted),
            reports_rejected: read(&self.reports_rejected),
            tokens_reported_twice: read(&self.tokens_reported_twice),
            heartbeats: read(&self.heartbeats),
            finished_executions_kept: read(&self.finished_executions_kept),
            finished_execution_bytes_kept: read(&self.finished_execution_bytes_kept),
        }
    }
}
