//! Waiting for the callback of a `.waitForTaskToken` task: SendTaskSuccess,
//! SendTaskFailure, SendTaskHeartbeat, `TimeoutSeconds` and
//! `HeartbeatSeconds`, on the same task table as activity tasks.

use tokio::sync::mpsc;

use super::history::ErrorCause;
use super::integration_events::EventsFor;
use super::retrying::Attempt;
use super::runner::Runner;
use crate::activities::{Closed, TaskEvent};
use crate::asl::{errors, StatesError, TaskTimeouts};

/// A callback task whose token is good, with the channel its reports
/// arrive on.
pub(super) struct CallbackWait {
    task_id: u64,
    events: mpsc::UnboundedReceiver<TaskEvent>,
    timeouts: TaskTimeouts,
}

impl CallbackWait {
    /// Makes the token `task_id` good and books it on the execution, so
    /// its end (stop, timeout, failure) voids the token.
    pub fn open(runner: &Runner, task_id: u64, timeouts: TaskTimeouts) -> Self {
        let events = runner.core.tasks.open(task_id);
        runner.execution.with_state(|s| {
            s.task_ids.push(task_id);
            // No activity queue holds a callback task.
            s.open_tasks.push((task_id, String::new()));
        });
        Self {
            task_id,
            events,
            timeouts,
        }
    }

    /// Voids the token: the execution or branch no longer waits for it.
    pub fn abandon(self, runner: &Runner) {
        runner
            .core
            .tasks
            .close(self.task_id, Closed::ExecutionEnded);
        forget_open(runner, self.task_id);
    }
}

fn forget_open(runner: &Runner, task_id: u64) {
    runner
        .execution
        .with_state(|s| s.open_tasks.retain(|(id, _)| *id != task_id));
}

impl Runner {
    /// Waits for the report on the task's token, a timeout, or the end of
    /// the execution.
    pub(super) async fn wait_for_callback(
        &self,
        mut wait: CallbackWait,
        events: &EventsFor<'_>,
    ) -> Attempt {
        let started_at = self.now();
        let after = |seconds: Option<u64>, from: i64| {
            seconds
                .map(|s| from.saturating_add(s.saturating_mul(1000) as i64))
                .unwrap_or(i64::MAX)
        };
        let timeout_at = after(wait.timeouts.timeout_secs, started_at);
        // The heartbeat clock runs from the moment the token went out.
        let mut heartbeat_at = after(wait.timeouts.heartbeat_secs, started_at);
        let execution_deadline = self.deadline.unwrap_or(i64::MAX);
        let attempt = loop {
            let next_deadline = timeout_at.min(heartbeat_at).min(execution_deadline);
            let woke_by_timer = tokio::select! {
                biased;
                event = wait.events.recv() => match event {
                    Some(event) => match self.on_callback(event, events) {
                        Reported::Heartbeat(at) => {
                            heartbeat_at = after(wait.timeouts.heartbeat_secs, at);
                            false
                        }
                        Reported::End(attempt) => break attempt,
                    },
                    None => break Attempt::Halted,
                },
                _ = self.halted() => break Attempt::Halted,
                _ = self.core.clock.sleep_until(next_deadline), if next_deadline < i64::MAX => true,
            };
            if !woke_by_timer {
                continue;
            }
            // A report that arrived with the timer wins over it.
            let mut ended = None;
            while let Ok(event) = wait.events.try_recv() {
                match self.on_callback(event, events) {
                    Reported::Heartbeat(at) => {
                        heartbeat_at = after(wait.timeouts.heartbeat_secs, at)
                    }
                    Reported::End(attempt) => {
                        ended = Some(attempt);
                        break;
                    }
                }
            }
            if let Some(attempt) = ended {
                break attempt;
            }
            let now = self.now();
            let expired = if now >= execution_deadline {
                None
            } else if now >= timeout_at {
                Some(errors::TIMEOUT)
            } else if now >= heartbeat_at {
                Some(errors::HEARTBEAT_TIMEOUT)
            } else {
                continue;
            };
            if !self.core.tasks.close(wait.task_id, Closed::TimedOut) {
                // A report closed it first; its event is in the channel.
                continue;
            }
            let Some(error) = expired else {
                self.time_out();
                break Attempt::Halted;
            };
            let details = ErrorCause {
                error: Some(errors::reported_name(error).to_owned()),
                cause: None,
            };
            if self.record_service(events.timed_out(details)).is_none() {
                break Attempt::Halted;
            }
            break Attempt::Done(Err(StatesError::new(error, "")));
        };
        forget_open(self, wait.task_id);
        if matches!(attempt, Attempt::Halted) {
            self.core.tasks.close(wait.task_id, Closed::ExecutionEnded);
        }
        attempt
    }

    fn on_callback(&self, event: TaskEvent, events: &EventsFor<'_>) -> Reported {
        let (event, result) = match event {
            TaskEvent::Heartbeat { at_millis } => return Reported::Heartbeat(at_millis),
            // Nobody polls for a callback task; a start means nothing here.
            TaskEvent::Started { at_millis, .. } => return Reported::Heartbeat(at_millis),
            TaskEvent::Succeeded { output } => {
                let parsed = serde_json::from_str(&output).map_err(|e| {
                    StatesError::runtime(format!("The task output is not valid JSON: {e}"))
                });
                (events.succeeded(output.into()), parsed)
            }
            TaskEvent::Failed { error, cause } => {
                let failure = StatesError::new(
                    error.clone().unwrap_or_default(),
                    cause.clone().unwrap_or_default(),
                );
                (events.failed(ErrorCause { error, cause }), Err(failure))
            }
        };
        match self.record_service(event) {
            Some(_) => Reported::End(Attempt::Done(result)),
            None => Reported::End(Attempt::Halted),
        }
    }
}

/// What one report did to the wait.
enum Reported {
    /// The heartbeat clock restarts at this time.
    Heartbeat(i64),
    /// The attempt is over.
    End(Attempt),
}
