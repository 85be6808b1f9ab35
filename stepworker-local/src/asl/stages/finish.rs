//! A state's output and the variables it assigns, in either language.
//!
//! Readings followed (AWS developer guide):
//! - JSONPath: `Assign` reads the result after `ResultSelector` (for Pass
//!   its result, for Choice and Wait the input after `InputPath`); then
//!   `ResultPath` and `OutputPath` make the output.
//! - JSONata: `Output` and `Assign` are evaluated side by side, both with
//!   `$states.input`, `$states.result` and the variables from before the
//!   state; without `Output` the output is the result, or the input for
//!   states that have no result.
//! - In a Catch, `$states.errorOutput` (JSONata) or `$` (JSONPath) is the
//!   `{"Error", "Cause"}` object.

use std::borrow::Cow;

use serde_json::{json, Value};

use super::env;
use crate::asl::definition::{Catcher, State, StateKind};
use crate::asl::io::{catch_output, place_result, select_result};
use crate::asl::jsonata::JsonataTemplate;
use crate::asl::path::Scope;
use crate::asl::states_error::StatesError;
use crate::asl::variables::{Assign, Assignment};

/// What a state ends with.
#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    /// The state output.
    pub output: Value,
    /// The variables it assigns (`None` without `Assign`).
    pub assignment: Option<Assignment>,
}

/// Output and `Assign` of a state that produced `result` (`None` for
/// states without a result: Pass in JSONata, Choice, Wait, Succeed).
/// `output` and `assign` are the fields to use (a Choice rule's own, or
/// the state's).
pub fn finish_state(
    state: &State,
    raw: Value,
    result: Option<Value>,
    output: Option<&JsonataTemplate>,
    assign: Option<&Assign>,
    scope: Scope<'_>,
) -> Result<Finished, StatesError> {
    if state.is_jsonata() {
        let env = env(&raw, result.as_ref(), None, scope);
        let assignment = assign.map(|a| a.evaluate_jsonata(&env)).transpose()?;
        let output = match output {
            Some(template) => template.render(&env, "Output")?,
            None => result.unwrap_or(raw),
        };
        return Ok(Finished { output, assignment });
    }
    // JSONPath: Choice, Wait and Succeed results are their effective input.
    let result = match result {
        Some(result) => result,
        None => crate::asl::io::effective_input(state, &raw, &scope)?,
    };
    let selected = select_result(state, result, &scope)?;
    let assignment = assign
        .map(|a| a.evaluate_jsonpath(&selected, &scope))
        .transpose()?;
    let output = place_result(state, Cow::Owned(raw), selected, &scope)?;
    Ok(Finished { output, assignment })
}

/// The output and `Assign` of `catcher` for an error.
pub fn catch_state(
    state: &State,
    catcher: &Catcher,
    raw: &Value,
    error: &str,
    cause: &str,
    scope: Scope<'_>,
) -> Result<Finished, StatesError> {
    let error_output = json!({"Error": error, "Cause": cause});
    if state.is_jsonata() {
        let env = env(raw, None, Some(&error_output), scope);
        let assignment = catcher
            .assign
            .as_ref()
            .map(|a| a.evaluate_jsonata(&env))
            .transpose()?;
        let output = match &catcher.output {
            Some(template) => template.render(&env, "Output")?,
            None => error_output,
        };
        return Ok(Finished { output, assignment });
    }
    let assignment = catcher
        .assign
        .as_ref()
        .map(|a| a.evaluate_jsonpath(&error_output, &scope))
        .transpose()?;
    let output = catch_output(catcher, raw, error, cause)?;
    Ok(Finished { output, assignment })
}

/// The error and cause of a JSONata Fail state (`Error` and `Cause` may
/// be expressions that must give strings).
pub fn fail_any(
    state: &State,
    raw: &Value,
    scope: Scope<'_>,
) -> Result<(Option<String>, Option<String>), StatesError> {
    let StateKind::Fail(spec) = &state.kind else {
        return Err(StatesError::runtime("Not a Fail state."));
    };
    if !state.is_jsonata() {
        return crate::asl::fail::fail_error_cause(state, raw, &scope);
    }
    let env = env(raw, None, None, scope);
    let text = |literal: &Option<String>, expression: &Option<_>, field: &str| {
        let Some(expression) = expression else {
            return Ok(literal.clone());
        };
        match env.value(expression, field)? {
            Value::String(s) => Ok(Some(s)),
            other => Err(env.wrong_type(expression, field, "a string", &other)),
        }
    };
    Ok((
        text(&spec.error, &spec.error_expression, "Error")?,
        text(&spec.cause, &spec.cause_expression, "Cause")?,
    ))
}
