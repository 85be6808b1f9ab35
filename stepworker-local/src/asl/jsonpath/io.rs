//! Input and output processing of the JSONPath query language:
//! InputPath -> Parameters -> (the work) -> ResultSelector -> ResultPath ->
//! OutputPath.

use std::borrow::Cow;

use serde_json::{json, Map, Value};

use crate::asl::definition::{Catcher, State};
use crate::asl::errors;
use crate::asl::path::{invalid_path_message, DataScope, Path, ReferencePath};
use crate::asl::states_error::StatesError;

/// The input the state works on: `InputPath` applied to the raw input,
/// then `Parameters` (Pass, Task, Parallel). For a Map state this is the
/// input after `InputPath` only: its `ItemSelector` applies per item.
/// `ctx` is the context object, read by `$$` paths.
pub fn effective_input(
    state: &State,
    raw_input: &Value,
    ctx: &dyn DataScope,
) -> Result<Value, StatesError> {
    let selected = apply_input_path(state, raw_input, ctx)?;
    apply_parameters(state, selected, ctx)
}

/// [`effective_input`] for a caller that no longer needs the raw input:
/// the usual `InputPath` `$` hands it on without a copy.
fn effective_input_owned(
    state: &State,
    raw_input: Value,
    ctx: &dyn DataScope,
) -> Result<Value, StatesError> {
    let selected = match &state.input_path {
        Some(path) if path.is_input_root() => raw_input,
        _ => apply_input_path(state, &raw_input, ctx)?,
    };
    apply_parameters(state, selected, ctx)
}

fn apply_parameters(
    state: &State,
    selected: Value,
    ctx: &dyn DataScope,
) -> Result<Value, StatesError> {
    match &state.parameters {
        Some(template) => template.render(&selected, ctx),
        None => Ok(selected),
    }
}

/// `InputPath` alone (a `null` InputPath gives `{}`).
pub(crate) fn apply_input_path(
    state: &State,
    raw_input: &Value,
    ctx: &dyn DataScope,
) -> Result<Value, StatesError> {
    select_input(state, raw_input, ctx).map(Cow::into_owned)
}

/// [`apply_input_path`] borrowing the raw input when `InputPath` is `$`,
/// for callers that only read the selection.
pub(crate) fn select_input<'a>(
    state: &State,
    raw_input: &'a Value,
    ctx: &dyn DataScope,
) -> Result<Cow<'a, Value>, StatesError> {
    match &state.input_path {
        None => Ok(Cow::Owned(Value::Object(Map::new()))),
        Some(path) if path.is_input_root() => Ok(Cow::Borrowed(raw_input)),
        Some(path) => select_or_fail(path, raw_input, ctx).map(Cow::Owned),
    }
}

/// The state's output from its raw input and its result: `ResultSelector`
/// on the result, `ResultPath` to combine it with the raw input, then
/// `OutputPath`. For Choice, Wait and Succeed states pass the effective
/// input as `result` (they have no ResultPath, so it passes through).
pub fn state_output(
    state: &State,
    raw_input: &Value,
    result: Value,
    ctx: &dyn DataScope,
) -> Result<Value, StatesError> {
    output_from(state, Cow::Borrowed(raw_input), result, ctx)
}

/// The output of a state whose result is its effective input (Choice,
/// Succeed, Wait): [`effective_input`] then [`output_from`]. Given the raw
/// input by value, the `ResultPath` of `$` these states usually have
/// passes it through without a copy.
pub(crate) fn passthrough_output(
    state: &State,
    raw_input: Cow<'_, Value>,
    ctx: &dyn DataScope,
) -> Result<Value, StatesError> {
    let root = state
        .result_path
        .as_ref()
        .is_some_and(ReferencePath::is_root);
    let raw_input = match raw_input {
        Cow::Owned(raw_input) if root => {
            // The result replaces the raw input, which is not read again.
            let effective = effective_input_owned(state, raw_input, ctx)?;
            return output_from(state, Cow::Owned(Value::Null), effective, ctx);
        }
        raw_input => raw_input,
    };
    let effective = effective_input(state, &raw_input, ctx)?;
    output_from(state, raw_input, effective, ctx)
}

/// [`state_output`] on a raw input the caller may hand over: given by
/// value, a `ResultPath` writes into it in place instead of into a copy.
pub(crate) fn output_from(
    state: &State,
    raw_input: Cow<'_, Value>,
    result: Value,
    ctx: &dyn DataScope,
) -> Result<Value, StatesError> {
    let result = select_result(state, result, ctx)?;
    place_result(state, raw_input, result, ctx)
}

/// `ResultSelector` on a state's result (the value a JSONPath `Assign`
/// reads).
pub(crate) fn select_result(
    state: &State,
    result: Value,
    ctx: &dyn DataScope,
) -> Result<Value, StatesError> {
    match &state.result_selector {
        Some(template) => template.render(&result, ctx),
        None => Ok(result),
    }
}

/// `ResultPath` then `OutputPath`, on a result `ResultSelector` already
/// shaped.
pub(crate) fn place_result(
    state: &State,
    raw_input: Cow<'_, Value>,
    selected: Value,
    ctx: &dyn DataScope,
) -> Result<Value, StatesError> {
    let combined = apply_result_path(state.result_path.as_ref(), raw_input, selected)?;
    apply_output_path(state, combined, ctx)
}

/// The output of a Catcher: `{"Error", "Cause"}` placed into the raw input
/// at the catcher's `ResultPath`. The next state receives this.
pub fn catch_output(
    catcher: &Catcher,
    raw_input: &Value,
    error: &str,
    cause: &str,
) -> Result<Value, StatesError> {
    let error_output = json!({"Error": error, "Cause": cause});
    apply_result_path(
        catcher.result_path.as_ref(),
        Cow::Borrowed(raw_input),
        error_output,
    )
}

/// The cause names no state: the runner opens it with AWS's sentence
/// naming the state (`An error occurred while executing the state ...`).
fn apply_result_path(
    result_path: Option<&ReferencePath>,
    raw_input: Cow<'_, Value>,
    result: Value,
) -> Result<Value, StatesError> {
    match result_path {
        None => Ok(raw_input.into_owned()),
        Some(path) if path.is_root() => Ok(result),
        Some(path) => {
            let mut doc = raw_input.into_owned();
            match path.write(&mut doc, result) {
                Ok(()) => Ok(doc),
                // `write` left `doc` as it came, so the message quotes the input.
                Err(e) => Err(StatesError::new(
                    errors::RESULT_PATH_MATCH_FAILURE,
                    format!(
                        "Unable to apply ResultPath \"{path}\" to input {doc}: the value at \"{}\" is not an object",
                        e.at
                    ),
                )),
            }
        }
    }
}

fn apply_output_path(
    state: &State,
    combined: Value,
    ctx: &dyn DataScope,
) -> Result<Value, StatesError> {
    match &state.output_path {
        None => Ok(Value::Object(Map::new())),
        Some(path) if path.is_input_root() => Ok(combined),
        Some(path) => select_or_fail(path, &combined, ctx),
    }
}

/// AWS's answer to an `InputPath` or `OutputPath` naming nothing
/// (recorded: LocalStack's `test_states_errors.snapshot.json`,
/// `test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_INPUTPATH]`):
/// `Invalid path '$.x' : No results for path: $['x']`.
fn select_or_fail(path: &Path, input: &Value, ctx: &dyn DataScope) -> Result<Value, StatesError> {
    path.select(input, ctx).map_err(|e| {
        StatesError::runtime(
            e.limit_cause()
                .unwrap_or_else(|| invalid_path_message(path, input, ctx)),
        )
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::asl::definition::parse_definition;

    fn state(fields: Value) -> State {
        let mut body = fields;
        body["Type"] = json!("Task");
        body["Resource"] = json!("arn:aws:states:us-east-1:123456789012:activity:a");
        body["End"] = json!(true);
        let definition = json!({"StartAt": "S", "States": {"S": body}});
        let parsed = parse_definition(&definition.to_string()).expect("valid definition");
        parsed.states["S"].clone()
    }

    fn ctx() -> Value {
        json!({"Execution": {"Id": "exec-1"}, "Task": {"Token": "tok"}})
    }

    #[test]
    fn defaults_pass_input_and_result_through() {
        let s = state(json!({}));
        let input = json!({"a": 1});
        assert_eq!(effective_input(&s, &input, &ctx()), Ok(input.clone()));
        assert_eq!(
            state_output(&s, &input, json!({"r": 2}), &ctx()),
            Ok(json!({"r": 2}))
        );
    }

    #[test]
    fn the_aws_guide_io_example() {
        // InputPath narrows, Parameters reshapes, ResultSelector picks,
        // ResultPath merges into the raw input, OutputPath narrows again.
        let s = state(json!({
            "InputPath": "$.order",
            "Parameters": {"id.$": "$.id", "exec.$": "$$.Execution.Id"},
            "ResultSelector": {"status.$": "$.body.status"},
            "ResultPath": "$.outcome",
            "OutputPath": "$.outcome"
        }));
        let raw = json!({"order": {"id": 7}, "other": true});
        assert_eq!(
            effective_input(&s, &raw, &ctx()),
            Ok(json!({"id": 7, "exec": "exec-1"}))
        );
        let result = json!({"body": {"status": "shipped", "noise": 1}});
        assert_eq!(
            state_output(&s, &raw, result, &ctx()),
            Ok(json!({"status": "shipped"}))
        );
    }

    #[test]
    fn null_paths_give_empty_objects_or_discard_the_result() {
        let s = state(json!({"InputPath": null, "ResultPath": null, "OutputPath": "$"}));
        let raw = json!({"keep": "me"});
        assert_eq!(effective_input(&s, &raw, &ctx()), Ok(json!({})));
        assert_eq!(
            state_output(&s, &raw, json!("ignored"), &ctx()),
            Ok(raw.clone())
        );
        let s = state(json!({"OutputPath": null}));
        assert_eq!(state_output(&s, &raw, json!(1), &ctx()), Ok(json!({})));
    }

    #[test]
    fn missing_input_or_output_paths_are_runtime_errors() {
        let s = state(json!({"InputPath": "$.nope"}));
        let error = effective_input(&s, &json!({}), &ctx()).expect_err("missing path");
        assert_eq!(error.error, errors::RUNTIME);
        let s = state(json!({"OutputPath": "$.nope"}));
        let error = state_output(&s, &json!({}), json!({}), &ctx()).expect_err("missing path");
        assert_eq!(error.error, errors::RUNTIME);
    }

    #[test]
    fn result_path_into_a_scalar_input_fails_with_match_failure() {
        let s = state(json!({"ResultPath": "$.x"}));
        let error = state_output(&s, &json!("scalar"), json!(1), &ctx()).expect_err("cannot apply");
        assert_eq!(error.error, errors::RESULT_PATH_MATCH_FAILURE);
    }

    #[test]
    fn catch_output_places_error_and_cause() {
        let definition = json!({"StartAt": "S", "States": {
            "S": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:a", "End": true,
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H", "ResultPath": "$.err"}]},
            "H": {"Type": "Succeed"}}});
        let parsed = parse_definition(&definition.to_string()).expect("valid");
        let catcher = &parsed.states["S"].catch[0];
        assert_eq!(
            catch_output(catcher, &json!({"in": 1}), "Boom", "bad thing"),
            Ok(json!({"in": 1, "err": {"Error": "Boom", "Cause": "bad thing"}}))
        );
    }

    #[test]
    fn passthrough_output_matches_effective_input_then_state_output() {
        let raw = json!({"a": {"b": {"c": 3}}, "keep": true});
        for fields in [
            json!({}),
            json!({"InputPath": "$.a", "OutputPath": "$.b"}),
            json!({"InputPath": null}),
            json!({"OutputPath": null}),
            json!({"ResultPath": "$.copy"}),
            json!({"ResultPath": null, "OutputPath": "$.a"}),
        ] {
            let s = state(fields.clone());
            let expected = effective_input(&s, &raw, &ctx())
                .and_then(|effective| state_output(&s, &raw, effective, &ctx()));
            assert_eq!(
                passthrough_output(&s, Cow::Owned(raw.clone()), &ctx()),
                expected,
                "{fields}"
            );
            assert_eq!(
                passthrough_output(&s, Cow::Borrowed(&raw), &ctx()),
                expected,
                "{fields}"
            );
        }
    }
}
