//! A poller: take a slot, long-poll, hand the task over, again.

use std::sync::Arc;
use std::time::Duration;

use super::handler::RegisteredActivity;
use super::metrics;
use super::runtime::Runtime;
use super::task::run_task;

/// First wait after a failed poll; it doubles up to [`MAX_POLL_RETRY`].
const FIRST_POLL_RETRY: Duration = Duration::from_millis(200);

/// The longest wait between failed polls.
const MAX_POLL_RETRY: Duration = Duration::from_secs(30);

/// Polls `activity_arn` until shutdown starts.
pub(crate) async fn poll_loop(
    runtime: Arc<Runtime>,
    activity: Arc<RegisteredActivity>,
    activity_arn: Arc<str>,
) {
    let name = activity.name;
    let mut failures = 0_u32;
    loop {
        let slot = tokio::select! {
            biased;
            () = runtime.stop_polling.cancelled() => return,
            slot = runtime.slots.acquire(name) => slot,
        };
        metrics::poll(name);
        // Never raced against shutdown: the service may already have handed
        // this poll a task, which would be lost until its timeout.
        let polled = runtime
            .service
            .get_activity_task(&activity_arn, &runtime.worker_name)
            .await;
        match polled {
            Ok(Some(task)) => {
                failures = 0;
                let task = run_task(Arc::clone(&runtime), Arc::clone(&activity), task, slot);
                runtime.tasks.spawn(task);
            }
            Ok(None) => {
                failures = 0;
                metrics::empty_poll(name);
            }
            Err(error) => {
                drop(slot);
                failures = failures.saturating_add(1);
                let delay = poll_retry_delay(failures, fastrand::f64());
                if error.is_retryable() {
                    tracing::warn!(activity = name, %error, retry_in = ?delay, "poll failed; retrying");
                } else {
                    tracing::error!(activity = name, %error, retry_in = ?delay, "poll refused; retrying");
                }
                tokio::select! {
                    () = runtime.stop_polling.cancelled() => return,
                    () = tokio::time::sleep(delay) => {}
                }
            }
        }
    }
}

/// The wait after `failures` failed polls in a row: doubling from 200 ms up to
/// 30 s, with full jitter (`unit` in `[0, 1)`) so pollers do not retry together.
fn poll_retry_delay(failures: u32, unit: f64) -> Duration {
    let doubled = FIRST_POLL_RETRY.saturating_mul(1 << failures.saturating_sub(1).min(16));
    doubled.min(MAX_POLL_RETRY).mul_f64(unit.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_retries_double_to_a_cap() {
        assert_eq!(poll_retry_delay(1, 1.0), Duration::from_millis(200));
        assert_eq!(poll_retry_delay(2, 1.0), Duration::from_millis(400));
        assert_eq!(poll_retry_delay(20, 1.0), MAX_POLL_RETRY);
        assert_eq!(poll_retry_delay(5, 0.0), Duration::ZERO);
    }
}
