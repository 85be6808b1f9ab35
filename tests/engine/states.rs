//! The interpreter end to end: each state type, I/O processing, Retry and
//! Catch, the context object, runtime faults.

use std::time::Duration;

use serde_json::{json, Value};
use stepworker_local::{LocalEngine, ManualClock};

use crate::support::api::{wait_for_sleepers, Api};
use crate::support::spec::{output, run};

#[tokio::test]
async fn pass_applies_every_io_field_in_order() {
    let api = Api::start().await;
    let definition = json!({
        "StartAt": "P",
        "States": { "P": {
            "Type": "Pass",
            "InputPath": "$.in",
            "Parameters": { "x.$": "$.a", "name.$": "$$.Execution.Name", "fixed": 1 },
            "ResultPath": "$.result",
            "OutputPath": "$.result",
            "End": true } }
    });
    let done = run(&api, definition, json!({"in": {"a": 41}})).await;
    assert_eq!(done["status"], "SUCCEEDED");
    let out = output(&done);
    assert_eq!(out["x"], 41);
    assert_eq!(out["fixed"], 1);
    assert_eq!(out["name"], done["name"]);
}

#[tokio::test]
async fn task_result_selector_and_result_path_shape_the_output() {
    let api = Api::start().await;
    let activity = api.activity("a").await;
    let definition = json!({
        "StartAt": "T",
        "States": { "T": {
            "Type": "Task", "Resource": activity,
            "Parameters": { "token.$": "$$.Task.Token", "v.$": "$.v" },
            "ResultSelector": { "answer.$": "$.value" },
            "ResultPath": "$.task",
            "End": true } }
    });
    let machine = api.machine("m", definition).await;
    let execution = api.start_execution(&machine, json!({"v": 5})).await;
    let task = api.poll(&activity, "w").await;
    let input: Value = serde_json::from_str(task["input"].as_str().expect("input")).expect("JSON");
    assert_eq!(input["v"], 5);
    assert_eq!(
        input["token"], task["taskToken"],
        "$$.Task.Token is the task token"
    );
    api.ok(
        "SendTaskSuccess",
        json!({"taskToken": task["taskToken"], "output": "{\"value\": 7, \"noise\": 1}"}),
    )
    .await;
    let out = output(&api.finished(&execution).await);
    assert_eq!(out, json!({"v": 5, "task": {"answer": 7}}));
}

#[tokio::test]
async fn choice_picks_the_first_matching_rule_or_default_or_fails() {
    let api = Api::start().await;
    let definition = json!({
        "StartAt": "C",
        "States": {
            "C": { "Type": "Choice",
                "Choices": [
                    { "Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big" },
                    { "And": [ { "Variable": "$.s", "IsPresent": true },
                               { "Variable": "$.s", "StringMatches": "ab*" } ], "Next": "Pattern" }
                ],
                "Default": "Small" },
            "Big": { "Type": "Pass", "Result": "big", "End": true },
            "Pattern": { "Type": "Pass", "Result": "pattern", "End": true },
            "Small": { "Type": "Pass", "Result": "small", "End": true }
        }
    });
    let machine = api.machine("choice", definition).await;
    for (input, expected) in [
        (json!({"n": 11}), "big"),
        (json!({"n": 1, "s": "abc"}), "pattern"),
        (json!({"n": 1}), "small"),
    ] {
        let execution = api.start_execution(&machine, input).await;
        let done = api.finished(&execution).await;
        assert_eq!(output(&done), json!(expected));
    }
    let no_default = json!({
        "StartAt": "C",
        "States": { "C": { "Type": "Choice",
            "Choices": [ { "Variable": "$.n", "NumericEquals": 1, "Next": "D" } ] },
            "D": { "Type": "Succeed" } }
    });
    let done = run(&api, no_default, json!({"n": 2})).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"], "States.NoChoiceMatched");
}

#[tokio::test]
async fn wait_states_wait_on_the_engine_clock() {
    let clock = ManualClock::starting_now();
    let api = Api::with(LocalEngine::builder().clock(clock.clone())).await;
    let definition = json!({
        "StartAt": "W",
        "States": {
            "W": { "Type": "Wait", "SecondsPath": "$.delay", "Next": "Done" },
            "Done": { "Type": "Succeed" } }
    });
    let machine = api.machine("m", definition).await;
    let execution = api.start_execution(&machine, json!({"delay": 3600})).await;
    api.wait_for_event(&execution, "WaitStateEntered").await;
    wait_for_sleepers(&clock, 1).await;
    clock.advance(Duration::from_secs(3599));
    tokio::time::sleep(Duration::from_millis(30)).await;
    assert_eq!(api.describe(&execution).await["status"], "RUNNING");
    clock.advance(Duration::from_secs(1));
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED");
    assert_eq!(
        api.event_types(&execution).await,
        [
            "ExecutionStarted",
            "WaitStateEntered",
            "WaitStateExited",
            "SucceedStateEntered",
            "SucceedStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[tokio::test]
async fn fail_state_reports_its_error_and_cause_including_paths() {
    let api = Api::start().await;
    let definition = json!({
        "StartAt": "F",
        "States": { "F": { "Type": "Fail", "ErrorPath": "$.e", "Cause": "static cause" } }
    });
    let done = run(&api, definition, json!({"e": "Custom.Error"})).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"], "Custom.Error");
    assert_eq!(done["cause"], "static cause");
}

#[tokio::test]
async fn retry_then_catch_with_error_and_cause_in_result_path() {
    let clock = ManualClock::starting_now();
    let api = Api::with(LocalEngine::builder().clock(clock.clone())).await;
    let activity = api.activity("a").await;
    let definition = json!({
        "StartAt": "T",
        "States": {
            "T": { "Type": "Task", "Resource": activity,
                "Retry": [ { "ErrorEquals": ["Flaky"], "IntervalSeconds": 2, "MaxAttempts": 1 } ],
                "Catch": [ { "ErrorEquals": ["States.ALL"], "ResultPath": "$.caught", "Next": "Handled" } ],
                "End": true },
            "Handled": { "Type": "Pass", "End": true } }
    });
    let machine = api.machine("m", definition).await;
    let execution = api.start_execution(&machine, json!({"k": 1})).await;

    let first = api.poll(&activity, "w").await;
    api.ok(
        "SendTaskFailure",
        json!({"taskToken": first["taskToken"], "error": "Flaky", "cause": "once"}),
    )
    .await;
    // The retry waits IntervalSeconds on the engine clock.
    wait_for_sleepers(&clock, 1).await;
    clock.advance(Duration::from_secs(2));
    let second = api.poll(&activity, "w").await;
    assert_ne!(second["taskToken"], first["taskToken"]);
    api.ok(
        "SendTaskFailure",
        json!({"taskToken": second["taskToken"], "error": "Flaky", "cause": "twice"}),
    )
    .await;

    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED");
    assert_eq!(
        output(&done),
        json!({"k": 1, "caught": {"Error": "Flaky", "Cause": "twice"}})
    );
    let types = api.event_types(&execution).await;
    let scheduled = types.iter().filter(|t| *t == "ActivityScheduled").count();
    assert_eq!(scheduled, 2, "{types:?}");
    assert!(types.contains(&"TaskStateExited".to_owned()));
}

#[tokio::test]
async fn retry_count_is_in_the_context_object() {
    let clock = ManualClock::starting_now();
    let api = Api::with(LocalEngine::builder().clock(clock.clone())).await;
    let activity = api.activity("a").await;
    let definition = json!({
        "StartAt": "T",
        "States": { "T": { "Type": "Task", "Resource": activity,
            "Parameters": { "retry.$": "$$.State.RetryCount", "state.$": "$$.State.Name",
                            "machine.$": "$$.StateMachine.Name" },
            "Retry": [ { "ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 1,
                         "BackoffRate": 1, "MaxAttempts": 2 } ],
            "End": true } }
    });
    let machine = api.machine("ctx", definition).await;
    let execution = api.start_execution(&machine, json!({})).await;
    for attempt in 0..3 {
        if attempt > 0 {
            wait_for_sleepers(&clock, 1).await;
            clock.advance(Duration::from_secs(1));
        }
        let task = api.poll(&activity, "w").await;
        let input: Value =
            serde_json::from_str(task["input"].as_str().expect("input")).expect("JSON");
        assert_eq!(
            input,
            json!({"retry": attempt, "state": "T", "machine": "ctx"})
        );
        api.ok(
            "SendTaskFailure",
            json!({"taskToken": task["taskToken"], "error": "Boom"}),
        )
        .await;
    }
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"], "Boom");
}

#[tokio::test]
async fn runtime_faults_fail_the_execution_with_states_names() {
    let api = Api::start().await;
    let bad_path = json!({
        "StartAt": "P",
        "States": { "P": { "Type": "Pass", "InputPath": "$.missing", "End": true } }
    });
    let done = run(&api, bad_path, json!({})).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"], "States.Runtime");
    assert!(
        done["cause"].as_str().is_some_and(|c| c.contains("'P'")),
        "{done}"
    );
}

#[tokio::test]
async fn results_over_256_kib_fail_with_data_limit_exceeded() {
    let api = Api::start().await;
    let activity = api.activity("a").await;
    let definition = json!({
        "StartAt": "T",
        "States": { "T": { "Type": "Task", "Resource": activity, "ResultPath": "$.copy", "End": true } }
    });
    let machine = api.machine("m", definition).await;
    let big = "x".repeat(150_000);
    let execution = api.start_execution(&machine, json!({ "big": big })).await;
    let task = api.poll(&activity, "w").await;
    api.ok(
        "SendTaskSuccess",
        json!({"taskToken": task["taskToken"], "output": json!(big).to_string()}),
    )
    .await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"], "States.DataLimitExceeded");
}

#[tokio::test]
async fn execution_timeout_seconds_times_the_execution_out() {
    let clock = ManualClock::starting_now();
    let api = Api::with(LocalEngine::builder().clock(clock.clone())).await;
    let definition = json!({
        "StartAt": "W",
        "TimeoutSeconds": 5,
        "States": { "W": { "Type": "Wait", "Seconds": 60, "End": true } }
    });
    let machine = api.machine("m", definition).await;
    let execution = api.start_execution(&machine, json!({})).await;
    api.wait_for_event(&execution, "WaitStateEntered").await;
    wait_for_sleepers(&clock, 1).await;
    clock.advance(Duration::from_secs(5));
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "TIMED_OUT");
    let types = api.event_types(&execution).await;
    assert_eq!(types.last().map(String::as_str), Some("ExecutionTimedOut"));
}
