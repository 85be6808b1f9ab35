//! EXPRESS state machines over HTTP: StartSyncExecution, asynchronous
//! starts, and the operations AWS does not offer for Express executions.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use stepworker_local::{LocalEngine, ManualClock};

use crate::support::api::{wait_for_sleepers, Api, ROLE};

async fn express(api: &Api, name: &str, definition: Value) -> String {
    let out = api
        .ok(
            "CreateStateMachine",
            json!({ "name": name, "definition": definition.to_string(), "roleArn": ROLE, "type": "EXPRESS" }),
        )
        .await;
    out["stateMachineArn"].as_str().expect("arn").to_owned()
}

fn doubling() -> Value {
    json!({
        "StartAt": "Each",
        "States": { "Each": {
            "Type": "Map", "ItemsPath": "$.n",
            "ItemProcessor": { "StartAt": "Twice", "States": { "Twice": {
                "Type": "Pass", "Parameters": { "v.$": "States.MathAdd($, $)" }, "OutputPath": "$.v", "End": true } } },
            "End": true
        } }
    })
}

#[tokio::test]
async fn start_sync_execution_answers_with_the_result() {
    let api = Api::start().await;
    let machine = express(&api, "fast", doubling()).await;
    let out = api
        .ok(
            "StartSyncExecution",
            json!({ "stateMachineArn": machine, "name": "one", "input": "{\"n\":[1,2]}" }),
        )
        .await;
    assert_eq!(out["status"], "SUCCEEDED", "{out}");
    assert_eq!(out["output"], "[2,4]");
    assert_eq!(out["input"], "{\"n\":[1,2]}");
    assert_eq!(out["name"], "one");
    assert_eq!(out["stateMachineArn"], machine.as_str());
    let arn = out["executionArn"].as_str().expect("arn");
    assert!(
        arn.starts_with("arn:aws:states:us-east-1:123456789012:express:fast:one:"),
        "{arn}"
    );
    assert!(out["billingDetails"]["billedDurationInMilliseconds"].as_i64() >= Some(100));
    assert!(out["stopDate"].as_f64() >= out["startDate"].as_f64());

    let quiet = api
        .ok(
            "StartSyncExecution",
            json!({ "stateMachineArn": machine, "name": "one", "input": "{\"n\":[]}", "includedData": "METADATA_ONLY" }),
        )
        .await;
    assert_eq!(quiet["status"], "SUCCEEDED");
    assert!(
        quiet.get("output").is_none() && quiet.get("input").is_none(),
        "{quiet}"
    );
    assert_ne!(
        quiet["executionArn"], out["executionArn"],
        "Express names may repeat"
    );
}

#[tokio::test]
async fn a_failed_sync_execution_reports_error_and_cause() {
    let api = Api::start().await;
    let machine = express(
        &api,
        "failing",
        json!({"StartAt": "No", "States": {"No": {"Type": "Fail", "Error": "Nope", "Cause": "said no"}}}),
    )
    .await;
    let out = api
        .ok("StartSyncExecution", json!({ "stateMachineArn": machine }))
        .await;
    assert_eq!(out["status"], "FAILED");
    assert_eq!(out["error"], "Nope");
    assert_eq!(out["cause"], "said no");
    assert!(out.get("output").is_none());
}

#[tokio::test]
async fn express_executions_time_out_at_their_timeout() {
    let clock = ManualClock::starting_now();
    let api = Arc::new(Api::with(LocalEngine::builder().clock(clock.clone())).await);
    let machine = express(
        &api,
        "slow",
        json!({"TimeoutSeconds": 2, "StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 60, "End": true}}}),
    )
    .await;
    let call = tokio::spawn({
        let api = api.clone();
        async move {
            api.ok("StartSyncExecution", json!({ "stateMachineArn": machine }))
                .await
        }
    });
    wait_for_sleepers(&clock, 1).await;
    clock.advance(Duration::from_secs(2));
    let out = tokio::time::timeout(Duration::from_secs(5), call)
        .await
        .expect("answers once timed out")
        .expect("join");
    assert_eq!(out["status"], "TIMED_OUT");
    assert_eq!(out["error"], "States.Timeout");
}

#[tokio::test]
async fn express_executions_have_no_readable_record() {
    let api = Api::start().await;
    let machine = express(&api, "fast", doubling()).await;
    let arn = api.start_execution(&machine, json!({"n": [1]})).await;
    assert!(arn.contains(":express:fast:"), "{arn}");
    for operation in ["DescribeExecution", "GetExecutionHistory", "StopExecution"] {
        let err = api.err(operation, json!({ "executionArn": arn })).await;
        assert_eq!(err.name(), "InvalidArn", "{operation}");
    }
    let err = api
        .err("ListExecutions", json!({ "stateMachineArn": machine }))
        .await;
    assert_eq!(err.name(), "StateMachineTypeNotSupported");
    let described = api
        .ok(
            "DescribeStateMachine",
            json!({ "stateMachineArn": machine }),
        )
        .await;
    assert_eq!(described["type"], "EXPRESS");
}

#[tokio::test]
async fn standard_machines_refuse_sync_starts_and_express_machines_refuse_activities() {
    let api = Api::start().await;
    let standard = api.machine("std", doubling()).await;
    let err = api
        .err("StartSyncExecution", json!({ "stateMachineArn": standard }))
        .await;
    assert_eq!(err.name(), "StateMachineTypeNotSupported");

    let activity = api.activity("a").await;
    let with_activity = json!({"StartAt": "Work", "States": {"Work": {
        "Type": "Task", "Resource": activity, "End": true}}});
    let err = api
        .err(
            "CreateStateMachine",
            json!({ "name": "x", "definition": with_activity.to_string(), "roleArn": ROLE, "type": "EXPRESS" }),
        )
        .await;
    assert_eq!(err.name(), "InvalidDefinition");
    assert!(
        err.message.contains("/States/Work/Resource"),
        "{}",
        err.message
    );
    let express_machine = express(&api, "ok", doubling()).await;
    let err = api
        .err(
            "UpdateStateMachine",
            json!({ "stateMachineArn": express_machine, "definition": with_activity.to_string() }),
        )
        .await;
    assert_eq!(err.name(), "InvalidDefinition");
}
