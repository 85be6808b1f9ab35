//! JSONata failures as the `States.QueryEvaluationError` AWS reports.

use jsonata_core::evaluator::EvaluatorError;

use crate::asl::states_error::StatesError;

/// Where an expression sits, for error causes.
#[derive(Clone, Copy, Debug)]
pub(super) struct Site<'a> {
    pub field: &'a str,
    pub expression: &'a str,
}

impl Site<'_> {
    /// The expression threw.
    pub fn failed(&self, error: &EvaluatorError) -> StatesError {
        // AWS's sentence, then JSONata's own `CODE: message`.
        self.error(format!(
            "threw an error during evaluation. {}",
            error.message()
        ))
    }

    /// The expression gave no value where the field needs one.
    ///
    /// AWS: a JSONata expression in a field must produce a value, since JSON
    /// cannot represent `undefined`; AWS fails the state with this sentence.
    pub fn undefined(&self) -> StatesError {
        self.error("returned nothing (undefined).".to_owned())
    }

    /// The value has the wrong type for the field.
    pub fn wrong_type(&self, wanted: &str, got: &serde_json::Value) -> StatesError {
        self.error(format!("returned {got}, but the field needs {wanted}"))
    }

    fn error(&self, what: String) -> StatesError {
        StatesError::query_evaluation(
            self.field,
            format!(
                "The JSONata expression '{}' specified for the field '{}' {what}",
                self.expression, self.field
            ),
        )
    }
}
