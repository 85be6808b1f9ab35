//! Tasks lost and repeated when the fleet runs under faults and is
//! SIGTERM-restarted mid-load: the end-to-end test's scenario, larger.

use std::time::Duration;

use stepworker_fleet_bench::restarts::{self, default_faults, RestartScenario};
use stepworker_fleet_bench::Binaries;

/// Options.
#[derive(clap::Args)]
pub struct Args {
    /// Executions (three tasks each).
    #[arg(long, default_value_t = 300)]
    executions: usize,
    /// Milliseconds between two StartExecution calls.
    #[arg(long, default_value_t = 50)]
    start_every_ms: u64,
    /// SIGTERM restarts.
    #[arg(long, default_value_t = 3)]
    restarts: usize,
    /// The fault plan's seed.
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

impl Default for Args {
    fn default() -> Self {
        Self {
            executions: 300,
            start_every_ms: 50,
            restarts: 3,
            seed: 7,
        }
    }
}

/// Runs it and prints the accounting.
pub async fn run(binaries: &Binaries, args: &Args) -> anyhow::Result<()> {
    let scenario = RestartScenario {
        executions: args.executions,
        start_every: Duration::from_millis(args.start_every_ms),
        restarts: args.restarts,
        faults: default_faults(args.seed),
        concurrency: 16,
        pollers: 4,
        limit: Duration::from_secs(600),
        ..RestartScenario::small()
    };
    let report = restarts::run(binaries, &scenario).await?;
    println!("restarts: {report}");
    let a = report.accounting();
    let explained_losses = a.lost_to_closed_polls + a.poll_resets_after_effect;
    let unexplained_losses =
        a.lost_in_protocol.saturating_sub(explained_losses) + report.ledger.wrong.len() as u64;
    let duplicated_results = report
        .ledger
        .steps_not_succeeded_once
        .iter()
        .filter(|(_, _, count)| *count > 1)
        .count();
    println!(
        "restarts: tasks lost beyond the protocol {unexplained_losses}, results recorded twice {duplicated_results}; \
         protocol: {} of {} tasks ({:.3}) lost on the way and redone after HeartbeatSeconds \
         ({} to dropped polls, the rest to polls reset after effect), {} ({:.3}) redone after Worker.Shutdown, \
         {} ({:.3}) results maybe delivered (sent once, landed once, the answer lost)",
        a.lost_in_protocol,
        a.steps,
        a.lost_in_protocol as f64 / a.steps as f64,
        a.lost_to_closed_polls,
        a.shutdown_failures,
        a.shutdown_failures as f64 / a.steps as f64,
        a.maybe_delivered,
        a.maybe_delivered as f64 / a.steps as f64,
    );
    Ok(())
}
