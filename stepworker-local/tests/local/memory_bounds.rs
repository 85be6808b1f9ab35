//! Memory bounded by bytes, as a user sees it over HTTP: finished
//! executions are dropped by total size (oldest first, never a running
//! one), a task that timed out before any poll leaves its activity's queue
//! at once, and DeleteActivity ends the tasks of the activity it deletes.

use std::net::SocketAddr;
use std::time::Duration;

use crate::support::wire::{call, eventually, history_events, Wire};
use crate::support::ROLE;
use serde_json::{json, Value};
use stepworker_local::{EngineBuilder, LocalEngine, ManualClock, Retention};

const MIB: usize = 1024 * 1024;

fn text(value: &Value, field: &str) -> String {
    value[field].as_str().unwrap_or_default().to_owned()
}

async fn machine(addr: SocketAddr, name: &str, definition: Value) -> String {
    let created = call(
        addr,
        "CreateStateMachine",
        &json!({"name": name, "definition": definition.to_string(), "roleArn": ROLE}),
    )
    .await
    .ok();
    text(&created, "stateMachineArn")
}

/// An engine started from `builder` with one activity named `activity`;
/// the engine, its address and the activity's ARN.
async fn engine_with_activity(
    builder: EngineBuilder,
    activity: &str,
) -> (LocalEngine, SocketAddr, String) {
    let engine = builder.start().await.expect("starts");
    let addr = engine.local_addr();
    let created = call(addr, "CreateActivity", &json!({"name": activity}))
        .await
        .ok();
    let arn = text(&created, "activityArn");
    (engine, addr, arn)
}

async fn start(addr: SocketAddr, machine: &str, input: &Value) -> String {
    let started = call(
        addr,
        "StartExecution",
        &json!({"stateMachineArn": machine, "input": input.to_string()}),
    )
    .await
    .ok();
    text(&started, "executionArn")
}

async fn describe(addr: SocketAddr, execution: &str) -> Wire {
    call(
        addr,
        "DescribeExecution",
        &json!({"executionArn": execution}),
    )
    .await
}

/// The execution's status once it left RUNNING (bounded wait).
async fn finished(addr: SocketAddr, execution: &str) -> Value {
    for _ in 0..2_000 {
        let described = describe(addr, execution).await.ok();
        if described["status"] != "RUNNING" {
            return described;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("{execution} still running");
}

#[tokio::test]
async fn finished_executions_are_dropped_by_bytes_oldest_first_never_running_ones() {
    let retention = Retention {
        max_finished_executions: 10_000,
        max_finished_execution_bytes: 4 * MIB,
    };
    let (engine, addr, activity) =
        engine_with_activity(LocalEngine::builder().retention(retention), "nobody-polls").await;
    let waiting = machine(
        addr,
        "waits",
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": activity, "End": true}}}),
    )
    .await;
    let pass = machine(
        addr,
        "pass",
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
    )
    .await;
    // About 1.2 MB each once finished: the input, the output, and four
    // history events that carry one or the other.
    let big = json!({"blob": "x".repeat(200_000)});
    let running = start(addr, &waiting, &big).await;
    let mut done = Vec::new();
    for _ in 0..4 {
        let execution = start(addr, &pass, &big).await;
        assert_eq!(finished(addr, &execution).await["status"], "SUCCEEDED");
        done.push(execution);
    }

    // Four of them pass 4 MiB: the oldest finished one went.
    let gone = describe(addr, &done[0]).await;
    assert_eq!(gone.error_name(), Some("ExecutionDoesNotExist"));
    for kept in &done[1..] {
        assert_eq!(describe(addr, kept).await.ok()["status"], "SUCCEEDED");
    }
    // The oldest of all is still running, so it stays.
    assert_eq!(describe(addr, &running).await.ok()["status"], "RUNNING");
    let listed = call(
        addr,
        "ListExecutions",
        &json!({"stateMachineArn": pass, "maxResults": 100}),
    )
    .await
    .ok();
    assert_eq!(listed["executions"].as_array().map(Vec::len), Some(3));
    let stats = engine.stats();
    assert_eq!(stats.finished_executions_kept, 3);
    assert!(stats.finished_execution_bytes_kept <= 4 * MIB as u64);
    assert!(stats.finished_execution_bytes_kept >= 3 * 1_000_000);
}

#[tokio::test]
async fn the_newest_finished_execution_stays_even_alone_over_the_byte_budget() {
    let engine = LocalEngine::builder()
        .retention(Retention {
            max_finished_executions: 10_000,
            max_finished_execution_bytes: 1,
        })
        .start()
        .await
        .expect("starts");
    let addr = engine.local_addr();
    let pass = machine(
        addr,
        "pass",
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
    )
    .await;
    let first = start(addr, &pass, &json!({"n": 1})).await;
    assert_eq!(
        finished(addr, &first).await["output"],
        json!({"n": 1}).to_string()
    );
    let second = start(addr, &pass, &json!({"n": 2})).await;
    assert_eq!(finished(addr, &second).await["status"], "SUCCEEDED");
    assert_eq!(
        describe(addr, &first).await.error_name(),
        Some("ExecutionDoesNotExist")
    );
    assert_eq!(engine.stats().finished_executions_kept, 1);
}

#[tokio::test]
async fn a_task_that_timed_out_before_any_poll_leaves_the_queue() {
    let clock = ManualClock::starting_now();
    let builder = LocalEngine::builder()
        .clock(clock.clone())
        .poll_timeout(Duration::from_millis(50));
    let (engine, addr, activity) = engine_with_activity(builder, "slow-fleet").await;
    let task = machine(
        addr,
        "times-out",
        json!({"StartAt": "T", "States": {"T": {
            "Type": "Task", "Resource": activity, "TimeoutSeconds": 5, "End": true}}}),
    )
    .await;
    let execution = start(addr, &task, &json!({"blob": "y".repeat(100_000)})).await;
    let queued = || {
        engine
            .activity_stats()
            .get(&activity)
            .map_or(0, |a| a.queued_tasks)
    };
    eventually("the task is queued", || queued() == 1).await;
    // The timer is armed once the task is queued; then time passes.
    eventually("the timeout timer waits", || clock.sleepers() > 0).await;
    clock.advance(Duration::from_secs(6));

    let ended = finished(addr, &execution).await;
    assert_eq!(ended["status"], "FAILED");
    assert_eq!(ended["error"], "States.Timeout");
    // Gone from the queue without any poll having to skip it.
    assert_eq!(queued(), 0);
    let poll = call(addr, "GetActivityTask", &json!({"activityArn": activity}))
        .await
        .ok();
    assert_eq!(poll.get("taskToken").and_then(Value::as_str), None);
}

#[tokio::test]
async fn delete_activity_fails_its_queued_and_held_tasks_and_voids_their_tokens() {
    let builder = LocalEngine::builder().poll_timeout(Duration::from_millis(50));
    let (engine, addr, activity) = engine_with_activity(builder, "retired").await;
    let task = machine(
        addr,
        "uses-retired",
        json!({"StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": activity, "End": true,
                  "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Caught"}]},
            "Caught": {"Type": "Pass", "End": true}}}),
    )
    .await;
    // One task a worker holds, one still queued.
    let held = start(addr, &task, &json!({"n": 1})).await;
    let poll = call(addr, "GetActivityTask", &json!({"activityArn": activity}))
        .await
        .ok();
    let token = text(&poll, "taskToken");
    assert!(!token.is_empty(), "the worker got the first task");
    let queued = start(addr, &task, &json!({"n": 2})).await;
    eventually("the second task is queued", || {
        engine
            .activity_stats()
            .get(&activity)
            .is_some_and(|a| a.queued_tasks == 1)
    })
    .await;

    let deleted = call(addr, "DeleteActivity", &json!({"activityArn": activity})).await;
    assert_eq!(deleted.status(), 200);

    for execution in [&held, &queued] {
        let ended = finished(addr, execution).await;
        assert_eq!(ended["status"], "SUCCEEDED", "caught: {ended}");
        let output: Value =
            serde_json::from_str(ended["output"].as_str().unwrap_or("null")).unwrap_or_default();
        assert_eq!(output["Error"], "States.TaskFailed");
        let failed = history_events(addr, execution)
            .await
            .into_iter()
            .find(|e| e["type"] == "ActivityFailed")
            .unwrap_or_default();
        assert!(
            failed["activityFailedEventDetails"]["cause"]
                .as_str()
                .is_some_and(|cause| cause.contains("was deleted")),
            "{failed}"
        );
    }
    // The worker that held a task learns its work is void.
    for (operation, body) in [
        ("SendTaskHeartbeat", json!({"taskToken": token})),
        (
            "SendTaskSuccess",
            json!({"taskToken": token, "output": "{}"}),
        ),
    ] {
        let answer = call(addr, operation, &body).await;
        assert_eq!(answer.error_name(), Some("TaskDoesNotExist"), "{operation}");
    }
    let polled = call(addr, "GetActivityTask", &json!({"activityArn": activity})).await;
    assert_eq!(polled.error_name(), Some("ActivityDoesNotExist"));
}

#[tokio::test]
async fn activities_and_state_machines_stop_at_aws_quotas() {
    let engine = LocalEngine::start().await.expect("starts");
    let addr = engine.local_addr();
    // Filled in-process (fast); the one past the quota goes over HTTP.
    for i in 0..10_000 {
        engine
            .call("CreateActivity", &json!({"name": format!("a{i}")}))
            .await
            .expect("under the quota");
    }
    let refused = call(addr, "CreateActivity", &json!({"name": "one-more"})).await;
    assert_eq!(refused.error_name(), Some("ActivityLimitExceeded"));
    // A repeat of an existing name is still the idempotent answer.
    let again = call(addr, "CreateActivity", &json!({"name": "a7"})).await;
    assert_eq!(again.status(), 200);

    let definition =
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}).to_string();
    for i in 0..10_000 {
        engine
            .call(
                "CreateStateMachine",
                &json!({"name": format!("m{i}"), "definition": definition, "roleArn": ROLE}),
            )
            .await
            .expect("under the quota");
    }
    let refused = call(
        addr,
        "CreateStateMachine",
        &json!({"name": "one-more", "definition": definition, "roleArn": ROLE}),
    )
    .await;
    assert_eq!(refused.error_name(), Some("StateMachineLimitExceeded"));
    let listed = call(addr, "ListActivities", &json!({"maxResults": 10})).await;
    assert_eq!(listed.status(), 200);
}
