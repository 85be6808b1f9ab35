//! A dynamic value in a `.$` field: a path or an intrinsic function call.

use serde_json::Value;

use super::errors;
use super::intrinsic::{self, IntrinsicCall};
use super::path::{DataScope, Path};
use super::states_error::StatesError;

/// A path (`$.a`, `$$.Task.Token`) or an intrinsic call (`States.Format(..)`).
#[derive(Clone, Debug, PartialEq)]
pub enum Expression {
    /// A path into the input or the context object.
    Path(Path),
    /// An intrinsic function call.
    Intrinsic(IntrinsicCall),
}

impl Expression {
    /// Parses the value of a `.$` field (or `ErrorPath`/`CausePath`).
    pub fn parse(text: &str) -> Result<Self, String> {
        if intrinsic::looks_like_intrinsic(text) {
            intrinsic::parse_intrinsic(text)
                .map(Expression::Intrinsic)
                .map_err(|e| e.to_string())
        } else {
            Path::parse(text)
                .map(Expression::Path)
                .map_err(|e| e.to_string())
        }
    }

    /// Evaluates the expression; `field` names the field for error causes.
    pub fn evaluate(
        &self,
        field: &str,
        input: &Value,
        context: &dyn DataScope,
    ) -> Result<Value, StatesError> {
        match self {
            // The ASL guide names `States.ParameterPathFailure` for a path
            // that names nothing, but AWS and Step Functions Local report
            // `States.Runtime` (seen in real execution histories): we follow
            // what the service does.
            Expression::Path(path) => path.select(input, context).map_err(|e| {
                StatesError::runtime(e.limit_cause().unwrap_or_else(|| format!(
                    "The JSONPath '{}' specified for the field '{field}' could not be found in the input '{}'",
                    path.as_str(),
                    input
                )))
            }),
            // A function refusing its arguments is `States.IntrinsicFailure`
            // (the guide's name, catchable by `States.ALL`); a path argument
            // that names nothing stays `States.Runtime` like any missing path.
            Expression::Intrinsic(call) => intrinsic::evaluate(call, input, context).map_err(|e| {
                let cause = format!(
                    "The evaluation of the intrinsic function for the field '{field}' failed: {e}"
                );
                if e.path_not_found {
                    StatesError::runtime(cause)
                } else {
                    StatesError::new(errors::INTRINSIC_FAILURE, cause)
                }
            }),
        }
    }
}
