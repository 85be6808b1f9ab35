//! GetActivityTask's long read versus the call timeout of other operations.

mod client_support;

use std::time::Duration;

use client_support::{Reply, TestServer};
use serde_json::json;
use stepworker::client::{Client, RetryConfig, TimeoutConfig, MIN_LONG_POLL_TIMEOUT};
use stepworker::Error;

#[tokio::test]
async fn get_activity_task_outlives_the_call_timeout_of_other_operations() {
    let server = TestServer::start(|request, _| {
        let body = match request.operation() {
            "GetActivityTask" => json!({"taskToken": "tok", "input": "{}"}),
            _ => json!({}),
        };
        Reply::ok(body).after(Duration::from_millis(1500))
    })
    .await;
    let timeouts = TimeoutConfig::builder()
        .call_timeout(Duration::from_secs(1))
        .build();
    assert_eq!(timeouts.long_poll_timeout(), Duration::from_secs(70));
    let client = Client::new(
        server
            .config()
            .timeout_config(timeouts)
            .retry_config(RetryConfig::disabled())
            .build(),
    );

    let poll = client
        .get_activity_task()
        .activity_arn("arn:aws:states:us-east-1:123456789012:activity:a")
        .send();
    let other = client.send_task_heartbeat().task_token("tok").send();
    let (poll, other) = tokio::join!(poll, other);

    let task = poll.expect("the long poll is not cut after 1 s");
    assert_eq!(task.task_token.as_deref(), Some("tok"));
    match other {
        Err(Error::Timeout { operation, after }) => {
            assert_eq!(operation, "SendTaskHeartbeat");
            assert_eq!(after, Duration::from_secs(1));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[test]
fn a_long_poll_timeout_below_65_seconds_is_raised() {
    let timeouts = TimeoutConfig::builder()
        .long_poll_timeout(Duration::from_secs(30))
        .build();
    assert_eq!(timeouts.long_poll_timeout(), MIN_LONG_POLL_TIMEOUT);
    assert_eq!(MIN_LONG_POLL_TIMEOUT, Duration::from_secs(65));
    let longer = TimeoutConfig::builder()
        .long_poll_timeout(Duration::from_secs(90))
        .build();
    assert_eq!(longer.long_poll_timeout(), Duration::from_secs(90));
}
