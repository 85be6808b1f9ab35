//! `deploy()` against the local engine: activities are created, the state
//! machine is created or updated only when something changed, tags are
//! applied, and a second deploy changes nothing.

use std::collections::BTreeMap;

use serde_json::Value;
use stepworker::asl::{Catch, DeployChange, DeployError, Pass, Retry, StateMachine, Succeed, Task};
use stepworker::model::StateMachineType;
use stepworker::Client;

use super::support::{engine, ROLE};

const OTHER_ROLE: &str = "arn:aws:iam::123456789012:role/other";

fn two_activities() -> StateMachine {
    StateMachine::builder()
        .start_at("Resize")
        .state(
            "Resize",
            Task::activity_named("resize")
                .heartbeat_seconds(10)
                .timeout_seconds(60)
                .retry(Retry::on(["States.Timeout"]).max_attempts(2))
                .catch(Catch::all("Failed"))
                .next("Store"),
        )
        .state("Store", Task::activity_named("store").next("Done"))
        .state("Failed", Pass::new().end())
        .state("Done", Succeed::new())
        .build()
        .expect("valid definition")
}

async fn deployed_definition(client: &Client, arn: &str) -> (Value, String) {
    let described = client
        .describe_state_machine()
        .state_machine_arn(arn)
        .send()
        .await
        .expect("describe");
    let definition = serde_json::from_str(&described.definition).expect("JSON definition");
    (definition, described.role_arn)
}

#[tokio::test]
async fn first_deploy_creates_activities_and_machine_and_a_second_changes_nothing() {
    let (_engine, client) = engine().await;
    let machine = two_activities();

    let first = machine
        .deploy(&client, "images", ROLE)
        .send()
        .await
        .expect("deploy");
    assert_eq!(first.change, DeployChange::Created);
    assert_eq!(
        first.activity_arns.keys().collect::<Vec<_>>(),
        ["resize", "store"]
    );

    // The activities exist, and the definition runs them by their ARNs.
    let listed = client
        .list_activities()
        .send()
        .await
        .expect("list activities");
    let mut names: Vec<_> = listed.activities.iter().map(|a| a.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["resize", "store"]);
    let (definition, role) = deployed_definition(&client, first.state_machine.arn()).await;
    assert_eq!(role, ROLE);
    assert_eq!(
        definition["States"]["Resize"]["Resource"],
        first.activity_arns["resize"].as_str()
    );
    assert_eq!(
        definition["States"]["Store"]["Resource"],
        first.activity_arns["store"].as_str()
    );
    assert!(first.activity_arns["resize"].ends_with(":activity:resize"));
    assert_eq!(definition["States"]["Resize"]["HeartbeatSeconds"], 10);

    let revision_before = revision(&client, first.state_machine.arn()).await;
    let second = machine
        .deploy(&client, "images", ROLE)
        .send()
        .await
        .expect("second deploy");
    assert_eq!(second.change, DeployChange::Unchanged);
    assert_eq!(second.state_machine.arn(), first.state_machine.arn());
    assert_eq!(second.activity_arns, first.activity_arns);
    // No update happened: an update would give the machine a new revision.
    assert_eq!(
        revision(&client, first.state_machine.arn()).await,
        revision_before
    );
    let machines = client.list_state_machines().send().await.expect("list");
    assert_eq!(machines.state_machines.len(), 1);
}

async fn revision(client: &Client, arn: &str) -> Option<String> {
    client
        .describe_state_machine()
        .state_machine_arn(arn)
        .send()
        .await
        .expect("describe")
        .revision_id
}

#[tokio::test]
async fn a_changed_definition_or_role_updates_the_machine_in_place() {
    let (_engine, client) = engine().await;
    let created = two_activities()
        .deploy(&client, "images", ROLE)
        .send()
        .await
        .expect("deploy");
    let arn = created.state_machine.arn().to_owned();
    let first_revision = revision(&client, &arn).await;

    let changed = StateMachine::builder()
        .comment("now with a greeting")
        .start_at("Hello")
        .state("Hello", Pass::new().next("Done"))
        .state("Done", Succeed::new())
        .build()
        .expect("valid definition");
    let updated = changed
        .deploy(&client, "images", ROLE)
        .send()
        .await
        .expect("deploy changed definition");
    assert_eq!(updated.change, DeployChange::Updated);
    assert_eq!(updated.state_machine.arn(), arn);
    let (definition, _) = deployed_definition(&client, &arn).await;
    assert_eq!(definition, changed.to_value());
    assert_ne!(revision(&client, &arn).await, first_revision);

    let new_role = changed
        .deploy(&client, "images", OTHER_ROLE)
        .send()
        .await
        .expect("deploy with another role");
    assert_eq!(new_role.change, DeployChange::Updated);
    let (definition, role) = deployed_definition(&client, &arn).await;
    assert_eq!(role, OTHER_ROLE);
    assert_eq!(definition, changed.to_value());

    let same = changed
        .deploy(&client, "images", OTHER_ROLE)
        .send()
        .await
        .expect("deploy again");
    assert_eq!(same.change, DeployChange::Unchanged);
}

#[tokio::test]
async fn tags_are_applied_by_deploy_and_managed_through_the_handle() {
    let (_engine, client) = engine().await;
    let machine = two_activities();
    let deployed = machine
        .deploy(&client, "images", ROLE)
        .tag("team", "media")
        .tag("cost-center", "42")
        .send()
        .await
        .expect("deploy");
    let handle = deployed.state_machine;
    let expected: BTreeMap<String, String> = [("cost-center", "42"), ("team", "media")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    assert_eq!(handle.tags().await.expect("tags"), expected);

    // A changed value is corrected; tags deploy was not given stay.
    let redeployed = machine
        .deploy(&client, "images", ROLE)
        .tag("team", "video")
        .send()
        .await
        .expect("deploy");
    assert_eq!(redeployed.change, DeployChange::Unchanged);
    let tags = handle.tags().await.expect("tags");
    assert_eq!(tags["team"], "video");
    assert_eq!(tags["cost-center"], "42");

    handle.tag([("stage", "test")]).await.expect("tag");
    handle.untag(["team", "cost-center"]).await.expect("untag");
    let tags = handle.tags().await.expect("tags");
    assert_eq!(
        tags.into_iter().collect::<Vec<_>>(),
        [("stage".to_owned(), "test".to_owned())]
    );
}

#[tokio::test]
async fn the_type_of_an_existing_machine_cannot_change() {
    let (_engine, client) = engine().await;
    let machine = StateMachine::builder()
        .start_at("Done")
        .state("Done", Succeed::new())
        .build()
        .expect("valid definition");
    machine
        .deploy(&client, "typed", ROLE)
        .send()
        .await
        .expect("deploy standard");

    let error = machine
        .deploy(&client, "typed", ROLE)
        .machine_type(StateMachineType::Express)
        .send()
        .await
        .expect_err("type change refused");
    assert!(
        matches!(
            &error,
            DeployError::TypeMismatch { name, existing: StateMachineType::Standard, wanted: StateMachineType::Express }
                if name == "typed"
        ),
        "{error:?}"
    );
}
