//! Activities and state machines the benchmark creates through the API.

use anyhow::Result;
use serde_json::json;
use stepworker::Client;

/// Creates (or finds: CreateActivity is idempotent) the activity `name`.
pub async fn activity_arn(client: &Client, name: &str) -> Result<String> {
    Ok(client
        .create_activity()
        .name(name)
        .send()
        .await?
        .activity_arn)
}

/// Creates a state machine whose one Task state runs `activity_arn`.
pub async fn state_machine(client: &Client, name: &str, activity_arn: &str) -> Result<String> {
    let definition = json!({
        "StartAt": "Work",
        "States": { "Work": { "Type": "Task", "Resource": activity_arn, "End": true } }
    });
    let created = client
        .create_state_machine()
        .name(name)
        .definition(definition.to_string())
        .role_arn("arn:aws:iam::123456789012:role/bench")
        .send()
        .await?;
    Ok(created.state_machine_arn)
}
