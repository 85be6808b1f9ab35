//! Worker processes whose RSS the parent measures, so the engine's memory
//! (and the parent's) is not counted.

use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use stepworker::worker::Worker;
use stepworker::Client;
use stepworker_suite::load::executions::start_executions;
use stepworker_suite::load::{load_client, Rss};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::activities::{echo, Sleeper};

/// Runs a worker child process, optionally starts `tasks` executions of
/// `load` for it, and returns the RSS it reports.
pub async fn child_rss(
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

/// The child: one worker against `endpoint`, measured from inside. With
/// `pollers` 0, no worker at all (a baseline); with `tasks` 0, once its
/// polls are parked (on the echo activity, which has no work left);
/// otherwise once `tasks` sleeping handlers are running. Prints
/// `rss <total> <anon> <file>` (kB) and waits to be killed.
pub async fn child(endpoint: String, pollers: usize, tasks: usize) -> Result<()> {
    let client = load_client(&endpoint);
    if pollers == 0 {
        // The baseline: the runtime and a client, no worker.
        client.list_activities().send().await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!("rss {}", Rss::of(None)?.to_line());
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
    println!("rss {}", Rss::of(None)?.to_line());
    println!("in-flight {}", handle.tasks_in_flight());
    std::future::pending::<()>().await;
    Ok(())
}
