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
//!
//! The numbers are those of the AWS SDKs' standard retry mode as updated in
//! 2026 ("retry behavior 2.1", `AWS_NEW_RETRIES_2026=true`): throttling backs
//! off from a 1 s base, other transient failures from 50 ms, both doubling up
//! to 20 s with full jitter, 3 attempts. Sources: the AWS SDKs and Tools
//! reference guide, "Retry behavior"
//! (<https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html>);
//! the table in aws/aws-sdk-cpp#3832; aws-smithy-types 1.9
//! `RetrySpec::v2_1` (50 ms non-throttling base) and `RetryConfig::standard`
//! (1 s base, 20 s cap, 3 attempts). The retry quota shared by these retries
//! is in [`RetryQuota`](super::RetryQuota).

use std::str::FromStr;
use std::time::Duration;

use super::error::{Error, RetryKind};
use super::retry_quota::DEFAULT_QUOTA_CAPACITY;

const DEFAULT_MAX_ATTEMPTS: usize = 3;
const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(50);
const DEFAULT_THROTTLING_BACKOFF: Duration = Duration::from_secs(1);
const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(20);

/// How the client paces its calls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryMode {
    /// Retries with backoff and a retry quota; first attempts are never delayed.
    #[default]
    Standard,
    /// Standard, plus a client-side rate limit that learns the service's
    /// throttling rate (CUBIC, as the AWS SDKs' adaptive mode) and may delay
    /// first attempts too. Suits a client that talks to one throttled
    /// resource, such as a worker fleet polling its activities.
    Adaptive,
}

impl FromStr for RetryMode {
    type Err = Error;

    /// `standard`, `adaptive`, or `legacy` (taken as standard: the AWS SDKs
    /// leave `legacy` to each SDK, and this client has no other behavior).
    fn from_str(text: &str) -> Result<Self, Error> {
        match text.trim().to_ascii_lowercase().as_str() {
            "standard" | "legacy" => Ok(Self::Standard),
            "adaptive" => Ok(Self::Adaptive),
            other => Err(Error::config(format!(
                "retry mode `{other}` is not one of standard, adaptive, legacy"
            ))),
        }
    }
}

/// What one adaptive rate limiter governs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateLimitScope {
    /// One limiter per operation: Step Functions throttles each API action
    /// from its own bucket, so a throttled `SendTaskHeartbeat` need not slow
    /// `GetActivityTask`.
    #[default]
    Operation,
    /// One limiter for every call of the client.
    Client,
}

/// How the client retries: mode, attempts, backoff and the retry quota.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    mode: RetryMode,
    max_attempts: usize,
    initial_backoff: Duration,
    throttling_backoff: Duration,
    max_backoff: Duration,
    quota_capacity: Option<u32>,
    rate_limit_scope: RateLimitScope,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            mode: RetryMode::Standard,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            initial_backoff: DEFAULT_INITIAL_BACKOFF,
            throttling_backoff: DEFAULT_THROTTLING_BACKOFF,
            max_backoff: DEFAULT_MAX_BACKOFF,
            quota_capacity: Some(DEFAULT_QUOTA_CAPACITY),
            rate_limit_scope: RateLimitScope::default(),
        }
    }
}

impl RetryConfig {
    /// The AWS SDKs' standard mode: 3 attempts; throttling delays from 1 s,
    /// other delays from 50 ms, doubling up to 20 s, each drawn at random
    /// below its bound (full jitter); a retry quota of 500.
    pub fn standard() -> Self {
        Self::default()
    }

    /// Standard mode plus a client-side rate limit per operation that slows
    /// down after throttling and speeds up again (the AWS SDKs' adaptive mode).
    pub fn adaptive() -> Self {
        Self::default().with_mode(RetryMode::Adaptive)
    }

    /// One attempt, no retries.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Standard or adaptive.
    pub fn with_mode(mut self, mode: RetryMode) -> Self {
        self.mode = mode;
        self
    }

    /// Attempts in total, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: usize) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Upper bound of the first delay after a failure that is not
    /// throttling (5xx, transport); each later bound doubles.
    pub fn with_initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// Upper bound of the first delay after throttling; each later bound doubles.
    pub fn with_throttling_backoff(mut self, delay: Duration) -> Self {
        self.throttling_backoff = delay;
        self
    }

    /// Cap of every delay bound.
    pub fn with_max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Size of the retry quota shared by all calls of a client (default 500;
    /// a throttling retry costs 5, any other retry 14).
    pub fn with_retry_quota(mut self, capacity: u32) -> Self {
        self.quota_capacity = Some(capacity);
        self
    }

    /// No retry quota: every call may use all its attempts, however many
    /// other calls are failing.
    pub fn without_retry_quota(mut self) -> Self {
        self.quota_capacity = None;
        self
    }

    /// Whether adaptive mode keeps one rate limiter per operation (default)
    /// or one for the whole client.
    pub fn with_rate_limit_scope(mut self, scope: RateLimitScope) -> Self {
        self.rate_limit_scope = scope;
        self
    }

    /// Standard or adaptive.
    pub fn mode(&self) -> RetryMode {
        self.mode
    }

    /// Attempts in total, the first included.
    pub fn max_attempts(&self) -> usize {
        self.max_attempts
    }

    /// Upper bound of the first delay after a non-throttling failure.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// Upper bound of the first delay after throttling.
    pub fn throttling_backoff(&self) -> Duration {
        self.throttling_backoff
    }

    /// Cap of every delay bound.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// Size of the retry quota, if there is one.
    pub fn retry_quota(&self) -> Option<u32> {
        self.quota_capacity
    }

    /// What one adaptive rate limiter governs.
    pub fn rate_limit_scope(&self) -> RateLimitScope {
        self.rate_limit_scope
    }

    /// The upper bound of the delay before retry number `retry` (1 for the
    /// first retry) after a failure of `kind`: base times 2^(retry-1), capped.
    pub fn delay_bound(&self, kind: RetryKind, retry: u32) -> Duration {
        let base = match kind {
            RetryKind::Throttling => self.throttling_backoff,
            RetryKind::Transient => self.initial_backoff,
        };
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        base.checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }

    /// A delay drawn uniformly below [`RetryConfig::delay_bound`] (full
    /// jitter), for callers that retry on their own after the client gave up,
    /// such as a worker re-sending a task's result.
    pub fn backoff_delay(&self, kind: RetryKind, retry: u32) -> Duration {
        full_jitter(self.delay_bound(kind, retry))
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
    fn standard_mode_matches_the_sdk_numbers() {
        let config = RetryConfig::standard();
        assert_eq!(config.max_attempts(), 3);
        assert_eq!(config.retry_quota(), Some(500));
        let ms = |kind, retry| config.delay_bound(kind, retry).as_millis();
        assert_eq!(ms(RetryKind::Throttling, 1), 1000);
        assert_eq!(ms(RetryKind::Throttling, 2), 2000);
        assert_eq!(ms(RetryKind::Transient, 1), 50);
        assert_eq!(ms(RetryKind::Transient, 2), 100);
        assert_eq!(ms(RetryKind::Throttling, 6), 20_000, "capped at 20 s");
        assert_eq!(ms(RetryKind::Throttling, 200), 20_000, "no overflow");
    }

    #[test]
    fn delay_bounds_double_up_to_the_cap() {
        let config = RetryConfig::standard()
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(500));
        let ms: Vec<u128> = (1..=5)
            .map(|retry| config.delay_bound(RetryKind::Transient, retry).as_millis())
            .collect();
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
    fn retry_modes_parse_like_aws_retry_mode() {
        assert_eq!(
            "adaptive".parse::<RetryMode>().unwrap(),
            RetryMode::Adaptive
        );
        assert_eq!(
            " Standard ".parse::<RetryMode>().unwrap(),
            RetryMode::Standard
        );
        assert_eq!("legacy".parse::<RetryMode>().unwrap(), RetryMode::Standard);
        assert!(matches!(
            "fast".parse::<RetryMode>(),
            Err(Error::Config { .. })
        ));
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
