//! Definition-time checks of the `{% %}` expressions of a JSONata field,
//! each reported at the string that holds it (`/States/E/Output/v`).
//!
//! AWS parses every expression when the definition is created and refuses:
//! - one that does not parse: INVALID_JSONATA_EXPRESSION with the parser's
//!   message, its JSONata code left out (`Unexpected end of expression`);
//! - a bare name read at the top level: UNSUPPORTED_JSONATA_EXPRESSION,
//!   `Reference to 'phone' at the top level is not supported.`, once per
//!   distinct name;
//! - `$states.errorOutput` outside a Catch's `Output`/`Assign`:
//!   UNSUPPORTED_JSONATA_EXPRESSION, `Field '$states.errorOutput' does not
//!   exist.` (AWS's answer as quoted in anomalyco/sst #6110).

use serde_json::Value;

use super::context::ParseContext;
use super::error::{Diagnostic, DiagnosticCode};
use super::location;
use crate::asl::jsonata::{is_expression, JsonataExpression, JsonataSyntaxError};

/// Whether the field being checked may read `$states.errorOutput`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ErrorOutput {
    /// A Catch's `Output` or `Assign`.
    Available,
    /// Every other field.
    Unavailable,
}

/// Checks every expression in `value`, the field at `location`; true when
/// all of them parse (other problems are reported but do not stop the
/// field from compiling).
pub(super) fn check_field(
    value: &Value,
    location: &str,
    error_output: ErrorOutput,
    cx: &mut ParseContext,
) -> bool {
    match value {
        Value::String(text) if is_expression(text) => {
            check_expression(text, location, error_output, cx)
        }
        Value::Object(map) => map.iter().fold(true, |parses, (key, member)| {
            check_field(member, &format!("{location}/{key}"), error_output, cx) && parses
        }),
        Value::Array(items) => items.iter().enumerate().fold(true, |parses, (i, item)| {
            check_field(item, &location::element(location, i), error_output, cx) && parses
        }),
        _ => true,
    }
}

fn check_expression(
    text: &str,
    location: &str,
    error_output: ErrorOutput,
    cx: &mut ParseContext,
) -> bool {
    match JsonataExpression::parse_field(text) {
        Ok(Some(expression)) => {
            check_parsed(&expression, location, error_output, cx);
            true
        }
        Ok(None) => true,
        Err(e) => {
            cx.report(invalid_expression(e, location));
            false
        }
    }
}

/// INVALID_JSONATA_EXPRESSION for an expression that does not parse.
pub(super) fn invalid_expression(
    error: JsonataSyntaxError,
    location: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(
        DiagnosticCode::InvalidJsonataExpression,
        error.message,
        location,
    )
}

/// Reports what the parsed `expression`, at `location`, reads that Step
/// Functions does not offer there.
pub(super) fn check_parsed(
    expression: &JsonataExpression,
    location: &str,
    error_output: ErrorOutput,
    cx: &mut ParseContext,
) {
    for name in expression.top_level_references() {
        cx.report(Diagnostic::new(
            DiagnosticCode::UnsupportedJsonataExpression,
            format!("Reference to '{name}' at the top level is not supported."),
            location,
        ));
    }
    if error_output == ErrorOutput::Unavailable && expression.reads_error_output() {
        cx.report(Diagnostic::new(
            DiagnosticCode::UnsupportedJsonataExpression,
            "Field '$states.errorOutput' does not exist.",
            location,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn found(value: Value, error_output: ErrorOutput) -> (bool, Vec<(String, String, String)>) {
        let mut cx = ParseContext::default();
        let parses = check_field(&value, "/States/E/Output", error_output, &mut cx);
        let diagnostics = cx
            .diagnostics
            .into_iter()
            .map(|d| {
                (
                    d.code.as_str().to_owned(),
                    d.message,
                    d.location.unwrap_or_default(),
                )
            })
            .collect();
        (parses, diagnostics)
    }

    fn one(code: &str, message: &str, at: &str) -> Vec<(String, String, String)> {
        vec![(code.to_owned(), message.to_owned(), at.to_owned())]
    }

    #[test]
    fn an_unparsable_expression_is_invalid_at_its_string() {
        assert_eq!(
            found(json!({"v": ["x", "{% 1 + %}"]}), ErrorOutput::Unavailable),
            (
                false,
                one(
                    "INVALID_JSONATA_EXPRESSION",
                    "Unexpected end of expression",
                    "/States/E/Output/v[1]"
                )
            )
        );
    }

    #[test]
    fn a_top_level_name_is_unsupported_once_per_name() {
        let (parses, diagnostics) = found(
            json!({"v": "{% phone & phone %}", "w": "{% a.b %}"}),
            ErrorOutput::Unavailable,
        );
        assert!(parses);
        assert_eq!(
            diagnostics,
            [
                (
                    "UNSUPPORTED_JSONATA_EXPRESSION".to_owned(),
                    "Reference to 'phone' at the top level is not supported.".to_owned(),
                    "/States/E/Output/v".to_owned()
                ),
                (
                    "UNSUPPORTED_JSONATA_EXPRESSION".to_owned(),
                    "Reference to 'a' at the top level is not supported.".to_owned(),
                    "/States/E/Output/w".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn error_output_is_refused_outside_a_catch() {
        let value = json!("{% $states.errorOutput.Cause %}");
        assert_eq!(
            found(value.clone(), ErrorOutput::Unavailable),
            (
                true,
                one(
                    "UNSUPPORTED_JSONATA_EXPRESSION",
                    "Field '$states.errorOutput' does not exist.",
                    "/States/E/Output"
                )
            )
        );
        assert_eq!(found(value, ErrorOutput::Available), (true, Vec::new()));
    }

    #[test]
    fn literals_and_ordinary_expressions_pass() {
        assert_eq!(
            found(
                json!({"a": 1, "b": "text {% x %}", "c": "{% $states.input.x %}"}),
                ErrorOutput::Unavailable
            ),
            (true, Vec::new())
        );
    }
}
