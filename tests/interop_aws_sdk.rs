//! The official AWS SDK for Rust drives stepworker-local through a full
//! activity workflow: the engine is wire-compatible with what AWS's own
//! clients send and expect.

use aws_sdk_sfn::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_sfn::types::{ExecutionStatus, HistoryEventType};
use aws_sdk_sfn::Client;
use serde_json::json;
use stepworker_local::LocalEngine;

fn sdk_client(endpoint: &str) -> Client {
    let config = aws_sdk_sfn::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("AKIDLOCAL", "secret", None, None, "test"))
        .build();
    Client::from_conf(config)
}

#[tokio::test]
async fn aws_sdk_sfn_runs_a_full_activity_workflow() {
    let engine = LocalEngine::start().await.expect("engine");
    let sfn = sdk_client(&engine.endpoint_url());

    let activity = sfn
        .create_activity()
        .name("greet")
        .send()
        .await
        .expect("create activity");
    let activity_arn = activity.activity_arn();
    let definition = json!({
        "StartAt": "Greet",
        "States": { "Greet": {
            "Type": "Task", "Resource": activity_arn, "HeartbeatSeconds": 30, "End": true } }
    });
    let machine = sfn
        .create_state_machine()
        .name("hello")
        .definition(definition.to_string())
        .role_arn("arn:aws:iam::123456789012:role/sfn")
        .send()
        .await
        .expect("create state machine");
    let started = sfn
        .start_execution()
        .state_machine_arn(machine.state_machine_arn())
        .input(r#"{"who":"world"}"#)
        .send()
        .await
        .expect("start");

    let task = sfn
        .get_activity_task()
        .activity_arn(activity_arn)
        .worker_name("sdk-worker")
        .send()
        .await
        .expect("poll");
    assert_eq!(task.input(), Some(r#"{"who":"world"}"#));
    let token = task.task_token().expect("a task");
    sfn.send_task_heartbeat()
        .task_token(token)
        .send()
        .await
        .expect("heartbeat");
    sfn.send_task_success()
        .task_token(token)
        .output(r#"{"greeting":"hello world"}"#)
        .send()
        .await
        .expect("success");

    let mut status = ExecutionStatus::Running;
    for _ in 0..200 {
        let described = sfn
            .describe_execution()
            .execution_arn(started.execution_arn())
            .send()
            .await
            .expect("describe");
        status = described.status().clone();
        if status != ExecutionStatus::Running {
            assert_eq!(described.output(), Some(r#"{"greeting":"hello world"}"#));
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(status, ExecutionStatus::Succeeded);

    let history = sfn
        .get_execution_history()
        .execution_arn(started.execution_arn())
        .send()
        .await
        .expect("history");
    let types: Vec<HistoryEventType> = history
        .events()
        .iter()
        .map(|e| e.r#type().clone())
        .collect();
    assert_eq!(types.first(), Some(&HistoryEventType::ExecutionStarted));
    assert_eq!(types.last(), Some(&HistoryEventType::ExecutionSucceeded));
    assert!(types.contains(&HistoryEventType::ActivityStarted));

    // Modeled errors come back as the SDK's typed errors.
    let again = sfn
        .send_task_success()
        .task_token(token)
        .output("{}")
        .send()
        .await;
    let err = again.expect_err("token used twice");
    assert!(
        err.as_service_error()
            .is_some_and(|e| e.is_task_timed_out()),
        "{err:?}"
    );
    let missing = sfn
        .describe_state_machine()
        .state_machine_arn("arn:aws:states:us-east-1:123456789012:stateMachine:none")
        .send()
        .await
        .expect_err("no such machine");
    assert!(missing
        .as_service_error()
        .is_some_and(|e| e.is_state_machine_does_not_exist()));
    engine.shutdown().await.expect("shutdown");
}
