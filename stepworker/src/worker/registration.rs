//! CreateActivity for every activity before polling starts.

use std::sync::Arc;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

use super::handler::RegisteredActivity;
use super::service::TaskService;
use super::WorkerError;

/// Registers each activity (CreateActivity is idempotent by name) and returns
/// its ARN, retrying throttling and transport errors.
pub(crate) async fn register_all(
    service: &dyn TaskService,
    activities: &[Arc<RegisteredActivity>],
) -> Result<Vec<Arc<str>>, WorkerError> {
    let policy = ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(200))
        .with_max_delay(Duration::from_secs(10))
        .with_max_times(8)
        .with_jitter();
    let mut arns = Vec::with_capacity(activities.len());
    for activity in activities {
        let arn = (|| service.create_activity(activity.name))
            .retry(policy)
            .sleep(tokio::time::sleep)
            .when(|error: &crate::Error| error.is_retryable())
            .notify(|error, delay| {
                tracing::warn!(activity = activity.name, %error, retry_in = ?delay, "CreateActivity failed; retrying");
            })
            .await
            .map_err(|source| WorkerError::Register {
                activity: activity.name,
                source,
            })?;
        tracing::debug!(activity = activity.name, %arn, "activity registered");
        arns.push(Arc::from(arn));
    }
    Ok(arns)
}
