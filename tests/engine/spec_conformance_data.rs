//! Values and definitions AWS accepts, checked against answers recorded
//! against AWS (LocalStack's snapshot tests, github.com/localstack/localstack,
//! `tests/aws/services/stepfunctions/v2/`, each named where it is used) and
//! the developer guide's context object page
//! (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html).

use serde_json::{json, Value};

use crate::support::api::Api;
use crate::support::spec;
use crate::support::spec::{failed, pass_parameters, succeeded};

// Recorded: `test_context_object.snapshot.json`, `test_error_cause_path`: a
// Fail state's ErrorPath `$$.State.Name` and CausePath
// `$$.StateMachine.Name` give the state's and the machine's names.
#[tokio::test]
async fn fail_paths_read_the_context_object() {
    let api = Api::start().await;
    let name = spec::unique_name();
    let definition = json!({
        "StartAt": "StartState",
        "States": { "StartState": {
            "Type": "Fail", "ErrorPath": "$$.State.Name", "CausePath": "$$.StateMachine.Name"
        } }
    });
    let machine = api.machine(&name, definition).await;
    let execution = api.start_execution(&machine, json!({})).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"], "StartState");
    assert_eq!(done["cause"], name);
}

// Guide, "Passing data between states with variables": a variable can be
// read wherever a reference path is allowed, ErrorPath and CausePath too.
#[tokio::test]
async fn fail_paths_read_variables() {
    let api = Api::start().await;
    let definition = json!({
        "StartAt": "Set",
        "States": {
            "Set": {"Type": "Pass", "Assign": {"error": "Custom.Error", "cause": "from a variable"}, "Next": "Fail"},
            "Fail": {"Type": "Fail", "ErrorPath": "$error", "CausePath": "$cause"}
        }
    });
    let (error, cause) = failed(&api, definition, json!({})).await;
    assert_eq!(error, "Custom.Error");
    assert_eq!(cause, "from a variable");
}

/// The recorded legacy Map: `Iterator` with a `ProcessorConfig` of `mode`
/// and the item template under `selector` (`Parameters` or `ItemSelector`).
fn legacy_map(mode: &str, selector: &str) -> Value {
    let mut config = json!({"Mode": mode});
    if mode == "DISTRIBUTED" {
        config["ExecutionType"] = json!("STANDARD");
    }
    json!({
        "StartAt": "MapState",
        "States": {
            "MapState": {
                "Type": "Map",
                "MaxConcurrency": 1,
                selector: {
                    "constantValue": "constant",
                    "mapValue.$": "$$.Map.Item.Value",
                    "fromInput.$": "$"
                },
                "Iterator": {
                    "StartAt": "IteratorInner",
                    "States": {"IteratorInner": {"Type": "Pass", "End": true}},
                    "ProcessorConfig": config
                },
                "Next": "Finish"
            },
            "Finish": {"Type": "Succeed"}
        }
    })
}

// Recorded: `test_base_scenarios.snapshot.json`,
// `test_map_state_legacy_config_{inline,distributed}_{parameters,item_selector}`:
// the legacy `Iterator` takes a ProcessorConfig, and on input
// `["Hello", "World"]` each item becomes
// `{"constantValue":"constant","mapValue":<item>,"fromInput":["Hello","World"]}`.
#[tokio::test]
async fn legacy_iterator_with_processor_config_runs() {
    let api = Api::start().await;
    let input = json!(["Hello", "World"]);
    let expected = json!([
        {"constantValue": "constant", "mapValue": "Hello", "fromInput": ["Hello", "World"]},
        {"constantValue": "constant", "mapValue": "World", "fromInput": ["Hello", "World"]}
    ]);
    for mode in ["INLINE", "DISTRIBUTED"] {
        for selector in ["Parameters", "ItemSelector"] {
            let output = succeeded(&api, legacy_map(mode, selector), input.clone()).await;
            assert_eq!(output, expected, "{mode} {selector}");
        }
    }
}

// Recorded: `test_context_object.snapshot.json`, `test_input_path[$$]`: the
// context object of a Pass state is Execution {Id, Input, StartTime, Name,
// RoleArn, RedriveCount}, StateMachine {Id, Name} and State {Name,
// EnteredTime}, with no RetryCount.
#[tokio::test]
async fn the_context_object_of_a_pass_state() {
    let api = Api::start().await;
    let name = spec::unique_name();
    let machine = api
        .machine(
            &name,
            json!({"StartAt": "TestState", "States": {"TestState": {"Type": "Pass", "InputPath": "$$", "End": true}}}),
        )
        .await;
    let execution = api
        .start_execution(&machine, json!({"input-value": 0}))
        .await;
    let done = api.finished(&execution).await;
    let context = spec::output(&done);
    let keys = |v: &Value| {
        let mut k: Vec<String> = v
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        k.sort();
        k
    };
    assert_eq!(keys(&context), ["Execution", "State", "StateMachine"]);
    assert_eq!(
        keys(&context["Execution"]),
        [
            "Id",
            "Input",
            "Name",
            "RedriveCount",
            "RoleArn",
            "StartTime"
        ]
    );
    assert_eq!(context["Execution"]["Id"], execution);
    assert_eq!(context["Execution"]["Input"], json!({"input-value": 0}));
    assert_eq!(context["Execution"]["RedriveCount"], 0);
    assert_eq!(keys(&context["StateMachine"]), ["Id", "Name"]);
    assert_eq!(context["StateMachine"]["Id"], machine);
    assert_eq!(context["StateMachine"]["Name"], name);
    assert_eq!(keys(&context["State"]), ["EnteredTime", "Name"]);
    assert_eq!(context["State"]["Name"], "TestState");
}

// Recorded: `test_base_scenarios.snapshot.json`,
// `test_lambda_invoke_with_retry_extended_input`: a Task state's context
// has `State.RetryCount` (0 on the first attempt).
#[tokio::test]
async fn a_task_state_context_has_a_retry_count() {
    let api = Api::start().await;
    let activity = api.activity("conformance-context").await;
    let definition = json!({
        "StartAt": "Task",
        "States": {"Task": {
            "Type": "Task", "Resource": activity,
            "Parameters": {"state.$": "$$.State"},
            "End": true
        }}
    });
    let machine = api.machine(&spec::unique_name(), definition).await;
    api.start_execution(&machine, json!({})).await;
    let task = api.poll(&activity, "w").await;
    let input: Value = serde_json::from_str(task["input"].as_str().expect("input")).expect("JSON");
    assert_eq!(input["state"]["Name"], "Task");
    assert_eq!(input["state"]["RetryCount"], 0);
    assert!(input["state"]["EnteredTime"].is_string());
}

// Recorded: `test_generic.snapshot.json`, `test_format_1` and `test_format_2`:
// strings, null and numbers as they are, objects and arrays in Java's
// collection style (`{Arg1=1, Arg2=[]}`), a string holding JSON unchanged;
// `test_context_json_path`: `$$.StateMachine` prints as `{Id=..., Name=...}`.
#[tokio::test]
async fn states_format_prints_arguments_as_aws_does() {
    let api = Api::start().await;
    let format = |template: &str| pass_parameters(json!({"FunctionResult.$": template}));
    let two = "States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)";
    for (value, shown) in [
        (json!(""), ""),
        (json!(" "), " "),
        (json!("HelloWorld"), "HelloWorld"),
        (json!(null), "null"),
        (json!(1), "1"),
        (json!(1.1), "1.1"),
        (
            json!("{\"Arg1\": 1, \"Arg2\": []}"),
            "{\"Arg1\": 1, \"Arg2\": []}",
        ),
        (json!({"Arg1": 1, "Arg2": []}), "{Arg1=1, Arg2=[]}"),
    ] {
        let input = json!({"FunctionInput": {"fst": value, "snd": value}});
        let output = succeeded(&api, format(two), input).await;
        assert_eq!(
            output["FunctionResult"],
            format!("Formatting arguments fst={shown} and snd={shown}."),
        );
    }
    let nested = json!({"a": {"b": [1, {"c": "d"}]}, "e": null, "f": true});
    let output = succeeded(
        &api,
        format("States.Format('{}', $.v)"),
        json!({"v": nested}),
    )
    .await;
    assert_eq!(
        output["FunctionResult"],
        "{a={b=[1, {c=d}]}, e=null, f=true}"
    );
    let name = spec::unique_name();
    let machine = api
        .machine(&name, format("States.Format('{}', $$.StateMachine)"))
        .await;
    let execution = api.start_execution(&machine, json!({})).await;
    let output = spec::output(&api.finished(&execution).await);
    assert_eq!(
        output["FunctionResult"],
        format!("{{Id={machine}, Name={name}}}")
    );
}

// Recorded: `test_json_manipulation.snapshot.json`, `test_string_to_json`:
// "" and " " give null, "-0" gives 0, JSON text its value.
#[tokio::test]
async fn string_to_json_of_blank_strings_is_null() {
    let api = Api::start().await;
    let definition =
        pass_parameters(json!({"FunctionResult.$": "States.StringToJson($.FunctionInput)"}));
    for (text, value) in [
        ("", json!(null)),
        (" ", json!(null)),
        ("null", json!(null)),
        ("-0", json!(0)),
        ("1.1", json!(1.1)),
        ("[1, 2, \"HelloWorld\"]", json!([1, 2, "HelloWorld"])),
    ] {
        let output = succeeded(&api, definition.clone(), json!({"FunctionInput": text})).await;
        assert_eq!(output["FunctionResult"], value, "{text:?}");
    }
}

// Recorded: `test_array_jsonata.snapshot.json`, `test_array_range`:
// `$range(1, 9, 9)` is `1` (a one-item JSONata sequence is its item), the
// others arrays.
#[tokio::test]
async fn jsonata_range_of_one_item_is_the_item() {
    let api = Api::start().await;
    let definition = json!({
        "QueryLanguage": "JSONata",
        "StartAt": "State_0",
        "States": {"State_0": {
            "Type": "Pass",
            "Output": "{% $range($states.input.FunctionInput.fst, $states.input.FunctionInput.snd, $states.input.FunctionInput.trd) %}",
            "End": true
        }}
    });
    for (args, expected) in [
        ([0, 9, 3], json!([0, 3, 6, 9])),
        ([0, 10, 3], json!([0, 3, 6, 9])),
        ([1, 9, 9], json!(1)),
        ([1, 9, 2], json!([1, 3, 5, 7, 9])),
    ] {
        let input = json!({"FunctionInput": {"fst": args[0], "snd": args[1], "trd": args[2]}});
        let output = succeeded(&api, definition.clone(), input).await;
        assert_eq!(output, expected, "{args:?}");
    }
}

// Recorded: `test_base_scenarios.snapshot.json`,
// `test_choice_condition_constant_jsonata`: `"Condition": true` takes its
// rule's Next.
#[tokio::test]
async fn a_jsonata_condition_may_be_a_boolean_constant() {
    let api = Api::start().await;
    let choice = |constant: bool| {
        json!({
            "StartAt": "ChoiceState",
            "States": {
                "ChoiceState": {
                    "Type": "Choice",
                    "QueryLanguage": "JSONata",
                    "Choices": [{"Condition": constant, "Next": "ConditionTrue"}],
                    "Default": "DefaultState"
                },
                "ConditionTrue": {"Type": "Pass", "End": true},
                "DefaultState": {"Type": "Fail", "Cause": "Condition is false"}
            }
        })
    };
    assert_eq!(succeeded(&api, choice(true), json!({})).await, json!({}));
    let (_, cause) = failed(&api, choice(false), json!({})).await;
    assert_eq!(cause, "Condition is false");
}

// Recorded: `test_math_operations_jsonata.snapshot.json`,
// `test_math_random_seeded`: calling a function that does not exist is
// JSONata's T1006, worded as jsonata-js words it.
#[tokio::test]
async fn calling_an_unknown_jsonata_function_is_t1006() {
    let api = Api::start().await;
    let definition = json!({
        "QueryLanguage": "JSONata",
        "StartAt": "State_0",
        "States": {"State_0": {
            "Type": "Pass",
            "Output": {"FunctionResult": "{% $randomSeeded($states.input.FunctionInput.fst) %}"},
            "End": true
        }}
    });
    let (error, cause) = failed(&api, definition, json!({"FunctionInput": {"fst": 3}})).await;
    assert_eq!(error, "States.QueryEvaluationError");
    assert_eq!(
        cause,
        "An error occurred while executing the state 'State_0' (entered at the event id #2). \
         The JSONata expression '$randomSeeded($states.input.FunctionInput.fst)' specified for the \
         field 'Output/FunctionResult' threw an error during evaluation. T1006: Attempted to invoke a non-function"
    );
}
