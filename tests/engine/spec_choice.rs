//! Choice rules checked against the AWS Step Functions developer guide,
//! "Choice workflow state"
//! (https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html),
//! and states-language.net, "Choice State": every comparison family with
//! its `...Path` form, the Is* tests, And/Or/Not, StringMatches wildcards,
//! timestamps, Default and States.NoChoiceMatched.

use serde_json::{json, Value};

use crate::support::api::Api;
use crate::support::spec;
use crate::support::spec::{failed, run, succeeded};

/// A machine whose Choice sends the input to `Yes` when `rule` matches and
/// to `No` otherwise; the output names the branch taken.
fn yes_no(rule: Value) -> Value {
    let mut rule = rule;
    rule["Next"] = json!("Yes");
    json!({ "StartAt": "C", "States": {
        "C": { "Type": "Choice", "Choices": [rule], "Default": "No" },
        "Yes": { "Type": "Pass", "Result": "yes", "End": true },
        "No": { "Type": "Pass", "Result": "no", "End": true } } })
}

/// True if `rule` matches `input` (the execution must succeed).
async fn matches(api: &Api, rule: Value, input: Value) -> bool {
    let out = succeeded(api, yes_no(rule.clone()), input.clone()).await;
    match out.as_str() {
        Some("yes") => true,
        Some("no") => false,
        _ => panic!("{rule} on {input} gave {out}"),
    }
}

/// Checks `operator` (and its `...Path` form, with the value read from
/// `$.other`) on each `(variable, value, expected)` case.
async fn check_operator(api: &Api, operator: &str, cases: &[(Value, Value, bool)]) {
    for (variable, value, expected) in cases {
        let input = json!({ "v": variable, "other": value });
        let literal = json!({ "Variable": "$.v", operator: value });
        assert_eq!(
            matches(api, literal.clone(), input.clone()).await,
            *expected,
            "{literal} on {input}"
        );
        let path = json!({ "Variable": "$.v", format!("{operator}Path"): "$.other" });
        assert_eq!(
            matches(api, path.clone(), input.clone()).await,
            *expected,
            "{path} on {input}"
        );
    }
}

// Guide, "Choice state example": ChoiceStateX with Not, NumericEquals and
// an And range; the documented input {"type": "Private", "value": 22}
// goes to ValueInTwenties, and no match falls to the Default Fail state.
#[tokio::test]
async fn the_documented_choice_state_example() {
    let api = Api::start().await;
    let done_state = |name: &str| json!({ "Type": "Pass", "Result": name, "End": true });
    let definition = json!({ "StartAt": "ChoiceStateX", "States": {
        "ChoiceStateX": { "Type": "Choice",
            "Choices": [
                { "Not": { "Variable": "$.type", "StringEquals": "Private" }, "Next": "Public" },
                { "Variable": "$.value", "NumericEquals": 0, "Next": "ValueIsZero" },
                { "And": [
                    { "Variable": "$.value", "NumericGreaterThanEquals": 20 },
                    { "Variable": "$.value", "NumericLessThan": 30 } ],
                  "Next": "ValueInTwenties" } ],
            "Default": "DefaultState" },
        "Public": done_state("Public"),
        "ValueIsZero": done_state("ValueIsZero"),
        "ValueInTwenties": done_state("ValueInTwenties"),
        "DefaultState": { "Type": "Fail", "Cause": "No Matches!" } } });
    for (input, expected) in [
        (json!({ "type": "Private", "value": 22 }), "ValueInTwenties"),
        (json!({ "type": "Public", "value": 22 }), "Public"),
        (json!({ "type": "Private", "value": 0 }), "ValueIsZero"),
    ] {
        assert_eq!(
            succeeded(&api, definition.clone(), input).await,
            json!(expected)
        );
    }
    let done = run(&api, definition, json!({ "type": "Private", "value": 30 })).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["cause"], "No Matches!");
}

#[tokio::test]
async fn numeric_comparisons_and_their_path_forms() {
    let api = Api::start().await;
    check_operator(
        &api,
        "NumericEquals",
        &[
            (json!(1), json!(1), true),
            (json!(1.0), json!(1), true),
            (json!(2), json!(1), false),
        ],
    )
    .await;
    check_operator(
        &api,
        "NumericLessThan",
        &[(json!(-1.5), json!(0), true), (json!(0), json!(0), false)],
    )
    .await;
    check_operator(
        &api,
        "NumericGreaterThan",
        &[(json!(0.5), json!(0.25), true), (json!(0), json!(0), false)],
    )
    .await;
    check_operator(
        &api,
        "NumericLessThanEquals",
        &[(json!(3), json!(3), true), (json!(4), json!(3), false)],
    )
    .await;
    check_operator(
        &api,
        "NumericGreaterThanEquals",
        &[(json!(3), json!(3), true), (json!(2), json!(3), false)],
    )
    .await;
}

// Guide: string comparisons follow Java's String.compareTo, which orders
// UTF-16 code units (so a character above U+FFFF sorts before U+FFFF).
#[tokio::test]
async fn string_comparisons_and_their_path_forms() {
    let api = Api::start().await;
    check_operator(
        &api,
        "StringEquals",
        &[
            (json!("MyString"), json!("MyString"), true),
            (json!("mystring"), json!("MyString"), false),
        ],
    )
    .await;
    check_operator(
        &api,
        "StringGreaterThan",
        &[
            (json!("MyStringABD"), json!("MyStringABC"), true),
            (json!("MyStringAB"), json!("MyStringABC"), false),
            (json!("a"), json!("B"), true),
        ],
    )
    .await;
    check_operator(
        &api,
        "StringLessThan",
        &[
            (json!("abc"), json!("abd"), true),
            (json!("\u{10000}"), json!("\u{FFFF}"), true),
            (json!("b"), json!("a"), false),
        ],
    )
    .await;
    check_operator(
        &api,
        "StringGreaterThanEquals",
        &[
            (json!("x"), json!("x"), true),
            (json!("w"), json!("x"), false),
        ],
    )
    .await;
    check_operator(
        &api,
        "StringLessThanEquals",
        &[
            (json!("x"), json!("x"), true),
            (json!("y"), json!("x"), false),
        ],
    )
    .await;
}

#[tokio::test]
async fn boolean_equals_and_its_path_form() {
    let api = Api::start().await;
    check_operator(
        &api,
        "BooleanEquals",
        &[
            (json!(true), json!(true), true),
            (json!(false), json!(true), false),
        ],
    )
    .await;
}

// Guide: `TimestampEquals` with 2001-01-01T12:00:00Z; timestamps are
// RFC 3339 with an uppercase T and Z, and compare as instants.
#[tokio::test]
async fn timestamp_comparisons_and_their_path_forms() {
    let api = Api::start().await;
    let noon = json!("2001-01-01T12:00:00Z");
    check_operator(
        &api,
        "TimestampEquals",
        &[
            (noon.clone(), noon.clone(), true),
            (json!("2001-01-01T13:00:00+01:00"), noon.clone(), true),
            (json!("2001-01-01T12:00:00.001Z"), noon.clone(), false),
        ],
    )
    .await;
    check_operator(
        &api,
        "TimestampLessThan",
        &[
            (json!("2000-12-31T23:59:59Z"), noon.clone(), true),
            (noon.clone(), noon.clone(), false),
        ],
    )
    .await;
    check_operator(
        &api,
        "TimestampGreaterThan",
        &[
            (json!("2001-01-01T12:00:01Z"), noon.clone(), true),
            (noon.clone(), noon.clone(), false),
        ],
    )
    .await;
    check_operator(
        &api,
        "TimestampLessThanEquals",
        &[
            (noon.clone(), noon.clone(), true),
            (json!("2001-01-02T00:00:00Z"), noon.clone(), false),
        ],
    )
    .await;
    check_operator(
        &api,
        "TimestampGreaterThanEquals",
        &[
            (noon.clone(), noon.clone(), true),
            (json!("2001-01-01T11:00:00Z"), noon.clone(), false),
        ],
    )
    .await;
}

// Guide: "Step Functions doesn't attempt to match a numeric field to a
// string value": a type mismatch is no match, not an error.
#[tokio::test]
async fn values_of_the_wrong_type_do_not_match() {
    let api = Api::start().await;
    for (rule, input) in [
        (
            json!({ "Variable": "$.v", "NumericEquals": 1 }),
            json!({ "v": "1" }),
        ),
        (
            json!({ "Variable": "$.v", "StringEquals": "1" }),
            json!({ "v": 1 }),
        ),
        (
            json!({ "Variable": "$.v", "BooleanEquals": true }),
            json!({ "v": "true" }),
        ),
        (
            json!({ "Variable": "$.v", "TimestampEquals": "2001-01-01T12:00:00Z" }),
            json!({ "v": 5 }),
        ),
    ] {
        assert!(
            !matches(&api, rule.clone(), input.clone()).await,
            "{rule} on {input}"
        );
    }
    // Timestamps are logically strings, so StringEquals can match one.
    let stamp = json!({ "v": "2001-01-01T12:00:00Z" });
    assert!(
        matches(
            &api,
            json!({ "Variable": "$.v", "StringEquals": "2001-01-01T12:00:00Z" }),
            stamp
        )
        .await
    );
}

// Guide: the type tests IsNull, IsPresent, IsNumeric, IsString, IsBoolean
// and IsTimestamp; IsPresent false lets a later And member be skipped.
#[tokio::test]
async fn type_tests() {
    let api = Api::start().await;
    let input = json!({
        "possiblyNullValue": null, "n": 1.5, "s": "text", "b": false,
        "t": "2016-08-18T17:33:00Z", "lower": "2016-08-18t17:33:00z"
    });
    for (variable, test, expected) in [
        ("$.possiblyNullValue", "IsNull", true),
        ("$.n", "IsNull", false),
        ("$.n", "IsPresent", true),
        ("$.keyThatMightNotExist", "IsPresent", false),
        ("$.n", "IsNumeric", true),
        ("$.s", "IsNumeric", false),
        ("$.s", "IsString", true),
        ("$.n", "IsString", false),
        ("$.b", "IsBoolean", true),
        ("$.s", "IsBoolean", false),
        ("$.t", "IsTimestamp", true),
        ("$.s", "IsTimestamp", false),
        ("$.lower", "IsTimestamp", false),
    ] {
        let rule = json!({ "Variable": variable, test: true });
        assert_eq!(
            matches(&api, rule, input.clone()).await,
            expected,
            "{test} {variable}"
        );
        let negated = json!({ "Variable": variable, test: false });
        assert_eq!(
            matches(&api, negated, input.clone()).await,
            !expected,
            "{test}: false {variable}"
        );
    }
    let guarded = json!({ "And": [
        { "Variable": "$.keyThatMightNotExist", "IsPresent": true },
        { "Variable": "$.keyThatMightNotExist", "StringEquals": "foo" } ] });
    assert!(!matches(&api, guarded.clone(), json!({})).await);
    assert!(matches(&api, guarded, json!({ "keyThatMightNotExist": "foo" })).await);
}

// Guide, note on the example: a Variable missing from the input fails the
// execution (States.Runtime), it does not just skip the rule.
#[tokio::test]
async fn a_missing_variable_fails_the_execution() {
    let api = Api::start().await;
    let (error, _) = failed(
        &api,
        yes_no(json!({ "Variable": "$.type", "StringEquals": "Buy" })),
        json!({ "value": 1 }),
    )
    .await;
    assert_eq!(error, "States.Runtime");
}

// Guide: StringMatches with `*` wildcards ("log-*.txt"); `\\*` in the
// definition's JSON is a literal star, and no other character is special.
#[tokio::test]
async fn string_matches_wildcards_and_escapes() {
    let api = Api::start().await;
    let pattern = |p: &str| json!({ "Variable": "$.v", "StringMatches": p });
    for (p, value, expected) in [
        ("log-*.txt", "log-2024-01-01.txt", true),
        ("log-*.txt", "log-.txt", true),
        ("log-*.txt", "log-1.txt.gz", false),
        ("*", "", true),
        ("a*b*c", "aXbYc", true),
        ("a*b*c", "acb", false),
        ("log-\\*.txt", "log-*.txt", true),
        ("log-\\*.txt", "log-1.txt", false),
        ("file?.[ch]", "file?.[ch]", true),
        ("file?.[ch]", "file1.c", false),
    ] {
        assert_eq!(
            matches(&api, pattern(p), json!({ "v": value })).await,
            expected,
            "{p:?} on {value:?}"
        );
    }
}

// Guide: And/Or take non-empty arrays of rules, Not a single rule, nested
// to any depth; the first matching top-level rule wins.
#[tokio::test]
async fn and_or_not_nest_and_the_first_match_wins() {
    let api = Api::start().await;
    let rule = json!({ "Or": [
        { "And": [ { "Variable": "$.a", "NumericGreaterThan": 0 },
                   { "Not": { "Variable": "$.b", "StringEquals": "skip" } } ] },
        { "Variable": "$.c", "BooleanEquals": true } ] });
    for (input, expected) in [
        (json!({ "a": 1, "b": "go", "c": false }), true),
        (json!({ "a": 1, "b": "skip", "c": false }), false),
        (json!({ "a": 0, "b": "skip", "c": true }), true),
    ] {
        assert_eq!(
            matches(&api, rule.clone(), input.clone()).await,
            expected,
            "{input}"
        );
    }
    let first_wins = json!({ "StartAt": "C", "States": {
        "C": { "Type": "Choice", "Choices": [
            { "Variable": "$.n", "NumericGreaterThan": 1, "Next": "First" },
            { "Variable": "$.n", "NumericGreaterThan": 0, "Next": "Second" } ] },
        "First": { "Type": "Pass", "Result": "first", "End": true },
        "Second": { "Type": "Pass", "Result": "second", "End": true } } });
    assert_eq!(
        succeeded(&api, first_wins, json!({ "n": 5 })).await,
        json!("first")
    );
}

// Guide: with no match and no Default the execution fails with
// States.NoChoiceMatched; with a Default it goes there with its input.
#[tokio::test]
async fn default_or_no_choice_matched() {
    let api = Api::start().await;
    let rules = json!([{ "Variable": "$.n", "NumericEquals": 1, "Next": "One" }]);
    let with_default = json!({ "StartAt": "C", "States": {
        "C": { "Type": "Choice", "Choices": rules, "Default": "Other" },
        "One": { "Type": "Succeed" },
        "Other": { "Type": "Succeed" } } });
    let machine = api.machine("default", with_default).await;
    let execution = api.start_execution(&machine, json!({ "n": 2 })).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED");
    assert_eq!(spec::output(&done), json!({ "n": 2 }));
    let entered: Vec<String> = api
        .history(&execution)
        .await
        .iter()
        .filter_map(|e| {
            e["stateEnteredEventDetails"]["name"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(entered, ["C", "Other"]);

    let without_default = json!({ "StartAt": "C", "States": {
        "C": { "Type": "Choice", "Choices": rules },
        "One": { "Type": "Succeed" } } });
    let (error, _) = failed(&api, without_default, json!({ "n": 2 })).await;
    assert_eq!(error, "States.NoChoiceMatched");
}
