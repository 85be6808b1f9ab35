//! The activities the worker benchmark runs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use stepworker::worker::{Activity, ActivityContext, TaskFailure};
use tokio::sync::mpsc;

/// Echoes its input; the throughput workload.
#[stepworker::activity(name = "bench-echo", timeout = "5m")]
pub async fn echo(input: Value) -> Value {
    input
}

/// Reports when it starts, for dispatch latency.
pub struct Probe {
    /// Where each handler entry is reported.
    pub entered: mpsc::UnboundedSender<Instant>,
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
pub struct Sleeper {
    /// Handlers running now.
    pub running: Arc<AtomicU64>,
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
