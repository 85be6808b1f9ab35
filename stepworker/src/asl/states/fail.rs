//! The Fail state: end the execution (or branch) with an error.

use serde::Serialize;

use crate::asl::fields::Common;
use crate::asl::setters::state_setters;

/// `Error` / `ErrorPath`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) enum FailError {
    #[serde(rename = "Error")]
    Literal(String),
    #[serde(rename = "ErrorPath")]
    Path(String),
}

/// `Cause` / `CausePath`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) enum FailCause {
    #[serde(rename = "Cause")]
    Literal(String),
    #[serde(rename = "CausePath")]
    Path(String),
}

/// A `"Type": "Fail"` state, a terminal state with no `Next`/`End`.
///
/// ```
/// use stepworker::asl::Fail;
///
/// let fail = Fail::new().error("ImageTooLarge").cause("images over 50 MB are refused");
/// # let _ = fail;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Fail {
    #[serde(flatten)]
    pub(crate) common: Common,
    #[serde(flatten)]
    pub(crate) error: Option<FailError>,
    #[serde(flatten)]
    pub(crate) cause: Option<FailCause>,
}

impl Fail {
    /// A Fail state with no error name or cause.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `Error`, the error name (or a `{% ... %}` expression in JSONata).
    pub fn error(mut self, error: impl Into<String>) -> Self {
        self.error = Some(FailError::Literal(error.into()));
        self
    }

    /// Sets `ErrorPath` (JSONPath): the error name is read from the input.
    pub fn error_path(mut self, path: impl Into<String>) -> Self {
        self.error = Some(FailError::Path(path.into()));
        self
    }

    /// Sets `Cause`, a human-readable message (or a `{% ... %}` expression).
    pub fn cause(mut self, cause: impl Into<String>) -> Self {
        self.cause = Some(FailCause::Literal(cause.into()));
        self
    }

    /// Sets `CausePath` (JSONPath): the cause is read from the input.
    pub fn cause_path(mut self, path: impl Into<String>) -> Self {
        self.cause = Some(FailCause::Path(path.into()));
        self
    }

    /// The names of the set `*Path` fields, which only JSONPath allows.
    pub(crate) fn own_json_path_fields(&self) -> Vec<&'static str> {
        let mut fields = Vec::new();
        if matches!(self.error, Some(FailError::Path(_))) {
            fields.push("ErrorPath");
        }
        if matches!(self.cause, Some(FailCause::Path(_))) {
            fields.push("CausePath");
        }
        fields
    }
}

state_setters!(Fail: comment);
