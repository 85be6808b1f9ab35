//! A poller: take a slot, long-poll, hand the task over, again; with an
//! adaptive count, also start a sibling or retire after each poll.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::handler::RegisteredActivity;
use super::health::ActivityHealthCell;
use super::metrics;
use super::poller_count::PollerCount;
use super::retries::retry_passed;
use super::runtime::Runtime;
use super::service::PolledTask;
use super::slots::{ActivitySlots, Slot};
use super::sync;
use super::task::run_task;

/// One activity as its pollers see it.
pub(crate) struct PollTarget {
    pub(crate) activity: Arc<RegisteredActivity>,
    pub(crate) arn: Arc<str>,
    pub(crate) count: PollerCount,
    pub(crate) health: Arc<ActivityHealthCell>,
    pub(crate) slots: Arc<ActivitySlots>,
}

/// Starts one more poller for `target` (already counted).
pub(crate) fn spawn_poller(runtime: &Arc<Runtime>, target: &Arc<PollTarget>) {
    // Boxed as `dyn Future + Send` so a poller can start a sibling: an
    // `async fn` that spawns itself would need its own type to be known.
    let poller: Pin<Box<dyn Future<Output = ()> + Send>> =
        Box::pin(poll_loop(Arc::clone(runtime), Arc::clone(target)));
    sync::spawn_detached(runtime.pollers.track_future(poller));
}

/// Polls `target` until shutdown starts, or until it retires.
async fn poll_loop(runtime: Arc<Runtime>, target: Arc<PollTarget>) {
    let name = &*target.activity.name;
    let mut failures = 0_u32;
    // The retry quota's permit for a poll that retries a failed one.
    let mut permit = None;
    loop {
        let slot = tokio::select! {
            biased;
            () = runtime.shutdown.requested.cancelled() => return,
            slot = runtime.slots.acquire(name, &target.slots) => slot,
        };
        let sent = tokio::select! {
            biased;
            () = runtime.shutdown.requested.cancelled() => return,
            sent = runtime.poll_pacer.wait_in_any_order() => sent,
        };
        metrics::poll(name);
        // Shutdown lets an open poll run on until the cut: the service may
        // hand it a task at any moment, and a task handed to a poll the
        // worker dropped is lost until its HeartbeatSeconds or TimeoutSeconds
        // (the service cannot tell that nobody reads the answer).
        let polled = tokio::select! {
            biased;
            polled = runtime.service.get_activity_task(&target.arn, &runtime.worker_name) => polled,
            () = runtime.shutdown.cut.cancelled() => {
                metrics::poll_cancelled(name);
                tracing::info!(
                    activity = name,
                    "shutdown cut: dropping an open poll (a task the service hands it now \
                     comes back after the Task state's HeartbeatSeconds)"
                );
                return;
            }
        };
        match polled {
            Ok(Some(task)) => {
                runtime.poll_pacer.observe(sent, false);
                retry_passed(permit.take());
                failures = 0;
                target.health.poll_succeeded();
                start_task(&runtime, &target, task, slot);
                if runtime.slots.available() > 0 && target.count.try_add() {
                    tracing::debug!(
                        activity = name,
                        pollers = target.count.running(),
                        "work is waiting and slots are free: one more poller"
                    );
                    metrics::pollers(name, target.count.running());
                    spawn_poller(&runtime, &target);
                }
            }
            Ok(None) => {
                runtime.poll_pacer.observe(sent, false);
                retry_passed(permit.take());
                failures = 0;
                target.health.poll_succeeded();
                metrics::empty_poll(name);
                drop(slot);
                if target.count.try_retire() {
                    tracing::debug!(
                        activity = name,
                        pollers = target.count.running(),
                        "empty poll: one poller fewer"
                    );
                    metrics::pollers(name, target.count.running());
                    return;
                }
            }
            Err(error) => {
                runtime.poll_pacer.observe(sent, error.is_throttling());
                drop(slot);
                metrics::api_error("GetActivityTask", &error);
                target.health.poll_failed(&error);
                drop(permit.take());
                failures = failures.saturating_add(1);
                // The client's backoff (from 1 s when throttled) and quota:
                // pollers share the retry budget of reports and heartbeats.
                let plan = runtime.retries.plan(&error, failures);
                permit = plan.permit;
                let delay = plan.delay;
                if error.is_retryable() {
                    tracing::warn!(activity = name, %error, retry_in = ?delay, "poll failed; retrying");
                } else {
                    tracing::error!(activity = name, %error, retry_in = ?delay, "poll refused; retrying");
                }
                tokio::select! {
                    () = runtime.shutdown.requested.cancelled() => return,
                    () = sync::sleep(delay) => {}
                }
            }
        }
    }
}

fn start_task(runtime: &Arc<Runtime>, target: &PollTarget, task: PolledTask, slot: Slot) {
    let task = run_task(
        Arc::clone(runtime),
        Arc::clone(&target.activity),
        task,
        slot,
    );
    sync::spawn_detached(runtime.tasks.track_future(async move {
        task.await;
    }));
}
