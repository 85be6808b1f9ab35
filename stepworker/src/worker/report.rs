//! Sending a task's result, retrying throttling and transport errors.

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

use super::handler::Report;
use super::metrics;
use super::service::{is_token_gone, TaskService};

/// How reports are retried: about 30 s of exponential backoff with full
/// jitter before the worker gives up on a token (the task then times out on
/// the service side, as it would if the worker had died).
fn retry_policy() -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(100))
        .with_max_delay(Duration::from_secs(5))
        .with_max_times(10)
        .with_jitter()
}

/// Sends `report` for `token`. Taking the token by value is what makes a
/// token reported at most once: nothing can use it after this call.
pub(crate) async fn send_report(
    service: &dyn TaskService,
    token: String,
    report: Report,
    activity: &'static str,
) {
    let send = || async {
        match &report {
            Report::Success(output) => service.send_success(&token, output).await,
            Report::Failure(failure) => service.send_failure(&token, failure).await,
        }
    };
    let result = send
        .retry(retry_policy())
        .sleep(tokio::time::sleep)
        .when(|error: &crate::Error| error.is_retryable())
        .notify(|error, delay| tracing::warn!(%error, retry_in = ?delay, "reporting the task failed; retrying"))
        .await;
    match (result, &report) {
        (Ok(()), Report::Success(_)) => {
            metrics::task_succeeded(activity);
            tracing::debug!("task succeeded");
        }
        (Ok(()), Report::Failure(failure)) => {
            metrics::task_failed(activity);
            tracing::info!(error = failure.error(), "task failed");
        }
        (Err(error), _) if is_token_gone(&error) => {
            metrics::task_cancelled(activity);
            tracing::info!(%error, "the task ended on the service before its result arrived");
        }
        (Err(error), _) => {
            metrics::task_failed(activity);
            tracing::error!(%error, "could not report the task; it will time out on the service");
        }
    }
}
