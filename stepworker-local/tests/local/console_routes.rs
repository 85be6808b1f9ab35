//! The console's routes, served beside the API on one router, driven with
//! `tower::ServiceExt::oneshot` against a real in-process engine.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use stepworker_local::LocalEngine;
use tower::ServiceExt;

async fn engine() -> (Arc<LocalEngine>, Router) {
    let engine = Arc::new(LocalEngine::start().await.expect("engine starts"));
    let app = engine.router();
    (engine, app)
}

async fn get(app: &Router, uri: &str) -> (StatusCode, String, String) {
    let response = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
        .await
        .expect("infallible");
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = to_bytes(response.into_body(), 4 << 20).await.expect("body");
    (
        status,
        content_type,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

fn encode(arn: &str) -> String {
    arn.replace(':', "%3A")
}

async fn machine(engine: &LocalEngine, name: &str, definition: Value) -> String {
    let created = engine
        .call(
            "CreateStateMachine",
            &json!({
                "name": name,
                "definition": definition.to_string(),
                "roleArn": "arn:aws:iam::123456789012:role/console-test"
            }),
        )
        .await
        .expect("machine created");
    created["stateMachineArn"].as_str().expect("arn").to_owned()
}

#[tokio::test]
async fn pages_and_assets_are_served_beside_the_api() {
    let (engine, app) = engine().await;
    let (status, content_type, body) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/html"));
    assert!(body.contains(r#"data-page="overview""#));
    assert!(body.contains(r#"<script src="/console/console.js">"#));

    let arn = "arn:aws:states:us-east-1:123456789012:execution:m:e";
    let (status, _, body) = get(&app, &format!("/executions/{}", encode(arn))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"data-page="execution""#));
    let (_, _, body) = get(
        &app,
        "/state-machines/arn%3Aaws%3Astates%3Aus-east-1%3A1%3AstateMachine%3Am",
    )
    .await;
    assert!(body.contains(r#"data-page="state-machine""#));

    let (status, content_type, script) = get(&app, "/console/console.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/javascript"));
    assert!(script.contains("AWSStepFunctions."));
    let (_, content_type, style) = get(&app, "/console/console.css").await;
    assert!(content_type.starts_with("text/css"));
    assert!(style.contains(".st-caught"));
    for page in [&body, &script, &style] {
        assert!(
            !page.contains("http://") && !page.contains("https://"),
            "nothing is fetched from the internet"
        );
    }

    // The API still answers on POST / after the merge.
    let response = app
        .clone()
        .oneshot(
            Request::post("/")
                .header("x-amz-target", "AWSStepFunctions.ListActivities")
                .header(header::CONTENT_TYPE, "application/x-amz-json-1.0")
                .body(Body::from("{}"))
                .expect("request"),
        )
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    drop(engine);
}

#[tokio::test]
async fn graph_svg_draws_a_stored_definition_and_reports_errors_as_json() {
    let (engine, app) = engine().await;
    let arn = machine(
        &engine,
        "drawn",
        json!({"StartAt": "Hello", "States": {
            "Hello": {"Type": "Pass", "Next": "Bye"},
            "Bye": {"Type": "Succeed"}
        }}),
    )
    .await;
    let (status, content_type, svg) = get(
        &app,
        &format!("/console/graph.svg?stateMachineArn={}", encode(&arn)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("image/svg+xml"));
    assert!(svg.contains(r#"<g id="state-Hello" class="state type-pass start""#));
    assert!(svg.contains(r#"<g id="state-Bye" class="state type-succeed end""#));
    assert!(svg.contains(r#"data-from="Hello" data-to="Bye""#));

    let (status, _, body) = get(&app, "/console/graph.svg").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error: Value = serde_json::from_str(&body).expect("json error");
    assert_eq!(error["error"], "MissingRequiredParameter");

    let missing = arn.replace("drawn", "missing");
    let (status, _, body) = get(
        &app,
        &format!("/console/graph.svg?stateMachineArn={}", encode(&missing)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let error: Value = serde_json::from_str(&body).expect("json error");
    assert_eq!(error["error"], "StateMachineDoesNotExist");
}

async fn activity(engine: &LocalEngine, name: &str) -> String {
    let created = engine
        .call("CreateActivity", &json!({ "name": name }))
        .await
        .expect("activity");
    created["activityArn"].as_str().expect("arn").to_owned()
}

/// The activities route's row for `name`.
async fn activity_row(app: &Router, name: &str) -> Value {
    let (status, _, body) = get(app, "/console/activities").await;
    assert_eq!(status, StatusCode::OK);
    let rows: Vec<Value> = serde_json::from_str(&body).expect("json");
    rows.into_iter()
        .find(|row| row["name"] == name)
        .unwrap_or_else(|| panic!("{name} is listed"))
}

#[tokio::test]
async fn activities_show_parked_polls_and_queued_tasks() {
    let (engine, app) = engine().await;
    let busy = activity(&engine, "busy").await;
    let idle = activity(&engine, "idle").await;
    let row = activity_row(&app, "busy").await;
    assert_eq!(row["activityArn"], busy.as_str());
    assert_eq!(row["load"], json!({"parkedPolls": 0, "queuedTasks": 0}));

    // A task nobody polls for waits in the busy queue.
    let machine = machine(
        &engine,
        "queued",
        json!({"StartAt": "Work", "States": {
            "Work": {"Type": "Task", "Resource": busy, "End": true}
        }}),
    )
    .await;
    engine
        .call("StartExecution", &json!({ "stateMachineArn": machine }))
        .await
        .expect("started");
    // A worker waits on the idle activity.
    let poller = engine.clone();
    let poll = tokio::spawn(async move {
        poller
            .call("GetActivityTask", &json!({ "activityArn": idle }))
            .await
    });
    let loads = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let (busy, idle) = (
                activity_row(&app, "busy").await,
                activity_row(&app, "idle").await,
            );
            if busy["load"]["queuedTasks"] == 1 && idle["load"]["parkedPolls"] == 1 {
                break (busy, idle);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the queue and the parked poll show up");
    assert_eq!(loads.0["load"]["parkedPolls"], 0);
    assert_eq!(loads.1["load"]["queuedTasks"], 0);
    poll.abort();
}

#[tokio::test]
async fn steps_come_from_the_history() {
    let (engine, app) = engine().await;

    let arn = machine(
        &engine,
        "stepped",
        json!({"StartAt": "One", "States": {
            "One": {"Type": "Pass", "Result": {"n": 1}, "Next": "Two"},
            "Two": {"Type": "Succeed"}
        }}),
    )
    .await;
    let started = engine
        .call(
            "StartExecution",
            &json!({"stateMachineArn": arn, "input": "{\"hello\":true}"}),
        )
        .await
        .expect("started");
    let execution = started["executionArn"].as_str().expect("arn").to_owned();
    let steps = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let (status, _, body) = get(
                &app,
                &format!("/console/steps?executionArn={}", encode(&execution)),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let steps: Value = serde_json::from_str(&body).expect("json");
            if !steps["outcome"].is_null() {
                break steps;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the execution ends");
    assert_eq!(steps["outcome"]["status"], "SUCCEEDED");
    assert_eq!(
        steps["states"],
        json!({"One": "succeeded", "Two": "succeeded"})
    );
    assert_eq!(steps["steps"][0]["input"], "{\"hello\":true}");
    assert_eq!(steps["steps"][0]["output"], "{\"n\":1}");
    assert_eq!(steps["transitions"], json!([{"from": "One", "to": "Two"}]));

    let (status, _, _) = get(&app, "/console/steps").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
