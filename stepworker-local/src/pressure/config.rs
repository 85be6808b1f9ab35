//! The pressure settings an engine starts with.

use super::faults::Faults;
use super::quotas::Quotas;

/// Quotas, faults and lost polls: all off by default, so an engine answers
/// every call at once unless asked to be as hard as AWS.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PressureConfig {
    /// API quotas (token buckets per operation).
    pub quotas: Quotas,
    /// Injected faults.
    pub faults: Option<Faults>,
    /// A parked `GetActivityTask` whose client hung up can still be handed
    /// a task, which is then lost to the worker as on AWS.
    pub deliver_to_closed_polls: bool,
}

impl PressureConfig {
    /// AWS's quotas and lost polls (`--profile aws-pressure`).
    pub fn aws_pressure() -> Self {
        Self {
            quotas: Quotas::aws(),
            faults: None,
            deliver_to_closed_polls: true,
        }
    }
}
