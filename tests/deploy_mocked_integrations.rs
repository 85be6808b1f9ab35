//! A state machine that calls AWS services, tested through the typed API
//! against mocked responses: `StartExecution::test_case` picks the test case
//! of the engine's mock configuration, and Retry/Catch see the mocked errors.

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use stepworker::asl::{Catch, ExecutionError, Pass, Retry, StateMachine, Task};
use stepworker::Client;
use stepworker_local::{LocalEngine, MockConfig};

const ROLE: &str = "arn:aws:iam::123456789012:role/stepworker";
/// Bounds every wait so a broken engine fails the test instead of hanging it.
const LIMIT: Duration = Duration::from_secs(10);

fn mocks() -> MockConfig {
    json!({
        "StateMachines": {
            "thumbnails": { "TestCases": {
                "Resized": { "Resize": "ResizeOk" },
                "Throttled": { "Resize": "ResizeThrottledTwice" },
                "Broken": { "Resize": "ResizeBroken" }
            } }
        },
        "MockedResponses": {
            "ResizeOk": { "0": { "Return": { "StatusCode": 200, "Payload": { "thumbnails": 3 } } } },
            "ResizeThrottledTwice": {
                "0-1": { "Throw": { "Error": "Lambda.TooManyRequestsException", "Cause": "slow down" } },
                "2": { "Return": { "StatusCode": 200, "Payload": { "thumbnails": 5 } } }
            },
            "ResizeBroken": {
                "0": { "Throw": { "Error": "ImageCorrupt", "Cause": "not a JPEG" } }
            }
        }
    })
    .to_string()
    .parse()
    .expect("a valid mock configuration")
}

fn machine() -> StateMachine {
    StateMachine::builder()
        .start_at("Resize")
        .state(
            "Resize",
            Task::new("arn:aws:states:::lambda:invoke")
                .parameters(json!({"FunctionName": "resize", "Payload.$": "$"}))
                .result_selector(json!({"thumbnails.$": "$.Payload.thumbnails"}))
                .retry(
                    Retry::on(["Lambda.TooManyRequestsException"])
                        .interval_seconds(1)
                        .max_attempts(3)
                        .backoff_rate(1.0),
                )
                .catch(Catch::on(["ImageCorrupt"], "Rejected").result_path("$.error"))
                .end(),
        )
        .state("Rejected", Pass::new().result("rejected").end())
        .build()
        .expect("valid definition")
}

#[derive(Debug, Deserialize, PartialEq)]
struct Thumbnails {
    thumbnails: u32,
}

#[tokio::test]
async fn test_cases_pick_the_mocked_responses_per_execution() {
    let engine = LocalEngine::builder()
        .mock_config(mocks())
        .start()
        .await
        .expect("engine starts");
    let client = Client::local(engine.endpoint_url());
    let deployed = machine()
        .deploy(&client, "thumbnails", ROLE)
        .send()
        .await
        .expect("deploy");
    let thumbnails = &deployed.state_machine;

    let resized: Thumbnails = tokio::time::timeout(LIMIT, async {
        thumbnails
            .start(&json!({"key": "a.jpg"}))
            .test_case("Resized")
            .send()
            .await
            .expect("start")
            .wait()
            .await
    })
    .await
    .expect("finishes in time")
    .expect("succeeds");
    assert_eq!(resized, Thumbnails { thumbnails: 3 });

    // Two throttles are retried (one second apart on the real clock), the
    // third invocation answers.
    let throttled: Thumbnails = tokio::time::timeout(LIMIT, async {
        thumbnails
            .start(&json!({"key": "b.jpg"}))
            .test_case("Throttled")
            .send()
            .await
            .expect("start")
            .wait()
            .await
    })
    .await
    .expect("finishes in time")
    .expect("succeeds after retries");
    assert_eq!(throttled, Thumbnails { thumbnails: 5 });

    let rejected: String = tokio::time::timeout(LIMIT, async {
        thumbnails
            .start(&json!({"key": "c.jpg"}))
            .test_case("Broken")
            .send()
            .await
            .expect("start")
            .wait()
            .await
    })
    .await
    .expect("finishes in time")
    .expect("the mocked error is caught");
    assert_eq!(rejected, "rejected");

    // Without a test case the integration has no answer: the execution
    // fails with an error naming the state and what is missing.
    let unmocked = tokio::time::timeout(LIMIT, async {
        thumbnails
            .start(&json!({"key": "d.jpg"}))
            .send()
            .await
            .expect("start")
            .wait::<Thumbnails>()
            .await
    })
    .await
    .expect("finishes in time");
    match unmocked {
        Err(ExecutionError::Failed { error, cause, .. }) => {
            assert_eq!(error.as_deref(), Some("States.Runtime"));
            let cause = cause.unwrap_or_default();
            assert!(cause.contains("Resize"), "{cause}");
        }
        other => panic!("expected a failed execution, got {other:?}"),
    }
}
