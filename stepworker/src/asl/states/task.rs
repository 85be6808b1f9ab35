//! The Task state: run a resource (an activity, a Lambda function, a
//! service integration) and continue with its result.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::asl::fields::{Common, NumberOrExpr, Transition};
use crate::asl::setters::state_setters;
use crate::asl::{Catch, Resource, Retry};
use crate::Activity;

/// `TimeoutSeconds` / `TimeoutSecondsPath`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) enum TaskTimeout {
    #[serde(rename = "TimeoutSeconds")]
    Seconds(NumberOrExpr<u64>),
    #[serde(rename = "TimeoutSecondsPath")]
    Path(String),
}

/// `HeartbeatSeconds` / `HeartbeatSecondsPath`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) enum TaskHeartbeat {
    #[serde(rename = "HeartbeatSeconds")]
    Seconds(NumberOrExpr<u64>),
    #[serde(rename = "HeartbeatSecondsPath")]
    Path(String),
}

/// A `"Type": "Task"` state.
///
/// ```
/// use stepworker::asl::{Catch, Retry, Task};
///
/// let task = Task::new("arn:aws:lambda:us-east-1:123456789012:function:resize")
///     .timeout_seconds(300)
///     .retry(Retry::on(["States.Timeout"]).max_attempts(3))
///     .catch(Catch::all("Failed"))
///     .next("Done");
/// # let _ = task;
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Task {
    #[serde(flatten)]
    pub(crate) common: Common,
    pub(crate) resource: Resource,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) credentials: Option<Value>,
    #[serde(flatten)]
    pub(crate) timeout: Option<TaskTimeout>,
    #[serde(flatten)]
    pub(crate) heartbeat: Option<TaskHeartbeat>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) retry: Vec<Retry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) catch: Vec<Catch>,
    #[serde(flatten)]
    pub(crate) transition: Option<Transition>,
    /// The activity's declared heartbeat (whole seconds), when built by
    /// [`Task::activity`]: the worker heartbeats at a third of it, so a
    /// shorter `HeartbeatSeconds` set afterwards may time tasks out.
    #[serde(skip)]
    pub(crate) declared_heartbeat: Option<(&'static str, u64)>,
}

impl Task {
    /// A Task state running `resource`: an ARN (`&str`/`String`) or a
    /// [`Resource`].
    pub fn new(resource: impl Into<Resource>) -> Self {
        Self {
            common: Common::default(),
            resource: resource.into(),
            credentials: None,
            timeout: None,
            heartbeat: None,
            retry: Vec::new(),
            catch: Vec::new(),
            transition: None,
            declared_heartbeat: None,
        }
    }

    /// The Task state of activity `A`: its Resource is the activity's ARN
    /// (resolved at deploy, see [`Resource`]) and its `HeartbeatSeconds` and
    /// `TimeoutSeconds` come from `A::HEARTBEAT` and `A::TIMEOUT`, so the
    /// deployed timeouts always match the worker's. Durations round up to
    /// whole seconds.
    ///
    /// It also retries `Worker.Shutdown` (1 s, then 2 s, then 4 s): the
    /// error a stopping worker fails its unfinished tasks with, so they run
    /// again at once on another worker instead of failing the execution.
    /// [`Task::without_shutdown_retry`] removes it, for a state that should
    /// see those failures itself (in a `Catch`, say).
    ///
    /// ```
    /// use stepworker::asl::Task;
    /// use stepworker::ActivityContext;
    ///
    /// #[stepworker::activity(name = "resize-image", heartbeat = "10s", timeout = "5m")]
    /// async fn resize(path: String, ctx: ActivityContext) -> Result<String, String> {
    ///     Ok(path)
    /// }
    ///
    /// let task = Task::activity::<resize>().next("Done");
    /// assert_eq!(task.resource().activity_name(), Some("resize-image"));
    /// let json = serde_json::to_value(stepworker::asl::State::from(task)).unwrap();
    /// assert_eq!(json["HeartbeatSeconds"], 10);
    /// assert_eq!(json["TimeoutSeconds"], 300);
    /// ```
    pub fn activity<A: Activity>() -> Self {
        let mut task = Self::new(Resource::activity(A::NAME));
        if let Some(heartbeat) = A::HEARTBEAT {
            task = task.heartbeat_seconds(whole_seconds(heartbeat));
        }
        if let Some(timeout) = A::TIMEOUT {
            task = task.timeout_seconds(whole_seconds(timeout));
        }
        task.declared_heartbeat = A::HEARTBEAT.map(|heartbeat| (A::NAME, whole_seconds(heartbeat)));
        task.retry(shutdown_retry())
    }

    /// Removes the `Retry` on `Worker.Shutdown` that [`Task::activity`] adds.
    pub fn without_shutdown_retry(mut self) -> Self {
        let added = shutdown_retry();
        self.retry.retain(|retry| retry != &added);
        self
    }

    /// A Task state for the activity called `name`, without timeouts or
    /// retries (add a `Retry` on `Worker.Shutdown` yourself).
    pub fn activity_named(name: impl Into<String>) -> Self {
        Self::new(Resource::activity(name))
    }

    /// What this state runs.
    pub fn resource(&self) -> &Resource {
        &self.resource
    }

    /// Sets `TimeoutSeconds`: the task fails with `States.Timeout` after
    /// this long.
    pub fn timeout_seconds(mut self, seconds: u64) -> Self {
        self.timeout = Some(TaskTimeout::Seconds(NumberOrExpr::Number(seconds)));
        self
    }

    /// Sets `TimeoutSecondsPath` (JSONPath): the timeout is read from the input.
    pub fn timeout_seconds_path(mut self, path: impl Into<String>) -> Self {
        self.timeout = Some(TaskTimeout::Path(path.into()));
        self
    }

    /// Sets `TimeoutSeconds` to a JSONata expression (`{% ... %}`).
    pub fn timeout_seconds_expr(mut self, expression: impl Into<String>) -> Self {
        self.timeout = Some(TaskTimeout::Seconds(NumberOrExpr::Expr(expression.into())));
        self
    }

    /// Sets `HeartbeatSeconds`: the task fails with `States.Timeout` when no
    /// heartbeat arrives for this long. Must be below `TimeoutSeconds`.
    ///
    /// On a state from [`Task::activity`], a value below the activity's
    /// declared heartbeat logs a warning: its worker heartbeats at a third of
    /// the declared value, which may come too late for the deployed one.
    pub fn heartbeat_seconds(mut self, seconds: u64) -> Self {
        if let Some((activity, declared)) = self.declared_heartbeat {
            if seconds < declared {
                tracing::warn!(
                    activity,
                    declared_heartbeat_seconds = declared,
                    heartbeat_seconds = seconds,
                    "HeartbeatSeconds is shorter than the activity declares; its worker \
                     heartbeats at a third of the declared value and may let tasks time out"
                );
            }
        }
        self.heartbeat = Some(TaskHeartbeat::Seconds(NumberOrExpr::Number(seconds)));
        self
    }

    /// Sets `HeartbeatSecondsPath` (JSONPath).
    pub fn heartbeat_seconds_path(mut self, path: impl Into<String>) -> Self {
        self.heartbeat = Some(TaskHeartbeat::Path(path.into()));
        self
    }

    /// Sets `HeartbeatSeconds` to a JSONata expression (`{% ... %}`).
    pub fn heartbeat_seconds_expr(mut self, expression: impl Into<String>) -> Self {
        self.heartbeat = Some(TaskHeartbeat::Seconds(NumberOrExpr::Expr(
            expression.into(),
        )));
        self
    }

    /// Sets `Credentials`: the role to assume for the task, e.g.
    /// `{"RoleArn": "arn:aws:iam::111122223333:role/Other"}`.
    pub fn credentials(mut self, credentials: impl Into<Value>) -> Self {
        self.credentials = Some(credentials.into());
        self
    }

    /// The literal `TimeoutSeconds`, if one is set.
    pub(crate) fn timeout_literal(&self) -> Option<u64> {
        match &self.timeout {
            Some(TaskTimeout::Seconds(value)) => value.literal(),
            _ => None,
        }
    }

    /// The literal `HeartbeatSeconds`, if one is set.
    pub(crate) fn heartbeat_literal(&self) -> Option<u64> {
        match &self.heartbeat {
            Some(TaskHeartbeat::Seconds(value)) => value.literal(),
            _ => None,
        }
    }

    /// The names of the set `*Path` fields, which only JSONPath allows.
    pub(crate) fn own_json_path_fields(&self) -> Vec<&'static str> {
        let mut fields = Vec::new();
        if matches!(self.timeout, Some(TaskTimeout::Path(_))) {
            fields.push("TimeoutSecondsPath");
        }
        if matches!(self.heartbeat, Some(TaskHeartbeat::Path(_))) {
            fields.push("HeartbeatSecondsPath");
        }
        fields
    }
}

state_setters!(Task: comment, paths, parameters, arguments, result_selector, result_path, output, assign, errors, transition);

/// Whole seconds, rounding a fraction up so the service never times out
/// before the worker expects it to.
fn whole_seconds(duration: Duration) -> u64 {
    let seconds = duration.as_secs();
    if duration.subsec_nanos() > 0 {
        seconds.saturating_add(1)
    } else {
        seconds
    }
}

/// Retries the tasks a stopping worker failed: they are fine to run again at
/// once, elsewhere.
fn shutdown_retry() -> Retry {
    Retry::on([crate::worker::error_names::SHUTDOWN])
        .interval_seconds(1)
        .max_attempts(3)
        .backoff_rate(2.0)
}
