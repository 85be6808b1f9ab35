//! The parsers never panic, whatever text they are given.

use crate::asl::intrinsic::{evaluate, parse_intrinsic};
use crate::asl::parse_definition;
use crate::asl::path::{Path, ReferencePath};
use proptest::prelude::*;
use serde_json::json;

/// Strings biased towards the characters these grammars care about.
fn grammar_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("$".to_owned()),
            Just(".".to_owned()),
            Just("[".to_owned()),
            Just("]".to_owned()),
            Just("'".to_owned()),
            Just("\\".to_owned()),
            Just("(".to_owned()),
            Just(")".to_owned()),
            Just(",".to_owned()),
            Just("*".to_owned()),
            Just("?".to_owned()),
            Just("@".to_owned()),
            Just("{}".to_owned()),
            Just("States.".to_owned()),
            Just("Format".to_owned()),
            Just("Array".to_owned()),
            "[a-z0-9 :-]{0,3}",
            any::<char>().prop_map(String::from),
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn path_parsers_never_panic(text in grammar_soup()) {
        let _ = ReferencePath::parse(&text);
        if let Ok(path) = Path::parse(&text) {
            let _ = path.select(&json!({"a": [1, {"b": 2}]}), &json!({}));
        }
    }

    #[test]
    fn intrinsic_parser_and_evaluator_never_panic(text in grammar_soup()) {
        if let Ok(call) = parse_intrinsic(&text) {
            let _ = evaluate(&call, &json!({"a": [1, 2], "s": "x"}), &json!({}));
        }
    }

    #[test]
    fn definition_parser_never_panics_on_text(text in any::<String>()) {
        let _ = parse_definition(&text);
    }

    #[test]
    fn definition_parser_never_panics_on_near_valid_json(
        state_type in prop_oneof![Just("Pass"), Just("Task"), Just("Choice"), Just("Wait"), Just("Map"), Just("Fail"), Just("Bogus")],
        key in prop_oneof![Just("Next"), Just("End"), Just("Seconds"), Just("InputPath"), Just("Choices"), Just("Parameters"), Just("Retry")],
        value in prop_oneof![
            Just(json!(null)), Just(json!(true)), Just(json!(-1)), Just(json!(1.5)), Just(json!("$.a[")),
            Just(json!([])), Just(json!([{}])), Just(json!({"x.$": "States.Nope("})),
        ],
    ) {
        let definition = json!({"StartAt": "A", "States": {"A": {"Type": state_type, key: value}}});
        let _ = parse_definition(&definition.to_string());
    }
}
