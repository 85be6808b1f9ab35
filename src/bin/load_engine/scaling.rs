//! How the embedded engine's cost grows: throughput and RSS as one thing at
//! a time grows in 10x steps (retained finished executions, executions
//! waiting on an activity, parked polls, history length).
//!
//! Each step runs in a child process of this binary (`scaling-step`) with a
//! fresh engine, so its RSS is its own and no step inherits another's
//! state. The probes are the same in every step: 10-state Pass chain
//! executions/s and activity round trips/s, each for the given window.

use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use stepworker::Client;
use stepworker_local::{LocalEngine, Retention};
use stepworker_suite::load::{Rss, Target};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::setup::{self, counting_loop, create_machine, pass_chain};
use stepworker_suite::load::executions::{start_executions, wait_until_finished};

use crate::workloads::{self, MAX_DRAIN};

/// What grows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Dimension {
    /// Finished executions the engine retains (its retention is set to the size).
    Retained,
    /// Executions waiting on an activity nobody polls.
    Waiting,
    /// GetActivityTask calls parked on an activity with no work.
    ParkedPolls,
    /// History events of each of 100 retained executions.
    History,
}

impl Dimension {
    const ALL: [Self; 4] = [
        Self::Retained,
        Self::Waiting,
        Self::ParkedPolls,
        Self::History,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Retained => "retained",
            Self::Waiting => "waiting",
            Self::ParkedPolls => "parked-polls",
            Self::History => "history",
        }
    }

    /// Units of memory a step of `size` holds: the history dimension keeps
    /// [`LONG_HISTORIES`] executions of `size` events each.
    fn units_per_size(self) -> usize {
        match self {
            Self::History => LONG_HISTORIES,
            _ => 1,
        }
    }

    /// The 10x steps. Parked polls stop at 1,000: each is a connection with
    /// both ends in the step's process (client and engine), and 10,000 of
    /// them would pass this machine's limit of 20,000 open files.
    fn sizes(self) -> &'static [usize] {
        match self {
            Self::Retained | Self::Waiting => &[100, 1_000, 10_000, 100_000],
            Self::ParkedPolls => &[10, 100, 1_000],
            Self::History => &[10, 100, 1_000, 10_000],
        }
    }
}

/// Executions whose history the history dimension keeps.
const LONG_HISTORIES: usize = 100;

/// Runs every step, each in a child process, and prints the table.
pub async fn table(clients: usize, seconds: u64) -> Result<()> {
    let exe = std::env::current_exe()?;
    println!(
        "scaling of embedded stepworker-local: {seconds} s per probe, {clients} clients, fresh process per step"
    );
    println!("| grows | size | Pass chain exec/s | vs first | round trips/s | vs first | RSS MiB | RSS per added unit | setup |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for dimension in Dimension::ALL {
        let mut first: Option<(f64, f64)> = None;
        let mut previous = (0usize, 0.0f64);
        for &size in dimension.sizes() {
            let step = run_child(&exe, dimension, size, clients, seconds).await?;
            let chain = step["chain_per_s"].as_f64().unwrap_or(0.0);
            let trips = step["round_trips_per_s"].as_f64().unwrap_or(0.0);
            let (chain0, trips0) = *first.get_or_insert((chain, trips));
            // The marginal cost from the previous step, so the engine's
            // fixed memory does not inflate the small steps.
            let grown_kib = step["rss_grown_kib"].as_f64().unwrap_or(0.0);
            let units = size * dimension.units_per_size();
            let per_unit = (grown_kib - previous.1) / (units - previous.0) as f64;
            previous = (units, grown_kib);
            println!(
                "| {} | {size} | {chain:.0} | {:.2}x | {trips:.0} | {:.2}x | {:.1} | {:.2} KiB | {} |",
                dimension.name(),
                chain / chain0,
                trips / trips0,
                step["rss_mib"].as_f64().unwrap_or(0.0),
                per_unit,
                step["setup"].as_str().unwrap_or(""),
            );
        }
    }
    Ok(())
}

async fn run_child(
    exe: &std::path::Path,
    dimension: Dimension,
    size: usize,
    clients: usize,
    seconds: u64,
) -> Result<Value> {
    let mut child = tokio::process::Command::new(exe)
        .args(["--seconds", &seconds.to_string()])
        .args(["--concurrency", &clients.to_string()])
        .args(["scaling-step", "--dimension", dimension.name()])
        .args(["--size", &size.to_string()])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().context("child stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let step = tokio::time::timeout(Duration::from_secs(300), async {
        while let Some(line) = lines.next_line().await? {
            if let Some(figures) = line.strip_prefix("step ") {
                return Ok(serde_json::from_str::<Value>(figures)?);
            }
        }
        bail!(
            "the {} step of {size} ended without its figures",
            dimension.name()
        )
    })
    .await
    .context("a scaling step took more than 300 s")??;
    child.wait().await?;
    Ok(step)
}

/// One step: a fresh engine grown along `dimension` to `size`, then the
/// probes; prints `step <json>`.
pub async fn step(
    dimension: Dimension,
    size: usize,
    clients: usize,
    window: Duration,
) -> Result<()> {
    let retained = if dimension == Dimension::Retained {
        size
    } else {
        1_000
    };
    let engine = LocalEngine::builder()
        .retention(Retention {
            max_finished_executions: retained,
            ..Retention::default()
        })
        .max_parked_polls(20_000)
        .start()
        .await?;
    let target = Target::Embedded(engine);
    let client = target.client();
    let suffix = setup::run_suffix();
    let fresh = Rss::of(None)?;
    let setup = grow(&target, &client, dimension, size, &suffix).await?;
    let grown = Rss::of(None)?;
    let chain_machine = create_machine(&client, "probe-chain", &pass_chain(10)).await?;
    let chain = workloads::executions_per_second(&client, &chain_machine, clients, window).await?;
    let trips = workloads::activity_round_trips(&client, "probe", clients, window).await?;
    let after = Rss::of(None)?;
    let figures = json!({
        "dimension": dimension.name(),
        "size": size,
        "chain_per_s": chain,
        "round_trips_per_s": trips,
        "rss_fresh_mib": fresh.total_mib(),
        "rss_grown_kib": grown.total_kb.saturating_sub(fresh.total_kb),
        "rss_mib": after.total_mib(),
        "setup": setup,
    });
    println!("step {figures}");
    // Parked polls and waiting executions go with the process.
    std::process::exit(0);
}

/// Grows the engine along `dimension`; a note on how the growing went.
async fn grow(
    target: &Target,
    client: &Client,
    dimension: Dimension,
    size: usize,
    suffix: &str,
) -> Result<String> {
    let started = Instant::now();
    match dimension {
        Dimension::Retained => {
            let machine = create_machine(client, "filler", &pass_chain(10)).await?;
            start_executions(client, &machine, "{}", size as u64, 16).await?;
            wait_until_finished(client, &machine, Duration::from_millis(10), MAX_DRAIN).await?;
            Ok(format!(
                "{:.0} executions/s",
                size as f64 / started.elapsed().as_secs_f64()
            ))
        }
        Dimension::Waiting => {
            let rate = workloads::waiting_executions(target, suffix, size).await?;
            Ok(format!("{rate:.0} starts/s"))
        }
        Dimension::ParkedPolls => {
            let activity = client
                .create_activity()
                .name("parked")
                .send()
                .await?
                .activity_arn;
            for _ in 0..size {
                let (client, activity) = (client.clone(), activity.clone());
                // Polls re-park when the engine's 60 s poll timeout answers
                // them; the process exit ends them.
                tokio::spawn(async move {
                    while client
                        .get_activity_task()
                        .activity_arn(&activity)
                        .send()
                        .await
                        .is_ok()
                    {}
                });
            }
            // No API tells how many polls are parked; connecting and sending
            // takes well under a millisecond each on loopback.
            tokio::time::sleep(Duration::from_millis(500 + size as u64)).await;
            Ok(String::new())
        }
        Dimension::History => {
            let rounds = (size.saturating_sub(4) / 4).max(1);
            let machine = create_machine(client, "long-history", &counting_loop()).await?;
            let input = json!({"n": 0, "limit": rounds}).to_string();
            start_executions(client, &machine, &input, LONG_HISTORIES as u64, 16).await?;
            wait_until_finished(client, &machine, Duration::from_millis(10), MAX_DRAIN).await?;
            let elapsed = started.elapsed();
            let (events, read) = read_one_history(client, &machine).await?;
            Ok(format!(
                "{events} events each; {:.0} events/s written; full history read {:.1} ms",
                (events * LONG_HISTORIES) as f64 / elapsed.as_secs_f64(),
                read.as_secs_f64() * 1000.0
            ))
        }
    }
}

/// The event count of one execution of `machine` and the time to read its
/// whole history (pages of 1,000).
async fn read_one_history(client: &Client, machine: &str) -> Result<(usize, Duration)> {
    let listed = client
        .list_executions()
        .state_machine_arn(machine)
        .max_results(1)
        .send()
        .await?;
    let execution = &listed
        .executions
        .first()
        .context("no execution")?
        .execution_arn;
    let started = Instant::now();
    let mut events = 0;
    let mut token = None;
    loop {
        let page = client
            .get_execution_history()
            .execution_arn(execution)
            .max_results(1000)
            .set_next_token(token)
            .send()
            .await?;
        events += page.events.len();
        token = page.next_token;
        if token.is_none() {
            return Ok((events, started.elapsed()));
        }
    }
}
