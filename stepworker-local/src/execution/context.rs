//! The context object `$$` of one execution, built once and updated in
//! place as the execution moves from state to state.

use serde_json::{json, Map, Value};

use super::Execution;
use crate::time_format::rfc3339_millis;

/// `$$` for one execution.
#[derive(Debug, Clone)]
pub struct Context {
    value: Value,
    /// The millisecond `$$.State.EnteredTime` shows, kept while it is the same.
    entered: Option<i64>,
    /// Whether `$$.Task` is set (removed on the next state).
    has_task: bool,
}

impl Context {
    /// The context of `execution`, whose parsed input is `input`.
    pub fn new(execution: &Execution, input: &Value) -> Self {
        let value = json!({
            "Execution": {
                "Id": &*execution.arn,
                "Input": input,
                "Name": &*execution.name,
                "RoleArn": &*execution.version.role_arn,
                "StartTime": rfc3339_millis(execution.start_millis),
                "RedriveCount": 0,
            },
            "State": {
                "EnteredTime": "",
                "Name": "",
            },
            "StateMachine": {
                "Id": &*execution.state_machine_arn,
                "Name": &*execution.state_machine_name,
            },
        });
        Self {
            value,
            entered: None,
            has_task: false,
        }
    }

    /// The object as paths read it.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// `$$.Execution.Input`: the execution's input, parsed once.
    pub fn execution_input(&self) -> &Value {
        &self.value["Execution"]["Input"]
    }

    /// Enters a state: sets `$$.State` and removes `$$.Task`.
    ///
    /// Runs on every transition, so existing members are overwritten in
    /// place (no key or string allocation when the name fits).
    pub fn enter_state(&mut self, name: &str, entered_millis: i64) {
        let refresh_time = self.entered != Some(entered_millis);
        if refresh_time {
            self.entered = Some(entered_millis);
        }
        if let Some(state) = self.field("State") {
            overwrite_string(state, "Name", name);
            if refresh_time {
                overwrite_string(state, "EnteredTime", &rfc3339_millis(entered_millis));
            }
            // Only a Task state's context has a RetryCount (recorded:
            // LocalStack's `test_context_object.snapshot.json` shows
            // `$$.State` of a Pass or Map state as `Name` and `EnteredTime`;
            // `test_base_scenarios.snapshot.json`,
            // `test_lambda_invoke_with_retry_extended_input`, a Task's with
            // `RetryCount`).
            state.remove("RetryCount");
        }
        if self.has_task {
            self.has_task = false;
            if let Value::Object(root) = &mut self.value {
                root.remove("Task");
            }
        }
    }

    /// Sets `$$.Execution.RedriveCount` and `RedriveTime` for a redriven run.
    pub fn set_redrive(&mut self, count: u32, redriven_millis: i64) {
        if let Some(execution) = self.field("Execution") {
            execution.insert("RedriveCount".into(), Value::from(count));
            execution.insert(
                "RedriveTime".into(),
                Value::from(rfc3339_millis(redriven_millis)),
            );
        }
    }

    /// Sets `$$.State.RetryCount` (Task states only).
    pub fn set_retry_count(&mut self, count: u32) {
        if let Some(state) = self.field("State") {
            state.insert("RetryCount".into(), Value::from(count));
        }
    }

    /// Sets `$$.Task.Token` for the task about to be scheduled.
    pub fn set_task_token(&mut self, token: &str) {
        if let Value::Object(root) = &mut self.value {
            root.insert("Task".into(), json!({ "Token": token }));
            self.has_task = true;
        }
    }

    fn field(&mut self, name: &str) -> Option<&mut Map<String, Value>> {
        self.value.get_mut(name).and_then(Value::as_object_mut)
    }
}

/// Sets `object[key]` to the string `text`, reusing the existing string's
/// buffer when there is one.
fn overwrite_string(object: &mut Map<String, Value>, key: &str, text: &str) {
    match object.get_mut(key) {
        Some(Value::String(existing)) => {
            existing.clear();
            existing.push_str(text);
        }
        Some(other) => *other = Value::from(text),
        None => {
            object.insert(key.to_owned(), Value::from(text));
        }
    }
}
