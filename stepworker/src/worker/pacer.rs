//! One pace for a kind of call of a worker (its heartbeats, its polls),
//! learnt from the service's throttling.
//!
//! Heartbeats are the one call a worker can put off: the service only needs
//! one per task within `HeartbeatSeconds`, and the worker sends one every
//! third of it. When a fleet's heartbeats are throttled, sending each task's
//! heartbeat on its own schedule (and retrying it) keeps more calls arriving
//! than the bucket refills, in the client's standard retry mode as much as
//! in any other. So once a heartbeat is throttled, every heartbeat of the
//! worker waits for this pacer: a token bucket whose rate follows the
//! service's answers by CUBIC congestion control (the AWS SDKs' adaptive
//! retry mode, here for heartbeats only, whatever the client's mode). A
//! heartbeat never waits past the moment its task would be at risk of timing
//! out: then it goes out whatever the pace.
//!
//! Polls are paced the same way: a throttled poll is retried on the client's
//! backoff, and with many pollers the ones not throttled yet would keep the
//! bucket empty; after a throttle every poll waits for the pace (the poll
//! pacer has no latest moment: an idle poll can always wait).
//!
//! Until the first throttle a pacer lets every call through at once.

use tokio::time::Instant;

use super::sync::sleep_until;

use crate::client::RateLimiter;

/// The pace of one kind of call of one worker.
#[derive(Debug)]
pub(crate) struct Pacer {
    limiter: RateLimiter,
}

impl Pacer {
    pub(crate) fn new() -> Self {
        Self {
            limiter: RateLimiter::new(),
        }
    }

    /// Waits for the pace.
    pub(crate) async fn wait_unbounded(&self) {
        self.limiter.acquire().await;
    }

    /// Waits for the pace, but not past `latest`.
    pub(crate) async fn wait(&self, latest: Instant) {
        tokio::select! {
            () = self.limiter.acquire() => {}
            () = sleep_until(latest) => {
                tracing::debug!("heartbeat due before its task's deadline: sent ahead of the pace");
            }
        }
    }

    /// Learns from one call's answer.
    pub(crate) fn observe(&self, throttled: bool) {
        self.limiter.observe(throttled);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn paces_heartbeats_after_a_throttle_but_never_past_their_latest_moment() {
        let pacer = Pacer::new();
        let start = Instant::now();
        for _ in 0..50 {
            pacer.wait(start + Duration::from_secs(60)).await;
            pacer.observe(false);
        }
        assert_eq!(start.elapsed(), Duration::ZERO, "no pace before a throttle");

        for _ in 0..5 {
            pacer.observe(true);
        }
        let paced = Instant::now();
        for _ in 0..10 {
            pacer.wait(paced + Duration::from_secs(600)).await;
            pacer.observe(false);
        }
        assert!(
            paced.elapsed() >= Duration::from_secs(2),
            "ten heartbeats after throttles went out in {:?}",
            paced.elapsed()
        );

        for _ in 0..5 {
            pacer.observe(true);
        }
        let urgent = Instant::now();
        for _ in 0..10 {
            pacer.wait(urgent).await;
        }
        assert_eq!(urgent.elapsed(), Duration::ZERO, "a due heartbeat waited");
    }
}
