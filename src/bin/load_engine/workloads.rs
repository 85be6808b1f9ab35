//! The workloads, each measured through the API alone so that any Step
//! Functions-compatible endpoint can be measured the same way.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use stepworker::Client;
use stepworker_suite::load::executions::{count_running, execution_name, start_executions};
use stepworker_suite::load::{Quantiles, Target};
use tokio::sync::Semaphore;

use crate::loops::run_loops;
use crate::setup::one_task_machine;

/// How long executions started in a window may take to finish afterwards
/// before the run gives up waiting (an engine that falls this far behind
/// is reported with what it finished).
pub const MAX_DRAIN: Duration = Duration::from_secs(60);

/// Executions of `machine` finished per second: `clients` loops start
/// executions for `window`, then the run waits until none is RUNNING. The
/// rate is the finished executions over the time from the first start to
/// the last finish, so an engine that accepts starts faster than it runs
/// them is not credited for the backlog.
pub async fn executions_per_second(
    client: &Client,
    machine: &str,
    clients: usize,
    window: Duration,
) -> Result<f64> {
    let started = Instant::now();
    let (c, m) = (client.clone(), machine.to_owned());
    let run = run_loops(clients, window, move || {
        let (c, m) = (c.clone(), m.clone());
        async move {
            c.start_execution()
                .state_machine_arn(m)
                .name(execution_name())
                .send()
                .await?;
            Ok(())
        }
    })
    .await?;
    // Every call that completed started an execution, in the window or
    // just after it.
    let starts = run.samples.len() as u64;
    let mut running = count_running(client, machine, 1).await?;
    while running > 0 && started.elapsed() < window + MAX_DRAIN {
        tokio::time::sleep(Duration::from_millis(20)).await;
        running = count_running(client, machine, 1).await?;
    }
    let elapsed = started.elapsed();
    if running > 0 {
        running = count_running(client, machine, u64::MAX).await?;
        eprintln!("  {running} of {starts} executions still running after {elapsed:?}");
    }
    Ok(starts.saturating_sub(running) as f64 / elapsed.as_secs_f64())
}

/// Activity round trips per second (StartExecution, GetActivityTask,
/// SendTaskSuccess): `pollers` loops poll and answer while a quarter as many
/// starters keep at most `pollers` executions in flight. Counted are the
/// task results the engine accepted within the window.
pub async fn activity_round_trips(
    client: &Client,
    suffix: &str,
    pollers: usize,
    window: Duration,
) -> Result<f64> {
    let (activity, machine) = one_task_machine(client, &format!("load-{suffix}")).await?;
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicU64::new(0));
    let in_flight = Arc::new(Semaphore::new(pollers));
    let mut polling = tokio::task::JoinSet::new();
    for _ in 0..pollers {
        let (client, activity) = (client.clone(), activity.clone());
        let (stop, answered, in_flight) = (stop.clone(), answered.clone(), in_flight.clone());
        polling.spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let task = client
                    .get_activity_task()
                    .activity_arn(&activity)
                    .worker_name("load")
                    .send()
                    .await?;
                if let Some(token) = task.task_token {
                    client
                        .send_task_success()
                        .task_token(token)
                        .output("{}")
                        .send()
                        .await?;
                    answered.fetch_add(1, Ordering::Relaxed);
                    in_flight.add_permits(1);
                }
            }
            anyhow::Ok(())
        });
    }
    let mut starting = tokio::task::JoinSet::new();
    for _ in 0..(pollers / 4).max(1) {
        let (client, machine, in_flight) = (client.clone(), machine.clone(), in_flight.clone());
        starting.spawn(async move {
            // The semaphore is closed when the window ends.
            while let Ok(permit) = in_flight.acquire().await {
                permit.forget();
                client
                    .start_execution()
                    .state_machine_arn(&machine)
                    .name(execution_name())
                    .send()
                    .await?;
            }
            anyhow::Ok(())
        });
    }
    let start = Instant::now();
    tokio::time::sleep(window).await;
    let count = answered.load(Ordering::Relaxed);
    let elapsed = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    in_flight.close();
    while let Some(done) = starting.join_next().await {
        done??;
    }
    // Parked polls end when their activity goes (stepworker-local answers
    // them at once); an engine that keeps them parked has them dropped.
    client
        .delete_activity()
        .activity_arn(&activity)
        .send()
        .await?;
    let ended = tokio::time::timeout(Duration::from_secs(2), async {
        while let Some(done) = polling.join_next().await {
            if let Ok(Err(e)) = done {
                return Err(e);
            }
        }
        Ok(())
    })
    .await;
    polling.abort_all();
    if let Ok(Err(e)) = ended {
        // Polls cut short by the deletion may fail; only a failure while the
        // window was open counts, and that one already ended the poller early.
        if count == 0 {
            return Err(e);
        }
    }
    Ok(count as f64 / elapsed.as_secs_f64())
}

/// DescribeStateMachine latency of `clients` loops over `window`.
pub async fn describe_latency(
    client: &Client,
    machine: &str,
    clients: usize,
    window: Duration,
) -> Result<Quantiles> {
    let (c, m) = (client.clone(), machine.to_owned());
    let run = run_loops(clients, window, move || {
        let (c, m) = (c.clone(), m.clone());
        async move {
            c.describe_state_machine()
                .state_machine_arn(m)
                .send()
                .await?;
            Ok(())
        }
    })
    .await?;
    Ok(run.quantiles())
}

/// Calls per second of the cheapest call, ListActivities, by `clients`
/// loops: against the trivial handler, the loopback ceiling.
pub async fn requests_per_second(client: &Client, clients: usize, window: Duration) -> Result<f64> {
    let c = client.clone();
    let run = run_loops(clients, window, move || {
        let c = c.clone();
        async move {
            c.list_activities().send().await?;
            Ok(())
        }
    })
    .await?;
    Ok(run.rate())
}

/// Leaves `count` executions waiting on an activity nobody polls; starts
/// per second.
pub async fn waiting_executions(target: &Target, suffix: &str, count: usize) -> Result<f64> {
    let client = target.client();
    let (_activity, machine) = one_task_machine(&client, &format!("idle-{suffix}")).await?;
    let scheduled_before = embedded_tasks_scheduled(target);
    let start = Instant::now();
    start_executions(
        &client,
        &machine,
        "{\"payload\":\"a typical small input\"}",
        count as u64,
        16,
    )
    .await?;
    let rate = count as f64 / start.elapsed().as_secs_f64();
    // Embedded, the engine's counter says when every task is scheduled;
    // elsewhere a short pause lets queued work settle.
    match (target, scheduled_before) {
        (Target::Embedded(engine), Some(before)) => {
            let deadline = Instant::now() + Duration::from_secs(60);
            while engine.stats().tasks_scheduled - before < count as u64 {
                if Instant::now() > deadline {
                    bail!("the waiting executions were not all scheduled within 60 s");
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        _ => tokio::time::sleep(Duration::from_secs(1)).await,
    }
    Ok(rate)
}

fn embedded_tasks_scheduled(target: &Target) -> Option<u64> {
    match target {
        Target::Embedded(engine) => Some(engine.stats().tasks_scheduled),
        Target::Remote { .. } => None,
    }
}
