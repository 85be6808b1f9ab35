//! Load tool for Step Functions engines (run in release mode):
//!
//! `cargo run --release --bin load_engine -- [--seconds 5] [--concurrency 64] [--endpoint URL]`
//!
//! Measures, over real HTTP on loopback with the stepworker client (SigV4
//! signed, dummy keys, region us-east-1): executions/s of a 10-state Pass
//! chain, activity round trips/s (start -> poll -> success) with 64 pollers,
//! and DescribeStateMachine latency with one client and with 64; and in the
//! same run the loopback ceiling (the same client against a trivial axum
//! handler, in this process for the embedded engine and in a child process
//! for `--endpoint`, so it sits where the engine sits), printing each figure with its ratio to the ceiling. Last, the
//! engine's RSS with 10,000 executions waiting on activities.
//!
//! Without `--endpoint` the engine is stepworker-local embedded in this
//! process; with it, any Step Functions-compatible endpoint (give
//! `--server-pid` for its RSS). `--scaling` prints how throughput and RSS
//! change as retained executions, waiting executions, parked polls and
//! history length grow (embedded only; see `scaling.rs`). `--only
//! throughput` or `--only describe` measures just those figures, for
//! profiling one path.

/// The engine measured as its binary runs it: on jemalloc, with the JSONata
/// budget (the client and the ceiling share it, so ratios stay fair).
#[global_allocator]
static ALLOCATOR: stepworker_local::EngineAllocator = stepworker_local::ENGINE_ALLOCATOR;

mod loops;
mod report;
mod scaling;
mod setup;
mod workloads;

use std::time::Duration;

use anyhow::Result;
use clap::{Parser, Subcommand};
use stepworker_local::{LocalEngine, Retention};
use stepworker_suite::load::quantiles::ms;
use stepworker_suite::load::{load_client, Ceiling, Target};

use report::Report;

#[derive(Debug, Parser)]
struct Args {
    /// Seconds each measurement runs.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Concurrent clients (and activity pollers).
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Executions left waiting on an activity for the RSS figure.
    #[arg(long, default_value_t = 10_000)]
    waiting: usize,
    /// Measure only the RSS figure, in a process that ran no throughput
    /// load first (whose retained executions would otherwise count).
    #[arg(long)]
    rss_only: bool,
    /// Measure only these figures (for profiling one path); no RSS figure.
    #[arg(long, value_enum, conflicts_with = "rss_only")]
    only: Option<Only>,
    /// Drive this Step Functions-compatible endpoint instead of an embedded
    /// stepworker-local.
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// The process serving `--endpoint`, whose RSS to report.
    #[arg(long, value_name = "PID", requires = "endpoint")]
    server_pid: Option<u32>,
    /// Print the figures as one JSON object on the last line (for
    /// `tools/peers.py`).
    #[arg(long)]
    json: bool,
    /// Print the scaling table instead (embedded engine, one child process
    /// per step).
    #[arg(long, conflicts_with = "endpoint")]
    scaling: bool,
    #[command(subcommand)]
    step: Option<Step>,
}

/// The figures `--only` measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Only {
    /// The ceiling, the Pass chain and the activity round trips.
    Throughput,
    /// DescribeStateMachine latency, the engine's and the ceiling's.
    Describe,
}

/// One step of the scaling table, run in a child process so its RSS is its own.
#[derive(Debug, Subcommand)]
enum Step {
    /// Grows `dimension` to `size`, runs the probes and prints `step <json>`.
    ScalingStep {
        #[arg(long)]
        dimension: scaling::Dimension,
        #[arg(long)]
        size: usize,
    },
    /// Serves the loopback ceiling until killed (the ceiling of a run
    /// against `--endpoint`, in a process of its own like the engine).
    CeilingServe,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let window = Duration::from_secs(args.seconds);
    match args.step {
        Some(Step::ScalingStep { dimension, size }) => {
            return scaling::step(dimension, size, args.concurrency, window).await;
        }
        Some(Step::CeilingServe) => return Ceiling::serve_forever().await,
        None => {}
    }
    if args.scaling {
        return scaling::table(args.concurrency, args.seconds).await;
    }
    let target = match &args.endpoint {
        Some(url) => Target::Remote {
            url: url.clone(),
            pid: args.server_pid,
        },
        None => Target::Embedded(
            LocalEngine::builder()
                .retention(Retention {
                    max_finished_executions: 20_000,
                    ..Retention::default()
                })
                .start()
                .await?,
        ),
    };
    let ceiling = match target {
        Target::Embedded(_) => Ceiling::start().await?,
        Target::Remote { .. } => {
            Ceiling::in_child(&std::env::current_exe()?, &["ceiling-serve"]).await?
        }
    };
    let ceiling_client = load_client(ceiling.url());
    let client = target.client();
    let suffix = setup::run_suffix();
    let mut report = Report::new(&target.describe(), args.concurrency, args.seconds);
    println!(
        "load test of {}: {} s per figure, {} clients, {} cores",
        target.describe(),
        args.seconds,
        args.concurrency,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    if !args.rss_only && args.only != Some(Only::Describe) {
        let ceiling_rate =
            workloads::requests_per_second(&ceiling_client, args.concurrency, window).await?;
        report.set("ceiling_requests_per_s", ceiling_rate);
        println!(
            "loopback ceiling (trivial axum handler, same client, {}): {ceiling_rate:.0} requests/s",
            ceiling.arrangement()
        );
        throughput(&mut report, &client, &suffix, &args, window, ceiling_rate).await;
    }
    if !args.rss_only && args.only != Some(Only::Throughput) {
        latency(
            &mut report,
            &client,
            &ceiling_client,
            &suffix,
            &args,
            window,
        )
        .await;
    }
    if target.rss().is_some() && args.only.is_none() {
        let rss = rss_with_waiting(&target, &suffix, args.waiting).await;
        report.record("rss_with_waiting", rss);
    }
    target.shutdown().await?;
    if args.json {
        println!("{}", report.to_json());
    }
    Ok(())
}

/// The Pass chain and the activity round trips, against the ceiling.
async fn throughput(
    report: &mut Report,
    client: &stepworker::Client,
    suffix: &str,
    args: &Args,
    window: Duration,
    ceiling: f64,
) {
    let chain = async {
        let machine =
            setup::create_machine(client, &format!("chain-{suffix}"), &setup::pass_chain(10))
                .await?;
        workloads::executions_per_second(client, &machine, args.concurrency, window).await
    }
    .await;
    if let Some(executions) = report.record("pass_chain_executions_per_s", chain) {
        println!(
            "10-state Pass chain: {executions:.0} executions/s ({:.0} transitions/s), {:.2}x the ceiling",
            executions * 10.0,
            executions / ceiling
        );
    }
    let trips = workloads::activity_round_trips(client, suffix, args.concurrency, window).await;
    if let Some(trips) = report.record("activity_round_trips_per_s", trips) {
        // A round trip is three requests (start, poll, report).
        let per_trip = ceiling / 3.0;
        println!(
            "activity round trips ({} pollers): {trips:.0}/s, {:.2}x of ceiling/3 ({per_trip:.0}/s: 3 requests each)",
            args.concurrency,
            trips / per_trip
        );
    }
}

/// DescribeStateMachine latency with one client and with many, each against
/// the ceiling's.
async fn latency(
    report: &mut Report,
    client: &stepworker::Client,
    ceiling_client: &stepworker::Client,
    suffix: &str,
    args: &Args,
    window: Duration,
) {
    let machine = match setup::create_machine(
        client,
        &format!("described-{suffix}"),
        &setup::pass_chain(10),
    )
    .await
    {
        Ok(machine) => machine,
        Err(e) => {
            report.record::<f64>("describe", Err(e));
            return;
        }
    };
    for (label, clients) in [("sequential", 1), ("concurrent", args.concurrency)] {
        let measured = workloads::describe_latency(client, &machine, clients, window).await;
        let baseline = workloads::describe_latency(ceiling_client, &machine, clients, window).await;
        let (Some(q), Some(c)) = (
            report.record(&format!("describe_{label}"), measured),
            report.record(&format!("ceiling_describe_{label}"), baseline),
        ) else {
            continue;
        };
        let (r50, r99) = q.ratio_to(&c);
        println!(
            "DescribeStateMachine, {clients} client(s): p50 {:.3} ms, p99 {:.3} ms ({r50:.2}x / {r99:.2}x the ceiling's {:.3} / {:.3} ms)",
            ms(q.p50),
            ms(q.p99),
            ms(c.p50),
            ms(c.p99),
        );
    }
}

/// The serving process's RSS before and after `waiting` executions start
/// waiting on an activity.
async fn rss_with_waiting(target: &Target, suffix: &str, waiting: usize) -> Result<(f64, f64)> {
    let before = target.rss().expect("checked by the caller")?;
    let starts = workloads::waiting_executions(target, suffix, waiting).await?;
    let after = target.rss().expect("checked by the caller")?;
    println!(
        "RSS with {waiting} executions waiting on an activity: {:.1} MiB (before: {:.1} MiB; started at {starts:.0}/s)",
        after.total_mib(),
        before.total_mib(),
    );
    Ok((before.total_mib(), after.total_mib()))
}
