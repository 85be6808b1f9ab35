//! Benchmarks of a worker fleet, run in release mode and reported as
//! ratios against a baseline:
//!
//! ```text
//! cargo run --release -p stepworker-fleet-bench -- all
//! cargo run --release -p stepworker-fleet-bench -- idle-stop      # SIGTERM to exit, idle, 60 s polls
//! cargo run --release -p stepworker-fleet-bench -- throttle-rate  # calls arriving vs bucket refill
//! cargo run --release -p stepworker-fleet-bench -- restarts       # tasks lost/repeated: faults + restarts
//! cargo run --release -p stepworker-fleet-bench -- throughput     # worker vs a bare poll loop
//! ```
//!
//! Everything runs on loopback; `idle-stop` and `restarts` run the fleet
//! example and the `stepworker-local` binary as processes (cargo builds them
//! in release first), the other two embed the engine.

mod bench;

use clap::{Parser, Subcommand};
use stepworker_fleet_bench::{Binaries, Profile};

#[derive(Parser)]
#[command(about = "Benchmarks of the fleet example and the worker")]
struct Args {
    #[command(subcommand)]
    which: Which,
}

#[derive(Subcommand)]
enum Which {
    /// All four, one after the other, with their defaults.
    All,
    /// Seconds from SIGTERM to exit for an idle fleet with 60 s polls.
    IdleStop(bench::idle_stop::Args),
    /// Calls arriving at the engine vs the bucket's refill, throttled.
    ThrottleRate(bench::throttle_rate::Args),
    /// Tasks lost and repeated under faults and SIGTERM restarts.
    Restarts(bench::restarts::Args),
    /// Worker vs a bare poll loop, tasks per second, same engine, same run.
    Throughput(bench::throughput::Args),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if cfg!(debug_assertions) {
        eprintln!("warning: a debug build; figures need --release");
    }
    let processes = || Binaries::build(Profile::current());
    match Args::parse().which {
        Which::All => {
            let binaries = processes().await?;
            bench::idle_stop::run(&binaries, &bench::idle_stop::Args::default()).await?;
            bench::throttle_rate::run(&bench::throttle_rate::Args::default()).await?;
            bench::restarts::run(&binaries, &bench::restarts::Args::default()).await?;
            bench::throughput::run(&bench::throughput::Args::default()).await?;
        }
        Which::IdleStop(args) => bench::idle_stop::run(&processes().await?, &args).await?,
        Which::ThrottleRate(args) => bench::throttle_rate::run(&args).await?,
        Which::Restarts(args) => bench::restarts::run(&processes().await?, &args).await?,
        Which::Throughput(args) => bench::throughput::run(&args).await?,
    }
    Ok(())
}
