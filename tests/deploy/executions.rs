//! Executions through the deploy handle against the local engine: typed
//! input and output, failures with error and cause, stop, history, and an
//! activity task run end to end.

use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;
use stepworker::asl::{
    ExecutionError, Fail, Pass, StateMachine, StateMachineHandle, Succeed, Task, Wait,
};
use stepworker::model::HistoryEventType;
use stepworker::{ActivityContext, Client};
use stepworker_local::LocalEngine;

use super::support::{engine, LIMIT, ROLE};

async fn deploy(machine: StateMachine, name: &str) -> (LocalEngine, StateMachineHandle) {
    let (engine, client) = engine().await;
    let deployed = machine
        .deploy(&client, name, ROLE)
        .send()
        .await
        .expect("deploy");
    (engine, deployed.state_machine)
}

#[derive(Serialize)]
struct Order {
    id: u32,
    items: Vec<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Receipt {
    order: u32,
    status: String,
}

#[tokio::test]
async fn wait_returns_the_typed_output() {
    let machine = StateMachine::builder()
        .start_at("Receipt")
        .state(
            "Receipt",
            Pass::new()
                .parameters(json!({"order.$": "$.id", "status": "paid"}))
                .end(),
        )
        .build()
        .expect("valid definition");
    let (_engine, orders) = deploy(machine, "orders").await;

    let execution = orders
        .start(&Order {
            id: 7,
            items: vec!["book".into()],
        })
        .name("order-7")
        .send()
        .await
        .expect("start");
    assert!(execution.arn().ends_with(":order-7"), "{}", execution.arn());
    let receipt: Receipt = tokio::time::timeout(LIMIT, execution.wait())
        .await
        .expect("finishes in time")
        .expect("succeeds");
    assert_eq!(
        receipt,
        Receipt {
            order: 7,
            status: "paid".into()
        }
    );
    let described = execution.describe().await.expect("describe");
    assert_eq!(described.name.as_deref(), Some("order-7"));
}

#[tokio::test]
async fn a_failed_execution_carries_its_error_and_cause() {
    let machine = StateMachine::builder()
        .start_at("Refuse")
        .state(
            "Refuse",
            Fail::new().error("OutOfStock").cause("no books left"),
        )
        .build()
        .expect("valid definition");
    let (_engine, orders) = deploy(machine, "refusing").await;

    let execution = orders.start(&json!({})).send().await.expect("start");
    let error = tokio::time::timeout(LIMIT, execution.wait::<serde_json::Value>())
        .await
        .expect("finishes in time")
        .expect_err("fails");
    assert!(
        matches!(&error, ExecutionError::Failed { execution_arn, .. } if execution_arn == execution.arn()),
        "{error:?}"
    );
    assert_eq!(error.error(), Some("OutOfStock"));
    assert_eq!(error.cause(), Some("no books left"));
}

#[tokio::test]
async fn output_of_the_wrong_shape_is_a_typed_error() {
    let machine = StateMachine::builder()
        .start_at("Done")
        .state("Done", Succeed::new())
        .build()
        .expect("valid definition");
    let (_engine, machine) = deploy(machine, "shapes").await;

    let execution = machine
        .start(&json!({"order": "not a number"}))
        .send()
        .await
        .expect("start");
    let error = tokio::time::timeout(LIMIT, execution.wait::<Receipt>())
        .await
        .expect("finishes in time")
        .expect_err("wrong shape");
    assert!(matches!(error, ExecutionError::Output { .. }), "{error:?}");
}

#[tokio::test]
async fn stop_aborts_a_running_execution_and_history_streams_its_events() {
    let machine = StateMachine::builder()
        .start_at("Sleep")
        .state("Sleep", Wait::seconds(3600).end())
        .build()
        .expect("valid definition");
    let (_engine, sleepy) = deploy(machine, "sleepy").await;

    let execution = sleepy
        .start(&json!({"n": 1}))
        .name("nap")
        .send()
        .await
        .expect("start");
    // Starting again with the same name and input while it runs is the
    // same execution.
    let again = sleepy
        .start(&json!({"n": 1}))
        .name("nap")
        .send()
        .await
        .expect("start again");
    assert_eq!(again.arn(), execution.arn());

    execution
        .stop_with("Cancelled", "the test is over")
        .await
        .expect("stop");
    let error = tokio::time::timeout(LIMIT, execution.wait::<serde_json::Value>())
        .await
        .expect("finishes in time")
        .expect_err("aborted");
    assert!(matches!(error, ExecutionError::Aborted { .. }), "{error:?}");
    assert_eq!(error.error(), Some("Cancelled"));
    assert_eq!(error.cause(), Some("the test is over"));

    let events: Vec<_> = execution.history().try_collect().await.expect("history");
    let kinds: Vec<_> = events.iter().map(|event| event.r#type.clone()).collect();
    assert_eq!(kinds.first(), Some(&HistoryEventType::ExecutionStarted));
    assert!(
        kinds.contains(&HistoryEventType::WaitStateEntered),
        "{kinds:?}"
    );
    assert_eq!(kinds.last(), Some(&HistoryEventType::ExecutionAborted));
    assert!(events.windows(2).all(|pair| pair[0].id < pair[1].id));
}

#[stepworker::activity(name = "double", heartbeat = "10s", timeout = "1m")]
async fn double(n: u64, _ctx: ActivityContext) -> Result<u64, String> {
    Ok(n * 2)
}

#[tokio::test]
async fn an_activity_task_state_runs_end_to_end() {
    let machine = StateMachine::builder()
        .start_at("Double")
        .state("Double", Task::activity::<double>().end())
        .build()
        .expect("valid definition");
    let engine = LocalEngine::start().await.expect("engine starts");
    let client = Client::local(engine.endpoint_url());
    let deployed = machine
        .deploy(&client, "doubler", ROLE)
        .send()
        .await
        .expect("deploy");
    let activity_arn = deployed.activity_arns["double"].clone();

    // The deployed timeouts are the activity's.
    let definition: serde_json::Value = serde_json::from_str(
        &deployed
            .state_machine
            .describe()
            .await
            .expect("describe")
            .definition,
    )
    .expect("JSON definition");
    assert_eq!(definition["States"]["Double"]["HeartbeatSeconds"], 10);
    assert_eq!(definition["States"]["Double"]["TimeoutSeconds"], 60);

    let execution = deployed
        .state_machine
        .start(&21)
        .send()
        .await
        .expect("start");
    // Play the worker by hand so this test depends on the client only.
    let task = tokio::time::timeout(
        LIMIT,
        client
            .get_activity_task()
            .activity_arn(&activity_arn)
            .worker_name("test")
            .send(),
    )
    .await
    .expect("a task in time")
    .expect("poll");
    let token = task.task_token.expect("a task was handed out");
    let input: u64 = serde_json::from_str(task.input.as_deref().unwrap_or("null")).expect("input");
    client
        .send_task_success()
        .task_token(token)
        .output((input * 2).to_string())
        .send()
        .await
        .expect("report");

    let doubled: u64 = tokio::time::timeout(LIMIT, execution.wait())
        .await
        .expect("finishes in time")
        .expect("succeeds");
    assert_eq!(doubled, 42);
}
