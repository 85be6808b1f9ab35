//! GetExecutionHistory pages are bounded in bytes as well as in events: a
//! history of 256 KiB payloads comes back in several pages, none of them
//! hundreds of megabytes, and paging still returns every event once.

use std::time::Duration;

use crate::support::ROLE;
use serde_json::{json, Map, Value};
use stepworker_local::LocalEngine;

#[tokio::test]
async fn history_pages_of_large_payloads_are_bounded_in_bytes() {
    let engine = LocalEngine::start().await.expect("starts");
    let mut states = Map::new();
    for i in 0..20 {
        let next = if i < 19 {
            json!({"Type": "Pass", "Next": format!("S{}", i + 1)})
        } else {
            json!({"Type": "Pass", "End": true})
        };
        states.insert(format!("S{i}"), next);
    }
    let definition = json!({"StartAt": "S0", "States": states}).to_string();
    let machine = engine
        .call(
            "CreateStateMachine",
            &json!({"name": "big", "definition": definition, "roleArn": ROLE}),
        )
        .await
        .expect("created")["stateMachineArn"]
        .as_str()
        .expect("arn")
        .to_owned();
    let input = json!({"big": "x".repeat(200_000)}).to_string();
    let execution = engine
        .call(
            "StartExecution",
            &json!({"stateMachineArn": machine, "input": input}),
        )
        .await
        .expect("started")["executionArn"]
        .as_str()
        .expect("arn")
        .to_owned();
    let mut status = Value::Null;
    for _ in 0..500 {
        status = engine
            .call("DescribeExecution", &json!({"executionArn": execution}))
            .await
            .expect("described")["status"]
            .clone();
        if status != "RUNNING" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(status, "SUCCEEDED");

    let mut ids = Vec::new();
    let mut pages = 0;
    let mut token: Option<String> = None;
    loop {
        let mut request = json!({"executionArn": execution, "maxResults": 1000});
        if let Some(token) = &token {
            request["nextToken"] = json!(token);
        }
        let page = engine
            .call("GetExecutionHistory", &request)
            .await
            .expect("a page");
        let bytes = page.to_string().len();
        assert!(bytes < 5 * 1024 * 1024, "a page of {bytes} bytes");
        pages += 1;
        for event in page["events"].as_array().expect("events") {
            ids.push(event["id"].as_i64().expect("id"));
        }
        match page["nextToken"].as_str() {
            Some(next) => token = Some(next.to_owned()),
            None => break,
        }
        assert!(pages < 100, "paging ends");
    }
    // 20 states entered and exited with ~200 KB each: about 8 MB of events.
    assert!(pages >= 2, "{pages} pages");
    let expected: Vec<i64> = (1..=ids.len() as i64).collect();
    assert_eq!(ids, expected, "every event once, in order");
    assert_eq!(ids.len(), 2 + 20 * 2);
}
