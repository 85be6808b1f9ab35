//! Waiting for the callback of a `.waitForTaskToken` task: SendTaskSuccess,
//! SendTaskFailure, SendTaskHeartbeat, `TimeoutSeconds` and
//! `HeartbeatSeconds`, on the same task table as activity tasks.

use tokio::sync::mpsc;

use super::history::ErrorCause;
use super::integration_events::EventsFor;
use super::report_wait::{after, Deadlines, Reported};
use super::retrying::Attempt;
use super::runner::Runner;
use crate::activities::{Closed, TaskEvent};
use crate::asl::{StatesError, TaskTimeouts};

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
        let deadlines = Deadlines {
            timeout_at: after(wait.timeouts.timeout_secs, started_at),
            // The heartbeat clock runs from the moment the token went out.
            heartbeat_at: after(wait.timeouts.heartbeat_secs, started_at),
            heartbeat_seconds: wait.timeouts.heartbeat_secs,
        };
        let attempt = self
            .wait_for_report(
                wait.task_id,
                &mut wait.events,
                deadlines,
                |runner, report| runner.on_callback(report, events),
                |runner, details| runner.record_service(events.timed_out(details)),
            )
            .await;
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
            TaskEvent::Succeeded { output, value } => (events.succeeded(output.into()), Ok(*value)),
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
