//! The rate of calls arriving at the engine while a fleet is throttled,
//! against the bucket's refill: the scenario (GetActivityTask and
//! SendTaskHeartbeat buckets of 20 refilling 10/s; 300 tasks of 60 s with a
//! 3 s HeartbeatSeconds), measured after the first 10 s, with the client's
//! default (standard) retry mode.
//!
//! Every call is counted where it arrives: a fault plan whose only fault is
//! a 0 ms latency on every call makes the engine's pressure layer count
//! each call of each operation (`delayed`), throttled or not, before the
//! quota sees it.

use std::time::Duration;

use anyhow::Context;
use serde_json::json;
use stepworker::asl::{StateMachine, Task};
use stepworker::worker::{Activity, ActivityContext, TaskFailure, Worker};
use stepworker::Client;
use stepworker_local::{Bucket, Faults, Latency, LocalEngine, OperationFaults, Quotas};

/// The throttled operations.
const OPERATIONS: [&str; 2] = ["GetActivityTask", "SendTaskHeartbeat"];

/// Options.
#[derive(clap::Args)]
pub struct Args {
    /// Tasks running at once.
    #[arg(long, default_value_t = 300)]
    tasks: usize,
    /// Seconds each task works.
    #[arg(long, default_value_t = 60)]
    task_seconds: u64,
    /// Bucket size of each throttled operation.
    #[arg(long, default_value_t = 20)]
    bucket: u32,
    /// Refill per second of each throttled operation.
    #[arg(long, default_value_t = 10)]
    refill: u32,
    /// Seconds before the measure starts.
    #[arg(long, default_value_t = 10)]
    settle_seconds: u64,
    /// Seconds measured.
    #[arg(long, default_value_t = 40)]
    measure_seconds: u64,
}

impl Default for Args {
    fn default() -> Self {
        Self {
            tasks: 300,
            task_seconds: 60,
            bucket: 20,
            refill: 10,
            settle_seconds: 10,
            measure_seconds: 40,
        }
    }
}

/// Works for the seconds its input says, or until cancelled.
struct Hold;

impl Activity for Hold {
    const NAME: &'static str = "bench-hold";
    const HEARTBEAT: Option<Duration> = Some(Duration::from_secs(3));
    const TIMEOUT: Option<Duration> = Some(Duration::from_secs(300));
    type Input = u64;
    type Output = u64;
    type Error = TaskFailure;

    async fn run(&self, seconds: u64, ctx: ActivityContext) -> Result<u64, TaskFailure> {
        tokio::select! {
            () = ctx.cancelled() => Err(TaskFailure::new("Bench.Cancelled", "the task was cancelled")),
            () = tokio::time::sleep(Duration::from_secs(seconds)) => Ok(seconds),
        }
    }
}

/// Runs it and prints the figure.
pub async fn run(args: &Args) -> anyhow::Result<()> {
    let mut quotas = Quotas::none();
    let mut faults = Faults::seeded(1);
    let count_every_call = OperationFaults {
        latency: Some(Latency {
            rate: 1.0,
            min_ms: 0,
            max_ms: 0,
        }),
        ..OperationFaults::default()
    };
    for operation in OPERATIONS {
        quotas = quotas.bucket(operation, Bucket::new(args.bucket, args.refill))?;
        faults = faults.operation(operation, count_every_call)?;
    }
    let engine = LocalEngine::builder()
        .quotas(quotas)
        .faults(faults)
        .start()
        .await?;
    let client = Client::local(engine.endpoint_url());
    let machine = StateMachine::builder()
        .start_at("Hold")
        .state("Hold", Task::activity::<Hold>().heartbeat_seconds(3).end())
        .build()?
        .deploy(
            &client,
            "bench-throttled",
            "arn:aws:iam::123456789012:role/bench",
        )
        .send()
        .await?
        .state_machine;
    let mut executions = Vec::with_capacity(args.tasks);
    for _ in 0..args.tasks {
        executions.push(machine.start(&json!(args.task_seconds)).send().await?);
    }

    let worker = Worker::builder(client.clone())
        .activity(Hold)
        .concurrency(args.tasks)
        .pollers(4)
        .build();
    let handle = worker.handle();
    let running = tokio::spawn(worker.run());
    tokio::time::sleep(Duration::from_secs(args.settle_seconds)).await;
    let before = engine.pressure_stats();
    let stats_before = engine.stats();
    let window = Duration::from_secs(args.measure_seconds);
    tokio::time::sleep(window).await;
    let after = engine.pressure_stats();
    let stats_after = engine.stats();

    let refill = f64::from(args.refill);
    for operation in OPERATIONS {
        let calls = |stats: &std::collections::BTreeMap<
            String,
            stepworker_local::PressureCounts,
        >| { stats.get(operation).map_or(0, |counts| counts.delayed) };
        let throttled =
            |stats: &std::collections::BTreeMap<String, stepworker_local::PressureCounts>| {
                stats
                    .get(operation)
                    .map_or(0, |counts| counts.quota_throttled)
            };
        let rate = (calls(&after) - calls(&before)) as f64 / window.as_secs_f64();
        let throttled_rate = (throttled(&after) - throttled(&before)) as f64 / window.as_secs_f64();
        println!(
            "throttle-rate: {operation}: {rate:.1} calls/s arriving ({throttled_rate:.1}/s throttled) \
             = {:.2}x the {refill}/s refill, seconds {}-{} of {} tasks heartbeating every ~1 s",
            rate / refill,
            args.settle_seconds,
            args.settle_seconds + args.measure_seconds,
            args.tasks
        );
    }
    println!(
        "throttle-rate: heartbeats accepted {:.1}/s in the window; executions finished (timed out) so far: {}",
        (stats_after.heartbeats - stats_before.heartbeats) as f64 / window.as_secs_f64(),
        stats_after.executions_finished
    );

    handle.shutdown_now();
    let _ = tokio::time::timeout(Duration::from_secs(30), running)
        .await
        .context("the worker did not stop")?;
    engine.shutdown().await?;
    Ok(())
}
