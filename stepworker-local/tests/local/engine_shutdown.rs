//! Shutdown answers long polls: those parked when it begins, and those that
//! arrive afterwards (on a router still serving the engine's state), at
//! once rather than after the poll timeout.

use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use stepworker_local::LocalEngine;
use tower::ServiceExt;

const POLL_TIMEOUT: Duration = Duration::from_secs(30);

async fn get_activity_task(app: &Router, activity_arn: &str) -> (StatusCode, Value) {
    let request = Request::post("/")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "AWSStepFunctions.GetActivityTask")
        .body(Body::from(
            json!({"activityArn": activity_arn, "workerName": "late"}).to_string(),
        ))
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = to_bytes(response.into_body(), 1 << 20).await.expect("body");
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn polls_after_shutdown_began_answer_empty_at_once() {
    let engine = LocalEngine::builder()
        .poll_timeout(POLL_TIMEOUT)
        .start()
        .await
        .expect("engine starts");
    let created = engine
        .call("CreateActivity", &json!({"name": "late-poll"}))
        .await
        .expect("activity");
    let arn = created["activityArn"].as_str().expect("arn").to_owned();
    let app = engine.router();
    let parked = tokio::spawn({
        let app = app.clone();
        let arn = arn.clone();
        async move { get_activity_task(&app, &arn).await }
    });
    while engine
        .activity_stats()
        .get(&arn)
        .is_none_or(|s| s.parked_polls == 0)
    {
        tokio::task::yield_now().await;
    }

    let began = Instant::now();
    engine.shutdown().await.expect("clean shutdown");
    let (status, body) = tokio::time::timeout(Duration::from_secs(5), parked)
        .await
        .expect("the parked poll is answered")
        .expect("join");
    assert_eq!(status, StatusCode::OK);
    assert!(body.get("taskToken").is_none(), "{body}");

    let (status, body) =
        tokio::time::timeout(Duration::from_secs(5), get_activity_task(&app, &arn))
            .await
            .expect("a poll after shutdown must not park for the poll timeout");
    assert_eq!(status, StatusCode::OK);
    assert!(body.get("taskToken").is_none(), "{body}");
    assert!(began.elapsed() < POLL_TIMEOUT / 2);
}
