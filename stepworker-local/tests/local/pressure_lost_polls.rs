//! Polls that lose tasks as on AWS (`deliver_to_closed_polls`): a parked
//! GetActivityTask whose client hung up stays parked, takes the next task
//! and loses it; the task comes back through HeartbeatSeconds and Retry.
//! Off (the default), a departed poll is skipped.

use std::time::Duration;

use crate::support::wire::{call, eventually, open};
use crate::support::ROLE;
use serde_json::{json, Value};
use stepworker_local::{LocalEngine, ManualClock};

struct Scene {
    engine: LocalEngine,
    clock: ManualClock,
    activity: String,
    machine: String,
}

async fn scene(deliver_to_closed_polls: bool) -> Scene {
    let clock = ManualClock::starting_now();
    let engine = LocalEngine::builder()
        .clock(clock.clone())
        .deliver_to_closed_polls(deliver_to_closed_polls)
        .start()
        .await
        .expect("starts");
    let activity = text(
        &engine
            .call("CreateActivity", &json!({"name": "work"}))
            .await
            .expect("activity"),
        "activityArn",
    );
    let definition = json!({
        "StartAt": "Work",
        "States": {"Work": {
            "Type": "Task", "Resource": activity, "HeartbeatSeconds": 10,
            "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 1}],
            "End": true}}
    });
    let machine = text(
        &engine
            .call(
                "CreateStateMachine",
                &json!({"name": "m", "definition": definition.to_string(), "roleArn": ROLE}),
            )
            .await
            .expect("machine"),
        "stateMachineArn",
    );
    Scene {
        engine,
        clock,
        activity,
        machine,
    }
}

fn text(value: &Value, field: &str) -> String {
    value[field].as_str().unwrap_or_default().to_owned()
}

impl Scene {
    fn parked(&self) -> usize {
        self.engine
            .activity_stats()
            .get(&self.activity)
            .map(|a| a.parked_polls)
            .unwrap_or(0)
    }

    /// A GetActivityTask whose client hangs up while it is parked.
    async fn abandoned_poll(&self) {
        let before = self.parked();
        let stream = open(
            self.engine.local_addr(),
            "GetActivityTask",
            &json!({"activityArn": self.activity, "workerName": "gone"}),
        )
        .await;
        eventually("the poll to park", || self.parked() == before + 1).await;
        drop(stream);
    }

    /// A live worker's poll, answered in the background.
    fn live_poll(&self) -> tokio::task::JoinHandle<Value> {
        let (addr, activity) = (self.engine.local_addr(), self.activity.clone());
        tokio::spawn(async move {
            call(
                addr,
                "GetActivityTask",
                &json!({"activityArn": activity, "workerName": "live"}),
            )
            .await
            .ok()
        })
    }

    async fn start(&self) -> String {
        let started = self
            .engine
            .call("StartExecution", &json!({"stateMachineArn": self.machine}))
            .await
            .expect("started");
        text(&started, "executionArn")
    }

    async fn history(&self, execution: &str) -> Vec<Value> {
        let history = self
            .engine
            .call("GetExecutionHistory", &json!({"executionArn": execution}))
            .await
            .expect("history");
        history["events"].as_array().cloned().unwrap_or_default()
    }

    async fn wait_for_event(&self, execution: &str, kind: &str, count: usize) {
        for _ in 0..2_000 {
            let history = self.history(execution).await;
            if history.iter().filter(|e| e["type"] == kind).count() >= count {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("no {count} {kind} event(s)");
    }

    async fn wait_for_timer(&self) {
        let clock = self.clock.clone();
        eventually("a timer armed on the engine clock", move || {
            clock.sleepers() >= 1
        })
        .await;
    }

    async fn finish(&self, execution: &str, live: tokio::task::JoinHandle<Value>) {
        let task = live.await.expect("the live poll ends");
        let token = text(&task, "taskToken");
        assert!(!token.is_empty(), "the live worker gets the task: {task}");
        let done = call(
            self.engine.local_addr(),
            "SendTaskSuccess",
            &json!({"taskToken": token, "output": "{\"ok\":true}"}),
        )
        .await;
        assert_eq!(done.status(), 200);
        self.wait_for_event(execution, "ExecutionSucceeded", 1)
            .await;
    }
}

fn worker_names(history: &[Value]) -> Vec<String> {
    history
        .iter()
        .filter(|e| e["type"] == "ActivityStarted")
        .map(|e| text(&e["activityStartedEventDetails"], "workerName"))
        .collect()
}

#[tokio::test]
async fn a_task_handed_to_a_closed_poll_comes_back_through_heartbeat_and_retry() {
    let scene = scene(true).await;
    scene.abandoned_poll().await;
    let engine = &scene.engine;
    eventually("the engine to see the client leave", || {
        engine.stats().closed_polls_kept == 1
    })
    .await;
    // The departed poll is still first in line, as on AWS.
    assert_eq!(scene.parked(), 1);

    let execution = scene.start().await;
    eventually("the task to be lost", || {
        engine.stats().tasks_lost_to_closed_polls == 1
    })
    .await;
    scene.wait_for_event(&execution, "ActivityStarted", 1).await;
    let live = scene.live_poll();
    eventually("the live poll to park", || scene.parked() == 1).await;

    // Nobody heartbeats the lost task: HeartbeatSeconds later it times out.
    scene.wait_for_timer().await;
    scene.clock.advance(Duration::from_secs(10));
    scene
        .wait_for_event(&execution, "ActivityTimedOut", 1)
        .await;
    // Retry after IntervalSeconds sends it to the live worker.
    scene.wait_for_timer().await;
    scene.clock.advance(Duration::from_secs(1));
    scene.finish(&execution, live).await;

    let history = scene.history(&execution).await;
    let timed_out = history
        .iter()
        .find(|e| e["type"] == "ActivityTimedOut")
        .expect("timed out");
    assert_eq!(
        timed_out["activityTimedOutEventDetails"]["error"],
        "States.Timeout"
    );
    assert_eq!(worker_names(&history), ["gone", "live"]);
    assert_eq!(engine.stats().tasks_lost_to_closed_polls, 1);
}

#[tokio::test]
async fn by_default_a_closed_poll_is_skipped() {
    let scene = scene(false).await;
    scene.abandoned_poll().await;
    eventually("the departed poll to unpark", || scene.parked() == 0).await;
    let live = scene.live_poll();
    eventually("the live poll to park", || scene.parked() == 1).await;

    let execution = scene.start().await;
    scene.finish(&execution, live).await;

    let history = scene.history(&execution).await;
    assert!(history.iter().all(|e| e["type"] != "ActivityTimedOut"));
    assert_eq!(worker_names(&history), ["live"]);
    let stats = scene.engine.stats();
    assert_eq!(
        (stats.closed_polls_kept, stats.tasks_lost_to_closed_polls),
        (0, 0)
    );
}
