//! Heartbeats: a timer at about a third of `HeartbeatSeconds`, jittered, plus
//! throttled requests from the handler; a dead token cancels the handler.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, Span};

use super::metrics;
use super::pacer::{Pacer, Sent, Urgency};
use super::retries::{retry_passed, Retries};
use super::service::{is_token_gone, TaskService};
use super::sync::{self, now, sleep_until, Spawned};
use super::task_clock::TaskClock;
use super::ActivityContext;
use crate::client::Error;

/// Heartbeats never go out more often than this, whatever the hint says.
const MIN_INTERVAL: Duration = Duration::from_millis(100);

/// When heartbeats go out for one activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HeartbeatPolicy {
    interval: Duration,
    /// The Task state's `HeartbeatSeconds`, when the activity declares it.
    expires: Option<Duration>,
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
            expires: heartbeat,
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

    /// The latest moment for the next heartbeat after one accepted at
    /// `last`: three quarters of `HeartbeatSeconds` (2.25 intervals) on. A
    /// failed heartbeat is retried no later than this (then still waiting for
    /// the worker's pace, most urgent first).
    pub(crate) fn latest_after(&self, last: Instant) -> Instant {
        last + self.interval.mul_f64(2.25)
    }

    /// When a task last heard of at `last` is timed out, if it can be.
    pub(crate) fn deadline(&self, last: Instant) -> Option<Instant> {
        self.expires.map(|expires| last + expires)
    }

    /// Whether, at `now`, the service has certainly timed the task out: no
    /// heartbeat accepted for `HeartbeatSeconds` since `last` (the moment the
    /// worker saw the acceptance, which is after the service counted it).
    /// Such a task's heartbeats only wait to hear `TaskTimedOut`, so they
    /// come last in the worker's pace and retry on the full backoff instead
    /// of at the floor: in an overloaded fleet most throttled heartbeats are
    /// of dead tasks.
    pub(crate) fn expired(&self, last: Instant, now: Instant) -> bool {
        self.expires.is_some_and(|expires| now >= last + expires)
    }
}

/// What the heartbeats of one task need.
pub(crate) struct HeartbeatSetup {
    pub(crate) service: Arc<dyn TaskService>,
    /// The client's backoff and retry quota, for retries after a failure.
    pub(crate) retries: Retries,
    /// The worker's pace under throttling.
    pub(crate) pacer: Arc<Pacer>,
    pub(crate) token: String,
    pub(crate) policy: HeartbeatPolicy,
    /// Told of every accepted heartbeat (the task's deadline moves).
    pub(crate) clock: Arc<TaskClock>,
    pub(crate) activity: Arc<str>,
}

/// Heartbeats of one task, sent from a tokio task of their own so that a
/// handler that blocks its thread (or a report being retried) does not stop
/// them. Dropping it stops the heartbeats.
pub(crate) struct Heartbeats {
    gone: CancellationToken,
    _task: Spawned<()>,
}

impl Heartbeats {
    /// Starts heartbeating `token` on the current runtime.
    pub(crate) fn spawn(setup: HeartbeatSetup, ctx: ActivityContext) -> Self {
        let gone = CancellationToken::new();
        let beats = keep_alive(setup, ctx, gone.clone()).instrument(Span::current());
        Self {
            gone,
            _task: sync::spawn(beats),
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

/// Heartbeats for the task until the service says its token is gone, which
/// is when this returns, having cancelled `ctx` and `gone`. Other failures
/// (throttling, transport) are logged and retried: a heartbeat never fails
/// the worker.
///
/// Requests from the handler (`ctx.heartbeat()`) are skipped while a recent
/// heartbeat succeeded, and while heartbeats are failing they wait for the
/// next retry instead of adding calls. Under throttling every heartbeat also
/// waits for the worker's pace (most urgent first), and a throttled one is
/// retried on the client's backoff from its retry quota: many tasks'
/// heartbeats become as many calls as the service takes.
async fn keep_alive(setup: HeartbeatSetup, ctx: ActivityContext, gone: CancellationToken) {
    let HeartbeatSetup {
        service,
        retries,
        pacer,
        token,
        policy,
        clock,
        activity,
    } = setup;
    // The poll that handed the task out just told the service the task is alive.
    let mut last_beat = now();
    let mut next = last_beat + policy.next_delay(fastrand::f64());
    let mut failures = 0_u32;
    let mut permit = None;
    loop {
        tokio::select! {
            () = sleep_until(next) => {}
            () = ctx.heartbeat_requested() => {
                if failures > 0 || now() - last_beat < policy.min_gap() {
                    continue;
                }
            }
        }
        let sent = wait_for_pace(&pacer, &policy, last_beat).await;
        let answered = service.send_heartbeat(&token).await;
        pacer.observe(sent, answered.as_ref().is_err_and(Error::is_throttling));
        match answered {
            Ok(()) => {
                retry_passed(permit.take());
                failures = 0;
                last_beat = now();
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
                drop(permit.take());
                failures = failures.saturating_add(1);
                let plan = retries.plan(&error, failures);
                permit = plan.permit;
                let now = now();
                // The backoff, but never past the latest moment while it is
                // still ahead; never sooner than the floor between beats.
                let latest = if policy.expired(last_beat, now) {
                    now + plan.delay
                } else {
                    policy.latest_after(last_beat)
                };
                next = (now + plan.delay).min(latest).max(now + MIN_INTERVAL);
                tracing::warn!(%error, failures, retry_in = ?(next - now), "heartbeat failed; retrying");
            }
        }
    }
}

/// Waits for the worker's pace to send a heartbeat for a task last heard of
/// at `last`.
///
/// Under a pace too slow for every task, the line is served most urgent
/// first, and serving a heartbeat after its task's deadline spends a token
/// the next task in line needed: the whole line would be served too late,
/// one task after another, until every task timed out. So a heartbeat whose
/// task's deadline passes while it waits gives the task up: it leaves its
/// place and waits behind every live task (to hear `TaskTimedOut` when no
/// live task needs the token). The tasks the pace can keep alive stay alive.
async fn wait_for_pace(pacer: &Pacer, policy: &HeartbeatPolicy, last: Instant) -> Sent {
    let Some(deadline) = policy.deadline(last) else {
        // Nothing times out: as urgent as a task due three intervals on.
        return pacer.wait(Urgency::By(last + policy.interval * 3)).await;
    };
    if now() < deadline {
        tokio::select! {
            sent = pacer.wait(Urgency::By(deadline)) => return sent,
            () = sleep_until(deadline) => {}
        }
    }
    pacer.wait(Urgency::GivenUp(last)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_is_known_dead_only_after_its_whole_heartbeat_seconds() {
        let policy = HeartbeatPolicy::new(Some(Duration::from_secs(3)), Duration::from_secs(60));
        let last = Instant::now();
        assert!(!policy.expired(last, last + Duration::from_millis(2999)));
        assert!(policy.expired(last, last + Duration::from_secs(3)));
        let unhinted = HeartbeatPolicy::new(None, Duration::from_secs(20));
        assert!(!unhinted.expired(last, last + Duration::from_secs(3600)));
    }

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

    #[tokio::test(start_paused = true)]
    async fn a_heartbeat_whose_deadline_passes_in_the_line_goes_behind_every_live_one() {
        // Throttled from one call sent: the 0.5/s floor, a token every 2 s.
        let pacer = Arc::new(Pacer::new());
        let sent = pacer.wait(Urgency::By(now())).await;
        pacer.observe(sent, true);
        let policy = HeartbeatPolicy::new(Some(Duration::from_secs(3)), Duration::from_secs(60));
        let start = now();
        let served = Arc::new(std::sync::Mutex::new(Vec::new()));
        let queue = |name: &'static str, urgency: Option<Urgency>| {
            let (pacer, served) = (Arc::clone(&pacer), Arc::clone(&served));
            tokio::spawn(async move {
                let _ = match urgency {
                    Some(urgency) => pacer.wait(urgency).await,
                    None => wait_for_pace(&pacer, &policy, start).await,
                };
                served.lock().unwrap().push(name);
            })
        };
        let calls = [
            queue(
                "due in 1 s",
                Some(Urgency::By(start + Duration::from_secs(1))),
            ),
            queue(
                "due in 2 s",
                Some(Urgency::By(start + Duration::from_secs(2))),
            ),
            // Due in 3 s, third in line at 0.5/s: its deadline passes first.
            queue("heartbeat", None),
            queue(
                "due in 10 s",
                Some(Urgency::By(start + Duration::from_secs(10))),
            ),
        ];
        for call in calls {
            call.await.unwrap();
        }
        assert_eq!(
            *served.lock().unwrap(),
            ["due in 1 s", "due in 2 s", "due in 10 s", "heartbeat"]
        );
    }

    #[test]
    fn a_failed_heartbeat_is_retried_by_three_quarters_of_heartbeat_seconds() {
        let policy = HeartbeatPolicy::new(Some(Duration::from_secs(12)), Duration::from_secs(60));
        let last = Instant::now();
        assert_eq!(policy.latest_after(last), last + Duration::from_secs(9));
    }
}
