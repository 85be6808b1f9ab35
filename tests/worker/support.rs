//! What the worker tests share: an engine on loopback, a client for it,
//! state machines around one activity, and waiting for ends.

use std::time::Duration;

use serde_json::{json, Value};
use stepworker::model::{DescribeExecutionOutput, ExecutionStatus};
use stepworker::Client;
use stepworker_local::{EngineBuilder, LocalEngine};

/// A role ARN the engine accepts; it checks the format only.
pub const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/stepworker-tests";

/// Long polls end quickly in tests so worker shutdown does not wait 60 s.
pub const POLL_TIMEOUT: Duration = Duration::from_millis(500);

/// Starts an engine built by `configure` and a client for it.
pub async fn engine_with(
    configure: impl FnOnce(EngineBuilder) -> EngineBuilder,
) -> (LocalEngine, Client) {
    let engine = configure(LocalEngine::builder().poll_timeout(POLL_TIMEOUT))
        .start()
        .await
        .expect("the local engine starts");
    let client = Client::local(engine.endpoint_url());
    (engine, client)
}

/// Starts a default engine and a client for it.
pub async fn engine() -> (LocalEngine, Client) {
    engine_with(|builder| builder).await
}

/// Registers `name` and returns its ARN.
pub async fn activity_arn(client: &Client, name: &str) -> String {
    client
        .create_activity()
        .name(name)
        .send()
        .await
        .expect("CreateActivity")
        .activity_arn
}

/// A Task state on `activity_arn` with `extra` fields merged in (Catch,
/// HeartbeatSeconds, ...), then `End`.
pub fn task_definition(activity_arn: &str, extra: Value) -> Value {
    let mut task = json!({ "Type": "Task", "Resource": activity_arn, "End": true });
    if let (Some(task), Value::Object(extra)) = (task.as_object_mut(), extra) {
        task.extend(extra);
    }
    json!({ "StartAt": "Work", "States": { "Work": task } })
}

/// Creates a state machine from `definition` and returns its ARN.
pub async fn state_machine(client: &Client, name: &str, definition: &Value) -> String {
    client
        .create_state_machine()
        .name(name)
        .definition(definition.to_string())
        .role_arn(ROLE_ARN)
        .send()
        .await
        .expect("CreateStateMachine")
        .state_machine_arn
}

/// Starts an execution with `input` and returns its ARN.
pub async fn start(client: &Client, state_machine_arn: &str, input: &Value) -> String {
    client
        .start_execution()
        .state_machine_arn(state_machine_arn)
        .input(input.to_string())
        .send()
        .await
        .expect("StartExecution")
        .execution_arn
}

/// Waits (at most `limit`) for the execution to leave RUNNING.
pub async fn finished(
    client: &Client,
    execution_arn: &str,
    limit: Duration,
) -> DescribeExecutionOutput {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let described = client
            .describe_execution()
            .execution_arn(execution_arn)
            .send()
            .await
            .expect("DescribeExecution");
        if described.status != ExecutionStatus::Running {
            return described;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the execution still runs after {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The output of a finished execution as JSON.
pub fn output_of(described: &DescribeExecutionOutput) -> Value {
    described
        .output
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or(Value::Null)
}
