//! A worker daemon, as one would run it on each machine of a fleet: several
//! activities, tunable pollers and concurrency, structured logs, counters,
//! and a graceful stop on SIGTERM or Ctrl-C.
//!
//! ```text
//! cargo run --example fleet -- --endpoint http://127.0.0.1:8083 --concurrency 64
//! cargo run --example fleet -- --log-format json        # AWS from the environment
//! ```
//!
//! On SIGTERM it stops polling and lets running tasks finish; a reporting
//! margin before `--shutdown-deadline` (default 25 s, inside the 30 s that
//! ECS and Kubernetes give by default) it fails what is left with
//! `Worker.Shutdown` (so a `Retry` sends it to another machine at once) and
//! drops its open polls; it prints its counters and exits 0 by the deadline.
//! A second SIGTERM exits at once.
//!
//! With `--health-addr 0.0.0.0:8080`, `GET /health` answers 200 while every
//! activity is registered and its polls are not refused, 503 otherwise, with
//! the per-activity detail as JSON: point a container health check or a
//! Kubernetes liveness probe at it.

mod counters;
mod health;
mod pipeline;

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, ValueEnum};
use stepworker::worker::{DEFAULT_CONCURRENCY, DEFAULT_POLLERS};
use stepworker::{Client, Worker};
use tracing_subscriber::EnvFilter;

use counters::WorkerCounters;
use pipeline::{fetch_image, publish_image, resize_image};

#[derive(Parser)]
#[command(about = "Serve the image pipeline's activities until SIGTERM")]
struct Args {
    /// A Step Functions-compatible endpoint with dummy credentials (e.g.
    /// stepworker-local). Default: AWS as the environment configures it.
    #[arg(long)]
    endpoint: Option<String>,
    /// Long polls kept open per activity.
    #[arg(long, default_value_t = DEFAULT_POLLERS)]
    pollers: usize,
    /// Tasks run at once, over all activities.
    #[arg(long, default_value_t = DEFAULT_CONCURRENCY)]
    concurrency: usize,
    /// Seconds from SIGTERM to exit, at most: a few below the orchestrator's
    /// grace period (ECS stopTimeout, Kubernetes terminationGracePeriodSeconds).
    #[arg(long, alias = "shutdown-grace", default_value_t = 25)]
    shutdown_deadline: u64,
    /// Address for the `GET /health` endpoint (off when not given).
    #[arg(long)]
    health_addr: Option<std::net::SocketAddr>,
    /// The name the service records for this worker (default: host and pid).
    #[arg(long)]
    worker_name: Option<String>,
    /// Log line format; the level comes from RUST_LOG (default info).
    #[arg(long, value_enum, default_value_t = LogFormat::Compact)]
    log_format: LogFormat,
    /// Seconds between two log lines with the counters.
    #[arg(long, default_value_t = 60)]
    stats_every: u64,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Compact,
    Json,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    init_logs(args.log_format);
    let counters = WorkerCounters::install()?;

    let client = match &args.endpoint {
        Some(url) => Client::local(url.as_str()),
        None => Client::from_env().context("reading the AWS configuration")?,
    };
    let mut worker = Worker::builder(client)
        .activity(fetch_image)
        .activity(resize_image)
        .activity(publish_image)
        .pollers(args.pollers)
        .concurrency(args.concurrency)
        .shutdown_deadline(Duration::from_secs(args.shutdown_deadline));
    if let Some(name) = args.worker_name {
        worker = worker.worker_name(name);
    }

    let worker = worker.build();
    let health = match args.health_addr {
        Some(addr) => Some(health::serve(addr, worker.handle()).await?),
        None => None,
    };
    let reporter = tokio::spawn(log_counters(counters.clone(), args.stats_every));
    let ran = worker.run_until_signal().await;
    reporter.abort();
    if let Some(health) = health {
        health.abort();
    }

    counters.log_totals();
    counters.print_summary();
    ran.context("the worker failed")
}

/// Logs to stderr, one compact line or one JSON object per event; stdout is
/// left for the summary.
fn init_logs(format: LogFormat) {
    let logs = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        // Colors only for a person watching; log files and collectors get plain text.
        .with_ansi(std::io::stderr().is_terminal());
    match format {
        LogFormat::Compact => logs.compact().init(),
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
}

async fn log_counters(counters: std::sync::Arc<WorkerCounters>, every_seconds: u64) {
    let mut ticks = tokio::time::interval(Duration::from_secs(every_seconds.max(1)));
    ticks.tick().await; // the first tick is immediate
    loop {
        ticks.tick().await;
        counters.log_totals();
    }
}
