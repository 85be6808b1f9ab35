//! The console's pressure route reports what quotas and injected faults did
//! per operation, and tasks lost to closed polls.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use serde_json::{json, Value};
use stepworker_local::{Bucket, Faults, LocalEngine, ManualClock, OperationFaults, Quotas};
use tower::ServiceExt;

async fn pressure(app: &axum::Router) -> Value {
    let response = app
        .clone()
        .oneshot(
            Request::get("/console/pressure")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    let body = to_bytes(response.into_body(), 1 << 20).await.expect("body");
    serde_json::from_slice(&body).expect("json")
}

#[tokio::test]
async fn the_console_counts_throttles_and_faults_per_operation() {
    let faults = Faults::seeded(0)
        .operation(
            "ListStateMachines",
            OperationFaults {
                internal_failure: 1.0,
                ..Default::default()
            },
        )
        .expect("valid plan");
    let quotas = Quotas::none()
        .bucket("ListActivities", Bucket::new(1, 0))
        .expect("known");
    let engine = Arc::new(
        LocalEngine::builder()
            .clock(ManualClock::new(0))
            .quotas(quotas)
            .faults(faults)
            .start()
            .await
            .expect("starts"),
    );
    let app = engine.router();
    assert_eq!(
        pressure(&app).await,
        json!({"operations": {}, "closedPollsKept": 0, "tasksLostToClosedPolls": 0})
    );
    // Over HTTP, where the pressure layer sits.
    let http = |operation: &'static str| {
        let url = engine.endpoint_url();
        async move {
            let mut stream = tokio::net::TcpStream::connect(url.trim_start_matches("http://"))
                .await
                .expect("connect");
            let request = format!(
                "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.0\r\n\
                 X-Amz-Target: AWSStepFunctions.{operation}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
            );
            tokio::io::AsyncWriteExt::write_all(&mut stream, request.as_bytes())
                .await
                .expect("sent");
            let mut answer = String::new();
            tokio::io::AsyncReadExt::read_to_string(&mut stream, &mut answer)
                .await
                .expect("read");
            answer
        }
    };
    assert!(http("ListActivities").await.starts_with("HTTP/1.1 200"));
    assert!(http("ListActivities").await.starts_with("HTTP/1.1 400"));
    assert!(http("ListStateMachines").await.starts_with("HTTP/1.1 500"));
    let report = pressure(&app).await;
    assert_eq!(report["operations"]["ListActivities"]["quotaThrottled"], 1);
    assert_eq!(
        report["operations"]["ListStateMachines"]["internalFailures"],
        1
    );
    assert_eq!(
        report["operations"]["ListStateMachines"]["quotaThrottled"],
        0
    );
    // ListActivities' bucket is empty, yet the console lists activities:
    // its in-process calls go around the layer, which guards HTTP only.
    let response = app
        .clone()
        .oneshot(
            Request::get("/console/activities")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
}
