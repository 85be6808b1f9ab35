//! Closed-loop load: a number of clients each making one call after another
//! for a fixed time.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use stepworker_suite::load::Quantiles;

/// What a closed-loop run measured.
pub struct LoopRun {
    /// Calls completed within the window.
    pub calls: u64,
    /// The window: from the first call to the moment `calls` was read.
    pub elapsed: Duration,
    /// Every completed call's latency (including those that ended after the
    /// window closed).
    pub samples: Vec<Duration>,
}

impl LoopRun {
    /// Calls per second within the window.
    pub fn rate(&self) -> f64 {
        self.calls as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency quantiles.
    pub fn quantiles(self) -> Quantiles {
        Quantiles::of(self.samples)
    }
}

/// Runs `clients` loops of `call` for `window`; the first failed call ends
/// the run with its error.
pub async fn run_loops<F, Fut>(clients: usize, window: Duration, call: F) -> Result<LoopRun>
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<()>> + Send,
{
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut loops = Vec::with_capacity(clients);
    for _ in 0..clients {
        let (call, done, stop) = (call.clone(), done.clone(), stop.clone());
        loops.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let sent = Instant::now();
                call().await?;
                samples.push(sent.elapsed());
                done.fetch_add(1, Ordering::Relaxed);
            }
            anyhow::Ok(samples)
        }));
    }
    let start = Instant::now();
    tokio::time::sleep(window).await;
    let calls = done.load(Ordering::Relaxed);
    let elapsed = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut samples = Vec::new();
    for l in loops {
        samples.extend(l.await??);
    }
    Ok(LoopRun {
        calls,
        elapsed,
        samples,
    })
}
