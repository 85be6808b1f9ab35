//! Benchmark of the activity worker runtime (run in release mode):
//!
//! `cargo run --release --bin load_worker -- [--tasks 5000] [--slots 64]`
//!
//! Against an in-process stepworker-local over loopback HTTP, in one run:
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

use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use serde_json::{json, Value};
use stepworker::worker::{Activity, ActivityContext, TaskFailure, Worker};
use stepworker::Client;
use stepworker_local::LocalEngine;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc;

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
    #[command(subcommand)]
    child: Option<Child>,
}

/// A worker process whose RSS the parent measures.
#[derive(Debug, Subcommand)]
enum Child {
    /// Runs a worker against `endpoint` and prints `rss <total> <anon>
    /// <file>` (kB): with `pollers` 0, with no worker at all (a baseline);
    /// with `tasks` 0, once its polls are parked (on the echo activity, which
    /// has no work left); otherwise once `tasks` sleeping handlers are running.
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
        }) => runtime.block_on(child(endpoint, pollers, tasks)),
        None => runtime.block_on(parent(args)),
    }
}

// ---- the activities -------------------------------------------------------

/// Echoes its input; the throughput workload.
#[stepworker::activity(name = "bench-echo", timeout = "5m")]
async fn echo(input: Value) -> Value {
    input
}

/// Reports when it starts, for dispatch latency.
struct Probe {
    entered: mpsc::UnboundedSender<Instant>,
}

impl Activity for Probe {
    const NAME: &'static str = "bench-probe";
    const HEARTBEAT: Option<Duration> = None;
    const TIMEOUT: Option<Duration> = None;
    type Input = Value;
    type Output = Value;
    type Error = TaskFailure;

    async fn run(&self, input: Value, _ctx: ActivityContext) -> Result<Value, TaskFailure> {
        let _ = self.entered.send(Instant::now());
        Ok(input)
    }
}

/// Sleeps long; the in-flight RSS workload.
struct Sleeper {
    running: Arc<AtomicU64>,
}

impl Activity for Sleeper {
    const NAME: &'static str = "bench-sleep";
    const HEARTBEAT: Option<Duration> = None;
    const TIMEOUT: Option<Duration> = None;
    type Input = Value;
    type Output = Value;
    type Error = TaskFailure;

    async fn run(&self, input: Value, ctx: ActivityContext) -> Result<Value, TaskFailure> {
        self.running.fetch_add(1, Ordering::SeqCst);
        tokio::select! {
            () = ctx.cancelled() => {}
            () = tokio::time::sleep(Duration::from_secs(600)) => {}
        }
        Ok(input)
    }
}

// ---- the parent: engine, load and measurements ------------------------------

async fn parent(args: Args) -> Result<()> {
    let engine = LocalEngine::builder()
        .poll_timeout(Duration::from_secs(60))
        .max_parked_polls(20_000)
        .start()
        .await?;
    let endpoint = engine.endpoint_url();
    let client = Client::local(&endpoint);
    println!("stepworker worker benchmark against {endpoint} (release build expected)");

    // Interleaved (bare, worker, worker, bare) and best of two each, so a
    // busy neighbour or the engine's growing store favours neither side.
    let mut bare = bare_loop_throughput(&engine, &client, &args, 0).await?;
    let mut framework = worker_throughput(&engine, &client, &args, 0).await?;
    framework = framework.max(worker_throughput(&engine, &client, &args, 1).await?);
    bare = bare.max(bare_loop_throughput(&engine, &client, &args, 1).await?);
    println!(
        "throughput: worker {framework:.0} tasks/s, bare poll loop {bare:.0} tasks/s, ratio {:.2}",
        framework / bare
    );

    let (p50, p99) = dispatch_latency(&client, &args).await?;
    println!("dispatch latency (StartExecution -> handler entry): p50 {p50:?}, p99 {p99:?}");

    let exe = std::env::current_exe()?;
    let baseline = child_rss(&exe, &endpoint, 0, 0, None).await?;
    println!("process RSS with a client and no worker (baseline): {baseline}");
    let idle = child_rss(&exe, &endpoint, 100, 0, None).await?;
    println!("worker RSS, idle with 100 parked polls: {idle}");
    println!(
        "  per parked poll: {:.1} kB anonymous",
        idle.anon_kb.saturating_sub(baseline.anon_kb) as f64 / 100.0
    );
    let sleep_arn = activity_arn(&client, Sleeper::NAME).await?;
    let machine = state_machine(&client, "bench-sleep", &sleep_arn).await?;
    let busy = child_rss(
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
    engine.shutdown().await?;
    Ok(())
}

async fn activity_arn(client: &Client, name: &str) -> Result<String> {
    Ok(client
        .create_activity()
        .name(name)
        .send()
        .await?
        .activity_arn)
}

async fn state_machine(client: &Client, name: &str, activity_arn: &str) -> Result<String> {
    let definition = json!({
        "StartAt": "Work",
        "States": { "Work": { "Type": "Task", "Resource": activity_arn, "End": true } }
    });
    let created = client
        .create_state_machine()
        .name(name)
        .definition(definition.to_string())
        .role_arn("arn:aws:iam::123456789012:role/bench")
        .send()
        .await?;
    Ok(created.state_machine_arn)
}

/// Starts `count` executions with at most `parallel` StartExecution calls in
/// flight, then waits until the engine has finished `finished_before + count`.
async fn push_load(
    engine: &LocalEngine,
    client: &Client,
    machine: &str,
    count: u64,
    parallel: usize,
) -> Result<Duration> {
    let finished_before = engine.stats().executions_finished;
    let started = Instant::now();
    start_executions(client, machine, "{\"n\":1}", count, parallel).await?;
    let target = finished_before + count;
    while engine.stats().executions_finished < target {
        if started.elapsed() > Duration::from_secs(300) {
            bail!("the load did not finish in 5 minutes");
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Ok(started.elapsed())
}

/// Starts `count` executions of `machine` with `input`, with at most
/// `parallel` StartExecution calls in flight.
async fn start_executions(
    client: &Client,
    machine: &str,
    input: &str,
    count: u64,
    parallel: usize,
) -> Result<()> {
    let next = Arc::new(AtomicU64::new(0));
    let mut starters = tokio::task::JoinSet::new();
    for _ in 0..parallel {
        let (client, machine, input) = (client.clone(), machine.to_owned(), input.to_owned());
        let next = Arc::clone(&next);
        starters.spawn(async move {
            while next.fetch_add(1, Ordering::SeqCst) < count {
                client
                    .start_execution()
                    .state_machine_arn(&machine)
                    .input(&input)
                    .send()
                    .await?;
            }
            Ok::<_, stepworker::Error>(())
        });
    }
    while let Some(done) = starters.join_next().await {
        done??;
    }
    Ok(())
}

async fn worker_throughput(
    engine: &LocalEngine,
    client: &Client,
    args: &Args,
    round: u32,
) -> Result<f64> {
    let arn = activity_arn(client, echo::NAME).await?;
    let machine = state_machine(client, &format!("bench-worker-{round}"), &arn).await?;
    let worker = Worker::builder(client.clone())
        .activity(echo)
        .concurrency(args.slots)
        .pollers(args.slots)
        .build();
    let handle = worker.handle();
    let running = tokio::spawn(worker.run());
    let elapsed = push_load(engine, client, &machine, args.tasks, args.slots).await?;
    handle.shutdown();
    running.await??;
    Ok(args.tasks as f64 / elapsed.as_secs_f64())
}

/// The least a worker can be: pollers that parse the input and send it back,
/// no slots, no heartbeats, no retries, no panic or size checks.
async fn bare_loop_throughput(
    engine: &LocalEngine,
    client: &Client,
    args: &Args,
    round: u32,
) -> Result<f64> {
    let arn = activity_arn(client, &format!("bench-bare-{round}")).await?;
    let machine = state_machine(client, &format!("bench-bare-{round}"), &arn).await?;
    let stop = Arc::new(AtomicBool::new(false));
    let mut pollers = tokio::task::JoinSet::new();
    for _ in 0..args.slots {
        let (client, arn, stop) = (client.clone(), arn.clone(), stop.clone());
        pollers.spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let task = client.get_activity_task().activity_arn(&arn).send().await?;
                if let (Some(token), Some(input)) = (task.task_token, task.input) {
                    // The same user work as the worker's `echo`: JSON in, JSON out.
                    let value: Value = serde_json::from_str(&input).unwrap_or(Value::Null);
                    client
                        .send_task_success()
                        .task_token(token)
                        .output(value.to_string())
                        .send()
                        .await?;
                }
            }
            Ok::<_, stepworker::Error>(())
        });
    }
    let elapsed = push_load(engine, client, &machine, args.tasks, args.slots).await?;
    stop.store(true, Ordering::SeqCst);
    // Parked polls end at the engine's poll timeout; nothing waits for them.
    pollers.abort_all();
    Ok(args.tasks as f64 / elapsed.as_secs_f64())
}

async fn dispatch_latency(client: &Client, args: &Args) -> Result<(Duration, Duration)> {
    let arn = activity_arn(client, Probe::NAME).await?;
    let machine = state_machine(client, "bench-probe", &arn).await?;
    let (entered, mut entries) = mpsc::unbounded_channel();
    let worker = Worker::builder(client.clone())
        .activity(Probe { entered })
        .concurrency(8)
        .pollers(4)
        .build();
    let handle = worker.handle();
    let running = tokio::spawn(worker.run());
    tokio::time::sleep(Duration::from_millis(200)).await; // let the polls park

    let mut latencies = Vec::with_capacity(args.samples);
    for _ in 0..args.samples {
        let sent = Instant::now();
        client
            .start_execution()
            .state_machine_arn(&machine)
            .input("{}")
            .send()
            .await?;
        let entry = tokio::time::timeout(Duration::from_secs(10), entries.recv())
            .await
            .context("no handler entry within 10 s")?
            .context("the probe worker stopped")?;
        latencies.push(entry.saturating_duration_since(sent));
        // Let the report land and the poll park again before the next sample.
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    handle.shutdown();
    running.await??;
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Ok((at(0.50), at(0.99)))
}

/// A process's resident memory, in kB.
#[derive(Clone, Copy, Debug)]
struct Rss {
    total_kb: u64,
    /// Heap, stacks and other private memory.
    anon_kb: u64,
    /// Mapped executable and library pages.
    file_kb: u64,
}

impl std::fmt::Display for Rss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mb = |kb: u64| kb as f64 / 1024.0;
        write!(
            f,
            "{:.1} MB ({:.1} MB anonymous + {:.1} MB file-backed)",
            mb(self.total_kb),
            mb(self.anon_kb),
            mb(self.file_kb)
        )
    }
}

impl std::str::FromStr for Rss {
    type Err = anyhow::Error;

    /// Parses `<total> <anon> <file>`, as the child prints it.
    fn from_str(line: &str) -> Result<Self> {
        let mut numbers = line.split_whitespace().map(str::parse::<u64>);
        let mut next = || -> Result<u64> { Ok(numbers.next().context("missing figure")??) };
        Ok(Self {
            total_kb: next()?,
            anon_kb: next()?,
            file_kb: next()?,
        })
    }
}

/// Runs a worker child process, optionally starts `tasks` executions of
/// `load` for it, and returns the RSS it reports.
async fn child_rss(
    exe: &std::path::Path,
    endpoint: &str,
    pollers: usize,
    tasks: usize,
    load: Option<(&Client, &str)>,
) -> Result<Rss> {
    let mut child = tokio::process::Command::new(exe)
        .args(["child", "--endpoint", endpoint])
        .args([
            "--pollers",
            &pollers.to_string(),
            "--tasks",
            &tasks.to_string(),
        ])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().context("child stdout")?;
    if let Some((client, machine)) = load {
        start_executions(client, machine, "{}", tasks as u64, 64).await?;
    }
    let mut lines = BufReader::new(stdout).lines();
    let rss = tokio::time::timeout(Duration::from_secs(120), async {
        while let Some(line) = lines.next_line().await? {
            if let Some(figures) = line.strip_prefix("rss ") {
                return figures.parse::<Rss>();
            }
        }
        bail!("the child ended without reporting its RSS")
    })
    .await
    .context("the child did not report its RSS within 120 s")??;
    child.kill().await?;
    Ok(rss)
}

// ---- the child: one worker, measured from inside ----------------------------

async fn child(endpoint: String, pollers: usize, tasks: usize) -> Result<()> {
    let client = Client::local(&endpoint);
    if pollers == 0 {
        // The baseline: the runtime and a client, no worker.
        client.list_activities().send().await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!("rss {}", rss_line()?);
        std::future::pending::<()>().await;
    }
    let running = Arc::new(AtomicU64::new(0));
    let slots = pollers.max(tasks);
    let builder = Worker::builder(client).concurrency(slots).pollers(pollers);
    let worker = if tasks == 0 {
        builder.activity(echo)
    } else {
        builder.activity(Sleeper {
            running: Arc::clone(&running),
        })
    }
    .build();
    let handle = worker.handle();
    tokio::spawn(worker.run());
    if tasks == 0 {
        tokio::time::sleep(Duration::from_secs(2)).await; // polls park at once
    } else {
        while running.load(Ordering::SeqCst) < tasks as u64 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    println!("rss {}", rss_line()?);
    println!("in-flight {}", handle.tasks_in_flight());
    std::future::pending::<()>().await;
    Ok(())
}

/// `<total> <anonymous> <file-backed>` resident kB of this process.
fn rss_line() -> Result<String> {
    let status = std::fs::read_to_string("/proc/self/status").context("RSS needs Linux /proc")?;
    let field = |name: &str| -> Result<u64> {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .with_context(|| format!("no {name} in /proc/self/status"))
    };
    Ok(format!(
        "{} {} {}",
        field("VmRSS:")?,
        field("RssAnon:")?,
        field("RssFile:")?
    ))
}
