//! The pressure layer: the one step every HTTP call goes through, before
//! its operation runs (quota, injected error, latency, reset before effect)
//! and after (reset after effect).

use std::future::Future;

use stepworker::model::{ErrorCode, StateMachineType};

use super::config::PressureConfig;
use super::injector::{Draw, FaultInjector, Injected};
use super::operation_name;
use super::stats::PressureCounters;
use super::throttle::Throttle;
use crate::core::Core;
use crate::error::{ApiError, ApiResult};
use crate::server::TARGET_PREFIX;

/// What the HTTP layer answers.
pub enum Reply {
    /// This answer (the operation's, or an injected error).
    Answer(ApiResult<Vec<u8>>),
    /// No answer: the connection is closed.
    ResetConnection,
}

/// The pressure layer of one engine.
#[derive(Debug, Default)]
pub struct Pressure {
    throttle: Option<Throttle>,
    faults: Option<FaultInjector>,
    deliver_to_closed_polls: bool,
    /// What it did, per operation.
    pub counters: PressureCounters,
}

impl Pressure {
    /// The layer for `config` in `region`, buckets full at `now_millis`.
    pub fn new(config: &PressureConfig, region: &str, now_millis: i64) -> Self {
        Self {
            throttle: Throttle::new(&config.quotas, region, now_millis),
            faults: config.faults.clone().map(FaultInjector::new),
            deliver_to_closed_polls: config.deliver_to_closed_polls,
            counters: PressureCounters::default(),
        }
    }

    /// Whether a parked poll whose client left can still be handed a task.
    pub fn delivers_to_closed_polls(&self) -> bool {
        self.deliver_to_closed_polls
    }

    /// Runs `call` (the operation named by `target`, with request `body`)
    /// under quotas and faults.
    pub async fn around<F>(&self, core: &Core, target: &str, body: &[u8], call: F) -> Reply
    where
        F: Future<Output = ApiResult<Vec<u8>>>,
    {
        if self.throttle.is_none() && self.faults.is_none() {
            // Off, the default: the call runs as if the layer were not there.
            return Reply::Answer(call.await);
        }
        let clock = core.clock.as_ref();
        let operation = target
            .strip_prefix(TARGET_PREFIX)
            .and_then(operation_name::known);
        let Some(operation) = operation else {
            // Unknown operations get the dispatcher's own error.
            return Reply::Answer(call.await);
        };
        let draw = self
            .faults
            .as_ref()
            .map(|faults| faults.draw(operation))
            .unwrap_or_default();
        if let Some(delay_ms) = draw.delay_ms {
            self.counters.bump(operation, |c| c.delayed += 1);
            let delay = i64::try_from(delay_ms).unwrap_or(i64::MAX);
            clock
                .sleep_until(clock.now_millis().saturating_add(delay))
                .await;
        }
        if let Some(throttle) = &self.throttle {
            let express_start = operation == "StartExecution"
                && throttle.separates_express_starts()
                && starts_express(core, body);
            if !throttle.admit(operation, express_start, clock.now_millis()) {
                self.counters.bump(operation, |c| c.quota_throttled += 1);
                return Reply::Answer(Err(rate_exceeded()));
            }
        }
        self.apply(operation, draw, call).await
    }

    async fn apply<F>(&self, operation: &'static str, draw: Draw, call: F) -> Reply
    where
        F: Future<Output = ApiResult<Vec<u8>>>,
    {
        let Some(injected) = draw.outcome else {
            return Reply::Answer(call.await);
        };
        let counters = &self.counters;
        match injected {
            Injected::Throttle => {
                counters.bump(operation, |c| c.injected_throttles += 1);
                Reply::Answer(Err(rate_exceeded()))
            }
            Injected::InternalFailure => {
                counters.bump(operation, |c| c.internal_failures += 1);
                Reply::Answer(Err(ApiError::new(ErrorCode::InternalFailure, "")))
            }
            Injected::ServiceUnavailable => {
                counters.bump(operation, |c| c.service_unavailable += 1);
                Reply::Answer(Err(ApiError::new(ErrorCode::ServiceUnavailable, "")))
            }
            Injected::ResetBeforeEffect => {
                counters.bump(operation, |c| c.resets_before_effect += 1);
                Reply::ResetConnection
            }
            Injected::ResetAfterEffect => {
                // The effect stands whatever the call answered.
                let _answer = call.await;
                counters.bump(operation, |c| c.resets_after_effect += 1);
                Reply::ResetConnection
            }
        }
    }
}

/// Whether a `StartExecution` request names an Express state machine (a
/// request that names none, or a missing machine, counts as Standard: the
/// operation answers its own error).
fn starts_express(core: &Core, body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Target {
        #[serde(rename = "stateMachineArn")]
        arn: String,
    }
    let Ok(target) = serde_json::from_slice::<Target>(body) else {
        return false;
    };
    // `<arn>#<TestCase>` picks a mock test case; the machine is the same.
    let arn = target.arn.split('#').next().unwrap_or_default();
    let Ok((name, _qualifier)) = core.arns.state_machine_target(arn) else {
        return false;
    };
    core.registry
        .lock()
        .machines
        .get(&name)
        .is_some_and(|machine| machine.current.machine_type == StateMachineType::Express)
}

/// AWS's throttling answer: `ThrottlingException`, "Rate exceeded", HTTP 400
/// (as botocore reports it for Step Functions, e.g.
/// <https://github.com/HumanCellAtlas/data-store/issues/1061>).
fn rate_exceeded() -> ApiError {
    ApiError::new(ErrorCode::ThrottlingException, "Rate exceeded")
}
