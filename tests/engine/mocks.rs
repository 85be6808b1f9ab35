//! Service-integration Task states against mocked responses, in the mock
//! configuration format of Step Functions Local, over HTTP.

use std::time::Duration;

use serde_json::{json, Value};
use stepworker_local::{EngineBuilder, LocalEngine, ManualClock, MockConfig};

use crate::support::api;
use crate::support::api::Api;
use crate::support::api::LAMBDA;
use crate::support::spec::{events_of, output};

/// A mock configuration from its JSON form (it must be valid).
fn parse_mocks(config: Value) -> MockConfig {
    config
        .to_string()
        .parse()
        .expect("a valid mock configuration")
}

/// The developer guide's example, plus a few cases of our own.
fn mock_config() -> MockConfig {
    parse_mocks(json!({
        "StateMachines": {
            "LambdaSQSIntegration": { "TestCases": {
                "HappyPath": { "LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess" },
                "RetryPath": { "LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess" },
                "HybridPath": { "LambdaState": "MockedLambdaSuccess" },
                "SadPath": { "LambdaState": "LambdaMockedResourceNotReady" },
                "GapPath": { "LambdaState": "MockedOnlySecondCall" }
            }}
        },
        "MockedResponses": {
            "MockedLambdaSuccess": { "0": { "Return": {
                "StatusCode": 200, "Payload": { "StatusCode": 200, "body": "resized 3 images" } } } },
            "LambdaMockedResourceNotReady": { "0": { "Throw": {
                "Error": "Lambda.ResourceNotReadyException", "Cause": "the function is still being created" } } },
            "MockedSQSSuccess": { "0": { "Return": {
                "MD5OfMessageBody": "md5-of-body", "MessageId": "msg-0001" } } },
            "MockedLambdaRetry": {
                "0": { "Throw": { "Error": "Lambda.ResourceNotReadyException", "Cause": "the function is still being created" } },
                "1-2": { "Throw": { "Error": "Lambda.TimeoutException", "Cause": "the function ran past its timeout" } },
                "3": { "Return": { "StatusCode": 200, "Payload": { "StatusCode": 200, "body": "resized 3 images" } } }
            },
            "MockedOnlySecondCall": { "1": { "Return": {} } }
        }
    }))
}

/// The developer guide's state machine, with a Catch on the Lambda state.
fn lambda_sqs_definition() -> Value {
    json!({
        "StartAt": "LambdaState",
        "States": {
            "LambdaState": {
                "Type": "Task", "Resource": LAMBDA,
                "Parameters": { "Payload.$": "$", "FunctionName": "HelloWorldFunction" },
                "Retry": [ { "ErrorEquals": ["Lambda.TimeoutException", "Lambda.ResourceNotReadyException"],
                             "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2 } ],
                "Catch": [ { "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handled" } ],
                "ResultSelector": { "body.$": "$.Payload.body" },
                "Next": "SQSState"
            },
            "SQSState": {
                "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": { "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/myQueue",
                                "MessageBody.$": "$" },
                "End": true
            },
            "Handled": { "Type": "Pass", "End": true }
        }
    })
}

/// An engine built from `builder` with [`mock_config`], and the developer
/// guide's machine created on it; the API and the machine's ARN.
async fn guide_machine(builder: EngineBuilder) -> (Api, String) {
    let api = Api::with(builder.mock_config(mock_config())).await;
    let machine = api
        .machine("LambdaSQSIntegration", lambda_sqs_definition())
        .await;
    (api, machine)
}

async fn start_case(api: &Api, machine: &str, case: &str, input: Value) -> String {
    api.start_execution(&format!("{machine}#{case}"), input)
        .await
}

#[tokio::test]
async fn a_mocked_lambda_returns_its_payload_and_writes_task_events() {
    let (api, machine) = guide_machine(LocalEngine::builder()).await;
    let execution = start_case(&api, &machine, "HappyPath", json!({"name": "Ada"})).await;

    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let sqs_result = output(&done);
    assert_eq!(
        sqs_result,
        json!({"MD5OfMessageBody": "md5-of-body", "MessageId": "msg-0001"})
    );
    assert_eq!(
        done["stateMachineArn"], machine,
        "the #suffix is not part of the execution"
    );

    let history = api.history(&execution).await;
    let scheduled = events_of(&history, "TaskScheduled");
    assert_eq!(scheduled.len(), 2);
    let lambda = &scheduled[0]["taskScheduledEventDetails"];
    assert_eq!(lambda["resourceType"], "lambda");
    assert_eq!(lambda["resource"], "invoke");
    assert_eq!(lambda["region"], "us-east-1");
    let parameters: Value =
        serde_json::from_str(lambda["parameters"].as_str().expect("parameters")).expect("json");
    assert_eq!(
        parameters,
        json!({"Payload": {"name": "Ada"}, "FunctionName": "HelloWorldFunction"})
    );
    assert_eq!(
        scheduled[1]["taskScheduledEventDetails"]["resourceType"],
        "sqs"
    );
    // The SQS state's input is the Lambda state's selected result.
    let sqs_parameters: Value = serde_json::from_str(
        scheduled[1]["taskScheduledEventDetails"]["parameters"]
            .as_str()
            .expect("parameters"),
    )
    .expect("json");
    assert_eq!(
        sqs_parameters["MessageBody"],
        json!({"body": "resized 3 images"})
    );

    let succeeded = events_of(&history, "TaskSucceeded");
    assert_eq!(
        succeeded[0]["taskSucceededEventDetails"]["resource"],
        "invoke"
    );
    assert_eq!(
        succeeded[1]["taskSucceededEventDetails"]["output"],
        sqs_result.to_string()
    );
    assert_eq!(events_of(&history, "TaskStarted").len(), 2);
    assert!(
        events_of(&history, "TaskSubmitted").is_empty(),
        "Request Response tasks submit nothing"
    );
}

#[tokio::test]
async fn throws_are_retried_through_the_invocation_ranges_until_the_return() {
    let clock = ManualClock::starting_now();
    let (api, machine) = guide_machine(LocalEngine::builder().clock(clock.clone())).await;
    let execution = start_case(&api, &machine, "RetryPath", json!({})).await;

    let done = run_with_clock(&api, &clock, &execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let history = api.history(&execution).await;
    let failures: Vec<&str> = events_of(&history, "TaskFailed")
        .iter()
        .map(|e| {
            e["taskFailedEventDetails"]["error"]
                .as_str()
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        failures,
        [
            "Lambda.ResourceNotReadyException",
            "Lambda.TimeoutException",
            "Lambda.TimeoutException"
        ]
    );
    let first = events_of(&history, "TaskFailed")[0];
    assert_eq!(
        first["taskFailedEventDetails"]["cause"],
        "the function is still being created"
    );
    assert_eq!(first["taskFailedEventDetails"]["resourceType"], "lambda");
    // Four attempts at the Lambda state, one at the SQS state.
    assert_eq!(events_of(&history, "TaskScheduled").len(), 5);
}

#[tokio::test]
async fn two_test_cases_of_one_machine_run_side_by_side() {
    let clock = ManualClock::starting_now();
    let (api, machine) = guide_machine(LocalEngine::builder().clock(clock.clone())).await;
    let sad = start_case(&api, &machine, "SadPath", json!({"id": 1})).await;
    let happy = start_case(&api, &machine, "HappyPath", json!({"id": 2})).await;

    let happy_done = run_with_clock(&api, &clock, &happy).await;
    assert_eq!(happy_done["status"], "SUCCEEDED");

    // SadPath: invocation 0 throws and is retried; the retry finds no
    // invocation 1, which fails the state with States.Runtime, and the
    // Catch on States.ALL lets that through.
    let sad_done = run_with_clock(&api, &clock, &sad).await;
    assert_eq!(sad_done["status"], "FAILED", "{sad_done}");
    assert_eq!(sad_done["error"], "States.Runtime");
    let cause = sad_done["cause"].as_str().expect("cause");
    assert!(
        cause.contains("LambdaState")
            && cause.contains("LambdaMockedResourceNotReady")
            && cause.contains("invocation 1"),
        "{cause}"
    );
}

#[tokio::test]
async fn catch_gets_the_mocked_error_and_cause() {
    let mocks = parse_mocks(json!({
        "StateMachines": { "Catcher": { "TestCases": { "Fails": { "Call": "Boom" } } } },
        "MockedResponses": { "Boom": { "0": { "Throw": { "Error": "Lambda.Unknown", "Cause": "it broke" } } } }
    }));
    let api = Api::with(LocalEngine::builder().mock_config(mocks)).await;
    let machine = api
        .machine(
            "Catcher",
            json!({
                "StartAt": "Call",
                "States": {
                    "Call": { "Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "f"},
                        "Catch": [ { "ErrorEquals": ["Lambda.Unknown"], "ResultPath": "$.error", "Next": "Handled" } ],
                        "End": true },
                    "Handled": { "Type": "Pass", "End": true } }
            }),
        )
        .await;
    let execution = start_case(&api, &machine, "Fails", json!({"order": 7})).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(
        output(&done),
        json!({"order": 7, "error": {"Error": "Lambda.Unknown", "Cause": "it broke"}})
    );
}

#[tokio::test]
async fn a_service_integration_without_a_mock_fails_with_a_clear_runtime_error() {
    let (api, machine) = guide_machine(LocalEngine::builder()).await;

    // The test case mocks LambdaState but not SQSState.
    let hybrid = start_case(&api, &machine, "HybridPath", json!({})).await;
    let done = api.finished(&hybrid).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"], "States.Runtime");
    let cause = done["cause"].as_str().expect("cause");
    for part in ["SQSState", "arn:aws:states:::sqs:sendMessage", "HybridPath"] {
        assert!(cause.contains(part), "{part} missing from: {cause}");
    }

    // No test case at all: the Catch on States.ALL does not apply.
    let plain = api.start_execution(&machine, json!({})).await;
    let done = api.finished(&plain).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"], "States.Runtime");
    let cause = done["cause"].as_str().expect("cause");
    assert!(
        cause.contains("LambdaState") && cause.contains("#<TestCaseName>"),
        "{cause}"
    );
    let history = api.history(&plain).await;
    assert!(events_of(&history, "TaskScheduled").is_empty());

    // A gap in the invocations fails the same way.
    let gap = start_case(&api, &machine, "GapPath", json!({})).await;
    let done = api.finished(&gap).await;
    assert_eq!(done["error"], "States.Runtime");
    assert!(done["cause"]
        .as_str()
        .expect("cause")
        .contains("invocation 0"));
}

#[tokio::test]
async fn unknown_test_cases_are_rejected_at_start() {
    let (api, machine) = guide_machine(LocalEngine::builder()).await;
    let error = api
        .err(
            "StartExecution",
            json!({"stateMachineArn": format!("{machine}#NoSuchCase")}),
        )
        .await;
    assert_eq!(error.name(), "ValidationException");
    assert!(error.message.contains("NoSuchCase") && error.message.contains("LambdaSQSIntegration"));

    let other = api.machine("Other", lambda_sqs_definition()).await;
    let error = api
        .err(
            "StartExecution",
            json!({"stateMachineArn": format!("{other}#HappyPath")}),
        )
        .await;
    assert_eq!(error.name(), "ValidationException");

    // Without a mock configuration a test case cannot be chosen.
    let bare = Api::start().await;
    let machine = bare.machine("M", lambda_sqs_definition()).await;
    let error = bare
        .err(
            "StartExecution",
            json!({"stateMachineArn": format!("{machine}#HappyPath")}),
        )
        .await;
    assert_eq!(error.name(), "ValidationException");
    assert!(
        error.message.contains("mock configuration"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn lambda_function_arns_sync_jobs_and_sdk_calls_write_their_own_events() {
    let mocks = parse_mocks(json!({
        "StateMachines": { "Mixed": { "TestCases": { "All": {
            "Direct": "Value", "Job": "Value", "Sdk": "Value" } } } },
        "MockedResponses": { "Value": { "0": { "Return": { "ok": true } } } }
    }));
    let api = Api::with(LocalEngine::builder().mock_config(mocks)).await;
    let machine = api
        .machine(
            "Mixed",
            json!({
                "StartAt": "Direct",
                "States": {
                    "Direct": { "Type": "Task", "TimeoutSeconds": 30,
                        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:hello",
                        "ResultPath": "$.direct", "Next": "Job" },
                    "Job": { "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                        "Parameters": { "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child" },
                        "ResultPath": "$.job", "Next": "Sdk" },
                    "Sdk": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listBuckets",
                        "Parameters": {}, "ResultPath": "$.sdk", "End": true } }
            }),
        )
        .await;
    let execution = start_case(&api, &machine, "All", json!({"n": 1})).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(
        output(&done),
        json!({"n": 1, "direct": {"ok": true}, "job": {"ok": true}, "sdk": {"ok": true}})
    );

    let history = api.history(&execution).await;
    let types: Vec<&str> = history.iter().filter_map(|e| e["type"].as_str()).collect();
    let lambda: Vec<&str> = types
        .iter()
        .copied()
        .filter(|t| t.starts_with("LambdaFunction"))
        .collect();
    assert_eq!(
        lambda,
        [
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionSucceeded"
        ]
    );
    let scheduled = events_of(&history, "LambdaFunctionScheduled")[0];
    assert_eq!(
        scheduled["lambdaFunctionScheduledEventDetails"]["resource"],
        "arn:aws:lambda:us-east-1:123456789012:function:hello"
    );
    assert_eq!(
        scheduled["lambdaFunctionScheduledEventDetails"]["timeoutInSeconds"],
        30
    );

    let task_types: Vec<(&str, &str)> = history
        .iter()
        .filter(|e| {
            e["type"]
                .as_str()
                .is_some_and(|t| t.starts_with("Task") && !t.contains("State"))
        })
        .map(|e| {
            let details = e
                .as_object()
                .and_then(|o| o.iter().find(|(k, _)| k.ends_with("EventDetails")))
                .map(|(_, v)| v)
                .expect("details");
            (
                e["type"].as_str().unwrap_or_default(),
                details["resource"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        task_types,
        [
            ("TaskScheduled", "startExecution.sync:2"),
            ("TaskStarted", "startExecution.sync:2"),
            ("TaskSubmitted", "startExecution.sync:2"),
            ("TaskSucceeded", "startExecution.sync:2"),
            ("TaskScheduled", "listBuckets"),
            ("TaskStarted", "listBuckets"),
            ("TaskSucceeded", "listBuckets"),
        ]
    );
    let sdk = events_of(&history, "TaskScheduled")[1];
    assert_eq!(
        sdk["taskScheduledEventDetails"]["resourceType"],
        "aws-sdk:s3"
    );
}

#[tokio::test]
async fn start_sync_execution_takes_a_test_case_too() {
    let api = Api::with(LocalEngine::builder().mock_config(mock_config())).await;
    let out = api
        .ok(
            "CreateStateMachine",
            json!({ "name": "LambdaSQSIntegration", "type": "EXPRESS",
                    "definition": lambda_sqs_definition().to_string(), "roleArn": api::ROLE }),
        )
        .await;
    let machine = out["stateMachineArn"].as_str().expect("arn");
    let done = api
        .ok(
            "StartSyncExecution",
            json!({"stateMachineArn": format!("{machine}#HappyPath"), "input": "{}"}),
        )
        .await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(done["stateMachineArn"], machine);
}

#[tokio::test]
async fn a_bad_mock_file_stops_the_engine_from_starting_and_names_the_field() {
    let dir = std::env::temp_dir().join(format!("stepworker-mocks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("MockConfigFile.json");
    std::fs::write(
        &path,
        json!({"MockedResponses": {"R": {"0": {"Throw": {"Error": 42}}}}}).to_string(),
    )
    .expect("write");
    let error = match LocalEngine::builder().mock_config_file(&path).start().await {
        Ok(_) => panic!("a bad mock file must fail the start"),
        Err(e) => e,
    };
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    let message = error.to_string();
    assert!(message.contains("MockConfigFile.json"), "{message}");
    assert!(
        message.contains("/MockedResponses/R/0/Throw/Error"),
        "{message}"
    );

    let missing = LocalEngine::builder()
        .mock_config_file(dir.join("absent.json"))
        .start()
        .await;
    assert!(missing.is_err());
    std::fs::remove_dir_all(&dir).ok();
}

/// Runs an execution whose retries wait on `clock`, advancing it whenever
/// the engine sleeps; its final description.
async fn run_with_clock(api: &Api, clock: &ManualClock, execution: &str) -> Value {
    for _ in 0..400 {
        let described = api.describe(execution).await;
        if described["status"] != "RUNNING" {
            return described;
        }
        if clock.sleepers() > 0 {
            clock.advance(Duration::from_secs(60));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("execution {execution} did not finish");
}
