//! The quotas at run time: one live bucket per throttled operation.

use std::collections::HashMap;

use parking_lot::Mutex;

use super::quotas::Quotas;
use super::token_bucket::TokenBucket;

/// Live buckets, full at the engine's start.
#[derive(Debug)]
pub struct Throttle {
    buckets: HashMap<&'static str, Mutex<TokenBucket>>,
}

impl Throttle {
    /// Buckets of `quotas` for `region`; `None` when nothing is throttled.
    pub fn new(quotas: &Quotas, region: &str, now_millis: i64) -> Option<Self> {
        let buckets: HashMap<_, _> = quotas
            .buckets(region)
            .into_iter()
            .map(|(name, bucket)| (name, Mutex::new(TokenBucket::full(bucket, now_millis))))
            .collect();
        (!buckets.is_empty()).then_some(Self { buckets })
    }

    /// Takes a token for `operation`; false means throttled. Operations
    /// without a bucket always pass.
    pub fn admit(&self, operation: &str, now_millis: i64) -> bool {
        self.buckets
            .get(operation)
            .is_none_or(|bucket| bucket.lock().try_take(now_millis))
    }
}
