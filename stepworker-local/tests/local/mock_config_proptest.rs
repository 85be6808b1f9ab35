//! The mock configuration parser refuses bad files with a typed error and
//! never panics, on any text and on near-valid configurations.

use proptest::prelude::*;
use serde_json::{json, Value};
use stepworker_local::MockConfig;

/// Values that are sometimes what the format expects and sometimes not.
fn field_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(null)),
        Just(json!("R")),
        Just(json!({})),
        Just(json!([])),
        Just(json!(7)),
        Just(json!({"Return": {"ok": true}})),
        Just(json!({"Throw": {"Error": "E", "Cause": "c"}})),
        Just(json!({"Throw": {"Error": 1}})),
        Just(json!({"Return": 1, "Throw": {"Error": "E"}})),
    ]
}

fn invocation_key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_owned()),
        Just("1-2".to_owned()),
        Just("2-1".to_owned()),
        Just("-1".to_owned()),
        Just("99999999999999999999".to_owned()),
        Just("0-0".to_owned()),
        "[0-9a-z-]{0,6}",
    ]
}

fn near_valid_config() -> impl Strategy<Value = Value> {
    (
        "[A-Za-z]{0,4}",
        "[A-Za-z]{0,4}",
        proptest::collection::btree_map(invocation_key(), field_value(), 0..4),
        field_value(),
    )
        .prop_map(|(case, state, responses, extra)| {
            json!({
                "StateMachines": {"M": {"TestCases": {case: {state: "R"}}}},
                "MockedResponses": {"R": responses, "Other": extra}
            })
        })
}

proptest! {
    #[test]
    fn any_text_is_parsed_or_refused(text in ".{0,300}") {
        let _ = MockConfig::from_json(&text);
    }

    #[test]
    fn near_valid_configurations_are_parsed_or_refused_with_a_pointer(config in near_valid_config()) {
        if let Err(error) = MockConfig::from_json(&config.to_string()) {
            prop_assert!(!error.to_string().is_empty());
        }
    }
}
