//! What `deploy` can fail with.

use crate::client::Error as ClientError;
use crate::model::StateMachineType;

/// A deploy error, naming the step that failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeployError {
    /// `CreateActivity` failed for an activity the definition references.
    #[error("creating activity `{activity}`: {source}")]
    Activity {
        /// The activity name.
        activity: String,
        /// The client error.
        #[source]
        source: ClientError,
    },
    /// The state machine exists with another type, which
    /// `UpdateStateMachine` cannot change.
    #[error("state machine `{name}` exists as {existing:?}; its type cannot change to {wanted:?}")]
    TypeMismatch {
        /// The state machine name.
        name: String,
        /// Its current type.
        existing: StateMachineType,
        /// The type asked for.
        wanted: StateMachineType,
    },
    /// A state machine call failed (list, describe, create, update, tag).
    #[error("deploying state machine `{name}`: {source}")]
    StateMachine {
        /// The state machine name.
        name: String,
        /// The client error.
        #[source]
        source: ClientError,
    },
}
