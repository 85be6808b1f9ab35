//! The shutdown deadline over HTTP against stepworker-local with its real
//! 60 s long polls: an idle worker returns by its deadline instead of after
//! the polls, and a worker stopped with 100 tasks in flight loses none of
//! them (each fails with `Worker.Shutdown`, is retried, and a second worker
//! finishes it).

use std::time::Duration;

use crate::support::*;
use serde_json::json;
use stepworker::model::ExecutionStatus;
use stepworker::worker::{Activity, ActivityContext, TaskFailure, Worker};
use tokio::time::Instant;

/// The service's own long poll (AWS holds GetActivityTask up to 60 s).
const SERVICE_POLL: Duration = Duration::from_secs(60);

/// Generous bound on anything the tests wait for; far below SERVICE_POLL
/// where that matters.
const LIMIT: Duration = Duration::from_secs(30);

/// Waits until `done` holds, checking every 10 ms, at most `LIMIT`.
async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + LIMIT;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Works on a task until the worker cuts it.
struct Stuck;

impl Activity for Stuck {
    const NAME: &'static str = "square-at-shutdown";
    const HEARTBEAT: Option<Duration> = Some(Duration::from_secs(30));
    const TIMEOUT: Option<Duration> = Some(Duration::from_secs(120));
    type Input = u64;
    type Output = u64;
    type Error = TaskFailure;

    async fn run(&self, _: u64, ctx: ActivityContext) -> Result<u64, TaskFailure> {
        ctx.cancelled().await;
        Err(TaskFailure::new("Test.Cancelled", "cancelled"))
    }
}

/// The same activity, served by a worker that finishes its tasks.
struct Square;

impl Activity for Square {
    const NAME: &'static str = Stuck::NAME;
    const HEARTBEAT: Option<Duration> = Stuck::HEARTBEAT;
    const TIMEOUT: Option<Duration> = Stuck::TIMEOUT;
    type Input = u64;
    type Output = u64;
    type Error = TaskFailure;

    async fn run(&self, n: u64, _: ActivityContext) -> Result<u64, TaskFailure> {
        Ok(n * n)
    }
}

#[tokio::test]
async fn an_idle_worker_with_60_s_polls_returns_by_its_deadline() {
    let (engine, client) = engine_with(|builder| builder.poll_timeout(SERVICE_POLL)).await;
    let worker = Worker::builder(client)
        .activity(Square)
        .pollers(4)
        .shutdown_deadline(Duration::from_secs(3))
        .shutdown_report_margin(Duration::from_secs(1))
        .build();
    let handle = worker.handle();
    let running = tokio::spawn(worker.run());
    wait_until("4 parked polls", || {
        engine
            .activity_stats()
            .values()
            .map(|a| a.parked_polls)
            .sum::<usize>()
            == 4
    })
    .await;

    handle.shutdown();
    // The polls would answer after 60 s; the worker must not wait for them.
    let ended = tokio::time::timeout(LIMIT, running).await;
    assert!(
        matches!(ended, Ok(Ok(Ok(())))),
        "the worker did not return by its deadline: {ended:?}"
    );
    assert_eq!(engine.stats().tasks_delivered, 0);
}

#[tokio::test]
async fn a_worker_stopped_with_100_tasks_in_flight_loses_none_of_them() {
    let (engine, client) = engine_with(|builder| builder.poll_timeout(SERVICE_POLL)).await;
    let arn = activity_arn(&client, Stuck::NAME).await;
    let retry = json!({
        "HeartbeatSeconds": 30,
        "TimeoutSeconds": 120,
        "Retry": [{ "ErrorEquals": ["Worker.Shutdown"], "IntervalSeconds": 1, "MaxAttempts": 3 }]
    });
    let machine = state_machine(&client, "shutdown-100", &task_definition(&arn, retry)).await;

    let first = Worker::builder(client.clone())
        .activity(Stuck)
        .concurrency(110)
        .pollers(10)
        .shutdown_deadline(Duration::from_secs(4))
        .shutdown_report_margin(Duration::from_secs(2))
        .build();
    let first_handle = first.handle();
    let first_run = tokio::spawn(first.run());
    let mut executions = Vec::new();
    for n in 0..100_u64 {
        executions.push((n, start(&client, &machine, &json!(n)).await));
    }
    wait_until("100 tasks in flight", || {
        first_handle.tasks_in_flight() == 100
    })
    .await;

    first_handle.shutdown();
    let ended = tokio::time::timeout(LIMIT, first_run).await;
    assert!(
        matches!(ended, Ok(Ok(Ok(())))),
        "the first worker did not stop: {ended:?}"
    );
    assert_eq!(first_handle.slots_in_use(), 0);
    // Every task it held was failed with Worker.Shutdown, and that arrived.
    assert_eq!(engine.stats().reports_accepted, 100);

    let second = Worker::builder(client.clone())
        .activity(Square)
        .concurrency(100)
        .pollers(10)
        .shutdown_deadline(Duration::from_secs(4))
        .shutdown_report_margin(Duration::from_secs(2))
        .build();
    let second_handle = second.handle();
    let second_run = tokio::spawn(second.run());
    for (n, execution) in &executions {
        let described = finished(&client, execution, LIMIT).await;
        assert_eq!(
            described.status,
            ExecutionStatus::Succeeded,
            "execution {n}"
        );
        assert_eq!(output_of(&described), json!(n * n), "execution {n}");
    }
    second_handle.shutdown();
    let ended = tokio::time::timeout(LIMIT, second_run).await;
    assert!(
        matches!(ended, Ok(Ok(Ok(())))),
        "the second worker did not stop: {ended:?}"
    );

    let stats = engine.stats();
    assert_eq!(stats.tokens_reported_twice, 0);
    assert_eq!(stats.reports_accepted, 200, "{stats:?}");
}
