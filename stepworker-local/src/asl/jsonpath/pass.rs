//! Pass state result.

use serde_json::Value;

use super::io::effective_input;
use crate::asl::definition::{State, StateKind};
use crate::asl::path::DataScope;
use crate::asl::states_error::StatesError;

/// The result of a Pass state: its literal `Result` if it has one,
/// otherwise its effective input (InputPath, then Parameters). Feed it to
/// [`super::io::state_output`] to apply ResultPath and OutputPath.
pub fn pass_result(
    pass: &State,
    raw_input: &Value,
    ctx: &dyn DataScope,
) -> Result<Value, StatesError> {
    match &pass.kind {
        StateKind::Pass {
            result: Some(result),
        } => Ok(result.clone()),
        _ => effective_input(pass, raw_input, ctx),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::asl::definition::parse_definition;
    use crate::asl::jsonpath::io::state_output;

    fn pass(fields: Value) -> State {
        let mut body = fields;
        body["Type"] = json!("Pass");
        body["End"] = json!(true);
        let definition = json!({"StartAt": "P", "States": {"P": body}});
        parse_definition(&definition.to_string())
            .expect("valid")
            .states["P"]
            .clone()
    }

    #[test]
    fn result_replaces_the_input_and_result_path_merges_it() {
        let state = pass(json!({"Result": {"x": 1}, "ResultPath": "$.r"}));
        let raw = json!({"in": true});
        let result = pass_result(&state, &raw, &json!({})).expect("result");
        assert_eq!(result, json!({"x": 1}));
        assert_eq!(
            state_output(&state, &raw, result, &json!({})),
            Ok(json!({"in": true, "r": {"x": 1}}))
        );
    }

    #[test]
    fn without_result_the_effective_input_is_the_result() {
        let state = pass(json!({"InputPath": "$.a", "Parameters": {"v.$": "$.b"}}));
        assert_eq!(
            pass_result(&state, &json!({"a": {"b": 2}}), &json!({})),
            Ok(json!({"v": 2}))
        );
    }
}
