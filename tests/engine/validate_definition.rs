//! ValidateStateMachineDefinition over HTTP: OK, FAIL with AWS's codes and
//! locations, maxResults truncation, EXPRESS-only rules.

use serde_json::{json, Value};

use crate::support::api::Api;

async fn validate(api: &Api, body: Value) -> Value {
    api.ok("ValidateStateMachineDefinition", body).await
}

#[tokio::test]
async fn a_valid_definition_is_ok_with_no_diagnostics() {
    let api = Api::start().await;
    let definition = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}});
    let out = validate(&api, json!({"definition": definition.to_string()})).await;
    assert_eq!(
        out,
        json!({"result": "OK", "diagnostics": [], "truncated": false})
    );
}

#[tokio::test]
async fn problems_come_back_as_error_diagnostics_with_code_and_location() {
    let api = Api::start().await;
    let definition = json!({
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Next": "B", "Bogus": 1},
            "B": {"Type": "Pass", "Next": "Nowhere", "End": "yes"}
        }
    });
    let out = validate(&api, json!({"definition": definition.to_string()})).await;
    assert_eq!(out["result"], "FAIL");
    let diagnostics = out["diagnostics"].as_array().expect("diagnostics");
    assert!(diagnostics.len() >= 2, "{out}");
    for d in diagnostics {
        assert_eq!(d["severity"], "ERROR");
    }
    let found: Vec<(&str, &str, &str)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap_or(""),
                d["location"].as_str().unwrap_or(""),
            )
        })
        .collect();
    // AWS locates a field the state type does not take at the state.
    assert!(
        found.contains(&(
            "SCHEMA_VALIDATION_FAILED",
            "Field 'Bogus' is not supported",
            "/States/A"
        )),
        "{found:?}"
    );
    assert!(
        found.iter().any(|(_, _, at)| at.starts_with("/States/B")),
        "{found:?}"
    );

    let truncated = validate(
        &api,
        json!({"definition": definition.to_string(), "maxResults": 1, "severity": "WARNING"}),
    )
    .await;
    assert_eq!(truncated["diagnostics"].as_array().map(Vec::len), Some(1));
    assert_eq!(truncated["truncated"], true);
}

#[tokio::test]
async fn text_that_is_not_json_is_reported_not_refused() {
    let api = Api::start().await;
    let out = validate(&api, json!({"definition": "{not json"})).await;
    assert_eq!(out["result"], "FAIL");
    assert_eq!(out["diagnostics"][0]["code"], "INVALID_JSON_DESCRIPTION");
}

#[tokio::test]
async fn express_rules_apply_only_to_the_express_type() {
    let api = Api::start().await;
    let definition = json!({"StartAt": "Work", "States": {"Work": {
        "Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:a", "End": true}}});
    let text = definition.to_string();
    let standard = validate(&api, json!({"definition": text})).await;
    assert_eq!(standard["result"], "OK");
    let express = validate(&api, json!({"definition": text, "type": "EXPRESS"})).await;
    assert_eq!(express["result"], "FAIL");
    assert_eq!(
        express["diagnostics"][0]["code"],
        "SCHEMA_VALIDATION_FAILED"
    );
    assert_eq!(
        express["diagnostics"][0]["location"],
        "/States/Work/Resource"
    );
}

#[tokio::test]
async fn request_members_are_validated() {
    let api = Api::start().await;
    let definition =
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}).to_string();
    for body in [
        json!({"definition": ""}),
        json!({"definition": definition, "maxResults": 101}),
        json!({"definition": definition, "severity": "LOUD"}),
        json!({"definition": definition, "type": "BATCH"}),
    ] {
        let err = api
            .err("ValidateStateMachineDefinition", body.clone())
            .await;
        assert_eq!(err.name(), "ValidationException", "{body}");
    }
}
