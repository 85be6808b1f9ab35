//! Volume over HTTP against stepworker-local: 1,000 executions, the
//! concurrency limit never exceeded, no token reported twice.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::support::*;
use serde_json::json;
use stepworker::model::ExecutionStatus;
use stepworker::worker::Worker;
use stepworker::Client;

static RUNNING: AtomicUsize = AtomicUsize::new(0);
static MAX_RUNNING: AtomicUsize = AtomicUsize::new(0);

const SLOTS: usize = 32;
const EXECUTIONS: u64 = 1_000;

/// Counts how many copies of itself run at once.
#[stepworker::activity(name = "increment", timeout = "5m")]
async fn increment(n: u64) -> u64 {
    let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
    MAX_RUNNING.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(1)).await;
    RUNNING.fetch_sub(1, Ordering::SeqCst);
    n + 1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_executions_all_succeed_within_the_concurrency_limit() {
    let (engine, client) = engine().await;
    let arn = activity_arn(&client, "increment").await;
    let machine =
        Arc::new(state_machine(&client, "increments", &task_definition(&arn, json!({}))).await);

    let worker = Worker::builder(client.clone())
        .activity(increment)
        .concurrency(SLOTS)
        .pollers(SLOTS)
        .build();
    let handle = worker.handle();
    let running = tokio::spawn(worker.run());

    let mut starts = tokio::task::JoinSet::new();
    for n in 0..EXECUTIONS {
        let (client, machine) = (client.clone(), Arc::clone(&machine));
        starts.spawn(async move { (n, start(&client, &machine, &json!(n)).await) });
    }
    let executions = starts.join_all().await;
    assert_eq!(executions.len(), EXECUTIONS as usize);

    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while engine.stats().executions_finished < EXECUTIONS {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the executions did not all finish"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let succeeded = count_succeeded(&client, &machine).await;
    assert_eq!(succeeded, EXECUTIONS as usize);
    // A sample of outputs, to show each task got its own input.
    for (n, execution) in executions.iter().step_by(97) {
        let described = finished(&client, execution, Duration::from_secs(1)).await;
        assert_eq!(output_of(&described), json!(n + 1), "execution {n}");
    }

    handle.shutdown();
    let ended = tokio::time::timeout(Duration::from_secs(10), running).await;
    assert!(
        matches!(ended, Ok(Ok(Ok(())))),
        "the worker did not stop cleanly"
    );

    let max = MAX_RUNNING.load(Ordering::SeqCst);
    assert!(
        max <= SLOTS,
        "{max} handlers ran at once with {SLOTS} slots"
    );
    assert!(
        max > 1,
        "the handlers never overlapped; the test proves nothing"
    );
    let stats = engine.stats();
    assert_eq!(stats.reports_accepted, EXECUTIONS);
    assert_eq!(stats.tokens_reported_twice, 0);
    assert_eq!(stats.reports_rejected, 0);
}

/// ListExecutions with the SUCCEEDED filter, every page.
async fn count_succeeded(client: &Client, machine: &str) -> usize {
    let mut count = 0;
    let mut next_token = None;
    loop {
        let page = client
            .list_executions()
            .state_machine_arn(machine)
            .status_filter(ExecutionStatus::Succeeded)
            .max_results(1000)
            .set_next_token(next_token)
            .send()
            .await
            .expect("ListExecutions");
        count += page.executions.len();
        next_token = page.next_token;
        if next_token.is_none() {
            return count;
        }
    }
}
