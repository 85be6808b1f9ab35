//! Histories of retried and failed Parallel and Map states, checked against
//! histories recorded against AWS: LocalStack's
//! `tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.snapshot.json`
//! (github.com/localstack/localstack), each test named where it is used.
//! Retry waits run on the engine's ManualClock.

use std::time::Duration;

use serde_json::{json, Value};
use stepworker_local::{LocalEngine, ManualClock};

use crate::support::api::Api;
use crate::support::spec;

/// Runs `definition` on `{}` with `clock`, moving the clock on whenever the
/// execution waits, until it ends; its description and event types.
async fn run_on_clock(api: &Api, clock: &ManualClock, definition: Value) -> (Value, Vec<String>) {
    let machine = api.machine(&spec::unique_name(), definition).await;
    let execution = api.start_execution(&machine, json!({})).await;
    for _ in 0..50 {
        let described = api.describe(&execution).await;
        if described["status"] != "RUNNING" {
            return (described, api.event_types(&execution).await);
        }
        if clock.sleepers() > 0 {
            clock.advance(Duration::from_secs(60));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("execution did not end")
}

/// A Map over `[1]` whose only state fails with `fail`, with `extra`
/// fields (Retry, Catch) on the Map state.
fn failing_map(fail: Value, extra: Value) -> Value {
    let mut map = json!({
        "Type": "Map",
        "ResultPath": null,
        "InputPath": "$.arr",
        "MaxConcurrency": 1,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": "HandleItemFail",
            "States": {"HandleItemFail": fail}
        },
        "Next": "Final"
    });
    for (key, value) in extra.as_object().cloned().unwrap_or_default() {
        map[key] = value;
    }
    json!({
        "StartAt": "StartState",
        "States": {
            "StartState": {"Type": "Pass", "Result": [1], "ResultPath": "$.arr", "Next": "MapState"},
            "MapState": map,
            "Final": {"Type": "Pass", "End": true}
        }
    })
}

// Recorded: `test_map_state_retry`: each retried attempt writes
// MapStateStarted, an iteration and MapIterationFailed; MapStateFailed
// comes once, after the last attempt.
#[tokio::test]
async fn a_retried_map_state_fails_once() {
    let clock = ManualClock::starting_now();
    let api = Api::with(LocalEngine::builder().clock(clock.clone())).await;
    let definition = failing_map(
        json!({"Type": "Fail", "Error": "HandleItemFailError", "Cause": "HandleItemFailCause"}),
        json!({"Retry": [{"ErrorEquals": ["HandleItemFailError"], "MaxAttempts": 2}]}),
    );
    let (done, types) = run_on_clock(&api, &clock, definition).await;
    assert_eq!(done["error"], "HandleItemFailError");
    assert_eq!(done["cause"], "HandleItemFailCause");
    let attempt = [
        "MapStateStarted",
        "MapIterationStarted",
        "FailStateEntered",
        "MapIterationFailed",
    ];
    let mut expected = vec![
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "MapStateEntered",
    ];
    for _ in 0..3 {
        expected.extend(attempt);
    }
    expected.extend(["MapStateFailed", "ExecutionFailed"]);
    assert_eq!(types, expected);
}

// Recorded: `test_parallel_state_retry`: ParallelStateStarted and the
// branch's FailStateEntered per attempt, ParallelStateFailed once.
#[tokio::test]
async fn a_retried_parallel_state_fails_once() {
    let clock = ManualClock::starting_now();
    let api = Api::with(LocalEngine::builder().clock(clock.clone())).await;
    let definition = json!({
        "StartAt": "ParallelState",
        "States": {
            "ParallelState": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "Branch1", "States": {"Branch1": {
                    "Type": "Fail", "Error": "FailureType", "Cause": "Cause description"
                }}}],
                "Retry": [{"ErrorEquals": ["FailureType"], "MaxAttempts": 2}],
                "Next": "Final"
            },
            "Final": {"Type": "Pass", "End": true}
        }
    });
    let (done, types) = run_on_clock(&api, &clock, definition).await;
    assert_eq!(done["error"], "FailureType");
    assert_eq!(done["cause"], "Cause description");
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "ParallelStateEntered",
            "ParallelStateStarted",
            "FailStateEntered",
            "ParallelStateStarted",
            "FailStateEntered",
            "ParallelStateStarted",
            "FailStateEntered",
            "ParallelStateFailed",
            "ExecutionFailed"
        ]
    );
}

// Recorded: `test_map_state_catch_empty_fail`: a Fail state without Error
// or Cause fails the Map, no catcher matches (`State.ALL` is a typo AWS
// keeps), and ExecutionFailed has neither error nor cause.
#[tokio::test]
async fn an_empty_failure_reports_no_error_or_cause() {
    let api = Api::start().await;
    let mut definition = failing_map(
        json!({"Type": "Fail"}),
        json!({"Catch": [
            {"ErrorEquals": ["Internal Error"], "Next": "Final"},
            {"ErrorEquals": ["State.ALL"], "Next": "Final"}
        ]}),
    );
    definition["States"]["MapState"]["Next"] = json!("Final");
    let machine = api.machine(&spec::unique_name(), definition).await;
    let execution = api.start_execution(&machine, json!({})).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "FAILED");
    assert!(done.get("error").is_none(), "{done}");
    assert!(done.get("cause").is_none(), "{done}");
    let history = api.history(&execution).await;
    let last = history.last().expect("events");
    assert_eq!(last["type"], "ExecutionFailed");
    assert_eq!(last["executionFailedEventDetails"], json!({}));
    let types: Vec<&str> = history.iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(
        &types[types.len() - 4..],
        [
            "FailStateEntered",
            "MapIterationFailed",
            "MapStateFailed",
            "ExecutionFailed"
        ]
    );
}
