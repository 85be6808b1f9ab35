//! `Retry`: retriers of Task, Parallel and Map states.

use serde::Serialize;

use super::error_names::ALL;

/// How the service spreads retry delays: `JitterStrategy` in ASL.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum JitterStrategy {
    /// `"FULL"`: each delay is random between 0 and the computed interval.
    #[serde(rename = "FULL")]
    Full,
    /// `"NONE"`: the computed interval exactly (the service default).
    #[default]
    #[serde(rename = "NONE")]
    None,
}

/// One retrier: which errors it matches and how it retries them.
///
/// ```
/// use stepworker::asl::{JitterStrategy, Retry};
///
/// let retry = Retry::on(["States.Timeout", "States.TaskFailed"])
///     .interval_seconds(2)
///     .max_attempts(5)
///     .backoff_rate(2.0)
///     .max_delay_seconds(60)
///     .jitter(JitterStrategy::Full);
/// # let _ = retry;
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Retry {
    pub(crate) error_equals: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) interval_seconds: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) max_attempts: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) backoff_rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) max_delay_seconds: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) jitter_strategy: Option<JitterStrategy>,
}

impl Retry {
    /// A retrier for the given error names (`ErrorEquals`), e.g.
    /// `"States.Timeout"` or an error name your activity reports.
    pub fn on<I, S>(errors: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            error_equals: errors.into_iter().map(Into::into).collect(),
            interval_seconds: None,
            max_attempts: None,
            backoff_rate: None,
            max_delay_seconds: None,
            jitter_strategy: None,
        }
    }

    /// A retrier for every error (`"ErrorEquals": ["States.ALL"]`); it
    /// must be the last retrier of its state.
    pub fn all() -> Self {
        Self::on([ALL])
    }

    /// Sets `IntervalSeconds`, the delay before the first retry (service
    /// default 1).
    pub fn interval_seconds(mut self, seconds: u64) -> Self {
        self.interval_seconds = Some(seconds);
        self
    }

    /// Sets `MaxAttempts` (service default 3; 0 never retries).
    pub fn max_attempts(mut self, attempts: u64) -> Self {
        self.max_attempts = Some(attempts);
        self
    }

    /// Sets `BackoffRate`, the multiplier of the delay per attempt (at least
    /// 1.0; service default 2.0).
    pub fn backoff_rate(mut self, rate: f64) -> Self {
        self.backoff_rate = Some(rate);
        self
    }

    /// Sets `MaxDelaySeconds`, the cap on any one delay.
    pub fn max_delay_seconds(mut self, seconds: u64) -> Self {
        self.max_delay_seconds = Some(seconds);
        self
    }

    /// Sets `JitterStrategy`.
    pub fn jitter(mut self, strategy: JitterStrategy) -> Self {
        self.jitter_strategy = Some(strategy);
        self
    }

    /// The error names this retrier matches.
    pub fn errors(&self) -> &[String] {
        &self.error_equals
    }
}
