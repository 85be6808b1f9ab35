//! Activities and state machines the benchmark creates through the API, and
//! how a benchmark worker is stopped.

use std::time::Duration;

use anyhow::Result;
use serde_json::json;
use stepworker::worker::{WorkerError, WorkerHandle};
use stepworker::Client;
use tokio::task::JoinHandle;

/// How long a stopping worker may wait for its parked polls to be answered
/// once their activity is deleted, before they are dropped.
const POLLS_ANSWERED: Duration = Duration::from_secs(5);

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

/// Stops a worker whose work is done, and the activity it polled with it.
///
/// A graceful shutdown lets open polls finish, and a parked GetActivityTask
/// is only answered at the engine's poll timeout (60 s, like AWS) or by the
/// worker's shutdown cut (20 s by default): each worker of the benchmark
/// would hold the run that long. Deleting the activity (each worker polls
/// one of its own) answers the parked polls at once on stepworker-local;
/// an engine that keeps them parked has them dropped after
/// [`POLLS_ANSWERED`], which loses nothing here because every execution of
/// the activity has finished.
pub async fn stop_worker(
    client: &Client,
    activity_arn: &str,
    handle: &WorkerHandle,
    mut running: JoinHandle<Result<(), WorkerError>>,
) -> Result<()> {
    handle.shutdown();
    client
        .delete_activity()
        .activity_arn(activity_arn)
        .send()
        .await?;
    match tokio::time::timeout(POLLS_ANSWERED, &mut running).await {
        Ok(ended) => ended??,
        Err(_) => {
            handle.shutdown_now();
            running.await??;
        }
    }
    Ok(())
}
