//! Runtime failures in AWS's exact words, checked against answers recorded
//! against AWS: LocalStack's snapshot tests
//! (github.com/localstack/localstack, `tests/aws/services/stepfunctions/v2/`),
//! each named where it is used. AWS opens every fault of a state's own
//! processing with `An error occurred while executing the state '<name>'
//! (entered at the event id #<n>). `.

use serde_json::{json, Value};

use crate::support::api::Api;
use crate::support::spec;
use crate::support::spec::{failed, run};

/// The cause AWS gives a fault of state `name` entered at event `id`.
fn in_state(name: &str, id: u32, cause: &str) -> String {
    format!("An error occurred while executing the state '{name}' (entered at the event id #{id}). {cause}")
}

/// A one-state machine whose state `name` has these fields.
fn one(name: &str, fields: Value) -> Value {
    let mut state = fields;
    if state.get("Type").is_none_or(|t| t != "Fail") {
        state["End"] = json!(true);
    }
    json!({ "StartAt": name, "States": { name: state } })
}

/// Runs `definition` on `input` and returns its history's event types
/// and the execution's error and cause.
async fn failed_history(api: &Api, definition: Value, input: Value) -> (Vec<String>, Value) {
    let machine = api.machine(&spec::unique_name(), definition).await;
    let execution = api.start_execution(&machine, input).await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "FAILED", "{done}");
    (api.event_types(&execution).await, done)
}

// Recorded: `test_wait.snapshot.json`, `test_base_wait_seconds_path[-1]`,
// `[1.5]`, `[-1.5]`, and `test_base_scenarios.snapshot.json`,
// `test_base[wait_seconds_path.json5_ALL_False]` (no value at the path).
#[tokio::test]
async fn wait_seconds_path_values_that_are_not_whole_seconds() {
    let api = Api::start().await;
    let wait = one(
        "WaitState",
        json!({"Type": "Wait", "SecondsPath": "$.input.waitSeconds"}),
    );
    for (value, cause) in [
        (json!(-1), "The SecondsPath parameter references a negative value: $.input.waitSeconds == -1"),
        (json!(1.5), "The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == 1.5"),
        (json!(-1.5), "The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == -1.5"),
    ] {
        let input = json!({"input": {"waitSeconds": value}});
        let (error, got) = failed(&api, wait.clone(), input).await;
        assert_eq!(error, "States.Runtime");
        assert_eq!(got, in_state("WaitState", 2, cause));
    }
    let (_, got) = failed(&api, wait, json!({})).await;
    assert_eq!(
        got,
        in_state(
            "WaitState",
            2,
            "The SecondsPath parameter does not reference an input value: $.input.waitSeconds"
        )
    );
}

/// The five recorded malformed timestamps (`INVALID_ISO`, `NO_T`, `NO_Z`,
/// `INVALID_TIME`, `INVALID_DATE`).
const BAD_TIMESTAMPS: [&str; 5] = [
    "05-12-2016T21:29:29Z",
    "2016-12-05 21:29:29Z",
    "2016-12-05T21:29:29",
    "2016-12-05T25:29:29Z",
    "2016-13-05T21:29:29Z",
];

// Recorded: `test_base_scenarios.snapshot.json`, `test_wait_timestamp_path[...]`;
// `test_wait.snapshot.json`, `test_wait_timestamppath[.000000]` (fractions
// without a zone are refused too).
#[tokio::test]
async fn wait_timestamp_path_values_that_are_not_offset_date_times() {
    let api = Api::start().await;
    let wait = one(
        "WaitUntil",
        json!({"Type": "Wait", "TimestampPath": "$.TimestampValue"}),
    );
    for bad in BAD_TIMESTAMPS
        .into_iter()
        .chain(["2016-12-05T21:29:29.000000"])
    {
        let (error, cause) = failed(&api, wait.clone(), json!({"TimestampValue": bad})).await;
        assert_eq!(error, "States.Runtime");
        assert_eq!(
            cause,
            in_state(
                "WaitUntil",
                2,
                &format!(
                    "The TimestampPath parameter does not reference a valid ISO-8601 extended offset \
                     date-time format string: $.TimestampValue == {bad}"
                )
            )
        );
    }
}

// Recorded: `test_base_scenarios.snapshot.json`, `test_wait_timestamp_jsonata[...]`:
// States.QueryEvaluationError, an EvaluationFailed event at `Timestamp`,
// then ExecutionFailed.
#[tokio::test]
async fn a_jsonata_timestamp_that_is_not_an_offset_date_time() {
    let api = Api::start().await;
    let wait = json!({
        "QueryLanguage": "JSONata",
        "StartAt": "WaitState",
        "States": { "WaitState": {
            "Type": "Wait", "Timestamp": "{% $states.input.TimestampValue %}", "End": true
        } }
    });
    for bad in BAD_TIMESTAMPS {
        let (types, done) =
            failed_history(&api, wait.clone(), json!({"TimestampValue": bad})).await;
        assert_eq!(done["error"], "States.QueryEvaluationError");
        assert_eq!(
            done["cause"],
            in_state(
                "WaitState",
                2,
                &format!(
                    "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time \
                     format string: {bad}"
                )
            )
        );
        assert_eq!(
            types,
            [
                "ExecutionStarted",
                "WaitStateEntered",
                "EvaluationFailed",
                "ExecutionFailed"
            ]
        );
    }
}

// Recorded: `test_wait.snapshot.json`, `test_timestamp_too_far_in_future_boundary[24856]`:
// a timestamp 24,856 days ahead fails at once (24,855 days waits).
#[tokio::test]
async fn a_wait_too_far_in_the_future_fails_at_once() {
    let api = Api::start().await;
    let wait = one(
        "State_1",
        json!({"Type": "Wait", "TimestampPath": "$.start_at"}),
    );
    let far = "2100-01-01T00:00:00.000Z";
    let (types, done) = failed_history(&api, wait, json!({"start_at": far})).await;
    assert_eq!(done["error"], "States.Runtime");
    assert_eq!(
        done["cause"],
        in_state("State_1", 2, "Wait state delay is too long.")
    );
    assert_eq!(
        types,
        ["ExecutionStarted", "WaitStateEntered", "ExecutionFailed"]
    );
}

// Recorded: `test_states_errors.snapshot.json`,
// `test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_INPUTPATH]`, `[..._OUTPUTPATH]`,
// `[..._TIMEOUTSECONDSPATH]`, and `test_catch_states_runtime` (a member
// missing on the way: "Missing property in path").
#[tokio::test]
async fn input_and_output_paths_that_name_nothing() {
    let api = Api::start().await;
    let (error, cause) = failed(
        &api,
        one(
            "pass",
            json!({"Type": "Pass", "InputPath": "$.NoSuchInputPath"}),
        ),
        json!({"x": 1}),
    )
    .await;
    assert_eq!(error, "States.Runtime");
    assert_eq!(
        cause,
        in_state(
            "pass",
            2,
            "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']"
        )
    );
    let (_, cause) = failed(
        &api,
        one(
            "pass",
            json!({"Type": "Pass", "OutputPath": "$.NoSuchOutputPath"}),
        ),
        json!({"x": 1}),
    )
    .await;
    assert_eq!(
        cause,
        in_state(
            "pass",
            2,
            "Invalid path '$.NoSuchOutputPath' : No results for path: $['NoSuchOutputPath']"
        )
    );
    let (_, cause) = failed(
        &api,
        one(
            "RaiseRuntime",
            json!({"Type": "Pass", "OutputPath": "$.no.such.result.path"}),
        ),
        json!({"x": 1}),
    )
    .await;
    assert_eq!(
        cause,
        in_state(
            "RaiseRuntime",
            2,
            "Invalid path '$.no.such.result.path' : Missing property in path $['no']"
        )
    );
    let activity = api.activity("conformance-task").await;
    let (_, cause) = failed(
        &api,
        one(
            "task",
            json!({"Type": "Task", "Resource": activity, "TimeoutSecondsPath": "$.NoSuchTimeoutSecondsPath"}),
        ),
        json!({}),
    )
    .await;
    assert_eq!(
        cause,
        in_state(
            "task",
            2,
            "Invalid path '$.NoSuchTimeoutSecondsPath' : No results for path: $['NoSuchTimeoutSecondsPath']"
        )
    );
}

// Recorded: `test_states_errors.snapshot.json`, `test_catch_states_runtime`:
// a Task's OutputPath fault is caught by a catcher on States.Runtime, and
// the catcher's output carries the same cause.
#[tokio::test]
async fn a_caught_task_output_path_fault_carries_the_state_prefix() {
    let api = Api::start().await;
    let activity = api.activity("conformance-output-path").await;
    let definition = json!({
        "StartAt": "RaiseRuntime",
        "States": {
            "RaiseRuntime": {
                "Type": "Task",
                "Resource": activity,
                "OutputPath": "$.no.such.result.path",
                "Catch": [{"ErrorEquals": ["States.Runtime"], "Next": "CaughtRuntime"}],
                "End": true
            },
            "CaughtRuntime": {"Type": "Pass", "End": true}
        }
    });
    let machine = api.machine(&spec::unique_name(), definition).await;
    let execution = api.start_execution(&machine, json!({})).await;
    let task = api.poll(&activity, "w").await;
    api.ok(
        "SendTaskSuccess",
        json!({"taskToken": task["taskToken"], "output": "{\"answer\": 42}"}),
    )
    .await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(
        spec::output(&done),
        json!({
            "Error": "States.Runtime",
            "Cause": in_state(
                "RaiseRuntime",
                2,
                "Invalid path '$.no.such.result.path' : Missing property in path $['no']"
            )
        })
    );
}

/// The JSONata Map of the recorded `map_state_items.json5`: a Pass state
/// outputs `items`, the Map iterates its input.
fn jsonata_map_of_input() -> Value {
    json!({
        "QueryLanguage": "JSONata",
        "StartAt": "Start",
        "States": {
            "Start": {"Type": "Pass", "Output": "{% $states.input.items %}", "Next": "MapIterateState"},
            "MapIterateState": {
                "Type": "Map",
                "MaxConcurrency": 1,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "Pass",
                    "States": {"Pass": {"Type": "Pass", "End": true}}
                },
                "End": true
            }
        }
    })
}

// Recorded: `test_base_scenarios.snapshot.json`,
// `test_map_state_items_input_types[boolean|number|null|string|object]`:
// States.QueryEvaluationError, "Map state input must be an array but was:
// <json>", an EvaluationFailed event without a location, then
// MapStateFailed and ExecutionFailed.
#[tokio::test]
async fn a_jsonata_map_over_an_input_that_is_not_an_array() {
    let api = Api::start().await;
    for (items, shown) in [
        (json!(true), "true"),
        (json!(1), "1"),
        (json!(null), "null"),
        (json!("string"), "\"string\""),
        (json!({"foo": "bar"}), "{\"foo\":\"bar\"}"),
    ] {
        let machine = api
            .machine(&spec::unique_name(), jsonata_map_of_input())
            .await;
        let execution = api.start_execution(&machine, json!({"items": items})).await;
        let done = api.finished(&execution).await;
        assert_eq!(done["error"], "States.QueryEvaluationError");
        let cause = in_state(
            "MapIterateState",
            4,
            &format!("Map state input must be an array but was: {shown}"),
        );
        assert_eq!(done["cause"], cause);
        let history = api.history(&execution).await;
        let types: Vec<&str> = history.iter().filter_map(|e| e["type"].as_str()).collect();
        assert_eq!(
            types,
            [
                "ExecutionStarted",
                "PassStateEntered",
                "PassStateExited",
                "MapStateEntered",
                "EvaluationFailed",
                "MapStateFailed",
                "ExecutionFailed"
            ]
        );
        let details = &history[4]["evaluationFailedEventDetails"];
        assert_eq!(details["cause"], cause);
        assert_eq!(details["state"], "MapIterateState");
        assert!(details.get("location").is_none(), "{details}");
    }
}

// Recorded: `test_base_scenarios.snapshot.json`,
// `test_map_state_items_eval_jsonata_fail[boolean]` and siblings: an
// `Items` expression that gives no array.
#[tokio::test]
async fn a_jsonata_items_expression_that_gives_no_array() {
    let api = Api::start().await;
    for (expression, kind, shown) in [
        ("true", "boolean", "true"),
        ("1", "number", "1"),
        ("null", "null", "null"),
        ("'string'", "string", "\"string\""),
    ] {
        let definition = json!({
            "QueryLanguage": "JSONata",
            "StartAt": "MapIterateState",
            "States": { "MapIterateState": {
                "Type": "Map",
                "Items": format!("{{% {expression} %}}"),
                "ItemProcessor": {"StartAt": "Pass", "States": {"Pass": {"Type": "Pass", "End": true}}},
                "End": true
            } }
        });
        let (types, done) = failed_history(&api, definition, json!({})).await;
        assert_eq!(done["error"], "States.QueryEvaluationError");
        assert_eq!(
            done["cause"],
            in_state(
                "MapIterateState",
                2,
                &format!(
                    "The JSONata expression '{expression}' specified for the field 'Items' returned an \
                     unexpected result type. Expected 'array', but was '{kind}' for value: {shown}"
                )
            )
        );
        assert_eq!(
            types,
            [
                "ExecutionStarted",
                "MapStateEntered",
                "EvaluationFailed",
                "MapStateFailed",
                "ExecutionFailed"
            ]
        );
    }
}

/// A JSONPath Map over `$.Values` with `field` reading `$.<value_key>`.
fn jsonpath_map(field: &str, path: &str, distributed: bool) -> Value {
    let mut processor =
        json!({"StartAt": "Pass", "States": {"Pass": {"Type": "Pass", "End": true}}});
    if distributed {
        processor["ProcessorConfig"] = json!({"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"});
    }
    one(
        "MapState",
        json!({"Type": "Map", "ItemsPath": "$.Values", field: path, "ItemProcessor": processor}),
    )
}

// Recorded: `test_base_scenarios.snapshot.json`, `test_max_concurrency_path[NoNumber]`
// and `[max_concurrency_value0]` (an object), `test_map_state_tolerated_failure_count_path[...]`
// and `test_map_state_tolerated_failure_percentage_path[...]`. The inline
// Map fails from MapStateEntered; the Distributed Map reads its thresholds
// after MapStateStarted, and neither writes MapStateFailed.
#[tokio::test]
async fn map_limit_paths_that_name_no_valid_number() {
    let api = Api::start().await;
    let cases = [
        ("MaxConcurrencyPath", "$.MaxConcurrencyValue", json!("NoNumber"),
         "The MaxConcurrencyPath field refers to value \"NoNumber\" which is not a valid integer: $.MaxConcurrencyValue"),
        ("MaxConcurrencyPath", "$.MaxConcurrencyValue", json!({}),
         "The MaxConcurrencyPath field refers to value \"{}\" which is not a valid integer: $.MaxConcurrencyValue"),
        ("ToleratedFailureCountPath", "$.ToleratedFailureCount", json!("NoNumber"),
         "The ToleratedFailureCountPath field refers to value \"NoNumber\" which is not a valid integer: $.ToleratedFailureCount"),
        ("ToleratedFailureCountPath", "$.ToleratedFailureCount", json!(-1),
         "ToleratedFailureCount cannot be negative."),
        ("ToleratedFailurePercentagePath", "$.ToleratedFailurePercentage", json!("NoNumber"),
         "The ToleratedFailurePercentagePath field refers to value \"NoNumber\" which is not a valid float: $.ToleratedFailurePercentage"),
        ("ToleratedFailurePercentagePath", "$.ToleratedFailurePercentage", json!(-1.1),
         "ToleratedFailurePercentage must be between 0 and 100."),
        ("ToleratedFailurePercentagePath", "$.ToleratedFailurePercentage", json!(100.1),
         "ToleratedFailurePercentage must be between 0 and 100."),
    ];
    for (field, path, value, cause) in cases {
        let distributed = field != "MaxConcurrencyPath";
        let key = path.trim_start_matches("$.");
        let input = json!({"Values": ["HelloWorld"], key: value});
        let (types, done) =
            failed_history(&api, jsonpath_map(field, path, distributed), input).await;
        assert_eq!(done["error"], "States.Runtime", "{field}");
        assert_eq!(done["cause"], in_state("MapState", 2, cause));
        let expected: &[&str] = if distributed {
            &[
                "ExecutionStarted",
                "MapStateEntered",
                "MapStateStarted",
                "ExecutionFailed",
            ]
        } else {
            &["ExecutionStarted", "MapStateEntered", "ExecutionFailed"]
        };
        assert_eq!(types, expected, "{field}");
    }
}

// Recorded: `test_map_state_tolerated_failure_percentage_path[0|1|1.1|100]`
// and `test_map_state_tolerated_failure_count_path[0|1]`: values in range
// run the Map Run.
#[tokio::test]
async fn map_limit_paths_in_range_run() {
    let api = Api::start().await;
    for (field, value) in [
        ("ToleratedFailurePercentagePath", json!(0)),
        ("ToleratedFailurePercentagePath", json!(1.1)),
        ("ToleratedFailurePercentagePath", json!(100)),
        ("ToleratedFailureCountPath", json!(0)),
        ("ToleratedFailureCountPath", json!(1)),
    ] {
        let definition = jsonpath_map(field, "$.Limit", true);
        let done = run(&api, definition, json!({"Values": [0], "Limit": value})).await;
        assert_eq!(done["status"], "SUCCEEDED", "{field} {value}: {done}");
        assert_eq!(spec::output(&done), json!([0]));
    }
}

// Guide, "Map state": MaxConcurrencyPath is a reference path, so it may
// read a variable (developer guide, "Passing data between states with
// variables": variables can be used wherever a reference path is allowed).
#[tokio::test]
async fn max_concurrency_path_reads_a_variable() {
    let api = Api::start().await;
    let definition = json!({
        "StartAt": "Set",
        "States": {
            "Set": {"Type": "Pass", "Assign": {"limit": 1}, "Next": "MapState"},
            "MapState": {
                "Type": "Map",
                "ItemsPath": "$.Values",
                "MaxConcurrencyPath": "$limit",
                "ItemProcessor": {"StartAt": "Pass", "States": {"Pass": {"Type": "Pass", "End": true}}},
                "End": true
            }
        }
    });
    let done = run(&api, definition, json!({"Values": [1, 2, 3]})).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(spec::output(&done), json!([1, 2, 3]));
}

// A JSONPath ItemsPath naming a non-array: AWS's words recorded for
// TestState (`test_state_context_object.snapshot.json`,
// `test_state_map_context_object[EXECUTION_INPUT]`: "Reference path
// \"$.Execution.Input\" must point to array."), here with the state prefix.
#[tokio::test]
async fn a_jsonpath_items_path_that_is_not_an_array() {
    let api = Api::start().await;
    let definition = one(
        "MapState",
        json!({
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {"StartAt": "Pass", "States": {"Pass": {"Type": "Pass", "End": true}}}
        }),
    );
    let (error, cause) = failed(&api, definition, json!({"items": true})).await;
    assert_eq!(error, "States.Runtime");
    assert_eq!(
        cause,
        in_state(
            "MapState",
            2,
            "Reference path \"$.items\" must point to array."
        )
    );
}

// Recorded: `test_states_errors.snapshot.json`, `test_start_large_input`: a
// Pass state whose Result is 257 KiB fails the execution with
// States.DataLimitExceeded naming the state, right after PassStateEntered.
#[tokio::test]
async fn an_output_over_256_kib_names_the_state() {
    let api = Api::start().await;
    let definition = one(
        "State_1",
        json!({"Type": "Pass", "Result": {"Arg1": "a".repeat(257 * 1024)}}),
    );
    let (types, done) = failed_history(&api, definition, json!({})).await;
    assert_eq!(done["error"], "States.DataLimitExceeded");
    assert_eq!(
        done["cause"],
        "The state/task 'State_1' returned a result with a size exceeding the maximum number of bytes service limit."
    );
    assert_eq!(
        types,
        ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]
    );
}

// States.ResultPathMatchFailure (guide, "Error names"): the cause opens with
// AWS's sentence naming the state once, like every other state fault; the
// rest of the sentence has no recorded AWS wording.
#[tokio::test]
async fn a_result_path_that_cannot_be_applied_is_prefixed_once() {
    let api = Api::start().await;
    let definition = one(
        "P",
        json!({"Type": "Pass", "Result": 1, "ResultPath": "$.a.b"}),
    );
    let (error, cause) = failed(&api, definition, json!({"a": "x"})).await;
    assert_eq!(error, "States.ResultPathMatchFailure");
    let prefix = in_state("P", 2, "");
    assert!(cause.starts_with(&prefix), "{cause}");
    assert_eq!(cause.matches("An error occurred").count(), 1, "{cause}");
}
