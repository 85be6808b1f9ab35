//! The retry quota: one token bucket shared by every call of a client, so
//! that when most calls fail (an outage, a fleet being throttled) retries
//! stop instead of multiplying the load.
//!
//! Numbers of the AWS SDKs' standard mode, retry behavior 2.1: 500 tokens;
//! a retry after throttling costs 5, any other retry 14; a retry that
//! succeeds gives its cost back, a call that succeeds at once adds 1.
//! Sources: aws-sdk-cpp#3832 (quota 500, transient cost 14), aws-smithy-runtime
//! 1.16 `token_bucket_for_spec` (costs 14 / throttling 5 / timeout 14) and
//! `StandardRetryStrategy::release_retry_permit` (refund and +1). The older
//! behavior 2.0 (botocore `retries/standard.py`, aws-smithy-runtime
//! `TokenBucket::default`) charged 5 per retry and 10 after a timeout.

use std::fmt;
use std::sync::{Arc, Mutex};

use super::error::RetryKind;

/// Tokens a quota starts with and never exceeds.
pub(crate) const DEFAULT_QUOTA_CAPACITY: u32 = 500;
/// Cost of a retry after throttling.
const THROTTLING_RETRY_COST: u32 = 5;
/// Cost of any other retry (5xx, transport failure, timeout).
const TRANSIENT_RETRY_COST: u32 = 14;
/// Tokens a call that succeeds on its first attempt adds back.
const SUCCESS_REFILL: u32 = 1;

/// The retry quota shared by a client and all its clones.
///
/// The client draws from it by itself; a caller that keeps retrying after
/// the client gave up (a worker re-sending a result until the task's
/// deadline) should draw from it too, through [`RetryQuota::try_acquire`], so
/// that its retries stop when the client's do.
#[derive(Clone)]
pub struct RetryQuota {
    inner: Option<Arc<Bucket>>,
}

struct Bucket {
    capacity: u32,
    available: Mutex<u32>,
}

impl RetryQuota {
    /// A full quota of `capacity` tokens.
    pub fn new(capacity: u32) -> Self {
        Self {
            inner: Some(Arc::new(Bucket {
                capacity,
                available: Mutex::new(capacity),
            })),
        }
    }

    /// No quota: every retry is allowed.
    pub fn unlimited() -> Self {
        Self { inner: None }
    }

    /// The quota of a retry configuration.
    pub(crate) fn for_capacity(capacity: Option<u32>) -> Self {
        capacity.map_or_else(Self::unlimited, Self::new)
    }

    /// Tokens left (`u32::MAX` when unlimited).
    pub fn available(&self) -> u32 {
        self.inner
            .as_ref()
            .map_or(u32::MAX, |bucket| *bucket.lock())
    }

    /// Tokens the quota holds when full (`u32::MAX` when unlimited).
    pub fn capacity(&self) -> u32 {
        self.inner
            .as_ref()
            .map_or(u32::MAX, |bucket| bucket.capacity)
    }

    /// Takes the cost of one retry after a failure of `kind`, or `None` when
    /// the quota cannot pay it: then do not retry.
    pub fn try_acquire(&self, kind: RetryKind) -> Option<RetryPermit> {
        let cost = match kind {
            RetryKind::Throttling => THROTTLING_RETRY_COST,
            RetryKind::Transient => TRANSIENT_RETRY_COST,
        };
        if let Some(bucket) = &self.inner {
            let mut available = bucket.lock();
            if *available < cost {
                return None;
            }
            *available -= cost;
        }
        Some(RetryPermit {
            quota: self.clone(),
            cost,
        })
    }

    /// Records a call that succeeded on its first attempt: one token back.
    pub fn record_success(&self) {
        self.refill(SUCCESS_REFILL);
    }

    fn refill(&self, tokens: u32) {
        if let Some(bucket) = &self.inner {
            let mut available = bucket.lock();
            *available = available.saturating_add(tokens).min(bucket.capacity);
        }
    }
}

impl Bucket {
    fn lock(&self) -> std::sync::MutexGuard<'_, u32> {
        // The count stays valid whatever a panicking holder did.
        self.available.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl fmt::Debug for RetryQuota {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            None => f.write_str("RetryQuota(unlimited)"),
            Some(bucket) => f
                .debug_struct("RetryQuota")
                .field("available", &*bucket.lock())
                .field("capacity", &bucket.capacity)
                .finish(),
        }
    }
}

/// The cost of one retry, taken from a [`RetryQuota`]. Dropping it leaves
/// the cost spent (the retry failed too); [`RetryPermit::succeeded`] gives it
/// back.
#[must_use = "a permit is spent when dropped; call `succeeded` when the retry passed"]
#[derive(Debug)]
pub struct RetryPermit {
    quota: RetryQuota,
    cost: u32,
}

impl RetryPermit {
    /// The retry this permit paid for succeeded: its cost goes back.
    pub fn succeeded(self) {
        self.quota.refill(self.cost);
    }

    /// Tokens this permit took.
    pub fn cost(&self) -> u32 {
        self.cost
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_retries_cost_5_and_others_14() {
        let quota = RetryQuota::new(500);
        let throttled = quota.try_acquire(RetryKind::Throttling).unwrap();
        assert_eq!(quota.available(), 495);
        let transient = quota.try_acquire(RetryKind::Transient).unwrap();
        assert_eq!(quota.available(), 481);
        drop(throttled);
        assert_eq!(quota.available(), 481, "a failed retry keeps its cost");
        transient.succeeded();
        assert_eq!(quota.available(), 495, "a passed retry gives it back");
    }

    #[test]
    fn an_empty_quota_refuses_and_first_attempt_successes_refill_it() {
        let quota = RetryQuota::new(12);
        let _a = quota.try_acquire(RetryKind::Throttling).unwrap();
        let _b = quota.try_acquire(RetryKind::Throttling).unwrap();
        assert_eq!(quota.available(), 2);
        assert!(quota.try_acquire(RetryKind::Throttling).is_none());
        for _ in 0..3 {
            quota.record_success();
        }
        assert!(quota.try_acquire(RetryKind::Throttling).is_some());
    }

    #[test]
    fn refills_never_exceed_the_capacity() {
        let quota = RetryQuota::new(10);
        quota.record_success();
        assert_eq!(quota.available(), 10);
    }

    #[test]
    fn clones_share_one_bucket_and_unlimited_always_allows() {
        let quota = RetryQuota::new(10);
        let clone = quota.clone();
        let _permit = clone.try_acquire(RetryKind::Transient);
        assert!(_permit.is_none(), "14 > 10");
        let _p = clone.try_acquire(RetryKind::Throttling).unwrap();
        assert_eq!(quota.available(), 5);
        let unlimited = RetryQuota::unlimited();
        for _ in 0..1000 {
            assert!(unlimited.try_acquire(RetryKind::Transient).is_some());
        }
    }
}
