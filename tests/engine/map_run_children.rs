//! The child executions of a Distributed Map over HTTP: what
//! DescribeStateMachineForExecution answers for them (API reference: "If a
//! Map Run dispatched the execution, this action returns the Map Run ARN in
//! the response. The state machine returned is the state machine associated
//! with the Map Run"), and the mock test case they run with.

use serde_json::{json, Value};
use stepworker_local::{LocalEngine, MockConfig};

use crate::support::api::Api;
use crate::support::api::LAMBDA;

/// A machine whose one state is a Distributed Map labelled `Items` over
/// `$.items`, running `processor`, with the Map's `extra` fields.
fn distributed(processor: &Value, extra: Value) -> Value {
    let mut map = json!({
        "Type": "Map", "ItemsPath": "$.items", "Label": "Items",
        "ItemProcessor": processor, "End": true
    });
    if let (Some(map), Some(extra)) = (map.as_object_mut(), extra.as_object()) {
        map.extend(extra.clone());
    }
    json!({ "StartAt": "Each", "States": { "Each": map } })
}

fn processor(states: Value, start_at: &str) -> Value {
    json!({
        "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" },
        "StartAt": start_at,
        "States": states
    })
}

/// The Map Run ARN the parent's history names in `MapRunStarted`.
async fn map_run_of(api: &Api, execution: &str) -> String {
    api.wait_for_event(execution, "MapRunStarted").await;
    api.history(execution)
        .await
        .iter()
        .find_map(|e| e["mapRunStartedEventDetails"]["mapRunArn"].as_str())
        .expect("MapRunStarted names the Map Run")
        .to_owned()
}

/// The ARNs of the children of `map_run`.
async fn children(api: &Api, map_run: &str) -> Vec<String> {
    let page = api
        .ok("ListExecutions", json!({ "mapRunArn": map_run }))
        .await;
    page["executions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["executionArn"].as_str().map(str::to_owned))
        .collect()
}

async fn describe_for_execution(api: &Api, execution: &str) -> Value {
    api.ok(
        "DescribeStateMachineForExecution",
        json!({ "executionArn": execution }),
    )
    .await
}

#[tokio::test]
async fn a_child_execution_describes_the_map_runs_state_machine() {
    let api = Api::start().await;
    let processor = processor(json!({ "Echo": { "Type": "Pass", "End": true } }), "Echo");
    let definition = distributed(&processor, json!({}));
    let machine = api.machine("children-parent", definition.clone()).await;
    let execution = api
        .start_execution(&machine, json!({ "items": [1, 2] }))
        .await;
    let map_run = map_run_of(&api, &execution).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");

    let kids = children(&api, &map_run).await;
    assert_eq!(kids.len(), 2, "{kids:?}");
    let child_machine = format!("{machine}/Items");
    for child in &kids {
        assert!(
            child.contains(":execution:children-parent/Items:"),
            "{child}"
        );
        let described = describe_for_execution(&api, child).await;
        assert_eq!(described["stateMachineArn"], child_machine.as_str());
        assert_eq!(described["mapRunArn"], map_run.as_str());
        assert_eq!(described["label"], "Items");
        let shown: Value =
            serde_json::from_str(described["definition"].as_str().expect("a definition"))
                .expect("the definition is JSON");
        assert_eq!(shown, processor, "a child runs the item processor");
        assert!(described["roleArn"].is_string(), "{described}");
        assert!(described["updateDate"].is_number(), "{described}");
    }

    // The parent execution is no Map Run child: its own machine, no
    // mapRunArn or label.
    let parent = describe_for_execution(&api, &execution).await;
    assert_eq!(parent["stateMachineArn"], machine.as_str());
    assert!(parent.get("mapRunArn").is_none(), "{parent}");
    assert!(parent.get("label").is_none(), "{parent}");
    let shown: Value = serde_json::from_str(parent["definition"].as_str().expect("a definition"))
        .expect("the definition is JSON");
    assert_eq!(shown, definition);
}

/// A test case whose `Call` state has mocked responses for invocations 0
/// to 2 only.
fn three_calls() -> MockConfig {
    json!({
        "StateMachines": { "mocked-parent": { "TestCases": { "ThreeCalls": { "Call": "Three" } } } },
        "MockedResponses": { "Three": { "0-2": { "Return": { "Payload": { "mocked": true } } } } }
    })
    .to_string()
    .parse()
    .expect("a valid mock configuration")
}

fn calling_processor() -> Value {
    processor(
        json!({ "Call": {
            "Type": "Task", "Resource": LAMBDA,
            "Parameters": { "FunctionName": "f", "Payload.$": "$" },
            "OutputPath": "$.Payload", "End": true
        } }),
        "Call",
    )
}

// The children run with the test case the parent was started with, and
// count invocations on the parent's counters: three mocked invocations
// serve three of four items, the fourth child finds no invocation 3.
#[tokio::test]
async fn children_use_the_parents_test_case_and_its_counters() {
    let api = Api::with(LocalEngine::builder().mock_config(three_calls())).await;
    let machine = api
        .machine(
            "mocked-parent",
            distributed(&calling_processor(), json!({ "ToleratedFailureCount": 1 })),
        )
        .await;
    let execution = api
        .start_execution(
            &format!("{machine}#ThreeCalls"),
            json!({ "items": [1, 2, 3, 4] }),
        )
        .await;
    let map_run = map_run_of(&api, &execution).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let output: Value =
        serde_json::from_str(done["output"].as_str().expect("output")).expect("JSON output");
    let results = output.as_array().expect("one entry per item");
    let mocked = results
        .iter()
        .filter(|r| **r == json!({ "mocked": true }))
        .count();
    assert_eq!(mocked, 3, "{output}");

    let run = api
        .ok("DescribeMapRun", json!({ "mapRunArn": map_run }))
        .await;
    assert_eq!(run["itemCounts"]["succeeded"], 3, "{run}");
    assert_eq!(run["itemCounts"]["failed"], 1, "{run}");
}

// Without a test case, a child's service-integration Task has no mock and
// fails, naming the state: children do not pick a test case of their own.
#[tokio::test]
async fn children_of_an_execution_without_test_case_have_no_mocks() {
    let api = Api::with(LocalEngine::builder().mock_config(three_calls())).await;
    let machine = api
        .machine(
            "mocked-parent",
            distributed(&calling_processor(), json!({})),
        )
        .await;
    let execution = api.start_execution(&machine, json!({ "items": [1] })).await;
    let map_run = map_run_of(&api, &execution).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "FAILED", "{done}");
    let kids = children(&api, &map_run).await;
    assert_eq!(kids.len(), 1, "{kids:?}");
    let child = api.finished(&kids[0]).await;
    assert_eq!(child["status"], "FAILED", "{child}");
    let cause = child["cause"].as_str().unwrap_or_default();
    assert!(cause.contains("Call"), "{child}");
}

// EXPRESS children (`express:<machine>/<label>:...`) are Map Run children
// too: described like STANDARD ones, as DescribeExecution describes them.
#[tokio::test]
async fn an_express_child_is_described_too() {
    let api = Api::start().await;
    let mut processor = processor(json!({ "Echo": { "Type": "Pass", "End": true } }), "Echo");
    processor["ProcessorConfig"]["ExecutionType"] = json!("EXPRESS");
    let machine = api
        .machine("express-children", distributed(&processor, json!({})))
        .await;
    let execution = api.start_execution(&machine, json!({ "items": [1] })).await;
    let map_run = map_run_of(&api, &execution).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let kids = children(&api, &map_run).await;
    assert_eq!(kids.len(), 1, "{kids:?}");
    assert!(
        kids[0].contains(":express:express-children/Items:"),
        "{kids:?}"
    );
    let described = describe_for_execution(&api, &kids[0]).await;
    assert_eq!(described["mapRunArn"], map_run.as_str());
    assert_eq!(described["label"], "Items");
    assert_eq!(described["stateMachineArn"], format!("{machine}/Items"));
}
