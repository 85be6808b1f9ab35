//! When the client repeats a call by itself, and how long it waits between tries.
//!
//! Only failures that say "not now" are retried: throttling, HTTP 429 and 5xx,
//! and transport failures. Validation, not-found and every other answer the
//! service gave on purpose are returned at once.
//!
//! A transport failure or timeout after the request left may mean the service
//! acted on it. Such a failure is retried only when repeating the call cannot
//! do harm (see [`RetrySafety`]); a connection that could not even be opened
//! is always retried, since nothing was sent.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};

use super::error::Error;

const DEFAULT_MAX_ATTEMPTS: usize = 3;
const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(50);
const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(20);

/// How the client retries: exponential backoff with full jitter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: usize,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            initial_backoff: DEFAULT_INITIAL_BACKOFF,
            max_backoff: DEFAULT_MAX_BACKOFF,
        }
    }
}

impl RetryConfig {
    /// The AWS SDKs' standard mode: 3 attempts, delays from 50 ms doubling up
    /// to 20 s, each drawn at random below its bound (full jitter).
    pub fn standard() -> Self {
        Self::default()
    }

    /// One attempt, no retries.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in total, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: usize) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Upper bound of the first delay; each later bound doubles.
    pub fn with_initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// Cap of the delay bound.
    pub fn with_max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Attempts in total, the first included.
    pub fn max_attempts(&self) -> usize {
        self.max_attempts
    }

    /// Upper bound of the first delay.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// Cap of the delay bound.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The delay bounds, one per retry. backon's own jitter adds up to one
    /// more delay on top of the bound; the AWS SDKs draw the whole delay below
    /// the bound ("full jitter"), so jitter is applied by [`full_jitter`].
    pub(crate) fn backoff(&self) -> ExponentialBackoff {
        ExponentialBuilder::default()
            .with_min_delay(self.initial_backoff)
            .with_max_delay(self.max_backoff.max(self.initial_backoff))
            .with_factor(2.0)
            .with_max_times(self.max_attempts.saturating_sub(1))
            .build()
    }
}

/// A delay drawn uniformly from `[0, bound]`.
pub(crate) fn full_jitter(bound: Duration) -> Duration {
    bound.mul_f64(fastrand::f64())
}

/// Whether an operation's request may be sent twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RetrySafety {
    /// Repeating it has the effect of sending it once: a read, an operation
    /// the model marks idempotent, or a heartbeat.
    Repeatable,
    /// A second delivery could act twice (a second execution, a second task
    /// handed out, a result reported twice).
    Once,
}

impl RetrySafety {
    /// Whether the client may try again after `error`.
    pub(crate) fn allows_retry(self, error: &Error) -> bool {
        match error {
            // The service answered: it refused this request, and said a later
            // one may pass.
            Error::Service(_) | Error::Http { .. } => error.is_retryable(),
            Error::Transport(e) if e.request_not_sent() => true,
            // The request may have been received and acted on. For
            // GetActivityTask this matters most: the service may have handed
            // a task to this poll whose answer was lost; that task is only
            // recovered by its timeout, and a blind retry would park a
            // second poll with no way to tell. The caller (the worker's poll
            // loop) decides when to poll again.
            Error::Transport(_) | Error::Timeout { .. } => self == Self::Repeatable,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::error::ServiceError;
    use crate::model::ErrorCode;

    fn service(code: ErrorCode, status: u16) -> Error {
        Error::Service(ServiceError::new(code, None, None, status))
    }

    #[test]
    fn backoff_bounds_double_up_to_the_cap() {
        let config = RetryConfig::standard()
            .with_max_attempts(6)
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(500));
        let bounds: Vec<_> = config.backoff().collect();
        let ms: Vec<u128> = bounds.iter().map(Duration::as_millis).collect();
        assert_eq!(ms, vec![100, 200, 400, 500, 500]);
    }

    #[test]
    fn full_jitter_stays_below_the_bound() {
        let bound = Duration::from_millis(80);
        for _ in 0..200 {
            assert!(full_jitter(bound) <= bound);
        }
    }

    #[test]
    fn timeouts_are_retried_only_when_repeatable() {
        let timeout = Error::Timeout {
            operation: "GetActivityTask",
            after: Duration::from_secs(70),
        };
        assert!(!RetrySafety::Once.allows_retry(&timeout));
        assert!(RetrySafety::Repeatable.allows_retry(&timeout));
    }

    #[test]
    fn throttling_is_retried_even_for_once_operations() {
        let throttled = service(ErrorCode::ThrottlingException, 400);
        assert!(RetrySafety::Once.allows_retry(&throttled));
        let invalid = service(ErrorCode::InvalidArn, 400);
        assert!(!RetrySafety::Repeatable.allows_retry(&invalid));
    }
}
