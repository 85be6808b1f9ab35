//! Throttling as the AWS SDKs' standard retry mode handles it: one retry
//! quota shared by every clone of a client, so a throttled fleet stops
//! retrying instead of multiplying its load.

mod client_support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use client_support::{described, Reply, TestServer, ARN};
use stepworker::client::{Client, Config, Environment, RetryConfig, RetryKind, RetryMode};

/// A server that throttles every request while `throttling` is set.
async fn switchable_server(throttling: Arc<AtomicBool>) -> TestServer {
    TestServer::start(move |_, _| {
        if throttling.load(Ordering::SeqCst) {
            Reply::error(400, "ThrottlingException", "Rate exceeded")
        } else {
            described()
        }
    })
    .await
}

/// A client whose quota pays for exactly two throttling retries, with
/// millisecond delays so the test is quick.
fn small_quota_client(server: &TestServer) -> Client {
    Client::new(
        server
            .config()
            .retry_config(
                RetryConfig::standard()
                    .with_retry_quota(10)
                    .with_throttling_backoff(Duration::from_millis(1))
                    .with_max_backoff(Duration::from_millis(5)),
            )
            .build(),
    )
}

#[tokio::test]
async fn clones_share_one_quota_and_fail_fast_once_it_is_spent() {
    let throttling = Arc::new(AtomicBool::new(true));
    let server = switchable_server(throttling.clone()).await;
    let poller = small_quota_client(&server);
    let reporter = poller.clone();

    let err = poller
        .describe_execution()
        .execution_arn(ARN)
        .send()
        .await
        .expect_err("throttled");
    assert!(err.is_throttling());
    assert_eq!(server.count(), 3, "two retries, 5 tokens each");
    assert_eq!(reporter.retry_quota().available(), 0);

    // The clone finds the quota spent: one attempt, the throttling error.
    let err = reporter
        .send_task_heartbeat()
        .task_token("tok")
        .send()
        .await
        .expect_err("throttled");
    assert_eq!(err.retry_kind(), Some(RetryKind::Throttling));
    assert_eq!(server.count(), 4, "no retry without quota");

    // Calls that pass at once earn a token each; five pay for one retry.
    throttling.store(false, Ordering::SeqCst);
    for _ in 0..5 {
        poller
            .describe_execution()
            .execution_arn(ARN)
            .send()
            .await
            .expect("passes");
    }
    assert_eq!(poller.retry_quota().available(), 5);
    throttling.store(true, Ordering::SeqCst);
    let before = server.count();
    let _ = reporter
        .describe_execution()
        .execution_arn(ARN)
        .send()
        .await;
    assert_eq!(server.count() - before, 2, "one retry paid by the refill");
}

#[tokio::test]
async fn separate_clients_have_separate_quotas() {
    let server = switchable_server(Arc::new(AtomicBool::new(true))).await;
    let first = small_quota_client(&server);
    let _ = first.describe_execution().execution_arn(ARN).send().await;
    assert_eq!(first.retry_quota().available(), 0);
    let second = small_quota_client(&server);
    assert_eq!(second.retry_quota().available(), 10);
}

#[tokio::test]
async fn a_retry_that_passes_gives_its_cost_back() {
    let server = TestServer::start(|_, index| {
        if index == 0 {
            Reply::error(400, "ThrottlingException", "Rate exceeded")
        } else {
            described()
        }
    })
    .await;
    let client = small_quota_client(&server);
    client
        .describe_execution()
        .execution_arn(ARN)
        .send()
        .await
        .expect("second attempt passes");
    assert_eq!(server.count(), 2);
    assert_eq!(client.retry_quota().available(), 10);
}

#[test]
fn retry_mode_and_attempts_come_from_the_environment() {
    let env = Environment::from_vars([("AWS_RETRY_MODE", "adaptive"), ("AWS_MAX_ATTEMPTS", "5")]);
    let config = Config::from_environment(&env).expect("loads");
    assert_eq!(config.retry_config().mode(), RetryMode::Adaptive);
    assert_eq!(config.retry_config().max_attempts(), 5);

    let bad = Environment::from_vars([("AWS_RETRY_MODE", "turbo")]);
    let err = Config::from_environment(&bad).expect_err("unknown mode");
    assert!(err.to_string().contains("turbo"), "{err}");
    let zero = Environment::from_vars([("AWS_MAX_ATTEMPTS", "0")]);
    assert!(Config::from_environment(&zero).is_err());
}

#[tokio::test]
async fn the_delay_the_service_asks_for_is_kept_on_the_error() {
    let server = TestServer::always(
        Reply::error(400, "ThrottlingException", "Rate exceeded")
            .with_header("x-amz-retry-after", "1500"),
    )
    .await;
    let client = Client::new(
        server
            .config()
            .retry_config(RetryConfig::disabled())
            .build(),
    );
    let err = client
        .describe_execution()
        .execution_arn(ARN)
        .send()
        .await
        .expect_err("throttled");
    assert_eq!(err.retry_after(), Some(Duration::from_millis(1500)));
}
