//! Runtime errors raised while interpreting a state.

use std::fmt;

use super::errors;

/// A runtime failure of a state: the error name and cause AWS reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatesError {
    /// The error name, e.g. `States.Runtime`.
    pub error: String,
    /// A human-readable cause.
    pub cause: String,
    /// The field of the state whose expression failed to evaluate (the
    /// `location` of an `EvaluationFailed` event); `None` for errors that
    /// are not evaluation failures.
    pub location: Option<String>,
}

impl StatesError {
    /// An error with the given name and cause.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        Self {
            error: error.into(),
            cause: cause.into(),
            location: None,
        }
    }

    /// A `States.QueryEvaluationError` of the expression in field
    /// `location` (`Arguments`, `Output`, `Condition`, ...).
    pub fn query_evaluation(location: impl Into<String>, cause: impl Into<String>) -> Self {
        Self {
            location: Some(location.into()),
            ..Self::new(errors::QUERY_EVALUATION_ERROR, cause)
        }
    }

    /// A `States.Runtime` error: AWS reports every path, type and
    /// intrinsic-function fault under this name.
    pub fn runtime(cause: impl Into<String>) -> Self {
        Self::new(errors::RUNTIME, cause)
    }

    /// A `States.DataLimitExceeded` error.
    pub fn data_limit_exceeded(cause: impl Into<String>) -> Self {
        Self::new(errors::DATA_LIMIT_EXCEEDED, cause)
    }
}

impl fmt::Display for StatesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error, self.cause)
    }
}

impl std::error::Error for StatesError {}
