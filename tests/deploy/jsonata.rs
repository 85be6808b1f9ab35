//! A JSONata state machine with workflow variables, built with the typed
//! builder, deployed to the local engine and run by a real worker: the
//! builder, the engine and the worker agree on Arguments, Assign, Output and
//! Condition.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;
use stepworker::asl::{Choice, Pass, QueryLanguage, Rule, StateMachine, Task};
use stepworker::{ActivityContext, Client, Worker};
use stepworker_local::LocalEngine;

use super::support::{LIMIT, ROLE};

/// Empty polls answer quickly, so the worker's graceful shutdown (which
/// lets a parked poll finish) does not wait the service's 60 seconds.
const POLL_TIMEOUT: Duration = Duration::from_millis(200);

#[derive(Debug, Serialize, Deserialize)]
struct PriceRequest {
    sku: String,
    quantity: u32,
}

#[derive(Debug, Serialize, Deserialize)]
struct Price {
    total_cents: u64,
}

#[stepworker::activity(name = "price-order", heartbeat = "10s", timeout = "1m")]
async fn price_order(request: PriceRequest, _ctx: ActivityContext) -> Result<Price, String> {
    Ok(Price {
        total_cents: u64::from(request.quantity) * 250,
    })
}

#[derive(Debug, Deserialize, PartialEq)]
struct Decision {
    customer: String,
    total_cents: u64,
    review: bool,
}

fn machine() -> StateMachine {
    StateMachine::builder()
        .query_language(QueryLanguage::Jsonata)
        .start_at("Remember")
        .state(
            "Remember",
            Pass::new()
                .assign(json!({"customer": "{% $states.input.customer %}"}))
                .next("Price"),
        )
        .state(
            "Price",
            Task::activity::<price_order>()
                .arguments(json!({
                    "sku": "{% $states.input.sku %}",
                    "quantity": "{% $states.input.quantity %}"
                }))
                .assign(json!({"total": "{% $states.result.total_cents %}"}))
                .next("Large?"),
        )
        .state(
            "Large?",
            Choice::new()
                .when(Rule::condition("{% $total > 1000 %}"), "Review")
                .otherwise("Approve"),
        )
        .state(
            "Review",
            Pass::new()
                .output(json!({"customer": "{% $customer %}", "total_cents": "{% $total %}", "review": true}))
                .end(),
        )
        .state(
            "Approve",
            Pass::new()
                .output(json!({"customer": "{% $customer %}", "total_cents": "{% $total %}", "review": false}))
                .end(),
        )
        .build()
        .expect("valid definition")
}

#[tokio::test]
async fn a_typed_jsonata_machine_runs_with_a_worker() {
    let engine = LocalEngine::builder()
        .poll_timeout(POLL_TIMEOUT)
        .start()
        .await
        .expect("engine starts");
    let client = Client::local(engine.endpoint_url());
    let deployed = machine()
        .deploy(&client, "pricing", ROLE)
        .send()
        .await
        .expect("the engine accepts what the builder produced");

    let worker = Worker::builder(client.clone())
        .activity(price_order)
        .concurrency(4)
        .build();
    let handle = worker.handle();
    let running = tokio::spawn(worker.run());

    let mut decisions = Vec::new();
    for (customer, quantity) in [("ada", 2), ("grace", 9)] {
        let execution = deployed
            .state_machine
            .start(&json!({"customer": customer, "sku": "A-1", "quantity": quantity}))
            .send()
            .await
            .expect("start");
        let decision: Decision = tokio::time::timeout(LIMIT, execution.wait())
            .await
            .expect("finishes in time")
            .expect("succeeds");
        decisions.push(decision);
    }
    handle.shutdown();
    tokio::time::timeout(LIMIT, running)
        .await
        .expect("worker stops in time")
        .expect("worker task")
        .expect("worker ran cleanly");

    assert_eq!(
        decisions,
        [
            Decision {
                customer: "ada".into(),
                total_cents: 500,
                review: false
            },
            Decision {
                customer: "grace".into(),
                total_cents: 2250,
                review: true
            },
        ]
    );
}
