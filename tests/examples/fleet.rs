//! `cargo run --example fleet`: a SIGTERM in the middle of a load stops the
//! daemon within its grace period with exit 0, and nothing is lost: a second
//! instance started afterwards finishes what was left, and every execution
//! ends SUCCEEDED with each step done once.

use std::process::Output;
use std::time::{Duration, Instant};

use crate::support::{describe, example_binary, example_command, terminate};
use serde_json::{json, Value};
use stepworker::asl::{Execution, Retry, StateMachine, StateMachineHandle, Task};
use stepworker::model::ExecutionStatus;
use stepworker::Client;
use stepworker_local::LocalEngine;
use tokio::process::Child;

const EXECUTIONS: u64 = 40;
/// Each execution runs two tasks.
const TASKS: u64 = EXECUTIONS * 2;
const GRACE_SECONDS: u64 = 10;
const LIMIT: Duration = Duration::from_secs(60);

/// Resize then publish each image; a task a stopping worker could not finish
/// fails with `Worker.Shutdown` and is retried at once, by whoever polls.
async fn deploy_pipeline(client: &Client) -> StateMachineHandle {
    let step = |activity: &str| {
        Task::activity_named(activity)
            .heartbeat_seconds(10)
            .timeout_seconds(120)
            .retry(
                Retry::on(["Worker.Shutdown"])
                    .interval_seconds(1)
                    .max_attempts(5),
            )
    };
    StateMachine::builder()
        .start_at("Resize")
        .state("Resize", step("resize-image").next("Publish"))
        .state("Publish", step("publish-image").end())
        .build()
        .expect("valid definition")
        .deploy(client, "images", "arn:aws:iam::123456789012:role/test")
        .send()
        .await
        .expect("deploy")
        .state_machine
}

fn start_fleet(binary: &std::path::Path, endpoint: &str, name: &str) -> Child {
    let grace = GRACE_SECONDS.to_string();
    let args = [
        "--endpoint",
        endpoint,
        "--worker-name",
        name,
        "--concurrency",
        "16",
        "--pollers",
        "2",
        "--shutdown-grace",
        &grace,
    ];
    example_command(binary, &args)
        .spawn()
        .expect("the fleet starts")
}

/// Sends SIGTERM and waits for the exit, which must come within the grace
/// period (plus the engine's one-second idle poll).
async fn stop_fleet(fleet: Child) -> Output {
    let asked = Instant::now();
    terminate(&fleet);
    let output = tokio::time::timeout(LIMIT, fleet.wait_with_output())
        .await
        .expect("the fleet exits")
        .expect("the fleet's output");
    let took = asked.elapsed();
    assert!(
        took < Duration::from_secs(GRACE_SECONDS),
        "the fleet took {took:?} to stop"
    );
    assert!(output.status.success(), "{}", describe(&output));
    output
}

/// The `succeeded` and `failed` task counts of the fleet's exit summary,
/// summed over its activities.
fn summary_totals(output: &Output) -> (u64, u64) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut lines = stdout.lines();
    let header: Vec<_> = lines
        .find(|line| line.starts_with("activity"))
        .unwrap_or_else(|| panic!("no summary in:\n{}", describe(output)))
        .split("  ")
        .map(str::trim)
        .filter(|column| !column.is_empty())
        .collect();
    let column = |name: &str| header.iter().position(|c| *c == name).expect(name);
    let (succeeded, failed) = (column("succeeded"), column("failed"));
    lines
        .map(|row| row.split_whitespace().collect::<Vec<_>>())
        .fold((0, 0), |(ok, ko), cells| {
            let count = |i: usize| cells[i].parse::<u64>().expect("a count");
            (ok + count(succeeded), ko + count(failed))
        })
}

async fn wait_until(engine: &LocalEngine, finished: u64) {
    let deadline = Instant::now() + LIMIT;
    while engine.stats().executions_finished < finished {
        assert!(Instant::now() < deadline, "{:?}", engine.stats());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn sigterm_mid_load_loses_nothing() {
    let engine = LocalEngine::builder()
        // Idle polls end after a second, as a stopping worker waits for them.
        .poll_timeout(Duration::from_secs(1))
        .start()
        .await
        .expect("engine starts");
    let endpoint = engine.endpoint_url();
    let pipeline = deploy_pipeline(&Client::local(&endpoint)).await;
    let binary = example_binary("fleet").await;

    let first = start_fleet(&binary, &endpoint, "fleet-1");
    let mut executions: Vec<Execution> = Vec::new();
    for i in 0..EXECUTIONS {
        let image = json!({"id": format!("image-{i}"), "work_ms": 300 + (i * 137) % 500});
        executions.push(pipeline.start(&image).send().await.expect("start"));
    }

    // Stop the first instance once work is flowing, well before the end.
    wait_until(&engine, 4).await;
    let first = stop_fleet(first).await;
    let left = EXECUTIONS - engine.stats().executions_finished;
    assert!(
        left > 0,
        "the first fleet finished everything before SIGTERM"
    );

    let second = start_fleet(&binary, &endpoint, "fleet-2");
    wait_until(&engine, EXECUTIONS).await;
    let second = stop_fleet(second).await;

    for execution in &executions {
        let described = execution.describe().await.expect("describe");
        assert_eq!(
            described.status,
            ExecutionStatus::Succeeded,
            "{}",
            execution.arn()
        );
        let image: Value =
            serde_json::from_str(described.output.as_deref().unwrap_or("null")).expect("json");
        assert_eq!(image["done"], json!(["resized", "published"]), "{image}");
    }
    let stats = engine.stats();
    assert_eq!(stats.tokens_reported_twice, 0, "{stats:?}");

    // Both instances worked, and their counters add up to every task once.
    let (first_ok, first_failed) = summary_totals(&first);
    let (second_ok, second_failed) = summary_totals(&second);
    assert!(first_ok > 0 && second_ok > 0, "{first_ok} / {second_ok}");
    assert_eq!(first_ok + second_ok, TASKS);
    assert_eq!(first_failed + second_failed, 0);
}
