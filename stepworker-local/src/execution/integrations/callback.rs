//! Waiting for the callback of a `.waitForTaskToken` task: SendTaskSuccess,
//! SendTaskFailure, SendTaskHeartbeat, `TimeoutSeconds` and
//! `HeartbeatSeconds`, on the same task table as activity tasks.

use super::events::EventsFor;
use crate::activities::{Closed, Inbox, TaskEvent};
use crate::asl::{StatesError, TaskTimeouts};
use crate::execution::attempt::Attempt;
use crate::execution::history::{ErrorCause, EventKind};
use crate::execution::report_wait::{after, Deadlines, Reported};
use crate::execution::runner::Runner;

/// A callback task whose token is good, with the channel its reports
/// arrive on.
pub(crate) struct CallbackWait {
    task_id: u64,
    events: Inbox,
    timeouts: TaskTimeouts,
}

impl CallbackWait {
    /// Makes the token `task_id` good and books it on the execution, so
    /// its end (stop, timeout, failure) voids the token. Its reports are
    /// written as `events` names them.
    pub fn open(
        runner: &Runner,
        task_id: u64,
        timeouts: TaskTimeouts,
        events: &EventsFor<'_>,
    ) -> Self {
        runner.execution.with_state(|s| {
            s.task_ids.push(task_id);
            // No activity queue holds a callback task.
            s.open_tasks.push((task_id, String::new()));
        });
        let resource = events.resource.clone();
        let region = events.default_region.to_owned();
        let event_of = move |event: &TaskEvent| {
            let events = EventsFor {
                resource: &resource,
                default_region: &region,
            };
            let event = match event {
                // Nobody polls for a callback task; heartbeats write nothing.
                TaskEvent::Heartbeat { .. } | TaskEvent::Started { .. } => return None,
                TaskEvent::Succeeded { output, .. } => events.succeeded(output.clone()),
                TaskEvent::Failed { error, cause } => events.failed(ErrorCause {
                    error: error.clone(),
                    cause: cause.clone(),
                }),
            };
            Some(EventKind::Service(Box::new(event)))
        };
        let events = runner
            .core
            .tasks
            .open(task_id, runner.task_log(Box::new(event_of)));
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
    pub(crate) async fn wait_for_callback(
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
                |runner, report| runner.on_callback(report),
                |runner, details| runner.record_service(events.timed_out(details)),
            )
            .await;
        forget_open(self, wait.task_id);
        if matches!(attempt, Attempt::Halted) {
            self.core.tasks.close(wait.task_id, Closed::ExecutionEnded);
        }
        attempt
    }

    /// Applies one report; the task table already wrote its event.
    fn on_callback(&self, event: TaskEvent) -> Reported {
        match event {
            TaskEvent::Heartbeat { at_millis } | TaskEvent::Started { at_millis, .. } => {
                Reported::Heartbeat(at_millis)
            }
            TaskEvent::Succeeded { value, .. } => Reported::End(Attempt::Done(Ok(*value))),
            TaskEvent::Failed { error, cause } => Reported::End(Attempt::Done(Err(
                StatesError::new(error.unwrap_or_default(), cause.unwrap_or_default()),
            ))),
        }
    }
}
