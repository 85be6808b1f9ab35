//! Graceful shutdown over HTTP against stepworker-local: with 50 tasks in
//! flight and polls parked, nothing is cut and nothing is lost.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::support::*;
use serde_json::json;
use stepworker::model::ExecutionStatus;
use stepworker::worker::Worker;
use tokio::sync::Semaphore;

static STARTED: AtomicUsize = AtomicUsize::new(0);

/// Holds every task until the test closes it, so shutdown is sure to find
/// all 50 running however slowly they were started.
static GATE: Semaphore = Semaphore::const_new(0);

/// Runs until the gate opens, so shutdown finds it running.
#[stepworker::activity(name = "slow-square", heartbeat = "10s", timeout = "1m")]
async fn slow_square(n: u64) -> u64 {
    STARTED.fetch_add(1, Ordering::SeqCst);
    // A closed semaphore answers every waiter, present and future, at once.
    let _ = GATE.acquire().await;
    n * n
}

const LIMIT: Duration = Duration::from_secs(15);

#[tokio::test]
async fn shutdown_with_50_tasks_in_flight_loses_none() {
    // Long polls stay open a second, so some are parked when shutdown starts.
    let (engine, client) =
        engine_with(|builder| builder.poll_timeout(Duration::from_secs(1))).await;
    let arn = activity_arn(&client, "slow-square").await;
    let machine = state_machine(&client, "squares", &task_definition(&arn, json!({}))).await;

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = Worker::builder(client.clone())
        .activity(slow_square)
        .concurrency(60)
        .pollers(60)
        .shutdown_deadline(Duration::from_secs(10))
        .build();
    let handle = worker.handle();
    let running = tokio::spawn(worker.run_until(async {
        let _ = stopped.await;
    }));

    let mut executions = Vec::new();
    for n in 0..50_u64 {
        executions.push((n, start(&client, &machine, &json!(n)).await));
    }
    let deadline = tokio::time::Instant::now() + LIMIT;
    while STARTED.load(Ordering::SeqCst) < 50 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the 50 tasks never all started"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(handle.tasks_in_flight(), 50);

    // Shut down with 50 tasks running and the other polls parked; tasks that
    // reach a parked poll after this still run.
    let _ = stop.send(());
    while !handle.is_shutting_down() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the worker never began shutting down"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(handle.tasks_in_flight(), 50);
    for n in 50..53_u64 {
        executions.push((n, start(&client, &machine, &json!(n)).await));
    }
    GATE.close();

    let ended = tokio::time::timeout(LIMIT, running).await;
    assert!(
        matches!(ended, Ok(Ok(Ok(())))),
        "the worker did not stop cleanly: {ended:?}"
    );
    assert!(handle.is_shutting_down());
    assert_eq!(handle.tasks_in_flight(), 0);

    for (n, execution) in &executions[..50] {
        let described = finished(&client, execution, LIMIT).await;
        assert_eq!(
            described.status,
            ExecutionStatus::Succeeded,
            "execution {n}"
        );
        assert_eq!(output_of(&described), json!(n * n));
    }
    let stats = engine.stats();
    assert_eq!(stats.tokens_reported_twice, 0);
    assert_eq!(stats.tasks_redelivered, 0, "a parked poll was cut");
    // Every task handed out was reported: the late ones too.
    assert_eq!(stats.reports_accepted, stats.tasks_delivered);
    assert!(stats.tasks_delivered >= 50);
}
