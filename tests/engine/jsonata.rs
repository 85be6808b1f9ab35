//! JSONata states over HTTP: `{% %}` fields, `$states`, the functions AWS
//! adds, evaluation errors and definition validation.

use serde_json::{json, Value};

use crate::support::api;
use crate::support::api::Api;
use crate::support::spec::{events_of, output, run};

fn machine(states: Value, start: &str) -> Value {
    json!({"QueryLanguage": "JSONata", "StartAt": start, "States": states})
}

#[tokio::test]
async fn pass_output_reads_states_input_and_context() {
    let api = Api::start().await;
    let definition = machine(
        json!({"P": {"Type": "Pass", "End": true, "Output": {
            "title": "{% $states.input.title %}",
            "upper": "{% $uppercase($states.input.title) %}",
            "name": "{% $states.context.Execution.Name %}",
            "static": "Hello",
            "not-evaluated": "$customerName"
        }}}),
        "P",
    );
    let done = run(&api, definition, json!({"title": "doc"})).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let out = output(&done);
    assert_eq!(out["title"], "doc");
    assert_eq!(out["upper"], "DOC");
    assert_eq!(out["name"], done["name"]);
    assert_eq!(out["static"], "Hello");
    assert_eq!(out["not-evaluated"], "$customerName");
}

#[tokio::test]
async fn aws_functions_give_the_documented_results() {
    let api = Api::start().await;
    let definition = machine(
        json!({"P": {"Type": "Pass", "End": true, "Output": {
            "partition": "{% $partition([1, 2, 3, 4, 5, 6, 7, 8, 9], 3) %}",
            "range": "{% $range(0, 10, 2) %}",
            "abc": "{% $hash('abc', 'SHA-256') %}",
            "parsed": "{% $parse('{\"a\": [1, 2]}') %}",
            "uuid": "{% $uuid() %}",
            "seeded": "{% $random(7) = $random(7) %}",
            "unit": "{% $random() >= 0 and $random() < 1 %}"
        }}}),
        "P",
    );
    let done = run(&api, definition, json!({})).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let out = output(&done);
    assert_eq!(out["partition"], json!([[1, 2, 3], [4, 5, 6], [7, 8, 9]]));
    assert_eq!(out["range"], json!([0, 2, 4, 6, 8, 10]));
    // sha256("abc"), the FIPS 180-2 test vector.
    assert_eq!(
        out["abc"],
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(out["parsed"], json!({"a": [1, 2]}));
    assert_eq!(out["uuid"].as_str().map(str::len), Some(36));
    assert_eq!(out["seeded"], true);
    assert_eq!(out["unit"], true);
}

#[tokio::test]
async fn eval_is_not_available_and_fails_with_query_evaluation_error() {
    let api = Api::start().await;
    let definition = machine(
        json!({"P": {"Type": "Pass", "End": true, "Output": "{% $eval('1 + 1') %}"}}),
        "P",
    );
    let done = run(&api, definition, json!({})).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"], "States.QueryEvaluationError");
}

#[tokio::test]
async fn evaluation_errors_name_the_state_field_and_expression() {
    let api = Api::start().await;
    let definition = machine(
        json!({"P": {"Type": "Pass", "End": true, "Output": {"x": "{% $states.input.missing %}"}}}),
        "P",
    );
    let done = run(&api, definition, json!({})).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"], "States.QueryEvaluationError");
    // The cause AWS writes for this case, word for word.
    assert_eq!(
        done["cause"],
        "An error occurred while executing the state 'P' (entered at the event id #2). The JSONata \
         expression '$states.input.missing' specified for the field 'Output/x' returned nothing (undefined)."
    );
}

#[tokio::test]
async fn choice_conditions_pick_the_rule_and_its_output() {
    let api = Api::start().await;
    let definition = machine(
        json!({
            "C": {"Type": "Choice", "Choices": [
                {"Condition": "{% $states.input.age >= 18 %}", "Next": "Adult",
                 "Output": {"kind": "adult"}}
            ], "Default": "Minor", "Output": {"kind": "minor"}},
            "Adult": {"Type": "Succeed"},
            "Minor": {"Type": "Succeed"}
        }),
        "C",
    );
    let adult = run(&api, definition.clone(), json!({"age": 30})).await;
    assert_eq!(output(&adult), json!({"kind": "adult"}));
    let minor = run(&api, definition, json!({"age": 3})).await;
    assert_eq!(output(&minor), json!({"kind": "minor"}));
}

#[tokio::test]
async fn non_boolean_condition_is_a_query_evaluation_error() {
    let api = Api::start().await;
    let definition = machine(
        json!({
            "C": {"Type": "Choice", "Choices": [
                {"Condition": "{% $states.input.age %}", "Next": "Done"}
            ]},
            "Done": {"Type": "Succeed"}
        }),
        "C",
    );
    let done = run(&api, definition, json!({"age": 30})).await;
    assert_eq!(done["error"], "States.QueryEvaluationError");
}

#[tokio::test]
async fn activity_task_gets_arguments_and_output_reads_the_result() {
    let api = Api::start().await;
    let activity = api.activity("a").await;
    let definition = machine(
        json!({"T": {"Type": "Task", "Resource": activity, "End": true,
            "TimeoutSeconds": "{% $states.input.timeout %}",
            "Arguments": {"v": "{% $states.input.v * 2 %}", "token": "{% $states.context.Task.Token %}"},
            "Output": {"doubled": "{% $states.result.value %}", "in": "{% $states.input.v %}"}}}),
        "T",
    );
    let machine = api.machine("m", definition).await;
    let execution = api
        .start_execution(&machine, json!({"v": 21, "timeout": 60}))
        .await;
    let task = api.poll(&activity, "w").await;
    let input: Value = serde_json::from_str(task["input"].as_str().expect("input")).expect("JSON");
    assert_eq!(input["v"], 42);
    assert_eq!(input["token"], task["taskToken"]);
    api.ok(
        "SendTaskSuccess",
        json!({"taskToken": task["taskToken"], "output": "{\"value\": 42}"}),
    )
    .await;
    let done = api.finished(&execution).await;
    assert_eq!(output(&done), json!({"doubled": 42, "in": 21}));
    let history = api.history(&execution).await;
    let scheduled = history
        .iter()
        .find(|e| e["type"] == "ActivityScheduled")
        .expect("scheduled");
    assert_eq!(
        scheduled["activityScheduledEventDetails"]["timeoutInSeconds"],
        60
    );
}

#[tokio::test]
async fn catch_output_reads_error_output() {
    let api = Api::start().await;
    let definition = machine(
        json!({
            "T": {"Type": "Parallel", "End": true,
                  "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Custom.Boom", "Cause": "bad"}}}],
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H",
                             "Output": {"caught": "{% $states.errorOutput.Error %}", "in": "{% $states.input.x %}"}}]},
            "H": {"Type": "Pass", "End": true}
        }),
        "T",
    );
    let done = run(&api, definition, json!({"x": 1})).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let out = output(&done);
    assert_eq!(out["in"], 1);
    assert_eq!(out["caught"], "Custom.Boom");
}

#[tokio::test]
async fn wait_seconds_and_fail_fields_take_expressions() {
    let api = Api::start().await;
    let definition = machine(
        json!({
            "W": {"Type": "Wait", "Seconds": "{% $states.input.s %}", "Next": "F"},
            "F": {"Type": "Fail", "Error": "{% 'Bad.' & $states.input.kind %}", "Cause": "{% 'n=' & $string($states.input.s) %}"}
        }),
        "W",
    );
    let done = run(&api, definition, json!({"s": 0, "kind": "Input"})).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"], "Bad.Input");
    assert_eq!(done["cause"], "n=0");
}

#[tokio::test]
async fn map_items_item_selector_and_parallel_arguments() {
    let api = Api::start().await;
    let definition = machine(
        json!({
            "M": {"Type": "Map", "Items": "{% $states.input.nums %}", "Next": "Par",
                  "ItemSelector": {"v": "{% $states.context.Map.Item.Value * 10 %}", "i": "{% $states.context.Map.Item.Index %}"},
                  "MaxConcurrency": "{% 2 %}",
                  "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
                  "Output": {"mapped": "{% $states.result %}"}},
            "Par": {"Type": "Parallel", "End": true,
                    "Arguments": {"first": "{% $states.input.mapped[0].v %}"},
                    "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}]}
        }),
        "M",
    );
    let done = run(&api, definition, json!({"nums": [1, 2]})).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(output(&done), json!([{"first": 10}]));
}

#[tokio::test]
async fn jsonpath_fields_and_bad_expressions_are_rejected_at_definition_time() {
    let api = Api::start().await;
    for (state, field) in [
        (
            json!({"Type": "Pass", "End": true, "InputPath": "$.a"}),
            "InputPath",
        ),
        (
            json!({"Type": "Pass", "End": true, "Parameters": {"a": 1}}),
            "Parameters",
        ),
        (
            json!({"Type": "Pass", "End": true, "ResultPath": "$.a"}),
            "ResultPath",
        ),
        (
            json!({"Type": "Pass", "End": true, "Output": {"a.$": "$.b"}}),
            "a.$",
        ),
        // AWS documents `Result` as JSONPath only: a JSONata Pass state
        // shapes its output with `Output`.
        (
            json!({"Type": "Pass", "End": true, "Result": {"a": 1}}),
            "Result",
        ),
    ] {
        let error = api
            .err(
                "CreateStateMachine",
                json!({"name": "bad", "roleArn": api::ROLE,
                       "definition": machine(json!({"S": state}), "S").to_string()}),
            )
            .await;
        assert_eq!(error.name(), "InvalidDefinition", "{field}");
        assert!(
            error.message.contains("SCHEMA_VALIDATION_FAILED"),
            "{}",
            error.message
        );
        assert!(error.message.contains(field), "{field}: {}", error.message);
    }
    // An expression that does not parse: AWS's code, the parser's message
    // without its JSONata code, and the field's location.
    let error = api
        .err(
            "CreateStateMachine",
            json!({"name": "bad", "roleArn": api::ROLE, "definition": machine(
                json!({"Main": {"Type": "Pass", "End": true, "Output": "{% 1 + %}"}}), "Main").to_string()}),
        )
        .await;
    assert_eq!(error.name(), "InvalidDefinition");
    assert_eq!(
        error.message,
        "Invalid State Machine Definition: 'INVALID_JSONATA_EXPRESSION: Unexpected end of expression at /States/Main/Output'"
    );
}

#[tokio::test]
async fn a_jsonpath_machine_may_have_jsonata_states() {
    let api = Api::start().await;
    let definition = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "Next": "B"},
        "B": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.n + 1 %}", "End": true}
    }});
    let done = run(&api, definition, json!({"n": 1})).await;
    assert_eq!(output(&done), json!(2));
}

#[tokio::test]
async fn a_failed_expression_writes_evaluation_failed_before_execution_failed() {
    let api = Api::start().await;
    let definition = machine(
        json!({"P": {"Type": "Pass", "End": true, "Output": {"x": "{% $states.input.n / 'x' %}"}}}),
        "P",
    );
    let machine = api.machine("m", definition).await;
    let execution = api.start_execution(&machine, json!({"n": 1})).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "FAILED");
    let history = api.history(&execution).await;
    let types: Vec<&str> = history.iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "PassStateEntered",
            "EvaluationFailed",
            "ExecutionFailed"
        ]
    );
    let details = &history[2]["evaluationFailedEventDetails"];
    assert_eq!(details["state"], "P");
    assert_eq!(details["error"], "States.QueryEvaluationError");
    assert_eq!(details["location"], "Output/x");
    assert_eq!(details["cause"], done["cause"]);
    assert_eq!(history[2]["previousEventId"], history[1]["id"]);
}

#[tokio::test]
async fn a_caught_evaluation_error_is_still_recorded() {
    let api = Api::start().await;
    let activity = api.activity("a").await;
    let definition = machine(
        json!({
            "T": {"Type": "Task", "Resource": activity, "Next": "Done",
                  "Arguments": {"v": "{% $states.input.missing.deeper %}"},
                  "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"], "Next": "Recover",
                             "Output": "{% $states.errorOutput.Error %}"}]},
            "Recover": {"Type": "Pass", "End": true},
            "Done": {"Type": "Succeed"}
        }),
        "T",
    );
    let machine = api.machine("m", definition).await;
    let execution = api.start_execution(&machine, json!({})).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(output(&done), json!("States.QueryEvaluationError"));
    let history = api.history(&execution).await;
    let failed = events_of(&history, "EvaluationFailed");
    assert_eq!(failed.len(), 1, "{history:?}");
    let details = &failed[0]["evaluationFailedEventDetails"];
    assert_eq!(details["state"], "T");
    assert_eq!(details["location"], "Arguments/v");
    assert!(events_of(&history, "ActivityScheduled").is_empty());
    assert_eq!(events_of(&history, "PassStateEntered").len(), 1);
}

#[tokio::test]
async fn jsonpath_failures_write_no_evaluation_failed_event() {
    let api = Api::start().await;
    let definition = json!({"StartAt": "P", "States": {
        "P": {"Type": "Pass", "Parameters": {"x.$": "$.missing"}, "End": true}
    }});
    let machine = api.machine("m", definition).await;
    let execution = api.start_execution(&machine, json!({})).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"], "States.Runtime");
    let history = api.history(&execution).await;
    assert!(
        events_of(&history, "EvaluationFailed").is_empty(),
        "{history:?}"
    );
    assert_eq!(events_of(&history, "ExecutionFailed").len(), 1);
}

#[tokio::test]
async fn thrown_errors_carry_the_jsonata_code_after_aws_sentence() {
    let api = Api::start().await;
    let definition = machine(
        json!({"P": {"Type": "Pass", "End": true, "Output": {"v": [1, "{% $abs('x') %}"]}}}),
        "P",
    );
    let done = run(&api, definition, json!({})).await;
    assert_eq!(done["error"], "States.QueryEvaluationError");
    let cause = done["cause"].as_str().expect("cause");
    // Array members are named with `[i]`, as AWS names them.
    assert!(
        cause.contains(
            "The JSONata expression '$abs('x')' specified for the field 'Output/v[1]' threw an error during evaluation. T0410:"
        ),
        "{cause}"
    );
}
