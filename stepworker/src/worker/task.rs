//! One task from poll to report: heartbeats, cancellation, the shutdown cut.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use tracing::{field, Instrument, Span};

use super::handler::{RegisteredActivity, Report};
use super::heartbeat::keep_alive;
use super::report::send_report;
use super::runtime::Runtime;
use super::service::PolledTask;
use super::slots::Slot;
use super::{error_names, metrics, ActivityContext, TaskFailure};

/// How a handler's run ended.
enum Ending {
    /// It returned (or panicked) with this result.
    Finished(Report),
    /// A heartbeat found the token gone; `ctx.cancelled()` has fired.
    TokenGone,
    /// The shutdown grace period ran out first.
    GraceOver,
}

/// Runs `task` and reports it, holding `slot` until the report is sent.
///
/// The span carries the activity, the worker and a fingerprint of the token
/// (never the token itself). `execution_arn`, `state` and `attempt` are not
/// in an activity task: they stay empty unless the handler records them from
/// its input through [`ActivityContext::span`].
pub(crate) async fn run_task(
    runtime: Arc<Runtime>,
    activity: Arc<RegisteredActivity>,
    task: PolledTask,
    slot: Slot,
) {
    let span = tracing::info_span!(
        "activity_task",
        activity = activity.name,
        worker = %runtime.worker_name,
        task = %fingerprint(&task.token),
        execution_arn = field::Empty,
        state = field::Empty,
        attempt = field::Empty,
    );
    execute(&runtime, &activity, task, span.clone())
        .instrument(span)
        .await;
    drop(slot);
}

async fn execute(runtime: &Runtime, activity: &RegisteredActivity, task: PolledTask, span: Span) {
    let name = activity.name;
    metrics::task_started(name);
    let PolledTask { token, input } = task;
    let service = runtime.service.as_ref();
    if runtime.grace_over.is_cancelled() {
        // A poll that was in flight when the grace period ran out: fail the
        // task at once so the state machine can retry it elsewhere.
        send_report(service, token, Report::Failure(shutdown_failure()), name).await;
        return;
    }

    let ctx = ActivityContext::new(span);
    let mut handler = activity.handler.execute(input, ctx.clone());
    let heartbeats = keep_alive(
        service,
        &token,
        activity.heartbeat_policy(runtime.heartbeat_fallback),
        &ctx,
        name,
    );
    let ending = tokio::select! {
        report = &mut handler => Ending::Finished(report),
        () = heartbeats => Ending::TokenGone,
        () = runtime.grace_over.cancelled() => Ending::GraceOver,
    };

    match ending {
        Ending::Finished(report) => {
            drop(handler);
            send_report(service, token, report, name).await;
        }
        Ending::TokenGone => {
            metrics::task_cancelled(name);
            // The result can no longer be reported; the wait only lets a
            // handler that watches `cancelled()` clean up before it is dropped.
            tokio::select! {
                _ = &mut handler => {}
                () = tokio::time::sleep(runtime.cancel_grace) => {
                    tracing::warn!("the handler ignored cancellation; dropping it");
                }
                () = runtime.grace_over.cancelled() => {}
            }
        }
        Ending::GraceOver => {
            ctx.cancel();
            drop(handler);
            tracing::warn!("shutdown grace period over; failing the task");
            send_report(service, token, Report::Failure(shutdown_failure()), name).await;
        }
    }
}

fn shutdown_failure() -> TaskFailure {
    TaskFailure::new(
        error_names::SHUTDOWN,
        "the worker shut down before the task finished; it can be retried on another worker",
    )
}

/// A short stable tag for a task token, for logs: tokens are credentials.
fn fingerprint(token: &str) -> String {
    let mut hasher = DefaultHasher::new();
    token.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}
