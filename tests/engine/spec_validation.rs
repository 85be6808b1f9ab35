//! Definition validation checked against the AWS Step Functions API
//! reference, "ValidateStateMachineDefinitionDiagnostic"
//! (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html):
//! its error and warning codes, and locations in the form
//! `/States/<StateName>/<FieldName>`; and against the state rules of the
//! developer guide (Choice, Fail, Wait, Retry/Catch pages).

use serde_json::{json, Value};

use crate::support::api::Api;
use crate::support::spec;
use crate::support::spec::{create_refused, diagnostics};

/// Asserts ValidateStateMachineDefinition reports an ERROR with `code` at
/// `location`, and CreateStateMachine refuses the definition.
async fn assert_error(api: &Api, definition: Value, code: &str, location: &str) {
    let found = diagnostics(api, &definition).await;
    assert!(
        found
            .iter()
            .any(|(severity, c, at)| severity == "ERROR" && c == code && at == location),
        "expected {code} at {location}, got {found:?}"
    );
    let refused = create_refused(api, &definition).await;
    assert_eq!(refused.name(), "InvalidDefinition", "{refused:?}");
}

fn machine(states: Value) -> Value {
    json!({ "StartAt": "A", "States": states })
}

// "MISSING_TRANSITION_TARGET: the value of a Next field doesn't match a
// known state name" — for Next, Default, a Choice rule's Next and a
// catcher's Next.
#[tokio::test]
async fn missing_transition_targets() {
    let api = Api::start().await;
    assert_error(
        &api,
        machine(json!({ "A": { "Type": "Pass", "Next": "Nowhere" } })),
        "MISSING_TRANSITION_TARGET",
        "/States/A/Next",
    )
    .await;
    assert_error(
        &api,
        machine(json!({
            "A": { "Type": "Choice",
                   "Choices": [{ "Variable": "$.x", "IsPresent": true, "Next": "B" }],
                   "Default": "Nowhere" },
            "B": { "Type": "Succeed" } })),
        "MISSING_TRANSITION_TARGET",
        "/States/A/Default",
    )
    .await;
    assert_error(
        &api,
        machine(json!({
            "A": { "Type": "Choice",
                   "Choices": [{ "Variable": "$.x", "IsPresent": true, "Next": "Nowhere" }],
                   "Default": "B" },
            "B": { "Type": "Succeed" } })),
        "MISSING_TRANSITION_TARGET",
        "/States/A/Choices[0]/Next",
    )
    .await;
    let activity = "arn:aws:states:us-east-1:123456789012:activity:a";
    assert_error(
        &api,
        machine(
            json!({ "A": { "Type": "Task", "Resource": activity, "End": true,
            "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "Nowhere" }] } }),
        ),
        "MISSING_TRANSITION_TARGET",
        "/States/A/Catch[0]/Next",
    )
    .await;
}

// A state nothing leads to is reported, as AWS does, as
// MISSING_TRANSITION_TARGET at the state.
#[tokio::test]
async fn unreachable_states() {
    let api = Api::start().await;
    assert_error(
        &api,
        machine(json!({
            "A": { "Type": "Succeed" },
            "Orphan": { "Type": "Succeed" } })),
        "MISSING_TRANSITION_TARGET",
        "/States/Orphan",
    )
    .await;
}

// "MISSING_END_STATE: the workflow does not have a terminal state." As
// measured on AWS (floci-io/floci #2786): one diagnostic with no location,
// which suppresses the unreachable-state ones.
#[tokio::test]
async fn a_loop_without_end_has_no_terminal_state() {
    let api = Api::start().await;
    let definition = machine(json!({
        "A": { "Type": "Pass", "Next": "B" },
        "B": { "Type": "Pass", "Next": "A" },
        "Orphan": { "Type": "Pass", "Next": "A" } }));
    assert_eq!(
        answers(&api, &definition).await,
        [answer(
            "MISSING_END_STATE",
            "Workflow has no terminal state",
            None
        )]
    );
    // No `location` member at all, not a null one.
    let out = validate(&api, &definition, json!({})).await;
    assert_eq!(out["diagnostics"][0].get("location"), None, "{out}");
    let refused = create_refused(&api, &definition).await;
    assert_eq!(refused.name(), "InvalidDefinition");
    assert_eq!(
        refused.message,
        "Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal state'"
    );
}

// A dangling `Next` alone: the missing target, then MISSING_END_STATE; the
// message names `Next` for every position (Default and a catcher's Next
// included), and array elements are located as `[i]`.
#[tokio::test]
async fn dangling_targets_are_worded_and_located_as_aws_does() {
    let api = Api::start().await;
    let lone = machine(json!({ "A": { "Type": "Pass", "Next": "NOPE" } }));
    assert_eq!(
        answers(&api, &lone).await,
        [
            answer(
                "MISSING_TRANSITION_TARGET",
                "Missing 'Next' target: NOPE",
                Some("/States/A/Next")
            ),
            answer("MISSING_END_STATE", "Workflow has no terminal state", None),
        ]
    );
    let activity = "arn:aws:states:us-east-1:123456789012:activity:a";
    let everywhere = json!({ "StartAt": "C", "States": {
        "C": { "Type": "Choice", "Default": "GONE",
               "Choices": [{ "Variable": "$.x", "IsPresent": true, "Next": "T" },
                           { "Variable": "$.y", "IsPresent": true, "Next": "LOST" }] },
        "T": { "Type": "Task", "Resource": activity, "End": true,
               "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "AWAY" }] } } });
    assert_eq!(
        answers(&api, &everywhere).await,
        [
            answer(
                "MISSING_TRANSITION_TARGET",
                "Missing 'Next' target: LOST",
                Some("/States/C/Choices[1]/Next")
            ),
            answer(
                "MISSING_TRANSITION_TARGET",
                "Missing 'Next' target: GONE",
                Some("/States/C/Default")
            ),
            answer(
                "MISSING_TRANSITION_TARGET",
                "Missing 'Next' target: AWAY",
                Some("/States/T/Catch[0]/Next")
            ),
        ]
    );
}

// Array elements everywhere read `[i]`: a Retrier, a Parallel branch.
#[tokio::test]
async fn array_elements_are_located_with_brackets() {
    let api = Api::start().await;
    let definition = machine(json!({ "A": { "Type": "Parallel", "End": true,
        "Retry": [{ "ErrorEquals": ["E"] }, { "ErrorEquals": ["E"], "MaxAttempts": -1 }],
        "Branches": [
            { "StartAt": "B0", "States": { "B0": { "Type": "Succeed" } } },
            { "StartAt": "B1", "States": { "B1": { "Type": "Pass", "Next": "Nowhere" } } }
        ] } }));
    let found = answers(&api, &definition).await;
    let at: Vec<Option<&str>> = found.iter().map(|(_, _, at)| at.as_deref()).collect();
    assert!(
        at.contains(&Some("/States/A/Retry[1]/MaxAttempts")),
        "{found:?}"
    );
    assert!(
        at.contains(&Some("/States/A/Branches[1]/States/B1/Next")),
        "{found:?}"
    );
}

// "DUPLICATE_STATE_NAME: the same state name appears more than once" —
// state names are unique in the whole machine, branches included.
#[tokio::test]
async fn state_names_are_unique_across_branches() {
    let api = Api::start().await;
    let definition = machine(json!({
        "A": { "Type": "Parallel", "End": true, "Branches": [
            { "StartAt": "A", "States": { "A": { "Type": "Succeed" } } } ] } }));
    let found = diagnostics(&api, &definition).await;
    assert!(
        found
            .iter()
            .any(|(_, code, _)| code == "DUPLICATE_STATE_NAME"),
        "{found:?}"
    );
    assert_eq!(
        create_refused(&api, &definition).await.name(),
        "InvalidDefinition"
    );
}

// "INVALID_STATE_NAME": names longer than 80 characters break the rules.
#[tokio::test]
async fn state_names_longer_than_80_characters() {
    let api = Api::start().await;
    let long = "S".repeat(81);
    let definition = json!({ "StartAt": long, "States": { long.clone(): { "Type": "Succeed" } } });
    let found = diagnostics(&api, &definition).await;
    assert!(
        found
            .iter()
            .any(|(_, code, _)| code == "INVALID_STATE_NAME"),
        "{found:?}"
    );
}

// "INVALID_RESOURCE: the value of a Task-state resource field is invalid."
#[tokio::test]
async fn task_resource_must_be_an_arn() {
    let api = Api::start().await;
    assert_error(
        &api,
        machine(json!({ "A": { "Type": "Task", "Resource": "not-an-arn", "End": true } })),
        "INVALID_RESOURCE",
        "/States/A/Resource",
    )
    .await;
}

// "SCHEMA_VALIDATION_FAILED": fields a state type does not allow (Fail
// page: only Type and Comment of the common fields; Choice page: no End;
// Pass: no Retry). AWS words each `Field 'X' is not supported` and locates
// it at the state (measured, floci-io/floci #2735).
#[tokio::test]
async fn fields_not_allowed_for_the_state_type() {
    let api = Api::start().await;
    for (state, field) in [
        (json!({ "Type": "Fail", "Error": "E", "Next": "A" }), "Next"),
        (
            json!({ "Type": "Fail", "Error": "E", "InputPath": "$.x" }),
            "InputPath",
        ),
        (
            json!({ "Type": "Pass", "End": true, "Retry": [{ "ErrorEquals": ["States.ALL"] }] }),
            "Retry",
        ),
        (
            json!({ "Type": "Succeed", "ResultPath": "$.x" }),
            "ResultPath",
        ),
        (
            json!({ "Type": "Choice", "End": true, "Default": "A",
                 "Choices": [{ "Variable": "$.x", "IsPresent": true, "Next": "A" }] }),
            "End",
        ),
        (
            json!({ "Type": "Pass", "End": true, "TimeoutSeconds": 5 }),
            "TimeoutSeconds",
        ),
        (
            json!({ "Type": "Wait", "Seconds": 1, "End": true,
                 "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "A" }] }),
            "Catch",
        ),
    ] {
        let definition = machine(json!({ "A": state }));
        let found = answers(&api, &definition).await;
        let expected = answer(
            "SCHEMA_VALIDATION_FAILED",
            &format!("Field '{field}' is not supported"),
            Some("/States/A"),
        );
        assert!(found.contains(&expected), "{field}: {found:?}");
        assert_eq!(
            create_refused(&api, &definition).await.name(),
            "InvalidDefinition"
        );
    }
}

/// The `(code, message, location)` of every diagnostic
/// ValidateStateMachineDefinition reports, in order.
async fn answers(api: &Api, definition: &Value) -> Vec<(String, String, Option<String>)> {
    let out = validate(api, definition, json!({})).await;
    out["diagnostics"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|d| {
                    (
                        d["code"].as_str().unwrap_or_default().to_owned(),
                        d["message"].as_str().unwrap_or_default().to_owned(),
                        d["location"].as_str().map(str::to_owned),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn answer(code: &str, message: &str, location: Option<&str>) -> (String, String, Option<String>) {
    (
        code.to_owned(),
        message.to_owned(),
        location.map(str::to_owned),
    )
}

// Fail page: Cause and Error take no `.$`; Cause and CausePath (and Error
// and ErrorPath) are mutually exclusive.
#[tokio::test]
async fn fail_state_field_rules() {
    let api = Api::start().await;
    for state in [
        json!({ "Type": "Fail", "Cause.$": "$.c" }),
        json!({ "Type": "Fail", "Cause": "c", "CausePath": "$.c" }),
        json!({ "Type": "Fail", "Error": "e", "ErrorPath": "$.e" }),
    ] {
        let found = diagnostics(&api, &machine(json!({ "A": state.clone() }))).await;
        assert!(
            found
                .iter()
                .any(|(_, code, at)| code == "SCHEMA_VALIDATION_FAILED"
                    && at.starts_with("/States/A")),
            "{state}: {found:?}"
        );
    }
}

// Wait page: exactly one of Seconds, Timestamp, SecondsPath, TimestampPath;
// Seconds a positive integer; Timestamp RFC 3339 with uppercase T and Z.
#[tokio::test]
async fn wait_state_field_rules() {
    let api = Api::start().await;
    for state in [
        json!({ "Type": "Wait", "End": true }),
        json!({ "Type": "Wait", "End": true, "Seconds": 10, "Timestamp": "2016-03-14T01:59:00Z" }),
        json!({ "Type": "Wait", "End": true, "Seconds": -1 }),
        json!({ "Type": "Wait", "End": true, "Seconds": 1.5 }),
        json!({ "Type": "Wait", "End": true, "Timestamp": "2016-03-14t01:59:00z" }),
        json!({ "Type": "Wait", "End": true, "Timestamp": "14 March 2016" }),
    ] {
        let found = diagnostics(&api, &machine(json!({ "A": state.clone() }))).await;
        assert!(
            found.iter().any(|(severity, code, at)| severity == "ERROR"
                && code == "SCHEMA_VALIDATION_FAILED"
                && at.starts_with("/States/A")),
            "{state}: {found:?}"
        );
    }
}

// Paths guide: InputPath/OutputPath take paths, ResultPath a reference
// path (one node only); a `.$` field a path or an intrinsic call.
#[tokio::test]
async fn invalid_paths_are_reported_at_their_field() {
    let api = Api::start().await;
    for (state, field) in [
        (
            json!({ "Type": "Pass", "End": true, "InputPath": "dataset2" }),
            "InputPath",
        ),
        (
            json!({ "Type": "Pass", "End": true, "OutputPath": "$.a[" }),
            "OutputPath",
        ),
        (
            json!({ "Type": "Pass", "End": true, "ResultPath": "$.a[*]" }),
            "ResultPath",
        ),
        (
            json!({ "Type": "Pass", "End": true, "Parameters": { "x.$": "not a path" } }),
            "Parameters",
        ),
        (
            json!({ "Type": "Pass", "End": true, "Parameters": { "x.$": "States.Nope($.a)" } }),
            "Parameters",
        ),
    ] {
        let found = diagnostics(&api, &machine(json!({ "A": state.clone() }))).await;
        assert!(
            found
                .iter()
                .any(|(_, code, at)| code == "SCHEMA_VALIDATION_FAILED"
                    && at.starts_with(&format!("/States/A/{field}"))),
            "{state}: {found:?}"
        );
        assert_eq!(
            create_refused(&api, &machine(json!({ "A": state })))
                .await
                .name(),
            "InvalidDefinition"
        );
    }
}

// Error handling guide: States.ALL must appear alone in ErrorEquals and in
// the last retrier or catcher; ErrorEquals must be non-empty.
#[tokio::test]
async fn states_all_placement_rules() {
    let api = Api::start().await;
    let activity = "arn:aws:states:us-east-1:123456789012:activity:a";
    let task = |field: &str, rules: Value| {
        let mut state = json!({ "Type": "Task", "Resource": activity, "End": true });
        state[field] = rules;
        machine(json!({ "A": state, "B": { "Type": "Succeed" } }))
    };
    for definition in [
        task("Retry", json!([{ "ErrorEquals": ["States.ALL", "Other"] }])),
        task(
            "Retry",
            json!([{ "ErrorEquals": ["States.ALL"] }, { "ErrorEquals": ["Other"] }]),
        ),
        task("Retry", json!([{ "ErrorEquals": [] }])),
        task(
            "Catch",
            json!([{ "ErrorEquals": ["States.ALL"], "Next": "B" },
                             { "ErrorEquals": ["Other"], "Next": "B" }]),
        ),
    ] {
        let found = diagnostics(&api, &definition).await;
        assert!(
            found
                .iter()
                .any(|(_, code, at)| code == "SCHEMA_VALIDATION_FAILED"
                    && at.starts_with("/States/A/")),
            "{definition}: {found:?}"
        );
    }
}

// Choice page: Choices is a non-empty array; a top-level rule needs Next;
// rules inside And/Or/Not must not have Next.
#[tokio::test]
async fn choice_rule_shape_rules() {
    let api = Api::start().await;
    for state in [
        json!({ "Type": "Choice", "Choices": [], "Default": "B" }),
        json!({ "Type": "Choice", "Choices": [{ "Variable": "$.x", "IsPresent": true }], "Default": "B" }),
        json!({ "Type": "Choice", "Default": "B", "Choices": [{ "Next": "B",
            "Not": { "Variable": "$.x", "IsPresent": true, "Next": "B" } }] }),
        json!({ "Type": "Choice", "Default": "B", "Choices": [{ "Next": "B", "And": [] }] }),
        json!({ "Type": "Choice", "Default": "B", "Choices": [{ "Next": "B",
            "Variable": "$.x", "NumericEquals": "1" }] }),
    ] {
        let definition = machine(json!({ "A": state.clone(), "B": { "Type": "Succeed" } }));
        let found = diagnostics(&api, &definition).await;
        assert!(
            found
                .iter()
                .any(|(_, code, at)| code == "SCHEMA_VALIDATION_FAILED"
                    && at.starts_with("/States/A/Choices")),
            "{state}: {found:?}"
        );
    }
}

// Warning codes NO_DOLLAR (a path value under a key without `.$`), NO_PATH
// (a path-looking literal where a `...Path` field exists) and
// PASS_RESULT_IS_STATIC (a `.$` key inside a Pass state's Result): they
// leave the result OK and CreateStateMachine accepts the definition. The
// API reference: `severity` is the minimum level returned, WARNING returns
// warnings and errors, and the default ERROR returns only errors.
#[tokio::test]
async fn warnings_do_not_fail_validation() {
    let api = Api::start().await;
    for (state, code, location) in [
        (
            json!({ "Type": "Pass", "End": true, "Parameters": { "x": "$.a" } }),
            "NO_DOLLAR",
            "/States/A/Parameters/x",
        ),
        (
            json!({ "Type": "Pass", "End": true, "Result": { "x.$": "$.a" } }),
            "PASS_RESULT_IS_STATIC",
            "/States/A/Result/x.$",
        ),
        (
            json!({ "Type": "Fail", "Error": "Failed", "Cause": "$.cause" }),
            "NO_PATH",
            "/States/A/Cause",
        ),
    ] {
        let definition = machine(json!({ "A": state }));
        let with_warnings = validate(&api, &definition, json!({ "severity": "WARNING" })).await;
        assert_eq!(with_warnings["result"], "OK", "{with_warnings}");
        let found = severities_and_codes(&with_warnings);
        assert!(
            found.contains(&("WARNING".to_owned(), code.to_owned(), location.to_owned())),
            "{code}: {found:?}"
        );
        let errors_only = validate(&api, &definition, json!({})).await;
        assert_eq!(errors_only["result"], "OK", "{errors_only}");
        assert_eq!(errors_only["diagnostics"], json!([]), "{errors_only}");
        api.machine(&spec::unique_name(), definition).await;
    }
}

// Warnings do not turn an invalid definition OK, and `maxResults` counts
// warnings and errors together, setting `truncated` when it cut the list.
#[tokio::test]
async fn warnings_next_to_errors_and_max_results() {
    let api = Api::start().await;
    let definition = machine(json!({
        "A": { "Type": "Pass", "Parameters": { "x": "$.a", "y": "$.b" }, "Next": "Nowhere" }
    }));
    let all = validate(&api, &definition, json!({ "severity": "WARNING" })).await;
    assert_eq!(all["result"], "FAIL", "{all}");
    let found = severities_and_codes(&all);
    assert!(
        found
            .iter()
            .any(|(s, c, _)| s == "ERROR" && c == "MISSING_TRANSITION_TARGET"),
        "{found:?}"
    );
    assert_eq!(
        found
            .iter()
            .filter(|(s, c, _)| s == "WARNING" && c == "NO_DOLLAR")
            .count(),
        2,
        "{found:?}"
    );
    assert_eq!(all["truncated"], false, "{all}");
    let cut = validate(
        &api,
        &definition,
        json!({ "severity": "WARNING", "maxResults": 1 }),
    )
    .await;
    assert_eq!(cut["result"], "FAIL", "{cut}");
    assert_eq!(cut["truncated"], true, "{cut}");
    assert_eq!(
        cut["diagnostics"].as_array().map(Vec::len),
        Some(1),
        "{cut}"
    );
}

/// ValidateStateMachineDefinition of `definition` with `extra` request members.
async fn validate(api: &Api, definition: &Value, mut extra: Value) -> Value {
    extra["definition"] = json!(definition.to_string());
    api.ok("ValidateStateMachineDefinition", extra).await
}

/// The `(severity, code, location)` triples of a validation answer.
fn severities_and_codes(out: &Value) -> Vec<(String, String, String)> {
    let text = |d: &Value, key: &str| d[key].as_str().unwrap_or_default().to_owned();
    out["diagnostics"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|d| (text(d, "severity"), text(d, "code"), text(d, "location")))
                .collect()
        })
        .unwrap_or_default()
}

// A definition that is JSON but not a state machine object (an array, a
// string, an object without StartAt and States) fails validation.
#[tokio::test]
async fn definitions_that_are_not_objects() {
    let api = Api::start().await;
    for text in ["[]", "\"text\"", "{}"] {
        let out = api
            .ok(
                "ValidateStateMachineDefinition",
                json!({ "definition": text }),
            )
            .await;
        assert_eq!(out["result"], "FAIL", "{text}: {out}");
    }
}

/// A JSONata machine whose state `E` is `state`.
fn jsonata_machine(state: Value) -> Value {
    json!({ "QueryLanguage": "JSONata", "StartAt": "E", "States": { "E": state } })
}

// JSONata expressions are parsed when the definition is created: one that
// does not parse is INVALID_JSONATA_EXPRESSION, with the parser's message
// less its JSONata code, at the string that holds it (measured,
// floci-io/floci #2745).
#[tokio::test]
async fn unparsable_jsonata_is_reported_with_the_parser_message() {
    let api = Api::start().await;
    for (expression, message) in [
        ("1 +", "Unexpected end of expression"),
        ("a[1,2)", "Expected \"]\", got \",\""),
        (
            "\"unterminated",
            "String literal must be terminated by a matching quote",
        ),
        (
            "{\"a\":}",
            "The symbol \"}\" cannot be used as a unary operator",
        ),
        ("$x :=", "Unexpected end of expression"),
    ] {
        let definition = jsonata_machine(json!({ "Type": "Pass", "End": true,
            "Output": { "v": format!("{{% {expression} %}}") } }));
        assert_eq!(
            answers(&api, &definition).await,
            [answer(
                "INVALID_JSONATA_EXPRESSION",
                message,
                Some("/States/E/Output/v")
            )],
            "{expression}"
        );
    }
    let definition = jsonata_machine(json!({ "Type": "Pass", "End": true,
        "Assign": { "list": [1, "{% 1 + %}"] } }));
    assert_eq!(
        answers(&api, &definition).await,
        [answer(
            "INVALID_JSONATA_EXPRESSION",
            "Unexpected end of expression",
            Some("/States/E/Assign/list[1]")
        )]
    );
}

// A path that starts from a bare name reads a context item Step Functions
// does not provide: UNSUPPORTED_JSONATA_EXPRESSION, one per distinct name.
#[tokio::test]
async fn bare_top_level_names_are_unsupported() {
    let api = Api::start().await;
    let definition = jsonata_machine(json!({ "Type": "Pass", "End": true,
        "Output": { "v": "{% phone & phone %}", "w": "{% a.b %}" } }));
    assert_eq!(
        answers(&api, &definition).await,
        [
            answer(
                "UNSUPPORTED_JSONATA_EXPRESSION",
                "Reference to 'phone' at the top level is not supported.",
                Some("/States/E/Output/v")
            ),
            answer(
                "UNSUPPORTED_JSONATA_EXPRESSION",
                "Reference to 'a' at the top level is not supported.",
                Some("/States/E/Output/w")
            ),
        ]
    );
    let refused = create_refused(&api, &definition).await;
    assert_eq!(
        refused.message,
        "Invalid State Machine Definition: 'UNSUPPORTED_JSONATA_EXPRESSION: Reference to 'phone' at the top level \
         is not supported. at /States/E/Output/v, UNSUPPORTED_JSONATA_EXPRESSION: Reference to 'a' at the top \
         level is not supported. at /States/E/Output/w'"
    );
    let condition = jsonata_machine(json!({ "Type": "Choice", "Default": "S",
        "Choices": [{ "Condition": "{% status = 'ok' %}", "Next": "S" }] }));
    let mut condition = condition;
    condition["States"]["S"] = json!({ "Type": "Succeed" });
    assert_eq!(
        answers(&api, &condition).await,
        [answer(
            "UNSUPPORTED_JSONATA_EXPRESSION",
            "Reference to 'status' at the top level is not supported.",
            Some("/States/E/Choices[0]/Condition")
        )]
    );
}

// Ordinary Step Functions expressions stay valid.
#[tokio::test]
async fn ordinary_jsonata_expressions_are_accepted() {
    let api = Api::start().await;
    let definition = jsonata_machine(json!({ "Type": "Pass", "End": true, "Output": {
        "a": "{% $states.input.x %}",
        "b": "{% $sum($states.input.a) %}",
        "c": "{% $states.input.x.y %}",
        "d": "{% {'a': 1} %}",
        "e": "{% $map($states.input, function($v) {$v.id}) %}",
        "f": "{% $states.input[price > 3].name %}",
        "g": "{% ($n := $count($states.input.items); $n > 0 ? $states.input.items^(>price)[0].name : 'none') %}",
        "h": "{% $states.context.Execution.Id %}"
    } }));
    assert_eq!(answers(&api, &definition).await, []);
}

// `$states.errorOutput` exists only in a catcher's Output and Assign; read
// anywhere else, AWS refuses the definition (its answer as quoted in
// anomalyco/sst #6110).
#[tokio::test]
async fn error_output_is_read_only_inside_a_catcher() {
    let api = Api::start().await;
    let activity = "arn:aws:states:us-east-1:123456789012:activity:a";
    let inside = json!({ "QueryLanguage": "JSONata", "StartAt": "T", "States": {
        "T": { "Type": "Task", "Resource": activity, "End": true,
               "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "H",
                           "Output": { "e": "{% $states.errorOutput.Error %}" },
                           "Assign": { "cause": "{% $states.errorOutput.Cause %}" } }] },
        "H": { "Type": "Succeed" } } });
    assert_eq!(answers(&api, &inside).await, []);
    let outside = json!({ "QueryLanguage": "JSONata", "StartAt": "T", "States": {
        "T": { "Type": "Task", "Resource": activity, "End": true,
               "Arguments": { "e": "{% $states.errorOutput %}" } } } });
    assert_eq!(
        answers(&api, &outside).await,
        [answer(
            "UNSUPPORTED_JSONATA_EXPRESSION",
            "Field '$states.errorOutput' does not exist.",
            Some("/States/T/Arguments/e")
        )]
    );
}

// Query-language rules (measured, floci-io/floci #2968): a JSONata-only
// field in a JSONPath state is refused at the state; the states of a Map's
// ItemProcessor take the machine's language, not the Map's.
#[tokio::test]
async fn jsonata_fields_in_a_jsonpath_state_are_refused_at_the_state() {
    let api = Api::start().await;
    let definition = machine(json!({ "A": { "Type": "Pass", "End": true, "Output": { "a": 1 } } }));
    assert_eq!(
        answers(&api, &definition).await,
        [answer(
            "SCHEMA_VALIDATION_FAILED",
            "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage",
            Some("/States/A")
        )]
    );
    let map = machine(
        json!({ "A": { "Type": "Map", "QueryLanguage": "JSONata", "End": true,
        "ItemProcessor": { "StartAt": "P", "States": {
            "P": { "Type": "Pass", "End": true, "Output": "{% $states.input %}" } } } } }),
    );
    assert_eq!(
        answers(&api, &map).await,
        [answer(
            "SCHEMA_VALIDATION_FAILED",
            "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage",
            Some("/States/A/ItemProcessor/States/P")
        )]
    );
    let parallel = machine(
        json!({ "A": { "Type": "Parallel", "QueryLanguage": "JSONata", "End": true,
        "Branches": [{ "StartAt": "P", "States": {
            "P": { "Type": "Pass", "End": true, "Output": "{% $states.input %}" } } }] } }),
    );
    assert_eq!(
        answers(&api, &parallel).await,
        [answer(
            "SCHEMA_VALIDATION_FAILED",
            "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage",
            Some("/States/A/Branches[0]/States/P")
        )]
    );
}

// A JSONata machine's states cannot switch back to JSONPath, and an item
// processor declares no QueryLanguage of its own.
#[tokio::test]
async fn query_language_declarations_aws_refuses() {
    let api = Api::start().await;
    let back = jsonata_machine(json!({ "Type": "Pass", "End": true, "QueryLanguage": "JSONPath" }));
    assert_eq!(
        answers(&api, &back).await,
        [answer(
            "SCHEMA_VALIDATION_FAILED",
            "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
            Some("/States/E")
        )]
    );
    for processor in ["ItemProcessor", "Iterator"] {
        let definition = machine(json!({ "A": { "Type": "Map", "End": true,
            processor: { "QueryLanguage": "JSONPath", "StartAt": "P",
                         "States": { "P": { "Type": "Pass", "End": true } } } } }));
        assert_eq!(
            answers(&api, &definition).await,
            [answer(
                "SCHEMA_VALIDATION_FAILED",
                "Field 'QueryLanguage' is not supported",
                Some(format!("/States/A/{processor}").as_str())
            )],
            "{processor}"
        );
    }
}
