//! Workflow variables over HTTP: `Assign` in both query languages,
//! evaluation order, scopes across Parallel/Map/Catch, limits, history.

use serde_json::{json, Value};

use crate::support::api;
use crate::support::api::Api;
use crate::support::spec::output;

async fn run(api: &Api, definition: Value, input: Value) -> (String, Value) {
    let machine = api.machine("m", definition).await;
    let execution = api.start_execution(&machine, input).await;
    let done = api.finished(&execution).await;
    (execution, done)
}

#[tokio::test]
async fn jsonpath_assign_and_dollar_name_references() {
    let api = Api::start().await;
    let definition = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"productName": "product1", "count": 42, "fromInput.$": "$.id",
                                         "joined.$": "States.Format('id-{}', $.id)"}, "Next": "B"},
        "B": {"Type": "Pass", "Parameters": {"name.$": "$productName", "count.$": "$count",
                                             "id.$": "$fromInput", "joined.$": "$joined",
                                             "arr.$": "States.Array($count)"}, "End": true}
    }});
    let (execution, done) = run(&api, definition, json!({"id": 7})).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(
        output(&done),
        json!({"name": "product1", "count": 42, "id": 7, "joined": "id-7", "arr": [42]})
    );
    let history = api.history(&execution).await;
    let exited = history
        .iter()
        .find(|e| e["type"] == "PassStateExited")
        .expect("exited");
    let details = &exited["stateExitedEventDetails"];
    assert_eq!(details["assignedVariables"]["count"], "42");
    assert_eq!(details["assignedVariables"]["productName"], "\"product1\"");
    assert_eq!(details["assignedVariablesDetails"]["truncated"], false);
}

#[tokio::test]
async fn assign_sees_values_from_before_the_state() {
    let api = Api::start().await;
    // AWS's example: within one Assign, `$x` is the value before the state.
    let definition = json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
        "B": {"Type": "Pass", "Assign": {"x": 2, "y": "{% $x %}"},
              "Output": {"xInOutput": "{% $x %}"}, "Next": "C"},
        "C": {"Type": "Pass", "Output": {"x": "{% $x %}", "y": "{% $y %}", "prev": "{% $states.input %}"}, "End": true}
    }});
    let (_, done) = run(&api, definition, json!({})).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(
        output(&done),
        json!({"x": 2, "y": 1, "prev": {"xInOutput": 1}})
    );
}

#[tokio::test]
async fn branches_read_outer_variables_and_keep_their_own() {
    let api = Api::start().await;
    let definition = json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"outer": 5}, "Next": "P"},
        "P": {"Type": "Parallel", "Next": "M", "Branches": [
            {"StartAt": "B1", "States": {
                "B1": {"Type": "Pass", "Assign": {"inner": "{% $outer + 1 %}"}, "Next": "B2"},
                "B2": {"Type": "Pass", "Output": "{% $inner %}", "End": true}}}
        ], "Output": {"branch": "{% $states.result[0] %}", "innerVisible": "{% $exists($inner) %}"}},
        "M": {"Type": "Map", "Items": [1, 2], "End": true,
              "ItemProcessor": {"StartAt": "I", "States": {
                  "I": {"Type": "Pass", "Assign": {"item": "{% $states.input * $outer %}"}, "Next": "J"},
                  "J": {"Type": "Pass", "Output": "{% $item %}", "End": true}}},
              "Output": {"items": "{% $states.result %}", "prev": "{% $states.input %}", "itemVisible": "{% $exists($item) %}"}}
    }});
    let (_, done) = run(&api, definition, json!({})).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(
        output(&done),
        json!({"items": [5, 10], "prev": {"branch": 6, "innerVisible": false}, "itemVisible": false})
    );
}

#[tokio::test]
async fn assigning_an_outer_name_inside_a_branch_is_rejected() {
    let api = Api::start().await;
    let definition = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "P"},
        "P": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "B", "States": {"B": {"Type": "Pass", "Assign": {"x": 2}, "End": true}}}]}
    }});
    let error = api
        .err(
            "CreateStateMachine",
            json!({"name": "bad", "roleArn": api::ROLE, "definition": definition.to_string()}),
        )
        .await;
    assert_eq!(error.name(), "InvalidDefinition");
    assert!(error.message.contains("'x'"), "{}", error.message);
}

#[tokio::test]
async fn catch_assign_reads_the_error_output() {
    let api = Api::start().await;
    let definition = json!({"StartAt": "T", "States": {
        "T": {"Type": "Parallel", "End": true,
              "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Custom.Boom", "Cause": "bad"}}}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H", "Assign": {"err.$": "$.Error"}}]},
        "H": {"Type": "Pass", "Parameters": {"seen.$": "$err"}, "End": true}
    }});
    let (_, done) = run(&api, definition, json!({})).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(output(&done)["seen"], "Custom.Boom");
}

#[tokio::test]
async fn choice_rules_assign_and_variables_drive_conditions() {
    let api = Api::start().await;
    let definition = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"limit": 10}, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [
            {"Variable": "$limit", "NumericGreaterThan": 5, "Next": "Big", "Assign": {"picked": "big"}}
        ], "Default": "Small"},
        "Big": {"Type": "Pass", "Parameters": {"picked.$": "$picked"}, "End": true},
        "Small": {"Type": "Succeed"}
    }});
    let (_, done) = run(&api, definition, json!({})).await;
    assert_eq!(output(&done), json!({"picked": "big"}));
}

#[tokio::test]
async fn a_variable_over_256_kib_fails_with_data_limit_exceeded() {
    let api = Api::start().await;
    let definition = json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"big": "{% $join($map([1..70000], function($v) { 'abcd' }), '') %}"}, "End": true}
    }});
    let (_, done) = run(&api, definition, json!({})).await;
    assert_eq!(done["status"], "FAILED", "{done}");
    assert_eq!(done["error"], "States.DataLimitExceeded");
}

#[tokio::test]
async fn reserved_and_malformed_names_are_rejected() {
    let api = Api::start().await;
    for name in ["states", "1x", "a-b"] {
        let definition = json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Assign": {name: 1}, "End": true}}});
        let error = api
            .err(
                "CreateStateMachine",
                json!({"name": "bad", "roleArn": api::ROLE, "definition": definition.to_string()}),
            )
            .await;
        assert_eq!(error.name(), "InvalidDefinition", "{name}");
    }
}

#[tokio::test]
async fn wait_paths_read_variables() {
    let api = Api::start().await;
    let definition = |pause: Value| {
        json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Assign": {"pause": pause, "until": "2000-01-01T00:00:00Z"}, "Next": "W1"},
            "W1": {"Type": "Wait", "SecondsPath": "$pause", "Next": "W2"},
            "W2": {"Type": "Wait", "TimestampPath": "$until", "End": true}
        }})
    };
    let (_, done) = run(&api, definition(json!(0)), json!({"kept": true})).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(output(&done), json!({"kept": true}));
    // The value comes from the variable, not the input: a bad one fails.
    let other = Api::start().await;
    let (_, failed) = run(&other, definition(json!("soon")), json!({"pause": 0})).await;
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(failed["error"], "States.Runtime");
    assert!(
        failed["cause"]
            .as_str()
            .is_some_and(|c| c.contains("SecondsPath")),
        "{failed}"
    );
}

#[tokio::test]
async fn task_timeout_paths_read_variables() {
    let api = Api::start().await;
    let activity = api.activity("a").await;
    let definition = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"limit": 30, "beat": 10}, "Next": "T"},
        "T": {"Type": "Task", "Resource": activity, "End": true,
              "TimeoutSecondsPath": "$limit", "HeartbeatSecondsPath": "$beat"}
    }});
    let machine = api.machine("m", definition).await;
    let execution = api.start_execution(&machine, json!({})).await;
    api.wait_for_event(&execution, "ActivityScheduled").await;
    let history = api.history(&execution).await;
    let scheduled = history
        .iter()
        .find(|e| e["type"] == "ActivityScheduled")
        .expect("scheduled");
    let details = &scheduled["activityScheduledEventDetails"];
    assert_eq!(details["timeoutInSeconds"], 30);
    assert_eq!(details["heartbeatInSeconds"], 10);
    api.ok("StopExecution", json!({"executionArn": execution}))
        .await;
}

/// A JSONata machine that assigns `outer`, then maps over two items with
/// a processor in `mode` that reports whether it can see `outer`.
fn map_seeing_outer(mode: &str) -> Value {
    json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"outer": 5}, "Next": "M"},
        "M": {"Type": "Map", "Items": [1, 2], "End": true,
              "ItemProcessor": {
                  "ProcessorConfig": {"Mode": mode, "ExecutionType": "STANDARD"},
                  "StartAt": "P",
                  "States": {"P": {"Type": "Pass", "End": true,
                                   "Output": "{% $exists($outer) %}"}}}}
    }})
}

#[tokio::test]
async fn distributed_map_children_do_not_see_outer_variables() {
    // AWS: a Distributed Map's child workflow executions run apart from
    // the parent and cannot read its variables; inline iterations can.
    let inline = Api::start().await;
    let (_, done) = run(&inline, map_seeing_outer("INLINE"), json!({})).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(output(&done), json!([true, true]));
    let distributed = Api::start().await;
    let (_, done) = run(&distributed, map_seeing_outer("DISTRIBUTED"), json!({})).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(output(&done), json!([false, false]));
}

/// A JSONPath machine that assigns `vars`, then maps over `$list` with
/// the limits read from variables; items whose `v` is 2 fail.
fn map_reading_variables(vars: Value) -> Value {
    json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": vars, "Next": "M"},
        "M": {"Type": "Map", "End": true,
              "ItemsPath": "$list",
              "ItemSelector": {"v.$": "$$.Map.Item.Value", "tag.$": "$tag"},
              "MaxConcurrencyPath": "$limit",
              "ToleratedFailureCountPath": "$tolerated",
              "ItemProcessor": {"StartAt": "C", "States": {
                  "C": {"Type": "Choice",
                        "Choices": [{"Variable": "$.v", "NumericEquals": 2, "Next": "Bad"}],
                        "Default": "Good"},
                  "Bad": {"Type": "Fail", "Error": "Two"},
                  "Good": {"Type": "Pass", "End": true}}}}
    }})
}

#[tokio::test]
async fn map_paths_and_item_selector_read_variables() {
    let vars = |list: Value, limit: Value, tolerated: Value| json!({"list": list, "tag": "t", "limit": limit, "tolerated": tolerated});
    let api = Api::start().await;
    let (_, done) = run(
        &api,
        map_reading_variables(vars(json!([1, 3]), json!(1), json!(0))),
        json!({}),
    )
    .await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(
        output(&done),
        json!([{"v": 1, "tag": "t"}, {"v": 3, "tag": "t"}])
    );

    // One failure is tolerated because `$tolerated` says so.
    let tolerant = Api::start().await;
    let (_, done) = run(
        &tolerant,
        map_reading_variables(vars(json!([1, 2, 3]), json!(0), json!(1))),
        json!({}),
    )
    .await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");

    let strict = Api::start().await;
    let (_, done) = run(
        &strict,
        map_reading_variables(vars(json!([1, 2, 3]), json!(0), json!(0))),
        json!({}),
    )
    .await;
    assert_eq!(done["status"], "FAILED", "{done}");

    let bad_limit = Api::start().await;
    let (_, done) = run(
        &bad_limit,
        map_reading_variables(vars(json!([1]), json!("many"), json!(0))),
        json!({}),
    )
    .await;
    assert_eq!(done["status"], "FAILED", "{done}");
    assert_eq!(done["error"], "States.Runtime");
    assert!(
        done["cause"]
            .as_str()
            .is_some_and(|c| c.contains("MaxConcurrencyPath")),
        "{done}"
    );
}
