//! Parallel states over HTTP: branch outputs, result processing, history,
//! a failing branch stopping the others, Retry and Catch.

use std::time::Duration;

use serde_json::{json, Value};
use stepworker_local::LocalEngine;

use crate::support::api::{one_state, wait_for_sleepers, with_fields, Api};
use crate::support::spec::{output, type_names};

fn pass_branch(name: &str, result: Value) -> Value {
    json!({ "StartAt": name, "States": { name: { "Type": "Pass", "Result": result, "End": true } } })
}

fn fail_branch(error: &str) -> Value {
    json!({ "StartAt": "Boom", "States": { "Boom": {
        "Type": "Fail", "Error": error, "Cause": "branch gave up" } } })
}

fn task_branch(name: &str, activity: &str) -> Value {
    one_state(
        name,
        json!({ "Type": "Task", "Resource": activity, "End": true }),
    )
}

/// A machine whose one state, `Both`, is a Parallel state of `branches`
/// and whatever else `extra` adds (Retry, ResultSelector, ...).
fn parallel(branches: Value, extra: Value) -> Value {
    let state = json!({ "Type": "Parallel", "Branches": branches, "End": true });
    one_state("Both", with_fields(state, extra))
}

#[tokio::test]
async fn branches_run_on_the_input_and_their_outputs_form_an_array() {
    let api = Api::start().await;
    let definition = parallel(
        json!([
            pass_branch("Left", json!("left")),
            { "StartAt": "Echo", "States": { "Echo": { "Type": "Pass", "End": true } } }
        ]),
        json!({
            "Parameters": { "n.$": "$.n" },
            "ResultSelector": { "first.$": "$[0]", "second.$": "$[1].n" },
            "ResultPath": "$.both"
        }),
    );
    let (execution, done) = api
        .run_to_end("parallel", definition, json!({"n": 7}))
        .await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(
        output(&done),
        json!({"n": 7, "both": {"first": "left", "second": 7}})
    );

    let events = api.history(&execution).await;
    let types = type_names(&events);
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
    let definition = parallel(
        json!([task_branch("Work", &activity), fail_branch("Boom")]),
        json!({}),
    );
    let (execution, done) = api.run_to_end("parallel", definition, json!({})).await;
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
    let (_, done) = api
        .run_to_end("parallel", definition, json!({"id": 1}))
        .await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(
        output(&done),
        json!({"id": 1, "error": {"Error": "Boom", "Cause": "branch gave up"}})
    );
}

#[tokio::test]
async fn retry_on_a_parallel_state_runs_every_branch_again() {
    let (api, clock) = Api::on_manual_clock(LocalEngine::builder()).await;
    let activity = api.activity("flaky").await;
    let definition = parallel(
        json!([
            task_branch("Work", &activity),
            pass_branch("Fine", json!("ok"))
        ]),
        json!({ "Retry": [ { "ErrorEquals": ["Flaky"], "IntervalSeconds": 5, "MaxAttempts": 1 } ] }),
    );
    let execution = api.start_machine("parallel", definition, json!({})).await;
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
    let definition = parallel(
        json!([task_branch("One", &activity), task_branch("Two", &activity)]),
        json!({}),
    );
    let execution = api.start_machine("parallel", definition, json!({})).await;
    let task = api.poll(&activity, "w").await;
    api.ok("StopExecution", json!({"executionArn": execution}))
        .await;
    assert_eq!(api.finished(&execution).await["status"], "ABORTED");
    api.assert_token_void(task["taskToken"].as_str().expect("token"))
        .await;
    assert_eq!(api.engine.activity_stats()[&activity].queued_tasks, 0);
}
