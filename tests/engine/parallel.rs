//! Parallel states over HTTP: branch outputs, result processing, history,
//! a failing branch stopping the others, Retry and Catch.

use std::time::Duration;

use serde_json::{json, Value};
use stepworker_local::{LocalEngine, ManualClock};

use crate::support::api::{wait_for_sleepers, Api};

fn pass_branch(name: &str, result: Value) -> Value {
    json!({ "StartAt": name, "States": { name: { "Type": "Pass", "Result": result, "End": true } } })
}

fn fail_branch(error: &str) -> Value {
    json!({ "StartAt": "Boom", "States": { "Boom": {
        "Type": "Fail", "Error": error, "Cause": "branch gave up" } } })
}

fn task_branch(name: &str, activity: &str) -> Value {
    json!({ "StartAt": name, "States": { name: {
        "Type": "Task", "Resource": activity, "End": true } } })
}

#[tokio::test]
async fn branches_run_on_the_input_and_their_outputs_form_an_array() {
    let api = Api::start().await;
    let definition = json!({
        "StartAt": "Both",
        "States": { "Both": {
            "Type": "Parallel",
            "Parameters": { "n.$": "$.n" },
            "Branches": [
                pass_branch("Left", json!("left")),
                { "StartAt": "Echo", "States": { "Echo": { "Type": "Pass", "End": true } } }
            ],
            "ResultSelector": { "first.$": "$[0]", "second.$": "$[1].n" },
            "ResultPath": "$.both",
            "End": true
        } }
    });
    let machine = api.machine("parallel", definition).await;
    let execution = api.start_execution(&machine, json!({"n": 7})).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let output: Value =
        serde_json::from_str(done["output"].as_str().expect("output")).expect("json");
    assert_eq!(
        output,
        json!({"n": 7, "both": {"first": "left", "second": 7}})
    );

    let events = api.history(&execution).await;
    let types: Vec<&str> = events
        .iter()
        .map(|e| e["type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        types[..3],
        [
            "ExecutionStarted",
            "ParallelStateEntered",
            "ParallelStateStarted"
        ]
    );
    assert_eq!(
        types[types.len() - 3..],
        [
            "ParallelStateSucceeded",
            "ParallelStateExited",
            "ExecutionSucceeded"
        ]
    );
    let inner: Vec<&Value> = events[3..events.len() - 3].iter().collect();
    assert_eq!(
        inner.len(),
        4,
        "two Pass states entered and exited: {types:?}"
    );
    // Each branch's first event follows ParallelStateStarted, as AWS links them.
    let started_id = &events[2]["id"];
    let firsts = inner
        .iter()
        .filter(|e| e["type"] == "PassStateEntered")
        .filter(|e| &e["previousEventId"] == started_id)
        .count();
    assert_eq!(firsts, 2, "{inner:?}");
}

#[tokio::test]
async fn a_failing_branch_stops_the_others_and_fails_with_its_error() {
    let api = Api::with(LocalEngine::builder().poll_timeout(Duration::from_millis(100))).await;
    let activity = api.activity("slow").await;
    let definition = json!({
        "StartAt": "Both",
        "States": { "Both": {
            "Type": "Parallel",
            "Branches": [ task_branch("Work", &activity), fail_branch("Boom") ],
            "End": true
        } }
    });
    let machine = api.machine("parallel", definition).await;
    let execution = api.start_execution(&machine, json!({})).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"], "Boom");
    assert_eq!(done["cause"], "branch gave up");
    let types = api.event_types(&execution).await;
    assert!(
        types.contains(&"ParallelStateFailed".to_owned()),
        "{types:?}"
    );
    assert!(
        !types.contains(&"ParallelStateExited".to_owned()),
        "{types:?}"
    );
    // The stopped branch's task is gone: no worker ever receives it.
    let poll = api.poll(&activity, "late").await;
    assert!(poll.get("taskToken").is_none(), "{poll}");
    assert_eq!(api.engine.activity_stats()[&activity].queued_tasks, 0);
}

#[tokio::test]
async fn catch_on_a_parallel_state_catches_a_branch_error() {
    let api = Api::start().await;
    let definition = json!({
        "StartAt": "Both",
        "States": {
            "Both": {
                "Type": "Parallel",
                "Branches": [ pass_branch("Fine", json!(1)), fail_branch("Boom") ],
                "Catch": [ { "ErrorEquals": ["Boom"], "ResultPath": "$.error", "Next": "Handled" } ],
                "Next": "Unreached"
            },
            "Unreached": { "Type": "Fail", "Error": "Wrong" },
            "Handled": { "Type": "Pass", "End": true }
        }
    });
    let machine = api.machine("parallel", definition).await;
    let execution = api.start_execution(&machine, json!({"id": 1})).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let output: Value =
        serde_json::from_str(done["output"].as_str().expect("output")).expect("json");
    assert_eq!(
        output,
        json!({"id": 1, "error": {"Error": "Boom", "Cause": "branch gave up"}})
    );
}

#[tokio::test]
async fn retry_on_a_parallel_state_runs_every_branch_again() {
    let clock = ManualClock::starting_now();
    let api = Api::with(LocalEngine::builder().clock(clock.clone())).await;
    let activity = api.activity("flaky").await;
    let definition = json!({
        "StartAt": "Both",
        "States": { "Both": {
            "Type": "Parallel",
            "Branches": [ task_branch("Work", &activity), pass_branch("Fine", json!("ok")) ],
            "Retry": [ { "ErrorEquals": ["Flaky"], "IntervalSeconds": 5, "MaxAttempts": 1 } ],
            "End": true
        } }
    });
    let machine = api.machine("parallel", definition).await;
    let execution = api.start_execution(&machine, json!({})).await;
    let first = api.poll(&activity, "w").await;
    api.ok(
        "SendTaskFailure",
        json!({"taskToken": first["taskToken"], "error": "Flaky"}),
    )
    .await;
    wait_for_sleepers(&clock, 1).await;
    clock.advance(Duration::from_secs(5));
    let second = api.poll(&activity, "w").await;
    api.ok(
        "SendTaskSuccess",
        json!({"taskToken": second["taskToken"], "output": "\"done\""}),
    )
    .await;
    let done = api.finished(&execution).await;
    assert_eq!(done["output"], json!(["done", "ok"]).to_string());
    let types = api.event_types(&execution).await;
    let started = types
        .iter()
        .filter(|t| *t == "ParallelStateStarted")
        .count();
    assert_eq!(started, 2, "{types:?}");
}

#[tokio::test]
async fn stopping_the_execution_stops_every_branch() {
    let api = Api::with(LocalEngine::builder().poll_timeout(Duration::from_millis(100))).await;
    let activity = api.activity("a").await;
    let definition = json!({
        "StartAt": "Both",
        "States": { "Both": {
            "Type": "Parallel",
            "Branches": [ task_branch("One", &activity), task_branch("Two", &activity) ],
            "End": true
        } }
    });
    let machine = api.machine("parallel", definition).await;
    let execution = api.start_execution(&machine, json!({})).await;
    let task = api.poll(&activity, "w").await;
    api.ok("StopExecution", json!({"executionArn": execution}))
        .await;
    assert_eq!(api.finished(&execution).await["status"], "ABORTED");
    let late = api
        .err(
            "SendTaskSuccess",
            json!({"taskToken": task["taskToken"], "output": "1"}),
        )
        .await;
    assert_eq!(late.name(), "TaskTimedOut");
    assert_eq!(api.engine.activity_stats()[&activity].queued_tasks, 0);
}
