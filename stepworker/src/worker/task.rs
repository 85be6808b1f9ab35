//! One task from poll to report: the handler in a tokio task of its own,
//! heartbeats in another, cancellation, the shutdown cut.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use tracing::{field, Instrument, Span};

use super::handler::{RegisteredActivity, Report};
use super::heartbeat::{HeartbeatSetup, Heartbeats};
use super::report::{send_report, ReportLimits, ReportOutcome};
use super::runtime::Runtime;
use super::service::PolledTask;
use super::slots::Slot;
use super::sync::{self, Aborted};
use super::task_clock::TaskClock;
use super::{error_names, metrics, ActivityContext, TaskFailure};

/// How a handler's run ended.
enum Ending {
    /// It returned (or panicked) with this result.
    Finished(Report),
    /// A heartbeat found the token gone; `ctx.cancelled()` has fired.
    TokenGone,
    /// The shutdown cut came first.
    Cut,
}

/// Runs `task` and reports it, holding `slot` until the report is done.
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
) -> Option<ReportOutcome> {
    let span = tracing::info_span!(
        "activity_task",
        activity = %activity.name,
        worker = %runtime.worker_name,
        task = %fingerprint(&task.token),
        execution_arn = field::Empty,
        state = field::Empty,
        attempt = field::Empty,
    );
    let _in_flight = metrics::TaskInFlight::start(&activity.name);
    let outcome = execute(&runtime, &activity, task, span.clone())
        .instrument(span)
        .await;
    drop(slot);
    outcome
}

/// Runs and reports one task; `None` when nothing was reported because the
/// service cancelled the task while it ran.
async fn execute(
    runtime: &Runtime,
    activity: &RegisteredActivity,
    task: PolledTask,
    span: Span,
) -> Option<ReportOutcome> {
    let name = &*activity.name;
    metrics::task_started(name);
    let PolledTask { token, input } = task;
    let clock = Arc::new(TaskClock::start(
        activity.heartbeat_hint,
        activity.timeout_hint,
    ));
    let ctx = ActivityContext::new(span.clone());
    // Heartbeats run from the poll until the report is done, apart from the
    // handler: a report retried for minutes keeps its task alive.
    let heartbeats = Heartbeats::spawn(
        HeartbeatSetup {
            service: Arc::clone(&runtime.service),
            retries: runtime.retries.clone(),
            pacer: Arc::clone(&runtime.heartbeat_pacer),
            token: token.clone(),
            policy: activity.heartbeat_policy(runtime.heartbeat_fallback),
            clock: Arc::clone(&clock),
            activity: Arc::clone(&activity.name),
        },
        ctx.clone(),
    );
    let report = |report: Report| {
        let limits = ReportLimits {
            retries: &runtime.retries,
            clock: &clock,
            token_gone: heartbeats.gone_token(),
            shutdown_deadline: &runtime.shutdown.deadline,
        };
        send_report(runtime.service.as_ref(), token, report, name, limits)
    };
    if runtime.shutdown.cut.is_cancelled() {
        // A poll answered as the cut came: fail the task at once so the
        // state machine can retry it elsewhere.
        return Some(report(Report::Failure(shutdown_failure())).await);
    }

    let mut handler = sync::spawn(
        Arc::clone(&activity.handler)
            .execute(input, ctx.clone())
            .instrument(span),
    );
    // Biased: a gone token wins over a result (a handler that returns after
    // `cancelled()` has nothing to report), and a result over the cut (a
    // finished result is never thrown away).
    let ending = tokio::select! {
        biased;
        () = heartbeats.token_gone() => Ending::TokenGone,
        joined = &mut handler => Ending::Finished(joined_report(joined)),
        () = runtime.shutdown.cut.cancelled() => Ending::Cut,
    };
    metrics::task_duration(name, clock.elapsed());

    match ending {
        Ending::Finished(report_value) => Some(report(report_value).await),
        Ending::TokenGone => {
            metrics::task_cancelled(name);
            // The result can no longer be reported; the wait only lets a
            // handler that watches `cancelled()` clean up before it is dropped.
            tokio::select! {
                _ = &mut handler => {}
                () = sync::sleep(runtime.cancel_grace) => {
                    tracing::warn!("the handler ignored cancellation; dropping it");
                }
                () = runtime.shutdown.cut.cancelled() => {}
            }
            None
        }
        Ending::Cut => {
            ctx.cancel();
            handler.abort();
            tracing::warn!("shutdown cut: failing the unfinished task with Worker.Shutdown");
            Some(report(Report::Failure(shutdown_failure())).await)
        }
    }
}

/// The handler task's result. The handler catches its own panics, so an
/// error here means its task was cancelled from outside (the runtime is
/// shutting down); the task is failed so it can be retried.
fn joined_report(joined: Result<Report, Aborted>) -> Report {
    joined.unwrap_or_else(|error| {
        Report::Failure(TaskFailure::new(
            error_names::SHUTDOWN,
            format!("the handler's task ended early: {error}"),
        ))
    })
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
