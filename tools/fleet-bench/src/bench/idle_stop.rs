//! Seconds from SIGTERM to exit for an idle fleet whose polls are parked on
//! the service's real 60 s long poll, against the 30 s that ECS and
//! Kubernetes give by default before SIGKILL.

use std::time::Duration;

use anyhow::Context;
use serde_json::Value;
use stepworker_fleet_bench::pipeline::STEPS;
use stepworker_fleet_bench::{Binaries, EngineProcess, FleetOptions, FleetProcess};

/// The orchestrators' default grace period.
const GRACE: Duration = Duration::from_secs(30);

/// Options.
#[derive(clap::Args)]
pub struct Args {
    /// Runs (each one fleet start and stop).
    #[arg(long, default_value_t = 2)]
    runs: usize,
    /// The fleet's `--shutdown-deadline` (its default: 25).
    #[arg(long, default_value_t = 25)]
    shutdown_deadline: u64,
}

impl Default for Args {
    fn default() -> Self {
        Self {
            runs: 2,
            shutdown_deadline: 25,
        }
    }
}

/// Runs it and prints the figure.
pub async fn run(binaries: &Binaries, args: &Args) -> anyhow::Result<()> {
    for run in 1..=args.runs {
        // A fresh engine each run, with its default poll: 60 s, as on AWS.
        let engine = EngineProcess::start(&binaries.engine, &[]).await?;
        let options = FleetOptions {
            shutdown_deadline: args.shutdown_deadline,
            ..FleetOptions::named(format!("idle-{run}"))
        };
        let pollers = options.pollers;
        let fleet = FleetProcess::start(&binaries.fleet, engine.url(), options).await?;
        wait_for_parked_polls(&engine, STEPS.len() * pollers).await?;
        let stopped = fleet.stop(Duration::from_secs(90)).await?;
        let took = stopped.stop_took;
        println!(
            "idle-stop run {run}: SIGTERM to exit {:.2} s = {:.2}x the 30 s grace (--shutdown-deadline {})",
            took.as_secs_f64(),
            took.as_secs_f64() / GRACE.as_secs_f64(),
            args.shutdown_deadline
        );
        engine.stop().await?;
    }
    Ok(())
}

/// Waits until `count` polls are parked (`GET /console/activities`).
async fn wait_for_parked_polls(engine: &EngineProcess, count: usize) -> anyhow::Result<()> {
    let url = format!("{}/console/activities", engine.url());
    for _ in 0..300 {
        let loads: Value = reqwest::get(&url).await?.json().await?;
        let parked: u64 = loads
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|row| row["load"]["parkedPolls"].as_u64())
            .sum();
        if parked as usize >= count {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None.context("the fleet's polls never all parked")
}
