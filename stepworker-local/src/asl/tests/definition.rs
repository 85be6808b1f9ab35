//! Definition parsing and validation: what CreateStateMachine accepts and
//! the InvalidDefinition diagnostics it gives otherwise.

use crate::asl::definition::{
    parse_definition, DiagnosticCode, JitterStrategy, ProcessorMode, SecondsSource, StateKind,
    WaitState,
};
use serde_json::{json, Value};

fn parse(definition: Value) -> Result<crate::asl::Definition, crate::asl::DefinitionError> {
    parse_definition(&definition.to_string())
}

/// The (code, location) pairs of a rejected definition.
fn rejection(definition: Value) -> Vec<(DiagnosticCode, String)> {
    let error = parse(definition).expect_err("definition must be rejected");
    error
        .diagnostics()
        .iter()
        .map(|d| (d.code, d.location.clone().unwrap_or_default()))
        .collect()
}

/// Asserts a SCHEMA_VALIDATION_FAILED diagnostic saying `message` at
/// `location`.
fn schema_message_at(definition: Value, message: &str, location: &str) {
    let error = parse(definition).expect_err("definition must be rejected");
    let found: Vec<(DiagnosticCode, &str, Option<&str>)> = error
        .diagnostics()
        .iter()
        .map(|d| (d.code, d.message.as_str(), d.location.as_deref()))
        .collect();
    assert!(
        found.contains(&(
            DiagnosticCode::SchemaValidationFailed,
            message,
            Some(location)
        )),
        "expected '{message}' at {location}, got {found:?}"
    );
}

fn schema_failure_at(definition: Value, location: &str) {
    let found = rejection(definition);
    assert!(
        found.contains(&(DiagnosticCode::SchemaValidationFailed, location.to_owned())),
        "expected SCHEMA_VALIDATION_FAILED at {location}, got {found:?}"
    );
}

const ACTIVITY: &str = "arn:aws:states:us-east-1:123456789012:activity:work";

#[test]
fn a_complete_machine_parses_with_defaults_filled_in() {
    let definition = parse(json!({
        "Comment": "all state types",
        "StartAt": "P",
        "TimeoutSeconds": 300,
        "States": {
            "P": {"Type": "Pass", "Result": {"x": 1}, "Next": "T"},
            "T": {"Type": "Task", "Resource": ACTIVITY, "TimeoutSeconds": 60, "HeartbeatSecondsPath": "$.hb",
                  "Retry": [{"ErrorEquals": ["States.Timeout"], "JitterStrategy": "FULL"}],
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F", "ResultPath": "$.error"}],
                  "Next": "C"},
            "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "W"}], "Default": "S"},
            "W": {"Type": "Wait", "Seconds": 5, "Next": "Par"},
            "Par": {"Type": "Parallel", "Branches": [
                {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": true}}},
                {"StartAt": "B2", "States": {"B2": {"Type": "Succeed"}}}
            ], "Next": "M"},
            "M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2,
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "I",
                                    "States": {"I": {"Type": "Pass", "End": true}}},
                  "Next": "S"},
            "S": {"Type": "Succeed"},
            "F": {"Type": "Fail", "Error": "Failed", "Cause": "because"}
        }
    }))
    .expect("valid definition");

    assert_eq!(definition.start_at, "P");
    assert_eq!(definition.timeout_seconds, Some(300));
    assert_eq!(definition.comment.as_deref(), Some("all state types"));
    let names: Vec<_> = definition.states.keys().cloned().collect();
    assert_eq!(names, ["P", "T", "C", "W", "Par", "M", "S", "F"]);
    let types: Vec<_> = definition
        .states
        .values()
        .map(|s| s.kind.type_name())
        .collect();
    assert_eq!(
        types,
        ["Pass", "Task", "Choice", "Wait", "Parallel", "Map", "Succeed", "Fail"]
    );

    let task = &definition.states["T"];
    let StateKind::Task(spec) = &task.kind else {
        panic!("T is a Task")
    };
    assert_eq!(spec.resource, ACTIVITY);
    assert_eq!(spec.timeout, Some(SecondsSource::Literal(60)));
    assert!(matches!(&spec.heartbeat, Some(SecondsSource::Path(p)) if p.as_str() == "$.hb"));
    let retrier = &task.retry[0];
    assert_eq!(
        (
            retrier.interval_seconds,
            retrier.max_attempts,
            retrier.backoff_rate
        ),
        (1, 3, 2.0)
    );
    assert_eq!(retrier.jitter_strategy, JitterStrategy::Full);
    assert_eq!(task.catch[0].next, "F");
    assert_eq!(
        task.catch[0].result_path.as_ref().map(|p| p.as_str()),
        Some("$.error")
    );
    assert_eq!(
        task.input_path.as_ref().map(|p| p.as_str()),
        Some("$"),
        "InputPath defaults to $"
    );

    let StateKind::Wait(wait) = &definition.states["W"].kind else {
        panic!("W is a Wait")
    };
    assert_eq!(*wait, WaitState::Seconds(5));
    let StateKind::Parallel { branches } = &definition.states["Par"].kind else {
        panic!("Par is Parallel")
    };
    assert_eq!(branches.len(), 2);
    assert_eq!(branches[1].start_at, "B2");
    let StateKind::Map(map) = &definition.states["M"].kind else {
        panic!("M is a Map")
    };
    assert_eq!(map.processor_mode, ProcessorMode::Inline);
    assert_eq!(map.items_path.as_str(), "$.items");
    assert_eq!(map.item_processor.start_at, "I");
    assert!(definition.states["S"].is_terminal() && definition.states["F"].is_terminal());
}

#[test]
fn legacy_map_iterator_and_parameters_are_accepted() {
    let definition = parse(json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "Parameters": {"item.$": "$$.Map.Item.Value"},
        "Iterator": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}, "End": true}}}))
    .expect("valid");
    let state = &definition.states["M"];
    let StateKind::Map(map) = &state.kind else {
        panic!("Map")
    };
    assert!(
        map.item_selector.is_some(),
        "Parameters on a Map is the legacy ItemSelector"
    );
    assert!(state.parameters.is_none());
}

#[test]
fn the_invalid_definition_message_names_code_message_and_location() {
    let error = parse(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Foo"}}}))
        .expect_err("missing target");
    assert_eq!(error.code(), DiagnosticCode::MissingTransitionTarget);
    assert_eq!(error.location(), Some("/States/A/Next"));
    assert_eq!(
        error.to_string(),
        "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: Foo at /States/A/Next, \
         MISSING_END_STATE: Workflow has no terminal state'"
    );
}

#[test]
fn text_that_is_not_a_definition() {
    assert_eq!(
        parse_definition("").map_err(|e| e.code()).err(),
        Some(DiagnosticCode::MissingDescription)
    );
    assert_eq!(
        parse_definition("{not json").map_err(|e| e.code()).err(),
        Some(DiagnosticCode::InvalidJsonDescription)
    );
    schema_failure_at(json!([1, 2]), "/");
    schema_failure_at(json!({"States": {"A": {"Type": "Succeed"}}}), "/");
    schema_failure_at(json!({"StartAt": "A", "States": {}}), "/States");
    schema_message_at(
        json!({"StartAt": "A", "Bogus": 1, "States": {"A": {"Type": "Succeed"}}}),
        "Field 'Bogus' is not supported",
        "/",
    );
}

#[test]
fn start_at_and_every_target_must_exist() {
    assert_eq!(
        rejection(json!({"StartAt": "Nope", "States": {"A": {"Type": "Succeed"}}})),
        [(
            DiagnosticCode::MissingTransitionTarget,
            "/StartAt".to_owned()
        )]
    );
    assert_eq!(
        rejection(json!({"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true, "Next": "X"}], "Default": "Y"},
            "T": {"Type": "Task", "Resource": ACTIVITY, "End": true,
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Z"}]}}})),
        [
            (
                DiagnosticCode::MissingTransitionTarget,
                "/States/C/Choices[0]/Next".to_owned()
            ),
            (
                DiagnosticCode::MissingTransitionTarget,
                "/States/C/Default".to_owned()
            ),
            (
                DiagnosticCode::MissingTransitionTarget,
                "/States/T/Catch[0]/Next".to_owned()
            ),
        ]
    );
}

#[test]
fn unreachable_states_are_rejected_like_aws() {
    let error = parse(json!({"StartAt": "A", "States": {
        "A": {"Type": "Succeed"}, "Orphan": {"Type": "Pass", "End": true}}}))
    .expect_err("unreachable");
    assert_eq!(
        error.to_string(),
        "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: State \"Orphan\" is not reachable. at /States/Orphan'"
    );
    // Reaching a state only through a Catch counts.
    parse(json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": ACTIVITY, "End": true, "Catch": [{"ErrorEquals": ["E"], "Next": "H"}]},
        "H": {"Type": "Succeed"}}}))
    .expect("reachable through Catch");
}

#[test]
fn transitions_inside_branches_are_scoped_to_the_branch() {
    let found = rejection(json!({"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "Outside"}}}]},
        "Outside": {"Type": "Succeed"}}}));
    assert!(found.contains(&(
        DiagnosticCode::MissingTransitionTarget,
        "/States/P/Branches[0]/States/B/Next".into()
    )));
}

#[test]
fn state_names_are_unique_machine_wide_and_at_most_80_chars() {
    let found = rejection(json!({"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "P", "States": {"P": {"Type": "Succeed"}}}]}}}));
    assert_eq!(found[0].0, DiagnosticCode::DuplicateStateName);
    let long = "x".repeat(81);
    let found = rejection(json!({"StartAt": long, "States": {long.clone(): {"Type": "Succeed"}}}));
    assert_eq!(
        found[0],
        (DiagnosticCode::InvalidStateName, format!("/States/{long}"))
    );
    let ok = "y".repeat(80);
    parse(json!({"StartAt": ok, "States": {ok.clone(): {"Type": "Succeed"}}}))
        .expect("80 chars is fine");
}

#[test]
fn terminal_rules() {
    // Neither Next nor End, and both.
    schema_failure_at(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass"}}}),
        "/States/A",
    );
    schema_failure_at(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B", "End": true}, "B": {"Type": "Succeed"}}}),
        "/States/A",
    );
    // Succeed and Fail take neither; Choice takes no End.
    schema_message_at(
        json!({"StartAt": "A", "States": {"A": {"Type": "Succeed", "End": true}}}),
        "Field 'End' is not supported",
        "/States/A",
    );
    schema_message_at(
        json!({"StartAt": "A", "States": {"A": {"Type": "Fail", "Next": "A"}}}),
        "Field 'Next' is not supported",
        "/States/A",
    );
    schema_message_at(
        json!({"StartAt": "C", "States": {"C": {"Type": "Choice", "End": true,
            "Choices": [{"Variable": "$.a", "IsNull": true, "Next": "S"}]}, "S": {"Type": "Succeed"}}}),
        "Field 'End' is not supported",
        "/States/C",
    );
    // A loop with no way out: one diagnostic, with no location, and no
    // "not reachable" for the state nothing leads to.
    let error = parse(json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"},
        "Orphan": {"Type": "Pass", "Next": "A"}}}))
    .expect_err("no terminal state");
    let found: Vec<(DiagnosticCode, &str, Option<&str>)> = error
        .diagnostics()
        .iter()
        .map(|d| (d.code, d.message.as_str(), d.location.as_deref()))
        .collect();
    assert_eq!(
        found,
        [(
            DiagnosticCode::MissingEndState,
            "Workflow has no terminal state",
            None
        )]
    );
}

#[test]
fn fields_not_allowed_for_the_state_type() {
    schema_message_at(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Retry": []}}}),
        "Field 'Retry' is not supported",
        "/States/A",
    );
    schema_message_at(
        json!({"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 1, "End": true, "Catch": []}}}),
        "Field 'Catch' is not supported",
        "/States/A",
    );
    schema_message_at(
        json!({"StartAt": "A", "States": {"A": {"Type": "Succeed", "ResultPath": "$.x"}}}),
        "Field 'ResultPath' is not supported",
        "/States/A",
    );
    schema_message_at(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Resource": ACTIVITY}}}),
        "Field 'Resource' is not supported",
        "/States/A",
    );
    schema_message_at(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "TimeoutSeconds": 5}}}),
        "Field 'TimeoutSeconds' is not supported",
        "/States/A",
    );
    schema_failure_at(
        json!({"StartAt": "A", "States": {"A": {"Type": "Teleport", "End": true}}}),
        "/States/A/Type",
    );
    schema_failure_at(
        json!({"StartAt": "A", "States": {"A": {"End": true}}}),
        "/States/A",
    );
}

#[test]
fn choice_rules_are_checked() {
    let choice = |rules: Value| {
        json!({"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": rules, "Default": "S"}, "S": {"Type": "Succeed"}}})
    };
    schema_failure_at(choice(json!([])), "/States/C/Choices");
    schema_failure_at(
        choice(json!([{"Variable": "$.a", "StringEquals": 1, "Next": "S"}])),
        "/States/C/Choices[0]/StringEquals",
    );
    schema_failure_at(
        choice(json!([{"Variable": "$.a", "NumericEquals": "1", "Next": "S"}])),
        "/States/C/Choices[0]/NumericEquals",
    );
    schema_failure_at(
        choice(json!([{"Variable": "$.a", "TimestampEquals": "yesterday", "Next": "S"}])),
        "/States/C/Choices[0]/TimestampEquals",
    );
    schema_failure_at(
        choice(json!([{"Variable": "$.a", "StringEqualsPath": "nope", "Next": "S"}])),
        "/States/C/Choices[0]/StringEqualsPath",
    );
    schema_failure_at(
        choice(json!([{"Variable": "$.a", "Next": "S"}])),
        "/States/C/Choices[0]",
    );
    schema_failure_at(
        choice(json!([{"Variable": "$.a", "IsNull": true, "IsString": true, "Next": "S"}])),
        "/States/C/Choices[0]",
    );
    schema_failure_at(
        choice(json!([{"Variable": "$.a", "IsNull": true}])),
        "/States/C/Choices[0]",
    );
    schema_failure_at(
        choice(json!([{"Not": {"Variable": "$.a", "IsNull": true, "Next": "S"}, "Next": "S"}])),
        "/States/C/Choices[0]/Not/Next",
    );
    schema_failure_at(
        choice(json!([{"Variable": "$..a[", "IsNull": true, "Next": "S"}])),
        "/States/C/Choices[0]/Variable",
    );
}

#[test]
fn retry_and_catch_rules() {
    let task = |extra: Value| {
        let mut t = json!({"Type": "Task", "Resource": ACTIVITY, "End": true});
        for (k, v) in extra.as_object().expect("object") {
            t[k] = v.clone();
        }
        json!({"StartAt": "T", "States": {"T": t, "H": {"Type": "Succeed"}}})
    };
    schema_failure_at(
        task(json!({"Retry": [{"ErrorEquals": ["States.ALL", "Other"]}]})),
        "/States/T/Retry[0]/ErrorEquals",
    );
    schema_failure_at(
        task(json!({"Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["Other"]}]})),
        "/States/T/Retry[0]",
    );
    schema_failure_at(
        task(json!({"Retry": [{"ErrorEquals": []}]})),
        "/States/T/Retry[0]/ErrorEquals",
    );
    schema_failure_at(
        task(json!({"Retry": [{"ErrorEquals": ["E"], "BackoffRate": 0.5}]})),
        "/States/T/Retry[0]/BackoffRate",
    );
    schema_failure_at(
        task(json!({"Retry": [{"ErrorEquals": ["E"], "JitterStrategy": "HALF"}]})),
        "/States/T/Retry[0]/JitterStrategy",
    );
    schema_message_at(
        task(json!({"Retry": [{"ErrorEquals": ["E"], "Bogus": 1}]})),
        "Field 'Bogus' is not supported",
        "/States/T/Retry[0]",
    );
    schema_failure_at(
        task(json!({"Catch": [{"ErrorEquals": ["E"]}]})),
        "/States/T/Catch[0]",
    );
    schema_failure_at(
        task(json!({"Catch": [{"ErrorEquals": ["E"], "Next": "H", "ResultPath": "$.a[*]"}]})),
        "/States/T/Catch[0]/ResultPath",
    );
}

#[test]
fn task_wait_and_fail_field_rules() {
    let one = |state: Value| json!({"StartAt": "A", "States": {"A": state}});
    schema_failure_at(
        one(
            json!({"Type": "Task", "Resource": ACTIVITY, "End": true, "TimeoutSeconds": 5, "TimeoutSecondsPath": "$.t"}),
        ),
        "/States/A",
    );
    schema_failure_at(
        one(
            json!({"Type": "Task", "Resource": ACTIVITY, "End": true, "TimeoutSeconds": 5, "HeartbeatSeconds": 5}),
        ),
        "/States/A/HeartbeatSeconds",
    );
    schema_failure_at(
        one(json!({"Type": "Task", "Resource": ACTIVITY, "End": true, "TimeoutSeconds": 0})),
        "/States/A/TimeoutSeconds",
    );
    let found = rejection(one(
        json!({"Type": "Task", "Resource": "not-an-arn", "End": true}),
    ));
    assert_eq!(
        found,
        [(DiagnosticCode::InvalidResource, "/States/A/Resource".into())]
    );
    schema_failure_at(one(json!({"Type": "Wait", "End": true})), "/States/A");
    schema_failure_at(
        one(json!({"Type": "Wait", "End": true, "Seconds": 1, "SecondsPath": "$.s"})),
        "/States/A",
    );
    schema_failure_at(
        one(json!({"Type": "Wait", "End": true, "Timestamp": "2020-01-01 00:00:00"})),
        "/States/A/Timestamp",
    );
    schema_failure_at(
        one(json!({"Type": "Wait", "End": true, "Seconds": -1})),
        "/States/A/Seconds",
    );
    schema_failure_at(
        one(json!({"Type": "Fail", "Error": "E", "ErrorPath": "$.e"})),
        "/States/A",
    );
    schema_failure_at(
        one(json!({"Type": "Fail", "Cause": "C", "CausePath": "$.c"})),
        "/States/A",
    );
    schema_failure_at(
        one(json!({"Type": "Fail", "CausePath": "States.Nope()"})),
        "/States/A/CausePath",
    );
}

#[test]
fn paths_and_templates_are_checked_at_creation() {
    let pass = |extra: Value| {
        let mut p = json!({"Type": "Pass", "End": true});
        for (k, v) in extra.as_object().expect("object") {
            p[k] = v.clone();
        }
        json!({"StartAt": "A", "States": {"A": p}})
    };
    schema_failure_at(pass(json!({"InputPath": "a.b"})), "/States/A/InputPath");
    schema_failure_at(pass(json!({"OutputPath": "$.a["})), "/States/A/OutputPath");
    schema_failure_at(pass(json!({"ResultPath": "$..a"})), "/States/A/ResultPath");
    schema_failure_at(
        pass(json!({"ResultPath": "$$.Execution"})),
        "/States/A/ResultPath",
    );
    schema_failure_at(
        pass(json!({"Parameters": {"a": {"b.$": "nope"}}})),
        "/States/A/Parameters/a/b.$",
    );
    schema_failure_at(
        pass(json!({"Parameters": {"x.$": "States.Format('{}')" }})),
        "/States/A/Parameters/x.$",
    );
    parse(pass(json!({"InputPath": null, "OutputPath": null, "ResultPath": null,
                      "Parameters": {"all.$": "$.items[?(@.n > 1)]", "f.$": "States.Format('{}', $.a)"}})))
    .expect("null paths, filters and intrinsics are valid");
}

#[test]
fn jsonata_states_and_assign_parse_and_jsonpath_fields_are_rejected_in_jsonata() {
    let parsed = parse(
        json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "End": true, "Output": "{% $states.input %}", "Assign": {"x": 1}}}}),
    )
    .expect("JSONata with Assign parses");
    assert!(parsed.states["A"].is_jsonata());
    assert_eq!(
        parsed.states["A"]
            .assign
            .as_ref()
            .map(|a| a.names().to_vec()),
        Some(vec!["x".to_owned()])
    );
    let error = parse(
        json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "End": true, "OutputPath": "$.a"}}}),
    )
    .expect_err("OutputPath is JSONPath-only");
    assert_eq!(error.location(), Some("/States/A/OutputPath"));
    schema_message_at(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Output": {"a": 1}}}}),
        "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage",
        "/States/A",
    );
}
