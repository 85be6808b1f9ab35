//! Small helpers shared by the engine tests (mostly the `spec_*` ones): run a
//! definition to its end, read an execution's output, check a definition.

use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{json, Value};

use super::api::{Api, ROLE};

/// Creates a machine from `definition`, runs it on `input` and returns the
/// finished execution's description.
pub async fn run(api: &Api, definition: Value, input: Value) -> Value {
    let machine = api.machine(&unique_name(), definition).await;
    let execution = api.start_execution(&machine, input).await;
    api.finished(&execution).await
}

/// A state machine name no other call of this process used.
pub fn unique_name() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("spec-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The JSON output of a finished execution.
pub fn output(description: &Value) -> Value {
    let text = description["output"]
        .as_str()
        .unwrap_or_else(|| panic!("no output in {description}"));
    serde_json::from_str(text).expect("output is JSON")
}

/// Runs `definition` on `input`, asserts it succeeded, returns its output.
pub async fn succeeded(api: &Api, definition: Value, input: Value) -> Value {
    let done = run(api, definition, input).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    output(&done)
}

/// Runs `definition` on `input`, asserts it failed, returns `(error, cause)`.
pub async fn failed(api: &Api, definition: Value, input: Value) -> (String, String) {
    let done = run(api, definition, input).await;
    assert_eq!(done["status"], "FAILED", "{done}");
    (
        done["error"].as_str().unwrap_or_default().to_owned(),
        done["cause"].as_str().unwrap_or_default().to_owned(),
    )
}

/// A one-state machine: a Pass state with these `Parameters`.
pub fn pass_parameters(parameters: Value) -> Value {
    json!({
        "StartAt": "P",
        "States": { "P": { "Type": "Pass", "Parameters": parameters, "End": true } }
    })
}

/// The `(severity, code, location)` triples ValidateStateMachineDefinition reports.
pub async fn diagnostics(api: &Api, definition: &Value) -> Vec<(String, String, String)> {
    let out = api
        .ok(
            "ValidateStateMachineDefinition",
            json!({ "definition": definition.to_string() }),
        )
        .await;
    out["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap_or_default().to_owned(),
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["location"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// CreateStateMachine with `definition`; the error answer (must fail).
pub async fn create_refused(api: &Api, definition: &Value) -> super::api::WireError {
    api.err(
        "CreateStateMachine",
        json!({ "name": unique_name(), "definition": definition.to_string(), "roleArn": ROLE }),
    )
    .await
}

/// How many events of `kind` the execution's history holds.
pub async fn count_events(api: &Api, execution: &str, kind: &str) -> usize {
    api.event_types(execution)
        .await
        .iter()
        .filter(|t| *t == kind)
        .count()
}

/// The events of one `kind` in a history, in order.
pub fn events_of<'h>(history: &'h [Value], kind: &str) -> Vec<&'h Value> {
    history.iter().filter(|e| e["type"] == kind).collect()
}

/// The first event of `kind` in a history (there must be one).
pub fn first_event<'h>(history: &'h [Value], kind: &str) -> &'h Value {
    history
        .iter()
        .find(|e| e["type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} event in {:?}", type_names(history)))
}

/// The type names of a history's events, in order.
pub fn type_names(history: &[Value]) -> Vec<&str> {
    history
        .iter()
        .map(|e| e["type"].as_str().unwrap_or(""))
        .collect()
}

/// The JSON input of a task handed out by `GetActivityTask`.
pub fn task_input(task: &Value) -> Value {
    serde_json::from_str(task["input"].as_str().expect("task input")).expect("JSON input")
}
