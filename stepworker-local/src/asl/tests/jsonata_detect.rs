//! The `{% %}` detector and the JSONata parse wrapper never panic, on any
//! string, and only whole `{% ... %}` strings count as expressions.

use crate::asl::jsonata::detect::expression_body;
use crate::asl::jsonata::{is_expression, JsonataExpression};
use proptest::prelude::*;

proptest! {
    #[test]
    fn detector_and_parser_never_panic(text in ".{0,200}") {
        let _ = is_expression(&text);
        let _ = JsonataExpression::parse_field(&text);
        let _ = JsonataExpression::parse(&text);
    }

    #[test]
    fn wrapped_text_is_always_detected(body in "[a-z0-9 .$+*()'\\[\\]{}]{0,60}") {
        let text = format!("{{%{body}%}}");
        prop_assert!(is_expression(&text));
        prop_assert_eq!(expression_body(&text), Some(body.trim()));
        let _ = JsonataExpression::parse_field(&text);
    }

    #[test]
    fn text_outside_the_delimiters_makes_a_literal(prefix in "[a-z ]{1,5}", body in "[a-z0-9 ]{0,20}") {
        let text = format!("{prefix}{{%{body}%}}");
        prop_assert!(!is_expression(&text));
        prop_assert_eq!(JsonataExpression::parse_field(&text), Ok(None));
    }
}

/// Expression-like text built from JSONata's tokens, so most inputs parse
/// and reach the evaluator (random strings mostly stop at the parser).
fn expression_soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("$states.input".to_owned()),
        Just("$states.context".to_owned()),
        Just("$v".to_owned()),
        Just(".a".to_owned()),
        Just(".b[0]".to_owned()),
        Just("[1..3]".to_owned()),
        Just(" + ".to_owned()),
        Just(" & ".to_owned()),
        Just(" / ".to_owned()),
        Just(" = ".to_owned()),
        Just(" ? 1 : 2".to_owned()),
        Just("$sum(".to_owned()),
        Just("$count(".to_owned()),
        Just("$string(".to_owned()),
        Just("$partition(".to_owned()),
        Just("$range(".to_owned()),
        Just("$hash(".to_owned()),
        Just("$random(".to_owned()),
        Just("$parse(".to_owned()),
        Just(", ".to_owned()),
        Just(")".to_owned()),
        Just("{'k': ".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("'text'".to_owned()),
        Just("0".to_owned()),
        Just("-1.5".to_owned()),
        Just("1e308".to_owned()),
        Just("null".to_owned()),
        Just("function($x){$x}".to_owned()),
    ];
    proptest::collection::vec(token, 1..12).prop_map(|tokens| tokens.concat())
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i32>().prop_map(serde_json::Value::from),
        "[a-z]{0,6}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::btree_map("[ab]", inner, 0..3)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever parses evaluates to a value, undefined, or a typed error:
    /// never a panic, whatever the input and variables hold.
    #[test]
    fn evaluation_never_panics(body in expression_soup(), input in json_value(), v in json_value()) {
        use crate::asl::jsonata::{JsonataEnv, StatesBinding};
        use crate::asl::Variables;

        let Ok(expression) = JsonataExpression::parse(&body) else {
            return Ok(());
        };
        let mut variables = Variables::default();
        let assignment = crate::asl::Assignment::of(vec![("v".to_owned(), v)]);
        if let Ok(assignment) = assignment {
            let _ = variables.apply(assignment);
        }
        let context = serde_json::json!({"Execution": {"Id": "arn"}});
        let env = JsonataEnv::new(
            StatesBinding { input: &input, result: None, error_output: None, context: &context },
            &variables,
        );
        if let Err(error) = env.evaluate(&expression, "Output") {
            prop_assert_eq!(error.error.as_str(), "States.QueryEvaluationError");
        }
    }
}
