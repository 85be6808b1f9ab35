//! Task timeouts and Wait deadlines that JSONata expressions may give.

use serde_json::Value;

use super::env;
use crate::asl::definition::{SecondsSource, State, StateKind, WaitState};
use crate::asl::jsonata::{JsonataEnv, JsonataExpression};
use crate::asl::jsonpath;
use crate::asl::jsonpath::task::{checked, TaskTimeouts};
use crate::asl::jsonpath::wait::{after_seconds, check_delay, plain, wait_until_millis};
use crate::asl::path::Scope;
use crate::asl::states_error::StatesError;
use crate::asl::timestamp::parse_timestamp_millis;

/// The Task's timeouts; JSONata `TimeoutSeconds`/`HeartbeatSeconds`
/// expressions must give positive integers.
pub fn task_timeouts(
    state: &State,
    raw: &Value,
    scope: Scope<'_>,
) -> Result<TaskTimeouts, StatesError> {
    let StateKind::Task(task) = &state.kind else {
        return Err(StatesError::runtime("Not a Task state."));
    };
    let is_expression = |s: &Option<SecondsSource>| matches!(s, Some(SecondsSource::Expression(_)));
    if !is_expression(&task.timeout) && !is_expression(&task.heartbeat) {
        return jsonpath::task::task_timeouts(state, raw, &scope);
    }
    let env = env(raw, None, None, scope);
    let read = |source: &Option<SecondsSource>, field: &str| match source {
        Some(SecondsSource::Literal(n)) => Ok(Some(*n)),
        Some(SecondsSource::Expression(e)) => positive_integer(&env, e, field).map(Some),
        _ => Ok(None),
    };
    let timeouts = TaskTimeouts {
        timeout_secs: read(&task.timeout, "TimeoutSeconds")?,
        heartbeat_secs: read(&task.heartbeat, "HeartbeatSeconds")?,
    };
    checked(state, timeouts)
}

fn positive_integer(
    env: &JsonataEnv<'_>,
    e: &JsonataExpression,
    field: &str,
) -> Result<u64, StatesError> {
    let value = env.value(e, field)?;
    value
        .as_u64()
        .or_else(|| {
            value
                .as_f64()
                .filter(|n| n.fract() == 0.0 && *n >= 0.0)
                .map(|n| n as u64)
        })
        .filter(|n| *n > 0 || field == "Seconds")
        .ok_or_else(|| env.wrong_type(e, field, "a positive integer", &value))
}

/// When a Wait state entered at `now_millis` ends.
pub fn wait_until(
    state: &State,
    raw: &Value,
    now_millis: i64,
    scope: Scope<'_>,
) -> Result<i64, StatesError> {
    let StateKind::Wait(spec) = &state.kind else {
        return Err(StatesError::runtime("Not a Wait state."));
    };
    let until = match spec {
        WaitState::SecondsExpression(e) => {
            let env = env(raw, None, None, scope);
            positive_integer(&env, e, "Seconds").map(|s| after_seconds(now_millis, s))
        }
        WaitState::TimestampExpression(e) => {
            let env = env(raw, None, None, scope);
            let value = env.value(e, "Timestamp")?;
            value
                .as_str()
                .and_then(parse_timestamp_millis)
                .ok_or_else(|| not_a_timestamp(&value))
        }
        _ => wait_until_millis(state, raw, now_millis, &scope),
    }?;
    check_delay(until, now_millis)
}

/// AWS's words for a JSONata `Timestamp` that is not a timestamp
/// (recorded: LocalStack's `test_base_scenarios.snapshot.json`,
/// `test_wait_timestamp_jsonata[INVALID_DATE]` and siblings).
fn not_a_timestamp(value: &Value) -> StatesError {
    StatesError::query_evaluation(
        "Timestamp",
        format!(
            "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {}",
            plain(value)
        ),
    )
}
