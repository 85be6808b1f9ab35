//! `Catch`: catchers of Task, Parallel and Map states.

use serde::Serialize;
use serde_json::Value;

use super::error_names::ALL;

/// One catcher: which errors it matches and the state to go to then.
///
/// ```
/// use stepworker::asl::Catch;
///
/// let catch = Catch::on(["ResizeError"], "Cleanup").result_path("$.error");
/// # let _ = catch;
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Catch {
    pub(crate) error_equals: Vec<String>,
    pub(crate) next: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) result_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) output: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) assign: Option<Value>,
}

impl Catch {
    /// A catcher for the given error names (`ErrorEquals`) going to `next`.
    pub fn on<I, S>(errors: I, next: impl Into<String>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            error_equals: errors.into_iter().map(Into::into).collect(),
            next: next.into(),
            result_path: None,
            output: None,
            assign: None,
        }
    }

    /// A catcher for every error (`"ErrorEquals": ["States.ALL"]`); it must
    /// be the last catcher of its state.
    pub fn all(next: impl Into<String>) -> Self {
        Self::on([ALL], next)
    }

    /// Sets `ResultPath` (JSONPath): where in the state input the error
    /// output (`Error`, `Cause`) is placed.
    pub fn result_path(mut self, path: impl Into<String>) -> Self {
        self.result_path = Some(path.into());
        self
    }

    /// Sets `Output` (JSONata): what the catcher passes to `Next`.
    pub fn output(mut self, output: impl Into<Value>) -> Self {
        self.output = Some(output.into());
        self
    }

    /// Sets `Assign`: variables to store when this catcher matches.
    pub fn assign(mut self, variables: impl Into<Value>) -> Self {
        self.assign = Some(variables.into());
        self
    }

    /// The error names this catcher matches.
    pub fn errors(&self) -> &[String] {
        &self.error_equals
    }

    /// The state this catcher goes to.
    pub fn target(&self) -> &str {
        &self.next
    }
}
