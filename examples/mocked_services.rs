//! Testing a workflow that calls AWS services, with no AWS account.
//!
//! ```text
//! cargo run --example mocked_services
//! ```
//! A JSONata checkout workflow charges a card through Lambda and waits for
//! an approval sent through SQS (`.waitForTaskToken`). The embedded engine
//! answers the Lambda call from a mock configuration in the format of Step
//! Functions Local's `MockConfigFile.json`; each execution picks its test
//! case. The approval is not mocked, so the engine hands out a real task
//! token: this program reads it from the execution history and approves
//! with `SendTaskSuccess`, as the approving service would. It prints one
//! line per test case and exits non-zero if any result is not the
//! expected one.

use std::time::Duration;

use anyhow::{bail, Context as _};
use futures_util::TryStreamExt;
use serde_json::{json, Value};
use stepworker::asl::{Catch, Pass, QueryLanguage, Retry, StateMachine, StateMachineHandle, Task};
use stepworker::model::HistoryEventType;
use stepworker::Client;
use stepworker_local::{LocalEngine, MockConfig};

const ROLE: &str = "arn:aws:iam::123456789012:role/checkout";
/// Longest this program waits for anything.
const LIMIT: Duration = Duration::from_secs(20);

/// Mocked answers of the `Charge` state, per test case.
fn mock_configuration() -> anyhow::Result<MockConfig> {
    let config = json!({
        "StateMachines": {
            "checkout": { "TestCases": {
                "HappyPath": { "Charge": "Charged" },
                "BusyProcessor": { "Charge": "ThrottledThenCharged" },
                "CardDeclined": { "Charge": "Declined" }
            } }
        },
        "MockedResponses": {
            "Charged": { "0": { "Return": { "StatusCode": 200, "Payload": { "chargeId": "ch_1" } } } },
            "ThrottledThenCharged": {
                "0": { "Throw": { "Error": "Lambda.TooManyRequestsException", "Cause": "rate exceeded" } },
                "1": { "Return": { "StatusCode": 200, "Payload": { "chargeId": "ch_2" } } }
            },
            "Declined": {
                "0": { "Throw": { "Error": "PaymentDeclined", "Cause": "insufficient funds" } }
            }
        }
    });
    Ok(config.to_string().parse()?)
}

fn checkout() -> anyhow::Result<StateMachine> {
    Ok(StateMachine::builder()
        .query_language(QueryLanguage::Jsonata)
        .start_at("Charge")
        .state(
            "Charge",
            Task::new("arn:aws:states:::lambda:invoke")
                .arguments(json!({
                    "FunctionName": "charge-card",
                    "Payload": {"order": "{% $states.input.order %}", "cents": "{% $states.input.cents %}"}
                }))
                .assign(json!({"chargeId": "{% $states.result.Payload.chargeId %}"}))
                .retry(
                    Retry::on(["Lambda.TooManyRequestsException"])
                        .interval_seconds(1)
                        .max_attempts(2),
                )
                .catch(
                    Catch::on(["PaymentDeclined"], "Declined")
                        .output(json!({"declined": "{% $states.errorOutput.Cause %}"})),
                )
                .next("Approve"),
        )
        .state(
            "Approve",
            Task::new("arn:aws:states:::sqs:sendMessage.waitForTaskToken")
                .arguments(json!({
                    "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
                    "MessageBody": {"chargeId": "{% $chargeId %}", "token": "{% $states.context.Task.Token %}"}
                }))
                .heartbeat_seconds(60)
                .output(json!({"chargeId": "{% $chargeId %}", "approvedBy": "{% $states.result.approver %}"}))
                .end(),
        )
        .state("Declined", Pass::new().end())
        .build()?)
}

/// Plays the approving service: waits for the approval request in the
/// history and answers it with the token it carries.
async fn approve(
    client: &Client,
    machine: &StateMachineHandle,
    execution: &str,
) -> anyhow::Result<()> {
    let history = machine.execution(execution);
    let deadline = tokio::time::Instant::now() + LIMIT;
    loop {
        let events: Vec<_> = history.history().try_collect().await?;
        if events
            .iter()
            .any(|e| e.r#type == HistoryEventType::ExecutionFailed)
        {
            return Ok(());
        }
        let request = events.iter().find_map(|e| {
            let details = e.task_scheduled_event_details.as_ref()?;
            (details.resource == "sendMessage.waitForTaskToken").then(|| details.parameters.clone())
        });
        if let Some(parameters) = request {
            let parameters: Value = serde_json::from_str(&parameters)?;
            let token = parameters["MessageBody"]["token"]
                .as_str()
                .context("the approval request carries no token")?;
            client
                .send_task_success()
                .task_token(token)
                .output(json!({"approver": "ops@example.com"}).to_string())
                .send()
                .await?;
            return Ok(());
        }
        if events
            .iter()
            .any(|e| e.r#type == HistoryEventType::ExecutionSucceeded)
        {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            bail!("no approval request appeared in {execution}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let engine = LocalEngine::builder()
        .mock_config(mock_configuration()?)
        .start()
        .await?;
    let client = Client::local(engine.endpoint_url());
    let machine = checkout()?
        .deploy(&client, "checkout", ROLE)
        .send()
        .await?
        .state_machine;

    let expectations = [
        (
            "HappyPath",
            json!({"chargeId": "ch_1", "approvedBy": "ops@example.com"}),
        ),
        (
            "BusyProcessor",
            json!({"chargeId": "ch_2", "approvedBy": "ops@example.com"}),
        ),
        ("CardDeclined", json!({"declined": "insufficient funds"})),
    ];
    let mut all_as_expected = true;
    for (case, expected) in expectations {
        let execution = machine
            .start(&json!({"order": "o-42", "cents": 1999}))
            .test_case(case)
            .send()
            .await?;
        approve(&client, &machine, execution.arn()).await?;
        let output: Value = tokio::time::timeout(LIMIT, execution.wait())
            .await
            .context("the execution did not finish in time")??;
        let verdict = if output == expected {
            "ok"
        } else {
            "UNEXPECTED"
        };
        all_as_expected &= output == expected;
        println!("{case:<14} {verdict:<10} {output}");
    }
    engine.shutdown().await?;
    if !all_as_expected {
        bail!("some test cases did not give the expected output");
    }
    Ok(())
}
