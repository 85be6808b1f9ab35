//! The `stepworker-local` binary loads a mock configuration from
//! `--mock-config PATH` or `SFN_MOCK_CONFIG`, and refuses to start on a bad
//! one with a message naming the field.

use std::path::PathBuf;
use std::time::Duration;

use crate::support::{engine_command, temp_file, ROLE};
use stepworker::client::Client;
use stepworker::model::ExecutionStatus;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/MockConfigFile.json")
}

/// Starts the engine and reads the endpoint it prints.
async fn endpoint_of(child: &mut Child) -> String {
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    tokio::time::timeout(
        Duration::from_secs(20),
        BufReader::new(stdout).read_line(&mut line),
    )
    .await
    .expect("the engine prints its endpoint")
    .expect("stdout readable");
    line.trim().rsplit(' ').next().expect("endpoint").to_owned()
}

/// Runs the fixture's HappyPath test case on the engine at `endpoint`.
async fn run_happy_path(endpoint: &str) {
    let client = Client::local(endpoint);
    let definition = serde_json::json!({
        "StartAt": "LambdaState",
        "States": {
            "LambdaState": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": { "FunctionName": "HelloWorldFunction", "Payload.$": "$" },
                "OutputPath": "$.Payload", "Next": "SQSState" },
            "SQSState": { "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": { "QueueUrl": "q", "MessageBody.$": "$.body" }, "End": true } }
    });
    let machine = client
        .create_state_machine()
        .name("LambdaSQSIntegration")
        .definition(definition.to_string())
        .role_arn(ROLE)
        .send()
        .await
        .expect("state machine created")
        .state_machine_arn;
    let execution = client
        .start_execution()
        .state_machine_arn(format!("{machine}#HappyPath"))
        .send()
        .await
        .expect("execution started")
        .execution_arn;
    for _ in 0..400 {
        let described = client
            .describe_execution()
            .execution_arn(&execution)
            .send()
            .await
            .expect("described");
        if described.status != ExecutionStatus::Running {
            assert_eq!(
                described.status,
                ExecutionStatus::Succeeded,
                "{described:?}"
            );
            let output = described.output.expect("output");
            assert!(output.contains("msg-0001-stepworker-fixture"), "{output}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the execution did not finish");
}

#[tokio::test]
async fn the_env_var_loads_the_mock_file() {
    let mut child = engine_command()
        .env("SFN_MOCK_CONFIG", fixture())
        .spawn()
        .expect("binary starts");
    let endpoint = endpoint_of(&mut child).await;
    run_happy_path(&endpoint).await;
    child.kill().await.expect("engine stops");
}

#[tokio::test]
async fn the_flag_wins_over_the_env_var() {
    let bad = temp_file("bad-env.json", "{\"StateMachines\": []}");
    let mut child = engine_command()
        .env("SFN_MOCK_CONFIG", &bad)
        .arg("--mock-config")
        .arg(fixture())
        .spawn()
        .expect("binary starts");
    let endpoint = endpoint_of(&mut child).await;
    run_happy_path(&endpoint).await;
    child.kill().await.expect("engine stops");
}

#[tokio::test]
async fn a_bad_mock_file_fails_the_start_and_names_the_field() {
    let bad = temp_file(
        "bad.json",
        r#"{"StateMachines": {"M": {"TestCases": {"C": {"S": "Undefined"}}}}, "MockedResponses": {}}"#,
    );
    let child = engine_command()
        .arg("--mock-config")
        .arg(&bad)
        .spawn()
        .expect("binary starts");
    let output = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
        .await
        .expect("the engine exits")
        .expect("output");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.json"), "{stderr}");
    assert!(
        stderr.contains("/StateMachines/M/TestCases/C/S"),
        "{stderr}"
    );
    assert!(stderr.contains("Undefined"), "{stderr}");
}
