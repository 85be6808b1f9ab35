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
        // AWS's sentence, then JSONata's own message: after ". " when it
        // opens with a JSONata code (`T0410: ...`), after ": " when it does
        // not (our own functions' messages), as AWS joins them.
        let message = aws_message(error.message());
        let separator = if has_jsonata_code(message) {
            ". "
        } else {
            ": "
        };
        self.error(format!(
            "threw an error during evaluation{separator}{message}"
        ))
    }

    /// The evaluator itself broke down (a bug in it, not in the expression).
    /// AWS words its own internal failures this way too.
    pub fn internal_error(&self) -> StatesError {
        self.error("threw an internal error during evaluation.".to_owned())
    }

    /// The request's or state's evaluation budget ran out before this
    /// expression could start.
    pub fn out_of_time(&self) -> StatesError {
        self.error("was not evaluated: the time budget of the evaluation ran out.".to_owned())
    }

    /// The evaluation allocated more than its memory budget.
    pub fn out_of_memory(&self, budget: usize) -> StatesError {
        self.error(format!(
            "was stopped: it allocated more than its memory budget of {} MiB.",
            budget / (1024 * 1024)
        ))
    }

    /// The value nests deeper than the engine keeps values.
    pub fn too_deep(&self, limit: usize) -> StatesError {
        self.error(format!(
            "returned a value nested more than {limit} levels deep."
        ))
    }

    /// The expression gave no value where the field needs one.
    ///
    /// AWS: a JSONata expression in a field must produce a value, since JSON
    /// cannot represent `undefined`; AWS fails the state with this sentence.
    pub fn undefined(&self) -> StatesError {
        self.error("returned nothing (undefined).".to_owned())
    }

    /// The value is not of the JSON type the field needs, in AWS's words
    /// (recorded: LocalStack's `test_base_scenarios.snapshot.json`,
    /// `test_map_state_items_eval_jsonata_fail[boolean]`).
    pub fn unexpected_type(&self, expected: &str, got: &serde_json::Value) -> StatesError {
        let kind = match got {
            serde_json::Value::Null => "null",
            serde_json::Value::Bool(_) => "boolean",
            serde_json::Value::Number(_) => "number",
            serde_json::Value::String(_) => "string",
            serde_json::Value::Array(_) => "array",
            serde_json::Value::Object(_) => "object",
        };
        self.error(format!(
            "returned an unexpected result type. Expected '{expected}', but was '{kind}' for value: {got}"
        ))
    }

    /// The expression gave a function, which no field can hold.
    pub fn unsupported_type(&self) -> StatesError {
        self.error("returned an unsupported result type.".to_owned())
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

/// True for a message that opens with a JSONata error code: a capital
/// letter, four digits and a colon (`T0410:`, `D3086:`).
fn has_jsonata_code(message: &str) -> bool {
    let bytes = message.as_bytes();
    bytes.len() > 5
        && bytes[0].is_ascii_uppercase()
        && bytes[1..5].iter().all(u8::is_ascii_digit)
        && bytes[5] == b':'
}

/// JSONata's message as jsonata-js (and so AWS) words it: jsonata-core
/// names the callee after T1006, jsonata-js does not (recorded: LocalStack's
/// `test_math_operations_jsonata.snapshot.json`, `test_math_random_seeded`:
/// `T1006: Attempted to invoke a non-function`).
fn aws_message(message: &str) -> &str {
    const NOT_A_FUNCTION: &str = "T1006: Attempted to invoke a non-function";
    if message.starts_with(NOT_A_FUNCTION) {
        NOT_A_FUNCTION
    } else {
        message
    }
}

#[cfg(test)]
mod tests {
    use super::has_jsonata_code;

    #[test]
    fn recognises_jsonata_codes() {
        assert!(has_jsonata_code("T0410: Argument 1 must be Number"));
        assert!(has_jsonata_code("D3086: Invalid character in picture"));
        assert!(!has_jsonata_code("$partition: the size must be positive"));
        assert!(!has_jsonata_code("T041: short"));
        assert!(!has_jsonata_code(""));
    }
}
