//! Engine settings shared by the builder and the binary.

use std::sync::Arc;
use std::time::Duration;

use crate::mocks::MockConfig;
use crate::pressure::PressureConfig;

/// How many finished executions the engine keeps (oldest dropped first).
pub const DEFAULT_RETAINED_EXECUTIONS: usize = 10_000;
/// Bytes of finished executions the engine keeps (inputs, outputs and
/// histories, estimated; oldest dropped first): 256 MiB.
pub const DEFAULT_RETAINED_EXECUTION_BYTES: usize = 256 * 1024 * 1024;
/// How long `GetActivityTask` holds a poll open, like AWS.
pub const DEFAULT_POLL_TIMEOUT: Duration = Duration::from_secs(60);
/// Open polls one activity may have, like AWS.
pub const DEFAULT_MAX_PARKED_POLLS: usize = 1_000;

/// What the engine keeps of finished work, so memory stays bounded.
///
/// Finished executions are dropped, oldest finish first, while there are
/// more than `max_finished_executions` of them or they hold more than
/// `max_finished_execution_bytes`. A running execution is never dropped,
/// and the newest finished one is always kept, so the caller who waited
/// for it can read its result. A dropped execution answers
/// `ExecutionDoesNotExist` and its task tokens `TaskDoesNotExist`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Finished executions kept.
    pub max_finished_executions: usize,
    /// Estimated bytes of finished executions kept: inputs, outputs,
    /// errors and every history event with its texts.
    pub max_finished_execution_bytes: usize,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            max_finished_executions: DEFAULT_RETAINED_EXECUTIONS,
            max_finished_execution_bytes: DEFAULT_RETAINED_EXECUTION_BYTES,
        }
    }
}

/// Settings of one engine.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Region in ARNs and the one requests must name.
    pub region: String,
    /// Account id in ARNs.
    pub account_id: String,
    /// What to keep of finished work.
    pub retention: Retention,
    /// How long an empty `GetActivityTask` waits before answering.
    pub poll_timeout: Duration,
    /// Open polls allowed per activity.
    pub max_parked_polls: usize,
    /// Mocked service integrations; executions pick a test case with
    /// `<state machine ARN>#<TestCaseName>`.
    pub mock_config: Option<Arc<MockConfig>>,
    /// Quotas, injected faults and lost polls (all off by default).
    pub pressure: PressureConfig,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            region: "us-east-1".to_owned(),
            account_id: "123456789012".to_owned(),
            retention: Retention::default(),
            poll_timeout: DEFAULT_POLL_TIMEOUT,
            max_parked_polls: DEFAULT_MAX_PARKED_POLLS,
            mock_config: None,
            pressure: PressureConfig::default(),
        }
    }
}
