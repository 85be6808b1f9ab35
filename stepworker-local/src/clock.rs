//! Time as the engine sees it: wall-clock by default, a manual clock in tests
//! so Wait states, timeouts and heartbeats run without real waiting.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::watch;

/// A future that completes when a clock reaches a deadline.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// The engine's source of time. Every timestamp in history and every timer
/// (Wait, task timeout, heartbeat, execution timeout) goes through it.
pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch.
    fn now_millis(&self) -> i64;
    /// Completes once `now_millis() >= deadline_millis`.
    fn sleep_until(&self, deadline_millis: i64) -> Sleep;
}

/// The real wall clock, with tokio timers.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_millis(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_millis() as i64,
            Err(_) => 0,
        }
    }

    fn sleep_until(&self, deadline_millis: i64) -> Sleep {
        let wait = deadline_millis.saturating_sub(self.now_millis()).max(0) as u64;
        Box::pin(tokio::time::sleep(Duration::from_millis(wait)))
    }
}

/// A clock that only moves when a test advances it.
///
/// Clones share one time line. [`ManualClock::sleepers`] tells a test how
/// many timers are armed, so it can advance only after the engine has
/// reached the state it wants to time out.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<watch::Sender<i64>>,
    sleepers: Arc<AtomicUsize>,
}

impl ManualClock {
    /// A clock that starts at `start_millis` (epoch milliseconds).
    pub fn new(start_millis: i64) -> Self {
        Self {
            now: Arc::new(watch::Sender::new(start_millis)),
            sleepers: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// A clock that starts at the current wall-clock time.
    pub fn starting_now() -> Self {
        Self::new(SystemClock.now_millis())
    }

    /// Moves time forward, firing every timer whose deadline is reached.
    pub fn advance(&self, by: Duration) {
        let step = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.now.send_modify(|now| *now = now.saturating_add(step));
    }

    /// How many sleeps are currently waiting on this clock.
    pub fn sleepers(&self) -> usize {
        self.sleepers.load(Ordering::SeqCst)
    }
}

impl Clock for ManualClock {
    fn now_millis(&self) -> i64 {
        *self.now.borrow()
    }

    fn sleep_until(&self, deadline_millis: i64) -> Sleep {
        let mut time = self.now.subscribe();
        let guard = SleeperGuard::enter(self.sleepers.clone());
        Box::pin(async move {
            let _guard = guard;
            // The sender lives as long as any clone of the clock; if every
            // clone is gone, time can never reach the deadline.
            if time.wait_for(|now| *now >= deadline_millis).await.is_err() {
                std::future::pending::<()>().await;
            }
        })
    }
}

/// Counts a sleep from its creation until it completes or is dropped.
struct SleeperGuard(Arc<AtomicUsize>);

impl SleeperGuard {
    fn enter(count: Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Self(count)
    }
}

impl Drop for SleeperGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn manual_sleep_completes_only_after_advance() {
        let clock = ManualClock::new(1_000);
        let sleep = clock.sleep_until(6_000);
        assert_eq!(clock.sleepers(), 1);
        let handle = tokio::spawn(sleep);
        clock.advance(Duration::from_secs(4));
        tokio::task::yield_now().await;
        assert!(!handle.is_finished());
        clock.advance(Duration::from_secs(1));
        handle.await.expect("sleep task");
        assert_eq!(clock.sleepers(), 0);
        assert_eq!(clock.now_millis(), 6_000);
    }
}
