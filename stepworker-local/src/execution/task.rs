//! Task states with activity resources: schedule, wait for the worker
//! (result, failure, heartbeats, timeouts, stop), then Retry and Catch.

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::mpsc;

use super::history::{ErrorCause, EventKind};
use super::runner::{follow, Payload, Runner, Transition};
use crate::activities::{Closed, QueuedTask, TaskEvent};
use crate::asl::{self, errors, State, StateKind, StatesError};
use crate::stats::Stats;

/// How one attempt at a task ended.
enum Attempt {
    /// The worker's result, or the error the attempt ended with.
    Done(Result<Value, StatesError>),
    /// The execution ended meanwhile.
    Halted,
}

/// Everything needed to schedule one attempt.
struct Scheduled {
    task_id: u64,
    activity: String,
    timeout_seconds: Option<u64>,
    heartbeat_seconds: Option<u64>,
    events: mpsc::UnboundedReceiver<TaskEvent>,
}

impl Runner {
    /// A Task state: attempts, retries, then output or Catch.
    pub(super) async fn run_task(&mut self, state: &State, raw: &Value) -> Transition {
        let mut attempts_per_retrier = vec![0u32; state.retry.len()];
        let mut retry_count = 0u32;
        loop {
            self.context.set_retry_count(retry_count);
            let error = match self.attempt(state, raw).await {
                Attempt::Halted => return Transition::Halt,
                Attempt::Done(Ok(result)) => {
                    let ctx = self.context.value();
                    match asl::state_output(state, raw, result, ctx) {
                        Ok(output) => return follow(state, output),
                        // Output processing faults are caught, never retried:
                        // retrying would run the work again for a local fault.
                        Err(e) => return self.catch_or_fail(state, raw, e),
                    }
                }
                Attempt::Done(Err(error)) => error,
            };
            let Some(decision) = asl::select_retrier(state, &error.error, &attempts_per_retrier)
            else {
                return self.catch_or_fail(state, raw, error);
            };
            if let Some(count) = attempts_per_retrier.get_mut(decision.retrier_index) {
                *count += 1;
            }
            retry_count += 1;
            let delay = decision.delay_millis(rand::random::<f64>()) as i64;
            if !self.sleep_until(self.now().saturating_add(delay)).await {
                return Transition::Halt;
            }
        }
    }

    fn catch_or_fail(&self, state: &State, raw: &Value, error: StatesError) -> Transition {
        let Some(catcher) = asl::select_catcher(state, &error.error) else {
            return Transition::Fail(ErrorCause {
                error: Some(error.error),
                cause: Some(error.cause),
            });
        };
        match asl::catch_output(catcher, raw, &error.error, &error.cause) {
            Ok(output) => Transition::Next(catcher.next.clone(), output),
            Err(e) => Transition::Fail(self.runtime_cause(state, e)),
        }
    }

    /// One attempt: schedule the activity task and wait for its end.
    async fn attempt(&mut self, state: &State, raw: &Value) -> Attempt {
        let scheduled = match self.schedule(state, raw) {
            Ok(Some(scheduled)) => scheduled,
            Ok(None) => return Attempt::Halted,
            Err(e) => return Attempt::Done(Err(e)),
        };
        let task_id = scheduled.task_id;
        let activity = scheduled.activity.clone();
        let attempt = self.wait_for_worker(scheduled).await;
        self.execution.with_state(|s| {
            if s.open_task.as_ref().is_some_and(|(id, _)| *id == task_id) {
                s.open_task = None;
            }
        });
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
                    "The resource '{}' is not an activity of this engine; only activity tasks are supported by stepworker-local yet.",
                    task.resource
                ))
            })?;
        let timeouts = asl::task_timeouts(state, raw)?;
        let (task_id, token) = self.core.new_task();
        self.context.set_task_token(&token);
        let effective = asl::effective_input(state, raw, self.context.value())?;
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
            s.open_task = Some((task_id, activity.clone()));
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
                _ = self.execution.ended_elsewhere() => return Attempt::Halted,
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
                error: Some(error.to_owned()),
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
