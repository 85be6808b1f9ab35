//! The Parallel state: run branches concurrently, output their results as
//! an array.

use serde::Serialize;

use crate::asl::fields::{Common, Transition};
use crate::asl::setters::state_setters;
use crate::asl::{Branch, Catch, Retry};

/// A `"Type": "Parallel"` state.
///
/// ```
/// use stepworker::asl::{Branch, Parallel, Task};
///
/// let both = Parallel::new()
///     .branch(Branch::new().start_at("Thumb").state("Thumb", Task::activity_named("thumbnail").end()))
///     .branch(Branch::new().start_at("Scan").state("Scan", Task::activity_named("virus-scan").end()))
///     .next("Store");
/// # let _ = both;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parallel {
    #[serde(flatten)]
    pub(crate) common: Common,
    pub(crate) branches: Vec<Branch>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) retry: Vec<Retry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) catch: Vec<Catch>,
    #[serde(flatten)]
    pub(crate) transition: Option<Transition>,
}

impl Parallel {
    /// A Parallel state with no branches yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a branch to `Branches`.
    pub fn branch(mut self, branch: Branch) -> Self {
        self.branches.push(branch);
        self
    }

    /// The branches, in order (the order of the output array).
    pub fn branches(&self) -> &[Branch] {
        &self.branches
    }
}

state_setters!(Parallel: comment, paths, parameters, arguments, result_selector, result_path, output, assign, errors, transition);
