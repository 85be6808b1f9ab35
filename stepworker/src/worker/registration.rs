//! Registering each activity (CreateActivity, idempotent by name) in the
//! background, then starting its pollers.
//!
//! A failing registration never ends the worker: each activity retries on its
//! own, and the others serve meanwhile. Throttling, 5xx and transport
//! failures retry on the client's backoff and retry quota, like every other
//! call of the worker (`retries.rs`). A denied call (a role without
//! `states:CreateActivity`) is retried slowly on a schedule of its own,
//! since only a change of policy fixes it; [`WorkerBuilder::activity_arn`](super::WorkerBuilder::activity_arn)
//! serves an activity without registering it at all.

use std::sync::Arc;
use std::time::Duration;

use super::handler::RegisteredActivity;
use super::poller::{spawn_poller, PollTarget};
use super::poller_count::PollerCount;
use super::retries::retry_passed;
use super::runtime::Runtime;
use super::sync;
use super::{health, metrics};

/// First wait after a refusal (AccessDenied, validation, ...).
const FIRST_REFUSED_RETRY: Duration = Duration::from_secs(5);

/// The longest wait between two refused attempts.
const MAX_REFUSED_RETRY: Duration = Duration::from_secs(60);

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
    let mut permit = None;
    loop {
        let created = tokio::select! {
            created = runtime.service.create_activity(&activity.name) => created,
            () = runtime.shutdown.requested.cancelled() => return None,
        };
        let error = match created {
            Ok(arn) => {
                retry_passed(permit.take());
                tracing::debug!(activity = %activity.name, %arn, "activity registered");
                return Some(Arc::from(arn));
            }
            Err(error) => error,
        };
        metrics::api_error("CreateActivity", &error);
        health.registration_failed(&error);
        drop(permit.take());
        failures = failures.saturating_add(1);
        let retryable = error.is_retryable();
        let delay = if retryable {
            let plan = runtime.retries.plan(&error, failures);
            permit = plan.permit;
            plan.delay
        } else {
            refused_retry_delay(failures, fastrand::f64())
        };
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

/// The wait after `failures` refusals in a row: doubling from 5 s up to a
/// minute, between half and all of it (`unit` in `[0, 1)`), so a fleet
/// started together does not retry together.
fn refused_retry_delay(failures: u32, unit: f64) -> Duration {
    let bound = FIRST_REFUSED_RETRY
        .saturating_mul(1 << failures.saturating_sub(1).min(16))
        .min(MAX_REFUSED_RETRY);
    bound.mul_f64(0.5 + 0.5 * unit.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_retried_from_five_seconds_to_a_minute_with_jitter() {
        assert_eq!(refused_retry_delay(1, 1.0), Duration::from_secs(5));
        assert_eq!(refused_retry_delay(1, 0.0), Duration::from_millis(2500));
        assert_eq!(refused_retry_delay(2, 1.0), Duration::from_secs(10));
        assert_eq!(refused_retry_delay(20, 1.0), MAX_REFUSED_RETRY);
    }
}
