//! The quotas at run time: one live bucket per throttled operation.

use std::collections::HashMap;

use parking_lot::Mutex;

use super::quotas::Quotas;
use super::token_bucket::TokenBucket;

/// Live buckets, full at the engine's start.
#[derive(Debug)]
pub struct Throttle {
    buckets: HashMap<&'static str, Mutex<TokenBucket>>,
    /// `StartExecution` of Express state machines, when apart.
    express_start: Option<Mutex<TokenBucket>>,
}

impl Throttle {
    /// Buckets of `quotas` for `region`; `None` when nothing is throttled.
    pub fn new(quotas: &Quotas, region: &str, now_millis: i64) -> Option<Self> {
        let buckets: HashMap<_, _> = quotas
            .buckets(region)
            .into_iter()
            .map(|(name, bucket)| (name, Mutex::new(TokenBucket::full(bucket, now_millis))))
            .collect();
        let express_start = quotas
            .express_start_execution()
            .map(|bucket| Mutex::new(TokenBucket::full(bucket, now_millis)));
        (!buckets.is_empty()).then_some(Self {
            buckets,
            express_start,
        })
    }

    /// Whether Express `StartExecution` calls have a bucket of their own.
    pub fn separates_express_starts(&self) -> bool {
        self.express_start.is_some()
    }

    /// Takes a token for `operation`; false means throttled. Operations
    /// without a bucket always pass.
    /// `express_start` says a `StartExecution` targets an Express machine.
    pub fn admit(&self, operation: &str, express_start: bool, now_millis: i64) -> bool {
        let bucket = match &self.express_start {
            Some(express) if express_start => Some(express),
            _ => self.buckets.get(operation),
        };
        bucket.is_none_or(|bucket| bucket.lock().try_take(now_millis))
    }
}
