//! Execution bookkeeping through the API alone, so the load tools measure
//! any Step Functions-compatible endpoint the same way.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Result};
use stepworker::model::ExecutionStatus;
use stepworker::Client;

/// A name for a new execution, unique across runs and processes. AWS names
/// an unnamed execution itself, but moto 5's executing backend names every
/// unnamed one `None` (so the second is refused as ExecutionAlreadyExists):
/// the load tools name each one, on every engine alike.
pub fn execution_name() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static RUN: OnceLock<String> = OnceLock::new();
    let run = RUN.get_or_init(|| {
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        format!("{}-{seconds}", std::process::id())
    });
    format!("{run}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

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
                    .name(execution_name())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn execution_names_differ_and_fit_the_80_character_limit() {
        let (a, b) = (execution_name(), execution_name());
        assert_ne!(a, b);
        assert!(a.len() <= 80 && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }
}
