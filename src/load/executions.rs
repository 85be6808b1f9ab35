//! Execution bookkeeping through the API alone, so the load tools measure
//! any Step Functions-compatible endpoint the same way.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use stepworker::model::ExecutionStatus;
use stepworker::Client;

/// RUNNING executions of `machine`, counted up to `limit` (pages of 1,000;
/// a limit of 1 asks for one item, the cheapest "any left?").
pub async fn count_running(client: &Client, machine: &str, limit: u64) -> Result<u64> {
    let mut count = 0;
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_executions()
            .state_machine_arn(machine)
            .status_filter(ExecutionStatus::Running)
            .max_results(if limit == 1 { 1 } else { 1000 })
            .set_next_token(token)
            .send()
            .await?;
        count += page.executions.len() as u64;
        token = page.next_token;
        if token.is_none() || count >= limit {
            return Ok(count);
        }
    }
}

/// Waits until no execution of `machine` is RUNNING, asking every `every`,
/// for at most `limit`.
pub async fn wait_until_finished(
    client: &Client,
    machine: &str,
    every: Duration,
    limit: Duration,
) -> Result<()> {
    let deadline = Instant::now() + limit;
    while count_running(client, machine, 1).await? > 0 {
        if Instant::now() > deadline {
            bail!("executions of {machine} still running after {limit:?}");
        }
        tokio::time::sleep(every).await;
    }
    Ok(())
}

/// Starts `count` executions of `machine` with `input`, with at most
/// `parallel` StartExecution calls in flight.
pub async fn start_executions(
    client: &Client,
    machine: &str,
    input: &str,
    count: u64,
    parallel: usize,
) -> Result<()> {
    let next = Arc::new(AtomicU64::new(0));
    let mut starters = tokio::task::JoinSet::new();
    for _ in 0..parallel.max(1) {
        let (client, machine, input) = (client.clone(), machine.to_owned(), input.to_owned());
        let next = next.clone();
        starters.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < count {
                client
                    .start_execution()
                    .state_machine_arn(&machine)
                    .input(&input)
                    .send()
                    .await?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(done) = starters.join_next().await {
        done??;
    }
    Ok(())
}
