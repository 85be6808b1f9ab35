//! Each state type serializes to the ASL document AWS accepts, compared with
//! hand-written definitions.

use serde_json::{json, Value};
use stepworker::asl::{
    Branch, Catch, Choice, ExecutionType, Fail, JitterStrategy, Map, Parallel, Pass, ProcessorMode,
    QueryLanguage, Retry, Rule, State, StateMachine, Succeed, Task, Wait,
};

const LAMBDA: &str = "arn:aws:lambda:us-east-1:123456789012:function:resize";

fn state_json(state: impl Into<State>) -> Value {
    serde_json::to_value(state.into()).expect("a state serializes")
}

#[test]
fn task_with_every_jsonpath_field() {
    let task = Task::new(LAMBDA)
        .comment("resize it")
        .input_path("$.image")
        .parameters(json!({"width": 200, "key.$": "$.key"}))
        .result_selector(json!({"url.$": "$.Payload.url"}))
        .result_path("$.resized")
        .output_path("$.resized")
        .timeout_seconds(300)
        .heartbeat_seconds(60)
        .credentials(json!({"RoleArn": "arn:aws:iam::111122223333:role/Other"}))
        .retry(
            Retry::on(["States.Timeout", "Lambda.ServiceException"])
                .interval_seconds(2)
                .max_attempts(5)
                .backoff_rate(1.5)
                .max_delay_seconds(30)
                .jitter(JitterStrategy::Full),
        )
        .retry(Retry::all().max_attempts(0))
        .catch(Catch::on(["Resize.TooLarge"], "TooLarge").result_path("$.error"))
        .catch(Catch::all("Failed"))
        .next("Store");

    assert_eq!(
        state_json(task),
        json!({
            "Type": "Task",
            "Comment": "resize it",
            "Resource": LAMBDA,
            "InputPath": "$.image",
            "Parameters": {"width": 200, "key.$": "$.key"},
            "ResultSelector": {"url.$": "$.Payload.url"},
            "ResultPath": "$.resized",
            "OutputPath": "$.resized",
            "TimeoutSeconds": 300,
            "HeartbeatSeconds": 60,
            "Credentials": {"RoleArn": "arn:aws:iam::111122223333:role/Other"},
            "Retry": [
                {
                    "ErrorEquals": ["States.Timeout", "Lambda.ServiceException"],
                    "IntervalSeconds": 2,
                    "MaxAttempts": 5,
                    "BackoffRate": 1.5,
                    "MaxDelaySeconds": 30,
                    "JitterStrategy": "FULL"
                },
                {"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}
            ],
            "Catch": [
                {"ErrorEquals": ["Resize.TooLarge"], "Next": "TooLarge", "ResultPath": "$.error"},
                {"ErrorEquals": ["States.ALL"], "Next": "Failed"}
            ],
            "Next": "Store"
        })
    );
}

#[test]
fn task_path_forms_and_null_paths() {
    let task = Task::new(LAMBDA)
        .timeout_seconds_path("$.limits.timeout")
        .heartbeat_seconds_path("$.limits.heartbeat")
        .input_path_null()
        .result_path_null()
        .output_path_null()
        .end();

    assert_eq!(
        state_json(task),
        json!({
            "Type": "Task",
            "Resource": LAMBDA,
            "TimeoutSecondsPath": "$.limits.timeout",
            "HeartbeatSecondsPath": "$.limits.heartbeat",
            "InputPath": null,
            "ResultPath": null,
            "OutputPath": null,
            "End": true
        })
    );
}

#[test]
fn task_in_jsonata() {
    let task = Task::new("arn:aws:states:::lambda:invoke")
        .query_language(QueryLanguage::Jsonata)
        .arguments(json!({"FunctionName": LAMBDA, "Payload": "{% $states.input %}"}))
        .output("{% $states.result.Payload %}")
        .assign(json!({"attempts": "{% $attempts + 1 %}"}))
        .timeout_seconds_expr("{% $timeout %}")
        .heartbeat_seconds_expr("{% $heartbeat %}")
        .catch(
            Catch::all("Failed")
                .output("{% $states.errorOutput %}")
                .assign(json!({"failed": true})),
        )
        .end();

    assert_eq!(
        state_json(task),
        json!({
            "Type": "Task",
            "QueryLanguage": "JSONata",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"FunctionName": LAMBDA, "Payload": "{% $states.input %}"},
            "Output": "{% $states.result.Payload %}",
            "Assign": {"attempts": "{% $attempts + 1 %}"},
            "TimeoutSeconds": "{% $timeout %}",
            "HeartbeatSeconds": "{% $heartbeat %}",
            "Catch": [{
                "ErrorEquals": ["States.ALL"],
                "Next": "Failed",
                "Output": "{% $states.errorOutput %}",
                "Assign": {"failed": true}
            }],
            "End": true
        })
    );
}

#[test]
fn pass() {
    let pass = Pass::new()
        .comment("defaults")
        .input_path("$.request")
        .parameters(json!({"id.$": "$.id"}))
        .result(json!({"size": 10}))
        .result_path("$.defaults")
        .output_path("$")
        .assign(json!({"seen.$": "$.id"}))
        .next("Resize");

    assert_eq!(
        state_json(pass),
        json!({
            "Type": "Pass",
            "Comment": "defaults",
            "InputPath": "$.request",
            "Parameters": {"id.$": "$.id"},
            "Result": {"size": 10},
            "ResultPath": "$.defaults",
            "OutputPath": "$",
            "Assign": {"seen.$": "$.id"},
            "Next": "Resize"
        })
    );
    assert_eq!(
        state_json(Pass::new().output(json!({"done": true})).end()),
        json!({"Type": "Pass", "Output": {"done": true}, "End": true})
    );
}

#[test]
fn choice() {
    let choice = Choice::new()
        .comment("route by kind")
        .input_path("$.upload")
        .output_path("$.file")
        .assign(json!({"routed": true}))
        .when(Rule::string_equals("$.kind", "png"), "Png")
        .when(
            Rule::and([
                Rule::numeric_greater_than_equals("$.size", 1024),
                Rule::not(Rule::is_null("$.owner", true)),
            ]),
            "Large",
        )
        .otherwise("Other");

    assert_eq!(
        state_json(choice),
        json!({
            "Type": "Choice",
            "Comment": "route by kind",
            "InputPath": "$.upload",
            "OutputPath": "$.file",
            "Assign": {"routed": true},
            "Choices": [
                {"Variable": "$.kind", "StringEquals": "png", "Next": "Png"},
                {
                    "And": [
                        {"Variable": "$.size", "NumericGreaterThanEquals": 1024},
                        {"Not": {"Variable": "$.owner", "IsNull": true}}
                    ],
                    "Next": "Large"
                }
            ],
            "Default": "Other"
        })
    );
}

#[test]
fn choice_in_jsonata_with_rule_assign_and_output() {
    use stepworker::asl::ChoiceRule;

    let choice = Choice::new()
        .query_language(QueryLanguage::Jsonata)
        .rule(
            ChoiceRule::when(Rule::condition("{% $states.input.n > 3 %}"), "Big")
                .comment("big ones")
                .assign(json!({"big": true}))
                .output("{% $states.input %}"),
        )
        .output("{% $states.input.n %}")
        .otherwise("Small");

    assert_eq!(
        state_json(choice),
        json!({
            "Type": "Choice",
            "QueryLanguage": "JSONata",
            "Output": "{% $states.input.n %}",
            "Choices": [{
                "Condition": "{% $states.input.n > 3 %}",
                "Next": "Big",
                "Comment": "big ones",
                "Assign": {"big": true},
                "Output": "{% $states.input %}"
            }],
            "Default": "Small"
        })
    );
}

#[test]
fn wait_in_each_form() {
    let forms = [
        (Wait::seconds(10), json!({"Seconds": 10})),
        (
            Wait::timestamp("2026-03-14T01:59:00Z"),
            json!({"Timestamp": "2026-03-14T01:59:00Z"}),
        ),
        (
            Wait::seconds_path("$.delay"),
            json!({"SecondsPath": "$.delay"}),
        ),
        (
            Wait::timestamp_path("$.notBefore"),
            json!({"TimestampPath": "$.notBefore"}),
        ),
        (
            Wait::seconds_expr("{% $delay %}"),
            json!({"Seconds": "{% $delay %}"}),
        ),
    ];
    for (wait, duration) in forms {
        let mut expected = json!({"Type": "Wait", "Next": "Poll"});
        let (Some(expected_fields), Value::Object(duration)) = (expected.as_object_mut(), duration)
        else {
            unreachable!("both are objects");
        };
        expected_fields.extend(duration);
        assert_eq!(state_json(wait.next("Poll")), expected);
    }
    assert_eq!(
        state_json(
            Wait::seconds(1)
                .comment("pause")
                .input_path("$.a")
                .output_path("$.b")
                .end()
        ),
        json!({"Type": "Wait", "Comment": "pause", "InputPath": "$.a", "OutputPath": "$.b", "Seconds": 1, "End": true})
    );
}

#[test]
fn succeed() {
    assert_eq!(state_json(Succeed::new()), json!({"Type": "Succeed"}));
    assert_eq!(
        state_json(
            Succeed::new()
                .comment("done")
                .input_path("$.x")
                .output_path("$.y")
        ),
        json!({"Type": "Succeed", "Comment": "done", "InputPath": "$.x", "OutputPath": "$.y"})
    );
}

#[test]
fn fail_literal_and_path_forms() {
    assert_eq!(
        state_json(
            Fail::new()
                .comment("give up")
                .error("ImageTooLarge")
                .cause("over 50 MB")
        ),
        json!({"Type": "Fail", "Comment": "give up", "Error": "ImageTooLarge", "Cause": "over 50 MB"})
    );
    assert_eq!(
        state_json(Fail::new().error_path("$.error").cause_path("$.cause")),
        json!({"Type": "Fail", "ErrorPath": "$.error", "CausePath": "$.cause"})
    );
    assert_eq!(state_json(Fail::new()), json!({"Type": "Fail"}));
}

#[test]
fn parallel() {
    let parallel = Parallel::new()
        .comment("both at once")
        .branch(
            Branch::new()
                .start_at("Thumb")
                .state("Thumb", Task::new(LAMBDA).end()),
        )
        .branch(
            Branch::new()
                .comment("scan")
                .start_at("Scan")
                .state("Scan", Pass::new().next("Clean"))
                .state("Clean", Succeed::new()),
        )
        .input_path("$.image")
        .parameters(json!({"key.$": "$.key"}))
        .result_selector(json!({"thumb.$": "$[0]"}))
        .result_path("$.results")
        .output_path("$")
        .assign(json!({"parallelDone": true}))
        .retry(Retry::on(["States.BranchFailed"]).max_attempts(1))
        .catch(Catch::all("Failed").result_path("$.error"))
        .next("Store");

    assert_eq!(
        state_json(parallel),
        json!({
            "Type": "Parallel",
            "Comment": "both at once",
            "InputPath": "$.image",
            "Parameters": {"key.$": "$.key"},
            "ResultSelector": {"thumb.$": "$[0]"},
            "ResultPath": "$.results",
            "OutputPath": "$",
            "Assign": {"parallelDone": true},
            "Branches": [
                {"StartAt": "Thumb", "States": {"Thumb": {"Type": "Task", "Resource": LAMBDA, "End": true}}},
                {
                    "Comment": "scan",
                    "StartAt": "Scan",
                    "States": {
                        "Scan": {"Type": "Pass", "Next": "Clean"},
                        "Clean": {"Type": "Succeed"}
                    }
                }
            ],
            "Retry": [{"ErrorEquals": ["States.BranchFailed"], "MaxAttempts": 1}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed", "ResultPath": "$.error"}],
            "Next": "Store"
        })
    );
}

#[test]
fn parallel_in_jsonata() {
    let parallel = Parallel::new()
        .query_language(QueryLanguage::Jsonata)
        .branch(Branch::new().start_at("A").state("A", Succeed::new()))
        .arguments(json!({"id": "{% $states.input.id %}"}))
        .output("{% $states.result[0] %}")
        .end();

    assert_eq!(
        state_json(parallel),
        json!({
            "Type": "Parallel",
            "QueryLanguage": "JSONata",
            "Arguments": {"id": "{% $states.input.id %}"},
            "Output": "{% $states.result[0] %}",
            "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}],
            "End": true
        })
    );
}

fn processor() -> Branch {
    Branch::new()
        .start_at("Resize")
        .state("Resize", Task::new(LAMBDA).end())
}

fn processor_json() -> Value {
    json!({"StartAt": "Resize", "States": {"Resize": {"Type": "Task", "Resource": LAMBDA, "End": true}}})
}

#[test]
fn inline_map() {
    let map = Map::new(processor())
        .processor_mode(ProcessorMode::Inline)
        .items_path("$.images")
        .item_selector(json!({"image.$": "$$.Map.Item.Value", "width": 200}))
        .max_concurrency(10)
        .result_selector(json!({"count.$": "States.ArrayLength($)"}))
        .result_path("$.resized")
        .retry(Retry::all().max_attempts(2))
        .catch(Catch::all("Failed"))
        .next("Done");

    let mut item_processor = processor_json();
    item_processor["ProcessorConfig"] = json!({"Mode": "INLINE"});
    assert_eq!(
        state_json(map),
        json!({
            "Type": "Map",
            "ItemProcessor": item_processor,
            "ItemsPath": "$.images",
            "ItemSelector": {"image.$": "$$.Map.Item.Value", "width": 200},
            "MaxConcurrency": 10,
            "ResultSelector": {"count.$": "States.ArrayLength($)"},
            "ResultPath": "$.resized",
            "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],
            "Next": "Done"
        })
    );
}

#[test]
fn distributed_map_with_reader_batcher_writer_and_tolerance() {
    let reader = json!({
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
        "Parameters": {"Bucket": "in", "Key": "rows.csv"}
    });
    let batcher = json!({"MaxItemsPerBatch": 100});
    let writer = json!({"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "out", "Prefix": "runs"}});
    let map = Map::new(processor())
        .processor_mode(ProcessorMode::Distributed)
        .execution_type(ExecutionType::Express)
        .item_reader(reader.clone())
        .item_batcher(batcher.clone())
        .result_writer(writer.clone())
        .max_concurrency_path("$.concurrency")
        .tolerated_failure_count(5)
        .tolerated_failure_percentage(2.5)
        .label("rows")
        .end();

    let mut item_processor = processor_json();
    item_processor["ProcessorConfig"] = json!({"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"});
    assert_eq!(
        state_json(map),
        json!({
            "Type": "Map",
            "ItemProcessor": item_processor,
            "ItemReader": reader,
            "ItemBatcher": batcher,
            "ResultWriter": writer,
            "MaxConcurrencyPath": "$.concurrency",
            "ToleratedFailureCount": 5,
            "ToleratedFailurePercentage": 2.5,
            "Label": "rows",
            "End": true
        })
    );
}

#[test]
fn map_tolerance_path_forms_and_jsonata_items() {
    let map = Map::new(processor())
        .tolerated_failure_count_path("$.maxFailures")
        .tolerated_failure_percentage_path("$.maxFailurePercent")
        .end();
    let value = state_json(map);
    assert_eq!(value["ToleratedFailureCountPath"], "$.maxFailures");
    assert_eq!(
        value["ToleratedFailurePercentagePath"],
        "$.maxFailurePercent"
    );
    assert!(
        value.get("ProcessorConfig").is_none()
            && value["ItemProcessor"].get("ProcessorConfig").is_none()
    );

    let map = Map::new(processor())
        .query_language(QueryLanguage::Jsonata)
        .items("{% $states.input.images %}")
        .max_concurrency_expr("{% $limit %}")
        .tolerated_failure_count_expr("{% $count %}")
        .tolerated_failure_percentage_expr("{% $pct %}")
        .output("{% $states.result %}")
        .end();
    assert_eq!(
        state_json(map),
        json!({
            "Type": "Map",
            "QueryLanguage": "JSONata",
            "Output": "{% $states.result %}",
            "ItemProcessor": processor_json(),
            "Items": "{% $states.input.images %}",
            "MaxConcurrency": "{% $limit %}",
            "ToleratedFailureCount": "{% $count %}",
            "ToleratedFailurePercentage": "{% $pct %}",
            "End": true
        })
    );
}

#[test]
fn state_machine_top_level_fields_and_state_order() {
    let machine = StateMachine::builder()
        .comment("order matters")
        .version("1.0")
        .timeout_seconds(3600)
        .query_language(QueryLanguage::JsonPath)
        .start_at("Zeta")
        .state("Zeta", Pass::new().next("Alpha"))
        .state("Alpha", Pass::new().next("Mid"))
        .state("Mid", Succeed::new())
        .build()
        .expect("valid definition");

    let expected = json!({
        "Comment": "order matters",
        "Version": "1.0",
        "TimeoutSeconds": 3600,
        "QueryLanguage": "JSONPath",
        "StartAt": "Zeta",
        "States": {
            "Zeta": {"Type": "Pass", "Next": "Alpha"},
            "Alpha": {"Type": "Pass", "Next": "Mid"},
            "Mid": {"Type": "Succeed"}
        }
    });
    let parsed: Value = serde_json::from_str(&machine.to_json()).expect("valid JSON");
    assert_eq!(parsed, expected);
    assert_eq!(machine.to_value(), expected);

    // Value equality ignores key order, so check the text keeps the states
    // in the order they were added.
    let text = machine.to_json();
    let positions: Vec<usize> = ["\"Zeta\":", "\"Alpha\":", "\"Mid\":"]
        .iter()
        .map(|key| text.find(key).expect("state present"))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn readme_example_builds_and_serializes() {
    let machine = StateMachine::builder()
        .comment("Resize images")
        .start_at("Resize")
        .state(
            "Resize",
            Task::new(LAMBDA)
                .retry(Retry::on(["States.Timeout"]).max_attempts(3))
                .next("Done"),
        )
        .state("Done", Succeed::new())
        .build()
        .expect("valid definition");

    assert_eq!(
        machine.to_value(),
        json!({
            "Comment": "Resize images",
            "StartAt": "Resize",
            "States": {
                "Resize": {
                    "Type": "Task",
                    "Resource": LAMBDA,
                    "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 3}],
                    "Next": "Done"
                },
                "Done": {"Type": "Succeed"}
            }
        })
    );
}
