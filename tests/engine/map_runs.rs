//! The Map Run operations over HTTP: ListMapRuns with its pages,
//! DescribeMapRun, UpdateMapRun on a running Map Run, and their errors.

use std::time::Duration;

use serde_json::{json, Value};
use stepworker_local::LocalEngine;

use crate::support::api::Api;

async fn start() -> Api {
    Api::with(LocalEngine::builder().poll_timeout(Duration::from_secs(2))).await
}

/// A Distributed Map state over `$.items` running `processor`.
fn distributed_state(processor: Value, next: Option<&str>, extra: Value) -> Value {
    let mut state = json!({
        "Type": "Map",
        "ItemsPath": "$.items",
        "ResultPath": null,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": processor["StartAt"].clone(),
            "States": processor["States"].clone()
        }
    });
    match next {
        Some(next) => state["Next"] = json!(next),
        None => state["End"] = json!(true),
    }
    if let (Some(state), Some(extra)) = (state.as_object_mut(), extra.as_object()) {
        for (key, value) in extra {
            state.insert(key.clone(), value.clone());
        }
    }
    state
}

/// A processor of one Pass state named `name` (state names are unique
/// across a whole definition).
fn echo(name: &str) -> Value {
    json!({"StartAt": name, "States": {name: {"Type": "Pass", "End": true}}})
}

fn worker(activity: &str) -> Value {
    json!({"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": activity, "End": true}}})
}

async fn map_runs_page(api: &Api, execution: &str, size: i64, token: Option<&str>) -> Value {
    let mut request = json!({"executionArn": execution, "maxResults": size});
    if let Some(token) = token {
        request["nextToken"] = json!(token);
    }
    api.ok("ListMapRuns", request).await
}

#[tokio::test]
async fn list_map_runs_pages_through_every_map_run_of_an_execution() {
    let api = start().await;
    let definition = json!({
        "StartAt": "A",
        "States": {
            "A": distributed_state(echo("EchoA"), Some("B"), json!({"Label": "first"})),
            "B": distributed_state(echo("EchoB"), Some("C"), json!({"Label": "second"})),
            "C": distributed_state(echo("EchoC"), None, json!({"Label": "third"}))
        }
    });
    let machine = api.machine("m", definition).await;
    let execution = api
        .start_execution(&machine, json!({"items": [1, 2]}))
        .await;
    assert_eq!(api.finished(&execution).await["status"], "SUCCEEDED");

    let first = map_runs_page(&api, &execution, 2, None).await;
    let token = first["nextToken"]
        .as_str()
        .expect("a second page")
        .to_owned();
    let second = map_runs_page(&api, &execution, 2, Some(&token)).await;
    assert!(second.get("nextToken").is_none());
    let runs: Vec<Value> = [&first, &second]
        .iter()
        .flat_map(|page| page["mapRuns"].as_array().cloned().unwrap_or_default())
        .collect();
    let labels: Vec<String> = runs
        .iter()
        .map(|run| {
            let arn = run["mapRunArn"].as_str().unwrap_or_default();
            arn.split('/')
                .nth(1)
                .and_then(|rest| rest.split(':').next())
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(labels, ["third", "second", "first"], "newest first");
    for run in &runs {
        assert_eq!(run["executionArn"], execution);
        assert_eq!(run["stateMachineArn"], machine);
        assert!(run["startDate"].is_number() && run["stopDate"].is_number());
        let described = api
            .ok("DescribeMapRun", json!({"mapRunArn": run["mapRunArn"]}))
            .await;
        assert_eq!(described["status"], "SUCCEEDED");
        assert_eq!(described["itemCounts"]["succeeded"], 2);
        assert_eq!(described["redriveCount"], 0);
        let ended = api
            .err(
                "UpdateMapRun",
                json!({"mapRunArn": run["mapRunArn"], "maxConcurrency": 5}),
            )
            .await;
        assert_eq!(
            ended.name(),
            "ValidationException",
            "only a running Map Run"
        );
    }

    let bad_token = api
        .err(
            "ListMapRuns",
            json!({"executionArn": execution, "nextToken": "forged"}),
        )
        .await;
    assert_eq!(bad_token.name(), "InvalidToken");
    let unknown = execution.replace(":m:", ":other:");
    let missing = api
        .err("ListMapRuns", json!({"executionArn": unknown}))
        .await;
    assert_eq!(missing.name(), "ExecutionDoesNotExist");
}

#[tokio::test]
async fn update_map_run_widens_a_running_map_run() {
    let api = start().await;
    let activity = api.activity("work").await;
    let definition = json!({"StartAt": "Each", "States": {
        "Each": distributed_state(worker(&activity), None, json!({"MaxConcurrency": 1, "ResultPath": "$.out"}))
    }});
    let machine = api.machine("m", definition).await;
    let execution = api
        .start_execution(&machine, json!({"items": [0, 1, 2, 3, 4, 5]}))
        .await;
    api.wait_for_event(&execution, "MapRunStarted").await;
    let runs = map_runs_page(&api, &execution, 10, None).await;
    let map_run = runs["mapRuns"][0]["mapRunArn"]
        .as_str()
        .expect("map run")
        .to_owned();
    let mut held = vec![api.poll(&activity, "w").await];
    let before = api
        .ok("DescribeMapRun", json!({"mapRunArn": map_run}))
        .await;
    assert_eq!(before["maxConcurrency"], 1);
    assert_eq!(before["executionCounts"]["running"], 1);
    assert_eq!(before["executionCounts"]["pending"], 5);

    api.ok(
        "UpdateMapRun",
        json!({"mapRunArn": map_run, "maxConcurrency": 3, "toleratedFailureCount": 4,
               "toleratedFailurePercentage": 50.5}),
    )
    .await;
    // Two more children start without any of the first finishing.
    for _ in 0..2 {
        let task = api.poll(&activity, "w").await;
        assert!(task["taskToken"].is_string(), "the wider limit starts more");
        held.push(task);
    }
    let after = api
        .ok("DescribeMapRun", json!({"mapRunArn": map_run}))
        .await;
    assert_eq!(after["maxConcurrency"], 3);
    assert_eq!(after["toleratedFailureCount"], 4);
    assert_eq!(after["toleratedFailurePercentage"], 50.5);
    assert_eq!(after["executionCounts"]["running"], 3);

    let mut answered = 0;
    while answered < 6 {
        let task = match held.pop() {
            Some(task) => task,
            None => api.poll(&activity, "w").await,
        };
        api.ok(
            "SendTaskSuccess",
            json!({"taskToken": task["taskToken"], "output": "\"done\""}),
        )
        .await;
        answered += 1;
    }
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED");
    let output: Value =
        serde_json::from_str(done["output"].as_str().expect("output")).expect("JSON");
    assert_eq!(output["out"], json!(vec!["done"; 6]));
}

#[tokio::test]
async fn map_run_operations_refuse_bad_requests() {
    let api = start().await;
    let unknown =
        "arn:aws:states:us-east-1:123456789012:mapRun:m/label:5e0f1c1a-0000-4000-8000-000000000000";
    for (operation, body, expected) in [
        (
            "DescribeMapRun",
            json!({"mapRunArn": "not-an-arn"}),
            "InvalidArn",
        ),
        (
            "DescribeMapRun",
            json!({"mapRunArn": "arn:aws:states:eu-west-1:123456789012:mapRun:m/l:x"}),
            "InvalidArn",
        ),
        (
            "DescribeMapRun",
            json!({"mapRunArn": unknown}),
            "ResourceNotFound",
        ),
        (
            "UpdateMapRun",
            json!({"mapRunArn": unknown, "maxConcurrency": 2}),
            "ResourceNotFound",
        ),
        (
            "UpdateMapRun",
            json!({"mapRunArn": unknown}),
            "ValidationException",
        ),
        (
            "UpdateMapRun",
            json!({"mapRunArn": unknown, "toleratedFailurePercentage": 150}),
            "ValidationException",
        ),
        (
            "UpdateMapRun",
            json!({"mapRunArn": unknown, "maxConcurrency": -1}),
            "ValidationException",
        ),
        (
            "ListExecutions",
            json!({"mapRunArn": unknown}),
            "ResourceNotFound",
        ),
        (
            "ListExecutions",
            json!({"mapRunArn": unknown,
                   "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m"}),
            "ValidationException",
        ),
        ("ListMapRuns", json!({"executionArn": "nope"}), "InvalidArn"),
    ] {
        let error = api.err(operation, body.clone()).await;
        assert_eq!(error.name(), expected, "{operation} {body}: {error:?}");
    }
}
