//! TestState over HTTP: each state type run alone, the inspection data of
//! each processing step, mocks for Task states, Retry and Catch outcomes,
//! and the requests TestState refuses.

use serde_json::{json, Value};

use crate::support::api::Api;

const ACTIVITY: &str = "arn:aws:states:us-east-1:123456789012:activity:work";

async fn test_state(api: &Api, mut request: Value) -> Value {
    request["definition"] = Value::from(request["definition"].to_string());
    api.ok("TestState", request).await
}

/// TestState once, on an engine of its own.
async fn test_state_alone(request: Value) -> Value {
    test_state(&Api::start().await, request).await
}

/// Asserts the answer's `status` and the `nextState` it names.
#[track_caller]
fn assert_went(out: &Value, status: &str, next_state: &str) {
    assert_eq!(out["status"], status, "{out}");
    assert_eq!(out["nextState"], next_state, "{out}");
}

/// Asserts the answer's `status` and the `error` it reports.
#[track_caller]
fn assert_error(out: &Value, status: &str, error: &str) {
    assert_eq!(out["status"], status, "{out}");
    assert_eq!(out["error"], error, "{out}");
}

fn parsed(field: &Value) -> Value {
    serde_json::from_str(field.as_str().expect("a JSON string")).expect("valid JSON")
}

#[tokio::test]
async fn pass_at_debug_shows_every_processing_step() {
    let out = test_state_alone(json!({
        "definition": {
            "Type": "Pass",
            "InputPath": "$.order",
            "Parameters": {"id.$": "$.id", "state.$": "$$.State.Name"},
            "ResultPath": "$.order.copy",
            "OutputPath": "$.order",
            "Next": "Ship"
        },
        "input": json!({"order": {"id": 7}, "other": 1}).to_string(),
        "inspectionLevel": "DEBUG"
    }))
    .await;
    assert_went(&out, "SUCCEEDED", "Ship");
    let copy = json!({"id": 7, "state": "TestState"});
    assert_eq!(parsed(&out["output"]), json!({"id": 7, "copy": copy}));
    let data = &out["inspectionData"];
    assert_eq!(
        parsed(&data["input"]),
        json!({"order": {"id": 7}, "other": 1})
    );
    assert_eq!(parsed(&data["afterInputPath"]), json!({"id": 7}));
    assert_eq!(parsed(&data["afterParameters"]), copy);
    assert_eq!(parsed(&data["result"]), copy);
    assert_eq!(
        parsed(&data["afterResultPath"]),
        json!({"order": {"id": 7, "copy": copy}, "other": 1})
    );
}

#[tokio::test]
async fn info_level_reports_no_inspection_data() {
    let out =
        test_state_alone(json!({"definition": {"Type": "Pass", "Result": {"x": 1}, "End": true}}))
            .await;
    assert_eq!(out["status"], "SUCCEEDED");
    assert_eq!(parsed(&out["output"]), json!({"x": 1}));
    assert!(
        out.get("nextState").is_none(),
        "an End state has no next state"
    );
    assert!(out.get("inspectionData").is_none());
}

#[tokio::test]
async fn choice_names_the_next_state_or_fails_without_a_match() {
    let api = Api::start().await;
    let choice = json!({
        "Type": "Choice",
        "Choices": [{"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}],
        "Default": "Small"
    });
    let big = test_state(&api, json!({"definition": choice, "input": "{\"n\": 11}"})).await;
    assert_went(&big, "SUCCEEDED", "Big");
    let small = test_state(&api, json!({"definition": choice, "input": "{\"n\": 1}"})).await;
    assert_eq!(small["nextState"], "Small");
    assert_eq!(parsed(&small["output"]), json!({"n": 1}));

    let no_default = json!({
        "Type": "Choice",
        "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "One"}]
    });
    let failed = test_state(
        &api,
        json!({"definition": no_default, "input": "{\"n\": 2}"}),
    )
    .await;
    assert_error(&failed, "FAILED", "States.NoChoiceMatched");
    assert!(failed.get("nextState").is_none());
}

#[tokio::test]
async fn wait_does_not_wait_and_fail_reports_its_error() {
    let api = Api::start().await;
    // An hour's Wait answers at once: a bound far below the hour, not a
    // timing, tells that it did not wait.
    let wait = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        test_state(
            &api,
            json!({"definition": {"Type": "Wait", "Seconds": 3600, "Next": "After"}}),
        ),
    )
    .await
    .expect("TestState waited for the Wait state");
    assert_went(&wait, "SUCCEEDED", "After");

    let fail = test_state(
        &api,
        json!({"definition": {"Type": "Fail", "ErrorPath": "$.e", "Cause": "because"},
               "input": "{\"e\": \"Custom.Oops\"}"}),
    )
    .await;
    assert_error(&fail, "FAILED", "Custom.Oops");
    assert_eq!(fail["cause"], "because");
    assert!(fail.get("output").is_none());
}

#[tokio::test]
async fn a_task_runs_on_its_mocked_result() {
    let out = test_state_alone(json!({
        "definition": {
            "Type": "Task", "Resource": ACTIVITY,
            "Parameters": {"v.$": "$.v"},
            "ResultSelector": {"answer.$": "$.value"},
            "ResultPath": "$.task",
            "Next": "Done"
        },
        "input": "{\"v\": 5}",
        "inspectionLevel": "TRACE",
        "mock": {"result": "{\"value\": 42, \"noise\": true}"}
    }))
    .await;
    assert_went(&out, "SUCCEEDED", "Done");
    assert_eq!(
        parsed(&out["output"]),
        json!({"v": 5, "task": {"answer": 42}})
    );
    let data = &out["inspectionData"];
    assert_eq!(parsed(&data["afterParameters"]), json!({"v": 5}));
    assert_eq!(parsed(&data["result"]), json!({"value": 42, "noise": true}));
    assert_eq!(parsed(&data["afterResultSelector"]), json!({"answer": 42}));
    assert_eq!(
        parsed(&data["afterResultPath"]),
        json!({"v": 5, "task": {"answer": 42}})
    );
}

#[tokio::test]
async fn a_mocked_error_is_retriable_then_caught_then_failed() {
    let api = Api::start().await;
    let task = json!({
        "Type": "Task", "Resource": ACTIVITY, "Next": "Done",
        "Retry": [{"ErrorEquals": ["Busy"], "MaxAttempts": 2, "IntervalSeconds": 3, "BackoffRate": 2}],
        "Catch": [{"ErrorEquals": ["Other"], "Next": "Done"},
                  {"ErrorEquals": ["Busy"], "Next": "Recover", "ResultPath": "$.error"}]
    });
    let error = |name: &str| json!({"errorOutput": {"error": name, "cause": "mocked"}});
    let first = test_state(
        &api,
        json!({"definition": task, "mock": error("Busy"), "inspectionLevel": "DEBUG"}),
    )
    .await;
    assert_error(&first, "RETRIABLE", "Busy");
    assert!(first.get("nextState").is_none());
    let details = &first["inspectionData"]["errorDetails"];
    assert_eq!(details["retryIndex"], 0);
    assert_eq!(details["retryBackoffIntervalSeconds"], 3);

    let second = test_state(
        &api,
        json!({"definition": task, "mock": error("Busy"), "inspectionLevel": "DEBUG",
               "stateConfiguration": {"retrierRetryCount": 1}}),
    )
    .await;
    assert_eq!(second["status"], "RETRIABLE");
    assert_eq!(
        second["inspectionData"]["errorDetails"]["retryBackoffIntervalSeconds"],
        6
    );

    let exhausted = test_state(
        &api,
        json!({"definition": task, "mock": error("Busy"), "input": "{\"a\": 1}",
               "inspectionLevel": "DEBUG", "stateConfiguration": {"retrierRetryCount": 2}}),
    )
    .await;
    assert_went(&exhausted, "CAUGHT_ERROR", "Recover");
    assert_eq!(exhausted["inspectionData"]["errorDetails"]["catchIndex"], 1);
    assert_eq!(
        parsed(&exhausted["output"]),
        json!({"a": 1, "error": {"Error": "Busy", "Cause": "mocked"}})
    );

    let uncaught = test_state(&api, json!({"definition": task, "mock": error("Unknown")})).await;
    assert_error(&uncaught, "FAILED", "Unknown");
    assert_eq!(uncaught["cause"], "mocked");
}

#[tokio::test]
async fn a_state_of_a_whole_machine_is_picked_by_name() {
    let api = Api::start().await;
    let machine = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Pass", "Result": "from B", "End": true}}});
    let out = test_state(&api, json!({"definition": machine, "stateName": "B"})).await;
    assert_eq!(parsed(&out["output"]), json!("from B"));
    let start = test_state(&api, json!({"definition": machine})).await;
    assert_eq!(
        start["nextState"], "B",
        "without stateName the StartAt state runs"
    );
}

#[tokio::test]
async fn refused_requests_use_aws_error_names() {
    let api = Api::start().await;
    let call = |request: Value| {
        let api = &api;
        async move { api.err("TestState", request).await.name().to_owned() }
    };
    let task = json!({"Type": "Task", "Resource": ACTIVITY, "End": true}).to_string();
    assert_eq!(
        call(json!({"definition": task})).await,
        "ValidationException"
    );
    let pass = json!({"Type": "Pass", "End": true}).to_string();
    assert_eq!(
        call(json!({"definition": pass, "mock": {"result": "{}"}})).await,
        "ValidationException"
    );
    assert_eq!(
        call(json!({"definition": pass, "input": "{oops"})).await,
        "InvalidExecutionInput"
    );
    assert_eq!(
        call(json!({"definition": json!({"Type": "Pass"}).to_string()})).await,
        "InvalidDefinition"
    );
    assert_eq!(
        call(json!({"definition": pass, "inspectionLevel": "LOUD"})).await,
        "ValidationException"
    );
}

#[tokio::test]
async fn a_runtime_fault_fails_the_state() {
    let out = test_state_alone(
        json!({"definition": {"Type": "Pass", "InputPath": "$.missing", "End": true},
           "input": "{}", "inspectionLevel": "DEBUG"}),
    )
    .await;
    assert_error(&out, "FAILED", "States.Runtime");
    // AWS's words for an execution's InputPath that names nothing
    // (LocalStack's recorded `test_states_errors.snapshot.json`,
    // `test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_INPUTPATH]`).
    assert!(out["cause"].as_str().is_some_and(
        |c| c.contains("Invalid path '$.missing' : No results for path: $['missing']")
    ));
}

#[tokio::test]
async fn a_jsonata_task_reports_arguments_result_and_variables() {
    let out = test_state_alone(json!({
        "definition": {
            "Type": "Task", "QueryLanguage": "JSONata", "Resource": ACTIVITY,
            "Arguments": {"id": "{% $states.input.id %}", "region": "{% $region %}"},
            "Output": {"total": "{% $states.result.value + $bonus %}"},
            "Assign": {"bonus": "{% $states.result.value %}", "seen": "{% $bonus %}"},
            "Next": "Done"
        },
        "input": "{\"id\": 7}",
        "variables": "{\"region\": \"eu\", \"bonus\": 1}",
        "inspectionLevel": "DEBUG",
        "mock": {"result": "{\"value\": 40}"}
    }))
    .await;
    assert_went(&out, "SUCCEEDED", "Done");
    // Output and Assign both read the variables from before the state.
    assert_eq!(parsed(&out["output"]), json!({"total": 41}));
    let data = &out["inspectionData"];
    assert_eq!(
        parsed(&data["afterArguments"]),
        json!({"id": 7, "region": "eu"})
    );
    assert_eq!(parsed(&data["result"]), json!({"value": 40}));
    assert_eq!(
        parsed(&data["variables"]),
        json!({"region": "eu", "bonus": 40, "seen": 1})
    );
    for jsonpath_step in [
        "afterInputPath",
        "afterParameters",
        "afterResultSelector",
        "afterResultPath",
    ] {
        assert!(data.get(jsonpath_step).is_none(), "{jsonpath_step}: {data}");
    }
}

#[tokio::test]
async fn a_jsonata_choice_condition_reads_the_given_variables() {
    let api = Api::start().await;
    let choice = json!({
        "Type": "Choice", "QueryLanguage": "JSONata",
        "Choices": [{"Condition": "{% $limit > $states.input.n %}", "Next": "Small",
                     "Assign": {"picked": "small"}, "Output": {"n": "{% $states.input.n %}"}}],
        "Default": "Large"
    });
    let small = test_state(
        &api,
        json!({"definition": choice, "input": "{\"n\": 3}", "variables": "{\"limit\": 10}",
               "inspectionLevel": "DEBUG"}),
    )
    .await;
    assert_went(&small, "SUCCEEDED", "Small");
    assert_eq!(parsed(&small["output"]), json!({"n": 3}));
    assert_eq!(
        parsed(&small["inspectionData"]["variables"]),
        json!({"limit": 10, "picked": "small"})
    );
    let large = test_state(
        &api,
        json!({"definition": choice, "input": "{\"n\": 30}", "variables": "{\"limit\": 10}"}),
    )
    .await;
    assert_eq!(large["nextState"], "Large");
    assert_eq!(parsed(&large["output"]), json!({"n": 30}));
    // Without the variable the condition cannot be evaluated.
    let unknown = test_state(&api, json!({"definition": choice, "input": "{\"n\": 3}"})).await;
    assert_error(&unknown, "FAILED", "States.QueryEvaluationError");
}

#[tokio::test]
async fn jsonpath_states_read_and_assign_variables() {
    let out = test_state_alone(json!({
        "definition": {
            "Type": "Pass",
            "Parameters": {"who.$": "$user", "id.$": "$.id"},
            "Assign": {"lastId.$": "$.id", "user": "someone else"},
            "End": true
        },
        "input": "{\"id\": 3}",
        "variables": "{\"user\": \"ada\"}",
        "inspectionLevel": "DEBUG"
    }))
    .await;
    assert_eq!(out["status"], "SUCCEEDED", "{out}");
    assert_eq!(parsed(&out["output"]), json!({"who": "ada", "id": 3}));
    let data = &out["inspectionData"];
    assert_eq!(
        parsed(&data["afterParameters"]),
        json!({"who": "ada", "id": 3})
    );
    assert!(data.get("afterArguments").is_none());
    assert_eq!(
        parsed(&data["variables"]),
        json!({"user": "someone else", "lastId": 3})
    );
}

#[tokio::test]
async fn a_jsonata_catcher_reads_the_error_output_and_assigns() {
    let out = test_state_alone(json!({
        "definition": {
            "Type": "Task", "QueryLanguage": "JSONata", "Resource": ACTIVITY, "End": true,
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recover",
                       "Output": {"failed": "{% $states.errorOutput.Error %}",
                                  "input": "{% $states.input %}"},
                       "Assign": {"lastError": "{% $states.errorOutput.Cause %}"}}]
        },
        "input": "{\"a\": 1}",
        "inspectionLevel": "DEBUG",
        "mock": {"errorOutput": {"error": "Boom", "cause": "mocked"}}
    }))
    .await;
    assert_went(&out, "CAUGHT_ERROR", "Recover");
    assert_eq!(
        parsed(&out["output"]),
        json!({"failed": "Boom", "input": {"a": 1}})
    );
    assert_eq!(
        parsed(&out["inspectionData"]["variables"]),
        json!({"lastError": "mocked"})
    );
}

#[tokio::test]
async fn a_failing_jsonata_expression_fails_the_state() {
    let out = test_state_alone(json!({
        "definition": {"Type": "Pass", "QueryLanguage": "JSONata", "End": true,
                       "Output": "{% $states.input.n / 'x' %}"},
        "input": "{\"n\": 1}"
    }))
    .await;
    assert_error(&out, "FAILED", "States.QueryEvaluationError");
    let cause = out["cause"].as_str().expect("a cause");
    assert!(cause.contains("'Output'"), "{cause}");
}

#[tokio::test]
async fn variables_must_be_a_json_object_of_valid_names() {
    let api = Api::start().await;
    let pass = json!({"Type": "Pass", "End": true}).to_string();
    for bad in ["[1, 2]", "{nope", "{\"1st\": 1}", "{\"states\": 1}"] {
        let error = api
            .err("TestState", json!({"definition": pass, "variables": bad}))
            .await;
        assert_eq!(
            error.name(),
            "InvalidExecutionInput",
            "{bad}: {}",
            error.message
        );
    }
}
