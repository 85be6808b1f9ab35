//! The Succeed state: end the execution (or branch) successfully.

use serde::Serialize;

use crate::asl::fields::Common;
use crate::asl::setters::state_setters;

/// A `"Type": "Succeed"` state, a terminal state with no `Next`/`End`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Succeed {
    #[serde(flatten)]
    pub(crate) common: Common,
}

impl Succeed {
    /// A Succeed state.
    pub fn new() -> Self {
        Self::default()
    }
}

state_setters!(Succeed: comment, paths, output);
