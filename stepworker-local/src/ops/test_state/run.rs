//! Runs one state once, step by step, keeping what each step of input and
//! output processing produced (TestState's `inspectionData`).
//!
//! The state's work never happens here: a Task, Parallel or Map state
//! takes its result (or error) from the request's mock, and a Wait state
//! checks its deadline without waiting.

use serde_json::Value;
use stepworker::model::{InspectionErrorDetails, TestExecutionStatus};

use super::mock::MockOutcome;
use crate::asl::path::{Path, ReferencePath};
use crate::asl::{self, State, StateKind, StatesError};

/// One trial of a state.
pub struct Trial<'a> {
    /// The state.
    pub state: &'a State,
    /// Its raw input.
    pub input: &'a Value,
    /// The context object `$$`.
    pub context: &'a Value,
    /// Stand-in for the work of a Task, Parallel or Map state.
    pub mock: Option<&'a MockOutcome>,
    /// Retries the matching retrier already made (`retrierRetryCount`).
    pub retry_count: u32,
    /// Now, epoch milliseconds (Wait deadlines are checked against it).
    pub now_millis: i64,
}

/// What each processing step produced; `None` for steps not reached or
/// that the state type does not have.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Inspection {
    /// After `InputPath`.
    pub after_input_path: Option<Value>,
    /// After `Parameters`.
    pub after_parameters: Option<Value>,
    /// The state's result.
    pub result: Option<Value>,
    /// After `ResultSelector`.
    pub after_result_selector: Option<Value>,
    /// After `ResultPath`.
    pub after_result_path: Option<Value>,
    /// Which retrier or catcher handled the error.
    pub error_details: Option<InspectionErrorDetails>,
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
    let ending = steps(trial, &mut inspection);
    let mut report = match ending {
        Ending::Go(output) => success(trial.state, output),
        Ending::Choose(next, output) => Report {
            next_state: Some(next),
            ..success(trial.state, output)
        },
        Ending::Fail { error, cause } => failure(error, cause),
        Ending::Fault(e) => failure(Some(e.error), Some(e.cause)),
        Ending::WorkFailed { error, retriable } => {
            handle_error(trial, error, retriable, &mut inspection)
        }
    };
    if let Some(output) = &report.output {
        if let Err(e) = asl::check_payload_size(output) {
            report = failure(Some(e.error), Some(e.cause));
        }
    }
    report.inspection = inspection;
    report
}

/// Where the processing steps led.
enum Ending {
    /// Output, then `Next` or the end.
    Go(Value),
    /// A Choice state's pick and its output.
    Choose(String, Value),
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
    let (state, raw, ctx) = (trial.state, trial.input, trial.context);
    let after_input_path = match after_input_path(state, raw, ctx) {
        Ok(value) => value,
        Err(e) => return fault_or_work_failure(state, e),
    };
    inspection.after_input_path = Some(after_input_path.clone());
    let processed = match &state.kind {
        StateKind::Fail(_) => {
            return match asl::fail_error_cause(state, raw) {
                Ok((error, cause)) => Ending::Fail { error, cause },
                Err(e) => Ending::Fault(e),
            }
        }
        StateKind::Choice(_) => asl::choose_next(state, raw, ctx).and_then(|next| {
            let output = asl::state_output(state, raw, after_input_path, ctx)?;
            Ok(Ending::Choose(next.to_owned(), output))
        }),
        StateKind::Wait(_) => asl::wait_until_millis(state, raw, trial.now_millis)
            .and_then(|_| asl::state_output(state, raw, after_input_path, ctx))
            .map(Ending::Go),
        StateKind::Succeed => asl::state_output(state, raw, after_input_path, ctx).map(Ending::Go),
        StateKind::Pass { .. } => pass(trial, inspection),
        StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_) => {
            return work(trial, inspection)
        }
    };
    processed.unwrap_or_else(Ending::Fault)
}

fn pass(trial: &Trial, inspection: &mut Inspection) -> Result<Ending, StatesError> {
    let (state, raw, ctx) = (trial.state, trial.input, trial.context);
    inspection.after_parameters = Some(asl::effective_input(state, raw, ctx)?);
    let result = asl::pass_result(state, raw, ctx)?;
    inspection.result = Some(result.clone());
    let placed = place_result(state, raw, result, ctx)?;
    inspection.after_result_path = Some(placed.clone());
    narrow_output(state, raw, placed, ctx).map(Ending::Go)
}

/// A Task, Parallel or Map state with its mocked work.
fn work(trial: &Trial, inspection: &mut Inspection) -> Ending {
    let (state, raw, ctx) = (trial.state, trial.input, trial.context);
    // A Map state applies its ItemSelector per item, not Parameters.
    if !matches!(state.kind, StateKind::Map(_)) {
        match asl::effective_input(state, raw, ctx) {
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
    process_result(trial, result, inspection).unwrap_or_else(|error| Ending::WorkFailed {
        error,
        retriable: false,
    })
}

fn process_result(
    trial: &Trial,
    result: Value,
    inspection: &mut Inspection,
) -> Result<Ending, StatesError> {
    let (state, raw, ctx) = (trial.state, trial.input, trial.context);
    let selected = match &state.result_selector {
        Some(template) => template.render(&result, ctx)?,
        None => result,
    };
    inspection.after_result_selector = Some(selected.clone());
    let placed = place_result(state, raw, selected, ctx)?;
    inspection.after_result_path = Some(placed.clone());
    narrow_output(state, raw, placed, ctx).map(Ending::Go)
}

/// Retry, then Catch, then failure, as the runner decides them, but
/// reported instead of acted on.
fn handle_error(
    trial: &Trial,
    error: StatesError,
    retriable: bool,
    inspection: &mut Inspection,
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
    match asl::catch_output(catcher, trial.input, &error.error, &error.cause) {
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
fn after_input_path(state: &State, raw: &Value, ctx: &Value) -> Result<Value, StatesError> {
    let stage = State {
        parameters: None,
        ..state.clone()
    };
    asl::effective_input(&stage, raw, ctx)
}

/// `ResultPath` alone, on a result that already went through `ResultSelector`.
fn place_result(
    state: &State,
    raw: &Value,
    selected: Value,
    ctx: &Value,
) -> Result<Value, StatesError> {
    let stage = State {
        result_selector: None,
        output_path: Some(Path::root()),
        ..state.clone()
    };
    asl::state_output(&stage, raw, selected, ctx)
}

/// `OutputPath` alone, on the value `ResultPath` produced.
fn narrow_output(
    state: &State,
    raw: &Value,
    placed: Value,
    ctx: &Value,
) -> Result<Value, StatesError> {
    let stage = State {
        result_selector: None,
        result_path: Some(ReferencePath::root()),
        ..state.clone()
    };
    asl::state_output(&stage, raw, placed, ctx)
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
