//! A state whose JSONata computes for seconds inside a running execution
//! does not hold up the API: on a runtime with a single worker thread (the
//! worst case; the binary has one per core), calls keep being answered
//! while the state computes, and the state ends at its evaluation budget
//! with `States.QueryEvaluationError`.

use std::time::Duration;

use crate::support::wire::{call, history_events};
use crate::support::ROLE;
use serde_json::{json, Value};
use stepworker_local::LocalEngine;

/// About 10^12 additions: runs until the expression's timeout stops it.
const ENDLESS: &str =
    "{% $reduce([1..999999], function($a, $v) { $reduce([1..999999], function($b, $w) { $b + $w }, $a) }, 0) %}";

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn the_api_answers_while_a_state_computes() {
    let engine = LocalEngine::start().await.expect("starts");
    let addr = engine.local_addr();
    let definition = json!({
        "QueryLanguage": "JSONata",
        "StartAt": "Spin",
        "States": {"Spin": {"Type": "Pass", "Output": ENDLESS, "End": true}}
    });
    let machine = call(
        addr,
        "CreateStateMachine",
        &json!({"name": "spin", "definition": definition.to_string(), "roleArn": ROLE}),
    )
    .await
    .ok()["stateMachineArn"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let execution = call(
        addr,
        "StartExecution",
        &json!({"stateMachineArn": machine, "input": "{}"}),
    )
    .await
    .ok()["executionArn"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    // The state is entered (its event is written before it computes), and
    // the history that says so is answered while it computes.
    let mut entered = false;
    for _ in 0..1_000 {
        entered = history_events(addr, &execution)
            .await
            .iter()
            .any(|e| e["type"] == "PassStateEntered");
        if entered {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(entered, "the Pass state was entered");
    let listed = call(addr, "ListActivities", &json!({})).await;
    assert_eq!(listed.status(), 200);
    let described = call(
        addr,
        "DescribeExecution",
        &json!({"executionArn": execution}),
    )
    .await
    .ok();
    assert_eq!(
        described["status"], "RUNNING",
        "the calls were answered while the state still computed"
    );

    let mut ended = Value::Null;
    for _ in 0..600 {
        ended = call(
            addr,
            "DescribeExecution",
            &json!({"executionArn": execution}),
        )
        .await
        .ok();
        if ended["status"] != "RUNNING" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(ended["status"], "FAILED");
    assert_eq!(ended["error"], "States.QueryEvaluationError");
}
