//! The context object `$$` of one execution: what it holds is kept as
//! fields, and the JSON object is built only when a path or expression
//! reads it.
//!
//! Most states never read `$$`, while every running execution keeps its
//! context for as long as it runs: as a JSON object it cost about 3 KB per
//! execution (nested maps and copies of the ARNs and names), which 10,000
//! executions waiting on activities all held. The object is built on the
//! first read and kept until the context changes.

use std::sync::{Arc, OnceLock};

use serde_json::{json, Map, Value};

use super::Execution;
use crate::asl::ContextObject;
use crate::time_format::rfc3339_millis;

/// `$$` for one execution.
#[derive(Debug, Clone)]
pub struct Context {
    execution: Arc<Execution>,
    /// `$$.Execution.Input`, parsed once.
    input: Value,
    /// `$$.State.Name`.
    state_name: String,
    /// `$$.State.EnteredTime`, epoch milliseconds; empty before any state.
    entered: Option<i64>,
    /// `$$.State.RetryCount` (Task states only).
    retry_count: Option<u32>,
    /// `$$.Task.Token` (removed on the next state).
    task_token: Option<String>,
    /// `$$.Execution.RedriveCount` and `RedriveTime` of a redriven run.
    redrive: Option<(u32, i64)>,
    /// The object as last built; reset by every change.
    built: OnceLock<Value>,
}

impl Context {
    /// The context of `execution`, whose parsed input is `input`.
    pub fn new(execution: Arc<Execution>, input: Value) -> Self {
        Self {
            execution,
            input,
            state_name: String::new(),
            entered: None,
            retry_count: None,
            task_token: None,
            redrive: None,
            built: OnceLock::new(),
        }
    }

    /// The object as paths read it.
    pub fn value(&self) -> &Value {
        self.built.get_or_init(|| self.build())
    }

    /// `$$.Execution.Input`: the execution's input, parsed once.
    pub fn execution_input(&self) -> &Value {
        &self.input
    }

    /// Enters a state: sets `$$.State` and removes `$$.Task`.
    pub fn enter_state(&mut self, name: &str, entered_millis: i64) {
        self.state_name.clear();
        self.state_name.push_str(name);
        self.entered = Some(entered_millis);
        // Only a Task state's context has a RetryCount (recorded:
        // LocalStack's `test_context_object.snapshot.json` shows `$$.State`
        // of a Pass or Map state as `Name` and `EnteredTime`;
        // `test_base_scenarios.snapshot.json`,
        // `test_lambda_invoke_with_retry_extended_input`, a Task's with
        // `RetryCount`).
        self.retry_count = None;
        self.task_token = None;
        self.changed();
    }

    /// Sets `$$.Execution.RedriveCount` and `RedriveTime` for a redriven run.
    pub fn set_redrive(&mut self, count: u32, redriven_millis: i64) {
        self.redrive = Some((count, redriven_millis));
        self.changed();
    }

    /// Sets `$$.State.RetryCount` (Task states only).
    pub fn set_retry_count(&mut self, count: u32) {
        self.retry_count = Some(count);
        self.changed();
    }

    /// Sets `$$.Task.Token` for the task about to be scheduled.
    pub fn set_task_token(&mut self, token: &str) {
        self.task_token = Some(token.to_owned());
        self.changed();
    }

    fn changed(&mut self) {
        // Nothing to drop unless a read built the object.
        if self.built.get().is_some() {
            self.built = OnceLock::new();
        }
    }

    /// The object, members in the order AWS shows them.
    fn build(&self) -> Value {
        let execution = &self.execution;
        let mut execution_member = Map::new();
        execution_member.insert("Id".into(), Value::from(&*execution.arn));
        execution_member.insert("Input".into(), self.input.clone());
        execution_member.insert("Name".into(), Value::from(&*execution.name));
        execution_member.insert("RoleArn".into(), Value::from(&*execution.version.role_arn));
        execution_member.insert(
            "StartTime".into(),
            Value::from(rfc3339_millis(execution.start_millis)),
        );
        let (redrive_count, redriven) = match self.redrive {
            Some((count, at)) => (count, Some(at)),
            None => (0, None),
        };
        execution_member.insert("RedriveCount".into(), Value::from(redrive_count));
        if let Some(at) = redriven {
            execution_member.insert("RedriveTime".into(), Value::from(rfc3339_millis(at)));
        }
        let mut state = Map::new();
        state.insert(
            "EnteredTime".into(),
            Value::from(self.entered.map(rfc3339_millis).unwrap_or_default()),
        );
        state.insert("Name".into(), Value::from(self.state_name.as_str()));
        if let Some(count) = self.retry_count {
            state.insert("RetryCount".into(), Value::from(count));
        }
        let mut root = Map::new();
        root.insert("Execution".into(), Value::Object(execution_member));
        root.insert("State".into(), Value::Object(state));
        root.insert(
            "StateMachine".into(),
            json!({
                "Id": &*execution.state_machine_arn,
                "Name": &*execution.state_machine_name,
            }),
        );
        if let Some(token) = &self.task_token {
            root.insert("Task".into(), json!({ "Token": token }));
        }
        Value::Object(root)
    }
}

impl ContextObject for Context {
    fn value(&self) -> &Value {
        Context::value(self)
    }
}
