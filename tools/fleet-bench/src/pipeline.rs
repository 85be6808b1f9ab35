//! The image pipeline the fleet example serves, deployed as a fleet should
//! deploy it, and driven with load.

use std::time::Duration;

use anyhow::Context;
use serde_json::{json, Value};
use stepworker::asl::{Execution, Retry, StateMachine, StateMachineHandle, Task};
use stepworker::model::ExecutionStatus;
use stepworker::Client;

/// The fleet example's activities, in the pipeline's order, with the state
/// that runs each and the step its handler appends to `done`.
pub const STEPS: [(&str, &str, &str); 3] = [
    ("Fetch", "fetch-image", "fetched"),
    ("Resize", "resize-image", "resized"),
    ("Publish", "publish-image", "published"),
];

/// A role ARN the engine accepts (it checks the format only).
const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/fleet-bench";

/// `HeartbeatSeconds` of each step: the fleet's activities declare 10 s
/// (`#[activity(heartbeat = "10s")]`) and heartbeat at about a third of it.
pub const HEARTBEAT_SECONDS: u64 = 10;

/// Deploys fetch -> resize -> publish as the README says a fleet should:
/// a short `HeartbeatSeconds`, a `TimeoutSeconds`, and a `Retry` on
/// `States.Timeout` (a task lost on its way to a worker comes back when its
/// heartbeat runs out) and on `Worker.Shutdown` (a task a stopping worker
/// could not finish goes to another at once).
pub async fn deploy(client: &Client, name: &str) -> anyhow::Result<StateMachineHandle> {
    let step = |activity: &str| {
        Task::activity_named(activity)
            .heartbeat_seconds(HEARTBEAT_SECONDS)
            .timeout_seconds(120)
            .retry(
                Retry::on(["States.Timeout", "Worker.Shutdown"])
                    .interval_seconds(1)
                    .backoff_rate(1.0)
                    .max_attempts(10),
            )
    };
    let [(fetch, fetch_activity, _), (resize, resize_activity, _), (publish, publish_activity, _)] =
        STEPS;
    let machine = StateMachine::builder()
        .start_at(fetch)
        .state(fetch, step(fetch_activity).next(resize))
        .state(resize, step(resize_activity).next(publish))
        .state(publish, step(publish_activity).end())
        .build()
        .context("the pipeline's definition")?;
    Ok(machine
        .deploy(client, name, ROLE_ARN)
        .send()
        .await
        .context("deploying the pipeline")?
        .state_machine)
}

/// The input of image `index`: each step works `work_ms` on it.
pub fn image(index: usize, work_ms: u64) -> Value {
    json!({ "id": format!("image-{index}"), "work_ms": work_ms })
}

/// What an execution of `image` outputs when every step ran once, in order.
pub fn expected_output(image: &Value) -> Value {
    let mut done = image.clone();
    done["done"] = json!(STEPS.map(|(_, _, step)| step));
    done
}

/// Tracks which executions are still running, describing only those.
pub struct Progress<'a> {
    running: Vec<&'a Execution>,
    total: usize,
}

impl<'a> Progress<'a> {
    /// All of `executions`, taken as running.
    pub fn new(executions: &'a [Execution]) -> Self {
        Self {
            running: executions.iter().collect(),
            total: executions.len(),
        }
    }

    /// How many have finished, after asking again about those still running.
    pub async fn finished(&mut self) -> anyhow::Result<usize> {
        let mut still = Vec::with_capacity(self.running.len());
        for execution in self.running.drain(..) {
            let described = execution.describe().await.context("DescribeExecution")?;
            if described.status == ExecutionStatus::Running {
                still.push(execution);
            }
        }
        self.running = still;
        Ok(self.total - self.running.len())
    }

    /// Waits until at least `count` have finished, for at most `limit`.
    pub async fn wait_for(&mut self, count: usize, limit: Duration) -> anyhow::Result<usize> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let finished = self.finished().await?;
            if finished >= count {
                return Ok(finished);
            }
            anyhow::ensure!(
                tokio::time::Instant::now() < deadline,
                "{finished} of {} executions finished after {limit:?}; waiting for {count}",
                self.total
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
