//! The Pass state: pass its input (or a fixed result) on, optionally
//! transformed.

use serde::Serialize;
use serde_json::Value;

use crate::asl::fields::{Common, Transition};
use crate::asl::setters::state_setters;

/// A `"Type": "Pass"` state.
///
/// ```
/// use serde_json::json;
/// use stepworker::asl::Pass;
///
/// let pass = Pass::new().result(json!({"size": 10})).result_path("$.defaults").next("Resize");
/// # let _ = pass;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Pass {
    #[serde(flatten)]
    pub(crate) common: Common,
    #[serde(flatten)]
    pub(crate) transition: Option<Transition>,
}

impl Pass {
    /// A Pass state that passes its input on unchanged.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `Result` (JSONPath): a fixed value used as the state's result.
    pub fn result(mut self, result: impl Into<Value>) -> Self {
        self.common.result = Some(result.into());
        self
    }
}

state_setters!(Pass: comment, paths, parameters, result_path, output, assign, transition);
