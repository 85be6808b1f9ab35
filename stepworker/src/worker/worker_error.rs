/// Why a worker could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkerError {
    /// The builder was given no activity.
    #[error("the worker has no activities; add one with `.activity(..)`")]
    NoActivities,
    /// Two activities share one name, so their tasks could not be told apart.
    #[error("two activities are named `{0}`")]
    DuplicateActivity(String),
    /// Limits were given for an activity the worker does not have.
    #[error("limits were set for `{0}`, which is not one of the worker's activities")]
    UnknownActivity(String),
    /// An ARN given to `activity_arn` is not an activity ARN.
    #[error(
        "`{0}` is not an activity ARN (arn:<partition>:states:<region>:<account>:activity:<name>)"
    )]
    InvalidActivityArn(String),
}
