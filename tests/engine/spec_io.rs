//! Input and output processing checked against the AWS Step Functions
//! developer guide: "InputPath, Parameters and ResultSelector"
//! (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html),
//! "Specifying state output using ResultPath"
//! (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html),
//! "InputPath, ResultPath and OutputPath examples"
//! (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-example.html),
//! "Paths" (https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html),
//! "Context object" (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html)
//! and the error names of "Error handling in Step Functions".

use serde_json::{json, Value};

use crate::support::api;
use crate::support::api::Api;
use crate::support::spec::{failed, output, pass_parameters, succeeded};

/// A Pass state whose `Result` stands in for the Lambda answer the guide's
/// examples use, with the given extra fields.
fn pass_with_result(fields: Value) -> Value {
    let mut state = json!({ "Type": "Pass", "Result": "Hello, AWS Step Functions!", "End": true });
    if let (Some(state), Some(extra)) = (state.as_object_mut(), fields.as_object()) {
        state.extend(extra.clone());
    }
    json!({ "StartAt": "S", "States": { "S": state } })
}

fn tutorial_input() -> Value {
    json!({
        "comment": "This is a test of the input and output of a Task state.",
        "details": "Default example",
        "who": "AWS Step Functions"
    })
}

// "InputPath": `$.dataset2` keeps only that object.
#[tokio::test]
async fn input_path_selects_part_of_the_input() {
    let api = Api::start().await;
    let definition = json!({ "StartAt": "S", "States": { "S": {
        "Type": "Pass", "InputPath": "$.dataset2", "End": true } } });
    let input = json!({
        "comment": "Example for InputPath.",
        "dataset1": { "val1": 1, "val2": 2, "val3": 3 },
        "dataset2": { "val1": "a", "val2": "b", "val3": "c" }
    });
    assert_eq!(
        succeeded(&api, definition, input).await,
        json!({ "val1": "a", "val2": "b", "val3": "c" })
    );
}

// "InputPath", note: a path may select several values, `$.a[0:2]` gives
// `[1, 2]`.
#[tokio::test]
async fn input_path_slice_selects_several_values() {
    let api = Api::start().await;
    let definition = json!({ "StartAt": "S", "States": { "S": {
        "Type": "Pass", "InputPath": "$.a[0:2]", "End": true } } });
    assert_eq!(
        succeeded(&api, definition, json!({ "a": [1, 2, 3, 4] })).await,
        json!([1, 2])
    );
}

// "Paths", reference paths: the guide's four example paths and results.
#[tokio::test]
async fn the_documented_paths_select_the_documented_nodes() {
    let api = Api::start().await;
    let input = json!({
        "foo": 123,
        "bar": ["a", "b", "c"],
        "car": { "cdr": true },
        "jar": [{ "a": 1 }, { "a": 5 }, { "a": 2 }, { "a": 7 }, { "a": 3 }]
    });
    let out = succeeded(
        &api,
        pass_parameters(json!({
            "foo.$": "$.foo", "bar.$": "$.bar", "cdr.$": "$.car.cdr",
            "filtered.$": "$.jar[?(@.a >= 5)]"
        })),
        input,
    )
    .await;
    assert_eq!(
        out,
        json!({
            "foo": 123, "bar": ["a", "b", "c"], "cdr": true,
            "filtered": [{ "a": 5 }, { "a": 7 }]
        })
    );
}

// "Parameters", key-value pairs: static values and `.$` selections, nested.
#[tokio::test]
async fn parameters_build_a_new_input() {
    let api = Api::start().await;
    let definition = pass_parameters(json!({
        "comment": "Selecting what I care about.",
        "MyDetails": {
            "size.$": "$.product.details.size",
            "exists.$": "$.product.availability",
            "StaticValue": "foo"
        }
    }));
    let input = json!({
        "comment": "Example for Parameters.",
        "product": {
            "details": { "color": "blue", "size": "small", "material": "cotton" },
            "availability": "in stock", "sku": "2317", "cost": "$23"
        }
    });
    assert_eq!(
        succeeded(&api, definition, input).await,
        json!({
            "comment": "Selecting what I care about.",
            "MyDetails": { "size": "small", "exists": "in stock", "StaticValue": "foo" }
        })
    );
}

// "ResultSelector": pick parts of a task result, then ResultPath puts the
// selection into the input.
#[tokio::test]
async fn result_selector_then_result_path() {
    let api = Api::start().await;
    let activity = api.activity("emr").await;
    let definition = json!({ "StartAt": "Create Cluster", "States": { "Create Cluster": {
        "Type": "Task", "Resource": activity,
        "ResultSelector": { "ClusterId.$": "$.output.ClusterId", "ResourceType.$": "$.resourceType" },
        "ResultPath": "$.EMROutput",
        "End": true } } });
    let machine = api.machine("rs", definition).await;
    let execution = api
        .start_execution(&machine, json!({ "OtherDataFromInput": {} }))
        .await;
    let task = api.poll(&activity, "w").await;
    let result = json!({
        "resourceType": "elasticmapreduce",
        "resource": "createCluster.sync",
        "output": {
            "SdkHttpMetadata": { "HttpStatusCode": 200 },
            "SdkResponseMetadata": { "RequestId": "1234-5678-9012" },
            "ClusterId": "AKIAIOSFODNN7EXAMPLE"
        }
    });
    api.ok(
        "SendTaskSuccess",
        json!({ "taskToken": task["taskToken"], "output": result.to_string() }),
    )
    .await;
    let done = api.finished(&execution).await;
    assert_eq!(
        output(&done),
        json!({
            "OtherDataFromInput": {},
            "EMROutput": { "ResourceType": "elasticmapreduce", "ClusterId": "AKIAIOSFODNN7EXAMPLE" }
        })
    );
}

// "ResultPath": `$` (the default) replaces the input with the result.
#[tokio::test]
async fn result_path_default_replaces_the_input() {
    let api = Api::start().await;
    for extra in [json!({}), json!({ "ResultPath": "$" })] {
        let out = succeeded(&api, pass_with_result(extra), tutorial_input()).await;
        assert_eq!(out, json!("Hello, AWS Step Functions!"));
    }
}

// "ResultPath": null discards the result and passes the input through.
#[tokio::test]
async fn result_path_null_keeps_the_input() {
    let api = Api::start().await;
    let out = succeeded(
        &api,
        pass_with_result(json!({ "ResultPath": null })),
        tutorial_input(),
    )
    .await;
    assert_eq!(out, tutorial_input());
}

// "ResultPath": `$.taskresult` adds the result; `$.strings.lambdaresult`
// adds it as a child; `$.comment` overwrites an existing node.
#[tokio::test]
async fn result_path_adds_or_overwrites_a_node() {
    let api = Api::start().await;
    let hello = "Hello, AWS Step Functions!";

    let mut expected = tutorial_input();
    expected["taskresult"] = json!(hello);
    let out = succeeded(
        &api,
        pass_with_result(json!({ "ResultPath": "$.taskresult" })),
        tutorial_input(),
    )
    .await;
    assert_eq!(out, expected);

    let input = json!({
        "comment": "An input comment.",
        "strings": { "string1": "foo", "string2": "bar", "string3": "baz" },
        "who": "AWS Step Functions"
    });
    let mut expected = input.clone();
    expected["strings"]["lambdaresult"] = json!(hello);
    let out = succeeded(
        &api,
        pass_with_result(json!({ "ResultPath": "$.strings.lambdaresult" })),
        input,
    )
    .await;
    assert_eq!(out, expected);

    let mut expected = tutorial_input();
    expected["comment"] = json!(hello);
    let out = succeeded(
        &api,
        pass_with_result(json!({ "ResultPath": "$.comment" })),
        tutorial_input(),
    )
    .await;
    assert_eq!(out, expected);
}

// "InputPath, ResultPath and OutputPath examples": the task sees only
// `$.lambda`, the result lands in the raw input's `data`, and OutputPath
// passes `data` on.
#[tokio::test]
async fn input_result_and_output_path_together() {
    let api = Api::start().await;
    let activity = api.activity("hello").await;
    let definition = json!({ "StartAt": "HelloWorld", "States": { "HelloWorld": {
        "Type": "Task", "Resource": activity,
        "InputPath": "$.lambda",
        "ResultPath": "$.data.lambdaresult",
        "OutputPath": "$.data",
        "End": true } } });
    let machine = api.machine("io", definition).await;
    let input = json!({
        "comment": "An input comment.",
        "data": { "val1": 23, "val2": 17 },
        "extra": "foo",
        "lambda": { "who": "AWS Step Functions" }
    });
    let execution = api.start_execution(&machine, input).await;
    let task = api.poll(&activity, "w").await;
    let task_input: Value =
        serde_json::from_str(task["input"].as_str().expect("input")).expect("JSON");
    assert_eq!(task_input, json!({ "who": "AWS Step Functions" }));
    api.ok(
        "SendTaskSuccess",
        json!({ "taskToken": task["taskToken"], "output": "\"Hello, AWS Step Functions!\"" }),
    )
    .await;
    let done = api.finished(&execution).await;
    assert_eq!(
        output(&done),
        json!({ "val1": 23, "val2": 17, "lambdaresult": "Hello, AWS Step Functions!" })
    );
}

// "ResultPath", catch: `"ResultPath": "$.error"` in a catcher keeps the
// input and adds the error output.
#[tokio::test]
async fn catcher_result_path_keeps_the_input_with_the_error() {
    let api = Api::start().await;
    let activity = api.activity("fails").await;
    let definition = json!({ "StartAt": "T", "States": {
        "T": { "Type": "Task", "Resource": activity,
               "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "NextTask", "ResultPath": "$.error" }],
               "End": true },
        "NextTask": { "Type": "Pass", "End": true } } });
    let machine = api.machine("catch", definition).await;
    let execution = api.start_execution(&machine, json!({ "foo": "bar" })).await;
    let task = api.poll(&activity, "w").await;
    api.ok(
        "SendTaskFailure",
        json!({ "taskToken": task["taskToken"], "error": "Error here" }),
    )
    .await;
    let out = output(&api.finished(&execution).await);
    assert_eq!(out["foo"], "bar");
    assert_eq!(out["error"]["Error"], "Error here");
}

// states-language.net, "InputPath, Parameters, OutputPath, DefaultPath":
// a null InputPath gives the state `{}`, a null OutputPath sends `{}` on.
#[tokio::test]
async fn null_input_and_output_paths_give_empty_objects() {
    let api = Api::start().await;
    let null_input = json!({ "StartAt": "S", "States": { "S": {
        "Type": "Pass", "InputPath": null, "End": true } } });
    assert_eq!(
        succeeded(&api, null_input, json!({ "a": 1 })).await,
        json!({})
    );
    let null_output = json!({ "StartAt": "S", "States": { "S": {
        "Type": "Pass", "OutputPath": null, "End": true } } });
    assert_eq!(
        succeeded(&api, null_output, json!({ "a": 1 })).await,
        json!({})
    );
}

// "Context object": the documented Execution, State and StateMachine
// fields, read with `$$.` in Parameters (the guide's "start time and name"
// example, ResultPath `$.executionContext`).
#[tokio::test]
async fn context_object_fields() {
    let api = Api::start().await;
    let definition = json!({ "StartAt": "Get execution context data", "States": {
        "Get execution context data": { "Type": "Pass",
            "Parameters": {
                "startTime.$": "$$.Execution.StartTime",
                "execName.$": "$$.Execution.Name",
                "id.$": "$$.Execution.Id",
                "input.$": "$$.Execution.Input",
                "role.$": "$$.Execution.RoleArn",
                "entered.$": "$$.State.EnteredTime",
                "state.$": "$$.State.Name",
                "stateObject.$": "$$.State",
                "machineId.$": "$$.StateMachine.Id",
                "machineName.$": "$$.StateMachine.Name"
            },
            "ResultPath": "$.executionContext",
            "End": true } } });
    let machine = api.machine("ctx-machine", definition).await;
    let execution = api
        .start_execution(&machine, json!({ "key": "value" }))
        .await;
    let done = api.finished(&execution).await;
    let out = output(&done);
    assert_eq!(out["key"], "value");
    let context = &out["executionContext"];
    assert_eq!(context["execName"], done["name"]);
    assert_eq!(context["id"], json!(execution));
    assert_eq!(context["input"], json!({ "key": "value" }));
    assert_eq!(context["role"], api::ROLE);
    assert_eq!(context["state"], "Get execution context data");
    // AWS's recorded `$$` of a Pass state has no RetryCount (LocalStack's
    // `test_context_object.snapshot.json`, `test_input_path[$$]`): only
    // Task states count retries there.
    assert!(
        context["stateObject"].get("RetryCount").is_none(),
        "{context}"
    );
    assert_eq!(context["machineId"], json!(machine));
    assert_eq!(context["machineName"], "ctx-machine");
    for field in ["startTime", "entered"] {
        let stamp = context[field].as_str().expect("ISO 8601 string");
        // e.g. 2019-03-26T20:14:13.192Z
        assert_eq!(stamp.len(), 24, "{stamp}");
        assert!(
            stamp.ends_with('Z') && stamp.as_bytes()[10] == b'T',
            "{stamp}"
        );
    }
}

// "Context object", Map states: `$$.Map.Item.Index` and `.Value` in the
// Map's Parameters, with the guide's three-item input and output.
#[tokio::test]
async fn map_item_index_and_value_in_the_context() {
    let api = Api::start().await;
    let definition = json!({ "StartAt": "ExampleMapState", "States": { "ExampleMapState": {
        "Type": "Map",
        "Parameters": { "ContextIndex.$": "$$.Map.Item.Index", "ContextValue.$": "$$.Map.Item.Value" },
        "Iterator": { "StartAt": "TestPass", "States": { "TestPass": { "Type": "Pass", "End": true } } },
        "End": true } } });
    let input = json!([{ "who": "bob" }, { "who": "meg" }, { "who": "joe" }]);
    assert_eq!(
        succeeded(&api, definition, input).await,
        json!([
            { "ContextIndex": 0, "ContextValue": { "who": "bob" } },
            { "ContextIndex": 1, "ContextValue": { "who": "meg" } },
            { "ContextIndex": 2, "ContextValue": { "who": "joe" } }
        ])
    );
}

// "Error names", States.DataLimitExceeded: raised when the input of a
// state is over the quota after Parameters; States.ALL cannot catch it.
#[tokio::test]
async fn parameters_over_the_payload_quota_exceed_the_data_limit() {
    let api = Api::start().await;
    let activity = api.activity("never").await;
    let definition = json!({ "StartAt": "T", "States": {
        "T": { "Type": "Task", "Resource": activity,
               "Parameters": { "a.$": "$.big", "b.$": "$.big" },
               "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "Caught" }],
               "End": true },
        "Caught": { "Type": "Pass", "End": true } } });
    let big = "x".repeat(140_000);
    let (error, _) = failed(&api, definition, json!({ "big": big })).await;
    assert_eq!(error, "States.DataLimitExceeded");
}

// "Error names" lists States.ParameterPathFailure for a `.$` path in
// Parameters that names nothing, but AWS and Step Functions Local fail such
// a state with States.Runtime, naming the path and the field (execution
// histories from the service show it); the engine follows the service.
#[tokio::test]
async fn a_missing_parameters_path_fails_with_states_runtime_naming_path_and_field() {
    let api = Api::start().await;
    let (error, cause) = failed(
        &api,
        pass_parameters(json!({ "x.$": "$.missing" })),
        json!({}),
    )
    .await;
    assert_eq!(error, "States.Runtime");
    assert!(
        cause.contains("'$.missing'") && cause.contains("'x.$'"),
        "{cause}"
    );
}

// "Error names", States.ResultPathMatchFailure: ResultPath cannot be
// applied to an input that is not an object.
#[tokio::test]
async fn result_path_into_a_non_object_is_a_result_path_match_failure() {
    let api = Api::start().await;
    let (error, _) = failed(
        &api,
        pass_with_result(json!({ "ResultPath": "$.a.b" })),
        json!({ "a": "not an object" }),
    )
    .await;
    assert_eq!(error, "States.ResultPathMatchFailure");
}
