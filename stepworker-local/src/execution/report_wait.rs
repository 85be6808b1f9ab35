//! Waiting on a task token: the report that ends it, a heartbeat that
//! re-arms its heartbeat clock, its `TimeoutSeconds`/`HeartbeatSeconds`, or
//! the end of the execution. Activity tasks and `.waitForTaskToken` service
//! tasks share this loop, so the race between a report and a deadline is
//! decided the same way for both.

use super::attempt::Attempt;
use super::history::ErrorCause;
use super::runner::Runner;
use crate::activities::{Inbox, TaskEvent, TimerClaim};
use crate::asl::{errors, StatesError};

/// What one report did to the wait.
pub(super) enum Reported {
    /// The heartbeat clock restarts at this time (epoch milliseconds).
    Heartbeat(i64),
    /// The attempt is over.
    End(Attempt),
}

/// The deadlines of one wait, epoch milliseconds (`i64::MAX`: none).
pub(super) struct Deadlines {
    /// When `TimeoutSeconds` runs out.
    pub timeout_at: i64,
    /// When the heartbeat clock runs out, if it already runs.
    pub heartbeat_at: i64,
    /// `HeartbeatSeconds`, to re-arm the clock on each heartbeat.
    pub heartbeat_seconds: Option<u64>,
}

/// `seconds` after `from`, or never.
pub(super) fn after(seconds: Option<u64>, from: i64) -> i64 {
    seconds
        .map(|s| from.saturating_add(s.saturating_mul(1000) as i64))
        .unwrap_or(i64::MAX)
}

impl Runner {
    /// Waits on the token of `task_id` until a report ends the attempt, a
    /// deadline passes, or the execution ends. `on_report` applies one
    /// report; `record_timed_out` writes the timed-out event (`None` if the
    /// execution ended meanwhile).
    pub(super) async fn wait_for_report(
        &self,
        task_id: u64,
        reports: &mut Inbox,
        mut deadlines: Deadlines,
        mut on_report: impl FnMut(&Self, TaskEvent) -> Reported,
        record_timed_out: impl FnOnce(&Self, ErrorCause) -> Option<i64>,
    ) -> Attempt {
        let mut record_timed_out = Some(record_timed_out);
        let execution_deadline = self.deadline.unwrap_or(i64::MAX);
        let mut apply = |runner: &Self, report: TaskEvent, heartbeat_at: &mut i64| match on_report(
            runner, report,
        ) {
            Reported::Heartbeat(at) => {
                *heartbeat_at = after(deadlines.heartbeat_seconds, at);
                None
            }
            Reported::End(attempt) => Some(attempt),
        };
        loop {
            let next_deadline = deadlines
                .timeout_at
                .min(deadlines.heartbeat_at)
                .min(execution_deadline);
            let woke_by_timer = tokio::select! {
                biased;
                report = reports.recv() => match report {
                    Some(report) => {
                        if let Some(attempt) = apply(self, report, &mut deadlines.heartbeat_at) {
                            return attempt;
                        }
                        false
                    }
                    None => return Attempt::Halted,
                },
                _ = self.halted() => return Attempt::Halted,
                _ = self.core.clock.sleep_until(next_deadline), if next_deadline < i64::MAX => true,
            };
            if !woke_by_timer {
                continue;
            }
            // Reports that arrived with the timer win over it: a heartbeat
            // or result sent before the deadline is honoured.
            while let Ok(report) = reports.try_recv() {
                if let Some(attempt) = apply(self, report, &mut deadlines.heartbeat_at) {
                    return attempt;
                }
            }
            let now = self.now();
            let expired = if now >= execution_deadline {
                None
            } else if now >= deadlines.timeout_at {
                Some(errors::TIMEOUT)
            } else if now >= deadlines.heartbeat_at {
                Some(errors::HEARTBEAT_TIMEOUT)
            } else {
                continue;
            };
            let details = expired.map(|error| ErrorCause {
                error: Some(errors::reported_name(error).to_owned()),
                cause: None,
            });
            // The timer claims the token under the table's lock and writes
            // its event there, so a report is either before it or refused.
            let claim = self.core.tasks.expire(task_id, || match details {
                Some(details) => record_timed_out
                    .take()
                    .is_some_and(|record| record(self, details).is_some()),
                // The execution's own timeout ends it just below.
                None => true,
            });
            let TimerClaim::Expired { written } = claim else {
                // A report closed it first; its event is in the channel.
                continue;
            };
            let Some(error) = expired else {
                self.time_out();
                return Attempt::Halted;
            };
            if !written {
                return Attempt::Halted;
            }
            return Attempt::Done(Err(StatesError::new(error, "")));
        }
    }
}
