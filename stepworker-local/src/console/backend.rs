//! What the console needs from an engine: the Step Functions API itself
//! (so the console shows exactly what any client sees) and the live load
//! of activity queues, which the API does not report.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use stepworker::model::{ErrorCode, Operation};

use crate::activity_stats::ActivityStats;
use crate::core::Core;
use crate::engine::LocalEngine;
use crate::error::ApiError;
use crate::pressure::PressureCounts;
use crate::server;
use crate::stats::StatsSnapshot;

/// How busy an activity is right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityLoad {
    /// `GetActivityTask` calls waiting for a task.
    pub parked_polls: usize,
    /// Scheduled tasks waiting for a worker.
    pub queued_tasks: usize,
}

/// The engine as the console sees it.
pub trait ConsoleBackend: Clone + Send + Sync + 'static {
    /// Runs the operation named `operation` (`"DescribeExecution"`) on a
    /// JSON request; its JSON answer or its AWS error.
    fn call(
        &self,
        operation: &'static str,
        input: Value,
    ) -> impl Future<Output = Result<Value, ApiError>> + Send;

    /// Parked polls and queued tasks of each activity, by activity ARN
    /// (activities the engine cannot tell about are left out).
    fn activity_loads(&self) -> BTreeMap<String, ActivityLoad> {
        BTreeMap::new()
    }

    /// What quotas, injected faults and lost polls did (`None`: the engine
    /// does not report it).
    fn pressure(&self) -> Option<PressureReport> {
        None
    }
}

/// What the engine's pressure layer did: calls acted on per operation, and
/// tasks lost to polls whose client had gone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PressureReport {
    /// Per operation name.
    pub operations: BTreeMap<String, PressureCounts>,
    /// Parked polls kept after their client hung up.
    pub closed_polls_kept: u64,
    /// Tasks such polls took and lost.
    pub tasks_lost_to_closed_polls: u64,
}

impl PressureReport {
    fn of(operations: BTreeMap<String, PressureCounts>, stats: StatsSnapshot) -> Self {
        Self {
            operations,
            closed_polls_kept: stats.closed_polls_kept,
            tasks_lost_to_closed_polls: stats.tasks_lost_to_closed_polls,
        }
    }
}

impl From<ActivityStats> for ActivityLoad {
    fn from(stats: ActivityStats) -> Self {
        Self {
            parked_polls: stats.parked_polls,
            queued_tasks: stats.queued_tasks,
        }
    }
}

fn loads(stats: BTreeMap<String, ActivityStats>) -> BTreeMap<String, ActivityLoad> {
    stats
        .into_iter()
        .map(|(arn, stats)| (arn, stats.into()))
        .collect()
}

/// Calls operation `O` with its model input; its model output.
pub async fn call<O, B>(backend: &B, input: &O::Input) -> Result<O::Output, ApiError>
where
    O: Operation,
    O::Input: Serialize,
    O::Output: DeserializeOwned,
    B: ConsoleBackend,
{
    let request = serde_json::to_value(input).map_err(internal)?;
    let answer = backend.call(O::NAME, request).await?;
    serde_json::from_value(answer).map_err(internal)
}

fn internal(e: serde_json::Error) -> ApiError {
    ApiError::new(
        ErrorCode::InternalFailure,
        format!("The console could not read the engine's answer: {e}"),
    )
}

/// The engine's own state, called in-process (no HTTP hop).
impl ConsoleBackend for Arc<Core> {
    fn call(
        &self,
        operation: &'static str,
        input: Value,
    ) -> impl Future<Output = Result<Value, ApiError>> + Send {
        let core = self.clone();
        async move {
            let body = serde_json::to_vec(&input).map_err(internal)?;
            let target = format!("{}{operation}", server::TARGET_PREFIX);
            let answer = server::dispatch(&core, &target, &body).await?;
            serde_json::from_slice(&answer).map_err(internal)
        }
    }

    fn activity_loads(&self) -> BTreeMap<String, ActivityLoad> {
        loads(self.activity_stats())
    }

    fn pressure(&self) -> Option<PressureReport> {
        Some(PressureReport::of(
            self.pressure.counters.snapshot(),
            self.stats.snapshot(),
        ))
    }
}

/// A running engine, through its public handle: lets a test or an
/// embedding program serve the console beside [`LocalEngine::router`].
impl ConsoleBackend for Arc<LocalEngine> {
    fn call(
        &self,
        operation: &'static str,
        input: Value,
    ) -> impl Future<Output = Result<Value, ApiError>> + Send {
        let engine = self.clone();
        async move { LocalEngine::call(&engine, operation, &input).await }
    }

    fn activity_loads(&self) -> BTreeMap<String, ActivityLoad> {
        loads(self.activity_stats())
    }

    fn pressure(&self) -> Option<PressureReport> {
        Some(PressureReport::of(self.pressure_stats(), self.stats()))
    }
}
