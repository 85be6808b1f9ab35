//! TestState: runs one state's definition on an input, without a state
//! machine or an execution, and reports its status, next state, output and
//! (at `DEBUG` and `TRACE`) each step of its input and output processing.
//!
//! What AWS documents and this follows: Pass, Choice, Wait (which does
//! not wait here), Succeed and Fail run as they are; Task, Parallel and Map
//! states (activities included) run only with a `mock` that stands in for
//! their work, since the engine cannot call AWS services. An error a
//! retrier would retry gives `RETRIABLE` (with `retrierRetryCount` retries
//! already made), one a catcher takes gives `CAUGHT_ERROR` and the
//! catcher's `Next`. `TRACE` adds HTTP request and response data only for
//! HTTP tasks, which the engine does not run, so it shows what `DEBUG`
//! shows. JSONata states run with their `Arguments`, `Output`, `Assign`
//! and `Condition` fields; `variables` (a JSON object) are the variables
//! the state sees, and `inspectionData.variables` shows them after the
//! state's `Assign`. For JSONata states `inspectionData` carries
//! `afterArguments` and leaves out the JSONPath steps (`afterInputPath`,
//! `afterParameters`, `afterResultSelector`, `afterResultPath`), as the
//! API reference documents. Not followed: `revealSecrets` is accepted and
//! changes nothing; Map's `stateConfiguration` fields are ignored.

mod mock;
mod run;
mod target;

use std::sync::Arc;

use serde_json::{json, Value};
use stepworker::model::{
    ErrorCode, InspectionData, InspectionLevel, TestStateConfiguration, TestStateInput,
    TestStateOutput,
};

use crate::asl::variables::check_variable_name;
use crate::asl::{Assignment, State, StateKind, Variables};
use crate::core::Core;
use crate::error::{ApiError, ApiResult};
use crate::time_format::rfc3339_millis;
use crate::validate::{self, limits};
use mock::{read_mock, MockOutcome};
use run::{run, Report, Trial};
use target::state_under_test;

/// TestState.
pub fn test_state(core: &Arc<Core>, input: TestStateInput) -> ApiResult<TestStateOutput> {
    validate::length("definition", &input.definition, limits::DEFINITION)?;
    if let Some(role_arn) = &input.role_arn {
        validate::arn("roleArn", role_arn)?;
    }
    validate::optional_length("stateName", input.state_name.as_deref(), limits::NAME)?;
    let level = input
        .inspection_level
        .clone()
        .unwrap_or(InspectionLevel::Info);
    validate::enum_value("inspectionLevel", level.as_str(), InspectionLevel::VALUES)?;
    let raw_text = input.input.as_deref().unwrap_or("{}");
    let raw = validate::json_payload(raw_text, ErrorCode::InvalidExecutionInput, "Input")?;
    let variables = match &input.variables {
        Some(text) => read_variables(text)?,
        None => Variables::new(),
    };
    let configuration = input.state_configuration.clone().unwrap_or_default();
    let retry_count = retry_count(&configuration)?;

    let state = state_under_test(&input.definition, input.state_name.as_deref())?;
    let mock = input.mock.as_ref().map(read_mock).transpose()?;
    check_runnable(&state, mock.as_ref())?;
    let now_millis = core.now_millis();
    let context = match &input.context {
        Some(text) => validate::json_payload(text, ErrorCode::InvalidExecutionInput, "Context")?,
        None => default_context(&state, &raw, retry_count, now_millis),
    };

    let report = run(&Trial {
        state: &state,
        input: &raw,
        context: &context,
        variables: &variables,
        mock: mock.as_ref(),
        retry_count,
        now_millis,
    });
    Ok(answer(report, &level, raw_text))
}

/// The request's `variables`: a JSON object of variable names and values,
/// each checked as `Assign` checks it (name, 256 KiB per value).
fn read_variables(text: &str) -> ApiResult<Variables> {
    let value = validate::json_payload(text, ErrorCode::InvalidExecutionInput, "Variables")?;
    let Value::Object(map) = value else {
        return Err(ApiError::new(
            ErrorCode::InvalidExecutionInput,
            "Variables must be a JSON object of variable names and values",
        ));
    };
    for name in map.keys() {
        check_variable_name(name).map_err(|reason| {
            ApiError::new(
                ErrorCode::InvalidExecutionInput,
                format!("Invalid variable name in Variables: {reason}"),
            )
        })?;
    }
    let too_large =
        |e: crate::asl::StatesError| ApiError::new(ErrorCode::InvalidExecutionInput, e.cause);
    let assignment = Assignment::of(map.into_iter().collect()).map_err(too_large)?;
    let mut variables = Variables::new();
    variables.apply(assignment).map_err(too_large)?;
    Ok(variables)
}

fn retry_count(configuration: &TestStateConfiguration) -> ApiResult<u32> {
    match configuration.retrier_retry_count {
        None => Ok(0),
        Some(count) => u32::try_from(count).map_err(|_| {
            ApiError::constraint(
                "stateConfiguration.retrierRetryCount",
                "Member must have value greater than or equal to 0",
            )
        }),
    }
}

/// Refuses what TestState cannot run: work without a mock, and a mock for
/// a state that has no work.
fn check_runnable(state: &State, mock: Option<&MockOutcome>) -> ApiResult<()> {
    let has_work = matches!(
        state.kind,
        StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_)
    );
    match (has_work, mock) {
        (true, None) => Err(ApiError::validation(format!(
            "TestState runs {} states only with a mock: stepworker-local does not call \
             activities or AWS services from TestState",
            state.kind.type_name()
        ))),
        (false, Some(_)) => Err(ApiError::validation(format!(
            "A mock can only be specified for Task, Parallel or Map states, not for a {} state",
            state.kind.type_name()
        ))),
        _ => Ok(()),
    }
}

/// `$$` when the request gives none: the state, its input and the time.
fn default_context(state: &State, raw: &Value, retry_count: u32, now_millis: i64) -> Value {
    let now = rfc3339_millis(now_millis);
    json!({
        "Execution": {"Input": raw, "StartTime": now, "RedriveCount": 0},
        "State": {"Name": &*state.name, "EnteredTime": now, "RetryCount": retry_count},
    })
}

fn answer(report: Report, level: &InspectionLevel, raw_text: &str) -> TestStateOutput {
    let text = |value: Option<Value>| value.map(|v| v.to_string());
    let inspection_data = (*level != InspectionLevel::Info).then(|| {
        let steps = report.inspection;
        InspectionData {
            input: Some(raw_text.to_owned()),
            after_input_path: text(steps.after_input_path),
            after_parameters: text(steps.after_parameters),
            after_arguments: text(steps.after_arguments),
            result: text(steps.result),
            after_result_selector: text(steps.after_result_selector),
            after_result_path: text(steps.after_result_path),
            error_details: steps.error_details,
            variables: text(steps.variables),
            ..Default::default()
        }
    });
    TestStateOutput {
        status: Some(report.status),
        next_state: report.next_state,
        output: text(report.output),
        error: report.error,
        cause: report.cause,
        inspection_data,
    }
}
