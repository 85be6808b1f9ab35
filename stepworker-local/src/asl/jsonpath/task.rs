//! Task timeouts (`TimeoutSeconds`, `HeartbeatSeconds` and their Path forms).

use std::borrow::Cow;

use serde_json::Value;

use super::io::select_input;
use crate::asl::definition::{SecondsSource, State, StateKind};
use crate::asl::path::{invalid_path_message, DataScope};
use crate::asl::states_error::StatesError;

/// The timeouts of one Task attempt, in seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TaskTimeouts {
    /// `TimeoutSeconds`: `None` when not set (AWS then applies no task
    /// timeout short of the execution's own).
    pub timeout_secs: Option<u64>,
    /// `HeartbeatSeconds`: `None` when not set (no heartbeat required).
    pub heartbeat_secs: Option<u64>,
}

/// Resolves the Task's timeouts. The `...Path` forms read the input after
/// `InputPath`, with the variables and context object of `scope`, and must
/// name a positive integer (else `States.Runtime`).
pub fn task_timeouts(
    task: &State,
    raw_input: &Value,
    scope: &dyn DataScope,
) -> Result<TaskTimeouts, StatesError> {
    let StateKind::Task(spec) = &task.kind else {
        return Err(StatesError::runtime(format!(
            "The state '{}' is not a Task state",
            task.name
        )));
    };
    let needs_input = matches!(spec.timeout, Some(SecondsSource::Path(_)))
        || matches!(spec.heartbeat, Some(SecondsSource::Path(_)));
    let input = if needs_input {
        select_input(task, raw_input, scope)?
    } else {
        Cow::Owned(Value::Null)
    };
    let timeout_secs = resolve(
        task,
        "TimeoutSecondsPath",
        spec.timeout.as_ref(),
        &input,
        scope,
    )?;
    let heartbeat_secs = resolve(
        task,
        "HeartbeatSecondsPath",
        spec.heartbeat.as_ref(),
        &input,
        scope,
    )?;
    checked(
        task,
        TaskTimeouts {
            timeout_secs,
            heartbeat_secs,
        },
    )
}

/// `timeouts`, unless the heartbeat is not below the timeout
/// (`States.Runtime`), in either query language.
pub(crate) fn checked(task: &State, timeouts: TaskTimeouts) -> Result<TaskTimeouts, StatesError> {
    if let (Some(timeout), Some(heartbeat)) = (timeouts.timeout_secs, timeouts.heartbeat_secs) {
        if heartbeat >= timeout {
            return Err(StatesError::runtime(format!(
                "The state '{}' has a HeartbeatSeconds value ({heartbeat}) that is not smaller than its \
                 TimeoutSeconds value ({timeout})",
                task.name
            )));
        }
    }
    Ok(timeouts)
}

fn resolve(
    task: &State,
    field: &str,
    source: Option<&SecondsSource>,
    input: &Value,
    scope: &dyn DataScope,
) -> Result<Option<u64>, StatesError> {
    match source {
        None => Ok(None),
        Some(SecondsSource::Literal(seconds)) => Ok(Some(*seconds)),
        Some(SecondsSource::Path(path)) => {
            // Recorded: `test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_TIMEOUTSECONDSPATH]`.
            let value = path.select_cow(input, scope).map_err(|e| {
                StatesError::runtime(
                    e.limit_cause()
                        .unwrap_or_else(|| invalid_path_message(path, input, scope)),
                )
            })?;
            match value.as_u64() {
                Some(seconds) if seconds > 0 => Ok(Some(seconds)),
                _ => Err(StatesError::runtime(format!(
                    "The field '{field}' of the state '{}' must reference a positive integer, got {value}",
                    task.name
                ))),
            }
        }
        Some(SecondsSource::Expression(expression)) => Err(StatesError::runtime(format!(
            "The JSONata expression '{}' of the field '{field}' was evaluated as JSONPath",
            expression.text()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The timeouts of a state whose paths read no variables.
    fn timeouts(task: &State, raw_input: &Value) -> Result<TaskTimeouts, StatesError> {
        task_timeouts(task, raw_input, &Value::Null)
    }
    use crate::asl::definition::parse_definition;

    fn task(fields: Value) -> State {
        let mut body = fields;
        body["Type"] = json!("Task");
        body["Resource"] = json!("arn:aws:states:us-east-1:123456789012:activity:a");
        body["End"] = json!(true);
        let definition = json!({"StartAt": "T", "States": {"T": body}});
        parse_definition(&definition.to_string())
            .expect("valid")
            .states["T"]
            .clone()
    }

    #[test]
    fn literal_and_path_timeouts() {
        assert_eq!(
            timeouts(&task(json!({})), &json!({})),
            Ok(TaskTimeouts::default())
        );
        assert_eq!(
            timeouts(
                &task(json!({"TimeoutSeconds": 30, "HeartbeatSeconds": 10})),
                &json!({})
            ),
            Ok(TaskTimeouts {
                timeout_secs: Some(30),
                heartbeat_secs: Some(10)
            })
        );
        assert_eq!(
            timeouts(
                &task(json!({"TimeoutSecondsPath": "$.t", "HeartbeatSecondsPath": "$.h"})),
                &json!({"t": 60, "h": 5})
            ),
            Ok(TaskTimeouts {
                timeout_secs: Some(60),
                heartbeat_secs: Some(5)
            })
        );
    }

    #[test]
    fn bad_path_values_fail_at_run_time() {
        let state = task(json!({"TimeoutSecondsPath": "$.t"}));
        for input in [
            json!({}),
            json!({"t": 0}),
            json!({"t": "5"}),
            json!({"t": 1.5}),
        ] {
            assert!(
                timeouts(&state, &input).is_err(),
                "{input} must be rejected"
            );
        }
        let state = task(json!({"TimeoutSecondsPath": "$.t", "HeartbeatSeconds": 10}));
        assert!(
            timeouts(&state, &json!({"t": 10})).is_err(),
            "heartbeat must be below timeout"
        );
    }
}
