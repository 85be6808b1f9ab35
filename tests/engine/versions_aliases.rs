//! State machine versions and aliases over HTTP: publishing, listing,
//! deleting, weighted routing, and starting executions on them.

use serde_json::{json, Value};

use crate::support::api::{Api, ROLE};

fn returning(value: &str) -> String {
    json!({"StartAt": "R", "States": {"R": {"Type": "Pass", "Result": value, "End": true}}})
        .to_string()
}

async fn publish(api: &Api, machine: &str, description: Option<&str>) -> String {
    let mut body = json!({ "stateMachineArn": machine });
    if let Some(d) = description {
        body["description"] = json!(d);
    }
    let out = api.ok("PublishStateMachineVersion", body).await;
    out["stateMachineVersionArn"]
        .as_str()
        .expect("version arn")
        .to_owned()
}

async fn update(api: &Api, machine: &str, definition: String) -> Value {
    api.ok(
        "UpdateStateMachine",
        json!({ "stateMachineArn": machine, "definition": definition }),
    )
    .await
}

async fn output_of_start(api: &Api, target: &str) -> (Value, String) {
    let execution = api.start_execution(target, json!({})).await;
    let done = api.finished(&execution).await;
    let output = done["output"].as_str().unwrap_or_default().to_owned();
    (done, output)
}

#[tokio::test]
async fn versions_freeze_the_definition_and_run_on_their_arn() {
    let api = Api::start().await;
    let created = api
        .ok(
            "CreateStateMachine",
            json!({ "name": "m", "definition": returning("one"), "roleArn": ROLE,
                    "publish": true, "versionDescription": "first" }),
        )
        .await;
    let machine = created["stateMachineArn"].as_str().expect("arn").to_owned();
    let v1 = created["stateMachineVersionArn"]
        .as_str()
        .expect("version")
        .to_owned();
    assert_eq!(v1, format!("{machine}:1"));
    assert_eq!(
        publish(&api, &machine, None).await,
        v1,
        "same revision, same version"
    );
    let conflict = api
        .err(
            "PublishStateMachineVersion",
            json!({ "stateMachineArn": machine, "description": "other" }),
        )
        .await;
    assert_eq!(conflict.name(), "ConflictException");

    let updated = update(&api, &machine, returning("two")).await;
    let stale = api
        .err(
            "PublishStateMachineVersion",
            json!({ "stateMachineArn": machine, "revisionId": "not-the-current-one" }),
        )
        .await;
    assert_eq!(stale.name(), "ConflictException");
    let v2 = api
        .ok(
            "PublishStateMachineVersion",
            json!({ "stateMachineArn": machine, "revisionId": updated["revisionId"] }),
        )
        .await["stateMachineVersionArn"]
        .as_str()
        .expect("v2")
        .to_owned();
    assert_eq!(v2, format!("{machine}:2"));
    update(&api, &machine, returning("three")).await;

    assert_eq!(output_of_start(&api, &v1).await.1, "\"one\"");
    assert_eq!(output_of_start(&api, &v2).await.1, "\"two\"");
    let (done, output) = output_of_start(&api, &machine).await;
    assert_eq!(output, "\"three\"");
    assert!(done.get("stateMachineVersionArn").is_none());

    let on_v1 = api.start_execution(&v1, json!({})).await;
    let described = api.finished(&on_v1).await;
    assert_eq!(described["stateMachineVersionArn"], v1.as_str());
    assert_eq!(described["stateMachineArn"], machine.as_str());
    let version = api
        .ok("DescribeStateMachine", json!({ "stateMachineArn": v1 }))
        .await;
    assert_eq!(version["definition"], returning("one"));
    assert_eq!(version["description"], "first");
    assert_eq!(version["stateMachineArn"], v1.as_str());
    let listed = api
        .ok("ListExecutions", json!({ "stateMachineArn": v1 }))
        .await;
    assert_eq!(listed["executions"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn versions_list_newest_first_and_delete_unless_an_alias_routes_to_them() {
    let api = Api::start().await;
    let machine = api
        .machine("m", serde_json::from_str(&returning("a")).expect("json"))
        .await;
    let v1 = publish(&api, &machine, None).await;
    update(&api, &machine, returning("b")).await;
    let v2 = publish(&api, &machine, None).await;
    let page = api
        .ok(
            "ListStateMachineVersions",
            json!({ "stateMachineArn": machine, "maxResults": 1 }),
        )
        .await;
    assert_eq!(
        page["stateMachineVersions"][0]["stateMachineVersionArn"],
        v2.as_str()
    );
    let rest = api
        .ok(
            "ListStateMachineVersions",
            json!({ "stateMachineArn": machine, "nextToken": page["nextToken"] }),
        )
        .await;
    assert_eq!(
        rest["stateMachineVersions"][0]["stateMachineVersionArn"],
        v1.as_str()
    );
    assert!(rest.get("nextToken").is_none());

    api.ok(
        "CreateStateMachineAlias",
        json!({ "name": "live", "routingConfiguration": [{ "stateMachineVersionArn": v1, "weight": 100 }] }),
    )
    .await;
    let refused = api
        .err(
            "DeleteStateMachineVersion",
            json!({ "stateMachineVersionArn": v1 }),
        )
        .await;
    assert_eq!(refused.name(), "ConflictException");
    api.ok(
        "DeleteStateMachineVersion",
        json!({ "stateMachineVersionArn": v2 }),
    )
    .await;
    let gone = api
        .err("StartExecution", json!({ "stateMachineArn": v2 }))
        .await;
    assert_eq!(gone.name(), "StateMachineDoesNotExist");
    update(&api, &machine, returning("c")).await;
    let v3 = publish(&api, &machine, None).await;
    assert_eq!(
        v3,
        format!("{machine}:3"),
        "version numbers are never reused"
    );
}

#[tokio::test]
async fn aliases_route_executions_by_weight() {
    let api = Api::start().await;
    let machine = api
        .machine("m", serde_json::from_str(&returning("a")).expect("json"))
        .await;
    let v1 = publish(&api, &machine, None).await;
    update(&api, &machine, returning("b")).await;
    let v2 = publish(&api, &machine, None).await;
    let routing = json!([
        { "stateMachineVersionArn": v1, "weight": 100 },
        { "stateMachineVersionArn": v2, "weight": 0 }
    ]);
    let created = api
        .ok(
            "CreateStateMachineAlias",
            json!({ "name": "live", "description": "prod", "routingConfiguration": routing }),
        )
        .await;
    let alias = created["stateMachineAliasArn"]
        .as_str()
        .expect("alias")
        .to_owned();
    assert_eq!(alias, format!("{machine}:live"));
    let again = api
        .ok(
            "CreateStateMachineAlias",
            json!({ "name": "live", "description": "prod", "routingConfiguration": routing }),
        )
        .await;
    assert_eq!(again["stateMachineAliasArn"], alias.as_str(), "idempotent");

    for _ in 0..5 {
        let execution = api.start_execution(&alias, json!({})).await;
        let done = api.finished(&execution).await;
        assert_eq!(done["output"], "\"a\"");
        assert_eq!(done["stateMachineAliasArn"], alias.as_str());
        assert_eq!(done["stateMachineVersionArn"], v1.as_str());
    }

    api.ok(
        "UpdateStateMachineAlias",
        json!({ "stateMachineAliasArn": alias, "routingConfiguration": [
            { "stateMachineVersionArn": v1, "weight": 50 },
            { "stateMachineVersionArn": v2, "weight": 50 } ] }),
    )
    .await;
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..40 {
        seen.insert(output_of_start(&api, &alias).await.1);
        if seen.len() == 2 {
            break;
        }
    }
    // Both versions are drawn (40 fair draws all landing on one side has
    // a probability of 2^-39).
    assert_eq!(seen.len(), 2, "{seen:?}");

    let described = api
        .ok(
            "DescribeStateMachineAlias",
            json!({ "stateMachineAliasArn": alias }),
        )
        .await;
    assert_eq!(described["name"], "live");
    assert_eq!(described["description"], "prod");
    assert_eq!(described["routingConfiguration"][1]["weight"], 50);
    let listed = api
        .ok(
            "ListStateMachineAliases",
            json!({ "stateMachineArn": machine }),
        )
        .await;
    assert_eq!(
        listed["stateMachineAliases"][0]["stateMachineAliasArn"],
        alias.as_str()
    );
    let by_alias = api
        .ok("ListExecutions", json!({ "stateMachineArn": alias }))
        .await;
    assert!(by_alias["executions"].as_array().map(Vec::len) >= Some(6));

    api.ok(
        "DeleteStateMachineAlias",
        json!({ "stateMachineAliasArn": alias }),
    )
    .await;
    let gone = api
        .err(
            "DescribeStateMachineAlias",
            json!({ "stateMachineAliasArn": alias }),
        )
        .await;
    assert_eq!(gone.name(), "ResourceNotFound");
    let start = api
        .err("StartExecution", json!({ "stateMachineArn": alias }))
        .await;
    assert_eq!(start.name(), "StateMachineDoesNotExist");
}

#[tokio::test]
async fn bad_alias_requests_are_refused_with_aws_error_names() {
    let api = Api::start().await;
    let machine = api
        .machine("m", serde_json::from_str(&returning("a")).expect("json"))
        .await;
    let v1 = publish(&api, &machine, None).await;
    let other = api
        .machine("n", serde_json::from_str(&returning("x")).expect("json"))
        .await;
    let other_v1 = publish(&api, &other, None).await;
    let route = |arn: &str, weight: i32| json!({ "stateMachineVersionArn": arn, "weight": weight });
    let cases = [
        (
            json!({ "name": "123", "routingConfiguration": [route(&v1, 100)] }),
            "InvalidName",
        ),
        (
            json!({ "name": "a b", "routingConfiguration": [route(&v1, 100)] }),
            "InvalidName",
        ),
        (
            json!({ "name": "x", "routingConfiguration": [route(&v1, 90)] }),
            "ValidationException",
        ),
        (
            json!({ "name": "x", "routingConfiguration": [route(&v1, 50), route(&v1, 50)] }),
            "ValidationException",
        ),
        (
            json!({ "name": "x", "routingConfiguration": [route(&v1, 50), route(&other_v1, 50)] }),
            "ValidationException",
        ),
        (
            json!({ "name": "x", "routingConfiguration": [route(&v1, 101)] }),
            "ValidationException",
        ),
        (
            json!({ "name": "x", "routingConfiguration": [] }),
            "ValidationException",
        ),
        (
            json!({ "name": "x", "routingConfiguration": [route(&format!("{machine}:9"), 100)] }),
            "ResourceNotFound",
        ),
        (
            json!({ "name": "x", "routingConfiguration": [route(&machine, 100)] }),
            "InvalidArn",
        ),
    ];
    for (body, expected) in cases {
        let err = api.err("CreateStateMachineAlias", body.clone()).await;
        assert_eq!(err.name(), expected, "{body}");
    }
    api.ok(
        "CreateStateMachineAlias",
        json!({ "name": "x", "routingConfiguration": [route(&v1, 100)] }),
    )
    .await;
    let conflict = api
        .err(
            "CreateStateMachineAlias",
            json!({ "name": "x", "description": "changed", "routingConfiguration": [route(&v1, 100)] }),
        )
        .await;
    assert_eq!(conflict.name(), "ConflictException");
    let empty_update = api
        .err(
            "UpdateStateMachineAlias",
            json!({ "stateMachineAliasArn": format!("{machine}:x") }),
        )
        .await;
    assert_eq!(empty_update.name(), "ValidationException");
}
