//! Paginators follow `nextToken` across pages, as streams of pages and of items.

mod client_support;

use client_support::{Reply, TestServer};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::json;
use stepworker::model::ErrorCode;
use stepworker::Error;

const SM: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:sm";

fn execution(name: &str) -> serde_json::Value {
    json!({
        "executionArn": format!("arn:aws:states:us-east-1:123456789012:execution:sm:{name}"),
        "stateMachineArn": SM,
        "name": name,
        "status": "SUCCEEDED",
        "startDate": 1,
    })
}

/// Three pages: [a, b] -> t1 -> [c] -> t2 -> [d, e]; an unknown token is InvalidToken.
async fn three_page_server() -> TestServer {
    TestServer::start(|request, _| {
        let token = request.json()["nextToken"].as_str().map(str::to_owned);
        match token.as_deref() {
            None => Reply::ok(
                json!({"executions": [execution("a"), execution("b")], "nextToken": "t1"}),
            ),
            Some("t1") => Reply::ok(json!({"executions": [execution("c")], "nextToken": "t2"})),
            Some("t2") => Reply::ok(json!({"executions": [execution("d"), execution("e")]})),
            Some(_) => Reply::error(400, "InvalidToken", "Invalid Token"),
        }
    })
    .await
}

#[tokio::test]
async fn pages_follow_next_token_to_the_end() {
    let server = three_page_server().await;
    let pages: Vec<_> = server
        .client()
        .list_executions()
        .state_machine_arn(SM)
        .max_results(2)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .expect("three pages");

    let sizes: Vec<usize> = pages.iter().map(|p| p.executions.len()).collect();
    assert_eq!(sizes, vec![2, 1, 2]);
    let requests = server.received();
    let tokens: Vec<Option<String>> = requests
        .iter()
        .map(|r| r.json()["nextToken"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(tokens, vec![None, Some("t1".into()), Some("t2".into())]);
    for request in &requests {
        assert_eq!(request.json()["maxResults"], 2);
        assert_eq!(request.json()["stateMachineArn"], SM);
    }
}

#[tokio::test]
async fn items_flatten_the_pages_in_order() {
    let server = three_page_server().await;
    let names: Vec<String> = server
        .client()
        .list_executions()
        .state_machine_arn(SM)
        .into_paginator()
        .items()
        .map_ok(|item| item.name)
        .try_collect()
        .await
        .expect("five items");
    assert_eq!(names, vec!["a", "b", "c", "d", "e"]);
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn an_error_ends_the_stream_after_the_pages_before_it() {
    let server = three_page_server().await;
    let results: Vec<_> = server
        .client()
        .list_executions()
        .state_machine_arn(SM)
        .next_token("expired")
        .into_paginator()
        .send()
        .collect()
        .await;
    assert_eq!(results.len(), 1);
    let err = results[0].as_ref().expect_err("bad token");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidToken));
}

#[tokio::test]
async fn a_repeated_token_stops_instead_of_looping() {
    let server = TestServer::always(Reply::ok(json!({
        "executions": [execution("a")],
        "nextToken": "same",
    })))
    .await;
    let pages: Vec<_> = server
        .client()
        .list_executions()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages.len(), 2);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_missing_required_member_is_the_first_item_and_no_request_is_made() {
    let server = three_page_server().await;
    let results: Vec<_> = server
        .client()
        .list_map_runs()
        .into_paginator()
        .items()
        .collect()
        .await;
    assert_eq!(results.len(), 1);
    assert!(matches!(
        results[0],
        Err(Error::MissingParameter {
            operation: "ListMapRuns",
            member: "executionArn"
        })
    ));
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn history_events_page_too() {
    let server = TestServer::start(|request, _| {
        if request.json()["nextToken"].is_null() {
            Reply::ok(json!({
                "events": [{"id": 1, "timestamp": 1, "type": "ExecutionStarted"}],
                "nextToken": "n",
            }))
        } else {
            Reply::ok(json!({"events": [{"id": 2, "previousEventId": 1, "timestamp": 2, "type": "ExecutionSucceeded"}]}))
        }
    })
    .await;
    let ids: Vec<i64> = server
        .client()
        .get_execution_history()
        .execution_arn("arn:aws:states:us-east-1:123456789012:execution:sm:e")
        .into_paginator()
        .items()
        .map_ok(|event| event.id)
        .try_collect()
        .await
        .expect("events");
    assert_eq!(ids, vec![1, 2]);
}
