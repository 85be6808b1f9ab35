//! Seeded draws of the fault plan: one random stream per operation.

use std::collections::HashMap;

use parking_lot::Mutex;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use super::faults::Faults;

/// An outcome forced on one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injected {
    /// `ThrottlingException`.
    Throttle,
    /// `InternalFailure` (500).
    InternalFailure,
    /// `ServiceUnavailable` (503).
    ServiceUnavailable,
    /// Connection closed before the call runs.
    ResetBeforeEffect,
    /// Connection closed after the call ran.
    ResetAfterEffect,
}

/// What one call gets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Draw {
    /// The forced outcome, if any.
    pub outcome: Option<Injected>,
    /// Milliseconds to wait before the call, if any.
    pub delay_ms: Option<u64>,
}

/// The plan and its streams.
#[derive(Debug)]
pub struct FaultInjector {
    faults: Faults,
    streams: Mutex<HashMap<&'static str, Pcg64>>,
}

impl FaultInjector {
    /// Streams for `faults`, all at their start.
    pub fn new(faults: Faults) -> Self {
        Self {
            faults,
            streams: Mutex::new(HashMap::new()),
        }
    }

    /// The next draw for `operation`.
    pub fn draw(&self, operation: &'static str) -> Draw {
        let Some(plan) = self.faults.for_operation(operation) else {
            return Draw::default();
        };
        let mut streams = self.streams.lock();
        // Pcg64 is value-stable across versions, so a seed reproduces.
        let rng = streams
            .entry(operation)
            .or_insert_with(|| Pcg64::seed_from_u64(self.faults.seed ^ stream_key(operation)));
        let roll: f64 = rng.random();
        let outcomes = [
            (plan.throttle, Injected::Throttle),
            (plan.internal_failure, Injected::InternalFailure),
            (plan.service_unavailable, Injected::ServiceUnavailable),
            (plan.reset_before_effect, Injected::ResetBeforeEffect),
            (plan.reset_after_effect, Injected::ResetAfterEffect),
        ];
        let mut threshold = 0.0;
        let mut outcome = None;
        for (rate, injected) in outcomes {
            threshold += rate;
            if roll < threshold {
                outcome = Some(injected);
                break;
            }
        }
        let delay_ms = plan.latency.and_then(|latency| {
            rng.random_bool(latency.rate)
                .then(|| rng.random_range(latency.min_ms..=latency.max_ms))
        });
        Draw { outcome, delay_ms }
    }
}

/// FNV-1a of the operation name: a fixed, distinct stream per operation.
fn stream_key(operation: &str) -> u64 {
    operation.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pressure::faults::OperationFaults;

    fn plan(seed: u64) -> Faults {
        Faults::seeded(seed)
            .every_operation(OperationFaults {
                throttle: 0.3,
                reset_after_effect: 0.3,
                ..Default::default()
            })
            .expect("valid")
    }

    fn sequence(injector: &FaultInjector, operation: &'static str, n: usize) -> Vec<Draw> {
        (0..n).map(|_| injector.draw(operation)).collect()
    }

    #[test]
    fn streams_are_per_operation_and_follow_the_seed() {
        let a = FaultInjector::new(plan(5));
        let b = FaultInjector::new(plan(5));
        let alone = sequence(&a, "GetActivityTask", 50);
        // Interleaved calls to another operation do not shift the stream.
        let mut interleaved = Vec::new();
        for _ in 0..50 {
            b.draw("SendTaskHeartbeat");
            interleaved.push(b.draw("GetActivityTask"));
        }
        assert_eq!(alone, interleaved);
        assert!(alone.iter().any(|d| d.outcome.is_some()));
        assert!(alone.iter().any(|d| d.outcome.is_none()));
        let other_seed = sequence(&FaultInjector::new(plan(6)), "GetActivityTask", 50);
        assert_ne!(alone, other_seed);
    }
}
