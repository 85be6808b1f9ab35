//! One attempt at a Task state with an activity resource: schedule, then
//! wait for the worker (result, failure, heartbeats, timeouts, stop).

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::mpsc;

use super::history::{ErrorCause, EventKind};
use super::integration_resource;
use super::retrying::Attempt;
use super::runner::{Payload, Runner};
use crate::activities::{Closed, QueuedTask, TaskEvent};
use crate::asl::{errors, State, StateKind, StatesError};
use crate::stats::Stats;

/// Everything needed to schedule one attempt.
struct Scheduled {
    task_id: u64,
    activity: String,
    timeout_seconds: Option<u64>,
    heartbeat_seconds: Option<u64>,
    events: mpsc::UnboundedReceiver<TaskEvent>,
}

impl Runner {
    /// One attempt: schedule the activity task and wait for its end.
    pub(super) async fn attempt_task(&mut self, state: &State, raw: &Value) -> Attempt {
        if let StateKind::Task(task) = &state.kind {
            if let Some(integration) = integration_resource::classify(&task.resource) {
                return self
                    .attempt_integration(state, &task.resource, integration, raw)
                    .await;
            }
        }
        let scheduled = match self.schedule(state, raw) {
            Ok(Some(scheduled)) => scheduled,
            Ok(None) => return Attempt::Halted,
            Err(e) => return Attempt::Done(Err(e)),
        };
        let task_id = scheduled.task_id;
        let activity = scheduled.activity.clone();
        let attempt = self.wait_for_worker(scheduled).await;
        self.execution
            .with_state(|s| s.open_tasks.retain(|(id, _)| *id != task_id));
        if matches!(attempt, Attempt::Halted) {
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
        let events = self.core.tasks.open(task_id);
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
        self.execution.with_state(|s| {
            s.task_ids.push(task_id);
            s.open_tasks.push((task_id, activity.clone()));
        });
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
        let scheduled_at = self.now();
        let timeout_at = task
            .timeout_seconds
            .map(|s| scheduled_at.saturating_add(s.saturating_mul(1000) as i64))
            .unwrap_or(i64::MAX);
        let execution_deadline = self.deadline.unwrap_or(i64::MAX);
        // The heartbeat clock starts when a worker takes the task.
        let mut heartbeat_at = i64::MAX;
        loop {
            let next_deadline = timeout_at.min(heartbeat_at).min(execution_deadline);
            let woke_by_timer = tokio::select! {
                biased;
                event = task.events.recv() => match event {
                    Some(event) => {
                        if let Some(attempt) = self.on_task_event(event, &mut heartbeat_at, task.heartbeat_seconds) {
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
            // Events that arrived with the timer win over it: a heartbeat
            // or result sent before the deadline is honoured.
            while let Ok(event) = task.events.try_recv() {
                if let Some(attempt) =
                    self.on_task_event(event, &mut heartbeat_at, task.heartbeat_seconds)
                {
                    return attempt;
                }
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
            if !self.core.tasks.close(task.task_id, Closed::TimedOut) {
                // A report closed it first; its event is in the channel.
                continue;
            }
            let Some(error) = expired else {
                self.time_out();
                return Attempt::Halted;
            };
            self.record(EventKind::ActivityTimedOut(ErrorCause {
                error: Some(errors::reported_name(error).to_owned()),
                cause: None,
            }));
            return Attempt::Done(Err(StatesError::new(error, "")));
        }
    }

    /// Applies one worker event; `Some` when the attempt is over.
    fn on_task_event(
        &self,
        event: TaskEvent,
        heartbeat_at: &mut i64,
        heartbeat_seconds: Option<u64>,
    ) -> Option<Attempt> {
        let arm = |at: i64| {
            heartbeat_seconds
                .map(|s| at.saturating_add(s.saturating_mul(1000) as i64))
                .unwrap_or(i64::MAX)
        };
        match event {
            TaskEvent::Started {
                worker_name,
                at_millis,
            } => {
                *heartbeat_at = arm(at_millis);
                self.record(EventKind::ActivityStarted { worker_name })
                    .map(|_| None)
                    .unwrap_or(Some(Attempt::Halted))
            }
            TaskEvent::Heartbeat { at_millis } => {
                *heartbeat_at = arm(at_millis);
                None
            }
            TaskEvent::Succeeded { output } => {
                let text: Arc<str> = Arc::from(output);
                if self
                    .record(EventKind::ActivitySucceeded {
                        output: text.clone(),
                    })
                    .is_none()
                {
                    return Some(Attempt::Halted);
                }
                let parsed = serde_json::from_str(&text).map_err(|e| {
                    StatesError::runtime(format!("The task output is not valid JSON: {e}"))
                });
                Some(Attempt::Done(parsed))
            }
            TaskEvent::Failed { error, cause } => {
                let details = ErrorCause {
                    error: error.clone(),
                    cause: cause.clone(),
                };
                if self.record(EventKind::ActivityFailed(details)).is_none() {
                    return Some(Attempt::Halted);
                }
                Some(Attempt::Done(Err(StatesError::new(
                    error.unwrap_or_default(),
                    cause.unwrap_or_default(),
                ))))
            }
        }
    }
}
