//! CPU-heavy work off the async workers: definition checks, TestState and
//! console graph layout run on their own threads, a bounded number at a
//! time, so long polls and every other API call keep answering while they
//! run.
//!
//! Each job gets a fresh thread with a large stack rather than a tokio
//! blocking thread: the blocking pool's stack size belongs to whoever built
//! the runtime (2 MiB by default), and a hostile definition is exactly the
//! input that recurses deepest. The stack is reserved address space; only
//! the pages a job touches take memory.

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::{oneshot, Semaphore};

/// Stack of each offloaded job. jsonata-core recurses once per level of a
/// value it builds or drops, and within the memory budget `$reduce` builds
/// one hundreds of thousands of levels deep; in a debug build, whose frames
/// are larger and where every allocation passes through the budget's and
/// jemalloc's own frames, 64 MiB overflowed at 200,000 levels
/// (`hostile_requests`). Reserved address space, not memory.
pub const JOB_STACK_BYTES: usize = 256 * 1024 * 1024;

/// Longest one offloaded request may compute: JSONata evaluations inside it
/// share this budget (see [`crate::asl::jsonata`]).
pub const REQUEST_BUDGET: Duration = Duration::from_secs(10);

/// Why an offloaded job gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum OffloadError {
    /// The job panicked; the panic was logged.
    #[error("the request could not be processed (internal error)")]
    Panicked,
    /// No thread could be started for it.
    #[error("the request could not be processed: {0}")]
    Spawn(std::io::Error),
}

/// Jobs running at once: one core is always left to the async workers
/// (polls and cheap calls), and at least one job runs.
fn permits() -> &'static Arc<Semaphore> {
    static PERMITS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Arc::new(Semaphore::new(cores.saturating_sub(1).max(1)))
    })
}

/// Lowers the scheduling priority of the calling thread, so that when the
/// machine is short of cores the async workers win over heavy jobs.
#[cfg(target_os = "linux")]
fn lower_priority() {
    // SAFETY: plain system calls on the calling thread's id; a failure
    // only leaves the priority as it was.
    unsafe {
        let thread = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, thread, JOB_NICENESS);
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

/// Niceness of offloaded jobs (Linux).
#[cfg(target_os = "linux")]
const JOB_NICENESS: libc::c_int = 10;

/// Runs `job` on its own thread once a permit is free, inside the caller's
/// tokio runtime (so it may spawn tasks) and with
/// [`REQUEST_BUDGET`] for its JSONata evaluations.
pub async fn run<T, F>(job: F) -> Result<T, OffloadError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let permit = permits()
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| OffloadError::Panicked)?;
    let runtime = tokio::runtime::Handle::try_current().ok();
    let (answer, answered) = oneshot::channel();
    std::thread::Builder::new()
        .name("stepworker-cpu".to_owned())
        .stack_size(JOB_STACK_BYTES)
        .spawn(move || {
            let _permit = permit;
            lower_priority();
            let _runtime = runtime.as_ref().map(tokio::runtime::Handle::enter);
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
                crate::asl::budget::with_budget(REQUEST_BUDGET, job)
            }));
            if outcome.is_err() {
                tracing::error!("an offloaded request panicked");
            }
            let _ = answer.send(outcome);
        })
        .map_err(OffloadError::Spawn)?;
    match answered.await {
        Ok(Ok(value)) => Ok(value),
        _ => Err(OffloadError::Panicked),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_with_a_deep_stack_and_panics_become_errors() {
        // Deep enough to overflow a 2 MiB stack.
        fn depth(n: u64) -> u64 {
            // A frame the optimizer cannot shrink.
            let frame = std::hint::black_box([0u8; 512]);
            if n == 0 {
                u64::from(frame[0])
            } else {
                1 + depth(n - 1) + u64::from(frame[511])
            }
        }
        assert_eq!(run(|| depth(20_000)).await.ok(), Some(20_000));
        let panicked = run(|| -> u32 { panic!("boom") }).await;
        assert!(matches!(panicked, Err(OffloadError::Panicked)));
        // Spawning from inside a job reaches the caller's runtime.
        let spawned = run(|| tokio::spawn(async { 7 })).await.expect("runs");
        assert_eq!(spawned.await.ok(), Some(7));
    }
}
