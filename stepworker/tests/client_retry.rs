//! What the client retries by itself, and what it leaves to the caller.

mod client_support;

use std::time::Duration;

use client_support::{described, Reply, TestServer, ARN};
use serde_json::json;
use stepworker::client::{Client, RetryConfig, TimeoutConfig};
use stepworker::model::ErrorCode;
use stepworker::Error;

/// Answers `first` to the first `n` requests, then `then`.
async fn server_failing_first(n: usize, first: Reply, then: Reply) -> TestServer {
    TestServer::start(move |_, index| {
        if index < n {
            first.clone()
        } else {
            then.clone()
        }
    })
    .await
}

#[tokio::test]
async fn throttling_is_retried_until_success() {
    let server = server_failing_first(
        2,
        Reply::error(400, "ThrottlingException", "Rate exceeded"),
        described(),
    )
    .await;
    let out = server
        .client()
        .describe_execution()
        .execution_arn(ARN)
        .send()
        .await
        .expect("third attempt succeeds");
    assert_eq!(out.execution_arn, ARN);
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn other_throttling_names_and_status_429_are_retried() {
    for reply in [
        Reply::error(400, "TooManyRequestsException", "slow down"),
        Reply::raw(429, "Too Many Requests"),
        Reply::error(500, "InternalFailure", "oops"),
        Reply::raw(503, "<html>unavailable</html>"),
    ] {
        let server = server_failing_first(1, reply.clone(), described()).await;
        server
            .client()
            .describe_execution()
            .execution_arn(ARN)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{reply:?} should be retried: {e}"));
        assert_eq!(server.count(), 2, "{reply:?}");
    }
}

#[tokio::test]
async fn throttling_of_a_task_report_is_retried_too() {
    // The service refused the request outright, so resending cannot report twice.
    let server = server_failing_first(
        1,
        Reply::error(400, "ThrottlingException", "Rate exceeded"),
        Reply::ok(json!({})),
    )
    .await;
    server
        .client()
        .send_task_success()
        .task_token("tok")
        .output("{}")
        .send()
        .await
        .expect("retried after throttling");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn validation_and_not_found_errors_are_not_retried() {
    for name in ["InvalidArn", "ValidationException", "ExecutionDoesNotExist"] {
        let server = TestServer::always(Reply::error(400, name, "no")).await;
        let err = server
            .client()
            .describe_execution()
            .execution_arn(ARN)
            .send()
            .await
            .expect_err("fails");
        assert_eq!(err.code().map(ErrorCode::as_str), Some(name));
        assert_eq!(server.count(), 1, "{name} was retried");
    }
}

#[tokio::test]
async fn attempts_stop_at_the_configured_maximum() {
    let server =
        TestServer::always(Reply::error(400, "ThrottlingException", "Rate exceeded")).await;
    let client = Client::new(
        server
            .config()
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(4)
                    .with_initial_backoff(Duration::from_millis(1))
                    .with_max_backoff(Duration::from_millis(5)),
            )
            .build(),
    );
    let err = client
        .describe_execution()
        .execution_arn(ARN)
        .send()
        .await
        .expect_err("always throttled");
    assert!(err.is_throttling());
    assert_eq!(server.count(), 4);
}

#[tokio::test]
async fn backoff_waits_between_attempts_within_the_cap() {
    let server =
        TestServer::always(Reply::error(400, "ThrottlingException", "Rate exceeded")).await;
    let client = Client::new(
        server
            .config()
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(3)
                    .with_initial_backoff(Duration::from_millis(100))
                    .with_max_backoff(Duration::from_millis(100)),
            )
            .build(),
    );
    let started = std::time::Instant::now();
    let _ = client.describe_execution().execution_arn(ARN).send().await;
    // Two delays, each drawn from [0, 100 ms].
    assert!(started.elapsed() < Duration::from_millis(1000));
    assert_eq!(server.count(), 3);
}

fn short_call_timeout(server: &TestServer) -> Client {
    Client::new(
        server
            .config()
            .timeout_config(
                TimeoutConfig::builder()
                    .call_timeout(Duration::from_millis(200))
                    .build(),
            )
            .build(),
    )
}

#[tokio::test]
async fn a_timed_out_task_report_is_not_resent() {
    // The report may have been accepted; sending it again could only fail
    // with TaskDoesNotExist or, worse, race a retry of the worker itself.
    let server = TestServer::always(Reply::ok(json!({})).after(Duration::from_millis(600))).await;
    let err = short_call_timeout(&server)
        .send_task_success()
        .task_token("tok")
        .output("{}")
        .send()
        .await
        .expect_err("times out");
    assert!(
        matches!(
            err,
            Error::Timeout {
                operation: "SendTaskSuccess",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_timed_out_read_is_retried() {
    let server = TestServer::start(|_, index| {
        if index == 0 {
            described().after(Duration::from_millis(600))
        } else {
            described()
        }
    })
    .await;
    short_call_timeout(&server)
        .describe_execution()
        .execution_arn(ARN)
        .send()
        .await
        .expect("second attempt answers in time");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn an_unnamed_start_execution_is_not_resent_after_a_timeout() {
    // Without a name the service would start a second execution.
    let reply =
        Reply::ok(json!({"executionArn": ARN, "startDate": 1})).after(Duration::from_millis(600));
    let server = TestServer::always(reply).await;
    let client = short_call_timeout(&server);
    let err = client
        .start_execution()
        .state_machine_arn("arn:aws:states:us-east-1:123456789012:stateMachine:sm")
        .send()
        .await
        .expect_err("times out");
    assert!(matches!(err, Error::Timeout { .. }));
    assert_eq!(server.count(), 1);

    // With a name, the service answers a repeat with the same execution.
    client
        .start_execution()
        .state_machine_arn("arn:aws:states:us-east-1:123456789012:stateMachine:sm")
        .name("run-1")
        .send()
        .await
        .expect_err("still times out");
    assert_eq!(server.count(), 1 + 3);
}

#[tokio::test]
async fn a_retried_redrive_carries_the_same_client_token() {
    let server = server_failing_first(
        1,
        Reply::error(500, "InternalFailure", "oops"),
        Reply::ok(json!({"redriveDate": 5})),
    )
    .await;
    server
        .client()
        .redrive_execution()
        .execution_arn(ARN)
        .send()
        .await
        .expect("redrive");
    let tokens: Vec<_> = server
        .received()
        .iter()
        .map(|r| {
            r.json()["clientToken"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(tokens.len(), 2);
    assert!(!tokens[0].is_empty());
    assert_eq!(tokens[0], tokens[1]);
}

#[tokio::test]
async fn a_signature_refused_for_clock_skew_is_resigned_with_the_service_time() {
    use std::time::SystemTime;
    // The service's clock is an hour ahead of this host's.
    let service_now = || SystemTime::now() + Duration::from_secs(3600);
    let server = TestServer::start(move |request, _| {
        let date = httpdate::fmt_http_date(service_now());
        let signed_at =
            client_support::parse_amz_date(request.header("x-amz-date")).expect("x-amz-date");
        let skew = service_now()
            .duration_since(signed_at)
            .unwrap_or_else(|e| e.duration());
        let reply = if skew > Duration::from_secs(300) {
            Reply::error(
                400,
                "InvalidSignatureException",
                "Signature expired: 20260101T000000Z is now earlier than 20260101T005500Z",
            )
        } else {
            described()
        };
        reply.with_header("date", &date)
    })
    .await;
    let client = server.client();
    client
        .describe_execution()
        .execution_arn(ARN)
        .send()
        .await
        .expect("the second signature uses the service's time");
    assert_eq!(server.count(), 2);
    client
        .describe_execution()
        .execution_arn(ARN)
        .send()
        .await
        .expect("later calls are signed right the first time");
    assert_eq!(server.count(), 3);
}
