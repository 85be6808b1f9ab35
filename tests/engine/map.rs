//! Inline Map states over HTTP: items, ItemSelector, concurrency, failure
//! thresholds, history events.

use std::time::Duration;

use serde_json::{json, Value};
use stepworker_local::LocalEngine;

use crate::support::api::{one_state, one_task, with_fields, Api};
use crate::support::spec::{output, type_names};

/// A machine whose one state, `Each`, is a Map state with `fields` (its
/// items, processor, thresholds, ...).
fn map(fields: Value) -> Value {
    one_state(
        "Each",
        with_fields(json!({ "Type": "Map", "End": true }), fields),
    )
}

/// An item processor that passes each item through unchanged.
fn echo_processor() -> Value {
    one_state("Echo", json!({ "Type": "Pass", "End": true }))
}

/// An item processor that fails with `Bad` on items whose `ok` is false.
fn checking_processor() -> Value {
    json!({
        "StartAt": "Check",
        "States": {
            "Check": { "Type": "Choice",
                "Choices": [ { "Variable": "$.ok", "BooleanEquals": false, "Next": "Bad" } ],
                "Default": "Good" },
            "Bad": { "Type": "Fail", "Error": "Bad", "Cause": "item refused" },
            "Good": { "Type": "Pass", "Result": "fine", "End": true }
        }
    })
}

#[tokio::test]
async fn items_go_through_the_selector_and_results_keep_item_order() {
    let api = Api::start().await;
    let definition = map(json!({
        "ItemsPath": "$.items",
        "ItemSelector": { "index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value", "tag.$": "$.tag" },
        "MaxConcurrency": 1,
        "ItemProcessor": echo_processor(),
        "ResultSelector": { "all.$": "$" },
        "ResultPath": "$.results"
    }));
    let (execution, done) = api
        .run_to_end("map", definition, json!({"items": ["a", "b"], "tag": "t"}))
        .await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(
        output(&done)["results"]["all"],
        json!([
            {"index": 0, "value": "a", "tag": "t"},
            {"index": 1, "value": "b", "tag": "t"}
        ])
    );
    let events = api.history(&execution).await;
    assert_eq!(
        type_names(&events),
        [
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapIterationStarted",
            "PassStateEntered",
            "PassStateExited",
            "MapIterationSucceeded",
            "MapIterationStarted",
            "PassStateEntered",
            "PassStateExited",
            "MapIterationSucceeded",
            "MapStateSucceeded",
            "MapStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(events[2]["mapStateStartedEventDetails"]["length"], 2);
    assert_eq!(
        events[7]["mapIterationStartedEventDetails"],
        json!({"name": "Each", "index": 1})
    );
    assert_eq!(events[7]["previousEventId"], events[2]["id"]);
}

#[tokio::test]
async fn legacy_iterator_and_parameters_still_work_and_an_empty_array_gives_an_empty_result() {
    let api = Api::start().await;
    let definition = map(json!({
        "Parameters": { "v.$": "$$.Map.Item.Value" },
        "Iterator": { "StartAt": "Echo", "States": { "Echo": { "Type": "Pass", "OutputPath": "$.v", "End": true } } }
    }));
    let machine = api.machine("map", definition).await;
    let execution = api.start_execution(&machine, json!([1, 2, 3])).await;
    assert_eq!(api.finished(&execution).await["output"], "[1,2,3]");
    let empty = api.start_execution(&machine, json!([])).await;
    assert_eq!(api.finished(&empty).await["output"], "[]");
}

#[tokio::test]
async fn items_path_must_name_an_array() {
    let api = Api::start().await;
    let definition = map(json!({ "ItemsPath": "$.items", "ItemProcessor": echo_processor() }));
    let (_, done) = api
        .run_to_end("map", definition, json!({"items": "nope"}))
        .await;
    assert_eq!(done["error"], "States.Runtime");
}

#[tokio::test]
async fn max_concurrency_path_bounds_the_iterations_in_flight() {
    let api = Api::with(LocalEngine::builder().poll_timeout(Duration::from_millis(200))).await;
    let activity = api.activity("work").await;
    let definition = map(json!({
        "ItemsPath": "$.items", "MaxConcurrencyPath": "$.width",
        "ItemProcessor": one_task(&activity)
    }));
    let execution = api
        .start_machine("map", definition, json!({"items": [1, 2, 3], "width": 2}))
        .await;
    let mut outputs = Vec::new();
    for _ in 0..3 {
        api.wait_for_event(&execution, "ActivityScheduled").await;
        let mut queued = 0;
        for _ in 0..400 {
            queued = api.engine.activity_stats()[&activity].queued_tasks;
            if queued > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(
            queued <= 2,
            "at most 2 iterations at once, saw {queued} queued tasks"
        );
        let task = api.poll(&activity, "w").await;
        let input = task["input"].as_str().expect("input").to_owned();
        api.ok(
            "SendTaskSuccess",
            json!({"taskToken": task["taskToken"], "output": input}),
        )
        .await;
        outputs.push(input);
    }
    assert_eq!(api.finished(&execution).await["output"], "[1,2,3]");
    let scheduled_before_first_done = api
        .event_types(&execution)
        .await
        .iter()
        .take_while(|t| *t != "MapIterationSucceeded")
        .filter(|t| *t == "ActivityScheduled")
        .count();
    assert_eq!(scheduled_before_first_done, 2);
}

#[tokio::test]
async fn a_failed_iteration_fails_the_map_with_its_error_and_aborts_the_others() {
    let api = Api::with(LocalEngine::builder().poll_timeout(Duration::from_millis(100))).await;
    let activity = api.activity("slow").await;
    let definition = map(json!({
        "ItemProcessor": {
            "StartAt": "Route",
            "States": {
                "Route": { "Type": "Choice",
                    "Choices": [ { "Variable": "$", "StringEquals": "slow", "Next": "Work" } ],
                    "Default": "Bad" },
                "Work": { "Type": "Task", "Resource": activity, "End": true },
                "Bad": { "Type": "Fail", "Error": "Bad", "Cause": "item refused" }
            }
        }
    }));
    let (execution, done) = api
        .run_to_end("map", definition, json!(["slow", "bad"]))
        .await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"], "Bad");
    let types = api.event_types(&execution).await;
    for expected in [
        "MapIterationFailed",
        "MapIterationAborted",
        "MapStateFailed",
    ] {
        assert!(
            types.iter().any(|t| t == expected),
            "{expected} in {types:?}"
        );
    }
    assert!(!types.iter().any(|t| t == "MapStateExited"), "{types:?}");
    assert_eq!(api.engine.activity_stats()[&activity].queued_tasks, 0);
}

#[tokio::test]
async fn tolerated_failures_keep_the_map_running_until_a_threshold_is_passed() {
    let api = Api::start().await;
    let definition = map(json!({
        "ToleratedFailureCount": 1,
        "ItemProcessor": checking_processor()
    }));
    let items = json!([{"ok": true}, {"ok": false}, {"ok": true}]);
    let (_, done) = api.run_to_end("count", definition, items.clone()).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(
        output(&done),
        json!(["fine", {"Error": "Bad", "Cause": "item refused"}, "fine"])
    );

    let by_percentage = map(json!({
        "ItemsPath": "$.items",
        "ToleratedFailurePercentagePath": "$.percent",
        "ItemProcessor": checking_processor()
    }));
    let machine = api.machine("percent", by_percentage).await;
    let tolerated = api
        .start_execution(&machine, json!({"items": items, "percent": 34}))
        .await;
    assert_eq!(api.finished(&tolerated).await["status"], "SUCCEEDED");
    let exceeded = api
        .start_execution(&machine, json!({"items": items, "percent": 33}))
        .await;
    let done = api.finished(&exceeded).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"], "States.ExceedToleratedFailureThreshold");
    let bad_path = api
        .start_execution(&machine, json!({"items": items, "percent": "many"}))
        .await;
    assert_eq!(api.finished(&bad_path).await["error"], "States.Runtime");
}

#[tokio::test]
async fn catch_on_a_map_state_catches_an_iteration_error() {
    let api = Api::start().await;
    let definition = json!({
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemProcessor": checking_processor(),
                "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "Handled" } ],
                "End": true
            },
            "Handled": { "Type": "Pass", "End": true }
        }
    });
    let (_, done) = api
        .run_to_end("map", definition, json!([{"ok": false}]))
        .await;
    assert_eq!(done["status"], "SUCCEEDED");
    assert_eq!(
        output(&done),
        json!({"Error": "Bad", "Cause": "item refused"})
    );
}

#[tokio::test]
async fn an_inline_map_runs_at_most_40_iterations_at_once() {
    let api = Api::with(LocalEngine::builder().poll_timeout(Duration::from_millis(100))).await;
    let activity = api.activity("work").await;
    let definition = map(json!({ "ItemProcessor": one_task(&activity) }));
    let items: Vec<u32> = (0..45).collect();
    let execution = api.start_machine("map", definition, json!(items)).await;
    let queued = || api.engine.activity_stats()[&activity].queued_tasks;
    for _ in 0..400 {
        if queued() >= 40 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(queued(), 40);
    let task = api.poll(&activity, "w").await;
    api.ok(
        "SendTaskSuccess",
        json!({"taskToken": task["taskToken"], "output": "0"}),
    )
    .await;
    for _ in 0..400 {
        if queued() == 40 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(queued(), 40, "a finished iteration makes room for the next");
    api.ok("StopExecution", json!({"executionArn": execution}))
        .await;
}
