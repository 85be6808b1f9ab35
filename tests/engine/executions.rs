//! StartExecution, StopExecution, DescribeExecution, ListExecutions.

use serde_json::json;
use stepworker_local::{LocalEngine, Retention};

use crate::support::api::{one_task, Api};

#[tokio::test]
async fn start_is_idempotent_for_the_same_name_and_input_while_running() {
    let api = Api::start().await;
    let activity = api.activity("a").await;
    let machine = api.machine("m", one_task(&activity)).await;
    let body = json!({"stateMachineArn": machine, "name": "run-1", "input": "{\"a\":1}"});
    let first = api.ok("StartExecution", body.clone()).await;
    assert_eq!(api.ok("StartExecution", body.clone()).await, first);
    let mut other_input = body.clone();
    other_input["input"] = json!("{\"a\":2}");
    let err = api.err("StartExecution", other_input).await;
    assert_eq!(err.name(), "ExecutionAlreadyExists");
    api.ok(
        "StopExecution",
        json!({"executionArn": first["executionArn"]}),
    )
    .await;
    let after_end = api.err("StartExecution", body).await;
    assert_eq!(after_end.name(), "ExecutionAlreadyExists");
}

#[tokio::test]
async fn input_is_validated() {
    let api = Api::start().await;
    let machine = api
        .machine(
            "m",
            json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
        )
        .await;
    let not_json = api
        .err(
            "StartExecution",
            json!({"stateMachineArn": machine, "input": "{"}),
        )
        .await;
    assert_eq!(not_json.name(), "InvalidExecutionInput");
    let big = json!("x".repeat(262_144)).to_string();
    let too_big = api
        .err(
            "StartExecution",
            json!({"stateMachineArn": machine, "input": big}),
        )
        .await;
    assert_eq!(too_big.name(), "InvalidExecutionInput");
    let bad_name = api
        .err(
            "StartExecution",
            json!({"stateMachineArn": machine, "name": "a b"}),
        )
        .await;
    assert_eq!(bad_name.name(), "InvalidName");
    let missing = api
        .err(
            "StartExecution",
            json!({"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:none"}),
        )
        .await;
    assert_eq!(missing.name(), "StateMachineDoesNotExist");
    let no_execution = api
        .err(
            "DescribeExecution",
            json!({"executionArn": "arn:aws:states:us-east-1:123456789012:execution:m:none"}),
        )
        .await;
    assert_eq!(no_execution.name(), "ExecutionDoesNotExist");
}

#[tokio::test]
async fn list_executions_newest_first_with_status_filter_and_paging() {
    let api = Api::start().await;
    let activity = api.activity("a").await;
    let machine = api.machine("m", one_task(&activity)).await;
    let mut arns = Vec::new();
    for i in 0..4 {
        let out = api
            .ok(
                "StartExecution",
                json!({"stateMachineArn": machine, "name": format!("e{i}")}),
            )
            .await;
        arns.push(out["executionArn"].as_str().unwrap_or_default().to_owned());
    }
    api.ok("StopExecution", json!({"executionArn": arns[1]}))
        .await;

    let all = api
        .ok(
            "ListExecutions",
            json!({"stateMachineArn": machine, "maxResults": 3}),
        )
        .await;
    let names: Vec<&str> = all["executions"]
        .as_array()
        .map(|v| v.iter().map(|e| e["name"].as_str().unwrap_or("")).collect())
        .unwrap_or_default();
    assert_eq!(names, ["e3", "e2", "e1"]);
    let rest = api
        .ok(
            "ListExecutions",
            json!({"stateMachineArn": machine, "maxResults": 3, "nextToken": all["nextToken"]}),
        )
        .await;
    assert_eq!(rest["executions"][0]["name"], "e0");
    assert!(rest.get("nextToken").is_none());

    let aborted = api
        .ok(
            "ListExecutions",
            json!({"stateMachineArn": machine, "statusFilter": "ABORTED"}),
        )
        .await;
    assert_eq!(aborted["executions"].as_array().map(Vec::len), Some(1));
    assert_eq!(aborted["executions"][0]["status"], "ABORTED");
    let bad = api
        .err(
            "ListExecutions",
            json!({"stateMachineArn": machine, "statusFilter": "DONE"}),
        )
        .await;
    assert_eq!(bad.name(), "ValidationException");
}

#[tokio::test]
async fn describe_reports_status_dates_and_data() {
    let api = Api::start().await;
    let machine = api
        .machine(
            "m",
            json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
        )
        .await;
    let execution = api.start_execution(&machine, json!({"x": 1})).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED");
    assert_eq!(done["input"], "{\"x\":1}");
    assert_eq!(done["output"], "{\"x\":1}");
    assert_eq!(done["stateMachineArn"], machine.as_str());
    assert!(done["stopDate"].as_f64() >= done["startDate"].as_f64());
    let metadata = api
        .ok(
            "DescribeExecution",
            json!({"executionArn": execution, "includedData": "METADATA_ONLY"}),
        )
        .await;
    assert!(metadata.get("input").is_none() && metadata.get("output").is_none());
}

#[tokio::test]
async fn finished_executions_beyond_retention_are_dropped_oldest_first() {
    let api = Api::with(LocalEngine::builder().retention(Retention {
        max_finished_executions: 2,
        ..Retention::default()
    }))
    .await;
    let machine = api
        .machine(
            "m",
            json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
        )
        .await;
    let mut arns = Vec::new();
    for _ in 0..3 {
        let arn = api.start_execution(&machine, json!({})).await;
        api.finished(&arn).await;
        arns.push(arn);
    }
    let gone = api
        .err("DescribeExecution", json!({"executionArn": arns[0]}))
        .await;
    assert_eq!(gone.name(), "ExecutionDoesNotExist");
    assert_eq!(api.describe(&arns[2]).await["status"], "SUCCEEDED");
}
