//! The `mock` of a TestState request: the result or error that stands in
//! for the work of a Task, Parallel or Map state.

use serde_json::Value;
use stepworker::model::{ErrorCode, MockInput, MockResponseValidationMode};

use crate::asl::StatesError;
use crate::error::{ApiError, ApiResult};
use crate::validate::{self, limits};

/// What the mocked work returned.
#[derive(Debug, Clone, PartialEq)]
pub enum MockOutcome {
    /// The work succeeded with this result.
    Result(Value),
    /// The work failed with this error.
    Error(StatesError),
}

/// Reads a request's mock: exactly one of `result` (JSON text) and
/// `errorOutput` (with its `error`).
pub fn read_mock(mock: &MockInput) -> ApiResult<MockOutcome> {
    if let Some(mode) = &mock.field_validation_mode {
        validate::enum_value(
            "mock.fieldValidationMode",
            mode.as_str(),
            MockResponseValidationMode::VALUES,
        )?;
    }
    match (&mock.result, &mock.error_output) {
        (Some(result), None) => {
            validate::json_payload(result, ErrorCode::ValidationException, "mock.result")
                .map(MockOutcome::Result)
        }
        (None, Some(error_output)) => {
            let Some(error) = &error_output.error else {
                return Err(ApiError::validation(
                    "mock.errorOutput.error is required when mock.errorOutput is specified",
                ));
            };
            validate::length("mock.errorOutput.error", error, limits::ERROR)?;
            let cause = error_output.cause.clone().unwrap_or_default();
            validate::length("mock.errorOutput.cause", &cause, limits::CAUSE)?;
            Ok(MockOutcome::Error(StatesError::new(error.clone(), cause)))
        }
        _ => Err(ApiError::validation(
            "A mock must specify exactly one of mock.result and mock.errorOutput",
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use stepworker::model::MockErrorOutput;

    use super::*;

    #[test]
    fn result_or_error_but_not_both() {
        let result = MockInput {
            result: Some(r#"{"ok": true}"#.into()),
            ..Default::default()
        };
        assert_eq!(
            read_mock(&result),
            Ok(MockOutcome::Result(json!({"ok": true})))
        );
        let error = MockInput {
            error_output: Some(MockErrorOutput {
                error: Some("Boom".into()),
                cause: None,
            }),
            ..Default::default()
        };
        assert_eq!(
            read_mock(&error),
            Ok(MockOutcome::Error(StatesError::new("Boom", "")))
        );
        let both = MockInput {
            result: result.result.clone(),
            error_output: error.error_output.clone(),
            ..Default::default()
        };
        assert!(read_mock(&both).is_err());
        assert!(read_mock(&MockInput::default()).is_err());
    }

    #[test]
    fn a_result_must_be_json() {
        let bad = MockInput {
            result: Some("{nope".into()),
            ..Default::default()
        };
        let error = read_mock(&bad).expect_err("not JSON");
        assert_eq!(error.code(), &ErrorCode::ValidationException);
    }
}
