//! The error and cause a Fail state fails with.

use serde_json::Value;

use super::env;
use crate::asl::definition::{State, StateKind};
use crate::asl::jsonpath;
use crate::asl::path::Scope;
use crate::asl::states_error::StatesError;

/// The error and cause of a Fail state: literals, `ErrorPath`/`CausePath`
/// (JSONPath), or JSONata expressions that must give strings.
pub fn fail_error_cause(
    state: &State,
    raw: &Value,
    scope: Scope<'_>,
) -> Result<(Option<String>, Option<String>), StatesError> {
    let StateKind::Fail(spec) = &state.kind else {
        return Err(StatesError::runtime("Not a Fail state."));
    };
    if !state.is_jsonata() {
        return jsonpath::fail::fail_error_cause(state, raw, &scope);
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
