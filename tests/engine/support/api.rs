//! A tiny raw client for the engine tests: JSON POST with X-Amz-Target, so
//! the tests see exactly what goes over the wire.

use std::time::Duration;

use serde_json::{json, Value};
use stepworker_local::{LocalEngine, ManualClock};

/// An error answer as the wire carries it.
#[derive(Debug, Clone)]
pub struct WireError {
    pub status: u16,
    pub type_name: String,
    pub message: String,
}

impl WireError {
    /// The error name without namespace.
    pub fn name(&self) -> &str {
        self.type_name.rsplit('#').next().unwrap_or("")
    }
}

/// A running engine and an HTTP client for it.
pub struct Api {
    pub engine: LocalEngine,
    pub url: String,
    http: reqwest::Client,
}

pub const ROLE: &str = "arn:aws:iam::123456789012:role/test";

/// The Lambda Invoke integration's resource, which the mock tests call.
pub const LAMBDA: &str = "arn:aws:states:::lambda:invoke";

impl Api {
    pub async fn start() -> Self {
        Self::with(LocalEngine::builder()).await
    }

    /// An engine built from `builder` whose timers (Wait, TimeoutSeconds,
    /// HeartbeatSeconds, retry intervals) run on a [`ManualClock`] the test
    /// advances, so no test waits for real time to pass.
    pub async fn on_manual_clock(builder: stepworker_local::EngineBuilder) -> (Self, ManualClock) {
        let clock = ManualClock::starting_now();
        (Self::with(builder.clock(clock.clone())).await, clock)
    }

    pub async fn with(builder: stepworker_local::EngineBuilder) -> Self {
        let engine = builder.start().await.expect("engine starts");
        let url = engine.endpoint_url();
        Self {
            engine,
            url,
            http: reqwest::Client::new(),
        }
    }

    /// Calls an operation; the JSON answer or the wire error.
    pub async fn call(&self, operation: &str, body: Value) -> Result<Value, WireError> {
        let response = self
            .http
            .post(&self.url)
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", format!("AWSStepFunctions.{operation}"))
            .body(body.to_string())
            .send()
            .await
            .expect("request reaches the engine");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let value: Value = serde_json::from_str(&text).expect("answer is JSON");
        if status == 200 {
            Ok(value)
        } else {
            Err(WireError {
                status,
                type_name: value["__type"].as_str().unwrap_or_default().to_owned(),
                message: value["message"].as_str().unwrap_or_default().to_owned(),
            })
        }
    }

    /// Calls an operation that must succeed.
    pub async fn ok(&self, operation: &str, body: Value) -> Value {
        match self.call(operation, body).await {
            Ok(v) => v,
            Err(e) => panic!("{operation} failed: {e:?}"),
        }
    }

    /// Calls an operation that must fail; the error name.
    pub async fn err(&self, operation: &str, body: Value) -> WireError {
        match self.call(operation, body).await {
            Ok(v) => panic!("{operation} should fail, answered {v}"),
            Err(e) => {
                assert_eq!(e.status, 400, "{e:?}");
                e
            }
        }
    }

    pub async fn activity(&self, name: &str) -> String {
        let out = self.ok("CreateActivity", json!({ "name": name })).await;
        out["activityArn"].as_str().expect("arn").to_owned()
    }

    pub async fn machine(&self, name: &str, definition: Value) -> String {
        let out = self
            .ok(
                "CreateStateMachine",
                json!({ "name": name, "definition": definition.to_string(), "roleArn": ROLE }),
            )
            .await;
        out["stateMachineArn"].as_str().expect("arn").to_owned()
    }

    pub async fn start_execution(&self, machine: &str, input: Value) -> String {
        let out = self
            .ok(
                "StartExecution",
                json!({ "stateMachineArn": machine, "input": input.to_string() }),
            )
            .await;
        out["executionArn"].as_str().expect("arn").to_owned()
    }

    /// Creates a machine named `name` from `definition` and starts it on
    /// `input`; the execution's ARN.
    pub async fn start_machine(&self, name: &str, definition: Value, input: Value) -> String {
        let machine = self.machine(name, definition).await;
        self.start_execution(&machine, input).await
    }

    /// Creates a machine, runs it on `input` until it leaves RUNNING; the
    /// execution's ARN (to read its history) and its final description.
    pub async fn run_to_end(&self, name: &str, definition: Value, input: Value) -> (String, Value) {
        let execution = self.start_machine(name, definition, input).await;
        let done = self.finished(&execution).await;
        (execution, done)
    }

    pub async fn describe(&self, execution: &str) -> Value {
        self.ok("DescribeExecution", json!({ "executionArn": execution }))
            .await
    }

    /// Waits (bounded) until the execution leaves RUNNING; its description.
    pub async fn finished(&self, execution: &str) -> Value {
        for _ in 0..400 {
            let d = self.describe(execution).await;
            if d["status"] != "RUNNING" {
                return d;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("execution {execution} did not finish");
    }

    /// Every history event, oldest first.
    pub async fn history(&self, execution: &str) -> Vec<Value> {
        let out = self
            .ok(
                "GetExecutionHistory",
                json!({ "executionArn": execution, "maxResults": 1000 }),
            )
            .await;
        out["events"].as_array().cloned().unwrap_or_default()
    }

    /// The first history event of `kind` (there must be one).
    pub async fn first_event(&self, execution: &str, kind: &str) -> Value {
        let history = self.history(execution).await;
        super::spec::first_event(&history, kind).clone()
    }

    /// Asserts that `token` no longer names a task: a late SendTaskSuccess
    /// is refused with `TaskTimedOut`, as AWS answers for a finished task.
    pub async fn assert_token_void(&self, token: &str) {
        let late = self
            .err(
                "SendTaskSuccess",
                json!({"taskToken": token, "output": "{}"}),
            )
            .await;
        assert_eq!(late.name(), "TaskTimedOut", "{late:?}");
    }

    /// Event type names, oldest first.
    pub async fn event_types(&self, execution: &str) -> Vec<String> {
        self.history(execution)
            .await
            .iter()
            .map(|e| e["type"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Waits (bounded) until the history holds an event of `kind`.
    pub async fn wait_for_event(&self, execution: &str, kind: &str) {
        for _ in 0..400 {
            if self.event_types(execution).await.iter().any(|t| t == kind) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("no {kind} event in {execution}");
    }

    /// Waits (bounded) until `n` polls are parked on `activity`, so a test
    /// knows the order polls arrived in without guessing with a sleep.
    pub async fn wait_for_parked_polls(&self, activity: &str, n: usize) {
        for _ in 0..400 {
            let parked = self
                .engine
                .activity_stats()
                .get(activity)
                .map_or(0, |load| load.parked_polls);
            if parked >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("{n} polls never parked on {activity}");
    }

    /// Polls an activity once (the engine's poll timeout bounds it).
    pub async fn poll(&self, activity: &str, worker: &str) -> Value {
        self.ok(
            "GetActivityTask",
            json!({ "activityArn": activity, "workerName": worker }),
        )
        .await
    }
}

/// Waits (bounded) until at least `n` timers are armed on `clock`, so a
/// test advances time only once the engine is waiting on it.
pub async fn wait_for_sleepers(clock: &ManualClock, n: usize) {
    for _ in 0..1000 {
        if clock.sleepers() >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    panic!("{n} timer(s) never armed");
}

/// Drives a task of `HeartbeatSeconds: 10` whose timer is armed on `clock`:
/// a heartbeat at 8 s keeps it running past 10 s, and missing the next one
/// fails the execution with `States.Timeout` (AWS's name for a missed
/// heartbeat) at 18 s. The execution's final description.
pub async fn heartbeat_once_then_miss_one(
    api: &Api,
    clock: &ManualClock,
    execution: &str,
    token: &str,
) -> Value {
    wait_for_sleepers(clock, 1).await;
    clock.advance(Duration::from_secs(8));
    api.ok("SendTaskHeartbeat", json!({"taskToken": token}))
        .await;
    clock.advance(Duration::from_secs(8));
    // Not a wait for a timer (time is manual): the engine's time to act
    // wrongly on the old deadline, had the heartbeat not moved it.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        api.describe(execution).await["status"],
        "RUNNING",
        "the heartbeat kept the task alive"
    );

    clock.advance(Duration::from_secs(3));
    let done = api.finished(execution).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"], "States.Timeout");
    done
}

/// A one-Task state machine on `activity`.
pub fn one_task(activity: &str) -> Value {
    one_task_with(activity, json!({}))
}

/// A one-Task state machine on `activity`, its Task state also given the
/// fields of `extra` (`TimeoutSeconds`, `HeartbeatSeconds`, ...).
pub fn one_task_with(activity: &str, extra: Value) -> Value {
    let task = json!({ "Type": "Task", "Resource": activity, "End": true });
    one_state("Work", with_fields(task, extra))
}

/// `state` with the fields of `extra` added (replacing any of the same name).
pub fn with_fields(mut state: Value, extra: Value) -> Value {
    if let (Some(fields), Value::Object(extra)) = (state.as_object_mut(), extra) {
        fields.extend(extra);
    }
    state
}

/// A state machine of the single state `name`, defined by `state`.
pub fn one_state(name: &str, state: Value) -> Value {
    json!({ "StartAt": name, "States": { name: state } })
}
