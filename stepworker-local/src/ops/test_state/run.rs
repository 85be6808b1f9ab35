//! Runs one state once, step by step, keeping what each step of input and
//! output processing produced (TestState's `inspectionData`).
//!
//! The state's work never happens here: a Task, Parallel or Map state
//! takes its result (or error) from the request's mock, and a Wait state
//! checks its deadline without waiting. Both query languages run through
//! the same entry points as an execution's states, so `$name` variables,
//! `Assign` and JSONata fields behave as they do in a state machine.

use std::borrow::Cow;

use serde_json::Value;
use stepworker::model::{InspectionErrorDetails, TestExecutionStatus};

use super::mock::MockOutcome;
use crate::asl::jsonpath;
use crate::asl::path::{DataScope, Path, ReferencePath};
use crate::asl::{self, Assign, Assignment, Finished, Scope, State, StateKind, StatesError};

/// One trial of a state.
pub struct Trial<'a> {
    /// The state.
    pub state: &'a State,
    /// Its raw input.
    pub input: &'a Value,
    /// The context object `$$`.
    pub context: &'a Value,
    /// The variables visible to the state (the request's `variables`).
    pub variables: &'a asl::Variables,
    /// Stand-in for the work of a Task, Parallel or Map state.
    pub mock: Option<&'a MockOutcome>,
    /// Retries the matching retrier already made (`retrierRetryCount`).
    pub retry_count: u32,
    /// Now, epoch milliseconds (Wait deadlines are checked against it).
    pub now_millis: i64,
}

impl Trial<'_> {
    fn scope(&self) -> Scope<'_> {
        Scope {
            context: self.context,
            variables: self.variables,
        }
    }
}

/// What each processing step produced; `None` for steps not reached or
/// that the state type or query language does not have.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Inspection {
    /// After `InputPath` (JSONPath).
    pub after_input_path: Option<Value>,
    /// After `Parameters` (JSONPath).
    pub after_parameters: Option<Value>,
    /// After `Arguments` (JSONata).
    pub after_arguments: Option<Value>,
    /// The state's result.
    pub result: Option<Value>,
    /// After `ResultSelector` (JSONPath).
    pub after_result_selector: Option<Value>,
    /// After `ResultPath` (JSONPath).
    pub after_result_path: Option<Value>,
    /// Which retrier or catcher handled the error.
    pub error_details: Option<InspectionErrorDetails>,
    /// Every variable visible after the state's `Assign`; `None` when
    /// there are none.
    pub variables: Option<Value>,
}

/// How the trial ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// SUCCEEDED, FAILED, RETRIABLE or CAUGHT_ERROR.
    pub status: TestExecutionStatus,
    /// The state the execution would go to next.
    pub next_state: Option<String>,
    /// The state's output (or a catcher's).
    pub output: Option<Value>,
    /// Error name, when it failed, would retry, or was caught.
    pub error: Option<String>,
    /// Error cause.
    pub cause: Option<String>,
    /// The processing steps.
    pub inspection: Inspection,
}

/// Runs `trial` to its report.
pub fn run(trial: &Trial) -> Report {
    let mut inspection = Inspection::default();
    let mut variables = trial.variables.clone();
    let ending = steps(trial, &mut inspection);
    let mut report = match ending {
        Ending::Go(finished) => settle(trial.state, None, finished, &mut variables),
        Ending::Choose(next, finished) => settle(trial.state, Some(next), finished, &mut variables),
        Ending::Fail { error, cause } => failure(error, cause),
        Ending::Fault(e) => failure(Some(e.error), Some(e.cause)),
        Ending::WorkFailed { error, retriable } => {
            handle_error(trial, error, retriable, &mut inspection, &mut variables)
        }
    };
    if let Some(output) = &report.output {
        if let Err(e) = asl::check_payload_size(output) {
            report = failure(Some(e.error), Some(e.cause));
        }
    }
    inspection.variables = (!variables.is_empty()).then(|| Value::Object(variables.visible()));
    report.inspection = inspection;
    report
}

/// Where the processing steps led.
enum Ending {
    /// Output (and assignment), then `Next` or the end.
    Go(Finished),
    /// A Choice state's pick, its output and assignment.
    Choose(String, Finished),
    /// A Fail state.
    Fail {
        error: Option<String>,
        cause: Option<String>,
    },
    /// A fault no Retry or Catch can handle (the state has none).
    Fault(StatesError),
    /// The work or the result processing of a Task, Parallel or Map failed;
    /// only a failure of the work itself may be retried.
    WorkFailed { error: StatesError, retriable: bool },
}

fn steps(trial: &Trial, inspection: &mut Inspection) -> Ending {
    let (state, raw, scope) = (trial.state, trial.input, trial.scope());
    if !state.is_jsonata() {
        // AWS: the JSONPath steps are not reported for JSONata states.
        match after_input_path(state, raw, &scope) {
            Ok(value) => inspection.after_input_path = Some(value),
            Err(e) => return fault_or_work_failure(state, e),
        }
    }
    let processed = match &state.kind {
        StateKind::Fail(_) => {
            return match asl::fail_error_cause(state, raw, scope) {
                Ok((error, cause)) => Ending::Fail { error, cause },
                Err(e) => Ending::Fault(e),
            }
        }
        StateKind::Choice(_) => asl::choose(state, raw, scope).and_then(|(next, rule)| {
            // A matched rule's Output/Assign apply; the state's own apply
            // when the Default is taken.
            let (output, assign) = match rule {
                Some(rule) => (rule.output.as_ref(), rule.assign.as_ref()),
                None => (state.output.as_ref(), state.assign.as_ref()),
            };
            let finished =
                asl::finish_state(state, Cow::Borrowed(raw), None, output, assign, scope)?;
            Ok(Ending::Choose(next.to_owned(), finished))
        }),
        StateKind::Wait(_) => asl::wait_until(state, raw, trial.now_millis, scope)
            .and_then(|_| finish(state, raw, None, scope))
            .map(Ending::Go),
        StateKind::Succeed => asl::finish_state(
            state,
            Cow::Borrowed(raw),
            None,
            state.output.as_ref(),
            None,
            scope,
        )
        .map(Ending::Go),
        StateKind::Pass { .. } => pass(trial, inspection),
        StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_) => {
            return work(trial, inspection)
        }
    };
    processed.unwrap_or_else(Ending::Fault)
}

/// Output and `Assign` with the state's own fields.
fn finish(
    state: &State,
    raw: &Value,
    result: Option<Value>,
    scope: Scope<'_>,
) -> Result<Finished, StatesError> {
    asl::finish_state(
        state,
        Cow::Borrowed(raw),
        result,
        state.output.as_ref(),
        state.assign.as_ref(),
        scope,
    )
}

fn pass(trial: &Trial, inspection: &mut Inspection) -> Result<Ending, StatesError> {
    let (state, raw, scope) = (trial.state, trial.input, trial.scope());
    if state.is_jsonata() {
        // A JSONata Pass state has no result: `Output` (or its input) is
        // its output.
        return finish(state, raw, None, scope).map(Ending::Go);
    }
    inspection.after_parameters = Some(jsonpath::io::effective_input(state, raw, &scope)?);
    let result = jsonpath::pass::pass_result(state, raw, &scope)?;
    inspection.result = Some(result.clone());
    let assignment = assign_jsonpath(state.assign.as_ref(), &result, &scope)?;
    let placed = place_result(state, raw, result, &scope)?;
    inspection.after_result_path = Some(placed.clone());
    let output = narrow_output(state, raw, placed, &scope)?;
    Ok(Ending::Go(Finished { output, assignment }))
}

/// A Task, Parallel or Map state with its mocked work.
fn work(trial: &Trial, inspection: &mut Inspection) -> Ending {
    let (state, raw, scope) = (trial.state, trial.input, trial.scope());
    // A Map state applies its ItemSelector per item, not Parameters or
    // Arguments.
    if !matches!(state.kind, StateKind::Map(_)) {
        match asl::state_input(state, raw, scope) {
            Ok(value) if state.is_jsonata() => inspection.after_arguments = Some(value),
            Ok(value) => inspection.after_parameters = Some(value),
            Err(error) => {
                return Ending::WorkFailed {
                    error,
                    retriable: false,
                }
            }
        }
    }
    let result = match trial.mock {
        Some(MockOutcome::Result(result)) => result.clone(),
        Some(MockOutcome::Error(error)) => {
            return Ending::WorkFailed {
                error: error.clone(),
                retriable: true,
            }
        }
        // The handler refuses such requests before running them.
        None => {
            return Ending::Fault(StatesError::runtime(format!(
                "The state '{}' needs a mock to be tested",
                state.name
            )))
        }
    };
    inspection.result = Some(result.clone());
    let processed = if state.is_jsonata() {
        finish(state, raw, Some(result), scope).map(Ending::Go)
    } else {
        process_result(trial, result, inspection)
    };
    processed.unwrap_or_else(|error| Ending::WorkFailed {
        error,
        retriable: false,
    })
}

fn process_result(
    trial: &Trial,
    result: Value,
    inspection: &mut Inspection,
) -> Result<Ending, StatesError> {
    let (state, raw, scope) = (trial.state, trial.input, trial.scope());
    let selected = match &state.result_selector {
        Some(template) => template.render(&result, &scope)?,
        None => result,
    };
    inspection.after_result_selector = Some(selected.clone());
    let assignment = assign_jsonpath(state.assign.as_ref(), &selected, &scope)?;
    let placed = place_result(state, raw, selected, &scope)?;
    inspection.after_result_path = Some(placed.clone());
    let output = narrow_output(state, raw, placed, &scope)?;
    Ok(Ending::Go(Finished { output, assignment }))
}

/// A JSONPath `Assign` reading `data` (the result after `ResultSelector`).
fn assign_jsonpath(
    assign: Option<&Assign>,
    data: &Value,
    scope: &dyn DataScope,
) -> Result<Option<Assignment>, StatesError> {
    assign.map(|a| a.evaluate_jsonpath(data, scope)).transpose()
}

/// The report of a state that finished: its assignment stored, then its
/// output and next state.
fn settle(
    state: &State,
    next: Option<String>,
    finished: Finished,
    variables: &mut asl::Variables,
) -> Report {
    if let Err(e) = store(finished.assignment, variables) {
        return failure(Some(e.error), Some(e.cause));
    }
    let report = success(state, finished.output);
    match next {
        Some(next) => Report {
            next_state: Some(next),
            ..report
        },
        None => report,
    }
}

fn store(
    assignment: Option<Assignment>,
    variables: &mut asl::Variables,
) -> Result<(), StatesError> {
    match assignment {
        Some(assignment) => variables.apply(assignment),
        None => Ok(()),
    }
}

/// Retry, then Catch, then failure, as the runner decides them, but
/// reported instead of acted on.
fn handle_error(
    trial: &Trial,
    error: StatesError,
    retriable: bool,
    inspection: &mut Inspection,
    variables: &mut asl::Variables,
) -> Report {
    let state = trial.state;
    if retriable {
        if let Some((index, backoff_seconds)) = retry(state, &error.error, trial.retry_count) {
            inspection.error_details = Some(InspectionErrorDetails {
                retry_index: Some(index),
                retry_backoff_interval_seconds: Some(backoff_seconds),
                ..Default::default()
            });
            return Report {
                status: TestExecutionStatus::Retriable,
                ..failure(Some(error.error), Some(error.cause))
            };
        }
    }
    let reported = asl::errors::reported_name(&error.error).to_owned();
    let Some(catcher) = asl::select_catcher(state, &error.error) else {
        return failure(Some(reported), Some(error.cause));
    };
    let catch_index = state.catch.iter().position(|c| std::ptr::eq(c, catcher));
    let caught = asl::catch_state(
        state,
        catcher,
        trial.input,
        &error.error,
        &error.cause,
        trial.scope(),
    )
    .and_then(|finished| {
        store(finished.assignment, variables)?;
        Ok(finished.output)
    });
    match caught {
        Ok(output) => {
            inspection.error_details = Some(InspectionErrorDetails {
                catch_index: catch_index.and_then(|i| i32::try_from(i).ok()),
                ..Default::default()
            });
            Report {
                status: TestExecutionStatus::CaughtError,
                next_state: Some(catcher.next.clone()),
                output: Some(output),
                ..failure(Some(error.error), Some(error.cause))
            }
        }
        Err(e) => failure(Some(e.error), Some(e.cause)),
    }
}

/// The retrier that would retry `error` after `retry_count` retries, and
/// its backoff in whole seconds (before jitter); `None` if none matches or
/// it is exhausted.
fn retry(state: &State, error: &str, retry_count: u32) -> Option<(i32, i32)> {
    let attempts = vec![retry_count; state.retry.len()];
    let decision = asl::select_retrier(state, error, &attempts)?;
    let index = i32::try_from(decision.retrier_index).ok()?;
    let seconds = decision.delay_millis_before_jitter / 1000;
    Some((index, i32::try_from(seconds).unwrap_or(i32::MAX)))
}

/// Errors before the work: a Task, Parallel or Map state can catch them,
/// other states fail.
fn fault_or_work_failure(state: &State, error: StatesError) -> Ending {
    match state.kind {
        StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_) => Ending::WorkFailed {
            error,
            retriable: false,
        },
        _ => Ending::Fault(error),
    }
}

/// `InputPath` alone: the state's effective input without `Parameters`.
fn after_input_path(
    state: &State,
    raw: &Value,
    scope: &dyn DataScope,
) -> Result<Value, StatesError> {
    let stage = State {
        parameters: None,
        ..state.clone()
    };
    jsonpath::io::effective_input(&stage, raw, scope)
}

/// `ResultPath` alone, on a result that already went through `ResultSelector`.
fn place_result(
    state: &State,
    raw: &Value,
    selected: Value,
    scope: &dyn DataScope,
) -> Result<Value, StatesError> {
    let stage = State {
        result_selector: None,
        output_path: Some(Path::root()),
        ..state.clone()
    };
    jsonpath::io::state_output(&stage, raw, selected, scope)
}

/// `OutputPath` alone, on the value `ResultPath` produced.
fn narrow_output(
    state: &State,
    raw: &Value,
    placed: Value,
    scope: &dyn DataScope,
) -> Result<Value, StatesError> {
    let stage = State {
        result_selector: None,
        result_path: Some(ReferencePath::root()),
        ..state.clone()
    };
    jsonpath::io::state_output(&stage, raw, placed, scope)
}

fn success(state: &State, output: Value) -> Report {
    let next_state = (!state.is_terminal()).then(|| state.next.clone()).flatten();
    Report {
        status: TestExecutionStatus::Succeeded,
        next_state,
        output: Some(output),
        error: None,
        cause: None,
        inspection: Inspection::default(),
    }
}

fn failure(error: Option<String>, cause: Option<String>) -> Report {
    Report {
        status: TestExecutionStatus::Failed,
        next_state: None,
        output: None,
        error,
        cause,
        inspection: Inspection::default(),
    }
}
