//! What the step list shows: one record per state visit, and the status
//! of each state over all its visits.

use std::collections::BTreeMap;

use serde::Serialize;
use stepworker::model::Timestamp;

/// How a state visit ended (or that it has not yet).
///
/// Ordered by how much a reader needs to see it: when a state was
/// visited several times, the graph shows the greatest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Left normally, first attempt.
    Succeeded,
    /// Left normally after one or more retries.
    Retried,
    /// Failed, and a `Catch` rule sent the execution on.
    Caught,
    /// Stopped from outside: the execution was stopped, timed out, or a
    /// sibling branch failed.
    Aborted,
    /// The execution failed here.
    Failed,
    /// Entered and not left yet.
    Running,
}

/// One visit of one state.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// The state's name.
    pub name: String,
    /// The state's type (`Task`, `Pass`...).
    pub state_type: String,
    /// Id of the `...StateEntered` event.
    pub entered_event_id: i64,
    /// Index (in the step list) of the Parallel or Map visit this one
    /// runs inside.
    pub parent: Option<usize>,
    /// When the state was entered.
    pub entered_at: Timestamp,
    /// When it was left, if it was.
    pub exited_at: Option<Timestamp>,
    /// Milliseconds from entering to leaving.
    pub duration_millis: Option<i64>,
    /// The state's input (absent when the history was read without data).
    pub input: Option<String>,
    /// The state's output.
    pub output: Option<String>,
    /// The variables the state assigned: name -> value as JSON text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_variables: Option<BTreeMap<String, String>>,
    /// The error of the last failed attempt.
    pub error: Option<String>,
    /// The cause of the last failed attempt.
    pub cause: Option<String>,
    /// Tasks scheduled (1 plus the retries), 0 for states without tasks.
    pub attempts: u32,
    /// Attempts after the first.
    pub retries: u32,
    /// How the visit ended.
    pub status: StepStatus,
}

/// A transition the execution took.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Transition {
    /// The state left.
    pub from: String,
    /// The state entered.
    pub to: String,
}

/// How the execution ended, from its last event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// `SUCCEEDED`, `FAILED`, `ABORTED` or `TIMED_OUT`.
    pub status: String,
    /// Error name, for an execution that did not succeed.
    pub error: Option<String>,
    /// Cause.
    pub cause: Option<String>,
}

/// Everything the execution page shows besides the raw history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExecutionSteps {
    /// State visits in the order they began.
    pub steps: Vec<Step>,
    /// Each visited state's status (states not listed were not reached).
    pub states: BTreeMap<String, StepStatus>,
    /// Transitions taken, each once.
    pub transitions: Vec<Transition>,
    /// `None` while the execution runs.
    pub outcome: Option<Outcome>,
}
