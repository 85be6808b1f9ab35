//! Injected faults over HTTP: seeded outcomes per operation, AWS's 5xx
//! shapes, latency on the engine's clock, and connection resets before and
//! after the call took effect.

use std::net::SocketAddr;
use std::time::Duration;

use crate::support::wire::{call, eventually, Wire};
use crate::support::ROLE;
use serde_json::{json, Value};
use stepworker_local::{Faults, Latency, LocalEngine, ManualClock, OperationFaults};

fn errors_plan(seed: u64) -> Faults {
    Faults::seeded(seed)
        .every_operation(OperationFaults {
            throttle: 0.2,
            internal_failure: 0.2,
            service_unavailable: 0.2,
            ..Default::default()
        })
        .expect("valid plan")
}

async fn statuses(addr: SocketAddr, operation: &str, n: usize) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..n {
        statuses.push(call(addr, operation, &json!({})).await.status());
    }
    statuses
}

#[tokio::test]
async fn the_same_seed_gives_the_same_faults_per_operation() {
    let first = LocalEngine::builder()
        .faults(errors_plan(11))
        .start()
        .await
        .expect("starts");
    let alone = statuses(first.local_addr(), "ListActivities", 40).await;

    // Same seed, with another operation's calls interleaved: its stream is
    // its own, so ListActivities sees the same sequence.
    let second = LocalEngine::builder()
        .faults(errors_plan(11))
        .start()
        .await
        .expect("starts");
    let mut interleaved = Vec::new();
    for _ in 0..40 {
        call(second.local_addr(), "ListStateMachines", &json!({})).await;
        interleaved.push(
            call(second.local_addr(), "ListActivities", &json!({}))
                .await
                .status(),
        );
    }
    assert_eq!(alone, interleaved);
    for status in [200, 400, 500, 503] {
        assert!(alone.contains(&status), "{status} appears in {alone:?}");
    }

    let other = LocalEngine::builder()
        .faults(errors_plan(12))
        .start()
        .await
        .expect("starts");
    assert_ne!(
        alone,
        statuses(other.local_addr(), "ListActivities", 40).await
    );

    let counts = first.pressure_stats()["ListActivities"];
    let count = |status| alone.iter().filter(|s| **s == status).count() as u64;
    assert_eq!(counts.injected_throttles, count(400));
    assert_eq!(counts.internal_failures, count(500));
    assert_eq!(counts.service_unavailable, count(503));
}

#[tokio::test]
async fn injected_errors_have_aws_shapes() {
    let only = |faults: OperationFaults| {
        Faults::seeded(0)
            .operation("ListActivities", faults)
            .expect("valid plan")
    };
    let cases = [
        (
            OperationFaults {
                throttle: 1.0,
                ..Default::default()
            },
            400,
            json!({"__type": "com.amazon.coral.availability#ThrottlingException", "message": "Rate exceeded"}),
        ),
        (
            OperationFaults {
                internal_failure: 1.0,
                ..Default::default()
            },
            500,
            json!({"__type": "com.amazon.coral.service#InternalFailure"}),
        ),
        (
            OperationFaults {
                service_unavailable: 1.0,
                ..Default::default()
            },
            503,
            json!({"__type": "com.amazon.coral.service#ServiceUnavailable"}),
        ),
    ];
    for (faults, status, body) in cases {
        let engine = LocalEngine::builder()
            .faults(only(faults))
            .start()
            .await
            .expect("starts");
        let answer = call(engine.local_addr(), "ListActivities", &json!({})).await;
        let name = body["__type"]
            .as_str()
            .and_then(|t| t.rsplit('#').next())
            .map(str::to_owned);
        assert_eq!(
            answer,
            Wire::Answer {
                status,
                error_type: name,
                body
            }
        );
    }
}

#[tokio::test]
async fn latency_waits_on_the_engine_clock() {
    let clock = ManualClock::starting_now();
    let faults = Faults::seeded(3)
        .operation(
            "ListActivities",
            OperationFaults {
                latency: Some(Latency {
                    rate: 1.0,
                    min_ms: 2_000,
                    max_ms: 2_000,
                }),
                ..Default::default()
            },
        )
        .expect("valid plan");
    let engine = LocalEngine::builder()
        .clock(clock.clone())
        .faults(faults)
        .start()
        .await
        .expect("starts");
    let addr = engine.local_addr();
    let pending = tokio::spawn(async move { call(addr, "ListActivities", &json!({})).await });
    eventually("the delayed call to wait on the clock", || {
        clock.sleepers() == 1
    })
    .await;
    clock.advance(Duration::from_millis(1_999));
    tokio::task::yield_now().await;
    assert!(!pending.is_finished());
    clock.advance(Duration::from_millis(1));
    let answer = pending.await.expect("the call ends");
    assert_eq!(answer.status(), 200);
    assert_eq!(engine.pressure_stats()["ListActivities"].delayed, 1);
}

/// An engine with one activity and a state machine running it once.
struct Scene {
    engine: LocalEngine,
    activity: String,
    execution: String,
}

async fn scene(faults: Faults) -> Scene {
    let engine = LocalEngine::builder()
        .faults(faults)
        .start()
        .await
        .expect("starts");
    let activity = engine
        .call("CreateActivity", &json!({"name": "work"}))
        .await
        .expect("activity")["activityArn"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let definition = json!({
        "StartAt": "Work",
        "States": {"Work": {"Type": "Task", "Resource": activity, "End": true}}
    });
    let machine = engine
        .call(
            "CreateStateMachine",
            &json!({"name": "m", "definition": definition.to_string(), "roleArn": ROLE}),
        )
        .await
        .expect("machine")["stateMachineArn"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let execution = engine
        .call("StartExecution", &json!({"stateMachineArn": machine}))
        .await
        .expect("execution")["executionArn"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    Scene {
        engine,
        activity,
        execution,
    }
}

impl Scene {
    async fn token(&self) -> String {
        let task = call(
            self.engine.local_addr(),
            "GetActivityTask",
            &json!({"activityArn": self.activity, "workerName": "w"}),
        )
        .await
        .ok();
        task["taskToken"].as_str().expect("a task").to_owned()
    }

    async fn history_types(&self) -> Vec<String> {
        let history = self
            .engine
            .call(
                "GetExecutionHistory",
                &json!({"executionArn": self.execution}),
            )
            .await
            .expect("history");
        history["events"]
            .as_array()
            .map(|events| {
                events
                    .iter()
                    .map(|e| e["type"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    async fn status(&self) -> Value {
        self.engine
            .call(
                "DescribeExecution",
                &json!({"executionArn": self.execution}),
            )
            .await
            .expect("described")["status"]
            .clone()
    }
}

#[tokio::test]
async fn a_reset_after_effect_success_is_applied_exactly_once() {
    // Seed 0 draws a reset for the first SendTaskSuccess of this plan.
    let faults = Faults::seeded(0)
        .operation(
            "SendTaskSuccess",
            OperationFaults {
                reset_after_effect: 0.5,
                ..Default::default()
            },
        )
        .expect("valid plan");
    let scene = scene(faults).await;
    let token = scene.token().await;
    let report = json!({"taskToken": token, "output": "{\"done\":true}"});
    let addr = scene.engine.local_addr();
    assert_eq!(
        call(addr, "SendTaskSuccess", &report).await,
        Wire::Reset,
        "the client sees the connection die"
    );

    // A worker retries, as it must not know the result was taken. Later
    // attempts may be reset too (they change nothing); the first answered
    // one says what AWS says of a token already reported.
    let mut answer = Wire::Reset;
    for _ in 0..32 {
        answer = call(addr, "SendTaskSuccess", &report).await;
        if answer != Wire::Reset {
            break;
        }
    }
    assert_eq!(answer.status(), 400, "{answer:?}");
    assert_eq!(answer.error_name(), Some("TaskTimedOut"));

    eventually_status(&scene, "SUCCEEDED").await;
    let types = scene.history_types().await;
    assert_eq!(
        types.iter().filter(|t| *t == "ActivitySucceeded").count(),
        1,
        "{types:?}"
    );
    let stats = scene.engine.stats();
    assert_eq!(stats.reports_accepted, 1);
    assert!(scene.engine.pressure_stats()["SendTaskSuccess"].resets_after_effect >= 1);
}

#[tokio::test]
async fn a_reset_before_effect_leaves_the_task_open() {
    let faults = Faults::seeded(0)
        .operation(
            "SendTaskSuccess",
            OperationFaults {
                reset_before_effect: 1.0,
                ..Default::default()
            },
        )
        .expect("valid plan");
    let scene = scene(faults).await;
    let token = scene.token().await;
    let addr = scene.engine.local_addr();
    let report = json!({"taskToken": token, "output": "{}"});
    assert_eq!(call(addr, "SendTaskSuccess", &report).await, Wire::Reset);
    // The token is still good: a heartbeat (no faults) is accepted.
    let heartbeat = call(addr, "SendTaskHeartbeat", &json!({"taskToken": token})).await;
    assert_eq!(heartbeat.status(), 200);
    assert_eq!(scene.status().await, "RUNNING");
    assert!(!scene
        .history_types()
        .await
        .contains(&"ActivitySucceeded".to_owned()));
    assert_eq!(scene.engine.stats().reports_accepted, 0);
    assert_eq!(
        scene.engine.pressure_stats()["SendTaskSuccess"].resets_before_effect,
        1
    );
}

async fn eventually_status(scene: &Scene, want: &str) {
    for _ in 0..400 {
        if scene.status().await == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the execution did not reach {want}");
}

/// A GetActivityTask reset after it took effect is how AWS loses a task on
/// the wire: the service marked it started, the worker never saw it.
#[tokio::test]
async fn a_poll_reset_after_effect_starts_a_task_nobody_received() {
    let faults = Faults::seeded(0)
        .operation(
            "GetActivityTask",
            OperationFaults {
                reset_after_effect: 1.0,
                ..Default::default()
            },
        )
        .expect("valid plan");
    let scene = scene(faults).await;
    let poll = json!({"activityArn": scene.activity, "workerName": "w"});
    assert_eq!(
        call(scene.engine.local_addr(), "GetActivityTask", &poll).await,
        Wire::Reset
    );
    assert!(scene
        .history_types()
        .await
        .contains(&"ActivityStarted".to_owned()));
    assert_eq!(scene.engine.stats().tasks_delivered, 1);
    assert_eq!(scene.status().await, "RUNNING");
}
