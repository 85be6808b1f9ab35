//! The runner: one tokio task per execution, walking its states with the
//! ASL core and writing the history events AWS writes for each state type.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde_json::Value;

use super::context::Context;
use super::history::{ErrorCause, EventKind};
use super::record::{Execution, Outcome};
use crate::asl::{self, errors, State, StateKind, StatesError};
use crate::core::Core;
use crate::stats::Stats;

/// Events one execution may write, like AWS's history quota.
pub const MAX_HISTORY_EVENTS: usize = 25_000;
/// Transitions between yields, so a long chain of Pass states does not
/// hold a runtime thread.
const TRANSITIONS_PER_YIELD: u32 = 64;

/// Starts running `execution` in the background.
pub fn spawn(core: Arc<Core>, execution: Arc<Execution>) {
    tokio::spawn(run(core, execution));
}

/// Runs `execution` to its end.
pub async fn run(core: Arc<Core>, execution: Arc<Execution>) {
    let mut runner = Runner::new(core, execution);
    if let Some(outcome) = runner.walk().await {
        runner.end(outcome);
    }
}

/// Where a state sends the execution.
pub(super) enum Transition {
    /// Go on to the named state with this input.
    Next(String, Value),
    /// The execution succeeds with this output.
    Succeed(Value),
    /// The execution fails.
    Fail(ErrorCause),
    /// The execution already ended elsewhere (stopped, timed out): stop
    /// walking and write nothing more.
    Halt,
}

/// A value with its JSON text, so history and size checks serialize once.
pub(super) struct Payload {
    pub value: Value,
    pub text: Arc<str>,
}

impl Payload {
    /// Serializes `value`, failing with `States.DataLimitExceeded` past 256 KiB.
    pub fn new(value: Value) -> Result<Self, StatesError> {
        let text = serde_json::to_string(&value)
            .map_err(|e| StatesError::runtime(format!("Could not serialize a value: {e}")))?;
        if text.len() > asl::MAX_PAYLOAD_BYTES {
            return Err(StatesError::data_limit_exceeded(format!(
                "The state/task returned a result with a size exceeding the maximum number of bytes service limit ({} bytes).",
                asl::MAX_PAYLOAD_BYTES
            )));
        }
        Ok(Self {
            value,
            text: Arc::from(text),
        })
    }
}

pub(super) struct Runner {
    pub core: Arc<Core>,
    pub execution: Arc<Execution>,
    pub context: Context,
    /// Execution deadline (`TimeoutSeconds`), epoch milliseconds.
    pub deadline: Option<i64>,
    /// Id of the current state's entered event (for error causes).
    pub entered_event_id: i64,
}

impl Runner {
    fn new(core: Arc<Core>, execution: Arc<Execution>) -> Self {
        let input: Value = serde_json::from_str(&execution.input).unwrap_or(Value::Null);
        let context = Context::new(&execution, &input);
        let deadline = execution.version.definition.timeout_seconds.map(|s| {
            execution
                .start_millis
                .saturating_add(s.saturating_mul(1000) as i64)
        });
        Self {
            core,
            execution,
            context,
            deadline,
            entered_event_id: 0,
        }
    }

    pub fn now(&self) -> i64 {
        self.core.now_millis()
    }

    /// Appends an event; `None` if the execution ended meanwhile.
    pub fn record(&self, kind: EventKind) -> Option<i64> {
        self.execution.record(self.now(), kind)
    }

    fn end(&self, outcome: Outcome) {
        if self.execution.finish(self.now(), outcome) {
            self.core.execution_ended(&self.execution);
        }
    }

    /// Times the execution out (its `TimeoutSeconds` passed).
    pub fn time_out(&self) {
        self.end(timed_out());
    }

    /// Sleeps until `until` unless the execution ends first. False if it
    /// ended (stopped elsewhere, or timed out here).
    pub async fn sleep_until(&self, until: i64) -> bool {
        let clock = &self.core.clock;
        let deadline = self.deadline.unwrap_or(i64::MAX);
        if until >= deadline {
            tokio::select! {
                _ = clock.sleep_until(deadline) => { self.time_out(); false }
                _ = self.execution.ended_elsewhere() => false,
            }
        } else {
            tokio::select! {
                _ = clock.sleep_until(until) => self.execution.is_running(),
                _ = self.execution.ended_elsewhere() => false,
            }
        }
    }

    /// Walks states until the execution ends; the outcome to book, or
    /// `None` if it was already booked.
    async fn walk(&mut self) -> Option<Outcome> {
        let definition = self.execution.version.definition.clone();
        let input = Payload {
            value: serde_json::from_str(&self.execution.input).unwrap_or(Value::Null),
            text: self.execution.input.clone(),
        };
        self.record(EventKind::ExecutionStarted {
            input: input.text.clone(),
            role_arn: self.execution.version.role_arn.clone(),
        })?;
        let mut current = definition.start_at.clone();
        let mut input = input;
        let mut transitions = 0u32;
        loop {
            transitions += 1;
            if transitions % TRANSITIONS_PER_YIELD == 0 {
                tokio::task::yield_now().await;
            }
            if let Some(outcome) = self.before_transition() {
                return Some(outcome);
            }
            let Some(state) = definition.state(&current) else {
                return Some(failed(StatesError::runtime(format!(
                    "The state machine has no state named '{current}'."
                ))));
            };
            Stats::bump(&self.core.stats.state_transitions);
            let now = self.now();
            self.context.enter_state(&state.name, now);
            let name: Arc<str> = Arc::from(state.name.as_str());
            let state_type = state.kind.type_name();
            self.entered_event_id = self.record(EventKind::StateEntered {
                state_type,
                name: name.clone(),
                input: input.text.clone(),
            })?;
            let transition = match &state.kind {
                StateKind::Task(_) => self.run_task(state, &input.value).await,
                StateKind::Wait(_) => self.run_wait(state, &input.value).await,
                _ => self.run_instant(state, &input.value),
            };
            let (next, output) = match transition {
                Transition::Halt => return None,
                Transition::Fail(error) => return Some(Outcome::Failed(error)),
                Transition::Next(next, output) => (Some(next), output),
                Transition::Succeed(output) => (None, output),
            };
            let output = match Payload::new(output) {
                Ok(output) => output,
                Err(e) => return Some(failed(e)),
            };
            self.record(EventKind::StateExited {
                state_type,
                name,
                output: output.text.clone(),
            })?;
            match next {
                Some(next) => {
                    current = next;
                    input = output;
                }
                None => return Some(Outcome::Succeeded(output.text)),
            }
        }
    }

    /// Checks run before each state: machine deleted, execution timed out,
    /// history full.
    fn before_transition(&self) -> Option<Outcome> {
        if self.deadline.is_some_and(|d| self.now() >= d) {
            return Some(timed_out());
        }
        let machine = &self.execution.state_machine_name;
        if self.execution.machine_deleting.load(Ordering::Relaxed) {
            return Some(failed(StatesError::runtime(format!(
                "State machine {machine} has been deleted."
            ))));
        }
        // The last entered event id bounds the history length closely
        // enough: a state writes at most a handful of events per attempt.
        if self.entered_event_id as usize + 8 > MAX_HISTORY_EVENTS {
            return Some(failed(StatesError::runtime(format!(
                "The execution reached the maximum number of history events ({MAX_HISTORY_EVENTS})."
            ))));
        }
        None
    }

    /// States that do not wait: Pass, Choice, Succeed, Fail.
    fn run_instant(&mut self, state: &State, raw: &Value) -> Transition {
        let ctx = self.context.value();
        let result = match &state.kind {
            StateKind::Pass { .. } => asl::pass_result(state, raw, ctx)
                .and_then(|result| asl::state_output(state, raw, result, ctx))
                .map(|output| follow(state, output)),
            StateKind::Choice(_) => asl::choose_next(state, raw, ctx).and_then(|next| {
                let effective = asl::effective_input(state, raw, ctx)?;
                let output = asl::state_output(state, raw, effective, ctx)?;
                Ok(Transition::Next(next, output))
            }),
            StateKind::Succeed => asl::effective_input(state, raw, ctx)
                .and_then(|effective| asl::state_output(state, raw, effective, ctx))
                .map(Transition::Succeed),
            StateKind::Fail(_) => asl::fail_error_cause(state, raw)
                .map(|(error, cause)| Transition::Fail(ErrorCause { error, cause })),
            other => Err(StatesError::runtime(format!(
                "{} states are not supported by stepworker-local yet.",
                other.type_name()
            ))),
        };
        result.unwrap_or_else(|e| Transition::Fail(self.runtime_cause(state, e)))
    }

    /// A Wait state: sleeps on the engine clock.
    async fn run_wait(&mut self, state: &State, raw: &Value) -> Transition {
        let ctx = self.context.value().clone();
        let planned = asl::effective_input(state, raw, &ctx).and_then(|effective| {
            let until = asl::wait_until_millis(state, raw, self.now())?;
            Ok((until, asl::state_output(state, raw, effective, &ctx)?))
        });
        let (until, output) = match planned {
            Ok(planned) => planned,
            Err(e) => return Transition::Fail(self.runtime_cause(state, e)),
        };
        if !self.sleep_until(until).await {
            return Transition::Halt;
        }
        follow(state, output)
    }

    /// Error and cause of a state's runtime fault, with the state named in
    /// the cause as AWS does.
    pub fn runtime_cause(&self, state: &State, e: StatesError) -> ErrorCause {
        ErrorCause {
            error: Some(e.error),
            cause: Some(format!(
                "An error occurred while executing the state '{}' (entered at the event id #{}). {}",
                state.name, self.entered_event_id, e.cause
            )),
        }
    }
}

/// The transition after a state that produced `output`.
pub(super) fn follow(state: &State, output: Value) -> Transition {
    match &state.next {
        Some(next) if !state.end => Transition::Next(next.clone(), output),
        _ => Transition::Succeed(output),
    }
}

fn failed(e: StatesError) -> Outcome {
    Outcome::Failed(ErrorCause {
        error: Some(e.error),
        cause: Some(e.cause),
    })
}

fn timed_out() -> Outcome {
    Outcome::TimedOut(ErrorCause {
        error: Some(errors::TIMEOUT.to_owned()),
        cause: Some("The execution ran longer than its TimeoutSeconds.".to_owned()),
    })
}
