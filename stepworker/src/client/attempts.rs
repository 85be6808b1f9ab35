//! One call's attempts: the rate limit before each, the retry decision, the
//! retry quota and the backoff after each failure.
//!
//! Written out rather than through `backon`'s `Retryable`: a delay here
//! depends on the kind of failure and the attempt's number, each retry must
//! hold a permit from the client's quota until it succeeds, and a long poll
//! refused by the quota still waits its delay before failing. `backon`
//! remains the worker's tool for its own loops.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::error::{Error, RetryKind};
use super::rate_limiter::{RateLimiter, RateLimiters};
use super::retry::{full_jitter, RetryConfig, RetryMode, RetrySafety};
use super::retry_quota::{RetryPermit, RetryQuota};

/// What every call of a client shares to pace its retries.
#[derive(Debug)]
pub(crate) struct RetryState {
    config: RetryConfig,
    quota: RetryQuota,
    limiters: Option<RateLimiters>,
}

/// How one call may be retried.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CallPolicy {
    pub(crate) operation: &'static str,
    pub(crate) safety: RetrySafety,
    /// A long poll: when the quota refuses a retry, wait the delay anyway
    /// before failing, so a caller that polls in a loop cannot spin (as the
    /// AWS SDKs do for long-polling operations in retry behavior 2.1).
    pub(crate) long_poll: bool,
    /// One attempt only: the caller runs its own retries (the worker does,
    /// to see every attempt of a report and to stretch its heartbeats), on
    /// the same quota and backoff through [`RetryState::quota`].
    pub(crate) single_attempt: bool,
}

impl RetryState {
    pub(crate) fn new(config: &RetryConfig) -> Self {
        Self {
            quota: RetryQuota::for_capacity(config.retry_quota()),
            limiters: (config.mode() == RetryMode::Adaptive)
                .then(|| RateLimiters::new(config.rate_limit_scope())),
            config: config.clone(),
        }
    }

    pub(crate) fn quota(&self) -> &RetryQuota {
        &self.quota
    }

    /// Runs `attempt` until it succeeds, fails for good, runs out of
    /// attempts, or the quota refuses a retry; returns the last outcome.
    pub(crate) async fn run<T, F, Fut>(&self, call: CallPolicy, mut attempt: F) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let limiter: Option<Arc<RateLimiter>> = self
            .limiters
            .as_ref()
            .map(|limiters| limiters.for_operation(call.operation));
        let mut permit: Option<RetryPermit> = None;
        let mut attempts = 0u32;
        loop {
            if let Some(limiter) = &limiter {
                limiter.acquire().await;
            }
            attempts += 1;
            let outcome = attempt().await;
            if let Some(limiter) = &limiter {
                limiter.observe(outcome.as_ref().err().is_some_and(Error::is_throttling));
            }
            let error = match outcome {
                Ok(value) => {
                    match permit.take() {
                        Some(permit) => permit.succeeded(),
                        None => self.quota.record_success(),
                    }
                    return Ok(value);
                }
                Err(error) => error,
            };
            // The last retry failed: its cost stays spent.
            drop(permit.take());
            let kind = match error.retry_kind() {
                Some(kind) if call.safety.allows_retry(&error) => kind,
                _ => return Err(error),
            };
            if call.single_attempt || attempts as usize >= self.config.max_attempts() {
                return Err(error);
            }
            let delay = retry_delay(&self.config, &error, kind, attempts);
            match self.quota.try_acquire(kind) {
                Some(granted) => permit = Some(granted),
                None => {
                    tracing::debug!(
                        operation = call.operation,
                        %error,
                        "retry quota exhausted; not retrying"
                    );
                    if call.long_poll {
                        tokio::time::sleep(delay).await;
                    }
                    return Err(error);
                }
            }
            tracing::debug!(operation = call.operation, %error, ?delay, attempt = attempts, "retrying");
            tokio::time::sleep(delay).await;
        }
    }
}

/// The jittered backoff; a delay the service asked for is honored within
/// [backoff, backoff + 5 s], as in retry behavior 2.1 (aws-smithy-runtime
/// 1.16 `StandardRetryStrategy::calculate_backoff`), so a bad header can
/// neither stall the client nor make it hammer.
fn retry_delay(config: &RetryConfig, error: &Error, kind: RetryKind, attempt: u32) -> Duration {
    let backoff = full_jitter(config.delay_bound(kind, attempt));
    match error.retry_after() {
        Some(asked) => asked.clamp(backoff, backoff + MAX_RETRY_AFTER_EXTRA),
        None => backoff,
    }
}

/// How far beyond its own backoff the client follows `x-amz-retry-after`.
const MAX_RETRY_AFTER_EXTRA: Duration = Duration::from_secs(5);

#[cfg(test)]
mod tests {
    use tokio::time::Instant;

    use super::*;
    use crate::client::error::ServiceError;
    use crate::model::ErrorCode;

    fn throttled() -> Error {
        Error::Service(ServiceError::new(
            ErrorCode::ThrottlingException,
            None,
            None,
            400,
        ))
    }

    fn unavailable() -> Error {
        Error::Service(ServiceError::new(
            ErrorCode::from_name("ServiceUnavailable"),
            None,
            None,
            503,
        ))
    }

    const CALL: CallPolicy = CallPolicy {
        operation: "DescribeExecution",
        safety: RetrySafety::Repeatable,
        long_poll: false,
        single_attempt: false,
    };

    /// Runs a call that always fails with `error` and returns the instants
    /// of its attempts.
    async fn attempt_times(
        state: &RetryState,
        call: CallPolicy,
        error: impl Fn() -> Error,
    ) -> Vec<Instant> {
        let mut times = Vec::new();
        let _ = state
            .run::<(), _, _>(call, || {
                times.push(Instant::now());
                let failure = error();
                async move { Err(failure) }
            })
            .await;
        times
    }

    fn mean_first_gap(gaps: &[Duration]) -> f64 {
        gaps.iter().map(Duration::as_secs_f64).sum::<f64>() / gaps.len() as f64
    }

    #[tokio::test(start_paused = true)]
    async fn throttling_backs_off_from_one_second_and_other_failures_from_50_ms() {
        let state = RetryState::new(&RetryConfig::standard().without_retry_quota());
        let mut throttled_gaps = Vec::new();
        let mut transient_gaps = Vec::new();
        for _ in 0..200 {
            let t = attempt_times(&state, CALL, throttled).await;
            assert_eq!(t.len(), 3);
            assert!(t[1] - t[0] <= Duration::from_secs(1));
            assert!(t[2] - t[1] <= Duration::from_secs(2));
            throttled_gaps.push(t[1] - t[0]);
            let t = attempt_times(&state, CALL, unavailable).await;
            assert!(t[1] - t[0] <= Duration::from_millis(50));
            assert!(t[2] - t[1] <= Duration::from_millis(100));
            transient_gaps.push(t[1] - t[0]);
        }
        // Full jitter: uniform below the bound, so the mean is half of it.
        let throttled_mean = mean_first_gap(&throttled_gaps);
        let transient_mean = mean_first_gap(&transient_gaps);
        assert!((0.4..0.6).contains(&throttled_mean), "{throttled_mean}");
        assert!((0.02..0.03).contains(&transient_mean), "{transient_mean}");
    }

    #[tokio::test(start_paused = true)]
    async fn an_exhausted_quota_fails_fast_and_a_long_poll_still_waits() {
        // Room for exactly two throttling retries.
        let state = RetryState::new(&RetryConfig::standard().with_retry_quota(10));
        assert_eq!(attempt_times(&state, CALL, throttled).await.len(), 3);
        assert_eq!(state.quota().available(), 0);

        let start = Instant::now();
        assert_eq!(attempt_times(&state, CALL, throttled).await.len(), 1);
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "no wait for an ordinary call"
        );

        // A poll loop calling again at once would spin; the call waits its
        // backoff instead (below the 1 s bound, and almost surely above 0).
        let poll = CallPolicy {
            operation: "GetActivityTask",
            safety: RetrySafety::Once,
            long_poll: true,
            single_attempt: false,
        };
        let mut waited = Duration::ZERO;
        for _ in 0..20 {
            let start = Instant::now();
            assert_eq!(attempt_times(&state, poll, throttled).await.len(), 1);
            assert!(start.elapsed() <= Duration::from_secs(1));
            waited += start.elapsed();
        }
        assert!(
            waited > Duration::from_secs(2),
            "20 polls waited {waited:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_passing_retry_refunds_its_cost_and_a_first_try_success_adds_one() {
        let state = RetryState::new(&RetryConfig::standard().with_retry_quota(100));
        let mut calls = 0;
        state
            .run(CALL, || {
                calls += 1;
                let outcome = if calls == 1 {
                    Err(unavailable())
                } else {
                    Ok(())
                };
                async move { outcome }
            })
            .await
            .unwrap();
        assert_eq!(state.quota().available(), 100);
        let _ = attempt_times(&state, CALL, unavailable).await; // 2 retries x 14
        assert_eq!(state.quota().available(), 72);
        state.run(CALL, || async { Ok(()) }).await.unwrap();
        assert_eq!(state.quota().available(), 73);
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_after_header_is_followed_within_five_seconds_of_the_backoff() {
        let state = RetryState::new(&RetryConfig::standard().with_max_attempts(2));
        let asking = |after: u64| {
            move || {
                Error::Service(
                    ServiceError::new(ErrorCode::ThrottlingException, None, None, 400)
                        .with_retry_after(Some(Duration::from_millis(after))),
                )
            }
        };
        // 3 s is above any first throttling backoff (<= 1 s) and within 5 s of it.
        let t = attempt_times(&state, CALL, asking(3_000)).await;
        assert_eq!(t[1] - t[0], Duration::from_secs(3));
        // An hour is cut to at most 5 s past the backoff.
        let t = attempt_times(&state, CALL, asking(3_600_000)).await;
        assert!(t[1] - t[0] <= Duration::from_secs(6), "{:?}", t[1] - t[0]);
        assert!(t[1] - t[0] >= Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn adaptive_mode_paces_first_attempts_after_throttling() {
        let state = RetryState::new(
            &RetryConfig::adaptive()
                .with_max_attempts(1)
                .without_retry_quota(),
        );
        // 20 throttled calls at once, then 20 more: the limiter has dropped
        // to its floor, so the second batch is spread over seconds.
        for _ in 0..20 {
            let _ = attempt_times(&state, CALL, throttled).await;
        }
        let start = Instant::now();
        for _ in 0..20 {
            let _ = attempt_times(&state, CALL, throttled).await;
        }
        assert!(
            start.elapsed() >= Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
        // Another operation has its own limiter and is not delayed.
        let other = CallPolicy {
            operation: "SendTaskHeartbeat",
            ..CALL
        };
        let start = Instant::now();
        let _ = attempt_times(&state, other, unavailable).await;
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
