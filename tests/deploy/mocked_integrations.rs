//! A state machine that calls AWS services, tested through the typed API
//! against mocked responses: `StartExecution::test_case` picks the test case
//! of the engine's mock configuration, and Retry/Catch see the mocked errors.

use std::pin::pin;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use stepworker::asl::{Catch, ExecutionError, Pass, Retry, StateMachine, StateMachineHandle, Task};
use stepworker::Client;
use stepworker_local::{LocalEngine, ManualClock, MockConfig};

use super::support::{LIMIT, ROLE};

/// How often [`run`] looks for armed timers on the engine's clock.
const CLOCK_TICK: Duration = Duration::from_millis(5);

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

/// Runs an execution to its end, in test case `case` if one is given. The
/// engine runs on `clock`, which is moved a second forward whenever a timer
/// is armed, so retry intervals pass without real waiting.
async fn run<O: DeserializeOwned>(
    machine: &StateMachineHandle,
    clock: &ManualClock,
    input: Value,
    case: Option<&str>,
) -> Result<O, ExecutionError> {
    let mut start = machine.start(&input);
    if let Some(case) = case {
        start = start.test_case(case);
    }
    tokio::time::timeout(LIMIT, async {
        let execution = start.send().await.expect("start");
        let mut finished = pin!(execution.wait::<O>());
        loop {
            tokio::select! {
                result = &mut finished => return result,
                () = tokio::time::sleep(CLOCK_TICK) => {
                    if clock.sleepers() > 0 {
                        clock.advance(Duration::from_secs(1));
                    }
                }
            }
        }
    })
    .await
    .expect("finishes in time")
}

#[tokio::test]
async fn test_cases_pick_the_mocked_responses_per_execution() {
    let clock = ManualClock::starting_now();
    let engine = LocalEngine::builder()
        .mock_config(mocks())
        .clock(clock.clone())
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

    let resized: Thumbnails = run(thumbnails, &clock, json!({"key": "a.jpg"}), Some("Resized"))
        .await
        .expect("succeeds");
    assert_eq!(resized, Thumbnails { thumbnails: 3 });

    // Two throttles are retried (one second apart on the engine's clock),
    // the third invocation answers.
    let throttled: Thumbnails = run(
        thumbnails,
        &clock,
        json!({"key": "b.jpg"}),
        Some("Throttled"),
    )
    .await
    .expect("succeeds after retries");
    assert_eq!(throttled, Thumbnails { thumbnails: 5 });

    let rejected: String = run(thumbnails, &clock, json!({"key": "c.jpg"}), Some("Broken"))
        .await
        .expect("the mocked error is caught");
    assert_eq!(rejected, "rejected");

    // Without a test case the integration has no answer: the execution
    // fails with an error naming the state and what is missing.
    let unmocked = run::<Thumbnails>(thumbnails, &clock, json!({"key": "d.jpg"}), None).await;
    match unmocked {
        Err(ExecutionError::Failed { error, cause, .. }) => {
            assert_eq!(error.as_deref(), Some("States.Runtime"));
            let cause = cause.unwrap_or_default();
            assert!(cause.contains("Resize"), "{cause}");
        }
        other => panic!("expected a failed execution, got {other:?}"),
    }
}
