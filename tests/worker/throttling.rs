//! The worker under the engine's quotas (stepworker-local's pressure mode),
//! over HTTP: a throttled report still gets its result into the execution,
//! and a throttled fleet backs off instead of hammering the service: what
//! arrives at the engine stays within 1.5x of the bucket's refill, and when
//! the refill cannot keep every task alive, the worker keeps some alive
//! instead of losing them all.

use std::time::Duration;

use crate::support::*;
use serde_json::json;
use stepworker::client::RetryMode;
use stepworker::model::ExecutionStatus;
use stepworker::worker::{
    Activity, ActivityContext, TaskFailure, Worker, WorkerError, WorkerHandle,
};
use stepworker::Client;
use stepworker_local::{Bucket, Quotas};
use tokio::task::JoinHandle;
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
    let (engine, client, machine) =
        deploy_throttled(quotas, Double::NAME, "throttled-reports").await;
    let (handle, running) = run_worker(&client, Double, 16, 8);

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
    stop_worker(handle, running).await;
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

/// An engine with `quotas`, the Task state for `activity` deployed as
/// `machine` (HeartbeatSeconds 3, no Retry: a task that times out fails its
/// execution) and a client for it.
async fn deploy_throttled(
    quotas: Quotas,
    activity: &str,
    machine: &str,
) -> (stepworker_local::LocalEngine, Client, String) {
    let (engine, client) = engine_with(|builder| builder.quotas(quotas)).await;
    let arn = activity_arn(&client, activity).await;
    let state = json!({ "HeartbeatSeconds": 3, "TimeoutSeconds": 60 });
    let machine = state_machine(&client, machine, &task_definition(&arn, state)).await;
    (engine, client, machine)
}

/// Runs a worker for `activity` with `concurrency` slots and `pollers`.
fn run_worker<A: Activity>(
    client: &Client,
    activity: A,
    concurrency: usize,
    pollers: usize,
) -> (WorkerHandle, JoinHandle<Result<(), WorkerError>>) {
    let worker = Worker::builder(client.clone())
        .activity(activity)
        .concurrency(concurrency)
        .pollers(pollers)
        .build();
    let handle = worker.handle();
    (handle, tokio::spawn(worker.run()))
}

/// Shuts the worker down and checks it ended cleanly.
async fn stop_worker(handle: WorkerHandle, running: JoinHandle<Result<(), WorkerError>>) {
    handle.shutdown();
    let ended = tokio::time::timeout(LIMIT, running).await;
    assert!(matches!(ended, Ok(Ok(Ok(())))), "{ended:?}");
}

/// Calls of `operation` arriving per second over `window`, from `from`.
async fn arrival_rate(
    engine: &stepworker_local::LocalEngine,
    operation: &str,
    window: Duration,
) -> (u64, f64) {
    let (from, before) = (Instant::now(), calls_of(engine, operation));
    tokio::time::sleep(window).await;
    let calls = calls_of(engine, operation) - before;
    (calls, calls as f64 / from.elapsed().as_secs_f64())
}

/// The buckets: 20 calls, refilled 10 a second, for polls and for
/// heartbeats.
const REFILL: u32 = 10;

/// Held by each test that measures a rate or keeps 3 s heartbeats alive on
/// real time. Run side by side on two cores, each one's engine and worker
/// slowed the others' enough to move a heartbeat past its deadline now and
/// then; one at a time, each measures its own fleet.
static ONE_FLEET_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn heartbeat_and_poll_buckets() -> Quotas {
    Quotas::none()
        .bucket("SendTaskHeartbeat", Bucket::new(20, REFILL))
        .and_then(|q| q.bucket("GetActivityTask", Bucket::new(20, REFILL)))
        .expect("known operations")
}

/// Starts `tasks` executions of `machine`, each with its number as input.
async fn start_tasks(client: &Client, machine: &str, tasks: u64) -> Vec<(u64, String)> {
    let mut executions = Vec::new();
    for n in 0..tasks {
        executions.push((n, start(client, machine, &json!(n)).await));
    }
    executions
}

/// Past the first burst (the bucket's 20, gone within about 4 s) and the
/// pace's first lessons, the rate of heartbeats and polls arriving over 5 s
/// while every task runs: each within 1.5x of the refill.
async fn assert_arrivals_within_one_and_a_half_times_the_refill(
    engine: &stepworker_local::LocalEngine,
) {
    tokio::time::sleep(Duration::from_secs(6)).await;
    let window = Duration::from_secs(5);
    let (beats, polls) = tokio::join!(
        arrival_rate(engine, "SendTaskHeartbeat", window),
        arrival_rate(engine, "GetActivityTask", window),
    );
    let throttled = engine.pressure_stats()["SendTaskHeartbeat"].quota_throttled;
    assert!(throttled > 0, "the quota never throttled a heartbeat");
    for (operation, (calls, rate)) in [("SendTaskHeartbeat", beats), ("GetActivityTask", polls)] {
        eprintln!("{operation}: {calls} calls: {rate:.1}/s against a refill of {REFILL}/s");
        assert!(
            rate <= 1.5 * f64::from(REFILL),
            "{operation}: {calls} calls: {rate:.1}/s against a refill of {REFILL}/s"
        );
    }
}

#[tokio::test]
async fn throttled_heartbeats_in_standard_mode_arrive_at_no_more_than_one_and_a_half_times_the_refill(
) {
    let _alone = ONE_FLEET_AT_A_TIME.lock().await;
    // 12 tasks with HeartbeatSeconds 3 heartbeat once a second each, 12/s in
    // all: more than the refill (a heartbeat bucket of 5 is empty within
    // 3 s), so the worker must stretch them (one per task every 3 s is 4/s)
    // without letting any time out. Served most urgent first, each is heard
    // every 12 / pace seconds: 1.7 s at the 7/s the pace drops to when a
    // throttle cuts it, which leaves room for a machine busy with other tests.
    let buckets = Quotas::none()
        .bucket("SendTaskHeartbeat", Bucket::new(5, REFILL))
        .and_then(|q| q.bucket("GetActivityTask", Bucket::new(20, REFILL)))
        .expect("known operations");
    let (engine, client, machine) =
        deploy_throttled(buckets, Long::NAME, "throttled-heartbeats").await;
    assert_eq!(
        client.config().retry_config().mode(),
        RetryMode::Standard,
        "the default client, in the AWS SDKs' standard retry mode"
    );
    let (handle, running) = run_worker(&client, Long, 12, 4);
    let executions = start_tasks(&client, &machine, 12).await;
    assert_arrivals_within_one_and_a_half_times_the_refill(&engine).await;

    for (n, execution) in &executions {
        let described = finished(&client, execution, LIMIT).await;
        assert_eq!(
            described.status,
            ExecutionStatus::Succeeded,
            "execution {n}: {:?} {:?}",
            described.error,
            described.cause
        );
        assert_eq!(output_of(&described), json!(n), "execution {n}");
    }
    stop_worker(handle, running).await;
}

#[tokio::test]
async fn a_fleet_the_refill_cannot_keep_alive_stays_within_the_refill_and_keeps_some_tasks_alive() {
    let _alone = ONE_FLEET_AT_A_TIME.lock().await;
    // 60 tasks with HeartbeatSeconds 3 need 20 accepted heartbeats a second,
    // twice the refill: some must time out, whatever the worker does. Sending
    // more than the refill only gets refused, so the worker keeps to its pace
    // and gives each heartbeat to the task closest to timing out: the tasks
    // it can keep alive (up to 30 at 10/s) run to the end.
    const TASKS: u64 = 60;
    let (engine, client, machine) = deploy_throttled(
        heartbeat_and_poll_buckets(),
        Long::NAME,
        "overloaded-heartbeats",
    )
    .await;
    let (handle, running) = run_worker(&client, Long, 60, 4);
    let executions = start_tasks(&client, &machine, TASKS).await;
    assert_arrivals_within_one_and_a_half_times_the_refill(&engine).await;

    let mut succeeded = 0;
    for (n, execution) in &executions {
        let described = finished(&client, execution, LIMIT).await;
        match described.status {
            ExecutionStatus::Succeeded => {
                succeeded += 1;
                assert_eq!(output_of(&described), json!(n), "execution {n}");
            }
            status => {
                assert_eq!(status, ExecutionStatus::Failed, "execution {n}");
                assert_eq!(
                    described.error.as_deref(),
                    Some("States.Timeout"),
                    "execution {n}"
                );
            }
        }
    }
    eprintln!("{succeeded} of {TASKS} tasks kept alive");
    assert!(
        succeeded >= 10,
        "only {succeeded} of {TASKS} tasks kept alive by a 10/s refill"
    );
    stop_worker(handle, running).await;
}

#[tokio::test]
async fn throttled_idle_pollers_back_off_to_within_one_and_a_half_times_the_refill() {
    let _alone = ONE_FLEET_AT_A_TIME.lock().await;
    // Eight idle pollers with 0.5 s long polls want 16 polls a second from a
    // bucket of 20 refilled 10 a second: throttled polls back off on the
    // client's schedule (from 1 s, jittered) instead of polling again.
    let quotas = Quotas::none()
        .bucket("GetActivityTask", Bucket::new(20, REFILL))
        .expect("a known operation");
    let (engine, client) = engine_with(|builder| builder.quotas(quotas)).await;
    let (handle, running) = run_worker(&client, Long, 8, 8);

    tokio::time::sleep(Duration::from_secs(3)).await;
    let (polls, rate) = arrival_rate(&engine, "GetActivityTask", Duration::from_secs(4)).await;
    eprintln!("GetActivityTask: {polls} calls: {rate:.1}/s against a refill of {REFILL}/s");
    assert!(
        engine.pressure_stats()["GetActivityTask"].quota_throttled > 0,
        "the quota never throttled a poll"
    );
    assert!(
        rate <= 1.5 * f64::from(REFILL),
        "{polls} polls: {rate:.1}/s against a refill of {REFILL}/s"
    );
    stop_worker(handle, running).await;
}
