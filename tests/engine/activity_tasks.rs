//! Activity dispatch over HTTP: delivery, tokens, heartbeats, timeouts,
//! parked polls, limits.

use std::time::Duration;

use serde_json::json;
use stepworker_local::LocalEngine;

use crate::support::api::{
    heartbeat_once_then_miss_one, one_task, one_task_with, wait_for_sleepers, Api,
};

/// An engine with one activity and one execution of a one-Task machine on
/// it (input `{}`), whose task worker `w` holds; the API, the execution and
/// the task's token.
async fn a_held_task() -> (Api, String, String) {
    let api = Api::start().await;
    let activity = api.activity("a").await;
    let execution = api.start_machine("m", one_task(&activity), json!({})).await;
    let task = api.poll(&activity, "w").await;
    let token = task["taskToken"].as_str().expect("token").to_owned();
    (api, execution, token)
}

#[tokio::test]
async fn a_task_goes_to_a_worker_and_its_result_ends_the_execution() {
    let api = Api::start().await;
    let activity = api.activity("resize").await;
    let machine = api.machine("m", one_task(&activity)).await;
    let execution = api.start_execution(&machine, json!({"size": 3})).await;

    let task = api.poll(&activity, "worker-1").await;
    assert_eq!(task["input"], json!({"size": 3}).to_string());
    let token = task["taskToken"].as_str().expect("token");
    api.ok(
        "SendTaskSuccess",
        json!({"taskToken": token, "output": "{\"done\":true}"}),
    )
    .await;

    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED");
    assert_eq!(done["output"], "{\"done\":true}");
    let started = api.first_event(&execution, "ActivityStarted").await;
    assert_eq!(
        started["activityStartedEventDetails"]["workerName"],
        "worker-1"
    );
    assert_eq!(api.engine.stats().tokens_reported_twice, 0);
}

#[tokio::test]
async fn a_token_is_good_once_and_forged_tokens_are_invalid() {
    let (api, _, token) = a_held_task().await;

    api.ok(
        "SendTaskFailure",
        json!({"taskToken": token, "error": "E", "cause": "c"}),
    )
    .await;
    api.assert_token_void(&token).await;
    let heartbeat = api
        .err("SendTaskHeartbeat", json!({"taskToken": token}))
        .await;
    assert_eq!(heartbeat.name(), "TaskTimedOut");
    assert_eq!(api.engine.stats().tokens_reported_twice, 1);

    let forged = api
        .err(
            "SendTaskSuccess",
            json!({"taskToken": "forged-token", "output": "{}"}),
        )
        .await;
    assert_eq!(forged.name(), "InvalidToken");
}

#[tokio::test]
async fn task_output_must_be_json_within_256_kib() {
    let (api, execution, token) = a_held_task().await;

    let not_json = api
        .err(
            "SendTaskSuccess",
            json!({"taskToken": token, "output": "{oops"}),
        )
        .await;
    assert_eq!(not_json.name(), "InvalidOutput");
    let big = format!("\"{}\"", "x".repeat(262_144));
    let too_big = api
        .err(
            "SendTaskSuccess",
            json!({"taskToken": token, "output": big}),
        )
        .await;
    assert_eq!(too_big.name(), "InvalidOutput");
    // The token is still good after refused outputs.
    api.ok(
        "SendTaskSuccess",
        json!({"taskToken": token, "output": "1"}),
    )
    .await;
    assert_eq!(api.finished(&execution).await["output"], "1");
}

#[tokio::test]
async fn tasks_go_to_parked_polls_first_come_first_served() {
    let api = std::sync::Arc::new(Api::start().await);
    let activity = api.activity("a").await;
    let machine = api.machine("m", one_task(&activity)).await;
    let first = tokio::spawn({
        let (api, activity) = (api.clone(), activity.clone());
        async move { api.poll(&activity, "first").await }
    });
    api.wait_for_parked_polls(&activity, 1).await;
    let second = tokio::spawn({
        let (api, activity) = (api.clone(), activity.clone());
        async move { api.poll(&activity, "second").await }
    });
    api.wait_for_parked_polls(&activity, 2).await;
    api.start_execution(&machine, json!({"n": 1})).await;
    let got_first = first.await.expect("join");
    assert_eq!(got_first["input"], "{\"n\":1}");
    api.start_execution(&machine, json!({"n": 2})).await;
    let got_second = second.await.expect("join");
    assert_eq!(got_second["input"], "{\"n\":2}");
}

#[tokio::test]
async fn queued_tasks_are_delivered_in_order() {
    let api = Api::start().await;
    let activity = api.activity("a").await;
    let machine = api.machine("m", one_task(&activity)).await;
    for n in 0..3 {
        api.start_execution(&machine, json!({ "n": n })).await;
    }
    for n in 0..3 {
        let task = api.poll(&activity, "w").await;
        assert_eq!(task["input"], json!({ "n": n }).to_string());
    }
}

#[tokio::test]
async fn an_empty_poll_answers_without_a_token_after_the_poll_timeout() {
    let api = Api::with(LocalEngine::builder().poll_timeout(Duration::from_millis(100))).await;
    let activity = api.activity("a").await;
    let started = std::time::Instant::now();
    let answer = api.poll(&activity, "w").await;
    assert!(answer.get("taskToken").is_none(), "{answer}");
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert_eq!(api.engine.stats().polls_empty, 1);
}

#[tokio::test]
async fn too_many_parked_polls_are_refused_and_deleting_the_activity_answers_them() {
    let api = std::sync::Arc::new(Api::with(LocalEngine::builder().max_parked_polls(2)).await);
    let activity = api.activity("a").await;
    let mut parked = Vec::new();
    for _ in 0..2 {
        let (api, activity) = (api.clone(), activity.clone());
        parked.push(tokio::spawn(async move { api.poll(&activity, "w").await }));
    }
    api.wait_for_parked_polls(&activity, 2).await;
    let refused = api
        .err("GetActivityTask", json!({"activityArn": activity}))
        .await;
    assert_eq!(refused.name(), "ActivityWorkerLimitExceeded");

    api.ok("DeleteActivity", json!({"activityArn": activity}))
        .await;
    for poll in parked {
        let answer = tokio::time::timeout(Duration::from_secs(2), poll)
            .await
            .expect("deleted activity answers parked polls")
            .expect("join");
        assert!(answer.get("taskToken").is_none());
    }
    let gone = api
        .err("GetActivityTask", json!({"activityArn": activity}))
        .await;
    assert_eq!(gone.name(), "ActivityDoesNotExist");
}

#[tokio::test]
async fn a_missed_heartbeat_times_the_task_out() {
    let (api, clock) = Api::on_manual_clock(LocalEngine::builder()).await;
    let activity = api.activity("a").await;
    let definition = one_task_with(&activity, json!({"HeartbeatSeconds": 10}));
    let execution = api.start_machine("m", definition, json!({})).await;
    let task = api.poll(&activity, "w").await;
    let token = task["taskToken"].as_str().expect("token");
    api.wait_for_event(&execution, "ActivityStarted").await;
    heartbeat_once_then_miss_one(&api, &clock, &execution, token).await;
    api.assert_token_void(token).await;
    let types = api.event_types(&execution).await;
    assert!(types.contains(&"ActivityTimedOut".to_owned()), "{types:?}");
}

#[tokio::test]
async fn an_unpolled_task_times_out_after_timeout_seconds() {
    let (api, clock) = Api::on_manual_clock(LocalEngine::builder()).await;
    let activity = api.activity("a").await;
    let definition = one_task_with(&activity, json!({"TimeoutSeconds": 30}));
    let execution = api.start_machine("m", definition, json!({})).await;
    api.wait_for_event(&execution, "ActivityScheduled").await;
    wait_for_sleepers(&clock, 1).await;
    clock.advance(Duration::from_secs(30));
    let done = api.finished(&execution).await;
    assert_eq!(done["error"], "States.Timeout");
}

#[tokio::test]
async fn stop_execution_aborts_and_voids_the_token() {
    let (api, execution, token) = a_held_task().await;
    api.ok(
        "StopExecution",
        json!({"executionArn": execution, "error": "Ops.Cancelled", "cause": "by test"}),
    )
    .await;
    let stopped = api.describe(&execution).await;
    assert_eq!(stopped["status"], "ABORTED");
    api.assert_token_void(&token).await;
    let types = api.event_types(&execution).await;
    assert_eq!(types.last().map(String::as_str), Some("ExecutionAborted"));
}

#[tokio::test]
async fn a_stopped_executions_queued_task_is_never_delivered() {
    let api = Api::with(LocalEngine::builder().poll_timeout(Duration::from_millis(100))).await;
    let activity = api.activity("a").await;
    let machine = api.machine("m", one_task(&activity)).await;
    let execution = api.start_execution(&machine, json!({})).await;
    api.wait_for_event(&execution, "ActivityScheduled").await;
    api.ok("StopExecution", json!({"executionArn": execution}))
        .await;
    let answer = api.poll(&activity, "w").await;
    assert!(answer.get("taskToken").is_none(), "{answer}");
}

#[tokio::test]
async fn results_racing_under_load_are_never_lost() {
    let api = std::sync::Arc::new(Api::start().await);
    let activity = api.activity("a").await;
    let machine = api.machine("m", one_task(&activity)).await;
    let mut executions = Vec::new();
    for n in 0..50 {
        executions.push(api.start_execution(&machine, json!({ "n": n })).await);
    }
    let mut workers = Vec::new();
    for _ in 0..8 {
        let (api, activity) = (api.clone(), activity.clone());
        workers.push(tokio::spawn(async move {
            let mut done = 0;
            while done < 50 {
                let task = api.poll(&activity, "w").await;
                let Some(token) = task["taskToken"].as_str() else {
                    break;
                };
                api.ok(
                    "SendTaskSuccess",
                    json!({"taskToken": token, "output": task["input"].as_str().unwrap_or("{}")}),
                )
                .await;
                done += 1;
                if api.engine.stats().reports_accepted >= 50 {
                    break;
                }
            }
        }));
    }
    for (n, execution) in executions.iter().enumerate() {
        let done = api.finished(execution).await;
        assert_eq!(done["status"], "SUCCEEDED");
        assert_eq!(done["output"], json!({ "n": n }).to_string());
    }
    let stats = api.engine.stats();
    assert_eq!(stats.reports_accepted, 50);
    assert_eq!(stats.tokens_reported_twice, 0);
    for w in workers {
        w.abort();
    }
}
