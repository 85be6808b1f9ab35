//! The worker under the engine's quotas (stepworker-local's pressure mode),
//! over HTTP: a throttled report still gets its result into the execution,
//! and a throttled fleet backs off instead of hammering the service.

mod worker_support;

use std::time::Duration;

use serde_json::json;
use stepworker::client::{Config, RetryConfig};
use stepworker::model::ExecutionStatus;
use stepworker::worker::{Activity, ActivityContext, TaskFailure, Worker};
use stepworker::Client;
use stepworker_local::{Bucket, Quotas};
use tokio::time::Instant;
use worker_support::*;

const LIMIT: Duration = Duration::from_secs(60);

/// Doubles its input at once; its report is what gets throttled.
struct Double;

impl Activity for Double {
    const NAME: &'static str = "double-throttled";
    const HEARTBEAT: Option<Duration> = Some(Duration::from_secs(3));
    const TIMEOUT: Option<Duration> = Some(Duration::from_secs(60));
    type Input = u64;
    type Output = u64;
    type Error = TaskFailure;

    async fn run(&self, n: u64, _: ActivityContext) -> Result<u64, TaskFailure> {
        Ok(n * 2)
    }
}

#[tokio::test]
async fn results_whose_reports_are_throttled_still_end_succeeded() {
    // One SendTaskSuccess a second for eight results that finish at once.
    let quotas = Quotas::none()
        .bucket("SendTaskSuccess", Bucket::new(1, 1))
        .expect("a known operation");
    let (engine, client) = engine_with(|builder| builder.quotas(quotas)).await;
    let arn = activity_arn(&client, Double::NAME).await;
    let timeouts = json!({ "HeartbeatSeconds": 3, "TimeoutSeconds": 60 });
    let machine = state_machine(
        &client,
        "throttled-reports",
        &task_definition(&arn, timeouts),
    )
    .await;
    let worker = Worker::builder(client.clone())
        .activity(Double)
        .concurrency(16)
        .pollers(8)
        .build();
    let handle = worker.handle();
    let running = tokio::spawn(worker.run());

    let mut executions = Vec::new();
    for n in 0..8_u64 {
        executions.push((n, start(&client, &machine, &json!(n)).await));
    }
    for (n, execution) in &executions {
        let described = finished(&client, execution, LIMIT).await;
        assert_eq!(
            described.status,
            ExecutionStatus::Succeeded,
            "execution {n}"
        );
        assert_eq!(output_of(&described), json!(n * 2), "execution {n}");
    }
    let throttled = engine.pressure_stats()["SendTaskSuccess"].quota_throttled;
    assert!(throttled > 0, "the quota never throttled a report");
    assert_eq!(engine.stats().tokens_reported_twice, 0);

    handle.shutdown();
    let ended = tokio::time::timeout(LIMIT, running).await;
    assert!(matches!(ended, Ok(Ok(Ok(())))), "{ended:?}");
}

/// Works six seconds, twice its HeartbeatSeconds.
struct Long;

impl Activity for Long {
    const NAME: &'static str = "long-throttled";
    const HEARTBEAT: Option<Duration> = Some(Duration::from_secs(3));
    const TIMEOUT: Option<Duration> = Some(Duration::from_secs(60));
    type Input = u64;
    type Output = u64;
    type Error = TaskFailure;

    async fn run(&self, n: u64, _: ActivityContext) -> Result<u64, TaskFailure> {
        tokio::time::sleep(Duration::from_secs(6)).await;
        Ok(n)
    }
}

/// Calls of `operation` that reached the engine: accepted or throttled.
fn heartbeat_calls(engine: &stepworker_local::LocalEngine) -> u64 {
    let throttled = engine
        .pressure_stats()
        .get("SendTaskHeartbeat")
        .map_or(0, |counts| counts.quota_throttled);
    engine.stats().heartbeats + throttled
}

#[tokio::test]
async fn throttled_heartbeats_arrive_at_no_more_than_one_and_a_half_times_the_refill() {
    // The bucket: 20 calls, refilled 10 a second, for polls and
    // heartbeats; 16 tasks heartbeating about once a second want more.
    const REFILL: u32 = 10;
    let quotas = Quotas::none()
        .bucket("SendTaskHeartbeat", Bucket::new(20, REFILL))
        .and_then(|q| q.bucket("GetActivityTask", Bucket::new(20, REFILL)))
        .expect("known operations");
    let (engine, client) = engine_with(|builder| builder.quotas(quotas)).await;
    let arn = activity_arn(&client, Long::NAME).await;
    // A heartbeat the quota kept out times a task out; the retry is what a
    // fleet deploys with, and the test checks that every execution ends.
    let state = json!({
        "HeartbeatSeconds": 3,
        "TimeoutSeconds": 60,
        "Retry": [{ "ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 5 }]
    });
    let machine = state_machine(
        &client,
        "throttled-heartbeats",
        &task_definition(&arn, state),
    )
    .await;
    // The fleet's client in the AWS SDKs' adaptive mode: after a throttle it
    // paces each operation itself.
    let adaptive = Config::local(engine.endpoint_url())
        .to_builder()
        .retry_config(RetryConfig::adaptive())
        .build();
    let worker = Worker::builder(Client::new(adaptive))
        .activity(Long)
        .concurrency(16)
        .pollers(4)
        .build();
    let handle = worker.handle();
    let running = tokio::spawn(worker.run());

    let mut executions = Vec::new();
    for n in 0..16_u64 {
        executions.push((n, start(&client, &machine, &json!(n)).await));
    }
    // Past the first burst (the bucket's 20), measure what keeps arriving.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (from, calls_before) = (Instant::now(), heartbeat_calls(&engine));
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (took, calls) = (from.elapsed(), heartbeat_calls(&engine) - calls_before);
    let rate = calls as f64 / took.as_secs_f64();
    assert!(
        rate <= 1.5 * f64::from(REFILL),
        "{calls} heartbeat calls in {took:?}: {rate:.1}/s against a refill of {REFILL}/s"
    );

    for (n, execution) in &executions {
        let described = finished(&client, execution, LIMIT).await;
        assert_eq!(
            described.status,
            ExecutionStatus::Succeeded,
            "execution {n}"
        );
        assert_eq!(output_of(&described), json!(n), "execution {n}");
    }
    handle.shutdown();
    let ended = tokio::time::timeout(LIMIT, running).await;
    assert!(matches!(ended, Ok(Ok(Ok(())))), "{ended:?}");
}
