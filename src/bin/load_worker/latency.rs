//! Dispatch latency: from StartExecution to the handler's entry, one
//! execution at a time with the worker's polls parked.

use std::time::Duration;

use anyhow::{Context, Result};
use stepworker::worker::Worker;
use stepworker::Client;
use stepworker_suite::load::executions::execution_name;
use stepworker_suite::load::Quantiles;
use tokio::sync::mpsc;

use crate::activities::Probe;
use crate::setup::{activity_arn, state_machine, stop_worker};

/// p50 and p99 of `samples` dispatches.
pub async fn dispatch_latency(client: &Client, samples: usize, name: &str) -> Result<Quantiles> {
    let arn = activity_arn(client, name).await?;
    let machine = state_machine(client, name, &arn).await?;
    let (entered, mut entries) = mpsc::unbounded_channel();
    let worker = Worker::builder(client.clone())
        .activity_arn(arn.clone(), Probe { entered })
        .concurrency(8)
        .pollers(4)
        .build();
    let handle = worker.handle();
    let running = tokio::spawn(worker.run());
    tokio::time::sleep(Duration::from_millis(200)).await; // let the polls park

    let mut latencies = Vec::with_capacity(samples);
    for _ in 0..samples {
        let sent = std::time::Instant::now();
        client
            .start_execution()
            .state_machine_arn(&machine)
            .name(execution_name())
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
    stop_worker(client, &arn, &handle, running).await?;
    Ok(Quantiles::of(latencies))
}
