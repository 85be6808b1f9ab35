//! Distributed Map states over HTTP: each item (or batch) runs as a child
//! execution of a Map Run, at most MaxConcurrency at once, listed and
//! described through the API, with tolerated failures and stopping.

use std::time::Duration;

use serde_json::{json, Value};
use stepworker_local::LocalEngine;

use crate::support::api::Api;
use crate::support::spec::{output, task_input};

/// An engine whose polls give up after two seconds, so a test waiting for
/// a task that never comes fails instead of hanging.
async fn start() -> Api {
    Api::with(LocalEngine::builder().poll_timeout(Duration::from_secs(2))).await
}

/// A Distributed Map over `$.items` whose processor is `processor`.
fn distributed(processor: Value, extra: Value) -> Value {
    let mut map = json!({
        "Type": "Map",
        "ItemsPath": "$.items",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": processor["StartAt"].clone(),
            "States": processor["States"].clone()
        },
        "End": true
    });
    if let (Some(map), Some(extra)) = (map.as_object_mut(), extra.as_object()) {
        for (key, value) in extra {
            map.insert(key.clone(), value.clone());
        }
    }
    json!({"StartAt": "Each", "States": {"Each": map}})
}

/// A processor that fails with `Bad` on items whose `ok` is false.
fn checking_processor() -> Value {
    json!({
        "StartAt": "Check",
        "States": {
            "Check": {"Type": "Choice",
                "Choices": [{"Variable": "$.ok", "BooleanEquals": false, "Next": "Bad"}],
                "Default": "Good"},
            "Bad": {"Type": "Fail", "Error": "Bad", "Cause": "item refused"},
            "Good": {"Type": "Pass", "Result": "fine", "End": true}
        }
    })
}

fn echo_processor() -> Value {
    json!({"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": true}}})
}

/// The Map Run ARN the parent's history names in `MapRunStarted`.
async fn map_run_of(api: &Api, execution: &str) -> String {
    api.wait_for_event(execution, "MapRunStarted").await;
    let history = api.history(execution).await;
    let started = history
        .iter()
        .find(|e| e["type"] == "MapRunStarted")
        .expect("MapRunStarted");
    started["mapRunStartedEventDetails"]["mapRunArn"]
        .as_str()
        .expect("map run ARN")
        .to_owned()
}

async fn describe_map_run(api: &Api, map_run: &str) -> Value {
    api.ok("DescribeMapRun", json!({"mapRunArn": map_run}))
        .await
}

/// Every child execution of a Map Run, following the pages.
async fn children(api: &Api, map_run: &str, page_size: i64) -> Vec<Value> {
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut request = json!({"mapRunArn": map_run, "maxResults": page_size});
        if let Some(token) = &token {
            request["nextToken"] = json!(token);
        }
        let page = api.ok("ListExecutions", request).await;
        let executions = page["executions"].as_array().cloned().unwrap_or_default();
        assert!(executions.len() <= page_size as usize);
        all.extend(executions);
        match page["nextToken"].as_str() {
            Some(next) => token = Some(next.to_owned()),
            None => return all,
        }
    }
}

async fn succeed(api: &Api, task: &Value, output: Value) {
    api.ok(
        "SendTaskSuccess",
        json!({"taskToken": task["taskToken"], "output": output.to_string()}),
    )
    .await;
}

#[tokio::test]
async fn twenty_items_run_as_children_never_more_than_three_at_once() {
    let api = start().await;
    let activity = api.activity("work").await;
    let processor = json!({"StartAt": "Work",
        "States": {"Work": {"Type": "Task", "Resource": activity, "End": true}}});
    let machine = api
        .machine(
            "m",
            distributed(processor, json!({"MaxConcurrency": 3, "Label": "Each"})),
        )
        .await;
    let items: Vec<i64> = (0..20).collect();
    let execution = api.start_execution(&machine, json!({"items": items})).await;
    let map_run = map_run_of(&api, &execution).await;
    assert!(
        map_run.starts_with("arn:aws:states:us-east-1:123456789012:mapRun:m/Each:"),
        "{map_run}"
    );

    let mut tasks_taken = 0;
    while tasks_taken < 20 {
        // Hold every task the Map Run hands out before answering any.
        let mut held = Vec::new();
        let expected = (20 - tasks_taken).min(3);
        while held.len() < expected {
            let task = api.poll(&activity, "w").await;
            assert!(task["taskToken"].is_string(), "a child should be waiting");
            held.push(task);
        }
        tasks_taken += held.len();
        let counts = describe_map_run(&api, &map_run).await["executionCounts"].clone();
        assert_eq!(counts["running"], expected as i64, "{counts}");
        let running = api
            .ok(
                "ListExecutions",
                json!({"mapRunArn": map_run, "statusFilter": "RUNNING"}),
            )
            .await;
        assert_eq!(
            running["executions"].as_array().map(Vec::len),
            Some(expected)
        );
        let queued = api
            .engine
            .activity_stats()
            .get(&activity)
            .map_or(0, |load| load.queued_tasks);
        assert_eq!(queued, 0, "no fourth child was started");
        // Answered out of order: the result still follows the items.
        for task in held.iter().rev() {
            let n = task_input(task).as_i64().expect("an item");
            succeed(&api, task, json!(n * 10)).await;
        }
    }

    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let expected: Vec<i64> = (0..20).map(|n| n * 10).collect();
    assert_eq!(output(&done), json!(expected));

    let run = describe_map_run(&api, &map_run).await;
    assert_eq!(run["status"], "SUCCEEDED");
    assert_eq!(run["executionArn"], execution);
    assert_eq!(run["maxConcurrency"], 3);
    assert!(run["stopDate"].is_number());
    for counts in [&run["itemCounts"], &run["executionCounts"]] {
        assert_eq!(counts["succeeded"], 20, "{counts}");
        assert_eq!(counts["total"], 20);
        assert_eq!(counts["running"], 0);
        assert_eq!(counts["pending"], 0);
        assert_eq!(counts["failed"], 0);
        assert_eq!(counts["resultsWritten"], 0);
    }

    let listed = children(&api, &map_run, 7).await;
    assert_eq!(listed.len(), 20);
    let prefix = "arn:aws:states:us-east-1:123456789012:execution:m/Each:";
    for child in &listed {
        assert!(child["executionArn"]
            .as_str()
            .unwrap_or_default()
            .starts_with(prefix));
        assert_eq!(child["mapRunArn"], map_run);
        assert_eq!(child["itemCount"], 1);
        assert_eq!(child["status"], "SUCCEEDED");
    }
    let child = listed[0]["executionArn"].as_str().expect("child ARN");
    let described = api.describe(child).await;
    assert_eq!(described["mapRunArn"], map_run);
    assert_eq!(
        described["stateMachineArn"],
        "arn:aws:states:us-east-1:123456789012:stateMachine:m/Each"
    );
    let child_events = api.event_types(child).await;
    assert_eq!(
        child_events.first().map(String::as_str),
        Some("ExecutionStarted")
    );
    assert!(child_events.iter().any(|t| t == "ActivitySucceeded"));

    // The parent lists only itself; its history tells the Map Run's story.
    let parents = api
        .ok("ListExecutions", json!({"stateMachineArn": machine}))
        .await;
    assert_eq!(parents["executions"].as_array().map(Vec::len), Some(1));
    let types = api.event_types(&execution).await;
    let order = [
        "MapStateEntered",
        "MapStateStarted",
        "MapRunStarted",
        "MapRunSucceeded",
        "MapStateSucceeded",
        "MapStateExited",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|kind| types.iter().position(|t| t == kind).expect(kind))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{types:?}");
}

#[tokio::test]
async fn item_batcher_sends_batches_with_the_batch_input() {
    let api = start().await;
    let machine = api
        .machine(
            "m",
            distributed(
                echo_processor(),
                json!({"ItemBatcher": {"MaxItemsPerBatchPath": "$.perBatch",
                                       "BatchInput": {"tag": "nightly"}}}),
            ),
        )
        .await;
    let execution = api
        .start_execution(
            &machine,
            json!({"items": [0, 1, 2, 3, 4, 5, 6], "perBatch": 3}),
        )
        .await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let batch = |items: Value| json!({"BatchInput": {"tag": "nightly"}, "Items": items});
    assert_eq!(
        output(&done),
        json!([
            batch(json!([0, 1, 2])),
            batch(json!([3, 4, 5])),
            batch(json!([6]))
        ])
    );

    let map_run = map_run_of(&api, &execution).await;
    let run = describe_map_run(&api, &map_run).await;
    assert_eq!(run["itemCounts"]["total"], 7);
    assert_eq!(run["itemCounts"]["succeeded"], 7);
    assert_eq!(run["executionCounts"]["total"], 3);
    let mut item_counts: Vec<i64> = children(&api, &map_run, 100)
        .await
        .iter()
        .map(|c| c["itemCount"].as_i64().unwrap_or_default())
        .collect();
    item_counts.sort_unstable();
    assert_eq!(item_counts, vec![1, 3, 3]);
}

#[tokio::test]
async fn express_children_run_and_are_describable() {
    let api = start().await;
    let mut definition = distributed(
        json!({"StartAt": "Double", "States": {"Double": {"Type": "Pass",
            "Parameters": {"twice.$": "States.MathAdd($.n, $.n)"}, "End": true}}}),
        json!({"Label": "Fast"}),
    );
    definition["States"]["Each"]["ItemProcessor"]["ProcessorConfig"]["ExecutionType"] =
        json!("EXPRESS");
    let machine = api.machine("m", definition).await;
    let execution = api
        .start_execution(&machine, json!({"items": [{"n": 1}, {"n": 2}, {"n": 3}]}))
        .await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(
        output(&done),
        json!([{"twice": 2}, {"twice": 4}, {"twice": 6}])
    );
    let map_run = map_run_of(&api, &execution).await;
    let listed = children(&api, &map_run, 100).await;
    assert_eq!(listed.len(), 3);
    for child in &listed {
        let arn = child["executionArn"].as_str().expect("ARN");
        assert!(
            arn.starts_with("arn:aws:states:us-east-1:123456789012:express:m/Fast:"),
            "{arn}"
        );
        let described = api.describe(arn).await;
        assert_eq!(described["status"], "SUCCEEDED");
        assert_eq!(described["mapRunArn"], map_run);
    }
}

#[tokio::test]
async fn failures_within_the_tolerated_count_leave_the_map_run_succeeded() {
    let api = start().await;
    let machine = api
        .machine(
            "m",
            distributed(checking_processor(), json!({"ToleratedFailureCount": 2})),
        )
        .await;
    let items = json!([{"ok": true}, {"ok": false}, {"ok": true}, {"ok": false}, {"ok": true}]);
    let execution = api
        .start_execution(&machine, json!({ "items": items }))
        .await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let output = output(&done);
    assert_eq!(output[0], "fine");
    assert_eq!(output[1]["Error"], "Bad");
    assert_eq!(output[3]["Cause"], "item refused");
    let run = describe_map_run(&api, &map_run_of(&api, &execution).await).await;
    assert_eq!(run["itemCounts"]["failed"], 2);
    assert_eq!(run["itemCounts"]["succeeded"], 3);
    assert_eq!(run["toleratedFailureCount"], 2);
    assert_eq!(run["status"], "SUCCEEDED");
}

#[tokio::test]
async fn failures_past_the_threshold_fail_the_map_run() {
    let api = start().await;
    let items = json!([{"ok": true}, {"ok": false}, {"ok": false}, {"ok": true}]);
    for (name, thresholds) in [
        (
            "count",
            json!({"ToleratedFailureCount": 1, "MaxConcurrency": 1}),
        ),
        (
            "percent",
            json!({"ToleratedFailurePercentage": 25, "MaxConcurrency": 1}),
        ),
        ("none", json!({})),
    ] {
        let machine = api
            .machine(name, distributed(checking_processor(), thresholds))
            .await;
        let execution = api
            .start_execution(&machine, json!({ "items": items }))
            .await;
        let done = api.finished(&execution).await;
        assert_eq!(done["status"], "FAILED", "{name}: {done}");
        assert_eq!(
            done["error"], "States.ExceedToleratedFailureThreshold",
            "{name}"
        );
        let history = api.history(&execution).await;
        let failed = history
            .iter()
            .find(|e| e["type"] == "MapRunFailed")
            .expect("MapRunFailed");
        assert_eq!(
            failed["mapRunFailedEventDetails"]["error"],
            "States.ExceedToleratedFailureThreshold"
        );
        let run = describe_map_run(&api, &map_run_of(&api, &execution).await).await;
        assert_eq!(run["status"], "FAILED", "{name}");
        assert!(run["itemCounts"]["failed"].as_i64().unwrap_or_default() >= 1);
    }
}

#[tokio::test]
async fn item_reader_fails_plainly_for_want_of_s3() {
    let api = start().await;
    let machine = api
        .machine(
            "m",
            distributed(
                echo_processor(),
                json!({"ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                                      "Parameters": {"Bucket": "b", "Key": "k"}}}),
            ),
        )
        .await;
    let execution = api.start_execution(&machine, json!({"items": []})).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"], "States.Runtime");
    let cause = done["cause"].as_str().unwrap_or_default();
    assert!(
        cause.contains("ItemReader") && cause.contains("no S3"),
        "{cause}"
    );
}

#[tokio::test]
async fn stopping_the_parent_aborts_its_children() {
    let api = start().await;
    let activity = api.activity("work").await;
    let processor = json!({"StartAt": "Work",
        "States": {"Work": {"Type": "Task", "Resource": activity, "End": true}}});
    let machine = api
        .machine("m", distributed(processor, json!({"MaxConcurrency": 2})))
        .await;
    let execution = api
        .start_execution(&machine, json!({"items": [1, 2, 3, 4, 5]}))
        .await;
    let map_run = map_run_of(&api, &execution).await;
    for _ in 0..2 {
        assert!(api.poll(&activity, "w").await["taskToken"].is_string());
    }
    api.ok("StopExecution", json!({"executionArn": execution}))
        .await;
    assert_eq!(api.finished(&execution).await["status"], "ABORTED");

    let mut run = describe_map_run(&api, &map_run).await;
    for _ in 0..400 {
        if run["status"] != "RUNNING" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
        run = describe_map_run(&api, &map_run).await;
    }
    assert_eq!(run["status"], "ABORTED");
    assert_eq!(run["executionCounts"]["aborted"], 2);
    assert_eq!(run["executionCounts"]["running"], 0);
    assert_eq!(run["executionCounts"]["pending"], 3);
    for child in children(&api, &map_run, 100).await {
        assert_eq!(child["status"], "ABORTED", "{child}");
    }
}
