//! Sending a task's result for as long as the task can still be completed.
//!
//! A finished result is the most expensive thing a worker holds: the work is
//! done. So a report is retried (throttling, 5xx, transport errors) until the
//! task's own deadline on the service ([`TaskClock`]), while the task's
//! heartbeats go on, and not for a fixed number of tries. It stops early only
//! when the service says the token is gone, or when the worker's shutdown
//! deadline comes.

use tokio::time::Instant;

use super::sync::{now, sleep_until};
use tokio_util::sync::CancellationToken;

use super::handler::Report;
use super::metrics;
use super::retries::{retry_passed, Retries};
use super::service::{is_token_gone, TaskService};
use super::task_clock::TaskClock;
use crate::client::Error;

/// How a report ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReportOutcome {
    /// The service accepted it.
    Delivered,
    /// An attempt may have reached the service without its answer arriving
    /// (a lost connection, a timeout, a 5xx), and a later attempt or heartbeat
    /// was told the token is gone: most likely the first attempt closed the
    /// task. Neither "delivered" nor "lost" can be proven.
    MaybeDelivered,
    /// The service no longer knew the token before any attempt could have
    /// reached it: the task timed out or its execution ended first.
    TokenGone,
    /// The service refused the report with an error no retry can fix.
    Refused,
    /// The task's deadline, or the worker's shutdown deadline, came first.
    /// The task will time out on the service, as if the worker had died.
    GivenUp,
}

/// What a report's retries draw on, and what can end them besides an answer.
pub(crate) struct ReportLimits<'a> {
    /// The client's backoff and retry quota.
    pub(crate) retries: &'a Retries,
    /// The task's deadline on the service.
    pub(crate) clock: &'a TaskClock,
    /// Cancelled when a heartbeat was told the token is gone.
    pub(crate) token_gone: &'a CancellationToken,
    /// Cancelled at the worker's shutdown deadline.
    pub(crate) shutdown_deadline: &'a CancellationToken,
}

/// Sends `report` for `token`. Taking the token by value is what makes a
/// token reported at most once: nothing can use it after this call.
pub(crate) async fn send_report(
    service: &dyn TaskService,
    token: String,
    report: Report,
    activity: &str,
    limits: ReportLimits<'_>,
) -> ReportOutcome {
    let outcome = deliver(service, &token, &report, &limits).await;
    record(outcome, &report, activity);
    outcome
}

async fn deliver(
    service: &dyn TaskService,
    token: &str,
    report: &Report,
    limits: &ReportLimits<'_>,
) -> ReportOutcome {
    // Every attempt is the worker's own (single-attempt calls), so an
    // ambiguous one is always seen here, whoever answers after it.
    let mut ambiguous = false;
    let mut failures = 0_u32;
    let mut permit = None;
    loop {
        if limits.shutdown_deadline.is_cancelled() {
            tracing::error!("shutdown deadline reached before the result was sent; it is lost");
            return ReportOutcome::GivenUp;
        }
        let attempt = async {
            match report {
                Report::Success(output) => service.send_success(token, output).await,
                Report::Failure(failure) => service.send_failure(token, failure).await,
            }
        };
        // An attempt in flight is never dropped for a heartbeat's news: it
        // may be the one the service accepts. Only the shutdown deadline,
        // after which the process exits anyway, cuts it.
        let answered = tokio::select! {
            answered = attempt => answered,
            () = limits.shutdown_deadline.cancelled() => {
                tracing::error!("shutdown deadline reached while reporting; the result may be lost");
                return ReportOutcome::GivenUp;
            }
        };
        let error = match answered {
            Ok(()) => {
                retry_passed(permit.take());
                return ReportOutcome::Delivered;
            }
            Err(error) => error,
        };
        // The retry failed too: its cost stays spent.
        drop(permit.take());
        metrics::api_error(report.operation(), &error);
        if is_token_gone(&error) {
            return gone(ambiguous, &error);
        }
        if !error.is_retryable() {
            tracing::error!(%error, "the service refused the task's result");
            return ReportOutcome::Refused;
        }
        ambiguous |= may_have_taken_effect(&error);
        failures = failures.saturating_add(1);
        let plan = limits.retries.plan(&error, failures);
        permit = plan.permit;
        tracing::warn!(%error, failures, retry_in = ?plan.delay, "reporting the task failed; retrying");
        if let Some(outcome) = wait_to_retry(now() + plan.delay, limits, ambiguous, &error).await {
            return outcome;
        }
    }
}

/// Waits until `wake_at`, unless the task's deadline passes first (it moves
/// on with every accepted heartbeat, so it is read again at each wake-up),
/// the token is gone, or the shutdown deadline comes; then says how the
/// report ended.
async fn wait_to_retry(
    wake_at: Instant,
    limits: &ReportLimits<'_>,
    ambiguous: bool,
    error: &Error,
) -> Option<ReportOutcome> {
    loop {
        let now = now();
        let deadline = limits.clock.deadline();
        if now >= deadline {
            tracing::error!(%error, "the task's deadline passed while its report was retried; giving up its result");
            return Some(ReportOutcome::GivenUp);
        }
        if now >= wake_at {
            return None;
        }
        tokio::select! {
            () = sleep_until(wake_at.min(deadline)) => {}
            () = limits.token_gone.cancelled() => return Some(gone(ambiguous, error)),
            () = limits.shutdown_deadline.cancelled() => {
                tracing::error!("shutdown deadline reached while reporting; the result may be lost");
                return Some(ReportOutcome::GivenUp);
            }
        }
    }
}

fn gone(ambiguous: bool, error: &Error) -> ReportOutcome {
    if ambiguous {
        tracing::warn!(%error, "the token is gone after an attempt whose answer was lost; the result was most likely delivered");
        ReportOutcome::MaybeDelivered
    } else {
        tracing::info!(%error, "the task ended on the service before its result arrived");
        ReportOutcome::TokenGone
    }
}

fn record(outcome: ReportOutcome, report: &Report, activity: &str) {
    match (outcome, report) {
        (ReportOutcome::Delivered, Report::Success(_)) => {
            metrics::task_succeeded(activity);
            tracing::debug!("task succeeded");
        }
        (ReportOutcome::Delivered, Report::Failure(failure)) => {
            metrics::task_failed(activity);
            tracing::info!(error = failure.error(), "task failed");
        }
        (ReportOutcome::MaybeDelivered, _) => metrics::report_maybe_delivered(activity),
        (ReportOutcome::TokenGone, _) => metrics::task_cancelled(activity),
        (ReportOutcome::Refused | ReportOutcome::GivenUp, _) => {
            metrics::report_given_up(activity);
        }
    }
}

/// Whether the service may have acted on a request that failed this way: its
/// answer was lost (a broken connection after sending, a timeout) or it broke
/// down while handling it (a 5xx).
fn may_have_taken_effect(error: &Error) -> bool {
    match error {
        Error::Transport(transport) => !transport.request_not_sent(),
        Error::Timeout { .. } => true,
        Error::Http { status, .. } => *status >= 500,
        Error::Service(service) => service.status() >= 500,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ServiceError;
    use crate::model::ErrorCode;

    #[test]
    fn only_answers_that_may_hide_an_effect_are_ambiguous() {
        let service = |code, status| Error::Service(ServiceError::new(code, None, None, status));
        assert!(!may_have_taken_effect(&service(
            ErrorCode::ThrottlingException,
            400
        )));
        assert!(may_have_taken_effect(&service(
            ErrorCode::ServiceUnavailable,
            503
        )));
        assert!(may_have_taken_effect(&Error::Timeout {
            operation: "SendTaskSuccess",
            after: std::time::Duration::from_secs(10),
        }));
    }
}
