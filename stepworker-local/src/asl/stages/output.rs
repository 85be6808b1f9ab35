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

use std::borrow::Cow;

use serde_json::Value;

use super::env;
use crate::asl::definition::State;
use crate::asl::jsonata::JsonataTemplate;
use crate::asl::jsonpath::io::{
    effective_input, output_from, passthrough_output, place_result, select_result,
};
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
/// the state's). A caller that no longer needs the raw input hands it over
/// (`Cow::Owned`): JSONPath's `ResultPath` then writes into it in place.
pub fn finish_state(
    state: &State,
    raw: Cow<'_, Value>,
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
            None => match result {
                Some(result) => result,
                None => raw.into_owned(),
            },
        };
        return Ok(Finished { output, assignment });
    }
    let Some(assign) = assign else {
        // Nothing reads the selected result but `ResultPath`.
        let output = match result {
            Some(result) => output_from(state, raw, result, &scope)?,
            None => passthrough_output(state, raw, &scope)?,
        };
        return Ok(Finished {
            output,
            assignment: None,
        });
    };
    // JSONPath: Choice, Wait and Succeed results are their effective input.
    let result = match result {
        Some(result) => result,
        None => effective_input(state, &raw, &scope)?,
    };
    let selected = select_result(state, result, &scope)?;
    let assignment = Some(assign.evaluate_jsonpath(&selected, &scope)?);
    let output = place_result(state, raw, selected, &scope)?;
    Ok(Finished { output, assignment })
}
