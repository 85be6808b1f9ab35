//! Heartbeats and cancellation over HTTP against stepworker-local. The engine
//! runs on a manual clock, so "3 × HeartbeatSeconds" passes in a blink: the
//! test moves engine time forward while the worker heartbeats in real time.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::support::*;
use serde_json::{json, Value};
use stepworker::model::ExecutionStatus;
use stepworker::worker::{Activity, ActivityContext, TaskFailure, Worker, WorkerHandle};
use stepworker::Client;
use stepworker_local::{LocalEngine, ManualClock};
use tokio::task::JoinHandle;

const LIMIT: Duration = Duration::from_secs(10);

/// What a handler saw, for the test to check.
#[derive(Default)]
struct Probe {
    started: AtomicU32,
    cancelled: AtomicU32,
    release: AtomicBool,
}

/// Runs until the test releases it or the task is cancelled. Written by hand
/// (not with `#[activity]`) for a sub-second heartbeat hint: the worker then
/// heartbeats every 100 ms or so.
struct Hold {
    probe: Arc<Probe>,
}

impl Activity for Hold {
    const NAME: &'static str = "hold";
    const HEARTBEAT: Option<Duration> = Some(Duration::from_millis(300));
    const TIMEOUT: Option<Duration> = None;
    type Input = Value;
    type Output = Value;
    type Error = TaskFailure;

    async fn run(&self, input: Value, ctx: ActivityContext) -> Result<Value, TaskFailure> {
        self.probe.started.fetch_add(1, Ordering::SeqCst);
        loop {
            if self.probe.release.load(Ordering::SeqCst) {
                return Ok(json!({ "held": input }));
            }
            tokio::select! {
                () = ctx.cancelled() => {
                    self.probe.cancelled.fetch_add(1, Ordering::SeqCst);
                    return Err(TaskFailure::new("Hold.Cancelled", "cancelled"));
                }
                () = tokio::time::sleep(Duration::from_millis(10)) => {}
            }
        }
    }
}

struct Setup {
    engine: LocalEngine,
    client: Client,
    clock: ManualClock,
    probe: Arc<Probe>,
    activity_arn: String,
    handle: WorkerHandle,
    running: JoinHandle<Result<(), stepworker::worker::WorkerError>>,
}

async fn setup() -> Setup {
    let clock = ManualClock::starting_now();
    let engine_clock = clock.clone();
    let (engine, client) = engine_with(move |builder| builder.clock(engine_clock)).await;
    let activity_arn = activity_arn(&client, Hold::NAME).await;
    let probe = Arc::new(Probe::default());
    let worker = Worker::builder(client.clone())
        .activity(Hold {
            probe: probe.clone(),
        })
        .cancel_grace(Duration::from_secs(1))
        .build();
    let handle = worker.handle();
    let running = tokio::spawn(worker.run());
    Setup {
        engine,
        client,
        clock,
        probe,
        activity_arn,
        handle,
        running,
    }
}

impl Setup {
    async fn until(&self, what: &str, condition: impl Fn(&Self) -> bool) {
        let deadline = tokio::time::Instant::now() + LIMIT;
        while !condition(self) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting until {what}"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    async fn stop(self) -> LocalEngine {
        self.handle.shutdown();
        let stopped = tokio::time::timeout(LIMIT, self.running).await;
        assert!(
            matches!(stopped, Ok(Ok(Ok(())))),
            "the worker did not stop cleanly"
        );
        self.engine
    }
}

#[tokio::test]
async fn a_task_running_three_heartbeat_periods_succeeds_thanks_to_heartbeats() {
    let setup = setup().await;
    let definition = task_definition(&setup.activity_arn, json!({ "HeartbeatSeconds": 1 }));
    let machine = state_machine(&setup.client, "long-task", &definition).await;
    let execution = start(&setup.client, &machine, &json!({ "n": 1 })).await;
    setup
        .until("the handler starts", |s| {
            s.probe.started.load(Ordering::SeqCst) == 1
        })
        .await;

    // Six half-second steps of engine time, each after a fresh heartbeat:
    // 3 s in all, three times HeartbeatSeconds.
    for _ in 0..6 {
        let seen = setup.engine.stats().heartbeats;
        setup
            .until("the next heartbeat", |s| s.engine.stats().heartbeats > seen)
            .await;
        setup.clock.advance(Duration::from_millis(500));
    }
    setup.probe.release.store(true, Ordering::SeqCst);

    let described = finished(&setup.client, &execution, LIMIT).await;
    assert_eq!(
        described.status,
        ExecutionStatus::Succeeded,
        "{described:?}"
    );
    assert_eq!(output_of(&described), json!({ "held": { "n": 1 } }));
    assert_eq!(setup.probe.cancelled.load(Ordering::SeqCst), 0);
    setup.stop().await;
}

/// Starts one execution of `definition` and lets it miss its heartbeat
/// deadline; returns the execution ARN once the handler was cancelled.
async fn miss_a_heartbeat(setup: &Setup, name: &str, definition: &Value) -> String {
    let machine = state_machine(&setup.client, name, definition).await;
    let execution = start(&setup.client, &machine, &json!({})).await;
    setup
        .until("the handler starts", |s| {
            s.probe.started.load(Ordering::SeqCst) == 1
        })
        .await;
    // Two seconds of engine time with no heartbeat in between: the task
    // misses its 1 s heartbeat deadline.
    setup.clock.advance(Duration::from_secs(2));
    // The worker's next heartbeat learns the token is gone and cancels.
    setup
        .until("the handler is cancelled", |s| {
            s.probe.cancelled.load(Ordering::SeqCst) == 1
        })
        .await;
    execution
}

#[tokio::test]
async fn a_task_that_stops_heartbeating_is_cancelled_and_fails_with_states_timeout() {
    let setup = setup().await;
    let definition = task_definition(&setup.activity_arn, json!({ "HeartbeatSeconds": 1 }));
    let execution = miss_a_heartbeat(&setup, "no-catch", &definition).await;

    let failed = finished(&setup.client, &execution, LIMIT).await;
    assert_eq!(failed.status, ExecutionStatus::Failed);
    // AWS reports a missed heartbeat as `States.Timeout` on the execution.
    assert_eq!(failed.error.as_deref(), Some("States.Timeout"));
    let engine = setup.stop().await;
    assert_eq!(
        engine.stats().reports_accepted,
        0,
        "a timed-out task was reported"
    );
}

#[tokio::test]
async fn a_catch_on_states_heartbeat_timeout_catches_a_missed_heartbeat() {
    let setup = setup().await;
    let definition = json!({
        "StartAt": "Work",
        "States": {
            "Work": {
                "Type": "Task",
                "Resource": setup.activity_arn,
                "HeartbeatSeconds": 1,
                "Catch": [{ "ErrorEquals": ["States.HeartbeatTimeout"], "ResultPath": "$.caught", "Next": "Caught" }],
                "End": true
            },
            "Caught": { "Type": "Pass", "End": true }
        }
    });
    let execution = miss_a_heartbeat(&setup, "with-catch", &definition).await;

    let recovered = finished(&setup.client, &execution, LIMIT).await;
    assert_eq!(
        recovered.status,
        ExecutionStatus::Succeeded,
        "{recovered:?}"
    );
    assert_eq!(
        output_of(&recovered)["caught"]["Error"],
        "States.HeartbeatTimeout"
    );
    let engine = setup.stop().await;
    assert_eq!(
        engine.stats().reports_accepted,
        0,
        "a timed-out task was reported"
    );
}

#[tokio::test]
async fn stop_execution_cancels_the_handler() {
    let setup = setup().await;
    let definition = task_definition(&setup.activity_arn, json!({}));
    let machine = state_machine(&setup.client, "stoppable", &definition).await;
    let execution = start(&setup.client, &machine, &json!({})).await;
    setup
        .until("the handler starts", |s| {
            s.probe.started.load(Ordering::SeqCst) == 1
        })
        .await;

    setup
        .client
        .stop_execution()
        .execution_arn(&execution)
        .error("Test.Stop")
        .cause("stopped by the test")
        .send()
        .await
        .expect("StopExecution");
    setup
        .until("the handler is cancelled", |s| {
            s.probe.cancelled.load(Ordering::SeqCst) == 1
        })
        .await;

    let described = finished(&setup.client, &execution, LIMIT).await;
    assert_eq!(described.status, ExecutionStatus::Aborted);
    let engine = setup.stop().await;
    assert_eq!(
        engine.stats().reports_accepted,
        0,
        "a stopped task was reported"
    );
}
