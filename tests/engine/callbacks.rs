//! `.waitForTaskToken` service integrations over HTTP: the token in
//! `$$.Task.Token`, found in the TaskScheduled parameters, completed by
//! SendTaskSuccess/SendTaskFailure, kept alive by SendTaskHeartbeat, timed
//! out by HeartbeatSeconds, or answered at once by a mocked response.

use serde_json::{json, Value};
use stepworker_local::{LocalEngine, MockConfig};

use crate::support::api::{heartbeat_once_then_miss_one, one_state, with_fields, Api};
use crate::support::spec::{first_event, output};

/// Sends a message carrying the task token, then waits for the callback.
fn callback_definition(extra: Value) -> Value {
    let wait = json!({
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {
            "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
            "MessageBody": { "order.$": "$.order", "token.$": "$$.Task.Token" }
        },
        "ResultPath": "$.approval",
        "End": true
    });
    // Only a Catch makes the Rejected state reachable.
    let catches = extra.get("Catch").is_some();
    let mut definition = one_state("WaitForApproval", with_fields(wait, extra));
    if catches {
        definition["States"]["Rejected"] = json!({ "Type": "Pass", "End": true });
    }
    definition
}

/// Starts the `approvals` machine (`callback_definition(extra)`) on `input`
/// and waits until its task is handed out; the execution and its token.
async fn waiting_for_callback(api: &Api, extra: Value, input: Value) -> (String, String) {
    let execution = api
        .start_machine("approvals", callback_definition(extra), input)
        .await;
    let token = token_of(api, &execution).await;
    (execution, token)
}

/// The token the engine put in the message body, read from TaskScheduled.
async fn token_of(api: &Api, execution: &str) -> String {
    api.wait_for_event(execution, "TaskSubmitted").await;
    let scheduled = api.first_event(execution, "TaskScheduled").await;
    let details = &scheduled["taskScheduledEventDetails"];
    assert_eq!(details["resourceType"], "sqs");
    assert_eq!(details["resource"], "sendMessage.waitForTaskToken");
    let parameters: Value =
        serde_json::from_str(details["parameters"].as_str().expect("parameters")).expect("json");
    parameters["MessageBody"]["token"]
        .as_str()
        .expect("the token is in the rendered parameters")
        .to_owned()
}

#[tokio::test]
async fn send_task_success_with_the_token_completes_the_task() {
    let api = Api::start().await;
    let (execution, token) = waiting_for_callback(&api, json!({}), json!({"order": 42})).await;
    assert_eq!(api.describe(&execution).await["status"], "RUNNING");
    api.ok("SendTaskHeartbeat", json!({"taskToken": token}))
        .await;
    api.ok(
        "SendTaskSuccess",
        json!({"taskToken": token, "output": "{\"approved\":true}"}),
    )
    .await;

    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(
        output(&done),
        json!({"order": 42, "approval": {"approved": true}})
    );
    let types = api.event_types(&execution).await;
    let task_events: Vec<&str> = types
        .iter()
        .map(String::as_str)
        .filter(|t| t.starts_with("Task") && !t.contains("State"))
        .collect();
    assert_eq!(
        task_events,
        [
            "TaskScheduled",
            "TaskStarted",
            "TaskSubmitted",
            "TaskSucceeded"
        ]
    );
    // A token is good once.
    api.assert_token_void(&token).await;
}

#[tokio::test]
async fn send_task_failure_is_caught_like_any_task_error() {
    let api = Api::start().await;
    let catch = json!({
        "Catch": [ { "ErrorEquals": ["Rejected"], "ResultPath": "$.rejection", "Next": "Rejected" } ]
    });
    let (execution, token) = waiting_for_callback(&api, catch, json!({"order": 1})).await;
    api.ok(
        "SendTaskFailure",
        json!({"taskToken": token, "error": "Rejected", "cause": "too expensive"}),
    )
    .await;

    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(
        output(&done)["rejection"],
        json!({"Error": "Rejected", "Cause": "too expensive"})
    );
    let failed = api.first_event(&execution, "TaskFailed").await;
    assert_eq!(failed["taskFailedEventDetails"]["error"], "Rejected");
    assert_eq!(failed["taskFailedEventDetails"]["resourceType"], "sqs");
}

#[tokio::test]
async fn a_missed_heartbeat_times_the_callback_out() {
    let (api, clock) = Api::on_manual_clock(LocalEngine::builder()).await;
    let timers = json!({"HeartbeatSeconds": 10, "TimeoutSeconds": 100});
    let (execution, token) = waiting_for_callback(&api, timers, json!({"order": 1})).await;
    heartbeat_once_then_miss_one(&api, &clock, &execution, &token).await;
    let history = api.history(&execution).await;
    let timed_out = first_event(&history, "TaskTimedOut");
    assert_eq!(
        timed_out["taskTimedOutEventDetails"]["error"],
        "States.Timeout"
    );
    assert_eq!(
        timed_out["taskTimedOutEventDetails"]["resource"],
        "sendMessage.waitForTaskToken"
    );
    api.assert_token_void(&token).await;
}

#[tokio::test]
async fn stopping_the_execution_voids_the_token() {
    let api = Api::start().await;
    let (execution, token) = waiting_for_callback(&api, json!({}), json!({"order": 1})).await;
    api.ok("StopExecution", json!({"executionArn": execution}))
        .await;
    api.assert_token_void(&token).await;
}

#[tokio::test]
async fn a_mocked_callback_returns_at_once_without_waiting() {
    let mocks: MockConfig = json!({
        "StateMachines": { "approvals": { "TestCases": {
            "AutoApproved": { "WaitForApproval": "Approved" },
            "Manual": {}
        } } },
        "MockedResponses": { "Approved": { "0": { "Return": { "approved": "auto" } } } }
    })
    .to_string()
    .parse()
    .expect("valid");
    let api = Api::with(LocalEngine::builder().mock_config(mocks)).await;
    let machine = api
        .machine("approvals", callback_definition(json!({})))
        .await;

    let auto = api
        .start_execution(&format!("{machine}#AutoApproved"), json!({"order": 5}))
        .await;
    let done = api.finished(&auto).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(output(&done)["approval"], json!({"approved": "auto"}));

    // A test case without a mock for the state waits for the callback.
    let manual = api
        .start_execution(&format!("{machine}#Manual"), json!({"order": 6}))
        .await;
    let token = token_of(&api, &manual).await;
    api.ok(
        "SendTaskSuccess",
        json!({"taskToken": token, "output": "{\"approved\":\"by hand\"}"}),
    )
    .await;
    let done = api.finished(&manual).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
}
