//! Choice state evaluation.
//!
//! Readings followed (states-language.net and the AWS developer guide):
//! - A comparison whose variable has the wrong type for the operator is
//!   false, not an error (e.g. `NumericEquals` on a string).
//! - A variable path that names nothing is a `States.Runtime` error, except
//!   under `IsPresent`, which exists to test exactly that.
//! - With a `...Path` operand, both sides must have the operator's type or
//!   the comparison is false; an operand path that names nothing is an error.
//! - No rule matched and no `Default`: `States.NoChoiceMatched`.

use std::cmp::Ordering;

use serde_json::Value;

use super::io::select_input;
use crate::asl::definition::{
    ChoiceRule, Comparison, Condition, Operand, PatternPiece, Relation, State, StateKind, Test,
    TypeTest, ValueKind, WildcardPattern,
};
use crate::asl::errors;
use crate::asl::path::{DataScope, Path, PathNotFound};
use crate::asl::states_error::StatesError;
use crate::asl::timestamp::parse_timestamp_nanos;

/// The state a Choice state goes to for `raw_input` (after its InputPath):
/// the first matching rule's `Next`, else `Default`, else
/// `States.NoChoiceMatched`; with the rule that matched (`None` for
/// `Default`).
pub fn choose_rule<'s>(
    choice: &'s State,
    raw_input: &Value,
    ctx: &dyn DataScope,
) -> Result<(&'s str, Option<&'s ChoiceRule>), StatesError> {
    let StateKind::Choice(spec) = &choice.kind else {
        return Err(StatesError::runtime(format!(
            "The state '{}' is not a Choice state",
            choice.name
        )));
    };
    let input = select_input(choice, raw_input, ctx)?;
    for rule in &spec.choices {
        if evaluate(&rule.condition, &input, ctx)? {
            return Ok((&rule.next, Some(rule)));
        }
    }
    no_match(choice).map(|next| (next, None))
}

/// The `Default` of a Choice state, or `States.NoChoiceMatched`.
pub(crate) fn no_match(choice: &State) -> Result<&str, StatesError> {
    let StateKind::Choice(spec) = &choice.kind else {
        return Err(StatesError::runtime("Not a Choice state."));
    };
    spec.default.as_deref().ok_or_else(|| {
        StatesError::new(
            errors::NO_CHOICE_MATCHED,
            format!(
                "No Matches! No choice rule of the state '{}' matched the input.",
                choice.name
            ),
        )
    })
}

/// Evaluates one condition against the (effective) input.
pub fn evaluate(
    condition: &Condition,
    input: &Value,
    ctx: &dyn DataScope,
) -> Result<bool, StatesError> {
    match condition {
        Condition::And(all) => {
            for c in all {
                if !evaluate(c, input, ctx)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Condition::Or(any) => {
            for c in any {
                if evaluate(c, input, ctx)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Condition::Not(inner) => Ok(!evaluate(inner, input, ctx)?),
        Condition::Test { variable, test } => run_test(variable, test, input, ctx),
        Condition::Jsonata(expression) => Err(StatesError::runtime(format!(
            "The JSONata condition '{}' was evaluated as JSONPath",
            expression.text()
        ))),
    }
}

fn run_test(
    variable: &Path,
    test: &Test,
    input: &Value,
    ctx: &dyn DataScope,
) -> Result<bool, StatesError> {
    if let Test::Is(TypeTest::Present, expected) = test {
        let present = match variable.select_cow(input, ctx) {
            Ok(_) => true,
            Err(e) => match e.limit_cause() {
                Some(cause) => return Err(StatesError::runtime(cause)),
                None => false,
            },
        };
        return Ok(present == *expected);
    }
    let value = variable
        .select_cow(input, ctx)
        .map_err(|e| invalid_path(variable, input, &e))?;
    match test {
        Test::Is(kind, expected) => Ok(type_test(*kind, &value) == *expected),
        Test::StringMatches(pattern) => {
            Ok(value.as_str().is_some_and(|s| wildcard_match(pattern, s)))
        }
        Test::Compare { op, operand } => {
            let left = ComparedValue::from_json(op.kind, &value);
            match operand {
                Operand::Path(path) => {
                    let found = path
                        .select_cow(input, ctx)
                        .map_err(|e| invalid_path(path, input, &e))?;
                    Ok(compare(
                        *op,
                        left,
                        ComparedValue::from_json(op.kind, &found),
                    ))
                }
                literal => Ok(compare(*op, left, ComparedValue::from_literal(literal))),
            }
        }
    }
}

fn invalid_path(path: &Path, input: &Value, e: &PathNotFound) -> StatesError {
    StatesError::runtime(e.limit_cause().unwrap_or_else(|| format!(
        "Invalid path '{}': The choice state's condition path references an invalid value in the input {input}",
        path.as_str()
    )))
}

fn type_test(kind: TypeTest, value: &Value) -> bool {
    match kind {
        TypeTest::Present => true,
        TypeTest::Null => value.is_null(),
        TypeTest::Numeric => value.is_number(),
        TypeTest::String => value.is_string(),
        TypeTest::Boolean => value.is_boolean(),
        TypeTest::Timestamp => value.as_str().and_then(parse_timestamp_nanos).is_some(),
    }
}

/// One side of a comparison, read as the operator's type (`None` when the
/// value does not have that type).
enum ComparedValue<'a> {
    String(&'a str),
    Number(f64),
    Boolean(bool),
    Timestamp(i128),
    Mismatch,
}

impl<'a> ComparedValue<'a> {
    fn from_json(kind: ValueKind, value: &'a Value) -> Self {
        let read = match kind {
            ValueKind::String => value.as_str().map(ComparedValue::String),
            ValueKind::Numeric => value.as_f64().map(ComparedValue::Number),
            ValueKind::Boolean => value.as_bool().map(ComparedValue::Boolean),
            ValueKind::Timestamp => value
                .as_str()
                .and_then(parse_timestamp_nanos)
                .map(ComparedValue::Timestamp),
        };
        read.unwrap_or(ComparedValue::Mismatch)
    }

    fn from_literal(operand: &'a Operand) -> Self {
        match operand {
            Operand::String(s) => ComparedValue::String(s),
            Operand::Number(n) => ComparedValue::Number(*n),
            Operand::Boolean(b) => ComparedValue::Boolean(*b),
            Operand::Timestamp(t) => ComparedValue::Timestamp(*t),
            Operand::Path(_) => ComparedValue::Mismatch,
        }
    }
}

fn compare(op: Comparison, left: ComparedValue<'_>, right: ComparedValue<'_>) -> bool {
    let ordering = match (left, right) {
        // Java's String.compareTo, which AWS follows, orders UTF-16 code
        // units; that differs from char order above U+FFFF.
        (ComparedValue::String(a), ComparedValue::String(b)) => {
            a.encode_utf16().cmp(b.encode_utf16())
        }
        (ComparedValue::Number(a), ComparedValue::Number(b)) => match a.partial_cmp(&b) {
            Some(ordering) => ordering,
            None => return false,
        },
        (ComparedValue::Boolean(a), ComparedValue::Boolean(b)) => {
            // Booleans only support equality.
            return op.relation == Relation::Equals && a == b;
        }
        (ComparedValue::Timestamp(a), ComparedValue::Timestamp(b)) => a.cmp(&b),
        _ => return false,
    };
    match op.relation {
        Relation::Equals => ordering == Ordering::Equal,
        Relation::LessThan => ordering == Ordering::Less,
        Relation::GreaterThan => ordering == Ordering::Greater,
        Relation::LessThanEquals => ordering != Ordering::Greater,
        Relation::GreaterThanEquals => ordering != Ordering::Less,
    }
}

/// Glob matching where `*` matches any run of characters: greedy on the
/// last wildcard, linear in practice (the classic two-pointer algorithm on
/// literal pieces).
fn wildcard_match(pattern: &WildcardPattern, text: &str) -> bool {
    let pieces = &pattern.pieces;
    let mut rest = text;
    let mut anchored = true;
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            PatternPiece::AnyRun => anchored = false,
            PatternPiece::Literal(literal) => {
                let is_last = i + 1 == pieces.len();
                if anchored {
                    match rest.strip_prefix(literal.as_str()) {
                        Some(after) => rest = after,
                        None => return false,
                    }
                } else if is_last {
                    return rest.ends_with(literal.as_str());
                } else {
                    match rest.find(literal.as_str()) {
                        Some(at) => rest = &rest[at + literal.len()..],
                        None => return false,
                    }
                }
                anchored = true;
            }
        }
    }
    !anchored || rest.is_empty()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The next state alone.
    fn choose_next<'s>(
        choice: &'s State,
        raw_input: &Value,
        ctx: &dyn DataScope,
    ) -> Result<&'s str, StatesError> {
        choose_rule(choice, raw_input, ctx).map(|(next, _)| next)
    }
    use crate::asl::definition::parse_definition;

    fn choice_state(choices: Value, default: Option<&str>) -> State {
        let mut choice = json!({"Type": "Choice", "Choices": choices});
        if let Some(d) = default {
            choice["Default"] = json!(d);
        }
        let definition = json!({"StartAt": "C", "States": {
            "C": choice, "Yes": {"Type": "Succeed"}, "No": {"Type": "Succeed"}}});
        parse_definition(&definition.to_string())
            .expect("valid definition")
            .states["C"]
            .clone()
    }

    fn rule(fields: Value) -> Value {
        let mut r = fields;
        r["Next"] = json!("Yes");
        r
    }

    fn matches(fields: Value, input: Value) -> bool {
        let state = choice_state(json!([rule(fields)]), Some("No"));
        choose_next(&state, &input, &json!({})).expect("no runtime error") == "Yes"
    }

    #[test]
    fn string_operators() {
        let input = json!({"s": "banana", "other": "cherry"});
        assert!(matches(
            json!({"Variable": "$.s", "StringEquals": "banana"}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.s", "StringLessThan": "cherry"}),
            input.clone()
        ));
        assert!(!matches(
            json!({"Variable": "$.s", "StringGreaterThan": "cherry"}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.s", "StringLessThanEquals": "banana"}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.s", "StringGreaterThanEquals": "apple"}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.s", "StringLessThanPath": "$.other"}),
            input.clone()
        ));
        assert!(!matches(
            json!({"Variable": "$.s", "StringEqualsPath": "$.other"}),
            input
        ));
    }

    #[test]
    fn numeric_operators_compare_ints_and_floats() {
        let input = json!({"n": 5, "f": 5.0, "big": 7.5});
        assert!(matches(
            json!({"Variable": "$.n", "NumericEquals": 5.0}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.n", "NumericEqualsPath": "$.f"}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.n", "NumericLessThan": 6}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.n", "NumericLessThanPath": "$.big"}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.n", "NumericGreaterThanEquals": 5}),
            input.clone()
        ));
        assert!(!matches(
            json!({"Variable": "$.n", "NumericGreaterThan": 5}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.big", "NumericLessThanEquals": 7.5}),
            input
        ));
    }

    #[test]
    fn boolean_and_timestamp_operators() {
        let input =
            json!({"b": true, "t": "2020-01-01T00:00:00Z", "u": "2020-01-01T01:00:00+01:00"});
        assert!(matches(
            json!({"Variable": "$.b", "BooleanEquals": true}),
            input.clone()
        ));
        assert!(!matches(
            json!({"Variable": "$.b", "BooleanEqualsPath": "$.t"}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.t", "TimestampEqualsPath": "$.u"}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.t", "TimestampLessThan": "2020-01-01T00:00:00.001Z"}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.t", "TimestampGreaterThanEquals": "2019-12-31T23:59:59Z"}),
            input
        ));
    }

    #[test]
    fn type_mismatches_compare_false() {
        let input = json!({"s": "5", "n": 5});
        assert!(!matches(
            json!({"Variable": "$.s", "NumericEquals": 5}),
            input.clone()
        ));
        assert!(!matches(
            json!({"Variable": "$.n", "StringEquals": "5"}),
            input.clone()
        ));
        assert!(!matches(
            json!({"Variable": "$.s", "TimestampEquals": "2020-01-01T00:00:00Z"}),
            input.clone()
        ));
        assert!(!matches(
            json!({"Variable": "$.n", "NumericEqualsPath": "$.s"}),
            input
        ));
    }

    #[test]
    fn type_and_presence_tests() {
        let input =
            json!({"nul": null, "n": 1.5, "s": "x", "b": false, "t": "2020-01-01T00:00:00Z"});
        assert!(matches(
            json!({"Variable": "$.missing", "IsPresent": false}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.nul", "IsPresent": true}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.nul", "IsNull": true}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.n", "IsNumeric": true}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.s", "IsString": true}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.b", "IsBoolean": true}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.t", "IsTimestamp": true}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.s", "IsTimestamp": false}),
            input.clone()
        ));
        assert!(matches(
            json!({"Variable": "$.s", "IsNumeric": false}),
            input
        ));
    }

    #[test]
    fn string_matches_wildcards_and_escapes() {
        let cases = [
            ("log-*.txt", "log-2024.txt", true),
            ("log-*.txt", "log-.txt", true),
            ("log-*.txt", "log-2024.txt.bak", false),
            ("*", "", true),
            ("a*b*c", "abbbc", true),
            ("a*b*c", "acb", false),
            ("*.txt", "a.txt.txt", true),
            ("exact", "exact", true),
            ("exact", "exactly", false),
            ("star\\*", "star*", true),
            ("star\\*", "starry", false),
            ("back\\\\slash", "back\\slash", true),
        ];
        for (pattern, text, expected) in cases {
            let got = matches(
                json!({"Variable": "$.v", "StringMatches": pattern}),
                json!({"v": text}),
            );
            assert_eq!(got, expected, "{pattern:?} against {text:?}");
        }
    }

    #[test]
    fn and_or_not_combine() {
        let input = json!({"a": 1, "b": "x"});
        assert!(matches(
            json!({"And": [{"Variable": "$.a", "NumericEquals": 1}, {"Not": {"Variable": "$.b", "StringEquals": "y"}}]}),
            input.clone()
        ));
        assert!(!matches(
            json!({"And": [{"Variable": "$.a", "NumericEquals": 1}, {"Variable": "$.b", "StringEquals": "y"}]}),
            input.clone()
        ));
        assert!(matches(
            json!({"Or": [{"Variable": "$.a", "NumericEquals": 2}, {"Variable": "$.b", "StringEquals": "x"}]}),
            input
        ));
    }

    #[test]
    fn first_match_wins_then_default_then_no_choice_matched() {
        let choices = json!([
            {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Yes"},
            {"Variable": "$.n", "NumericGreaterThan": 0, "Next": "No"}
        ]);
        let state = choice_state(choices.clone(), None);
        assert_eq!(
            choose_next(&state, &json!({"n": 11}), &json!({})),
            Ok("Yes")
        );
        assert_eq!(choose_next(&state, &json!({"n": 1}), &json!({})), Ok("No"));
        let error = choose_next(&state, &json!({"n": -1}), &json!({})).expect_err("no match");
        assert_eq!(error.error, errors::NO_CHOICE_MATCHED);
        let with_default = choice_state(choices, Some("No"));
        assert_eq!(
            choose_next(&with_default, &json!({"n": -1}), &json!({})),
            Ok("No")
        );
    }

    #[test]
    fn a_missing_variable_is_a_runtime_error() {
        let state = choice_state(
            json!([rule(json!({"Variable": "$.nope", "StringEquals": "x"}))]),
            Some("No"),
        );
        let error = choose_next(&state, &json!({}), &json!({})).expect_err("missing variable");
        assert_eq!(error.error, errors::RUNTIME);
    }

    #[test]
    fn variables_may_read_the_context_object() {
        let state = choice_state(
            json!([rule(
                json!({"Variable": "$$.State.RetryCount", "NumericEquals": 0})
            )]),
            Some("No"),
        );
        assert_eq!(
            choose_next(&state, &json!({}), &json!({"State": {"RetryCount": 0}})),
            Ok("Yes")
        );
    }
}
