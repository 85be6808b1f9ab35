//! Retry and Catch: which retrier or catcher handles an error.
//!
//! Matching rules followed (AWS developer guide, "Error names"):
//! - `States.ALL` matches every error except `States.Runtime` and
//!   `States.DataLimitExceeded`, which are terminal.
//! - `States.TaskFailed` matches every error except the timeouts
//!   (`States.Timeout`, `States.HeartbeatTimeout`) and the terminal ones.
//! - `States.Timeout` also matches `States.HeartbeatTimeout` (AWS: a task
//!   times out when it "failed to send a heartbeat" too).
//! - Any other name matches exactly.
//! - Retriers are tried in order; the first whose `ErrorEquals` matches is
//!   the only one considered, even if it is exhausted (then the error goes
//!   to Catch).

use super::definition::{Catcher, JitterStrategy, State};
use super::errors;

/// What to do about an error a retrier handles.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryDecision {
    /// Which retrier matched; the caller counts attempts per retrier.
    pub retrier_index: usize,
    /// `IntervalSeconds * BackoffRate^attempts`, capped by `MaxDelaySeconds`.
    pub delay_millis_before_jitter: u64,
    /// The retrier's jitter strategy.
    pub jitter: JitterStrategy,
}

impl RetryDecision {
    /// The delay to wait, given a random number in `[0, 1)` supplied by the
    /// caller's RNG (so this crate stays deterministic): with `FULL` jitter
    /// a uniform value between 0 and the computed backoff, otherwise the
    /// backoff itself.
    pub fn delay_millis(&self, unit_random: f64) -> u64 {
        match self.jitter {
            JitterStrategy::None => self.delay_millis_before_jitter,
            JitterStrategy::Full => {
                let factor = unit_random.clamp(0.0, 1.0);
                (self.delay_millis_before_jitter as f64 * factor) as u64
            }
        }
    }
}

/// Longest delay before a retry: the largest `MaxDelaySeconds` AWS accepts
/// (366 days), which is also longer than a Standard execution may run.
pub const MAX_RETRY_DELAY_SECONDS: f64 = 31_622_400.0;

/// True if an error named `error` is matched by the `ErrorEquals` entry `pattern`.
pub fn error_matches(pattern: &str, error: &str) -> bool {
    if pattern == error {
        return true;
    }
    let terminal = error == errors::RUNTIME || error == errors::DATA_LIMIT_EXCEEDED;
    let timeout = error == errors::TIMEOUT || error == errors::HEARTBEAT_TIMEOUT;
    match pattern {
        errors::ALL => !terminal,
        errors::TASK_FAILED => !terminal && !timeout,
        errors::TIMEOUT => error == errors::HEARTBEAT_TIMEOUT,
        _ => false,
    }
}

fn any_matches(error_equals: &[String], error: &str) -> bool {
    error_equals
        .iter()
        .any(|pattern| error_matches(pattern, error))
}

/// The retry to perform for `error`, or `None` if no retrier matches or the
/// matching one is exhausted. `attempts_per_retrier[i]` is how many retries
/// retrier `i` already made (missing entries count as 0); the caller
/// increments the chosen retrier's count.
pub fn select_retrier(
    state: &State,
    error: &str,
    attempts_per_retrier: &[u32],
) -> Option<RetryDecision> {
    let (index, retrier) = state
        .retry
        .iter()
        .enumerate()
        .find(|(_, r)| any_matches(&r.error_equals, error))?;
    let attempts = attempts_per_retrier.get(index).copied().unwrap_or(0);
    if attempts >= retrier.max_attempts {
        return None;
    }
    let exponent = i32::try_from(attempts).unwrap_or(i32::MAX);
    let mut delay_secs = retrier.interval_seconds as f64 * retrier.backoff_rate.powi(exponent);
    // `BackoffRate: 1e300` overflows to infinity on the second retry: the
    // delay saturates at the longest one AWS allows instead of wrapping.
    if delay_secs.is_nan() || delay_secs > MAX_RETRY_DELAY_SECONDS {
        delay_secs = MAX_RETRY_DELAY_SECONDS;
    }
    if let Some(max) = retrier.max_delay_seconds {
        delay_secs = delay_secs.min(max as f64);
    }
    let delay_millis = (delay_secs * 1000.0).round() as u64;
    Some(RetryDecision {
        retrier_index: index,
        delay_millis_before_jitter: delay_millis,
        jitter: retrier.jitter_strategy,
    })
}

/// The first catcher whose `ErrorEquals` matches `error`.
pub fn select_catcher<'a>(state: &'a State, error: &str) -> Option<&'a Catcher> {
    state
        .catch
        .iter()
        .find(|c| any_matches(&c.error_equals, error))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::asl::definition::parse_definition;

    fn task(retry: Value, catch: Value) -> State {
        let definition = json!({"StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:a",
                  "Retry": retry, "Catch": catch, "Next": "A"},
            "A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}});
        parse_definition(&definition.to_string())
            .expect("valid")
            .states["T"]
            .clone()
    }

    #[test]
    fn wildcards_follow_the_aws_rules() {
        assert!(error_matches("States.ALL", "Custom.Error"));
        assert!(error_matches("States.ALL", "States.Timeout"));
        assert!(!error_matches("States.ALL", "States.Runtime"));
        assert!(!error_matches("States.ALL", "States.DataLimitExceeded"));
        assert!(error_matches("States.TaskFailed", "Custom.Error"));
        assert!(!error_matches("States.TaskFailed", "States.Timeout"));
        assert!(!error_matches(
            "States.TaskFailed",
            "States.HeartbeatTimeout"
        ));
        assert!(error_matches("States.Timeout", "States.HeartbeatTimeout"));
        assert!(!error_matches("States.HeartbeatTimeout", "States.Timeout"));
        assert!(error_matches("States.Runtime", "States.Runtime"));
        assert!(!error_matches("Custom.Error", "Custom.Other"));
    }

    #[test]
    fn exponential_backoff_with_defaults_and_exhaustion() {
        let state = task(json!([{"ErrorEquals": ["Boom"]}]), json!([]));
        let delays: Vec<_> = (0..3)
            .map(|n| select_retrier(&state, "Boom", &[n]).map(|d| d.delay_millis_before_jitter))
            .collect();
        assert_eq!(delays, vec![Some(1_000), Some(2_000), Some(4_000)]);
        assert_eq!(
            select_retrier(&state, "Boom", &[3]),
            None,
            "MaxAttempts defaults to 3"
        );
        assert_eq!(select_retrier(&state, "Other", &[0]), None);
    }

    #[test]
    fn max_delay_caps_and_max_attempts_zero_never_retries() {
        let state = task(
            json!([
                {"ErrorEquals": ["Never"], "MaxAttempts": 0},
                {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 3, "BackoffRate": 10, "MaxDelaySeconds": 50,
                 "MaxAttempts": 5}
            ]),
            json!([]),
        );
        assert_eq!(
            select_retrier(&state, "Never", &[0, 0]),
            None,
            "first match wins even when exhausted"
        );
        let decision = select_retrier(&state, "X", &[0, 2]).expect("retry");
        assert_eq!(decision.retrier_index, 1);
        assert_eq!(decision.delay_millis_before_jitter, 50_000);
    }

    #[test]
    fn huge_backoff_rates_saturate_instead_of_wrapping() {
        let state = task(
            json!([{"ErrorEquals": ["E"], "BackoffRate": 1e300, "MaxAttempts": 50}]),
            json!([]),
        );
        let longest = (MAX_RETRY_DELAY_SECONDS * 1000.0) as u64;
        for attempt in [1, 2, 10, 49] {
            let decision = select_retrier(&state, "E", &[attempt]).expect("retry");
            assert_eq!(
                decision.delay_millis_before_jitter, longest,
                "attempt {attempt}"
            );
            assert_eq!(
                decision.delay_millis(0.5),
                longest,
                "no jitter: the full delay"
            );
        }
    }

    #[test]
    fn full_jitter_scales_the_delay() {
        let state = task(
            json!([{"ErrorEquals": ["E"], "IntervalSeconds": 10, "JitterStrategy": "FULL"}]),
            json!([]),
        );
        let decision = select_retrier(&state, "E", &[]).expect("retry");
        assert_eq!(decision.jitter, JitterStrategy::Full);
        assert_eq!(decision.delay_millis(0.0), 0);
        assert_eq!(decision.delay_millis(0.25), 2_500);
        assert!(decision.delay_millis(0.999) < 10_000);
    }

    #[test]
    fn catchers_match_in_order() {
        let state = task(
            json!([]),
            json!([{"ErrorEquals": ["Specific"], "Next": "A"}, {"ErrorEquals": ["States.ALL"], "Next": "B"}]),
        );
        assert_eq!(
            select_catcher(&state, "Specific").map(|c| c.next.as_str()),
            Some("A")
        );
        assert_eq!(
            select_catcher(&state, "Else").map(|c| c.next.as_str()),
            Some("B")
        );
        assert!(select_catcher(&state, "States.Runtime").is_none());
    }
}
