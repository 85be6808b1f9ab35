//! How long a task can still be completed on the service: its
//! `TimeoutSeconds` from the poll, its `HeartbeatSeconds` from the last sign
//! of life. Reports are retried until then, and no longer.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::sync::now;

/// A task whose worker declared neither a heartbeat nor a timeout has no
/// deadline the worker knows of; its report is retried this long at most.
pub(crate) const UNBOUNDED_REPORT_LIMIT: Duration = Duration::from_secs(10 * 60);

/// The deadline of one task, as far as the worker can tell.
///
/// The hints are the activity's declared `HeartbeatSeconds`/`TimeoutSeconds`;
/// if the deployed state has shorter ones, the service says so first (a
/// heartbeat or report answered `TaskTimedOut`), which ends the retries too.
#[derive(Debug)]
pub(crate) struct TaskClock {
    started: Instant,
    heartbeat: Option<Duration>,
    timeout: Option<Duration>,
    /// When the service last heard from the task: the poll, then every
    /// accepted heartbeat.
    last_alive: Mutex<Instant>,
}

impl TaskClock {
    /// A clock for a task the service handed out `now`.
    pub(crate) fn start(heartbeat: Option<Duration>, timeout: Option<Duration>) -> Self {
        let now = now();
        Self {
            started: now,
            heartbeat,
            timeout,
            last_alive: Mutex::new(now),
        }
    }

    /// Records an accepted heartbeat.
    pub(crate) fn alive(&self) {
        *lock(&self.last_alive) = now();
    }

    /// How long the task has run.
    pub(crate) fn elapsed(&self) -> Duration {
        now() - self.started
    }

    /// The moment the service will time the task out, unless a heartbeat
    /// moves it.
    pub(crate) fn deadline(&self) -> Instant {
        let by_timeout = self.timeout.map(|timeout| self.started + timeout);
        let by_heartbeat = self
            .heartbeat
            .map(|heartbeat| *lock(&self.last_alive) + heartbeat);
        match (by_timeout, by_heartbeat) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => self.started + UNBOUNDED_REPORT_LIMIT,
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn heartbeats_move_the_deadline_but_never_past_the_timeout() {
        let clock = TaskClock::start(Some(Duration::from_secs(10)), Some(Duration::from_secs(25)));
        let start = clock.started;
        assert_eq!(clock.deadline(), start + Duration::from_secs(10));
        tokio::time::advance(Duration::from_secs(8)).await;
        clock.alive();
        assert_eq!(clock.deadline(), start + Duration::from_secs(18));
        tokio::time::advance(Duration::from_secs(12)).await;
        clock.alive();
        assert_eq!(clock.deadline(), start + Duration::from_secs(25));
    }

    #[tokio::test(start_paused = true)]
    async fn without_hints_the_deadline_is_the_fallback_limit() {
        let clock = TaskClock::start(None, None);
        assert_eq!(clock.deadline(), clock.started + UNBOUNDED_REPORT_LIMIT);
        let only_timeout = TaskClock::start(None, Some(Duration::from_secs(60)));
        assert_eq!(
            only_timeout.deadline(),
            only_timeout.started + Duration::from_secs(60)
        );
    }
}
