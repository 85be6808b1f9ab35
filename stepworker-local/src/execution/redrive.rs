//! Redrive: an execution that failed, timed out or was stopped runs again
//! from the state it ended in, with that state's input, under the same ARN
//! and definition, its history going on where it stopped.
//!
//! Eligibility follows the AWS developer guide ("Redriving executions"):
//! STANDARD only; FAILED, TIMED_OUT or ABORTED; ended at most 14 days ago;
//! fewer than 1,000 redrives; history below 24,999 events. The execution
//! timeout starts again at the redrive. As AWS does, a Parallel state or
//! inline Map state the execution ended in reruns only the branches or
//! iterations that did not succeed, the others keeping their output, and
//! a Distributed Map state redrives its Map Run (see `map_run`). Nested
//! inside a branch or iteration, such a state reruns whole: the redrive
//! resumes at the top-level state.

use std::sync::Arc;

use serde_json::Value;
use stepworker::model::{ExecutionRedriveStatus, ExecutionStatus, StateMachineType};

use super::history::{ErrorCause, EventKind};
use super::payload::Payload;
use super::record::{Execution, ExecutionState, Outcome};
use super::runner::{Runner, WalkEnd};
use crate::asl::State;
use crate::core::Core;

/// How long after its end an execution can be redriven (14 days).
pub const REDRIVABLE_MILLIS: i64 = 14 * 24 * 60 * 60 * 1000;
/// Redrives one execution may have.
pub const MAX_REDRIVES: u32 = 1000;
/// A redrive needs room in the history for more events.
const MAX_EVENTS_TO_REDRIVE: usize = 24_999;
/// Client tokens remembered per execution, and for how long (AWS: the
/// last 10 tokens, for 15 minutes).
const REMEMBERED_TOKENS: usize = 10;
const TOKEN_MILLIS: i64 = 15 * 60 * 1000;

/// Where a redrive starts: the top-level state the execution was in when
/// it ended, and that state's input.
#[derive(Debug, Clone, PartialEq)]
pub struct ResumePoint {
    /// State name.
    pub state: Arc<str>,
    /// Its raw input, JSON text.
    pub input: Arc<str>,
}

/// The redrives of one execution.
#[derive(Debug, Default)]
pub struct RedriveRecord {
    /// Redrives so far.
    pub count: u32,
    /// When the last redrive happened, epoch milliseconds.
    pub last_millis: Option<i64>,
    /// The top-level state entered last.
    pub resume: Option<ResumePoint>,
    /// Client tokens of recent redrives with their time, newest last.
    tokens: Vec<(String, i64)>,
}

/// A redrive the execution accepted.
pub enum Redriven {
    /// A new redrive: run again from `from` (the `StartAt` state with the
    /// execution input when `None`).
    New {
        /// Where to start.
        from: Option<ResumePoint>,
    },
    /// A repeated request (same client token): the earlier redrive's time.
    Repeat(i64),
}

impl Execution {
    /// Appends the `StateEntered` event of a top-level state and remembers
    /// that state as where a redrive would start, under one lock; the
    /// event's id, or `None` (and nothing remembered) if the execution no
    /// longer runs.
    pub fn record_top_level_entry(
        &self,
        run: u32,
        at_millis: i64,
        entered: EventKind,
        resume: ResumePoint,
    ) -> Option<i64> {
        let appended = self.with_state(|s| {
            if s.status != ExecutionStatus::Running || s.redrive.count != run {
                return None;
            }
            let appended = s.append_event(at_millis, entered, None);
            if appended.is_ok() {
                s.redrive.resume = Some(resume);
            }
            Some(appended)
        });
        match appended? {
            Ok(id) => Some(id),
            Err(_) => {
                // The history filled up and failed the execution.
                self.wake_runners();
                None
            }
        }
    }

    /// Whether a redrive at `now_millis` would be accepted, and why not.
    pub fn redrive_status(&self, now_millis: i64) -> (ExecutionRedriveStatus, Option<String>) {
        match self.with_state(|s| self.refusal(s, now_millis)) {
            None => (ExecutionRedriveStatus::Redrivable, None),
            Some(reason) => (ExecutionRedriveStatus::NotRedrivable, Some(reason)),
        }
    }

    /// Reopens the ended execution for a redrive at `now_millis`: RUNNING
    /// again, its `ExecutionRedriven` event written. The reason it cannot
    /// be redriven otherwise.
    pub fn reopen(&self, now_millis: i64, client_token: Option<&str>) -> Result<Redriven, String> {
        self.with_state(|s| {
            let record = &mut s.redrive;
            record
                .tokens
                .retain(|(_, at)| now_millis.saturating_sub(*at) <= TOKEN_MILLIS);
            if let Some((_, at)) =
                client_token.and_then(|token| record.tokens.iter().find(|(t, _)| t == token))
            {
                return Ok(Redriven::Repeat(*at));
            }
            if let Some(reason) = self.refusal(s, now_millis) {
                return Err(reason);
            }
            let record = &mut s.redrive;
            record.count += 1;
            record.last_millis = Some(now_millis);
            if let Some(token) = client_token {
                record.tokens.push((token.to_owned(), now_millis));
                let excess = record.tokens.len().saturating_sub(REMEMBERED_TOKENS);
                record.tokens.drain(..excess);
            }
            let count = record.count;
            let from = record.resume.clone();
            s.status = ExecutionStatus::Running;
            s.stop_millis = None;
            s.output = None;
            s.error = ErrorCause::default();
            s.history
                .push(now_millis, EventKind::ExecutionRedriven { count });
            Ok(Redriven::New { from })
        })
    }

    fn refusal(&self, s: &ExecutionState, now_millis: i64) -> Option<String> {
        if self.version.machine_type == StateMachineType::Express {
            return Some("Executions of EXPRESS state machines cannot be redriven".to_owned());
        }
        if !matches!(
            s.status,
            ExecutionStatus::Failed | ExecutionStatus::TimedOut | ExecutionStatus::Aborted
        ) {
            return Some(format!(
                "Execution is {} and cannot be redriven",
                s.status.as_str()
            ));
        }
        let stopped = s.stop_millis.unwrap_or(now_millis);
        if now_millis.saturating_sub(stopped) > REDRIVABLE_MILLIS {
            return Some("Execution ended more than 14 days ago".to_owned());
        }
        if s.redrive.count >= MAX_REDRIVES {
            return Some(format!(
                "Execution was already redriven {MAX_REDRIVES} times"
            ));
        }
        if s.history.events().len() >= MAX_EVENTS_TO_REDRIVE {
            return Some(format!(
                "Execution history has reached {MAX_EVENTS_TO_REDRIVE} events"
            ));
        }
        None
    }
}

/// Starts running a reopened execution from `from`.
pub fn spawn_redriven(core: Arc<Core>, execution: Arc<Execution>, from: Option<ResumePoint>) {
    super::guard::spawn_guarded(
        core.clone(),
        execution.clone(),
        run_redriven(core, execution, from),
    );
}

async fn run_redriven(core: Arc<Core>, execution: Arc<Execution>, from: Option<ResumePoint>) {
    let (count, redriven_millis) =
        execution.with_state(|s| (s.redrive.count, s.redrive.last_millis.unwrap_or(0)));
    let mut runner = Runner::new(core, execution);
    runner.restart_for_redrive(count, redriven_millis);
    let definition = runner.execution.version.definition.clone();
    let (start, text) = match from {
        Some(point) => (point.state.to_string(), point.input),
        None => (definition.start_at.clone(), runner.execution.input.clone()),
    };
    let input = Payload {
        value: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    };
    let outcome = match runner.walk_from(&definition, &start, input).await {
        WalkEnd::Succeeded(output) => Outcome::Succeeded(output.text),
        WalkEnd::Failed(error) => Outcome::Failed(error),
        WalkEnd::Halted => return,
    };
    runner.end(outcome);
}

impl Runner {
    /// Counts from the redrive: `$$.Execution.RedriveCount`/`RedriveTime`
    /// and the execution timeout, which AWS starts again.
    fn restart_for_redrive(&mut self, count: u32, redriven_millis: i64) {
        self.context.set_redrive(count, redriven_millis);
        self.deadline = self
            .execution
            .version
            .definition
            .timeout_seconds
            .map(|s| redriven_millis.saturating_add(s.saturating_mul(1000) as i64));
    }
}

impl Runner {
    /// The outputs that the iterations or branches of `state` returned
    /// before the redrive now running, one entry per iteration or branch
    /// (`None`: run it). Nothing is kept for nested states.
    pub(super) fn kept_results(&self, state: &State, len: usize) -> Vec<Option<Value>> {
        let redrives = self.execution.with_state(|s| s.redrive.count);
        let kept = (redrives > 0 && self.last_event_id().is_none())
            .then(|| {
                self.core.registry.lock().kept_results.take(
                    &self.execution.arn,
                    &state.name,
                    redrives,
                    len,
                )
            })
            .flatten();
        kept.unwrap_or_else(|| vec![None; len])
    }

    /// Keeps the outputs of the iterations or branches of `state` that
    /// succeeded, the execution having ended in that state without it
    /// succeeding, for the next redrive.
    pub(super) fn keep_results(&self, state: &State, outputs: Vec<Option<Value>>) {
        if self.last_event_id().is_some() || outputs.iter().all(Option::is_none) {
            return;
        }
        let redrives = self.execution.with_state(|s| s.redrive.count);
        self.core.registry.lock().kept_results.keep(
            self.execution.arn.clone(),
            state.name.clone(),
            redrives,
            outputs,
        );
    }
}
