//! Tasks/s through `Worker` and through the least a worker can be, under the
//! same load.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use serde_json::Value;
use stepworker::worker::Worker;
use stepworker::Client;
use stepworker_suite::load::executions::{start_executions, wait_until_finished};
use stepworker_suite::load::Target;

use crate::activities::echo;
use crate::setup::{activity_arn, state_machine, stop_worker};

/// How long one load may take before the run gives up.
const MAX_LOAD: Duration = Duration::from_secs(300);

/// Starts `count` executions of `machine` with at most `parallel`
/// StartExecution calls in flight, then waits until all have finished.
async fn push_load(
    target: &Target,
    client: &Client,
    machine: &str,
    count: u64,
    parallel: usize,
) -> Result<Duration> {
    let started = Instant::now();
    match target {
        // Embedded, the engine's counter is the cheapest exact signal.
        Target::Embedded(engine) => {
            let finished_before = engine.stats().executions_finished;
            start_executions(client, machine, "{\"n\":1}", count, parallel).await?;
            while engine.stats().executions_finished < finished_before + count {
                if started.elapsed() > MAX_LOAD {
                    bail!("the load did not finish in {MAX_LOAD:?}");
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        }
        // Elsewhere only the API tells; asking less often keeps the asking
        // from loading the engine being measured.
        Target::Remote { .. } => {
            start_executions(client, machine, "{\"n\":1}", count, parallel).await?;
            wait_until_finished(client, machine, Duration::from_millis(20), MAX_LOAD).await?;
        }
    }
    Ok(started.elapsed())
}

/// Tasks/s of a `Worker` with `slots` slots and pollers running `echo`.
pub async fn worker_throughput(
    target: &Target,
    client: &Client,
    tasks: u64,
    slots: usize,
    name: &str,
) -> Result<f64> {
    // An activity of this round's own, so stopping the worker can end its
    // parked polls by deleting it (see `stop_worker`).
    let arn = activity_arn(client, name).await?;
    let machine = state_machine(client, name, &arn).await?;
    let worker = Worker::builder(client.clone())
        .activity_arn(arn.clone(), echo)
        .concurrency(slots)
        .pollers(slots)
        .build();
    let handle = worker.handle();
    let running = tokio::spawn(worker.run());
    let elapsed = push_load(target, client, &machine, tasks, slots).await?;
    stop_worker(client, &arn, &handle, running).await?;
    Ok(tasks as f64 / elapsed.as_secs_f64())
}

/// The least a worker can be: pollers that parse the input and send it back,
/// no slots, no heartbeats, no retries, no panic or size checks.
pub async fn bare_loop_throughput(
    target: &Target,
    client: &Client,
    tasks: u64,
    slots: usize,
    name: &str,
) -> Result<f64> {
    let arn = activity_arn(client, name).await?;
    let machine = state_machine(client, name, &arn).await?;
    let stop = Arc::new(AtomicBool::new(false));
    let mut pollers = tokio::task::JoinSet::new();
    for _ in 0..slots {
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
    let elapsed = push_load(target, client, &machine, tasks, slots).await?;
    stop.store(true, Ordering::SeqCst);
    // Deleting the activity answers the parked polls on stepworker-local, so
    // they do not stay parked on the engine while the next round runs.
    client.delete_activity().activity_arn(&arn).send().await?;
    pollers.abort_all();
    Ok(tasks as f64 / elapsed.as_secs_f64())
}
