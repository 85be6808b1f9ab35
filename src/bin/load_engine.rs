//! Load tool for stepworker-local (run in release mode):
//!
//! `cargo run --release --bin load_engine -- [--seconds 5] [--concurrency 64]`
//!
//! Measures, over real HTTP on loopback, executions/s of a 10-state Pass
//! chain, activity round trips/s (start -> poll -> success -> SUCCEEDED)
//! with 64 pollers, and DescribeStateMachine latency; and in the same run
//! the loopback ceiling (the same request pattern against a trivial axum
//! handler), printing each figure with its ratio to the ceiling. Last, the
//! process RSS with 10,000 executions waiting on activities.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Parser;
use serde_json::{json, Value};
use stepworker_local::{LocalEngine, Retention};

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
}

/// A JSON 1.0 caller for one endpoint.
#[derive(Clone)]
struct Caller {
    http: reqwest::Client,
    url: String,
}

impl Caller {
    fn new(url: String) -> Result<Self> {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(1024)
            .timeout(Duration::from_secs(90))
            .build()?;
        Ok(Self { http, url })
    }

    async fn call(&self, operation: &str, body: &Value) -> Result<Value> {
        let response = self
            .http
            .post(&self.url)
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", format!("AWSStepFunctions.{operation}"))
            .body(body.to_string())
            .send()
            .await?;
        let status = response.status();
        let value: Value = response.json().await?;
        if !status.is_success() {
            bail!("{operation}: {value}");
        }
        Ok(value)
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let duration = Duration::from_secs(args.seconds);
    let engine = LocalEngine::builder()
        .retention(Retention {
            max_finished_executions: 20_000,
            ..Retention::default()
        })
        .start()
        .await?;
    let ceiling_url = trivial_server().await?;
    let engine_caller = Caller::new(engine.endpoint_url())?;
    let ceiling_caller = Caller::new(ceiling_url)?;
    println!(
        "stepworker-local load test: {} s per figure, {} clients, {} cores",
        args.seconds,
        args.concurrency,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    if args.rss_only {
        return rss_with_waiting(engine, &engine_caller, args.waiting).await;
    }

    let ceiling = requests_per_second(
        &ceiling_caller,
        "ListActivities",
        json!({}),
        args.concurrency,
        duration,
    )
    .await?;
    println!("loopback ceiling (trivial axum handler): {ceiling:.0} requests/s");

    let machine = create_machine(&engine_caller, "chain", &pass_chain(10)).await?;
    let before = engine.stats().executions_finished;
    let started = requests_per_second(
        &engine_caller,
        "StartExecution",
        json!({"stateMachineArn": machine}),
        args.concurrency,
        duration,
    )
    .await?;
    let finished_in_window =
        wait_for_finished(&engine, before, (started * args.seconds as f64) as u64).await;
    let executions = finished_in_window as f64 / args.seconds as f64;
    println!(
        "10-state Pass chain: {executions:.0} executions/s ({:.0} transitions/s), {:.0}% of the ceiling",
        executions * 10.0,
        100.0 * executions / ceiling
    );

    let round_trips =
        activity_round_trips(&engine, &engine_caller, args.concurrency, duration).await?;
    // A round trip is three requests (start, poll, report).
    let round_trip_ceiling = ceiling / 3.0;
    println!(
        "activity round trips ({} pollers): {round_trips:.0}/s, {:.0}% of the ceiling ({round_trip_ceiling:.0}/s = ceiling / 3 requests)",
        args.concurrency,
        100.0 * round_trips / round_trip_ceiling
    );

    let describe = json!({"stateMachineArn": machine});
    let (p50, p99) = latencies(
        &engine_caller,
        "DescribeStateMachine",
        describe,
        args.concurrency,
        duration,
    )
    .await?;
    let (c50, c99) = latencies(
        &ceiling_caller,
        "DescribeStateMachine",
        json!({}),
        args.concurrency,
        duration,
    )
    .await?;
    println!(
        "DescribeStateMachine latency at {} clients: p50 {:.3} ms, p99 {:.3} ms (ceiling p50 {:.3} ms, p99 {:.3} ms; ratio {:.2}x / {:.2}x)",
        args.concurrency,
        ms(p50),
        ms(p99),
        ms(c50),
        ms(c99),
        p50.as_secs_f64() / c50.as_secs_f64(),
        p99.as_secs_f64() / c99.as_secs_f64()
    );

    rss_with_waiting(engine, &engine_caller, args.waiting).await
}

/// Prints the process RSS before and after leaving `waiting` executions
/// waiting on an activity, then stops the engine.
async fn rss_with_waiting(engine: LocalEngine, caller: &Caller, waiting: usize) -> Result<()> {
    let rss_before = rss_mib();
    waiting_executions(&engine, caller, waiting).await?;
    println!(
        "RSS with {waiting} executions waiting on an activity: {:.1} MiB (before: {:.1} MiB)",
        rss_mib(),
        rss_before
    );
    engine.shutdown().await?;
    Ok(())
}

fn pass_chain(states: usize) -> Value {
    let mut map = serde_json::Map::new();
    for i in 0..states {
        let mut state = json!({"Type": "Pass"});
        if i + 1 == states {
            state["End"] = json!(true);
        } else {
            state["Next"] = json!(format!("S{}", i + 1));
        }
        map.insert(format!("S{i}"), state);
    }
    json!({"StartAt": "S0", "States": map})
}

/// Runs `concurrency` loops of one call for `duration`; calls per second.
async fn requests_per_second(
    caller: &Caller,
    operation: &'static str,
    body: Value,
    concurrency: usize,
    duration: Duration,
) -> Result<f64> {
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut loops = Vec::new();
    for _ in 0..concurrency {
        let (caller, body, done, stop) = (caller.clone(), body.clone(), done.clone(), stop.clone());
        loops.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                caller.call(operation, &body).await?;
                done.fetch_add(1, Ordering::Relaxed);
            }
            anyhow::Ok(())
        }));
    }
    let start = Instant::now();
    tokio::time::sleep(duration).await;
    let count = done.load(Ordering::Relaxed);
    let elapsed = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    for l in loops {
        l.await??;
    }
    Ok(count as f64 / elapsed.as_secs_f64())
}

async fn wait_for_finished(engine: &LocalEngine, before: u64, want: u64) -> u64 {
    for _ in 0..200 {
        let finished = engine.stats().executions_finished - before;
        if finished >= want {
            return finished;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    engine.stats().executions_finished - before
}

/// Starts executions of a one-activity machine while `concurrency` pollers
/// answer them; finished executions per second.
async fn activity_round_trips(
    engine: &LocalEngine,
    caller: &Caller,
    concurrency: usize,
    duration: Duration,
) -> Result<f64> {
    let (activity, machine) = one_task_machine(caller, "load").await?;
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (caller, activity, stop) = (caller.clone(), activity.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let task = caller
                    .call(
                        "GetActivityTask",
                        &json!({"activityArn": activity, "workerName": "load"}),
                    )
                    .await?;
                if let Some(token) = task["taskToken"].as_str() {
                    caller
                        .call(
                            "SendTaskSuccess",
                            &json!({"taskToken": token, "output": "{}"}),
                        )
                        .await?;
                }
            }
            anyhow::Ok(())
        }));
    }
    // Starters keep a bounded number of executions in flight.
    for _ in 0..(concurrency / 4).max(1) {
        let (caller, machine, stop) = (caller.clone(), machine.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                caller
                    .call("StartExecution", &json!({"stateMachineArn": machine}))
                    .await?;
            }
            anyhow::Ok(())
        }));
    }
    let before = engine.stats().executions_finished;
    let start = Instant::now();
    tokio::time::sleep(duration).await;
    let finished = engine.stats().executions_finished - before;
    let elapsed = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    // Pollers parked on an empty queue are answered by deleting the activity.
    caller
        .call("DeleteActivity", &json!({"activityArn": activity}))
        .await?;
    for t in tasks {
        let _ = t.await?;
    }
    Ok(finished as f64 / elapsed.as_secs_f64())
}

/// p50 and p99 of one call under `concurrency` loops.
async fn latencies(
    caller: &Caller,
    operation: &'static str,
    body: Value,
    concurrency: usize,
    duration: Duration,
) -> Result<(Duration, Duration)> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut loops = Vec::new();
    for _ in 0..concurrency {
        let (caller, body, stop) = (caller.clone(), body.clone(), stop.clone());
        loops.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                caller.call(operation, &body).await?;
                samples.push(t.elapsed());
            }
            anyhow::Ok(samples)
        }));
    }
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    for l in loops {
        all.extend(l.await??);
    }
    all.sort();
    let at = |q: f64| {
        all.get(((all.len() as f64 - 1.0) * q) as usize)
            .copied()
            .unwrap_or_default()
    };
    Ok((at(0.50), at(0.99)))
}

/// Leaves `count` executions waiting on an activity nobody polls.
async fn waiting_executions(engine: &LocalEngine, caller: &Caller, count: usize) -> Result<()> {
    let (_activity, machine) = one_task_machine(caller, "idle").await?;
    let before = engine.stats().tasks_scheduled;
    let mut starters = Vec::new();
    for chunk in 0..16 {
        let (caller, machine) = (caller.clone(), machine.clone());
        let n = count / 16 + usize::from(chunk < count % 16);
        starters.push(tokio::spawn(async move {
            for _ in 0..n {
                caller.call("StartExecution", &json!({"stateMachineArn": machine, "input": "{\"payload\":\"a typical small input\"}"})).await?;
            }
            anyhow::Ok(())
        }));
    }
    for s in starters {
        s.await??;
    }
    while engine.stats().tasks_scheduled - before < count as u64 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(())
}

/// Creates a state machine; its ARN.
async fn create_machine(caller: &Caller, name: &str, definition: &Value) -> Result<String> {
    let created = caller
        .call(
            "CreateStateMachine",
            &json!({"name": name, "definition": definition.to_string(), "roleArn": "arn:aws:iam::123456789012:role/load"}),
        )
        .await?;
    Ok(created["stateMachineArn"]
        .as_str()
        .context("arn")?
        .to_owned())
}

/// An activity and a state machine, both named `name`, whose one Task state
/// runs it: their ARNs.
async fn one_task_machine(caller: &Caller, name: &str) -> Result<(String, String)> {
    let created = caller
        .call("CreateActivity", &json!({"name": name}))
        .await?;
    let activity = created["activityArn"].as_str().context("arn")?.to_owned();
    let definition = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": activity, "End": true}}});
    let machine = create_machine(caller, name, &definition).await?;
    Ok((activity, machine))
}

/// A trivial JSON 1.0 handler on loopback: the ceiling of HTTP itself.
async fn trivial_server() -> Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let app = axum::Router::new().route(
        "/",
        axum::routing::post(|| async {
            (
                [("content-type", "application/x-amz-json-1.0")],
                "{\"stateMachineArn\":\"x\"}",
            )
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(url)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
