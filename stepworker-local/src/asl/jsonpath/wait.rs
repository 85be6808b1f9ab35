//! Wait state deadlines.

use std::borrow::Cow;

use serde_json::Value;

use super::io::select_input;
use crate::asl::definition::{State, StateKind, WaitState};
use crate::asl::path::{DataScope, Path};
use crate::asl::states_error::StatesError;
use crate::asl::timestamp::parse_timestamp_millis;

/// When a Wait state entered at `now_millis` (epoch milliseconds) ends, in
/// epoch milliseconds. `SecondsPath`/`TimestampPath` read the input after
/// `InputPath`, or a variable (`$name`) in `scope`. A past timestamp means
/// "do not wait" (the result is then before `now_millis`; callers treat it
/// as due).
pub fn wait_until_millis(
    wait: &State,
    raw_input: &Value,
    now_millis: i64,
    scope: &dyn DataScope,
) -> Result<i64, StatesError> {
    let StateKind::Wait(spec) = &wait.kind else {
        return Err(StatesError::runtime(format!(
            "The state '{}' is not a Wait state",
            wait.name
        )));
    };
    match spec {
        WaitState::Seconds(seconds) => Ok(after_seconds(now_millis, *seconds)),
        WaitState::Timestamp(millis) => Ok(*millis),
        WaitState::SecondsPath(path) => {
            let input = select_input(wait, raw_input, scope)?;
            let value = read("SecondsPath", path, &input, scope)?;
            seconds_from(path, &value).map(|seconds| after_seconds(now_millis, seconds))
        }
        WaitState::TimestampPath(path) => {
            let input = select_input(wait, raw_input, scope)?;
            let value = read("TimestampPath", path, &input, scope)?;
            value
                .as_str()
                .and_then(parse_timestamp_millis)
                .ok_or_else(|| {
                    StatesError::runtime(format!(
                        "The TimestampPath parameter does not reference a valid ISO-8601 \
                     extended offset date-time format string: {} == {}",
                        path.as_str(),
                        plain(&value)
                    ))
                })
        }
        WaitState::SecondsExpression(e) | WaitState::TimestampExpression(e) => {
            Err(StatesError::runtime(format!(
                "The JSONata expression '{}' of the state '{}' was evaluated as JSONPath",
                e.text(),
                wait.name
            )))
        }
    }
}

pub(crate) fn after_seconds(now_millis: i64, seconds: u64) -> i64 {
    let millis = i64::try_from(seconds)
        .unwrap_or(i64::MAX)
        .saturating_mul(1000);
    now_millis.saturating_add(millis)
}

/// AWS's words for a `SecondsPath` value that is not a whole number of
/// seconds (recorded: LocalStack's `test_wait.snapshot.json`,
/// `test_base_wait_seconds_path[-1]`, `[1.5]`, `[-1.5]`).
fn seconds_from(path: &Path, value: &Value) -> Result<u64, StatesError> {
    if let Some(seconds) = value.as_u64() {
        return Ok(seconds);
    }
    let reason = if value.as_i64().is_some() {
        "references a negative value"
    } else {
        "cannot be parsed as a long value"
    };
    Err(StatesError::runtime(format!(
        "The SecondsPath parameter {reason}: {} == {}",
        path.as_str(),
        plain(value)
    )))
}

/// A value as AWS quotes it after `==`: a string without its quotes,
/// anything else as JSON.
pub(crate) fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// AWS fails a Wait state at once when its end lies more than 2^31 - 1
/// seconds ahead (recorded: LocalStack's `test_wait.snapshot.json`,
/// `test_timestamp_too_far_in_future_boundary`: 24,855 days ahead waits,
/// 24,856 days fails with this cause).
pub(crate) fn check_delay(until_millis: i64, now_millis: i64) -> Result<i64, StatesError> {
    const MAX_DELAY_MILLIS: i64 = i32::MAX as i64 * 1000;
    if until_millis.saturating_sub(now_millis) > MAX_DELAY_MILLIS {
        return Err(StatesError::runtime("Wait state delay is too long."));
    }
    Ok(until_millis)
}

/// The value `path` names in the input after `InputPath` (or a variable).
fn read<'a>(
    field: &str,
    path: &Path,
    input: &'a Value,
    scope: &'a dyn DataScope,
) -> Result<Cow<'a, Value>, StatesError> {
    path.select_cow(input, scope).map_err(|e| {
        StatesError::runtime(e.limit_cause().unwrap_or_else(|| {
            format!(
                "The {field} parameter does not reference an input value: {}",
                path.as_str()
            )
        }))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::asl::definition::parse_definition;
    use crate::asl::errors;

    fn wait(fields: Value) -> State {
        let mut body = fields;
        body["Type"] = json!("Wait");
        body["End"] = json!(true);
        let definition = json!({"StartAt": "W", "States": {"W": body}});
        parse_definition(&definition.to_string())
            .expect("valid")
            .states["W"]
            .clone()
    }

    #[test]
    fn each_of_the_four_fields() {
        let now = 1_000_000;
        assert_eq!(
            wait_until_millis(&wait(json!({"Seconds": 5})), &json!({}), now, &Value::Null),
            Ok(now + 5_000)
        );
        assert_eq!(
            wait_until_millis(
                &wait(json!({"Timestamp": "1970-01-01T00:01:00Z"})),
                &json!({}),
                now,
                &Value::Null
            ),
            Ok(60_000)
        );
        assert_eq!(
            wait_until_millis(
                &wait(json!({"SecondsPath": "$.s"})),
                &json!({"s": 2}),
                now,
                &Value::Null
            ),
            Ok(now + 2_000)
        );
        assert_eq!(
            wait_until_millis(
                &wait(json!({"TimestampPath": "$.t"})),
                &json!({"t": "1970-01-01T00:00:01.5Z"}),
                now,
                &Value::Null
            ),
            Ok(1_500)
        );
    }

    #[test]
    fn paths_are_read_after_input_path() {
        let state = wait(json!({"InputPath": "$.inner", "SecondsPath": "$.s"}));
        assert_eq!(
            wait_until_millis(&state, &json!({"inner": {"s": 1}}), 0, &Value::Null),
            Ok(1_000)
        );
    }

    #[test]
    fn bad_path_values_are_runtime_errors() {
        for (fields, input) in [
            (json!({"SecondsPath": "$.s"}), json!({"s": -1})),
            (json!({"SecondsPath": "$.s"}), json!({"s": "10"})),
            (json!({"SecondsPath": "$.s"}), json!({})),
            (json!({"TimestampPath": "$.t"}), json!({"t": "yesterday"})),
        ] {
            let error =
                wait_until_millis(&wait(fields), &input, 0, &Value::Null).expect_err("must fail");
            assert_eq!(error.error, errors::RUNTIME);
        }
    }

    #[test]
    fn paths_read_variables() {
        use crate::asl::path::Scope;
        use crate::asl::variables::{Assignment, Variables};

        let mut variables = Variables::new();
        let assigned = Assignment::of(vec![
            ("pause".into(), json!(3)),
            ("until".into(), json!("1970-01-01T00:00:02Z")),
        ])
        .expect("small");
        variables.apply(assigned).expect("fits");
        let context = json!({});
        let scope = Scope {
            context: &context,
            variables: &variables,
        };
        let seconds = wait(json!({"SecondsPath": "$pause"}));
        assert_eq!(
            wait_until_millis(&seconds, &json!({}), 0, &scope),
            Ok(3_000)
        );
        let timestamp = wait(json!({"TimestampPath": "$until"}));
        assert_eq!(
            wait_until_millis(&timestamp, &json!({}), 0, &scope),
            Ok(2_000)
        );
        let error = wait_until_millis(&seconds, &json!({}), 0, &Value::Null)
            .expect_err("no variables in a bare context");
        assert_eq!(error.error, errors::RUNTIME);
    }
}
