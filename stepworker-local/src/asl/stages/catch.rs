//! The output and variables of a Catch: `$states.errorOutput` (JSONata)
//! or `$` (JSONPath) is the `{"Error", "Cause"}` object.

use serde_json::{json, Value};

use super::{env, Finished};
use crate::asl::definition::{Catcher, State};
use crate::asl::jsonpath::io::catch_output;
use crate::asl::path::Scope;
use crate::asl::states_error::StatesError;

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
