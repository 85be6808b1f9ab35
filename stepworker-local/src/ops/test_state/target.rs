//! Which state TestState runs: a lone state definition, or one state of a
//! whole state machine named by `stateName`.

use serde_json::{json, Map, Value};
use stepworker::model::ErrorCode;

use crate::asl::{parse_definition, DefinitionError, State};
use crate::error::{ApiError, ApiResult};

/// Name given to a lone state, which has no name of its own.
const LONE_STATE_NAME: &str = "TestState";

/// The state to test. A definition with `States` is a state machine (its
/// `StartAt` state unless `state_name` picks another); anything else is a
/// single state.
pub fn state_under_test(definition: &str, state_name: Option<&str>) -> ApiResult<State> {
    let value: Value = serde_json::from_str(definition).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidDefinition,
            format!("Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: {e}'"),
        )
    })?;
    if value.get("States").is_some() {
        return state_of_machine(definition, state_name);
    }
    lone_state(value, state_name.unwrap_or(LONE_STATE_NAME))
}

fn state_of_machine(definition: &str, state_name: Option<&str>) -> ApiResult<State> {
    let machine = parse_definition(definition).map_err(invalid)?;
    let name = state_name.unwrap_or(&machine.start_at);
    machine.state(name).cloned().ok_or_else(|| {
        ApiError::validation(format!(
            "The state machine definition has no state named '{name}'"
        ))
    })
}

/// Parses a lone state by wrapping it into a machine whose other states
/// are placeholders for its transition targets: the state's own checks
/// run as they do in a state machine, without "missing target" errors.
fn lone_state(state: Value, name: &str) -> ApiResult<State> {
    if !state.is_object() {
        return Err(ApiError::new(
            ErrorCode::InvalidDefinition,
            "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: a state must be a JSON object'",
        ));
    }
    let mut states = Map::new();
    for target in transition_targets(&state) {
        if target != name {
            states.insert(target, json!({"Type": "Succeed"}));
        }
    }
    states.insert(name.to_owned(), state);
    let machine = json!({"StartAt": name, "States": states});
    let parsed = parse_definition(&machine.to_string()).map_err(invalid)?;
    parsed
        .state(name)
        .cloned()
        .ok_or_else(|| ApiError::validation("The state definition could not be read"))
}

/// The state names a raw state may go to: `Next`, `Default`, the `Next` of
/// each Choice rule and of each catcher.
fn transition_targets(state: &Value) -> Vec<String> {
    let mut targets = Vec::new();
    let mut take = |value: Option<&Value>| {
        if let Some(Value::String(name)) = value {
            targets.push(name.clone());
        }
    };
    take(state.get("Next"));
    take(state.get("Default"));
    for list in ["Choices", "Catch"] {
        if let Some(Value::Array(items)) = state.get(list) {
            for item in items {
                take(item.get("Next"));
            }
        }
    }
    targets
}

fn invalid(e: DefinitionError) -> ApiError {
    ApiError::new(ErrorCode::InvalidDefinition, e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asl::StateKind;

    #[test]
    fn a_lone_state_keeps_its_transitions() {
        let state =
            state_under_test(r#"{"Type": "Pass", "Next": "Later"}"#, None).expect("a valid state");
        assert_eq!(&*state.name, LONE_STATE_NAME);
        assert_eq!(state.next.as_deref(), Some("Later"));
    }

    #[test]
    fn a_machine_gives_the_named_state() {
        let machine = r#"{"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}"#;
        let state = state_under_test(machine, Some("B")).expect("B exists");
        assert_eq!(state.kind, StateKind::Succeed);
        let error = state_under_test(machine, Some("C")).expect_err("no C");
        assert_eq!(error.code(), &ErrorCode::ValidationException);
    }

    #[test]
    fn bad_states_are_invalid_definitions() {
        for bad in [r#"{"Type": "Nope"}"#, "[1]", "{", r#"{"Type": "Pass"}"#] {
            let error = state_under_test(bad, None).expect_err(bad);
            assert_eq!(error.code(), &ErrorCode::InvalidDefinition, "{bad}");
        }
    }
}
