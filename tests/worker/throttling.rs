//! The worker under the engine's quotas (stepworker-local's pressure mode),
//! over HTTP: a throttled report still gets its result into the execution,
//! and a throttled fleet backs off instead of hammering the service.

use std::time::Duration;

use crate::support::*;
use serde_json::json;
use stepworker::client::RetryMode;
use stepworker::model::ExecutionStatus;
use stepworker::worker::{Activity, ActivityContext, TaskFailure, Worker};
use stepworker_local::{Bucket, Quotas};
use tokio::time::Instant;

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

/// Works 13 seconds, more than four times its HeartbeatSeconds.
struct Long;

impl Activity for Long {
    const NAME: &'static str = "long-throttled";
    const HEARTBEAT: Option<Duration> = Some(Duration::from_secs(3));
    const TIMEOUT: Option<Duration> = Some(Duration::from_secs(60));
    type Input = u64;
    type Output = u64;
    type Error = TaskFailure;

    async fn run(&self, n: u64, _: ActivityContext) -> Result<u64, TaskFailure> {
        tokio::time::sleep(Duration::from_secs(13)).await;
        Ok(n)
    }
}

/// Calls of `operation` (a heartbeat or a poll) that reached the engine:
/// accepted (a poll when it answered) or throttled.
fn calls_of(engine: &stepworker_local::LocalEngine, operation: &str) -> u64 {
    let stats = engine.stats();
    let accepted = match operation {
        "SendTaskHeartbeat" => stats.heartbeats,
        _ => stats.tasks_delivered + stats.polls_empty,
    };
    let throttled = engine
        .pressure_stats()
        .get(operation)
        .map_or(0, |counts| counts.quota_throttled);
    accepted + throttled
}

#[tokio::test]
async fn throttled_heartbeats_in_standard_mode_arrive_at_no_more_than_one_and_a_half_times_the_refill(
) {
    // The bucket: 20 calls, refilled 10 a second, for polls and for
    // heartbeats. 16 tasks with HeartbeatSeconds 3 heartbeat once a second
    // each, 16/s in all: more than the refill, so the worker must stretch
    // them (up to 2.25 s apart, 7/s in all) without letting any time out.
    const REFILL: u32 = 10;
    const TASKS: u64 = 16;
    let quotas = Quotas::none()
        .bucket("SendTaskHeartbeat", Bucket::new(20, REFILL))
        .and_then(|q| q.bucket("GetActivityTask", Bucket::new(20, REFILL)))
        .expect("known operations");
    let (engine, client) = engine_with(|builder| builder.quotas(quotas)).await;
    assert_eq!(
        client.config().retry_config().mode(),
        RetryMode::Standard,
        "the default client, in the AWS SDKs' standard retry mode"
    );
    let arn = activity_arn(&client, Long::NAME).await;
    // No Retry: a task that times out fails its execution.
    let state = json!({ "HeartbeatSeconds": 3, "TimeoutSeconds": 60 });
    let machine = state_machine(
        &client,
        "throttled-heartbeats",
        &task_definition(&arn, state),
    )
    .await;
    let worker = Worker::builder(client.clone())
        .activity(Long)
        .concurrency(16)
        .pollers(4)
        .build();
    let handle = worker.handle();
    let running = tokio::spawn(worker.run());

    let mut executions = Vec::new();
    for n in 0..TASKS {
        executions.push((n, start(&client, &machine, &json!(n)).await));
    }
    // Past the first burst (the bucket's 20, gone within about 4 s) and the
    // pace's first lessons, measure what keeps arriving while every task runs.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let from = Instant::now();
    let (beats_before, polls_before) = (
        calls_of(&engine, "SendTaskHeartbeat"),
        calls_of(&engine, "GetActivityTask"),
    );
    tokio::time::sleep(Duration::from_secs(5)).await;
    let took = from.elapsed().as_secs_f64();
    let beats = calls_of(&engine, "SendTaskHeartbeat") - beats_before;
    let polls = calls_of(&engine, "GetActivityTask") - polls_before;
    let throttled = engine.pressure_stats()["SendTaskHeartbeat"].quota_throttled;
    assert!(throttled > 0, "the quota never throttled a heartbeat");
    for (operation, calls) in [("SendTaskHeartbeat", beats), ("GetActivityTask", polls)] {
        let rate = calls as f64 / took;
        eprintln!(
            "{operation}: {calls} calls in {took:.1} s: {rate:.1}/s against a refill of {REFILL}/s"
        );
        assert!(
            rate <= 1.5 * f64::from(REFILL),
            "{operation}: {calls} calls in {took:.1} s: {rate:.1}/s against a refill of {REFILL}/s"
        );
    }

    for (n, execution) in &executions {
        let described = finished(&client, execution, LIMIT).await;
        assert_eq!(
            described.status,
            ExecutionStatus::Succeeded,
            "execution {n} (a heartbeat the quota kept out too long times it out)"
        );
        assert_eq!(output_of(&described), json!(n), "execution {n}");
    }
    handle.shutdown();
    let ended = tokio::time::timeout(LIMIT, running).await;
    assert!(matches!(ended, Ok(Ok(Ok(())))), "{ended:?}");
}

#[tokio::test]
async fn throttled_idle_pollers_back_off_to_within_one_and_a_half_times_the_refill() {
    // Eight idle pollers with 0.5 s long polls want 16 polls a second from a
    // bucket of 20 refilled 10 a second: throttled polls back off on the
    // client's schedule (from 1 s, jittered) instead of polling again.
    const REFILL: u32 = 10;
    let quotas = Quotas::none()
        .bucket("GetActivityTask", Bucket::new(20, REFILL))
        .expect("a known operation");
    let (engine, client) = engine_with(|builder| builder.quotas(quotas)).await;
    let worker = Worker::builder(client.clone())
        .activity(Long)
        .concurrency(8)
        .pollers(8)
        .build();
    let handle = worker.handle();
    let running = tokio::spawn(worker.run());

    tokio::time::sleep(Duration::from_secs(3)).await;
    let (from, before) = (Instant::now(), calls_of(&engine, "GetActivityTask"));
    tokio::time::sleep(Duration::from_secs(4)).await;
    let took = from.elapsed().as_secs_f64();
    let polls = calls_of(&engine, "GetActivityTask") - before;
    let rate = polls as f64 / took;
    eprintln!(
        "GetActivityTask: {polls} calls in {took:.1} s: {rate:.1}/s against a refill of {REFILL}/s"
    );
    assert!(
        engine.pressure_stats()["GetActivityTask"].quota_throttled > 0,
        "the quota never throttled a poll"
    );
    assert!(
        rate <= 1.5 * f64::from(REFILL),
        "{polls} polls in {took:.1} s: {rate:.1}/s against a refill of {REFILL}/s"
    );
    handle.shutdown();
    let ended = tokio::time::timeout(LIMIT, running).await;
    assert!(matches!(ended, Ok(Ok(Ok(())))), "{ended:?}");
}
