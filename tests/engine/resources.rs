//! Activities, state machines and tags: lifecycle, idempotency, paging and
//! validation errors.

use serde_json::{json, Value};

use crate::support::api::{one_task, Api, ROLE};

fn pass() -> Value {
    json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})
}

#[tokio::test]
async fn create_activity_is_idempotent_by_name() {
    let api = Api::start().await;
    let first = api
        .ok(
            "CreateActivity",
            json!({"name": "a", "tags": [{"key": "k", "value": "1"}]}),
        )
        .await;
    let again = api
        .ok(
            "CreateActivity",
            json!({"name": "a", "tags": [{"key": "k", "value": "2"}]}),
        )
        .await;
    assert_eq!(first, again);
    let tags = api
        .ok(
            "ListTagsForResource",
            json!({"resourceArn": first["activityArn"]}),
        )
        .await;
    assert_eq!(tags["tags"], json!([{"key": "k", "value": "1"}]));
    let described = api
        .ok(
            "DescribeActivity",
            json!({"activityArn": first["activityArn"]}),
        )
        .await;
    assert_eq!(described["name"], "a");
    assert_eq!(described["creationDate"], first["creationDate"]);
}

#[tokio::test]
async fn names_arns_and_limits_are_validated() {
    let api = Api::start().await;
    for name in ["", "has space", "x".repeat(81).as_str(), "bad:colon"] {
        let err = api.err("CreateActivity", json!({ "name": name })).await;
        assert_eq!(err.name(), "InvalidName", "{name}");
    }
    for arn in [
        "nope",
        "arn:aws:states:eu-west-1:123456789012:activity:a",
        "arn:aws:states:us-east-1:999999999999:activity:a",
        "arn:aws:states:us-east-1:123456789012:stateMachine:a",
    ] {
        let err = api
            .err("DescribeActivity", json!({ "activityArn": arn }))
            .await;
        assert_eq!(err.name(), "InvalidArn", "{arn}");
    }
    let long = api
        .err(
            "DescribeActivity",
            json!({ "activityArn": "a".repeat(257) }),
        )
        .await;
    assert_eq!(long.name(), "ValidationException");
    let page = api
        .err("ListActivities", json!({ "maxResults": 1001 }))
        .await;
    assert_eq!(page.name(), "ValidationException");
    let tags: Vec<Value> = (0..51)
        .map(|i| json!({"key": format!("k{i}"), "value": "v"}))
        .collect();
    let err = api
        .err("CreateActivity", json!({"name": "t", "tags": tags}))
        .await;
    assert_eq!(err.name(), "TooManyTags");
    let bad_tag = api
        .err(
            "CreateActivity",
            json!({"name": "t", "tags": [{"key": "a*b", "value": "v"}]}),
        )
        .await;
    assert_eq!(bad_tag.name(), "ValidationException");
}

#[tokio::test]
async fn lists_page_with_opaque_tokens() {
    let api = Api::start().await;
    for i in 0..5 {
        api.activity(&format!("a{i}")).await;
    }
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut request = json!({"maxResults": 2});
        if let Some(t) = &token {
            request["nextToken"] = json!(t);
        }
        let page = api.ok("ListActivities", request).await;
        for a in page["activities"].as_array().cloned().unwrap_or_default() {
            names.push(a["name"].as_str().unwrap_or_default().to_owned());
        }
        match page["nextToken"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
    }
    assert_eq!(names, ["a0", "a1", "a2", "a3", "a4"]);
    let forged = api
        .err("ListActivities", json!({"nextToken": "not-a-token"}))
        .await;
    assert_eq!(forged.name(), "InvalidToken");
    // A token of one listing is refused by another.
    let first = api.ok("ListActivities", json!({"maxResults": 1})).await;
    api.machine("m", pass()).await;
    let crossed = api
        .err(
            "ListStateMachines",
            json!({"nextToken": first["nextToken"]}),
        )
        .await;
    assert_eq!(crossed.name(), "InvalidToken");
}

#[tokio::test]
async fn create_state_machine_idempotency_and_conflicts() {
    let api = Api::start().await;
    let body = json!({"name": "m", "definition": pass().to_string(), "roleArn": ROLE});
    let first = api.ok("CreateStateMachine", body.clone()).await;
    let mut other_role = body.clone();
    other_role["roleArn"] = json!("arn:aws:iam::123456789012:role/other");
    assert_eq!(api.ok("CreateStateMachine", other_role).await, first);
    let mut other_definition = body.clone();
    other_definition["definition"] =
        json!(json!({"StartAt": "Q", "States": {"Q": {"Type": "Succeed"}}}).to_string());
    let err = api.err("CreateStateMachine", other_definition).await;
    assert_eq!(err.name(), "StateMachineAlreadyExists");

    let invalid = api
        .err(
            "CreateStateMachine",
            json!({"name": "bad", "definition": "{\"StartAt\": \"Nowhere\", \"States\": {}}", "roleArn": ROLE}),
        )
        .await;
    assert_eq!(invalid.name(), "InvalidDefinition");
    let not_json = api
        .err(
            "CreateStateMachine",
            json!({"name": "bad", "definition": "{", "roleArn": ROLE}),
        )
        .await;
    assert_eq!(not_json.name(), "InvalidDefinition");
    let bad_role = api
        .err(
            "CreateStateMachine",
            json!({"name": "bad", "definition": pass().to_string(), "roleArn": "role"}),
        )
        .await;
    assert_eq!(bad_role.name(), "InvalidArn");
}

#[tokio::test]
async fn update_keeps_running_executions_on_their_definition() {
    let api = Api::start().await;
    let activity = api.activity("a").await;
    let machine = api.machine("m", one_task(&activity)).await;
    let execution = api.start_execution(&machine, json!({})).await;

    let missing = api
        .err("UpdateStateMachine", json!({"stateMachineArn": machine}))
        .await;
    assert_eq!(missing.name(), "MissingRequiredParameter");
    api.ok(
        "UpdateStateMachine",
        json!({"stateMachineArn": machine, "definition": pass().to_string()}),
    )
    .await;
    let current = api
        .ok("DescribeStateMachine", json!({"stateMachineArn": machine}))
        .await;
    assert_eq!(current["definition"], pass().to_string());
    let for_execution = api
        .ok(
            "DescribeStateMachineForExecution",
            json!({"executionArn": execution}),
        )
        .await;
    assert_eq!(for_execution["definition"], one_task(&activity).to_string());
    // The running execution still runs its Task state.
    let task = api.poll(&activity, "w").await;
    api.ok(
        "SendTaskSuccess",
        json!({"taskToken": task["taskToken"], "output": "{}"}),
    )
    .await;
    assert_eq!(api.finished(&execution).await["status"], "SUCCEEDED");
}

#[tokio::test]
async fn delete_state_machine_goes_deleting_then_disappears() {
    let api = Api::start().await;
    let activity = api.activity("a").await;
    let machine = api.machine("m", one_task(&activity)).await;
    let execution = api.start_execution(&machine, json!({})).await;
    let task = api.poll(&activity, "w").await;
    api.ok("DeleteStateMachine", json!({"stateMachineArn": machine}))
        .await;
    let deleting = api
        .ok("DescribeStateMachine", json!({"stateMachineArn": machine}))
        .await;
    assert_eq!(deleting["status"], "DELETING");
    let refused = api
        .err("StartExecution", json!({"stateMachineArn": machine}))
        .await;
    assert_eq!(refused.name(), "StateMachineDeleting");
    // The running execution ends at its next transition.
    api.ok(
        "SendTaskSuccess",
        json!({"taskToken": task["taskToken"], "output": "{}"}),
    )
    .await;
    api.finished(&execution).await;
    let gone = api
        .err("DescribeStateMachine", json!({"stateMachineArn": machine}))
        .await;
    assert_eq!(gone.name(), "StateMachineDoesNotExist");
}

#[tokio::test]
async fn tags_on_state_machines() {
    let api = Api::start().await;
    let machine = api.machine("m", pass()).await;
    api.ok(
        "TagResource",
        json!({"resourceArn": machine, "tags": [{"key": "team", "value": "a"}, {"key": "env", "value": "dev"}]}),
    )
    .await;
    api.ok(
        "UntagResource",
        json!({"resourceArn": machine, "tagKeys": ["env"]}),
    )
    .await;
    let tags = api
        .ok("ListTagsForResource", json!({"resourceArn": machine}))
        .await;
    assert_eq!(tags["tags"], json!([{"key": "team", "value": "a"}]));
    let missing = api
        .err(
            "ListTagsForResource",
            json!({"resourceArn": "arn:aws:states:us-east-1:123456789012:stateMachine:none"}),
        )
        .await;
    assert_eq!(missing.name(), "ResourceNotFound");
    let many: Vec<Value> = (0..50)
        .map(|i| json!({"key": format!("k{i}"), "value": "v"}))
        .collect();
    let err = api
        .err("TagResource", json!({"resourceArn": machine, "tags": many}))
        .await;
    assert_eq!(err.name(), "TooManyTags");
}
