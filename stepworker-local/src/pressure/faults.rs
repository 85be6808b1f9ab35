//! What to inject, per operation: the fault plan as the builder and the
//! faults file describe it, checked before the engine starts.

use std::collections::BTreeMap;

use super::error::PressureError;
use super::operation_name;

/// The key of the entry that applies to operations without their own.
pub const EVERY_OPERATION: &str = "*";

/// Faults for one operation. Each rate is a probability from 0 to 1 for one
/// call; the five outcomes exclude each other, so their rates may add up to
/// at most 1. Latency is drawn apart and can come with any outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct OperationFaults {
    /// Answer `ThrottlingException` (HTTP 400) without running the call.
    pub throttle: f64,
    /// Answer `InternalFailure` (HTTP 500) without running the call.
    pub internal_failure: f64,
    /// Answer `ServiceUnavailable` (HTTP 503) without running the call.
    pub service_unavailable: f64,
    /// Close the connection without an answer, before the call runs: the
    /// call had no effect.
    pub reset_before_effect: f64,
    /// Run the call, then close the connection without an answer: the call
    /// took effect but the client cannot know.
    pub reset_after_effect: f64,
    /// Extra time before the call runs.
    pub latency: Option<Latency>,
}

/// Added latency: with probability `rate`, a delay drawn evenly from
/// `min_ms..=max_ms`, timed on the engine's clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Latency {
    /// Probability from 0 to 1 that a call is delayed.
    pub rate: f64,
    /// Shortest delay, milliseconds.
    pub min_ms: u64,
    /// Longest delay, milliseconds.
    pub max_ms: u64,
}

/// The fault plan: a seed and faults per operation.
///
/// The same seed and the same calls give the same faults: every operation
/// draws from its own stream, so calls to other operations (a worker's
/// heartbeats beside its polls) do not shift what an operation gets.
///
/// ```
/// use stepworker_local::{Faults, OperationFaults};
/// let faults = Faults::seeded(7)
///     .every_operation(OperationFaults { throttle: 0.05, ..Default::default() })?
///     .operation("SendTaskSuccess", OperationFaults { reset_after_effect: 0.2, ..Default::default() })?;
/// # Ok::<(), stepworker_local::PressureError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    pub(crate) seed: u64,
    pub(crate) every_operation: Option<OperationFaults>,
    pub(crate) operations: BTreeMap<&'static str, OperationFaults>,
}

impl Faults {
    /// No faults yet, drawn from `seed`.
    pub fn seeded(seed: u64) -> Self {
        Self {
            seed,
            ..Self::default()
        }
    }

    /// Faults for every operation without an entry of its own.
    pub fn every_operation(mut self, faults: OperationFaults) -> Result<Self, PressureError> {
        check(&faults).map_err(|(field, message)| in_code(EVERY_OPERATION, field, message))?;
        self.every_operation = Some(faults);
        Ok(self)
    }

    /// Faults for `operation`, replacing the every-operation entry for it.
    pub fn operation(
        mut self,
        operation: &str,
        faults: OperationFaults,
    ) -> Result<Self, PressureError> {
        let name = operation_name::known(operation)
            .ok_or_else(|| PressureError::new("faults", "", operation_name::unknown(operation)))?;
        check(&faults).map_err(|(field, message)| in_code(name, field, message))?;
        self.operations.insert(name, faults);
        Ok(self)
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The faults `operation` gets, if any.
    pub fn for_operation(&self, operation: &str) -> Option<&OperationFaults> {
        self.operations
            .get(operation)
            .or(self.every_operation.as_ref())
    }
}

fn in_code(operation: &str, field: &str, message: String) -> PressureError {
    PressureError::new("faults", "", format!("{operation}: {field}: {message}"))
}

/// Checks one entry; on error the offending field (its file name) and why.
pub(super) fn check(faults: &OperationFaults) -> Result<(), (&'static str, String)> {
    let rates = [
        ("throttle", faults.throttle),
        ("internalFailure", faults.internal_failure),
        ("serviceUnavailable", faults.service_unavailable),
        ("resetBeforeEffect", faults.reset_before_effect),
        ("resetAfterEffect", faults.reset_after_effect),
    ];
    for (field, rate) in rates {
        check_rate(rate).map_err(|message| (field, message))?;
    }
    let total: f64 = rates.iter().map(|(_, rate)| rate).sum();
    if total > 1.0 + 1e-9 {
        return Err((
            "",
            format!("the outcome rates exclude each other and add up to {total}, more than 1"),
        ));
    }
    if let Some(latency) = faults.latency {
        check_rate(latency.rate).map_err(|message| ("latency/rate", message))?;
        if latency.min_ms > latency.max_ms {
            return Err((
                "latency",
                format!(
                    "minMs {} is more than maxMs {}",
                    latency.min_ms, latency.max_ms
                ),
            ));
        }
    }
    Ok(())
}

fn check_rate(rate: f64) -> Result<(), String> {
    if (0.0..=1.0).contains(&rate) {
        Ok(())
    } else {
        Err(format!("rate {rate} is outside 0..=1"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_entries_are_refused_with_their_field() {
        let over = OperationFaults {
            throttle: 1.5,
            ..Default::default()
        };
        let e = Faults::seeded(1)
            .operation("GetActivityTask", over)
            .expect_err("rate");
        assert!(
            e.message.contains("throttle") && e.message.contains("1.5"),
            "{e}"
        );
        let sum = OperationFaults {
            throttle: 0.6,
            internal_failure: 0.6,
            ..Default::default()
        };
        assert!(Faults::seeded(1).every_operation(sum).is_err());
        let e = Faults::seeded(1)
            .operation("Nope", OperationFaults::default())
            .expect_err("unknown");
        assert!(e.message.contains("'Nope'"), "{e}");
        let latency = OperationFaults {
            latency: Some(Latency {
                rate: 1.0,
                min_ms: 9,
                max_ms: 1,
            }),
            ..Default::default()
        };
        assert!(Faults::seeded(1).every_operation(latency).is_err());
    }

    #[test]
    fn an_operation_entry_replaces_the_every_operation_one() {
        let faults = Faults::seeded(1)
            .every_operation(OperationFaults {
                throttle: 0.5,
                ..Default::default()
            })
            .and_then(|f| f.operation("DescribeExecution", OperationFaults::default()))
            .expect("valid");
        assert_eq!(
            faults
                .for_operation("DescribeExecution")
                .map(|f| f.throttle),
            Some(0.0)
        );
        assert_eq!(
            faults.for_operation("StartExecution").map(|f| f.throttle),
            Some(0.5)
        );
    }
}
