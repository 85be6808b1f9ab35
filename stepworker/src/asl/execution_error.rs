//! What starting and waiting for an execution can fail with.

use crate::client::Error as ClientError;

/// An execution error: the execution ended without success, or a call or
/// (de)serialization failed on the way.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExecutionError {
    /// The execution failed (`FAILED`): a Fail state, or an error no
    /// catcher handled.
    #[error("execution {execution_arn} failed: {}", describe(.error, .cause))]
    Failed {
        /// The execution ARN.
        execution_arn: String,
        /// The error name, e.g. `States.TaskFailed` or your activity's.
        error: Option<String>,
        /// The cause.
        cause: Option<String>,
    },
    /// The execution ran past its `TimeoutSeconds` (`TIMED_OUT`).
    #[error("execution {execution_arn} timed out: {}", describe(.error, .cause))]
    TimedOut {
        /// The execution ARN.
        execution_arn: String,
        /// The error name.
        error: Option<String>,
        /// The cause.
        cause: Option<String>,
    },
    /// The execution was stopped (`ABORTED`), e.g. by `StopExecution`.
    #[error("execution {execution_arn} was aborted: {}", describe(.error, .cause))]
    Aborted {
        /// The execution ARN.
        execution_arn: String,
        /// The error given to `StopExecution`, if any.
        error: Option<String>,
        /// The cause given to `StopExecution`, if any.
        cause: Option<String>,
    },
    /// The service reported a status this version does not know.
    #[error("execution {execution_arn} has unexpected status {status}")]
    UnexpectedStatus {
        /// The execution ARN.
        execution_arn: String,
        /// The status as the service spelled it.
        status: String,
    },
    /// The input could not be serialized as JSON.
    #[error("serializing the execution input: {0}")]
    Input(#[source] serde_json::Error),
    /// The output did not deserialize into the requested type.
    #[error("deserializing the output of execution {execution_arn}: {source}")]
    Output {
        /// The execution ARN.
        execution_arn: String,
        /// Where and why deserializing failed.
        #[source]
        source: serde_json::Error,
    },
    /// A Step Functions call failed.
    #[error(transparent)]
    Service(#[from] ClientError),
}

impl ExecutionError {
    /// The execution's error name, for executions that ended unsuccessfully.
    pub fn error(&self) -> Option<&str> {
        match self {
            Self::Failed { error, .. }
            | Self::TimedOut { error, .. }
            | Self::Aborted { error, .. } => error.as_deref(),
            _ => None,
        }
    }

    /// The execution's cause, for executions that ended unsuccessfully.
    pub fn cause(&self) -> Option<&str> {
        match self {
            Self::Failed { cause, .. }
            | Self::TimedOut { cause, .. }
            | Self::Aborted { cause, .. } => cause.as_deref(),
            _ => None,
        }
    }
}

fn describe(error: &Option<String>, cause: &Option<String>) -> String {
    match (error, cause) {
        (Some(error), Some(cause)) => format!("{error}: {cause}"),
        (Some(error), None) => error.clone(),
        (None, Some(cause)) => cause.clone(),
        (None, None) => "no error or cause given".to_owned(),
    }
}
