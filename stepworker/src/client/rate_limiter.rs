//! The adaptive retry mode's client-side rate limit: a token bucket whose
//! refill rate follows CUBIC congestion control. Off until the first
//! throttling answer; then each throttle cuts the rate to 70 % of what was
//! being sent, and each success lets it grow back along a cubic curve.
//!
//! The algorithm and constants are those the AWS SDKs share for adaptive
//! mode (botocore `retries/throttling.py` and `retries/bucket.py`,
//! aws-smithy-runtime `client_rate_limiter.rs`): beta 0.7, scale 0.4,
//! rate measured in half-second buckets smoothed by 0.8, minimum rate
//! 0.5/s, minimum capacity 1. Each attempt takes one token (retry behavior
//! 2.1 takes one per attempt, retries included).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::retry::RateLimitScope;

const BETA: f64 = 0.7;
const SCALE_CONSTANT: f64 = 0.4;
const SMOOTH: f64 = 0.8;
const MIN_FILL_RATE: f64 = 0.5;
const MIN_CAPACITY: f64 = 1.0;
/// Tokens one attempt takes.
const ATTEMPT_COST: f64 = 1.0;

/// One CUBIC-governed token bucket.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    origin: Instant,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    enabled: bool,
    fill_rate: f64,
    max_capacity: f64,
    capacity: f64,
    last_refill: Option<f64>,
    measured_rate: f64,
    rate_bucket: f64,
    requests_in_bucket: u64,
    last_max_rate: f64,
    last_throttle: f64,
}

impl RateLimiter {
    pub(crate) fn new() -> Self {
        Self {
            origin: Instant::now(),
            state: Mutex::new(State {
                enabled: false,
                fill_rate: MIN_FILL_RATE,
                max_capacity: MIN_CAPACITY,
                capacity: 0.0,
                last_refill: None,
                measured_rate: 0.0,
                rate_bucket: 0.0,
                requests_in_bucket: 0,
                last_max_rate: 0.0,
                last_throttle: 0.0,
            }),
        }
    }

    fn now(&self) -> f64 {
        self.origin.elapsed().as_secs_f64()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until one attempt may be sent (at once while never throttled).
    pub(crate) async fn acquire(&self) {
        loop {
            match self.try_acquire() {
                None => return,
                Some(delay) => {
                    tracing::debug!(?delay, "client-side rate limit delays the request");
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// Takes a token for one attempt, or says how long to wait before
    /// asking again.
    pub(crate) fn try_acquire(&self) -> Option<Duration> {
        self.lock().take(ATTEMPT_COST, self.now())
    }

    /// Learns from an attempt's outcome, given the rate the caller measured
    /// itself (requests per second it sent lately) instead of the smoothed
    /// half-second buckets, which lag a burst by up to half a second.
    pub(crate) fn learn_at_rate(&self, throttled: bool, sent_rate: f64) {
        let now = self.now();
        self.lock().adjust(now, throttled, sent_rate);
    }

    /// Learns from an attempt's outcome.
    pub(crate) fn observe(&self, throttled: bool) {
        let now = self.now();
        self.lock().update(now, throttled);
    }

    /// Whether a throttle has been seen, so that calls are paced.
    pub(crate) fn is_enabled(&self) -> bool {
        self.lock().enabled
    }

    /// The current send rate allowed, in requests per second, when enabled.
    #[cfg(test)]
    fn fill_rate(&self) -> Option<f64> {
        let state = self.lock();
        state.enabled.then_some(state.fill_rate)
    }
}

impl State {
    /// Takes `amount` tokens, or says how long to wait before asking again.
    fn take(&mut self, amount: f64, now: f64) -> Option<Duration> {
        if !self.enabled {
            return None;
        }
        self.refill(now);
        if self.capacity >= amount {
            self.capacity -= amount;
            return None;
        }
        let wait = Duration::from_secs_f64((amount - self.capacity) / self.fill_rate);
        if wait.is_zero() {
            // A shortfall below a nanosecond: waiting zero would spin.
            self.capacity = 0.0;
            return None;
        }
        Some(wait)
    }

    fn refill(&mut self, now: f64) {
        if let Some(last) = self.last_refill {
            let added = (now - last).max(0.0) * self.fill_rate;
            self.capacity = (self.capacity + added).min(self.max_capacity);
        }
        self.last_refill = Some(now);
    }

    fn update(&mut self, now: f64, throttled: bool) {
        self.measure(now);
        self.adjust(now, throttled, self.measured_rate);
    }

    fn adjust(&mut self, now: f64, throttled: bool, measured_rate: f64) {
        let rate = if throttled {
            let sent = if self.enabled {
                measured_rate.min(self.fill_rate)
            } else {
                measured_rate
            };
            self.last_max_rate = sent;
            self.last_throttle = now;
            self.enabled = true;
            sent * BETA
        } else {
            let since = now - self.last_throttle - self.time_window();
            SCALE_CONSTANT * since.powi(3) + self.last_max_rate
        };
        self.set_rate(now, rate.min(2.0 * measured_rate));
    }

    /// Smoothed requests per second, counted in half-second buckets.
    fn measure(&mut self, now: f64) {
        let bucket = (now * 2.0).floor() / 2.0;
        self.requests_in_bucket += 1;
        if bucket > self.rate_bucket {
            let current = self.requests_in_bucket as f64 / (bucket - self.rate_bucket);
            self.measured_rate = current * SMOOTH + self.measured_rate * (1.0 - SMOOTH);
            self.requests_in_bucket = 0;
            self.rate_bucket = bucket;
        }
    }

    /// Seconds CUBIC takes to grow back to the rate of the last throttle.
    fn time_window(&self) -> f64 {
        (self.last_max_rate * (1.0 - BETA) / SCALE_CONSTANT).cbrt()
    }

    fn set_rate(&mut self, now: f64, rate: f64) {
        self.refill(now);
        self.fill_rate = rate.max(MIN_FILL_RATE);
        self.max_capacity = rate.max(MIN_CAPACITY);
        self.capacity = self.capacity.min(self.max_capacity);
    }
}

/// The rate limiters of one client (adaptive mode only).
#[derive(Debug)]
pub(crate) struct RateLimiters {
    scope: RateLimitScope,
    client: Arc<RateLimiter>,
    by_operation: Mutex<HashMap<&'static str, Arc<RateLimiter>>>,
}

impl RateLimiters {
    pub(crate) fn new(scope: RateLimitScope) -> Self {
        Self {
            scope,
            client: Arc::new(RateLimiter::new()),
            by_operation: Mutex::new(HashMap::new()),
        }
    }

    /// The limiter that governs `operation`.
    pub(crate) fn for_operation(&self, operation: &'static str) -> Arc<RateLimiter> {
        match self.scope {
            RateLimitScope::Client => self.client.clone(),
            RateLimitScope::Operation => self
                .by_operation
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(operation)
                .or_insert_with(|| Arc::new(RateLimiter::new()))
                .clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn never_throttled_means_never_delayed() {
        let limiter = RateLimiter::new();
        let start = Instant::now();
        for _ in 0..1000 {
            limiter.acquire().await;
            limiter.observe(false);
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert_eq!(limiter.fill_rate(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_throttle_cuts_the_rate_and_successes_grow_it_back() {
        let limiter = RateLimiter::new();
        // 100 requests per second for 3 s, then a throttle.
        for _ in 0..300 {
            limiter.acquire().await;
            limiter.observe(false);
            tokio::time::advance(Duration::from_millis(10)).await;
        }
        limiter.observe(true);
        let cut = limiter.fill_rate().expect("enabled after a throttle");
        assert!((50.0..=80.0).contains(&cut), "about 0.7 x 100/s: {cut}");

        // Sending as fast as allowed is now paced near the cut rate.
        let start = Instant::now();
        for _ in 0..200 {
            limiter.acquire().await;
            limiter.observe(false);
        }
        let took = start.elapsed().as_secs_f64();
        assert!(
            (1.0..4.0).contains(&took),
            "200 requests at about {cut}/s took {took} s"
        );

        // Sending as fast as allowed without further throttles, the rate
        // grows back past the cut (CUBIC regains the old rate in ~4 s).
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            limiter.acquire().await;
            limiter.observe(false);
        }
        let regained = limiter.fill_rate().unwrap();
        assert!(regained > cut, "{regained} after a cut to {cut}");
    }

    #[tokio::test(start_paused = true)]
    async fn the_rate_never_drops_below_the_floor() {
        let limiter = RateLimiter::new();
        for _ in 0..50 {
            limiter.acquire().await;
            limiter.observe(true);
        }
        assert!(limiter.fill_rate().unwrap() >= MIN_FILL_RATE);
    }

    #[test]
    fn operation_scope_keeps_one_limiter_per_operation() {
        let limiters = RateLimiters::new(RateLimitScope::Operation);
        let poll = limiters.for_operation("GetActivityTask");
        assert!(Arc::ptr_eq(
            &poll,
            &limiters.for_operation("GetActivityTask")
        ));
        assert!(!Arc::ptr_eq(
            &poll,
            &limiters.for_operation("SendTaskHeartbeat")
        ));
        let shared = RateLimiters::new(RateLimitScope::Client);
        assert!(Arc::ptr_eq(
            &shared.for_operation("GetActivityTask"),
            &shared.for_operation("SendTaskHeartbeat")
        ));
    }
}
