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
//! retry mode, here for heartbeats only, whatever the client's mode).
//!
//! The pace is strict: a heartbeat at risk is not sent ahead of it, because
//! a call beyond what the service refills is refused anyway and only takes
//! the place of one that would have been accepted. What the pacer chooses is
//! the order: each token goes to the waiting heartbeat that is most urgent
//! (earliest deadline first), and heartbeats given up (of tasks whose
//! deadline passed while they waited; see `heartbeat.rs`) go after every
//! other. When the refill is too slow for every task, the
//! tasks the pace can keep alive stay alive and the rest time out, instead of
//! every task being served too late one after another.
//!
//! Polls are paced the same way: a throttled poll is retried on the client's
//! backoff, and with many pollers the ones not throttled yet would keep the
//! bucket empty; after a throttle every poll waits for the pace, in no
//! particular order (an idle poll can always wait).
//!
//! Until the first throttle a pacer lets every call through at once.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use tokio::sync::Notify;
use tokio::time::Instant;

use super::send_rate::SendRate;
use super::sync::{now, sleep};
use crate::client::RateLimiter;

/// The pace of one kind of call of one worker.
#[derive(Debug)]
pub(crate) struct Pacer {
    limiter: RateLimiter,
    sends: Mutex<Sends>,
    /// Calls waiting for their turn, most urgent first; the id keeps two
    /// calls with the same urgency apart.
    waiting: Mutex<BTreeSet<(Urgency, u64)>>,
    /// Told whenever the first place of `waiting` changes.
    turn: Notify,
    next_id: AtomicU64,
}

impl Pacer {
    pub(crate) fn new() -> Self {
        Self {
            limiter: RateLimiter::new(),
            sends: Mutex::new(Sends {
                rate: SendRate::new(now()),
                last_cut: None,
            }),
            waiting: Mutex::new(BTreeSet::new()),
            turn: Notify::new(),
            next_id: AtomicU64::new(0),
        }
    }

    /// Waits for the pace, in no particular order; returns when the call
    /// goes, for [`Pacer::observe`].
    pub(crate) async fn wait_in_any_order(&self) -> Sent {
        self.limiter.acquire().await;
        self.went()
    }

    /// Waits for the pace, after every waiting call more urgent than
    /// `urgency` has had its turn;
    /// returns when the call goes, for [`Pacer::observe`].
    pub(crate) async fn wait(&self, urgency: Urgency) -> Sent {
        if !self.limiter.is_enabled() {
            return self.went();
        }
        let place = Place::take(self, urgency);
        loop {
            let turn = self.turn.notified();
            tokio::pin!(turn);
            // Registered before the check, so a turn handed on in between
            // is not missed.
            turn.as_mut().enable();
            if !place.is_first() {
                turn.await;
                continue;
            }
            let Some(delay) = self.limiter.try_acquire() else {
                return self.went();
            };
            // Waiting for the next token, but a more urgent call arriving
            // meanwhile takes the first place (and the token).
            tokio::select! {
                () = sleep(delay) => {}
                () = turn => {}
            }
        }
    }

    /// Learns from the answer to a call that went at `sent`.
    ///
    /// Throttles of calls sent before the last cut are one congestion event
    /// with it, as TCP's CUBIC cuts once per window, not per lost packet:
    /// the AWS SDKs' limiter cuts for every throttled answer, so a burst of
    /// concurrent heartbeats refused together would cut the pace to its floor
    /// (0.7 to the fortieth power for forty), and an overloaded fleet would
    /// then heartbeat far below what the service refills.
    ///
    /// The pace is cut from the rate the pacer sent in the last second, not
    /// the SDKs' smoothed rate of answers (see `send_rate`).
    pub(crate) fn observe(&self, sent: Sent, throttled: bool) {
        let now = now();
        let mut sends = self.sends();
        if throttled && sends.last_cut.is_some_and(|cut| sent.0 < cut) {
            return;
        }
        let rate = sends.rate.per_second(now);
        self.limiter.learn_at_rate(throttled, rate);
        if throttled {
            sends.last_cut = Some(now);
        }
    }

    /// Counts a call going now.
    fn went(&self) -> Sent {
        let now = now();
        self.sends().rate.count(now);
        Sent(now)
    }

    fn sends(&self) -> MutexGuard<'_, Sends> {
        self.sends.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn waiting(&self) -> MutexGuard<'_, BTreeSet<(Urgency, u64)>> {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How urgent a call in the line is: every call due by a moment goes before
/// every call given up, most urgent first within each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Urgency {
    /// The call matters by this moment.
    By(Instant),
    /// The call is unlikely to matter; among such calls, the one that has
    /// waited since the earliest moment goes first.
    GivenUp(Instant),
}

/// What the pacer sent, to cut from.
#[derive(Debug)]
struct Sends {
    rate: SendRate,
    /// When the pace was last cut for a throttle.
    last_cut: Option<Instant>,
}

/// The moment a paced call went.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sent(Instant);

/// A call's place in the line; leaving it (served, or the call dropped)
/// hands the turn on.
struct Place<'a> {
    pacer: &'a Pacer,
    key: (Urgency, u64),
}

impl<'a> Place<'a> {
    fn take(pacer: &'a Pacer, urgency: Urgency) -> Self {
        let key = (urgency, pacer.next_id.fetch_add(1, Ordering::Relaxed));
        let first = {
            let mut waiting = pacer.waiting();
            waiting.insert(key);
            waiting.first() == Some(&key)
        };
        // Only a change of the first place concerns the calls waiting: the
        // one it displaced goes back to waiting for its turn. Waking every
        // waiter on every arrival would make each token cost a wake per
        // call in the line.
        if first {
            pacer.turn.notify_waiters();
        }
        Self { pacer, key }
    }

    fn is_first(&self) -> bool {
        self.pacer.waiting().first() == Some(&self.key)
    }
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        let was_first = {
            let mut waiting = self.pacer.waiting();
            let was_first = waiting.first() == Some(&self.key);
            waiting.remove(&self.key);
            was_first
        };
        if was_first {
            self.pacer.turn.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    fn throttled_pacer() -> Arc<Pacer> {
        let pacer = Arc::new(Pacer::new());
        throttle(&pacer, 5);
        pacer
    }

    /// `times` throttles, each of a call sent after the cut before.
    fn throttle(pacer: &Pacer, times: usize) {
        for _ in 0..times {
            pacer.observe(Sent(now()), true);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn paces_every_call_after_a_throttle_and_none_before() {
        let pacer = Pacer::new();
        let start = Instant::now();
        for _ in 0..50 {
            let sent = pacer.wait(Urgency::By(start)).await;
            pacer.observe(sent, false);
        }
        assert_eq!(start.elapsed(), Duration::ZERO, "no pace before a throttle");

        // 50 calls sent in the last second; five throttles cut that to
        // 50 x 0.7^5 = 8.4/s, from which successes grow it back.
        throttle(&pacer, 5);
        let paced = Instant::now();
        for _ in 0..10 {
            // Already due: still waits for the pace.
            let sent = pacer.wait(Urgency::By(paced)).await;
            pacer.observe(sent, false);
        }
        assert!(
            paced.elapsed() >= Duration::from_millis(500),
            "ten heartbeats after throttles went out in {:?}",
            paced.elapsed()
        );
    }

    /// Queues one call per entry, all at once, and names them in the order
    /// the pace served them.
    async fn served_in_order<T: Copy + Send + 'static>(
        pacer: &Arc<Pacer>,
        calls: impl IntoIterator<Item = (T, Urgency)>,
    ) -> Vec<T> {
        let served = Arc::new(Mutex::new(Vec::new()));
        let mut waiting = Vec::new();
        for (name, urgency) in calls {
            let (pacer, served) = (Arc::clone(pacer), Arc::clone(&served));
            waiting.push(tokio::spawn(async move {
                let _ = pacer.wait(urgency).await;
                served.lock().unwrap().push(name);
            }));
        }
        for call in waiting {
            call.await.unwrap();
        }
        let order = served.lock().unwrap().clone();
        order
    }

    #[tokio::test(start_paused = true)]
    async fn the_most_urgent_waiting_call_goes_first() {
        let pacer = throttled_pacer();
        let start = Instant::now();
        let calls = [3_u64, 1, 4, 0, 2]
            .map(|seconds| (seconds, Urgency::By(start + Duration::from_secs(seconds))));
        assert_eq!(served_in_order(&pacer, calls).await, [0, 1, 2, 3, 4]);
        assert!(pacer.waiting().is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn a_call_given_up_goes_after_every_call_still_due() {
        let pacer = throttled_pacer();
        let start = Instant::now();
        let calls = [
            ("given up long ago", Urgency::GivenUp(start)),
            (
                "due in an hour",
                Urgency::By(start + Duration::from_secs(3600)),
            ),
            ("due now", Urgency::By(start)),
        ];
        assert_eq!(
            served_in_order(&pacer, calls).await,
            ["due now", "due in an hour", "given up long ago"]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_call_dropped_while_first_in_line_hands_the_turn_on() {
        let pacer = throttled_pacer();
        let start = Instant::now();
        let first = {
            let pacer = Arc::clone(&pacer);
            tokio::spawn(async move {
                let _ = pacer.wait(Urgency::By(start)).await;
            })
        };
        let second = {
            let pacer = Arc::clone(&pacer);
            tokio::spawn(async move {
                let _ = pacer
                    .wait(Urgency::By(start + Duration::from_secs(9)))
                    .await;
            })
        };
        tokio::task::yield_now().await;
        first.abort();
        assert!(first.await.unwrap_err().is_cancelled());
        tokio::time::timeout(Duration::from_secs(60), second)
            .await
            .expect("the second call was served")
            .unwrap();
        assert!(pacer.waiting().is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn calls_arriving_and_leaving_from_many_threads_are_all_served() {
        // A pace of about 700/s: 1,000 calls sent in the last second, then
        // one throttle.
        let pacer = Arc::new(Pacer::new());
        for _ in 0..1000 {
            let sent = pacer.wait(Urgency::By(Instant::now())).await;
            pacer.observe(sent, false);
        }
        throttle(&pacer, 1);
        let start = Instant::now();
        let mut calls = Vec::new();
        for n in 0..300_u64 {
            let pacer = Arc::clone(&pacer);
            let urgency = match n % 3 {
                0 => Urgency::GivenUp(start),
                _ => Urgency::By(start + Duration::from_millis(fastrand::u64(0..1000))),
            };
            calls.push(tokio::spawn(async move {
                let sent = pacer.wait(urgency).await;
                pacer.observe(sent, false);
            }));
        }
        // Every seventh call leaves the line before its turn: the turn must
        // pass on whether it was first or not.
        for call in calls.iter().step_by(7) {
            call.abort();
        }
        for (n, call) in calls.into_iter().enumerate() {
            let ended = tokio::time::timeout(Duration::from_secs(30), call)
                .await
                .unwrap_or_else(|_| panic!("call {n} never had its turn"));
            assert!(n % 7 == 0 || ended.is_ok(), "call {n}: {ended:?}");
        }
        assert!(pacer.waiting().is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn throttles_of_calls_sent_before_a_cut_do_not_cut_again() {
        // Two pacers used alike: 20 calls a second for 2 s, all accepted.
        let (sent_together, sent_after_each_cut) = (Pacer::new(), Pacer::new());
        for _ in 0..40 {
            for pacer in [&sent_together, &sent_after_each_cut] {
                let sent = pacer.wait(Urgency::By(Instant::now())).await;
                pacer.observe(sent, false);
            }
            tokio::time::advance(Duration::from_millis(50)).await;
        }
        // Then 40 throttles: of calls sent together before the first cut,
        // or each of a call sent after the cut before.
        let burst = Sent(Instant::now());
        tokio::time::advance(Duration::from_millis(10)).await;
        for _ in 0..40 {
            sent_together.observe(burst, true);
        }
        throttle(&sent_after_each_cut, 40);
        let timed = |pacer: Pacer| async move {
            let start = Instant::now();
            for _ in 0..10 {
                let sent = pacer.wait(Urgency::By(Instant::now())).await;
                pacer.observe(sent, false);
            }
            start.elapsed()
        };
        let (once, every_time) = (timed(sent_together).await, timed(sent_after_each_cut).await);
        // Cut once, to 70 % of 20/s: ten calls in well under 2 s.
        assert!(once < Duration::from_secs(2), "{once:?}");
        assert!(once * 2 < every_time, "{once:?} vs {every_time:?}");
    }
}
