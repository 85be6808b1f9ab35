//! The three moments of a worker's shutdown, each a token the pollers and
//! tasks watch.
//!
//! ```text
//! first signal ── stop polling ──────────── cut ─────────── deadline
//!                 running tasks go on      handlers dropped,  reports still
//!                 open polls stay open     failed with        retrying are
//!                                          Worker.Shutdown;   abandoned;
//!                                          open polls dropped `run` returns
//! ```
//!
//! The cut comes a reporting margin before the deadline, so the failures it
//! sends have time to arrive. A second signal (or
//! [`WorkerHandle::shutdown_now`](super::WorkerHandle::shutdown_now)) brings
//! every moment forward to now.

use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::sync::sleep_until;

/// The shutdown of one running worker.
#[derive(Debug, Default)]
pub(crate) struct ShutdownPhases {
    /// The first signal: no poll starts after it.
    pub(crate) requested: CancellationToken,
    /// Running handlers are dropped and failed with `Worker.Shutdown`; polls
    /// still open are dropped.
    pub(crate) cut: CancellationToken,
    /// Reports still retrying are abandoned; the worker returns.
    pub(crate) deadline: CancellationToken,
}

impl ShutdownPhases {
    /// Every phase at once: the second signal.
    pub(crate) fn now(&self) {
        self.requested.cancel();
        self.cut.cancel();
        self.deadline.cancel();
    }
}

/// How long a shutdown may take, from its first signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ShutdownTiming {
    /// From the first signal to the worker's return.
    pub(crate) deadline: Duration,
    /// Kept at the end of `deadline` for the reports of tasks the cut failed.
    pub(crate) report_margin: Duration,
}

impl ShutdownTiming {
    /// When the cut comes for a shutdown requested at `requested`: the
    /// reporting margin before the deadline (at once if the margin is not
    /// shorter than the deadline).
    pub(crate) fn cut_at(&self, requested: Instant) -> Instant {
        requested + self.deadline.saturating_sub(self.report_margin)
    }

    /// When the worker returns at the latest.
    pub(crate) fn deadline_at(&self, requested: Instant) -> Instant {
        requested + self.deadline
    }
}

/// Waits for `token`, or until `at`, whichever comes first.
pub(crate) async fn until(token: &CancellationToken, at: Instant) {
    tokio::select! {
        () = token.cancelled() => {}
        () = sleep_until(at) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cut_comes_one_margin_before_the_deadline() {
        let timing = ShutdownTiming {
            deadline: Duration::from_secs(25),
            report_margin: Duration::from_secs(5),
        };
        let start = Instant::now();
        assert_eq!(timing.cut_at(start), start + Duration::from_secs(20));
        assert_eq!(timing.deadline_at(start), start + Duration::from_secs(25));
    }

    #[test]
    fn a_margin_longer_than_the_deadline_cuts_at_once() {
        let timing = ShutdownTiming {
            deadline: Duration::from_secs(2),
            report_margin: Duration::from_secs(5),
        };
        let start = Instant::now();
        assert_eq!(timing.cut_at(start), start);
    }
}
