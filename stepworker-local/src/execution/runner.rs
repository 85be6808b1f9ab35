//! The runner: one tokio task per execution, walking its states with the
//! ASL core and writing the history events AWS writes for each state type.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use serde_json::Value;
use stepworker::model::StateMachineType;
use tokio::sync::watch;

use super::context::Context;
use super::eval_budget;
use super::history::{AssignedVariables, ErrorCause, EvaluationFailure, EventKind};
use super::payload::Payload;
use super::record::{Execution, Outcome, ResumePoint};
use crate::asl::{self, errors, Definition, State, StateKind, StatesError};
use crate::core::Core;

/// Longest run of an EXPRESS execution, seconds.
const EXPRESS_MAX_SECONDS: u64 = 300;
/// Transitions between yields, so a long chain of Pass states does not
/// hold a runtime thread.
const TRANSITIONS_PER_YIELD: u32 = 64;

/// Starts running `execution` in the background.
pub fn spawn(core: Arc<Core>, execution: Arc<Execution>) {
    super::guard::spawn_guarded(core.clone(), execution.clone(), run(core, execution));
}

/// Runs `execution` to its end.
pub async fn run(core: Arc<Core>, execution: Arc<Execution>) {
    let mut runner = Runner::new(core, execution);
    if let Some(outcome) = runner.walk().await {
        runner.end(outcome);
    }
}

/// Where a state of a definition living for `'d` sends the execution.
pub(super) enum Transition<'d> {
    /// Go on to the named state with this input (the name borrowed from
    /// the definition, so a transition copies no text).
    Next(&'d str, Value),
    /// The execution succeeds with this output.
    Succeed(Value),
    /// The execution fails.
    Fail(ErrorCause),
    /// The execution already ended elsewhere (stopped, timed out): stop
    /// walking and write nothing more.
    Halt,
}

/// How walking a state machine, a Parallel branch or a Map iteration ended.
pub(super) enum WalkEnd {
    /// It reached a terminal state with this output.
    Succeeded(Payload),
    /// It failed with this error (uncaught), to fail the execution or the
    /// enclosing Parallel/Map state.
    Failed(ErrorCause),
    /// The execution ended elsewhere, or the walk was cancelled because a
    /// sibling branch failed: nothing more to write.
    Halted,
}

/// State transitions counted by one walk, added to the engine's counter in
/// batches: a counter every runner bumped on every state would move its
/// cache line between cores each time.
struct TransitionTally {
    core: Arc<Core>,
    pending: u64,
}

impl TransitionTally {
    fn new(core: Arc<Core>) -> Self {
        Self { core, pending: 0 }
    }

    fn count(&mut self) {
        self.pending += 1;
    }

    /// Publishes the transitions counted so far.
    fn flush(&mut self) {
        if self.pending > 0 {
            self.core
                .stats
                .state_transitions
                .fetch_add(self.pending, Ordering::Relaxed);
            self.pending = 0;
        }
    }
}

impl Drop for TransitionTally {
    fn drop(&mut self) {
        self.flush();
    }
}

pub(super) struct Runner {
    pub core: Arc<Core>,
    pub execution: Arc<Execution>,
    pub context: Context,
    /// Execution deadline (`TimeoutSeconds`), epoch milliseconds.
    pub deadline: Option<i64>,
    /// The run this runner walks (0, then one more per redrive): it writes
    /// and ends nothing once that run is over.
    pub run: u32,
    /// Id of the current state's entered event (for error causes).
    pub entered_event_id: i64,
    /// Set to true to stop a branch or iteration (a sibling failed).
    cancel: Option<watch::Receiver<bool>>,
    /// Last event this walk wrote, for `previousEventId` inside branches
    /// and iterations; `None` at the top level, where events follow each
    /// other.
    /// Shared with the task table's logs of this walk's tokens, which
    /// write report events into the same chain.
    last_event: Option<Arc<AtomicI64>>,
    /// The workflow variables this walk sees.
    pub variables: asl::Variables,
    /// What the current state assigned, for its `StateExited` event.
    exit_assigned: Option<std::collections::BTreeMap<String, String>>,
}

impl Runner {
    pub(super) fn new(core: Arc<Core>, execution: Arc<Execution>) -> Self {
        let input: Value = serde_json::from_str(&execution.input).unwrap_or(Value::Null);
        let context = Context::new(execution.clone(), input);
        let mut timeout_seconds = execution.version.definition.timeout_seconds;
        if execution.version.machine_type == StateMachineType::Express {
            // Express executions run at most five minutes.
            timeout_seconds =
                Some(timeout_seconds.map_or(EXPRESS_MAX_SECONDS, |s| s.min(EXPRESS_MAX_SECONDS)));
        }
        let deadline = timeout_seconds.map(|s| {
            execution
                .start_millis
                .saturating_add(s.saturating_mul(1000) as i64)
        });
        let run = execution.run();
        Self {
            core,
            execution,
            context,
            deadline,
            run,
            entered_event_id: 0,
            cancel: None,
            last_event: None,
            variables: asl::Variables::new(),
            exit_assigned: None,
        }
    }

    /// A runner for a Parallel branch or Map iteration of this execution:
    /// same context, its events following `after`, stopped by `cancel`.
    pub fn child(&self, cancel: watch::Receiver<bool>, after: i64) -> Self {
        Self {
            core: self.core.clone(),
            execution: self.execution.clone(),
            context: self.context.clone(),
            deadline: self.deadline,
            run: self.run,
            entered_event_id: self.entered_event_id,
            cancel: Some(cancel),
            last_event: Some(Arc::new(AtomicI64::new(after))),
            // A branch or iteration reads the outer variables; what it
            // assigns stays in its own scope.
            variables: self.variables.child(),
            exit_assigned: None,
        }
    }

    /// The context object and variables, as paths and expressions read them.
    pub fn scope(&self) -> asl::Scope<'_> {
        asl::Scope {
            context: &self.context,
            variables: &self.variables,
        }
    }

    /// The input a Task or Parallel state hands on (`Parameters` or
    /// `Arguments`).
    pub fn state_input(&self, state: &State, raw: &Value) -> Result<Value, StatesError> {
        eval_budget::evaluate_step(state, raw, || asl::state_input(state, raw, self.scope()))
    }

    /// A Task's timeouts, which may read variables and JSONata expressions.
    pub fn task_timeouts(
        &self,
        state: &State,
        raw: &Value,
    ) -> Result<asl::TaskTimeouts, StatesError> {
        eval_budget::evaluate_step(state, raw, || asl::task_timeouts(state, raw, self.scope()))
    }

    /// Stores what a state assigns and returns its output.
    pub fn apply_finished(&mut self, finished: asl::Finished) -> Result<Value, StatesError> {
        if let Some(assignment) = finished.assignment {
            let history = assignment.history();
            self.variables.apply(assignment)?;
            self.exit_assigned = Some(history);
        }
        Ok(finished.output)
    }

    /// The id of the last event this walk wrote (its chain of events).
    pub fn last_event_id(&self) -> Option<i64> {
        self.last_event.as_ref().map(|l| l.load(Ordering::Relaxed))
    }

    /// This walk's chain of events, for the logs of its tokens.
    pub(super) fn last_event_handle(&self) -> Option<Arc<AtomicI64>> {
        self.last_event.clone()
    }

    /// Appends an event that follows event `previous` of this walk (Map
    /// iteration events follow their own iteration's last event).
    pub fn record_after(&self, kind: EventKind, previous: i64) -> Option<i64> {
        let id = self
            .execution
            .record_in_run(self.run, self.now(), kind, Some(previous))?;
        if let Some(last) = &self.last_event {
            last.store(id, Ordering::Relaxed);
        }
        Some(id)
    }

    /// Continues this walk's chain of events after `event` (the last event
    /// its branches or iterations wrote).
    pub fn continue_after(&self, event: i64) {
        if let Some(last) = &self.last_event {
            last.store(event, Ordering::Relaxed);
        }
    }

    /// True once a sibling's failure cancelled this branch or iteration.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(|c| *c.borrow())
    }

    /// Completes when this walk must stop: the execution ended, or the
    /// branch or iteration was cancelled.
    pub async fn halted(&self) {
        let Some(cancel) = &self.cancel else {
            return self.execution.run_ended(self.run).await;
        };
        let mut cancel = cancel.clone();
        tokio::select! {
            _ = self.execution.run_ended(self.run) => {}
            // An error means the parent dropped the sender: stop as well.
            _ = cancel.wait_for(|cancelled| *cancelled) => {}
        }
    }

    /// True while the run this runner walks goes on.
    pub fn run_goes_on(&self) -> bool {
        self.execution.run_goes_on(self.run)
    }

    pub fn now(&self) -> i64 {
        self.core.now_millis()
    }

    /// Appends an event; `None` if the execution ended meanwhile.
    pub fn record(&self, kind: EventKind) -> Option<i64> {
        self.record_at(self.now(), kind)
    }

    /// Appends `kinds` in one step under the execution's lock (nothing
    /// else lands between them); the last one's id, or `None` if the
    /// execution ended meanwhile.
    pub fn record_all(&self, kinds: Vec<EventKind>) -> Option<i64> {
        let now = self.now();
        let mut previous = self.last_event_id();
        let written = self.execution.with_state(|s| {
            if s.status != stepworker::model::ExecutionStatus::Running
                || s.redrive.count != self.run
            {
                return None;
            }
            let mut last = None;
            for kind in kinds {
                // The history quota may end the execution here.
                let Ok(id) = s.append_event(now, kind, previous) else {
                    return Some(Err(()));
                };
                // Top-level events follow each other without a link.
                previous = previous.map(|_| id);
                last = Some(id);
            }
            Some(Ok(last))
        })?;
        let last = match written {
            Ok(last) => last?,
            Err(()) => {
                self.execution.wake_runners();
                return None;
            }
        };
        if let Some(handle) = &self.last_event {
            handle.store(last, Ordering::Relaxed);
        }
        Some(last)
    }

    /// [`Runner::record`] for an event that happened at `at_millis`.
    fn record_at(&self, at_millis: i64, kind: EventKind) -> Option<i64> {
        let previous = self.last_event_id();
        let id = self
            .execution
            .record_in_run(self.run, at_millis, kind, previous)?;
        if let Some(last) = &self.last_event {
            last.store(id, Ordering::Relaxed);
        }
        Some(id)
    }

    pub(super) fn end(&self, outcome: Outcome) {
        self.core
            .end_execution(&self.execution, Some(self.run), self.now(), outcome);
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
                _ = self.halted() => false,
            }
        } else {
            tokio::select! {
                _ = clock.sleep_until(until) => self.run_goes_on() && !self.is_cancelled(),
                _ = self.halted() => false,
            }
        }
    }

    /// Walks the state machine until the execution ends; the outcome to
    /// book, or `None` if it was already booked.
    async fn walk(&mut self) -> Option<Outcome> {
        let definition = self.execution.version.definition.clone();
        let input = Payload {
            // Parsed once already, for the context object.
            value: self.context.execution_input().clone(),
            text: self.execution.input.clone(),
        };
        // `ExecutionStarted` was written with the execution.
        match self.walk_states(&definition, input).await {
            WalkEnd::Succeeded(output) => Some(Outcome::Succeeded(output.text)),
            WalkEnd::Failed(error) => Some(Outcome::Failed(error)),
            WalkEnd::Halted => None,
        }
    }

    /// [`Runner::walk_states`] boxed, for Parallel branches and Map
    /// iterations (a state machine nests in its own states).
    pub fn walk_boxed<'a>(
        &'a mut self,
        definition: &'a Definition,
        input: Payload,
    ) -> Pin<Box<dyn Future<Output = WalkEnd> + Send + 'a>> {
        Box::pin(self.walk_states(definition, input))
    }

    /// Walks the states of `definition` from its `StartAt` until a terminal
    /// state, an uncaught error, or a halt.
    async fn walk_states(&mut self, definition: &Definition, input: Payload) -> WalkEnd {
        self.walk_from(definition, &definition.start_at, input)
            .await
    }

    /// Walks the states of `definition` from the state `start` (a redrive
    /// starts where the execution ended).
    pub(super) async fn walk_from(
        &mut self,
        definition: &Definition,
        start: &str,
        input: Payload,
    ) -> WalkEnd {
        let mut current = start;
        let mut input = input;
        let mut transitions = 0u32;
        let mut tally = TransitionTally::new(self.core.clone());
        loop {
            transitions += 1;
            if transitions % TRANSITIONS_PER_YIELD == 0 {
                tally.flush();
                tokio::task::yield_now().await;
            }
            if self.is_cancelled() {
                return WalkEnd::Halted;
            }
            if let Some(outcome) = self.before_transition() {
                self.end(outcome);
                return WalkEnd::Halted;
            }
            let Some(state) = definition.state(current) else {
                return WalkEnd::Failed(error_cause(StatesError::runtime(format!(
                    "The state machine has no state named '{current}'."
                ))));
            };
            tally.count();
            self.exit_assigned = None;
            let now = self.now();
            self.context.enter_state(&state.name, now);
            let name = state.name.clone();
            let state_type = state.kind.type_name();
            let entered_event = EventKind::StateEntered {
                state_type,
                name: name.clone(),
                input: input.text.clone(),
            };
            let entered = if self.last_event.is_none() {
                // Top level: also where a redrive would start again,
                // noted under the same lock as the event.
                let resume = ResumePoint {
                    state: name.clone(),
                    input: input.text.clone(),
                };
                self.execution
                    .record_top_level_entry(self.run, now, entered_event, resume)
            } else {
                self.record_at(now, entered_event)
            };
            let Some(entered) = entered else {
                return WalkEnd::Halted;
            };
            self.entered_event_id = entered;
            let transition = match &state.kind {
                StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_) => {
                    // Counts are visible while the state waits.
                    tally.flush();
                    self.run_retrying(state, &input.value).await
                }
                StateKind::Wait(_) => {
                    tally.flush();
                    self.run_wait(state, &input.value).await
                }
                // The input's text stays for history; its value is used up.
                _ => eval_budget::evaluate_step_sized(state, input.text.len(), || {
                    self.run_instant(state, std::mem::take(&mut input.value))
                }),
            };
            let (next, output) = match transition {
                Transition::Halt => return WalkEnd::Halted,
                Transition::Fail(error) => return WalkEnd::Failed(error),
                Transition::Next(next, output) => (Some(next), output),
                Transition::Succeed(output) => (None, output),
            };
            let output = match Payload::output_of(output, &input.text) {
                Ok(output) => output,
                Err(e) => return WalkEnd::Failed(error_cause(name_oversized_output(&name, e))),
            };
            let assigned_variables = self
                .exit_assigned
                .take()
                .map(|assigned| Box::new(AssignedVariables(assigned)));
            if self
                .record(EventKind::StateExited {
                    state_type,
                    name,
                    output: output.text.clone(),
                    assigned_variables,
                })
                .is_none()
            {
                return WalkEnd::Halted;
            }
            match next {
                Some(next) => {
                    current = next;
                    input = output;
                }
                None => return WalkEnd::Succeeded(output),
            }
        }
    }

    /// Checks run before each state: machine deleted, execution timed out.
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
        // The history quota is enforced where events are written
        // (`history_limit`), so retries and branches count too.
        None
    }

    /// Error and cause of a state's runtime fault, with the state named in
    /// the cause as AWS does.
    pub fn runtime_cause(&self, state: &State, e: StatesError) -> ErrorCause {
        let failure = ErrorCause {
            error: Some(e.error),
            cause: Some(self.in_state_cause(state, &e.cause)),
        };
        if e.location.is_some() {
            self.record_evaluation_failed(state, e.location, failure.clone());
        }
        failure
    }

    /// `cause` after the sentence AWS opens every fault of a state's own
    /// processing with (paths, expressions, limits; not the failure a task
    /// or a branch reports).
    fn in_state_cause(&self, state: &State, cause: &str) -> String {
        format!(
            "An error occurred while executing the state '{}' (entered at the event id #{}). {cause}",
            state.name, self.entered_event_id
        )
    }

    /// `e`, a fault of a Task, Parallel or Map state's own processing
    /// (its input, output or limits), with the cause AWS gives it; Retry
    /// and Catch see it like any other error.
    pub fn state_fault(&self, state: &State, mut e: StatesError) -> StatesError {
        e.cause = self.in_state_cause(state, &e.cause);
        e
    }

    /// Writes the `EvaluationFailed` event of `error` when an expression
    /// of a JSONata state failed; other errors write nothing here.
    pub fn note_evaluation_failure(&self, state: &State, error: &StatesError) {
        if error.location.is_some() {
            self.record_evaluation_failure(state, error.location.clone(), error);
        }
    }

    /// Writes the `EvaluationFailed` event of `error` at `location` (AWS
    /// leaves the location out for a Map input that is not an array).
    pub fn record_evaluation_failure(
        &self,
        state: &State,
        location: Option<String>,
        error: &StatesError,
    ) {
        let failure = ErrorCause::new(error.error.clone(), error.cause.clone());
        self.record_evaluation_failed(state, location, failure);
    }

    /// Reading followed (API reference, `EvaluationFailedEventDetails`):
    /// the event is only written for states whose query language is
    /// JSONata, so a JSONPath path or variable that cannot be read fails
    /// the state without it. It comes before Retry and Catch act, like the
    /// failure event of a task, so a caught evaluation error still shows.
    fn record_evaluation_failed(
        &self,
        state: &State,
        location: Option<String>,
        failure: ErrorCause,
    ) {
        if state.is_jsonata() {
            self.record(EventKind::EvaluationFailed(Box::new(EvaluationFailure {
                state: state.name.clone(),
                location,
                failure,
            })));
        }
    }
}

/// The transition after a state that produced `output`.
pub(super) fn follow(state: &State, output: Value) -> Transition<'_> {
    match &state.next {
        Some(next) if !state.end => Transition::Next(next, output),
        _ => Transition::Succeed(output),
    }
}

/// AWS names the state whose output is over the payload limit (recorded:
/// LocalStack's `test_states_errors.snapshot.json`, `test_start_large_input`).
fn name_oversized_output(state: &str, mut e: StatesError) -> StatesError {
    if e.error == errors::DATA_LIMIT_EXCEEDED {
        e.cause = format!(
            "The state/task '{state}' returned a result with a size exceeding the maximum number of bytes service limit."
        );
    }
    e
}

fn failed(e: StatesError) -> Outcome {
    Outcome::Failed(error_cause(e))
}

/// The error and cause a failure reports.
pub(super) fn error_cause(e: StatesError) -> ErrorCause {
    ErrorCause {
        error: Some(e.error),
        cause: Some(e.cause),
    }
}

fn timed_out() -> Outcome {
    Outcome::TimedOut(ErrorCause {
        error: Some(errors::TIMEOUT.to_owned()),
        cause: Some("The execution ran longer than its TimeoutSeconds.".to_owned()),
    })
}
