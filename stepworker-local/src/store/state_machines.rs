//! State machines and the versions of their definition executions run.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use stepworker::model::{LoggingConfiguration, StateMachineType, Timestamp, TracingConfiguration};

use super::published::Published;
use super::tags::TagSet;
use crate::asl::Definition;

/// State machines one engine holds: AWS's default quota of registered
/// state machines per account and region (developer guide, "Step
/// Functions service quotas"); the next CreateStateMachine is
/// `StateMachineLimitExceeded`.
pub const MAX_STATE_MACHINES: usize = 10_000;

/// A state machine's definition and settings at one moment. Executions
/// hold the version they started with.
#[derive(Debug)]
pub struct MachineVersion {
    /// The definition as the user sent it.
    pub definition_text: String,
    /// The parsed definition.
    pub definition: Arc<Definition>,
    /// `roleArn`.
    pub role_arn: Arc<str>,
    /// `type`.
    pub machine_type: StateMachineType,
    /// `loggingConfiguration`.
    pub logging: Option<LoggingConfiguration>,
    /// `tracingConfiguration`.
    pub tracing: Option<TracingConfiguration>,
    /// When this version was made (creation or last update).
    pub update_date: Timestamp,
    /// Changes with every update.
    pub revision_id: String,
}

/// A state machine.
#[derive(Debug)]
pub struct StateMachineRecord {
    /// Order of creation.
    pub seq: u64,
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: Arc<str>,
    /// When it was created.
    pub creation_date: Timestamp,
    /// What new executions run.
    pub current: Arc<MachineVersion>,
    /// DeleteStateMachine was called; it disappears once no execution runs.
    pub deleting: bool,
    /// The same fact, shared with its executions so their runners check it
    /// at every transition without taking the registry lock.
    pub deletion_flag: Arc<AtomicBool>,
    /// Tags.
    pub tags: TagSet,
    /// Executions still running.
    pub running: usize,
    /// Published versions and aliases.
    pub published: Published,
}
