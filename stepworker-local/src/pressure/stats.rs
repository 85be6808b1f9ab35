//! What the pressure layer did, per operation.

use std::collections::BTreeMap;

use parking_lot::Mutex;
use serde::Serialize;

/// Calls of one operation that quotas or the fault plan acted on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PressureCounts {
    /// Answered `ThrottlingException` because the quota's bucket was empty.
    pub quota_throttled: u64,
    /// Answered `ThrottlingException` by the fault plan.
    pub injected_throttles: u64,
    /// Answered `InternalFailure` (500) by the fault plan.
    pub internal_failures: u64,
    /// Answered `ServiceUnavailable` (503) by the fault plan.
    pub service_unavailable: u64,
    /// Delayed by the fault plan's latency.
    pub delayed: u64,
    /// Connection closed before the call ran.
    pub resets_before_effect: u64,
    /// Connection closed after the call ran (its effect stands).
    pub resets_after_effect: u64,
}

/// Live counters.
#[derive(Debug, Default)]
pub struct PressureCounters {
    by_operation: Mutex<BTreeMap<&'static str, PressureCounts>>,
}

impl PressureCounters {
    /// Counts one action on `operation`.
    pub fn bump(&self, operation: &'static str, count: impl FnOnce(&mut PressureCounts)) {
        count(self.by_operation.lock().entry(operation).or_default());
    }

    /// The counts now, by operation name (operations never acted on are
    /// left out).
    pub fn snapshot(&self) -> BTreeMap<String, PressureCounts> {
        self.by_operation
            .lock()
            .iter()
            .map(|(name, counts)| ((*name).to_owned(), *counts))
            .collect()
    }
}
