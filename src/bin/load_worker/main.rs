//! Benchmark of the activity worker runtime (run in release mode):
//!
//! `cargo run --release --bin load_worker -- [--tasks 5000] [--slots 64] [--endpoint URL]`
//!
//! Against an in-process stepworker-local over loopback HTTP (or any Step
//! Functions-compatible endpoint with `--endpoint`), in one run:
//! 1. tasks/s through `Worker` and through a minimal hand-written poll loop
//!    on the raw client (same pollers, same load), and their ratio;
//! 2. dispatch latency p50/p99, from calling StartExecution to handler entry,
//!    one execution at a time with the worker's polls parked;
//! 3. the RSS of a worker process idle with 100 parked polls, and with
//!    10,000 in-flight sleeping tasks. Those workers run as child processes
//!    (this binary with `child ...`) so the engine's memory is not counted.
//!    RSS is split into anonymous memory (heap, stacks: what the worker
//!    allocates) and file-backed pages (the executable's code, shared with
//!    other processes running it): this executable also contains the engine,
//!    so its file-backed share is larger than a worker-only binary's.
//!
//! Every client is the stepworker client as `load_client` makes it: SigV4
//! signed with dummy keys for us-east-1, no retries.

mod activities;
mod child;
mod latency;
mod setup;
mod throughput;

use std::time::Duration;

use anyhow::Result;
use clap::{Parser, Subcommand};
use stepworker::worker::Activity;
use stepworker_local::LocalEngine;
use stepworker_suite::load::{Rss, Target};

use activities::Sleeper;
use child::child_rss;

#[derive(Debug, Parser)]
struct Args {
    /// Executions per throughput run.
    #[arg(long, default_value_t = 5_000)]
    tasks: u64,
    /// Concurrency slots, pollers and in-flight StartExecution calls.
    #[arg(long, default_value_t = 64)]
    slots: usize,
    /// Dispatch latency samples.
    #[arg(long, default_value_t = 500)]
    samples: usize,
    /// In-flight sleeping tasks for the second RSS figure.
    #[arg(long, default_value_t = 10_000)]
    in_flight: usize,
    /// Drive this Step Functions-compatible endpoint instead of an embedded
    /// stepworker-local.
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    #[command(subcommand)]
    child: Option<Child>,
}

/// A worker process whose RSS the parent measures.
#[derive(Debug, Subcommand)]
enum Child {
    /// Runs a worker against `endpoint` and prints `rss <total> <anon>
    /// <file>` (kB); see `child::child`.
    Child {
        #[arg(long)]
        endpoint: String,
        #[arg(long)]
        pollers: usize,
        #[arg(long)]
        tasks: usize,
    },
}

fn main() -> Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Runtime::new()?;
    match args.child {
        Some(Child::Child {
            endpoint,
            pollers,
            tasks,
        }) => runtime.block_on(child::child(endpoint, pollers, tasks)),
        None => runtime.block_on(parent(args)),
    }
}

async fn parent(args: Args) -> Result<()> {
    let target = match &args.endpoint {
        Some(url) => Target::Remote {
            url: url.clone(),
            pid: None,
        },
        None => Target::Embedded(
            LocalEngine::builder()
                .poll_timeout(Duration::from_secs(60))
                .max_parked_polls(20_000)
                .start()
                .await?,
        ),
    };
    let endpoint = target.url();
    let client = target.client();
    // Names of this run, apart from an earlier run's on a long-lived endpoint.
    let run = std::process::id();
    println!(
        "stepworker worker benchmark against {} (release build expected)",
        target.describe()
    );

    // Interleaved (bare, worker, worker, bare) and best of two each, so a
    // busy neighbour or the engine's growing store favours neither side.
    let (tasks, slots) = (args.tasks, args.slots);
    let name = |kind: &str, round: u32| format!("bench-{kind}-{run}-{round}");
    let mut bare =
        throughput::bare_loop_throughput(&target, &client, tasks, slots, &name("bare", 0)).await?;
    let mut framework =
        throughput::worker_throughput(&target, &client, tasks, slots, &name("worker", 0)).await?;
    framework = framework.max(
        throughput::worker_throughput(&target, &client, tasks, slots, &name("worker", 1)).await?,
    );
    bare = bare.max(
        throughput::bare_loop_throughput(&target, &client, tasks, slots, &name("bare", 1)).await?,
    );
    println!(
        "throughput: worker {framework:.0} tasks/s, bare poll loop {bare:.0} tasks/s, ratio {:.2}",
        framework / bare
    );

    let dispatch = latency::dispatch_latency(&client, args.samples, &name("probe", 0)).await?;
    println!(
        "dispatch latency (StartExecution -> handler entry): p50 {:?}, p99 {:?}",
        dispatch.p50, dispatch.p99
    );

    let exe = std::env::current_exe()?;
    let baseline = child_rss(&exe, &endpoint, 0, 0, None).await?;
    println!("process RSS with a client and no worker (baseline): {baseline}");
    let idle = child_rss(&exe, &endpoint, 100, 0, None).await?;
    println!("worker RSS, idle with 100 parked polls: {idle}");
    println!(
        "  per parked poll: {:.1} kB anonymous",
        idle.anon_kb.saturating_sub(baseline.anon_kb) as f64 / 100.0
    );
    let sleep_arn = setup::activity_arn(&client, Sleeper::NAME).await?;
    let machine = setup::state_machine(&client, &name("sleep", 0), &sleep_arn).await?;
    let busy: Rss = child_rss(
        &exe,
        &endpoint,
        200,
        args.in_flight,
        Some((&client, &machine)),
    )
    .await?;
    println!(
        "worker RSS, {} in-flight sleeping tasks: {busy}",
        args.in_flight
    );
    target.shutdown().await?;
    Ok(())
}
