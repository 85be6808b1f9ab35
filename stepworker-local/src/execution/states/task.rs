//! One attempt at a Task state with an activity resource: schedule, then
//! wait for the worker (result, failure, heartbeats, timeouts, stop).

use std::sync::Arc;

use crate::activities::{Closed, Inbox, QueuedTask, TaskEvent};
use crate::asl::{State, StateKind, StatesError};
use crate::execution::attempt::Attempt;
use crate::execution::history::{ErrorCause, EventKind};
use crate::execution::integrations::resource;
use crate::execution::payload::Payload;
use crate::execution::report_wait::{after, Deadlines, Reported};
use crate::execution::runner::Runner;
use crate::stats::Stats;
use serde_json::Value;

/// Everything needed to schedule one attempt.
struct Scheduled {
    task_id: u64,
    activity: String,
    timeout_seconds: Option<u64>,
    heartbeat_seconds: Option<u64>,
    events: Inbox,
}

impl Runner {
    /// One attempt: schedule the activity task and wait for its end.
    pub(crate) async fn attempt_task(&mut self, state: &State, raw: &Value) -> Attempt {
        if let StateKind::Task(task) = &state.kind {
            if let Some(integration) = resource::classify(&task.resource) {
                // Boxed, so a task waiting on an activity worker does not
                // carry room for an integration's future (see `attempt_state`).
                return Box::pin(self.attempt_integration(state, &task.resource, integration, raw))
                    .await;
            }
        }
        let scheduled = match self.schedule(state, raw) {
            Ok(Some(scheduled)) => scheduled,
            Ok(None) => return Attempt::Halted,
            Err(e) => return Attempt::Done(Err(self.state_fault(state, e))),
        };
        let task_id = scheduled.task_id;
        let activity = scheduled.activity.clone();
        let attempt = self.wait_for_worker(scheduled).await;
        self.execution
            .with_state(|s| s.open_tasks.retain(|(id, _)| *id != task_id));
        // A task that timed out before any poll took it leaves its queue
        // now, input and all, rather than when a poll finds it closed.
        let timed_out =
            matches!(&attempt, Attempt::Done(Err(e)) if e.error == crate::asl::errors::TIMEOUT);
        if timed_out || matches!(attempt, Attempt::Halted) {
            self.core.void_task(task_id, &activity);
        }
        attempt
    }

    /// Schedules the task; `Ok(None)` if the execution ended meanwhile.
    fn schedule(&mut self, state: &State, raw: &Value) -> Result<Option<Scheduled>, StatesError> {
        let StateKind::Task(task) = &state.kind else {
            return Err(StatesError::runtime("Not a Task state."));
        };
        let activity = self
            .core
            .arns
            .activity_name(&task.resource)
            .map_err(|_| {
                StatesError::runtime(format!(
                    "The resource '{}' is neither an activity of this engine nor a service integration.",
                    task.resource
                ))
            })?;
        let timeouts = self.task_timeouts(state, raw)?;
        let (task_id, token) = self.core.new_task();
        self.context.set_task_token(&token);
        let effective = self.state_input(state, raw)?;
        let input = Payload::new(effective)?;
        // Booked before the token can be seen, so the execution's end
        // voids it from then on.
        self.execution.with_state(|s| {
            s.task_ids.push(task_id);
            s.open_tasks.push((task_id, activity.clone()));
        });
        let events = self
            .core
            .tasks
            .open(task_id, self.task_log(Box::new(activity_event)));
        let recorded = self.record(EventKind::ActivityScheduled {
            resource: Arc::from(task.resource.as_str()),
            input: input.text.clone(),
            timeout_seconds: timeouts.timeout_secs,
            heartbeat_seconds: timeouts.heartbeat_secs,
        });
        if recorded.is_none() {
            self.core.tasks.close(task_id, Closed::ExecutionEnded);
            return Ok(None);
        }
        let queue = self
            .core
            .registry
            .lock()
            .activities
            .get(&activity)
            .map(|a| a.queue.clone());
        let Some(queue) = queue else {
            self.core.tasks.close(task_id, Closed::ExecutionEnded);
            let error =
                StatesError::runtime(format!("The activity {} does not exist.", task.resource));
            self.record(EventKind::ActivityScheduleFailed(ErrorCause::new(
                error.error.clone(),
                error.cause.clone(),
            )));
            return Err(error);
        };
        queue.schedule(QueuedTask {
            task_id,
            token,
            input: input.text,
        });
        Stats::bump(&self.core.stats.tasks_scheduled);
        Ok(Some(Scheduled {
            task_id,
            activity,
            timeout_seconds: timeouts.timeout_secs,
            heartbeat_seconds: timeouts.heartbeat_secs,
            events,
        }))
    }

    /// Waits for the worker's result, a timeout, or the execution's end.
    async fn wait_for_worker(&self, mut task: Scheduled) -> Attempt {
        let deadlines = Deadlines {
            timeout_at: after(task.timeout_seconds, self.now()),
            // The heartbeat clock starts when a worker takes the task.
            heartbeat_at: i64::MAX,
            heartbeat_seconds: task.heartbeat_seconds,
        };
        self.wait_for_report(
            task.task_id,
            &mut task.events,
            deadlines,
            Self::on_task_event,
            |runner, details| runner.record(EventKind::ActivityTimedOut(details)),
        )
        .await
    }

    /// Applies one worker event; the task table already wrote its history
    /// event when it accepted it.
    fn on_task_event(&self, event: TaskEvent) -> Reported {
        match event {
            TaskEvent::Started { at_millis, .. } | TaskEvent::Heartbeat { at_millis } => {
                Reported::Heartbeat(at_millis)
            }
            TaskEvent::Succeeded { value, .. } => Reported::End(Attempt::Done(Ok(*value))),
            TaskEvent::Failed { error, cause } => Reported::End(Attempt::Done(Err(
                StatesError::new(error.unwrap_or_default(), cause.unwrap_or_default()),
            ))),
        }
    }
}

/// The history event of an activity task's token event.
fn activity_event(event: &TaskEvent) -> Option<EventKind> {
    match event {
        TaskEvent::Started { worker_name, .. } => Some(EventKind::ActivityStarted {
            worker_name: worker_name.clone(),
        }),
        TaskEvent::Heartbeat { .. } => None,
        TaskEvent::Succeeded { output, .. } => Some(EventKind::ActivitySucceeded {
            output: output.clone(),
        }),
        TaskEvent::Failed { error, cause } => Some(EventKind::ActivityFailed(ErrorCause {
            error: error.clone(),
            cause: cause.clone(),
        })),
    }
}
