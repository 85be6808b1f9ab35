//! Tasks per second of the worker against a bare hand-written poll loop on
//! the raw client, against the same embedded engine in the same run.
//!
//! Each round queues `tasks` executions first (all their tasks wait in the
//! activity's queue), then starts the consumer and times it until the
//! engine has accepted every result: the figure is the consumer's rate, not
//! the rate StartExecution can be called at. Both consumers keep the same
//! number of polls open and do the same JSON work; rounds alternate (bare,
//! worker, worker, bare, ...) so a machine that slows down mid-run weighs on
//! both.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::Value;
use stepworker::asl::{StateMachine, StateMachineHandle, Task};
use stepworker::worker::{Activity, ActivityContext, TaskFailure, Worker};
use stepworker::Client;
use stepworker_local::LocalEngine;
use tokio::task::JoinSet;

/// Options.
#[derive(clap::Args)]
pub struct Args {
    /// Tasks per round.
    #[arg(long, default_value_t = 3000)]
    tasks: usize,
    /// Open polls of each consumer.
    #[arg(long, default_value_t = 16)]
    pollers: usize,
    /// Rounds of each consumer.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Runs one consumer only (for profiling it, e.g. counting instructions
    /// under callgrind): no ratio is printed.
    #[arg(long, value_enum)]
    only: Option<Consumer>,
}

/// One of the two consumers.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Consumer {
    /// The worker runtime.
    Worker,
    /// The hand-written poll loop.
    Bare,
}

impl Default for Args {
    fn default() -> Self {
        Self {
            tasks: 3000,
            pollers: 16,
            rounds: 5,
            only: None,
        }
    }
}

/// JSON in, JSON out: the user work both consumers do.
struct Echo;

impl Activity for Echo {
    const NAME: &'static str = "bench-echo";
    const HEARTBEAT: Option<Duration> = Some(Duration::from_secs(60));
    const TIMEOUT: Option<Duration> = Some(Duration::from_secs(300));
    type Input = Value;
    type Output = Value;
    type Error = TaskFailure;

    async fn run(&self, input: Value, _: ActivityContext) -> Result<Value, TaskFailure> {
        Ok(input)
    }
}

/// Runs it and prints the figure.
pub async fn run(args: &Args) -> anyhow::Result<()> {
    let engine = LocalEngine::builder()
        .poll_timeout(Duration::from_secs(1))
        .start()
        .await?;
    let client = Client::local(engine.endpoint_url());
    let mut worker_rates = Vec::new();
    let mut bare_rates = Vec::new();
    let mut ratios = Vec::new();
    for round in 0..args.rounds {
        // bare, worker | worker, bare | bare, worker ...
        let bare_first = round % 2 == 0;
        for bare in [bare_first, !bare_first] {
            let consumer = if bare {
                Consumer::Bare
            } else {
                Consumer::Worker
            };
            if args.only.is_some_and(|only| only != consumer) {
                continue;
            }
            let name = format!("bench-{}-{round}", if bare { "bare" } else { "worker" });
            let machine = deploy(&client, &name).await?;
            queue(&machine, args.tasks).await?;
            let rate = if bare {
                bare_loop(&engine, &client, &name, args).await?
            } else {
                worker(&engine, &client, &name, args).await?
            };
            println!(
                "throughput: round {round} {}: {rate:.0} tasks/s",
                if bare { "bare loop" } else { "worker" }
            );
            if bare {
                bare_rates.push(rate);
            } else {
                worker_rates.push(rate);
            }
        }
        if args.only.is_some() {
            continue;
        }
        let ratio = worker_rates[round] / bare_rates[round];
        println!("throughput: round {round} worker/bare {ratio:.2}");
        ratios.push(ratio);
    }
    if args.only.is_some() {
        engine.shutdown().await?;
        return Ok(());
    }
    let worker = median(&mut worker_rates);
    let bare = median(&mut bare_rates);
    // The median of each round's ratio: the two runs of a round are next to
    // each other in time, so a machine whose speed drifts weighs on both.
    let ratio = median(&mut ratios);
    println!(
        "throughput: worker {worker:.0} tasks/s vs bare loop {bare:.0} tasks/s (medians of {} rounds, {} tasks, {} polls); \
         median of the rounds' ratios {ratio:.2}",
        args.rounds,
        args.tasks,
        args.pollers,
    );
    engine.shutdown().await?;
    Ok(())
}

async fn deploy(client: &Client, name: &str) -> anyhow::Result<StateMachineHandle> {
    Ok(StateMachine::builder()
        .start_at("Echo")
        .state("Echo", Task::activity_named(name).end())
        .build()?
        .deploy(client, name, "arn:aws:iam::123456789012:role/bench")
        .send()
        .await?
        .state_machine)
}

/// Starts `tasks` executions, 32 calls at a time.
async fn queue(machine: &StateMachineHandle, tasks: usize) -> anyhow::Result<()> {
    let machine = Arc::new(machine.clone());
    let mut starters = JoinSet::new();
    for starter in 0..32 {
        let machine = Arc::clone(&machine);
        starters.spawn(async move {
            for i in (starter..tasks).step_by(32) {
                let input = serde_json::json!({ "n": i, "payload": "x".repeat(64) });
                machine.start(&input).send().await?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(started) = starters.join_next().await {
        started??;
    }
    Ok(())
}

/// Waits until the engine has accepted `tasks` more results than `from`.
async fn until_reported(engine: &LocalEngine, from: u64, tasks: usize) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(600);
    while engine.stats().reports_accepted < from + tasks as u64 {
        anyhow::ensure!(Instant::now() < deadline, "the round took over 600 s");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Ok(())
}

async fn worker(
    engine: &LocalEngine,
    client: &Client,
    name: &str,
    args: &Args,
) -> anyhow::Result<f64> {
    let from = engine.stats().reports_accepted;
    let began = Instant::now();
    let worker = Worker::builder(client.clone())
        .activity_named(name, Echo)
        .concurrency(args.pollers)
        .pollers(args.pollers)
        .build();
    let handle = worker.handle();
    let running = tokio::spawn(worker.run());
    until_reported(engine, from, args.tasks).await?;
    let took = began.elapsed();
    handle.shutdown_now();
    running.await.context("the worker task")??;
    Ok(args.tasks as f64 / took.as_secs_f64())
}

/// The least a worker can be: loops that poll, parse the input and send it
/// back; no slots, heartbeats, retries, panic or size checks.
async fn bare_loop(
    engine: &LocalEngine,
    client: &Client,
    name: &str,
    args: &Args,
) -> anyhow::Result<f64> {
    let arn = client
        .create_activity()
        .name(name)
        .send()
        .await?
        .activity_arn;
    let from = engine.stats().reports_accepted;
    let began = Instant::now();
    let mut loops = JoinSet::new();
    for _ in 0..args.pollers {
        let (client, arn) = (client.clone(), arn.clone());
        loops.spawn(async move {
            loop {
                let task = client.get_activity_task().activity_arn(&arn).send().await?;
                if let (Some(token), Some(input)) = (task.task_token, task.input) {
                    let value: Value = serde_json::from_str(&input)?;
                    client
                        .send_task_success()
                        .task_token(token)
                        .output(value.to_string())
                        .send()
                        .await?;
                }
            }
            #[allow(unreachable_code)]
            anyhow::Ok(())
        });
    }
    until_reported(engine, from, args.tasks).await?;
    let took = began.elapsed();
    loops.abort_all();
    Ok(args.tasks as f64 / took.as_secs_f64())
}

fn median(rates: &mut [f64]) -> f64 {
    rates.sort_by(f64::total_cmp);
    rates.get(rates.len() / 2).copied().unwrap_or(0.0)
}
