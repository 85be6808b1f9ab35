//! The fleet under faults, throttling and rolling restarts: every execution
//! must end SUCCEEDED with each step's result recorded once, and every task
//! the protocol loses or repeats is counted and explained.
//!
//! What the protocol itself can lose or repeat, and how each shows up:
//!
//! - **A poll dropped at a shutdown's cut** (the engine runs with
//!   `--deliver-to-closed-polls`, as AWS behaves): the service may hand a
//!   task to a poll nobody reads any more. The task is started
//!   (`ActivityStarted` names the stopped instance) but no worker ever sees
//!   it; it comes back when its `HeartbeatSeconds` runs out
//!   (`ActivityTimedOut`), through the `Retry` on `States.Timeout`.
//! - **A `GetActivityTask` reset after effect**: the same loss, from the
//!   network instead of a shutdown.
//! - **A task still running at the cut**: failed with `Worker.Shutdown`
//!   (`ActivityFailed`) and retried at once: its work is done twice, once
//!   cut short. Not a lost result: the first run never finished.
//! - **A report reset after effect** (`SendTaskSuccess`/`SendTaskFailure`):
//!   the result landed but the worker cannot know; its retry is told the
//!   token is gone and the worker counts the report as *maybe delivered*.
//!   The history still holds the result once.

use std::time::Duration;

use anyhow::{ensure, Context};
use serde_json::Value;
use tokio::task::JoinHandle;

use crate::binaries::Binaries;
use crate::engine::{EngineProcess, PressureReport};
use crate::fleet::{FleetOptions, FleetProcess, StoppedFleet};
use crate::ledger::Ledger;
use crate::pipeline::{self, Progress};

/// One run's shape.
#[derive(Clone, Debug)]
pub struct RestartScenario {
    /// Executions of the pipeline.
    pub executions: usize,
    /// The pause between two StartExecution calls: a steady load, so polls
    /// are sometimes parked waiting when a shutdown drops them.
    pub start_every: Duration,
    /// SIGTERMs, each replacing the running instance with a new one (the new
    /// one starts first, as a rolling deploy does), spread over the starts.
    pub restarts: usize,
    /// The fault plan (`--faults`), with its seed.
    pub faults: Value,
    /// `--quota OPERATION=SIZE:REFILL` buckets.
    pub quotas: Vec<String>,
    /// Each instance's concurrency.
    pub concurrency: usize,
    /// Each instance's pollers per activity.
    pub pollers: usize,
    /// Each instance's `--shutdown-deadline` (its cut comes 5 s before).
    pub shutdown_deadline: u64,
    /// Work per step: image `i` works `work_ms.0 + (i * 137) % work_ms.1` ms.
    pub work_ms: (u64, u64),
    /// The whole run, at most.
    pub limit: Duration,
}

impl RestartScenario {
    /// The run the end-to-end test makes: 40 executions (120 tasks), three
    /// restarts, a few percent of every fault on the worker's operations,
    /// and buckets that throttle at bursts.
    pub fn small() -> Self {
        Self {
            executions: 40,
            start_every: Duration::from_millis(300),
            restarts: 3,
            faults: default_faults(7),
            quotas: vec![
                "GetActivityTask=20:20".to_owned(),
                "SendTaskSuccess=10:10".to_owned(),
                "SendTaskHeartbeat=10:5".to_owned(),
            ],
            concurrency: 8,
            pollers: 4,
            shutdown_deadline: 6,
            work_ms: (200, 500),
            limit: Duration::from_secs(120),
        }
    }
}

/// Faults on the four operations a worker calls, seeded: throttling, 500,
/// 503, latency, and connections reset before and after the call's effect.
/// The other operations (the test's own) are left alone.
pub fn default_faults(seed: u64) -> Value {
    serde_json::json!({
        "seed": seed,
        "operations": {
            "GetActivityTask": {
                "throttle": 0.02, "serviceUnavailable": 0.01,
                "resetBeforeEffect": 0.01, "resetAfterEffect": 0.03
            },
            "SendTaskSuccess": {
                "throttle": 0.05, "internalFailure": 0.02, "serviceUnavailable": 0.02,
                "resetAfterEffect": 0.05,
                "latency": { "rate": 0.1, "minMs": 20, "maxMs": 200 }
            },
            "SendTaskFailure": {
                "throttle": 0.05, "serviceUnavailable": 0.02, "resetAfterEffect": 0.05
            },
            "SendTaskHeartbeat": {
                "throttle": 0.05, "internalFailure": 0.02,
                "resetBeforeEffect": 0.02, "resetAfterEffect": 0.02
            }
        }
    })
}

/// What one run did.
#[derive(Debug)]
pub struct RestartReport {
    /// Every instance, in start order.
    pub fleets: Vec<StoppedFleet>,
    /// Executions still running when each SIGTERM was sent.
    pub running_at_sigterm: Vec<usize>,
    /// What the service recorded.
    pub ledger: Ledger,
    /// What the engine's pressure layer did.
    pub pressure: PressureReport,
    /// The run, from the first start to the last exit.
    pub took: Duration,
}

/// Runs `scenario` with `binaries`.
pub async fn run(binaries: &Binaries, scenario: &RestartScenario) -> anyhow::Result<RestartReport> {
    let began = tokio::time::Instant::now();
    let faults = tempfile::NamedTempFile::new().context("a faults file")?;
    std::fs::write(faults.path(), scenario.faults.to_string())?;
    let mut args = vec![
        "--faults".to_owned(),
        faults.path().display().to_string(),
        "--deliver-to-closed-polls".to_owned(),
    ];
    for quota in &scenario.quotas {
        args.extend(["--quota".to_owned(), quota.clone()]);
    }
    let engine = EngineProcess::start(&binaries.engine, &args).await?;
    let client = engine.client();
    let machine = pipeline::deploy(&client, "fleet-restarts").await?;

    let options = |n: usize| FleetOptions {
        name: format!("fleet-{n}"),
        concurrency: scenario.concurrency,
        pollers: scenario.pollers,
        shutdown_deadline: scenario.shutdown_deadline,
        health_addr: None,
        credentials: None,
    };
    let stop_limit = Duration::from_secs(scenario.shutdown_deadline + 20);
    let mut fleet = FleetProcess::start(&binaries.fleet, engine.url(), options(1)).await?;

    let (base, spread) = scenario.work_ms;
    let inputs: Vec<Value> = (0..scenario.executions)
        .map(|i| pipeline::image(i, base + (i as u64 * 137) % spread.max(1)))
        .collect();
    let mut executions = Vec::with_capacity(inputs.len());
    let mut stopping: Vec<JoinHandle<anyhow::Result<StoppedFleet>>> = Vec::new();
    let mut running_at_sigterm = Vec::new();
    let mut restarts_done = 0;
    for (index, input) in inputs.iter().enumerate() {
        executions.push(
            machine
                .start(input)
                .send()
                .await
                .context("StartExecution")?,
        );
        // The k-th SIGTERM once k/(n+1) of the executions have started.
        let due = scenario.executions * (restarts_done + 1) / (scenario.restarts + 1);
        if restarts_done < scenario.restarts && index + 1 >= due {
            restarts_done += 1;
            let next =
                FleetProcess::start(&binaries.fleet, engine.url(), options(restarts_done + 1))
                    .await?;
            let finished = Progress::new(&executions).finished().await?;
            running_at_sigterm.push(executions.len() - finished);
            let old = std::mem::replace(&mut fleet, next);
            stopping.push(tokio::spawn(old.stop(stop_limit)));
        }
        remaining(began, scenario.limit)?;
        tokio::time::sleep(scenario.start_every).await;
    }
    Progress::new(&executions)
        .wait_for(scenario.executions, remaining(began, scenario.limit)?)
        .await?;
    stopping.push(tokio::spawn(fleet.stop(stop_limit)));

    let mut fleets = Vec::new();
    for stop in stopping {
        fleets.push(stop.await.context("a stopping task")??);
    }
    let ledger = Ledger::read(&executions, |i| pipeline::expected_output(&inputs[i])).await?;
    let pressure = engine.pressure().await?;
    let took = began.elapsed();
    engine.stop().await?;
    Ok(RestartReport {
        fleets,
        running_at_sigterm,
        ledger,
        pressure,
        took,
    })
}

fn remaining(began: tokio::time::Instant, limit: Duration) -> anyhow::Result<Duration> {
    let left = limit.saturating_sub(began.elapsed());
    ensure!(!left.is_zero(), "the run took over {limit:?}");
    Ok(left)
}

/// The accounting of one run: every attempt the service started, by what
/// became of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Accounting {
    /// Tasks the service handed out (`ActivityStarted`).
    pub handed_out: u64,
    /// Tasks the instances received (their `started` counters).
    pub received: u64,
    /// Handed out, never received: lost on the way (`handed_out - received`).
    pub lost_in_protocol: u64,
    /// Of those, handed to polls a stopped instance had dropped.
    pub lost_to_closed_polls: u64,
    /// `GetActivityTask` calls reset after their effect (each may have
    /// carried a task, or been an empty poll).
    pub poll_resets_after_effect: u64,
    /// `ActivityTimedOut` events.
    pub timed_out: u64,
    /// Results the instances gave up (their deadline came first).
    pub given_up: u64,
    /// Tasks whose token went away while an instance held them.
    pub cancelled: u64,
    /// Tasks failed with `Worker.Shutdown` (run again: work repeated).
    pub shutdown_failures: u64,
    /// `ActivitySucceeded` plus `ActivityFailed` events.
    pub results_recorded: u64,
    /// Results the instances know were delivered (succeeded + failed).
    pub results_delivered: u64,
    /// Results sent whose delivery could not be proven (maybe delivered).
    pub maybe_delivered: u64,
    /// Report calls reset after their effect, or answered 5xx.
    pub ambiguous_report_faults: u64,
    /// Steps (Task states of the executions).
    pub steps: u64,
}

impl RestartReport {
    /// The run's numbers, side by side.
    pub fn accounting(&self) -> Accounting {
        let total =
            |column: &str| -> u64 { self.fleets.iter().map(|f| f.summary.total(column)).sum() };
        let ledger = &self.ledger;
        let handed_out = ledger.started();
        let received = total("started");
        let report_faults = |operation: &str| {
            let counts = self.pressure.of(operation);
            counts.resets_after_effect + counts.internal_failures + counts.service_unavailable
        };
        Accounting {
            handed_out,
            received,
            lost_in_protocol: handed_out.saturating_sub(received),
            lost_to_closed_polls: self.pressure.tasks_lost_to_closed_polls,
            poll_resets_after_effect: self.pressure.of("GetActivityTask").resets_after_effect,
            timed_out: ledger.timed_out,
            given_up: total("given up"),
            cancelled: total("cancelled"),
            shutdown_failures: ledger
                .failed_by_error
                .get("Worker.Shutdown")
                .copied()
                .unwrap_or(0),
            results_recorded: ledger.succeeded + ledger.failed(),
            results_delivered: total("succeeded") + total("failed"),
            maybe_delivered: total("maybe delivered"),
            ambiguous_report_faults: report_faults("SendTaskSuccess")
                + report_faults("SendTaskFailure"),
            steps: ledger.steps as u64,
        }
    }
}

impl std::fmt::Display for RestartReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let a = self.accounting();
        writeln!(
            f,
            "{} executions, {} steps, {} restarts, {:.1} s",
            self.ledger.executions,
            a.steps,
            self.fleets.len().saturating_sub(1),
            self.took.as_secs_f64()
        )?;
        writeln!(
            f,
            "  succeeded with the computed output: {} of {}; steps whose result is not recorded exactly once: {}",
            self.ledger.succeeded_as_computed,
            self.ledger.executions,
            self.ledger.steps_not_succeeded_once.len()
        )?;
        for fleet in &self.fleets {
            writeln!(
                f,
                "  {}: started {}, succeeded {}, failed {}, maybe delivered {}, cancelled {}, given up {}; stopped in {:.2} s",
                fleet.options.name,
                fleet.summary.total("started"),
                fleet.summary.total("succeeded"),
                fleet.summary.total("failed"),
                fleet.summary.total("maybe delivered"),
                fleet.summary.total("cancelled"),
                fleet.summary.total("given up"),
                fleet.stop_took.as_secs_f64()
            )?;
        }
        writeln!(
            f,
            "  handed out {}, received {}: lost in the protocol {} ({} to dropped polls, of {} dropped polls kept parked; {} polls reset after effect), timed out {}",
            a.handed_out, a.received, a.lost_in_protocol, a.lost_to_closed_polls,
            self.pressure.closed_polls_kept, a.poll_resets_after_effect, a.timed_out
        )?;
        writeln!(
            f,
            "  results recorded {} = delivered {} + maybe delivered {} (ambiguous report faults {}); work repeated after Worker.Shutdown {}; given up {}",
            a.results_recorded, a.results_delivered, a.maybe_delivered,
            a.ambiguous_report_faults, a.shutdown_failures, a.given_up
        )?;
        write!(f, "  pressure: {:?}", self.pressure.operations)
    }
}
