//! The result of a Pass state.

use serde_json::Value;

use crate::asl::definition::State;
use crate::asl::jsonpath;
use crate::asl::path::Scope;
use crate::asl::states_error::StatesError;

/// A Pass state's result: JSONPath's `Result`, or its effective input
/// without one. A JSONata Pass state has none (its `Output`, or its
/// input, is its output).
pub fn pass_result(
    state: &State,
    raw: &Value,
    scope: Scope<'_>,
) -> Result<Option<Value>, StatesError> {
    if state.is_jsonata() {
        return Ok(None);
    }
    jsonpath::pass::pass_result(state, raw, &scope).map(Some)
}
