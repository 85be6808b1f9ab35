//! Every operation's request and response, carrying every member the service
//! model defines, survives deserialize -> serialize unchanged: no member of the
//! model is silently dropped or renamed by the generated types.
//!
//! The fixtures are built from the model's member lists at test time, so a
//! regenerated model is covered without editing this file.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};
use stepworker::model::{self, Operation};

fn service_model() -> Value {
    serde_json::from_str(model::SERVICE_MODEL_JSON).expect("the bundled model is JSON")
}

/// A value of `shape` that fills every member, recursively.
fn sample(model: &Value, shape: &str, depth: usize) -> Value {
    let s = &model["shapes"][shape];
    match s["type"].as_str().unwrap() {
        "string" => match s.get("enum") {
            Some(values) => values[values.as_array().unwrap().len() - 1].clone(),
            None => json!(format!("v-{shape}")),
        },
        "integer" => json!(7),
        "long" => json!(1_234_567_890_123_i64),
        "boolean" => json!(true),
        "float" => json!(12.5),
        "timestamp" => json!(1_700_000_000.25),
        "list" => json!([sample(
            model,
            s["member"]["shape"].as_str().unwrap(),
            depth + 1
        )]),
        "map" => json!({ "k": sample(model, s["value"]["shape"].as_str().unwrap(), depth + 1) }),
        "structure" => {
            let mut obj = Map::new();
            if depth < 8 {
                for (name, member) in s["members"].as_object().unwrap() {
                    let inner = member["shape"].as_str().unwrap();
                    obj.insert(name.clone(), sample(model, inner, depth + 1));
                }
            }
            Value::Object(obj)
        }
        other => panic!("shape type {other} not handled by the fixture builder"),
    }
}

fn roundtrip<T: serde::Serialize + serde::de::DeserializeOwned>(what: &str, fixture: &Value) {
    let typed: T = serde_json::from_value(fixture.clone())
        .unwrap_or_else(|e| panic!("{what}: full fixture does not deserialize: {e}"));
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(&back, fixture, "{what}: members changed in a round trip");
}

fn check<O: Operation>(model: &Value, seen: &mut BTreeSet<String>) {
    let op = &model["operations"][O::NAME];
    assert!(op.is_object(), "{} is not in the model", O::NAME);
    let input = sample(model, op["input"].as_str().unwrap(), 0);
    let output = sample(model, op["output"].as_str().unwrap(), 0);
    roundtrip::<O::Input>(&format!("{} input", O::NAME), &input);
    roundtrip::<O::Output>(&format!("{} output", O::NAME), &output);
    let errors: Vec<&str> = op["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert_eq!(O::ERRORS, errors.as_slice(), "{} error list", O::NAME);
    assert_eq!(
        O::IDEMPOTENT,
        op["idempotent"].as_bool().unwrap_or(false),
        "{} idempotency",
        O::NAME
    );
    seen.insert(O::NAME.to_owned());
}

#[test]
fn every_operation_round_trips_every_member() {
    let model = service_model();
    let mut seen = BTreeSet::new();
    macro_rules! each {
        ($op:ident) => {
            check::<model::operations::$op>(&model, &mut seen)
        };
    }
    stepworker::for_each_operation!(each);
    let in_model: BTreeSet<String> = model["operations"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(
        seen, in_model,
        "operations covered vs operations in the model"
    );
    assert_eq!(seen.len(), 37);
}

#[test]
fn history_event_keeps_every_details_member() {
    let model = service_model();
    let fixture = sample(&model, "HistoryEvent", 0);
    assert!(
        fixture.as_object().unwrap().len() > 40,
        "fixture should fill every event detail"
    );
    roundtrip::<model::HistoryEvent>("HistoryEvent", &fixture);
}

#[test]
fn sensitive_members_are_redacted_in_debug() {
    let input = model::StartExecutionInput {
        state_machine_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:m".into(),
        input: Some("{\"card\":\"4111-secret\"}".into()),
        ..Default::default()
    };
    let shown = format!("{input:?}");
    assert!(!shown.contains("4111-secret"), "input leaked: {shown}");
    assert!(
        shown.contains("stateMachine:m"),
        "non-sensitive ARN should show: {shown}"
    );

    let success = model::SendTaskSuccessInput {
        task_token: "tok-secret".into(),
        output: "out-secret".into(),
    };
    let shown = format!("{success:?}");
    assert!(
        !shown.contains("tok-secret") && !shown.contains("out-secret"),
        "{shown}"
    );

    let failure = model::SendTaskFailureInput {
        task_token: "tok-secret".into(),
        error: Some("err-secret".into()),
        cause: Some("cause-secret".into()),
    };
    let shown = format!("{failure:?}");
    assert!(!shown.contains("secret"), "{shown}");

    let described = model::DescribeStateMachineOutput {
        definition: "{\"States\":\"def-secret\"}".into(),
        ..Default::default()
    };
    assert!(!format!("{described:?}").contains("def-secret"));
}

#[test]
fn enums_keep_unknown_values() {
    let status: model::ExecutionStatus =
        serde_json::from_value(json!("PAUSED_BY_FUTURE_FEATURE")).unwrap();
    assert_eq!(
        status,
        model::ExecutionStatus::Unknown("PAUSED_BY_FUTURE_FEATURE".into())
    );
    assert_eq!(
        serde_json::to_value(&status).unwrap(),
        json!("PAUSED_BY_FUTURE_FEATURE")
    );
    let known: model::ExecutionStatus = serde_json::from_value(json!("TIMED_OUT")).unwrap();
    assert_eq!(known, model::ExecutionStatus::TimedOut);
}

#[test]
fn timestamps_are_epoch_second_numbers() {
    let whole: model::Timestamp = serde_json::from_value(json!(1_700_000_000)).unwrap();
    assert_eq!(serde_json::to_value(whole).unwrap(), json!(1_700_000_000));
    let fractional: model::Timestamp = serde_json::from_value(json!(1_700_000_000.125)).unwrap();
    assert_eq!(
        serde_json::to_value(fractional).unwrap(),
        json!(1_700_000_000.125)
    );
    assert_eq!(fractional.epoch_millis(), 1_700_000_000_125);
    assert!(serde_json::from_value::<model::Timestamp>(json!("2024-01-01")).is_err());
}

#[test]
fn every_modeled_error_name_parses_to_its_variant() {
    let model = service_model();
    for (name, shape) in model["shapes"].as_object().unwrap() {
        if shape.get("exception").is_some() {
            let code = model::ErrorCode::from_name(name);
            assert!(
                !matches!(code, model::ErrorCode::Unknown(_)),
                "{name} has no variant"
            );
            assert_eq!(code.as_str(), name);
        }
    }
}
