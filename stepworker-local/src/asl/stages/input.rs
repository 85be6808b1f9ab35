//! The input a state hands to its task or branches.

use serde_json::Value;

use super::env;
use crate::asl::definition::State;
use crate::asl::jsonpath::io::effective_input;
use crate::asl::path::Scope;
use crate::asl::states_error::StatesError;

/// JSONPath: `InputPath` then `Parameters`. JSONata: `Arguments`
/// evaluated, or the state input itself when there are none.
pub fn state_input(state: &State, raw: &Value, scope: Scope<'_>) -> Result<Value, StatesError> {
    if !state.is_jsonata() {
        return effective_input(state, raw, &scope);
    }
    match &state.arguments {
        Some(arguments) => arguments.render(&env(raw, None, None, scope), "Arguments"),
        None => Ok(raw.clone()),
    }
}
