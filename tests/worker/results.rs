//! Every way a handler can end, over HTTP against stepworker-local: success,
//! a mapped error caught by a Catch, a panic, bad input and oversize output.

use std::time::Duration;

use crate::support::*;
use serde::Deserialize;
use serde_json::{json, Value};
use stepworker::model::ExecutionStatus;
use stepworker::worker::{error_names, Worker};

#[derive(Deserialize)]
struct Order {
    id: u32,
    quantity: u32,
}

#[derive(Debug, thiserror::Error, stepworker::ActivityError)]
enum PriceError {
    #[error("order {0} is out of stock")]
    OutOfStock(u32),
}

/// Prices an order; quantity 0 is out of stock, 13 panics, and 9,999 writes
/// a receipt larger than Step Functions accepts.
#[stepworker::activity(name = "price-order", heartbeat = "10s", timeout = "1m")]
async fn price(order: Order) -> Result<Value, PriceError> {
    match order.quantity {
        0 => Err(PriceError::OutOfStock(order.id)),
        13 => panic!("unlucky quantity"),
        9_999 => Ok(json!({ "id": order.id, "receipt": "x".repeat(300_000) })),
        quantity => Ok(json!({ "id": order.id, "total_cents": quantity * 250 })),
    }
}

const LIMIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn results_errors_panics_bad_input_and_oversize_output_reach_the_execution() {
    let (engine, client) = engine().await;
    let arn = activity_arn(&client, "price-order").await;
    let definition = json!({
        "StartAt": "Work",
        "States": {
            "Work": {
                "Type": "Task",
                "Resource": arn,
                "Catch": [{ "ErrorEquals": ["PriceError.OutOfStock"], "ResultPath": "$.caught", "Next": "Caught" }],
                "End": true
            },
            "Caught": { "Type": "Pass", "End": true }
        }
    });
    let machine = state_machine(&client, "pricing", &definition).await;

    let worker = Worker::builder(client.clone())
        .activity(price)
        .concurrency(8)
        .build();
    let handle = worker.handle();
    let running = tokio::spawn(worker.run());

    let inputs = [
        json!({ "id": 1, "quantity": 2 }),
        json!({ "id": 2, "quantity": 0 }),
        json!({ "id": 3, "quantity": 13 }),
        json!({ "id": 4, "quantity": "many" }),
        json!({ "id": 5, "quantity": 9_999 }),
    ];
    let mut executions = Vec::new();
    for input in &inputs {
        executions.push(start(&client, &machine, input).await);
    }
    let mut ends = Vec::new();
    for execution in &executions {
        ends.push(finished(&client, execution, LIMIT).await);
    }

    let [ok, caught, panicked, bad_input, oversize] = &ends[..] else {
        unreachable!()
    };
    assert_eq!(ok.status, ExecutionStatus::Succeeded);
    assert_eq!(output_of(ok), json!({ "id": 1, "total_cents": 500 }));

    assert_eq!(
        caught.status,
        ExecutionStatus::Succeeded,
        "the Catch did not catch: {caught:?}"
    );
    let caught_error = &output_of(caught)["caught"];
    assert_eq!(caught_error["Error"], "PriceError.OutOfStock");
    assert_eq!(caught_error["Cause"], "order 2 is out of stock");

    assert_eq!(panicked.status, ExecutionStatus::Failed);
    assert_eq!(panicked.error.as_deref(), Some(error_names::PANIC));
    assert!(panicked
        .cause
        .as_deref()
        .unwrap_or("")
        .contains("unlucky quantity"));

    assert_eq!(bad_input.status, ExecutionStatus::Failed);
    assert_eq!(bad_input.error.as_deref(), Some(error_names::INVALID_INPUT));
    let cause = bad_input.cause.as_deref().unwrap_or("");
    assert!(
        cause.contains("`quantity`"),
        "the cause does not name the field: {cause}"
    );

    assert_eq!(oversize.status, ExecutionStatus::Failed);
    assert_eq!(
        oversize.error.as_deref(),
        Some(error_names::OUTPUT_TOO_LARGE)
    );

    handle.shutdown();
    let stopped = tokio::time::timeout(LIMIT, running).await;
    assert!(
        matches!(stopped, Ok(Ok(Ok(())))),
        "the worker did not stop cleanly: {stopped:?}"
    );
    let stats = engine.stats();
    assert_eq!(stats.reports_accepted, 5);
    assert_eq!(stats.tokens_reported_twice, 0);
}
