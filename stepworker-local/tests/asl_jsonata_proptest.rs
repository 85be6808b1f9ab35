//! The `{% %}` detector and the JSONata parse wrapper never panic, on any
//! string, and only whole `{% ... %}` strings count as expressions.

use proptest::prelude::*;
use stepworker_local::asl::jsonata::{expression_body, is_expression, JsonataExpression};

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
