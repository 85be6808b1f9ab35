//! The state machines and activities the workloads run, created through the
//! API so any Step Functions-compatible endpoint can serve them.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Result;
use serde_json::{json, Value};
use stepworker::Client;

/// A suffix that keeps this run's names apart from an earlier run's on a
/// long-lived endpoint (where a name that exists with another definition
/// is refused).
pub fn run_suffix() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("{}-{seconds}", std::process::id())
}

/// `states` Pass states in a row.
pub fn pass_chain(states: usize) -> Value {
    let mut map = serde_json::Map::new();
    for i in 0..states {
        let mut state = json!({"Type": "Pass"});
        if i + 1 == states {
            state["End"] = json!(true);
        } else {
            state["Next"] = json!(format!("S{}", i + 1));
        }
        map.insert(format!("S{i}"), state);
    }
    json!({"StartAt": "S0", "States": map})
}

/// A loop that counts `$.n` up to `$.limit`: each round enters and leaves a
/// Pass and a Choice state (four history events), so the history grows with
/// the input's limit while the definition stays small.
pub fn counting_loop() -> Value {
    json!({
        "StartAt": "Count",
        "States": {
            "Count": {
                "Type": "Pass",
                "Parameters": {"n.$": "States.MathAdd($.n, 1)", "limit.$": "$.limit"},
                "Next": "More?"
            },
            "More?": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericLessThanPath": "$.limit", "Next": "Count"}],
                "Default": "Done"
            },
            "Done": {"Type": "Succeed"}
        }
    })
}

/// Creates a state machine; its ARN.
pub async fn create_machine(client: &Client, name: &str, definition: &Value) -> Result<String> {
    Ok(client
        .create_state_machine()
        .name(name)
        .definition(definition.to_string())
        .role_arn("arn:aws:iam::123456789012:role/load")
        .send()
        .await?
        .state_machine_arn)
}

/// An activity and a state machine, both named `name`, whose one Task state
/// runs it: their ARNs.
pub async fn one_task_machine(client: &Client, name: &str) -> Result<(String, String)> {
    let activity = client
        .create_activity()
        .name(name)
        .send()
        .await?
        .activity_arn;
    let definition = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": activity, "End": true}}});
    let machine = create_machine(client, name, &definition).await?;
    Ok((activity, machine))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_links_every_state_and_ends_once() {
        let chain = pass_chain(3);
        assert_eq!(chain["StartAt"], "S0");
        assert_eq!(chain["States"]["S0"]["Next"], "S1");
        assert_eq!(chain["States"]["S1"]["Next"], "S2");
        assert_eq!(chain["States"]["S2"]["End"], true);
    }
}
