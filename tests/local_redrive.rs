//! RedriveExecution over HTTP: a failed, stopped or timed out STANDARD
//! execution runs again from the state it ended in, with that state's
//! input; what cannot be redriven is refused with ExecutionNotRedrivable.

#[path = "support/local_api.rs"]
mod api;

use std::time::Duration;

use api::Api;
use serde_json::{json, Value};
use stepworker_local::{LocalEngine, ManualClock};

/// Pass (adds a field) then a Task on `activity` that reads the redrive
/// count from the context object.
fn pass_then_task(activity: &str) -> Value {
    json!({
        "StartAt": "Prepare",
        "States": {
            "Prepare": {"Type": "Pass", "Result": "ready", "ResultPath": "$.prepared", "Next": "Work"},
            "Work": {"Type": "Task", "Resource": activity,
                     "Parameters": {"order.$": "$.order", "prepared.$": "$.prepared",
                                    "redrives.$": "$$.Execution.RedriveCount"},
                     "End": true}
        }
    })
}

async fn fail_task(api: &Api, activity: &str) -> Value {
    let task = api.poll(activity, "w").await;
    api.ok(
        "SendTaskFailure",
        json!({"taskToken": task["taskToken"], "error": "Broken", "cause": "try again"}),
    )
    .await;
    task
}

async fn redrive(api: &Api, execution: &str) -> Value {
    api.ok("RedriveExecution", json!({"executionArn": execution}))
        .await
}

fn task_input(task: &Value) -> Value {
    serde_json::from_str(task["input"].as_str().expect("task input")).expect("JSON input")
}

fn count(types: &[String], kind: &str) -> usize {
    types.iter().filter(|t| *t == kind).count()
}

#[tokio::test]
async fn a_failed_execution_reruns_from_the_failed_state_with_its_input() {
    let api = Api::start().await;
    let activity = api.activity("work").await;
    let machine = api.machine("m", pass_then_task(&activity)).await;
    let execution = api.start_execution(&machine, json!({"order": 7})).await;
    let first = fail_task(&api, &activity).await;
    let failed = api.finished(&execution).await;
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(failed["redriveCount"], 0);
    assert_eq!(failed["redriveStatus"], "REDRIVABLE");

    let answer = redrive(&api, &execution).await;
    assert!(answer["redriveDate"].is_number());
    let running = api.describe(&execution).await;
    assert_eq!(running["status"], "RUNNING");
    assert_eq!(running["redriveCount"], 1);
    assert_eq!(running["redriveDate"], answer["redriveDate"]);
    assert!(running.get("error").is_none(), "the old error is cleared");

    let second = api.poll(&activity, "w").await;
    let (before, after) = (task_input(&first), task_input(&second));
    assert_eq!(before["redrives"], 0);
    assert_eq!(after["redrives"], 1);
    assert_eq!(after["order"], before["order"]);
    assert_eq!(after["prepared"], "ready", "the Task gets the input it had");
    api.ok(
        "SendTaskSuccess",
        json!({"taskToken": second["taskToken"], "output": "{\"done\": true}"}),
    )
    .await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED");
    assert_eq!(done["output"], "{\"done\":true}");
    assert_eq!(done["redriveStatus"], "NOT_REDRIVABLE");

    let history = api.history(&execution).await;
    let types: Vec<String> = history
        .iter()
        .map(|e| e["type"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(count(&types, "PassStateEntered"), 1, "Prepare is not rerun");
    assert_eq!(count(&types, "TaskStateEntered"), 2);
    let failed_at = types
        .iter()
        .position(|t| t == "ExecutionFailed")
        .expect("failed");
    assert_eq!(types[failed_at + 1], "ExecutionRedriven");
    assert_eq!(types[failed_at + 2], "TaskStateEntered");
    assert_eq!(types.last().map(String::as_str), Some("ExecutionSucceeded"));
    let redriven = &history[failed_at + 1];
    assert_eq!(redriven["executionRedrivenEventDetails"]["redriveCount"], 1);
    assert_eq!(history[failed_at + 2]["previousEventId"], redriven["id"]);
}

#[tokio::test]
async fn what_cannot_be_redriven_is_refused() {
    let api = Api::start().await;
    let activity = api.activity("work").await;
    let machine = api.machine("m", pass_then_task(&activity)).await;
    let execution = api.start_execution(&machine, json!({"order": 1})).await;
    api.wait_for_event(&execution, "ActivityScheduled").await;
    let running = api
        .err("RedriveExecution", json!({"executionArn": execution}))
        .await;
    assert_eq!(running.name(), "ExecutionNotRedrivable");
    assert_eq!(
        api.describe(&execution).await["redriveStatus"],
        "NOT_REDRIVABLE"
    );

    let task = api.poll(&activity, "w").await;
    api.ok(
        "SendTaskSuccess",
        json!({"taskToken": task["taskToken"], "output": "{}"}),
    )
    .await;
    assert_eq!(api.finished(&execution).await["status"], "SUCCEEDED");
    let succeeded = api
        .err("RedriveExecution", json!({"executionArn": execution}))
        .await;
    assert_eq!(succeeded.name(), "ExecutionNotRedrivable");

    let unknown = execution.replace(":m:", ":other:");
    let missing = api
        .err("RedriveExecution", json!({"executionArn": unknown}))
        .await;
    assert_eq!(missing.name(), "ExecutionDoesNotExist");
    let bad = api
        .err("RedriveExecution", json!({"executionArn": "nope"}))
        .await;
    assert_eq!(bad.name(), "InvalidArn");
    let token = api
        .err(
            "RedriveExecution",
            json!({"executionArn": execution, "clientToken": "has space"}),
        )
        .await;
    assert_eq!(token.name(), "ValidationException");
}

#[tokio::test]
async fn a_stopped_execution_reruns_the_state_it_was_stopped_in() {
    let api = Api::start().await;
    let activity = api.activity("work").await;
    let machine = api.machine("m", pass_then_task(&activity)).await;
    let execution = api.start_execution(&machine, json!({"order": 3})).await;
    api.wait_for_event(&execution, "ActivityScheduled").await;
    api.ok("StopExecution", json!({"executionArn": execution}))
        .await;
    assert_eq!(api.finished(&execution).await["status"], "ABORTED");

    redrive(&api, &execution).await;
    let task = api.poll(&activity, "w").await;
    assert_eq!(task_input(&task)["order"], 3);
    api.ok(
        "SendTaskSuccess",
        json!({"taskToken": task["taskToken"], "output": "{}"}),
    )
    .await;
    assert_eq!(api.finished(&execution).await["status"], "SUCCEEDED");

    let listed = |filter: &'static str| {
        let api = &api;
        let machine = machine.clone();
        async move {
            let out = api
                .ok(
                    "ListExecutions",
                    json!({"stateMachineArn": machine, "redriveFilter": filter}),
                )
                .await;
            out["executions"].as_array().cloned().unwrap_or_default()
        }
    };
    let redriven = listed("REDRIVEN").await;
    assert_eq!(redriven.len(), 1);
    assert_eq!(redriven[0]["redriveCount"], 1);
    assert!(listed("NOT_REDRIVEN").await.is_empty());
}

#[tokio::test]
async fn a_client_token_makes_a_repeated_request_harmless() {
    let api = Api::start().await;
    let activity = api.activity("work").await;
    let machine = api.machine("m", pass_then_task(&activity)).await;
    let execution = api.start_execution(&machine, json!({"order": 0})).await;
    fail_task(&api, &activity).await;
    api.finished(&execution).await;
    let request = json!({"executionArn": execution, "clientToken": "token-1"});
    let first = api.ok("RedriveExecution", request.clone()).await;
    let again = api.ok("RedriveExecution", request).await;
    assert_eq!(first["redriveDate"], again["redriveDate"]);
    assert_eq!(api.describe(&execution).await["redriveCount"], 1);
}

#[tokio::test]
async fn executions_redrive_only_within_14_days_and_timeouts_restart() {
    let clock = ManualClock::starting_now();
    let api = Api::with(LocalEngine::builder().clock(clock.clone())).await;
    let activity = api.activity("work").await;
    let mut definition = pass_then_task(&activity);
    definition["TimeoutSeconds"] = json!(60);
    let machine = api.machine("m", definition).await;

    let old = api.start_execution(&machine, json!({"order": 0})).await;
    fail_task(&api, &activity).await;
    api.finished(&old).await;
    clock.advance(Duration::from_secs(14 * 24 * 3600 + 1));
    assert_eq!(api.describe(&old).await["redriveStatus"], "NOT_REDRIVABLE");
    let refused = api
        .err("RedriveExecution", json!({"executionArn": old}))
        .await;
    assert_eq!(refused.name(), "ExecutionNotRedrivable");

    // Long after its start, a redriven execution gets its full timeout again.
    let execution = api.start_execution(&machine, json!({"order": 0})).await;
    fail_task(&api, &activity).await;
    api.finished(&execution).await;
    clock.advance(Duration::from_secs(50));
    redrive(&api, &execution).await;
    api.wait_for_event(&execution, "ActivityScheduled").await;
    clock.advance(Duration::from_secs(30));
    // Gives a runner still on the old deadline time to time out.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(api.describe(&execution).await["status"], "RUNNING");
    clock.advance(Duration::from_secs(31));
    let timed_out = api.finished(&execution).await;
    assert_eq!(timed_out["status"], "TIMED_OUT");
    assert_eq!(timed_out["redriveStatus"], "REDRIVABLE");
}
