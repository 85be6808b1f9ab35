//! Execution history: event order, ids, details, paging, data exclusion.

use serde_json::{json, Value};

use crate::support::api;
use crate::support::api::{one_task, Api};

async fn finished_task_execution(api: &Api) -> String {
    let activity = api.activity("a").await;
    let machine = api.machine("m", one_task(&activity)).await;
    let execution = api.start_execution(&machine, json!({"in": 1})).await;
    let task = api.poll(&activity, "w-1").await;
    api.ok(
        "SendTaskSuccess",
        json!({"taskToken": task["taskToken"], "output": "{\"out\":2}"}),
    )
    .await;
    api.finished(&execution).await;
    execution
}

#[tokio::test]
async fn a_task_execution_writes_the_events_aws_writes() {
    let api = Api::start().await;
    let execution = finished_task_execution(&api).await;
    let events = api.history(&execution).await;
    let types: Vec<&str> = events
        .iter()
        .map(|e| e["type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "ActivityScheduled",
            "ActivityStarted",
            "ActivitySucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    let ids: Vec<i64> = events
        .iter()
        .map(|e| e["id"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6, 7]);
    let previous: Vec<i64> = events
        .iter()
        .map(|e| e["previousEventId"].as_i64().unwrap_or(-1))
        .collect();
    assert_eq!(previous, [0, 0, 2, 3, 4, 5, 6]);
    assert_eq!(
        events[0]["executionStartedEventDetails"]["input"],
        "{\"in\":1}"
    );
    assert_eq!(
        events[0]["executionStartedEventDetails"]["roleArn"],
        api::ROLE
    );
    assert_eq!(events[1]["stateEnteredEventDetails"]["name"], "Work");
    let scheduled = &events[2]["activityScheduledEventDetails"];
    assert!(scheduled["resource"]
        .as_str()
        .is_some_and(|r| r.ends_with(":activity:a")));
    assert_eq!(scheduled["input"], "{\"in\":1}");
    assert_eq!(
        events[3]["activityStartedEventDetails"]["workerName"],
        "w-1"
    );
    assert_eq!(
        events[4]["activitySucceededEventDetails"]["output"],
        "{\"out\":2}"
    );
    assert_eq!(
        events[5]["stateExitedEventDetails"]["output"],
        "{\"out\":2}"
    );
    assert_eq!(
        events[6]["executionSucceededEventDetails"]["output"],
        "{\"out\":2}"
    );
    assert!(events.iter().all(|e| e["timestamp"].is_number()));
}

#[tokio::test]
async fn reverse_order_and_excluded_data() {
    let api = Api::start().await;
    let execution = finished_task_execution(&api).await;
    let reversed = api
        .ok(
            "GetExecutionHistory",
            json!({"executionArn": execution, "reverseOrder": true, "includeExecutionData": false}),
        )
        .await;
    let events = reversed["events"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        events.first().map(|e| e["type"].clone()),
        Some(json!("ExecutionSucceeded"))
    );
    assert_eq!(events.last().map(|e| e["id"].clone()), Some(json!(1)));
    let serialized = Value::Array(events).to_string();
    assert!(!serialized.contains("\"input\""), "{serialized}");
    assert!(!serialized.contains("\"output\""), "{serialized}");
}

#[tokio::test]
async fn pages_follow_each_other_and_forged_tokens_are_refused() {
    let api = Api::start().await;
    let execution = finished_task_execution(&api).await;
    for reverse in [false, true] {
        let mut ids = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut request =
                json!({"executionArn": execution, "maxResults": 3, "reverseOrder": reverse});
            if let Some(t) = &token {
                request["nextToken"] = json!(t);
            }
            let page = api.ok("GetExecutionHistory", request).await;
            let events = page["events"].as_array().cloned().unwrap_or_default();
            assert!(events.len() <= 3);
            ids.extend(events.iter().map(|e| e["id"].as_i64().unwrap_or(0)));
            match page["nextToken"].as_str() {
                Some(t) => token = Some(t.to_owned()),
                None => break,
            }
        }
        let mut expected: Vec<i64> = (1..=7).collect();
        if reverse {
            expected.reverse();
        }
        assert_eq!(ids, expected);
    }
    let forged = api
        .err(
            "GetExecutionHistory",
            json!({"executionArn": execution, "nextToken": "AAAAAAAAAAUAAAAAAAAAAAAAAAAAAAAAAAAA"}),
        )
        .await;
    assert_eq!(forged.name(), "InvalidToken");
}

#[tokio::test]
async fn failures_write_failure_events_without_state_exit() {
    let api = Api::start().await;
    let activity = api.activity("a").await;
    let machine = api.machine("m", one_task(&activity)).await;
    let execution = api.start_execution(&machine, json!({})).await;
    let task = api.poll(&activity, "w").await;
    api.ok(
        "SendTaskFailure",
        json!({"taskToken": task["taskToken"], "error": "Bad.Input", "cause": "why"}),
    )
    .await;
    let done = api.finished(&execution).await;
    assert_eq!(
        (done["error"].clone(), done["cause"].clone()),
        (json!("Bad.Input"), json!("why"))
    );
    let events = api.history(&execution).await;
    let types: Vec<&str> = events
        .iter()
        .map(|e| e["type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "ActivityScheduled",
            "ActivityStarted",
            "ActivityFailed",
            "ExecutionFailed"
        ]
    );
    assert_eq!(
        events[4]["activityFailedEventDetails"]["error"],
        "Bad.Input"
    );
    assert_eq!(events[5]["executionFailedEventDetails"]["cause"], "why");
}
