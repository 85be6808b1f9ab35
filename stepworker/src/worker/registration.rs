//! Registering each activity (CreateActivity, idempotent by name) in the
//! background, then starting its pollers.
//!
//! A failing registration never ends the worker: each activity retries on its
//! own, and the others serve meanwhile. A denied call (a role without
//! `states:CreateActivity`) is retried slowly, since only a change of policy
//! fixes it; [`WorkerBuilder::activity_arn`](super::WorkerBuilder::activity_arn)
//! serves an activity without registering it at all.

use std::sync::Arc;
use std::time::Duration;

use super::handler::RegisteredActivity;
use super::poller::{spawn_poller, PollTarget};
use super::poller_count::PollerCount;
use super::runtime::Runtime;
use super::sync;
use super::{health, metrics};

/// First wait after a retryable failure (throttling, 5xx, transport).
const FIRST_RETRY: Duration = Duration::from_millis(500);

/// First wait after a refusal (AccessDenied, validation, ...).
const FIRST_REFUSED_RETRY: Duration = Duration::from_secs(5);

/// The longest wait between two attempts.
const MAX_RETRY: Duration = Duration::from_secs(60);

/// Registers `activity` unless it came with an ARN, then starts its pollers;
/// gives up only when shutdown starts.
pub(crate) async fn register_then_poll(
    runtime: Arc<Runtime>,
    activity: Arc<RegisteredActivity>,
    index: usize,
    pollers: (usize, usize),
) {
    let health = Arc::clone(&runtime.health[index]);
    let arn = match &activity.arn {
        Some(arn) => Arc::clone(arn),
        None => match register(&runtime, &activity, &health).await {
            Some(arn) => arn,
            None => return,
        },
    };
    health.registered(&arn);
    let target = Arc::new(PollTarget {
        activity: Arc::clone(&activity),
        arn,
        count: PollerCount::new(pollers.0, pollers.1),
        health,
        slots: Arc::clone(&runtime.activity_slots[index]),
    });
    for _ in 0..target.count.initial() {
        target.count.started();
        spawn_poller(&runtime, &target);
    }
    metrics::pollers(&activity.name, target.count.running());
}

/// CreateActivity until it answers an ARN; `None` when shutdown came first.
async fn register(
    runtime: &Runtime,
    activity: &RegisteredActivity,
    health: &health::ActivityHealthCell,
) -> Option<Arc<str>> {
    let mut failures = 0_u32;
    loop {
        let created = tokio::select! {
            created = runtime.service.create_activity(&activity.name) => created,
            () = runtime.shutdown.requested.cancelled() => return None,
        };
        let error = match created {
            Ok(arn) => {
                tracing::debug!(activity = %activity.name, %arn, "activity registered");
                return Some(Arc::from(arn));
            }
            Err(error) => error,
        };
        metrics::api_error("CreateActivity", &error);
        health.registration_failed(&error);
        failures = failures.saturating_add(1);
        let retryable = error.is_retryable();
        let delay = retry_delay(failures, retryable, fastrand::f64());
        if retryable {
            tracing::warn!(activity = %activity.name, %error, retry_in = ?delay, "CreateActivity failed; retrying");
        } else {
            tracing::error!(activity = %activity.name, %error, retry_in = ?delay, "CreateActivity refused; retrying (serve by ARN to skip it)");
        }
        tokio::select! {
            () = sync::sleep(delay) => {}
            () = runtime.shutdown.requested.cancelled() => return None,
        }
    }
}

/// The wait after `failures` failures in a row: doubling from 500 ms (5 s
/// when refused) up to a minute, between half and all of it (`unit` in
/// `[0, 1)`), so a fleet started together does not retry together.
fn retry_delay(failures: u32, retryable: bool, unit: f64) -> Duration {
    let first = if retryable {
        FIRST_RETRY
    } else {
        FIRST_REFUSED_RETRY
    };
    let bound = first
        .saturating_mul(1 << failures.saturating_sub(1).min(16))
        .min(MAX_RETRY);
    bound.mul_f64(0.5 + 0.5 * unit.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_retried_slower_than_throttling() {
        assert_eq!(retry_delay(1, true, 1.0), Duration::from_millis(500));
        assert_eq!(retry_delay(1, false, 1.0), Duration::from_secs(5));
        assert_eq!(retry_delay(1, false, 0.0), Duration::from_millis(2500));
        assert_eq!(retry_delay(20, false, 1.0), MAX_RETRY);
    }
}
