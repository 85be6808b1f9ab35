/// Why a worker could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkerError {
    /// The builder was given no activity.
    #[error("the worker has no activities; add one with `.activity(..)`")]
    NoActivities,
    /// Two activities share one name, so their tasks could not be told apart.
    #[error("two activities are named `{0}`")]
    DuplicateActivity(&'static str),
    /// CreateActivity failed with an error retrying cannot fix.
    #[error("cannot register activity `{activity}`: {source}")]
    Register {
        /// The activity name.
        activity: &'static str,
        /// What the service answered.
        #[source]
        source: crate::Error,
    },
}
