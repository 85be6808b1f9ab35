//! Heartbeats: a timer at about a third of `HeartbeatSeconds`, jittered, plus
//! throttled requests from the handler; a dead token cancels the handler.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::{sleep_until, Instant};
use tokio_util::sync::CancellationToken;
use tokio_util::task::AbortOnDropHandle;
use tracing::{Instrument, Span};

use super::metrics;
use super::service::{is_token_gone, TaskService};
use super::task_clock::TaskClock;
use super::ActivityContext;

/// Heartbeats never go out more often than this, whatever the hint says.
const MIN_INTERVAL: Duration = Duration::from_millis(100);

/// First wait after a failed heartbeat; it doubles up to the regular interval.
const FIRST_RETRY: Duration = Duration::from_millis(250);

/// First wait after a throttled heartbeat, as in the AWS SDKs' standard retry
/// mode: a throttled service needs seconds, not milliseconds.
const FIRST_THROTTLED_RETRY: Duration = Duration::from_secs(1);

/// When heartbeats go out for one activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HeartbeatPolicy {
    interval: Duration,
}

impl HeartbeatPolicy {
    /// A third of `heartbeat` (the Task state's `HeartbeatSeconds`) leaves two
    /// more chances when one heartbeat is slow or lost; without a hint the
    /// worker still heartbeats every `fallback`, which is how it learns that an
    /// execution was stopped.
    pub(crate) fn new(heartbeat: Option<Duration>, fallback: Duration) -> Self {
        let interval = heartbeat.map_or(fallback, |heartbeat| heartbeat / 3);
        Self {
            interval: interval.max(MIN_INTERVAL),
        }
    }

    /// The wait before the next timed heartbeat, for `unit` in `[0, 1)`: up to
    /// 20% early, so a fleet started together does not heartbeat in lockstep,
    /// and never late.
    pub(crate) fn next_delay(&self, unit: f64) -> Duration {
        self.interval.mul_f64(1.0 - 0.2 * unit.clamp(0.0, 1.0))
    }

    /// A handler's request is dropped when a heartbeat went out less than this
    /// long ago: the service has just heard from the task.
    pub(crate) fn min_gap(&self) -> Duration {
        (self.interval / 3).max(MIN_INTERVAL)
    }

    /// The wait after `failures` failed heartbeats in a row (at least one):
    /// doubling from 250 ms (1 s when `throttled`), capped at the regular
    /// interval, full jitter.
    pub(crate) fn retry_delay(&self, failures: u32, throttled: bool, unit: f64) -> Duration {
        let first = if throttled {
            FIRST_THROTTLED_RETRY
        } else {
            FIRST_RETRY
        };
        let doubled = first.saturating_mul(1 << failures.saturating_sub(1).min(16));
        doubled
            .min(self.interval)
            .mul_f64(unit.clamp(0.0, 1.0))
            .max(MIN_INTERVAL)
    }
}

/// Heartbeats of one task, sent from a tokio task of their own so that a
/// handler that blocks its thread (or a report being retried) does not stop
/// them. Dropping it stops the heartbeats.
pub(crate) struct Heartbeats {
    gone: CancellationToken,
    _task: AbortOnDropHandle<()>,
}

impl Heartbeats {
    /// Starts heartbeating `token` on the current runtime.
    pub(crate) fn spawn(
        service: Arc<dyn TaskService>,
        token: String,
        policy: HeartbeatPolicy,
        ctx: ActivityContext,
        clock: Arc<TaskClock>,
        activity: Arc<str>,
    ) -> Self {
        let gone = CancellationToken::new();
        let beats = keep_alive(service, token, policy, ctx, clock, activity, gone.clone())
            .instrument(Span::current());
        Self {
            gone,
            _task: AbortOnDropHandle::new(tokio::spawn(beats)),
        }
    }

    /// Completes once the service has said the token is gone (the task
    /// timed out, its execution ended, or it was already reported).
    pub(crate) async fn token_gone(&self) {
        self.gone.cancelled().await;
    }

    /// The token that [`Heartbeats::token_gone`] waits on.
    pub(crate) fn gone_token(&self) -> &CancellationToken {
        &self.gone
    }
}

/// Heartbeats for `token` until the service says the token is gone, which is
/// when this returns, having cancelled `ctx` and `gone`. Other failures
/// (throttling, transport) are logged and retried: a heartbeat never fails
/// the worker.
///
/// Requests from the handler (`ctx.heartbeat()`) are skipped while a recent
/// heartbeat succeeded, and while heartbeats are failing they wait for the
/// next retry instead of adding calls: under throttling, many requests become
/// one call.
async fn keep_alive(
    service: Arc<dyn TaskService>,
    token: String,
    policy: HeartbeatPolicy,
    ctx: ActivityContext,
    clock: Arc<TaskClock>,
    activity: Arc<str>,
    gone: CancellationToken,
) {
    // The poll that handed the task out just told the service the task is alive.
    let mut last_beat = Instant::now();
    let mut next = last_beat + policy.next_delay(fastrand::f64());
    let mut failures = 0_u32;
    loop {
        tokio::select! {
            () = sleep_until(next) => {}
            () = ctx.heartbeat_requested() => {
                if failures > 0 || last_beat.elapsed() < policy.min_gap() {
                    continue;
                }
            }
        }
        match service.send_heartbeat(&token).await {
            Ok(()) => {
                failures = 0;
                last_beat = Instant::now();
                clock.alive();
                next = last_beat + policy.next_delay(fastrand::f64());
            }
            Err(error) if is_token_gone(&error) => {
                metrics::heartbeat_failure(&activity);
                metrics::api_error("SendTaskHeartbeat", &error);
                tracing::info!(%error, "the service no longer knows this task; cancelling the handler");
                // `gone` first: once the handler can see `cancelled()`, the
                // task already knows that nothing is to be reported.
                gone.cancel();
                ctx.cancel();
                return;
            }
            Err(error) => {
                metrics::heartbeat_failure(&activity);
                metrics::api_error("SendTaskHeartbeat", &error);
                failures = failures.saturating_add(1);
                let delay = policy.retry_delay(failures, error.is_throttling(), fastrand::f64());
                tracing::warn!(%error, failures, retry_in = ?delay, "heartbeat failed; retrying");
                next = Instant::now() + delay;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beats_at_a_third_of_the_heartbeat_with_up_to_20_percent_jitter() {
        let policy = HeartbeatPolicy::new(Some(Duration::from_secs(30)), Duration::from_secs(60));
        assert_eq!(policy.next_delay(0.0), Duration::from_secs(10));
        assert_eq!(policy.next_delay(0.999_999).as_millis(), 8000);
        for unit in [0.0, 0.25, 0.5, 0.75, 0.99] {
            let delay = policy.next_delay(unit);
            assert!(
                delay <= Duration::from_secs(10) && delay >= Duration::from_secs(8),
                "{delay:?}"
            );
        }
    }

    #[test]
    fn uses_the_fallback_without_a_hint_and_never_beats_too_fast() {
        let policy = HeartbeatPolicy::new(None, Duration::from_secs(20));
        assert_eq!(policy.next_delay(0.0), Duration::from_secs(20));
        let tiny = HeartbeatPolicy::new(Some(Duration::from_millis(90)), Duration::from_secs(20));
        assert_eq!(tiny.next_delay(0.0), MIN_INTERVAL);
        assert_eq!(tiny.min_gap(), MIN_INTERVAL);
    }

    #[test]
    fn manual_requests_are_throttled_to_a_third_of_the_interval() {
        let policy = HeartbeatPolicy::new(Some(Duration::from_secs(9)), Duration::from_secs(60));
        assert_eq!(policy.min_gap(), Duration::from_secs(1));
    }

    #[test]
    fn retries_double_up_to_the_interval() {
        let policy = HeartbeatPolicy::new(Some(Duration::from_secs(3)), Duration::from_secs(60));
        let full = |failures| policy.retry_delay(failures, false, 1.0);
        assert_eq!(full(1), Duration::from_millis(250));
        assert_eq!(full(2), Duration::from_millis(500));
        assert_eq!(full(3), Duration::from_millis(1000));
        assert_eq!(full(4), Duration::from_secs(1));
        assert_eq!(full(u32::MAX), Duration::from_secs(1));
        assert_eq!(policy.retry_delay(3, false, 0.0), MIN_INTERVAL);
    }

    #[test]
    fn throttled_retries_start_at_a_second() {
        let policy = HeartbeatPolicy::new(Some(Duration::from_secs(30)), Duration::from_secs(60));
        assert_eq!(policy.retry_delay(1, true, 1.0), Duration::from_secs(1));
        assert_eq!(policy.retry_delay(3, true, 1.0), Duration::from_secs(4));
        assert_eq!(policy.retry_delay(9, true, 1.0), Duration::from_secs(10));
    }
}
