//! Every Choice rule operator serializes as ASL spells it, with the operand
//! type ASL expects.

use serde_json::{json, Value};
use stepworker::asl::{Operator, Rule};

fn rule_json(rule: &Rule) -> Value {
    serde_json::to_value(rule).expect("a rule serializes")
}

#[test]
fn every_comparison_operator() {
    let cases: Vec<(Rule, Value)> = vec![
        (
            Rule::string_equals("$.v", "a"),
            json!({"StringEquals": "a"}),
        ),
        (
            Rule::string_equals_path("$.v", "$.w"),
            json!({"StringEqualsPath": "$.w"}),
        ),
        (
            Rule::string_less_than("$.v", "a"),
            json!({"StringLessThan": "a"}),
        ),
        (
            Rule::string_less_than_path("$.v", "$.w"),
            json!({"StringLessThanPath": "$.w"}),
        ),
        (
            Rule::string_greater_than("$.v", "a"),
            json!({"StringGreaterThan": "a"}),
        ),
        (
            Rule::string_greater_than_path("$.v", "$.w"),
            json!({"StringGreaterThanPath": "$.w"}),
        ),
        (
            Rule::string_less_than_equals("$.v", "a"),
            json!({"StringLessThanEquals": "a"}),
        ),
        (
            Rule::string_less_than_equals_path("$.v", "$.w"),
            json!({"StringLessThanEqualsPath": "$.w"}),
        ),
        (
            Rule::string_greater_than_equals("$.v", "a"),
            json!({"StringGreaterThanEquals": "a"}),
        ),
        (
            Rule::string_greater_than_equals_path("$.v", "$.w"),
            json!({"StringGreaterThanEqualsPath": "$.w"}),
        ),
        (
            Rule::string_matches("$.v", "log-*.txt"),
            json!({"StringMatches": "log-*.txt"}),
        ),
        (Rule::numeric_equals("$.v", 3), json!({"NumericEquals": 3})),
        (
            Rule::numeric_equals_path("$.v", "$.w"),
            json!({"NumericEqualsPath": "$.w"}),
        ),
        (
            Rule::numeric_less_than("$.v", 2.5),
            json!({"NumericLessThan": 2.5}),
        ),
        (
            Rule::numeric_less_than_path("$.v", "$.w"),
            json!({"NumericLessThanPath": "$.w"}),
        ),
        (
            Rule::numeric_greater_than("$.v", -1),
            json!({"NumericGreaterThan": -1}),
        ),
        (
            Rule::numeric_greater_than_path("$.v", "$.w"),
            json!({"NumericGreaterThanPath": "$.w"}),
        ),
        (
            Rule::numeric_less_than_equals("$.v", 0.25),
            json!({"NumericLessThanEquals": 0.25}),
        ),
        (
            Rule::numeric_less_than_equals_path("$.v", "$.w"),
            json!({"NumericLessThanEqualsPath": "$.w"}),
        ),
        (
            Rule::numeric_greater_than_equals("$.v", 1_000_000),
            json!({"NumericGreaterThanEquals": 1_000_000}),
        ),
        (
            Rule::numeric_greater_than_equals_path("$.v", "$.w"),
            json!({"NumericGreaterThanEqualsPath": "$.w"}),
        ),
        (
            Rule::boolean_equals("$.v", false),
            json!({"BooleanEquals": false}),
        ),
        (
            Rule::boolean_equals_path("$.v", "$.w"),
            json!({"BooleanEqualsPath": "$.w"}),
        ),
        (
            Rule::timestamp_equals("$.v", "2026-01-01T00:00:00Z"),
            json!({"TimestampEquals": "2026-01-01T00:00:00Z"}),
        ),
        (
            Rule::timestamp_equals_path("$.v", "$.w"),
            json!({"TimestampEqualsPath": "$.w"}),
        ),
        (
            Rule::timestamp_less_than("$.v", "2026-01-01T00:00:00Z"),
            json!({"TimestampLessThan": "2026-01-01T00:00:00Z"}),
        ),
        (
            Rule::timestamp_less_than_path("$.v", "$.w"),
            json!({"TimestampLessThanPath": "$.w"}),
        ),
        (
            Rule::timestamp_greater_than("$.v", "2026-01-01T00:00:00Z"),
            json!({"TimestampGreaterThan": "2026-01-01T00:00:00Z"}),
        ),
        (
            Rule::timestamp_greater_than_path("$.v", "$.w"),
            json!({"TimestampGreaterThanPath": "$.w"}),
        ),
        (
            Rule::timestamp_less_than_equals("$.v", "2026-01-01T00:00:00Z"),
            json!({"TimestampLessThanEquals": "2026-01-01T00:00:00Z"}),
        ),
        (
            Rule::timestamp_less_than_equals_path("$.v", "$.w"),
            json!({"TimestampLessThanEqualsPath": "$.w"}),
        ),
        (
            Rule::timestamp_greater_than_equals("$.v", "2026-01-01T00:00:00Z"),
            json!({"TimestampGreaterThanEquals": "2026-01-01T00:00:00Z"}),
        ),
        (
            Rule::timestamp_greater_than_equals_path("$.v", "$.w"),
            json!({"TimestampGreaterThanEqualsPath": "$.w"}),
        ),
        (Rule::is_null("$.v", true), json!({"IsNull": true})),
        (Rule::is_present("$.v", false), json!({"IsPresent": false})),
        (Rule::is_numeric("$.v", true), json!({"IsNumeric": true})),
        (Rule::is_string("$.v", true), json!({"IsString": true})),
        (Rule::is_boolean("$.v", true), json!({"IsBoolean": true})),
        (
            Rule::is_timestamp("$.v", true),
            json!({"IsTimestamp": true}),
        ),
    ];
    assert_eq!(cases.len(), 39, "one case per ASL comparison operator");

    for (rule, operator_and_operand) in cases {
        let mut expected = json!({"Variable": "$.v"});
        let (Some(fields), Value::Object(extra)) = (expected.as_object_mut(), operator_and_operand)
        else {
            unreachable!("both are objects");
        };
        fields.extend(extra);
        assert_eq!(rule_json(&rule), expected, "{rule:?}");

        // The typed operator and its ASL name agree with the JSON key.
        let Rule::Compare { operator, .. } = &rule else {
            unreachable!("comparison constructors build Compare rules");
        };
        assert!(expected.get(operator.as_str()).is_some(), "{operator:?}");
    }
}

#[test]
fn whole_numbers_are_written_as_integers_and_fractions_as_decimals() {
    let whole = Rule::numeric_equals("$.n", 42.0);
    let fraction = Rule::numeric_equals("$.n", 0.1);
    assert_eq!(
        rule_json(&whole),
        json!({"Variable": "$.n", "NumericEquals": 42})
    );
    assert_eq!(
        rule_json(&fraction),
        json!({"Variable": "$.n", "NumericEquals": 0.1})
    );
    assert_eq!(
        serde_json::to_string(&whole).expect("serializes"),
        r#"{"Variable":"$.n","NumericEquals":42}"#
    );
}

#[test]
fn and_or_not_nest() {
    let rule = Rule::or([
        Rule::and([
            Rule::is_present("$.a", true),
            Rule::string_equals("$.a", "x"),
        ]),
        Rule::not(Rule::boolean_equals("$.b", true)),
    ]);
    assert_eq!(
        rule_json(&rule),
        json!({
            "Or": [
                {"And": [
                    {"Variable": "$.a", "IsPresent": true},
                    {"Variable": "$.a", "StringEquals": "x"}
                ]},
                {"Not": {"Variable": "$.b", "BooleanEquals": true}}
            ]
        })
    );
}

#[test]
fn jsonata_condition() {
    assert_eq!(
        rule_json(&Rule::condition("{% $states.input.count > 3 %}")),
        json!({"Condition": "{% $states.input.count > 3 %}"})
    );
}

#[test]
fn operator_names_match_asl() {
    assert_eq!(Operator::StringMatches.as_str(), "StringMatches");
    assert_eq!(
        Operator::TimestampGreaterThanEqualsPath.as_str(),
        "TimestampGreaterThanEqualsPath"
    );
    assert_eq!(Operator::IsTimestamp.as_str(), "IsTimestamp");
}
