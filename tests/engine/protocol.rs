//! The wire protocol: dispatch on X-Amz-Target, error bodies, request ids.

use serde_json::{json, Value};

use crate::support::api::Api;

async fn raw(
    api: &Api,
    target: Option<&str>,
    content_type: &str,
    body: &str,
) -> (u16, Value, Option<String>) {
    let mut request = reqwest::Client::new()
        .post(&api.url)
        .header("content-type", content_type)
        .body(body.to_owned());
    if let Some(target) = target {
        request = request.header("x-amz-target", target);
    }
    let response = request.send().await.expect("reaches engine");
    let request_id = response
        .headers()
        .get("x-amzn-requestid")
        .and_then(|id| id.to_str().ok())
        .map(str::to_owned);
    let status = response.status().as_u16();
    let value = response.json::<Value>().await.expect("JSON body");
    (status, value, request_id)
}

#[tokio::test]
async fn success_and_error_answers_carry_a_request_id() {
    let api = Api::start().await;
    let target = Some("AWSStepFunctions.ListActivities");
    let (status, body, first) = raw(&api, target, "application/x-amz-json-1.0", "{}").await;
    assert_eq!(status, 200);
    assert_eq!(body["activities"], json!([]));
    let target = Some("AWSStepFunctions.DescribeActivity");
    let (status, body, second) = raw(&api, target, "application/x-amz-json-1.0", "{}").await;
    assert_eq!(status, 400);
    // Each a version-4 UUID in its hyphenated form, as AWS sends, and each
    // its own.
    for id in [&first, &second] {
        let id = id.as_deref().expect("an x-amzn-RequestId header");
        let parsed = uuid::Uuid::parse_str(id).expect("a UUID");
        assert_eq!(parsed.get_version_num(), 4, "{id}");
        assert_eq!(parsed.hyphenated().to_string(), id);
    }
    assert_ne!(first, second);
    assert!(body["message"]
        .as_str()
        .is_some_and(|m| m.contains("activityArn")));
}

#[tokio::test]
async fn unknown_operation_malformed_json_and_wrong_content_type_are_clear_400s() {
    let api = Api::start().await;
    let json10 = "application/x-amz-json-1.0";
    let cases = [
        (
            Some("AWSStepFunctions.Bogus"),
            json10,
            "{}",
            "UnknownOperationException",
        ),
        (None, json10, "{}", "UnknownOperationException"),
        (
            Some("AWSStepFunctions.ListActivities"),
            json10,
            "{not json",
            "SerializationException",
        ),
        (
            Some("AWSStepFunctions.CreateActivity"),
            json10,
            "{\"name\": 7}",
            "SerializationException",
        ),
        (
            Some("AWSStepFunctions.CreateActivity"),
            json10,
            "{}",
            "ValidationException",
        ),
        (
            Some("AWSStepFunctions.ListActivities"),
            "text/plain",
            "{}",
            "UnknownOperationException",
        ),
        // Every one of the 37 operations is served: a missing required
        // member is the caller's error, not an unknown operation.
        (
            Some("AWSStepFunctions.DescribeMapRun"),
            json10,
            "{}",
            "ValidationException",
        ),
    ];
    for (target, content_type, body, expected) in cases {
        let (status, answer, _) = raw(&api, target, content_type, body).await;
        assert_eq!(status, 400, "{target:?} {body}");
        let type_name = answer["__type"].as_str().unwrap_or_default();
        assert!(
            type_name.ends_with(&format!("#{expected}")),
            "{target:?} {body}: {answer}"
        );
        assert!(!answer["message"].as_str().unwrap_or_default().is_empty());
    }
}

#[tokio::test]
async fn service_errors_use_the_step_functions_namespace() {
    let api = Api::start().await;
    let err = api
        .err(
            "DescribeActivity",
            json!({"activityArn": "arn:aws:states:us-east-1:123456789012:activity:none"}),
        )
        .await;
    assert_eq!(
        err.type_name,
        "com.amazonaws.swf.service.v2.model#ActivityDoesNotExist"
    );
}
