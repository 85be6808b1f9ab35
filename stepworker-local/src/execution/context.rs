//! The context object `$$` of one execution, built once and updated in
//! place as the execution moves from state to state.

use serde_json::{json, Map, Value};

use super::Execution;
use crate::time_format::rfc3339_millis;

/// `$$` for one execution.
#[derive(Debug, Clone)]
pub struct Context {
    value: Value,
    /// Last `EnteredTime` formatted, reused while the millisecond is the same.
    entered: Option<(i64, Value)>,
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
                "RetryCount": 0,
            },
            "StateMachine": {
                "Id": &*execution.state_machine_arn,
                "Name": &*execution.state_machine_name,
            },
        });
        Self {
            value,
            entered: None,
        }
    }

    /// The object as paths read it.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// Enters a state: sets `$$.State` and removes `$$.Task`.
    pub fn enter_state(&mut self, name: &str, entered_millis: i64) {
        let entered = match &self.entered {
            Some((millis, text)) if *millis == entered_millis => text.clone(),
            _ => {
                let text = Value::from(rfc3339_millis(entered_millis));
                self.entered = Some((entered_millis, text.clone()));
                text
            }
        };
        if let Some(state) = self.field("State") {
            state.insert("Name".into(), Value::from(name));
            state.insert("EnteredTime".into(), entered);
            state.insert("RetryCount".into(), Value::from(0));
        }
        if let Value::Object(root) = &mut self.value {
            root.remove("Task");
        }
    }

    /// Sets `$$.State.RetryCount`.
    pub fn set_retry_count(&mut self, count: u32) {
        if let Some(state) = self.field("State") {
            state.insert("RetryCount".into(), Value::from(count));
        }
    }

    /// Sets `$$.Task.Token` for the task about to be scheduled.
    pub fn set_task_token(&mut self, token: &str) {
        if let Value::Object(root) = &mut self.value {
            root.insert("Task".into(), json!({ "Token": token }));
        }
    }

    fn field(&mut self, name: &str) -> Option<&mut Map<String, Value>> {
        self.value.get_mut(name).and_then(Value::as_object_mut)
    }
}
