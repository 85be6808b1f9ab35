//! RedriveExecution over HTTP: a failed, stopped or timed out STANDARD
//! execution runs again from the state it ended in, with that state's
//! input; what cannot be redriven is refused with ExecutionNotRedrivable.

use std::time::Duration;

use serde_json::{json, Value};
use stepworker_local::{LocalEngine, ManualClock};

use crate::support::api::Api;
use crate::support::spec::task_input;

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

/// A Distributed Map over `$.items` whose children each run a Task on
/// `activity`.
fn distributed_over(activity: &str) -> Value {
    json!({
        "StartAt": "Each",
        "States": {"Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Work",
                "States": {"Work": {"Type": "Task", "Resource": activity, "End": true}}
            },
            "End": true
        }}
    })
}

#[tokio::test]
async fn a_redrive_reruns_only_the_unsuccessful_children_of_a_map_run() {
    let api = Api::with(LocalEngine::builder().poll_timeout(Duration::from_secs(2))).await;
    let activity = api.activity("work").await;
    let machine = api.machine("m", distributed_over(&activity)).await;
    let execution = api
        .start_execution(&machine, json!({"items": [0, 1, 2, 3]}))
        .await;
    let mut tasks = Vec::new();
    for _ in 0..4 {
        tasks.push(api.poll(&activity, "w").await);
    }
    tasks.sort_by_key(|task| task_input(task).as_i64());
    for task in tasks.iter().filter(|task| task_input(task) != 2) {
        let n = task_input(task).as_i64().expect("item");
        api.ok(
            "SendTaskSuccess",
            json!({"taskToken": task["taskToken"], "output": (n * 10).to_string()}),
        )
        .await;
    }
    let broken = tasks
        .iter()
        .find(|task| task_input(task) == 2)
        .expect("item 2");
    api.ok(
        "SendTaskFailure",
        json!({"taskToken": broken["taskToken"], "error": "Broken", "cause": "try again"}),
    )
    .await;
    let failed = api.finished(&execution).await;
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(failed["error"], "States.ExceedToleratedFailureThreshold");
    let runs = api
        .ok("ListMapRuns", json!({"executionArn": execution}))
        .await;
    let map_run = runs["mapRuns"][0]["mapRunArn"]
        .as_str()
        .expect("map run")
        .to_owned();
    let failed_child = api
        .ok(
            "ListExecutions",
            json!({"mapRunArn": map_run, "statusFilter": "FAILED"}),
        )
        .await["executions"][0]["executionArn"]
        .as_str()
        .expect("the failed child")
        .to_owned();

    redrive(&api, &execution).await;
    let rerun = api.poll(&activity, "w").await;
    assert_eq!(task_input(&rerun), 2, "only the failed item runs again");
    api.ok(
        "SendTaskSuccess",
        json!({"taskToken": rerun["taskToken"], "output": "20"}),
    )
    .await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(
        done["output"], "[0,10,20,30]",
        "successful children kept their output"
    );
    let queued = api
        .engine
        .activity_stats()
        .get(&activity)
        .map_or(0, |load| load.queued_tasks);
    assert_eq!(queued, 0, "no successful child ran again");

    let run = api
        .ok("DescribeMapRun", json!({"mapRunArn": map_run}))
        .await;
    assert_eq!(run["status"], "SUCCEEDED");
    assert_eq!(run["redriveCount"], 1);
    assert!(run["redriveDate"].is_number());
    assert_eq!(run["executionCounts"]["succeeded"], 4);
    let child = api.describe(&failed_child).await;
    assert_eq!(child["status"], "SUCCEEDED");
    assert_eq!(
        child["redriveCount"], 1,
        "the STANDARD child is redriven in place"
    );
    let listed = api
        .ok("ListExecutions", json!({"mapRunArn": map_run}))
        .await;
    assert_eq!(listed["executions"].as_array().map(Vec::len), Some(4));
    let still_one = api
        .ok("ListMapRuns", json!({"executionArn": execution}))
        .await;
    assert_eq!(still_one["mapRuns"].as_array().map(Vec::len), Some(1));

    let history = api.history(&execution).await;
    let redriven = history
        .iter()
        .find(|e| e["type"] == "MapRunRedriven")
        .expect("MapRunRedriven");
    assert_eq!(redriven["mapRunRedrivenEventDetails"]["mapRunArn"], map_run);
    assert_eq!(redriven["mapRunRedrivenEventDetails"]["redriveCount"], 1);
}

/// Answers a task: success with `output`, or failure with `Broken`.
async fn answer(api: &Api, task: &Value, output: Option<Value>) {
    match output {
        Some(output) => {
            api.ok(
                "SendTaskSuccess",
                json!({"taskToken": task["taskToken"], "output": output.to_string()}),
            )
            .await
        }
        None => {
            api.ok(
                "SendTaskFailure",
                json!({"taskToken": task["taskToken"], "error": "Broken", "cause": "once"}),
            )
            .await
        }
    };
}

fn queued(api: &Api, activity: &str) -> usize {
    api.engine
        .activity_stats()
        .get(activity)
        .map_or(0, |load| load.queued_tasks)
}

#[tokio::test]
async fn a_redrive_reruns_only_the_failed_branch_of_a_parallel_state() {
    let api = Api::with(LocalEngine::builder().poll_timeout(Duration::from_secs(2))).await;
    let left = api.activity("left").await;
    let right = api.activity("right").await;
    let branch = |activity: &str, name: &str| json!({"StartAt": name, "States": {name: {"Type": "Task", "Resource": activity, "End": true}}});
    let machine = api
        .machine(
            "m",
            json!({"StartAt": "Both", "States": {"Both": {"Type": "Parallel",
                "Branches": [branch(&left, "Left"), branch(&right, "Right")], "End": true}}}),
        )
        .await;
    let execution = api.start_execution(&machine, json!({})).await;
    let first_left = api.poll(&left, "w").await;
    answer(&api, &first_left, Some(json!("left done"))).await;
    api.wait_for_event(&execution, "ActivitySucceeded").await;
    let first_right = api.poll(&right, "w").await;
    answer(&api, &first_right, None).await;
    assert_eq!(api.finished(&execution).await["status"], "FAILED");

    redrive(&api, &execution).await;
    let second_right = api.poll(&right, "w").await;
    answer(&api, &second_right, Some(json!("right done"))).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(done["output"], "[\"left done\",\"right done\"]");
    assert_eq!(queued(&api, &left), 0, "the left branch did not run again");
    let types = api.event_types(&execution).await;
    assert_eq!(count(&types, "ActivityScheduled"), 3);
}

#[tokio::test]
async fn a_redrive_reruns_only_the_failed_iterations_of_an_inline_map() {
    let api = Api::with(LocalEngine::builder().poll_timeout(Duration::from_secs(2))).await;
    let activity = api.activity("work").await;
    let machine = api
        .machine(
            "m",
            json!({"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items",
                "ItemProcessor": {"StartAt": "Work",
                    "States": {"Work": {"Type": "Task", "Resource": activity, "End": true}}},
                "End": true}}}),
        )
        .await;
    let execution = api
        .start_execution(&machine, json!({"items": [0, 1, 2]}))
        .await;
    let mut tasks = Vec::new();
    for _ in 0..3 {
        tasks.push(api.poll(&activity, "w").await);
    }
    tasks.sort_by_key(|task| task_input(task).as_i64());
    answer(&api, &tasks[0], Some(json!(0))).await;
    answer(&api, &tasks[2], Some(json!(20))).await;
    api.wait_for_event(&execution, "MapIterationSucceeded")
        .await;
    answer(&api, &tasks[1], None).await;
    assert_eq!(api.finished(&execution).await["status"], "FAILED");

    redrive(&api, &execution).await;
    let rerun = api.poll(&activity, "w").await;
    assert_eq!(
        task_input(&rerun),
        1,
        "only the failed iteration runs again"
    );
    answer(&api, &rerun, Some(json!(10))).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(done["output"], "[0,10,20]");
    assert_eq!(queued(&api, &activity), 0);
    let types = api.event_types(&execution).await;
    assert_eq!(count(&types, "ActivityScheduled"), 4);
}
