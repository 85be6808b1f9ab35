//! Fail state error and cause.

use serde_json::Value;

use crate::asl::definition::{State, StateKind};
use crate::asl::expression::Expression;
use crate::asl::path::DataScope;
use crate::asl::states_error::StatesError;

/// The `(error, cause)` a Fail state reports: the literal `Error`/`Cause`,
/// or `ErrorPath`/`CausePath` evaluated on the raw input (a path or an
/// intrinsic call that must produce a string). They may read the context
/// object and variables of `scope` (guide, "Fail workflow state": a
/// reference path, "including the context object").
pub fn fail_error_cause(
    fail: &State,
    raw_input: &Value,
    scope: &dyn DataScope,
) -> Result<(Option<String>, Option<String>), StatesError> {
    let StateKind::Fail(spec) = &fail.kind else {
        return Err(StatesError::runtime(format!(
            "The state '{}' is not a Fail state",
            fail.name
        )));
    };
    let error = resolve(
        fail,
        "ErrorPath",
        spec.error.as_deref(),
        spec.error_path.as_ref(),
        raw_input,
        scope,
    )?;
    let cause = resolve(
        fail,
        "CausePath",
        spec.cause.as_deref(),
        spec.cause_path.as_ref(),
        raw_input,
        scope,
    )?;
    Ok((error, cause))
}

fn resolve(
    fail: &State,
    field: &str,
    literal: Option<&str>,
    expression: Option<&Expression>,
    raw_input: &Value,
    scope: &dyn DataScope,
) -> Result<Option<String>, StatesError> {
    let Some(expression) = expression else {
        return Ok(literal.map(str::to_owned));
    };
    match expression.evaluate(field, raw_input, scope)? {
        Value::String(s) => Ok(Some(s)),
        other => Err(StatesError::runtime(format!(
            "The value of the field '{field}' of the state '{}' must be a string, got {other}",
            fail.name
        ))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::asl::definition::parse_definition;

    fn fail(fields: Value) -> State {
        let mut body = fields;
        body["Type"] = json!("Fail");
        let definition = json!({"StartAt": "F", "States": {"F": body}});
        parse_definition(&definition.to_string())
            .expect("valid")
            .states["F"]
            .clone()
    }

    #[test]
    fn literal_path_and_intrinsic_sources() {
        assert_eq!(
            fail_error_cause(&fail(json!({})), &json!({}), &Value::Null),
            Ok((None, None))
        );
        assert_eq!(
            fail_error_cause(
                &fail(json!({"Error": "E", "Cause": "C"})),
                &json!({}),
                &Value::Null
            ),
            Ok((Some("E".into()), Some("C".into())))
        );
        assert_eq!(
            fail_error_cause(
                &fail(json!({"ErrorPath": "$.e", "CausePath": "States.Format('bad {}', $.n)"})),
                &json!({"e": "Oops", "n": 3}),
                &Value::Null
            ),
            Ok((Some("Oops".into()), Some("bad 3".into())))
        );
    }

    #[test]
    fn non_string_or_missing_values_are_runtime_errors() {
        let state = fail(json!({"ErrorPath": "$.e"}));
        assert!(fail_error_cause(&state, &json!({"e": 1}), &Value::Null).is_err());
        assert!(fail_error_cause(&state, &json!({}), &Value::Null).is_err());
    }
}
